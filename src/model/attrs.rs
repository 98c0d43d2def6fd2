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

/// The keys a block states: the slots it has, side by side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attrs {
    /// Slots holding an entry of `values`.
    stored: u64,
    /// Thin: a million entities hold two stores each.
    values: ThinVec<Attr>,
}

/// What resolution derives for an entity: values as in [`Attrs`], and booleans as bits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    values: Attrs,
    /// Slots holding a derived boolean, whose value is the same bit of `truth`.
    flags: u64,
    truth: u64,
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
        Attrs { stored, values }
    }

    /// Where slot `slot` sits in `values` (when stored): the stored slots below it.
    fn position(&self, slot: usize) -> usize {
        (self.stored & (bit(slot).wrapping_sub(1))).count_ones() as usize
    }

    pub fn get(&self, slot: usize) -> Option<&Attr> {
        if self.stored & bit(slot) == 0 {
            return None;
        }
        self.values.get(self.position(slot))
    }

    /// A value to patch in place (a resolved reference).
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
        match attr {
            Some(attr) if was_stored => self.values[position] = attr,
            Some(attr) => {
                self.values.insert(position, attr);
                self.stored |= bit;
            }
            None if was_stored => {
                self.values.remove(position);
                self.stored &= !bit;
            }
            None => {}
        }
    }
}

impl Facts {
    pub fn get(&self, slot: usize) -> Option<&Attr> {
        let bit = bit(slot);
        if self.flags & bit == 0 {
            return self.values.get(slot);
        }
        Some(match self.truth & bit {
            0 => &DERIVED_FALSE,
            _ => &DERIVED_TRUE,
        })
    }

    /// Room for `more` values besides the booleans.
    pub fn reserve(&mut self, more: usize) {
        self.values.reserve(more);
    }

    pub fn set(&mut self, slot: usize, attr: Option<Attr>) {
        let bit = bit(slot);
        self.flags &= !bit;
        self.truth &= !bit;
        match attr {
            Some(Attr {
                val: Val::Bool(value),
                origin: Origin::Derived,
                ..
            }) => {
                self.values.set(slot, None);
                self.flags |= bit;
                if value {
                    self.truth |= bit;
                }
            }
            attr => self.values.set(slot, attr),
        }
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
            // Slots are bit positions of a u64.
            assert!(kind.slot_count() <= u64::BITS as usize, "{kind:?}");
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
    }

    #[test]
    fn set_inserts_replaces_and_removes_in_slot_order() {
        let mut attrs = Attrs::from_slots(vec![None, Some(written(1))]);
        attrs.set(5, Some(written(5)));
        attrs.set(0, Some(written(0)));
        attrs.set(1, Some(written(10)));
        let values: Vec<&Val> = attrs.values.iter().map(|a| &a.val).collect();
        assert_eq!(values, [&Val::Int(0), &Val::Int(10), &Val::Int(5)]);
        attrs.set(1, None);
        assert_eq!(attrs.get(1), None);
        assert_eq!(attrs.get(5).map(|a| &a.val), Some(&Val::Int(5)));
        attrs.set(70, Some(written(70)));
        assert_eq!(attrs.values.len(), 2);
    }

    #[test]
    fn derived_booleans_are_bits() {
        let mut facts = Facts::default();
        facts.set(2, Some(written(1)));
        facts.set(7, Some(Attr::derived(Val::Bool(true))));
        facts.set(8, Some(Attr::derived(Val::Bool(false))));
        assert_eq!(facts.values.values.len(), 1);
        assert_eq!(facts.get(7), Some(&DERIVED_TRUE));
        assert_eq!(facts.get(8), Some(&DERIVED_FALSE));
        assert_eq!(facts.get(7).and_then(Attr::span), None);
        // A written boolean keeps its span.
        let stated = Attr::new(Val::Bool(true), Span::new(FileId(1), 3, 7));
        facts.set(7, Some(stated.clone()));
        assert_eq!(facts.get(7), Some(&stated));
        facts.set(8, None);
        assert_eq!(facts.get(8), None);
        assert_eq!(facts.get(2).map(|a| &a.val), Some(&Val::Int(1)));
    }
}
