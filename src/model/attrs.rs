//! The attribute store of one entity: only the slots it has, in slot order.
//!
//! A dense vector of every key and fact cost a 100,000-device inventory 156 bytes a
//! device for each of its 39 slots, stated or not: most of the inventory's memory, and
//! the cache misses of evaluation. Here a bit mask says which slots hold a value and the
//! values sit side by side; a derived boolean (11 of a device's facts) is two bits.

use thin_vec::ThinVec;

use super::{Attr, Origin, Val};
use crate::source::{FileId, Span};

/// Derived booleans are answered from these: they have no span and no storage of their own.
static DERIVED_TRUE: Attr = derived_bool(true);
static DERIVED_FALSE: Attr = derived_bool(false);

const fn derived_bool(value: bool) -> Attr {
    Attr {
        val: Val::Bool(value),
        span: Span {
            file: FileId(0),
            start: 0,
            end: 0,
        },
        origin: Origin::Derived,
        field: 0,
    }
}

/// Slots are bit positions: no kind has more than this many keys and facts (a test of
/// the schema holds every kind to it).
pub const MAX_SLOTS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs {
    /// Slots holding an entry of `values`.
    stored: u64,
    /// Slots holding a derived boolean, whose value is the same bit of `truth`.
    flags: u64,
    truth: u64,
    /// Thin: an entity holds two stores, and a million entities held them all at once.
    values: ThinVec<Attr>,
}

fn bit(slot: usize) -> u64 {
    1u64.checked_shl(slot as u32).unwrap_or(0)
}

impl Attrs {
    /// The store of a converted block: `slots[i]` is slot `i`, absent when `None`.
    pub fn from_slots(slots: Vec<Option<Attr>>) -> Attrs {
        let mut stored = 0;
        let mut values = ThinVec::with_capacity(slots.iter().flatten().count());
        for (slot, attr) in slots.into_iter().enumerate() {
            if let Some(attr) = attr {
                stored |= bit(slot);
                values.push(attr);
            }
        }
        Attrs {
            stored,
            values,
            ..Attrs::default()
        }
    }

    /// Where slot `slot` sits in `values` (when stored): the stored slots below it.
    fn position(&self, slot: usize) -> usize {
        (self.stored & (bit(slot).wrapping_sub(1))).count_ones() as usize
    }

    pub fn get(&self, slot: usize) -> Option<&Attr> {
        let bit = bit(slot);
        if self.stored & bit != 0 {
            return self.values.get(self.position(slot));
        }
        let value = match self.truth & bit {
            0 => &DERIVED_FALSE,
            _ => &DERIVED_TRUE,
        };
        (self.flags & bit != 0).then_some(value)
    }

    /// A stored value, to patch in place (a resolved reference). Derived booleans are
    /// not stored, so not here.
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut Attr> {
        if self.stored & bit(slot) == 0 {
            return None;
        }
        let position = self.position(slot);
        self.values.get_mut(position)
    }

    /// Room for `more` values: derivation adds its facts one by one, and a vector grown
    /// by doubling would keep up to twice the room it needs for the rest of the run.
    pub fn reserve(&mut self, more: usize) {
        self.values.reserve_exact(more);
    }

    pub fn set(&mut self, slot: usize, attr: Option<Attr>) {
        let bit = bit(slot);
        if bit == 0 {
            return;
        }
        let position = self.position(slot);
        let was_stored = self.stored & bit != 0;
        self.flags &= !bit;
        self.truth &= !bit;
        match attr {
            Some(Attr {
                val: Val::Bool(value),
                origin: Origin::Derived,
                ..
            }) => {
                if was_stored {
                    self.values.remove(position);
                }
                self.stored &= !bit;
                self.flags |= bit;
                if value {
                    self.truth |= bit;
                }
            }
            Some(attr) if was_stored => self.values[position] = attr,
            Some(attr) => {
                self.values.insert(position, attr);
                self.stored |= bit;
            }
            None => {
                if was_stored {
                    self.values.remove(position);
                }
                self.stored &= !bit;
            }
        }
    }

    /// Every present slot with its value, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Attr)> + '_ {
        let present = self.stored | self.flags;
        (0..MAX_SLOTS)
            .filter(move |&slot| present & bit(slot) != 0)
            .filter_map(|slot| Some((slot, self.get(slot)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(n: i64) -> Attr {
        Attr::new(Val::Int(n), Span::new(FileId(1), 10, 12))
    }

    #[test]
    fn every_kind_fits_the_slot_masks() {
        for kind in crate::schema::KINDS {
            assert!(kind.slot_count() <= MAX_SLOTS, "{kind:?}");
            // Policies read `name` from the entity itself, by this slot.
            let name = kind.slot_key(kind.name_slot()).map(|key| key.name);
            assert_eq!(name, Some("name"), "{kind:?}");
        }
    }

    #[test]
    fn only_present_slots_are_stored() {
        let attrs = Attrs::from_slots(vec![None, Some(written(1)), None, Some(written(3))]);
        assert_eq!(attrs.values.len(), 2);
        assert_eq!(attrs.get(0), None);
        assert_eq!(attrs.get(1).map(|a| &a.val), Some(&Val::Int(1)));
        assert_eq!(attrs.get(3).map(|a| &a.val), Some(&Val::Int(3)));
        assert_eq!(attrs.get(63), None);
        assert_eq!(attrs.get(64), None);
        let slots: Vec<usize> = attrs.iter().map(|(slot, _)| slot).collect();
        assert_eq!(slots, [1, 3]);
    }

    #[test]
    fn set_inserts_replaces_and_removes_in_slot_order() {
        let mut attrs = Attrs::from_slots(vec![None, Some(written(1))]);
        attrs.set(5, Some(written(5)));
        attrs.set(0, Some(written(0)));
        attrs.set(1, Some(written(10)));
        let values: Vec<(usize, &Val)> = attrs.iter().map(|(s, a)| (s, &a.val)).collect();
        assert_eq!(
            values,
            [(0, &Val::Int(0)), (1, &Val::Int(10)), (5, &Val::Int(5))]
        );
        attrs.set(1, None);
        assert_eq!(attrs.get(1), None);
        assert_eq!(attrs.get(5).map(|a| &a.val), Some(&Val::Int(5)));
        attrs.set(70, Some(written(70)));
        assert_eq!(attrs.iter().count(), 2);
    }

    #[test]
    fn derived_booleans_are_bits() {
        let mut attrs = Attrs::from_slots(vec![Some(written(1))]);
        attrs.set(7, Some(Attr::derived(Val::Bool(true))));
        attrs.set(8, Some(Attr::derived(Val::Bool(false))));
        assert_eq!(attrs.values.len(), 1);
        assert_eq!(attrs.get(7), Some(&DERIVED_TRUE));
        assert_eq!(attrs.get(8), Some(&DERIVED_FALSE));
        assert_eq!(attrs.get(7).and_then(Attr::span), None);
        // A written boolean keeps its span.
        let stated = Attr::new(Val::Bool(true), Span::new(FileId(1), 3, 7));
        attrs.set(7, Some(stated.clone()));
        assert_eq!(attrs.get(7), Some(&stated));
        attrs.set(8, None);
        assert_eq!(attrs.get(8), None);
        assert!(attrs.get_mut(7).is_some());
    }
}
