//! Entity → items lists as two compact arrays: the items of entity `e` are
//! `items[starts[e]..starts[e + 1]]`. The indexes of derivation (a model's devices, what
//! covers a target) and the flow graph use it, where a map of vectors held one allocation
//! per key.

use super::EntityId;

#[derive(Debug)]
pub(crate) struct Adjacency<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T> Default for Adjacency<T> {
    fn default() -> Adjacency<T> {
        Adjacency {
            starts: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<T: Copy> Adjacency<T> {
    /// From (entity, item) pairs over `entities` entities, by a counting sort that keeps
    /// each entity's items in the order given. A pair naming no entity is dropped.
    pub fn new(entities: usize, pairs: Vec<(EntityId, T)>) -> Adjacency<T> {
        let mut starts = vec![0u32; entities + 1];
        for &(entity, _) in &pairs {
            if let Some(count) = starts.get_mut(entity.index() + 1) {
                *count += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        // Every place is written below; the first item only fills them until then.
        let len = starts.last().map_or(0, |&n| n as usize);
        let mut items = match pairs.first() {
            Some(&(_, first)) => vec![first; len],
            None => Vec::new(),
        };
        for (entity, item) in pairs {
            let Some(at) = next.get_mut(entity.index()) else {
                continue;
            };
            if let Some(slot) = items.get_mut(*at as usize) {
                *slot = item;
            }
            *at += 1;
        }
        Adjacency { starts, items }
    }
}

impl<T> Adjacency<T> {
    pub fn get(&self, entity: EntityId) -> &[T] {
        let start = |i: usize| self.starts.get(i).map(|&s| s as usize);
        match (start(entity.index()), start(entity.index() + 1)) {
            (Some(from), Some(to)) => self.items.get(from..to).unwrap_or_default(),
            _ => &[],
        }
    }

    pub fn has(&self, entity: EntityId) -> bool {
        !self.get(entity).is_empty()
    }

    /// Every (entity, item) pair, in entity order.
    pub fn pairs(&self) -> impl Iterator<Item = (EntityId, &T)> + '_ {
        self.starts
            .windows(2)
            .enumerate()
            .flat_map(move |(entity, range)| {
                let items = self.items.get(range[0] as usize..range[1] as usize);
                let entity = EntityId(entity as u32);
                items
                    .unwrap_or_default()
                    .iter()
                    .map(move |item| (entity, item))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entitys_items_keep_their_order() {
        let id = EntityId;
        let pairs = vec![
            (id(2), id(7)),
            (id(0), id(5)),
            (id(2), id(6)),
            (id(9), id(1)),
        ];
        let index = Adjacency::new(4, pairs);
        assert_eq!(index.get(id(2)), [id(7), id(6)]);
        assert_eq!(index.get(id(0)), [id(5)]);
        assert!(index.get(id(1)).is_empty() && !index.has(id(3)));
        // An entity outside the inventory is dropped, never a panic.
        assert!(index.get(id(9)).is_empty());
        let all: Vec<(EntityId, EntityId)> = index.pairs().map(|(e, &i)| (e, i)).collect();
        assert_eq!(all, [(id(0), id(5)), (id(2), id(7)), (id(2), id(6))]);
    }
}
