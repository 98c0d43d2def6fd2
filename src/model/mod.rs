//! The resolved inventory: every block validated against [`crate::schema`], every
//! reference resolved to an [`EntityId`], and the derived facts of LANGUAGE.md §4 computed
//! once, so policies only read slots.
//!
//! The storage is sized for a million devices. An entity keeps the keys its block states
//! ([`Attrs`]: a bit mask and the values side by side) and the facts resolution derives
//! ([`Facts`]: derived booleans are bits); a [`Val`] is 16 bytes and an [`Attr`] 32; a
//! string without escapes is read in place from its source file ([`Attr::text`]); the
//! name fact is the entity's name. What devices share is stored once and read through
//! [`Inventory::attr`]: the `os` and `connectivity` of their model, the `covered_by` and
//! `decisions` of their (model, vlan) placement.

mod adjacency;
mod attrs;
mod derive;
pub mod network;
pub mod os_support;
pub(crate) mod validate;

use std::sync::Arc;

use thin_vec::ThinVec;

use crate::date::Date;
use crate::finding::Finding;
use crate::schema::{KINDS, Kind, KindTag, Slot, device, tag};
use crate::source::Span;

pub use attrs::{Attrs, Facts};
pub use network::NetworkGraph;
pub use validate::{Draft, draft};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

impl EntityId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A value. Every variant holds at most one pointer, so a value is 16 bytes and an
/// [`Attr`] 32: an inventory holds some 45 of them a device.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(Text),
    /// A string literal without escapes, read in place from the file it was written in:
    /// its text is its attribute's span without the quotes ([`Attr::text`]). Only an
    /// attribute or a record field holds one, never a list.
    Quoted(Source),
    Int(i64),
    Bool(bool),
    Date(Date),
    /// One of the schema's words for the key ([`crate::schema::Type::Enum`]).
    Enum(&'static &'static str),
    Ref(EntityId),
    List(ThinVec<Val>),
    /// A nested block: the fields it has, in field order, each knowing its index among
    /// the [`crate::schema::Type::Record`] fields ([`Attr::field`]).
    Record(ThinVec<Attr>),
}

/// The text of a source file, shared by the strings written in it.
#[derive(Clone)]
pub struct Source(pub Arc<String>);

/// Two quoted strings are compared by their text ([`Attr::text`]), never as values.
impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Source")
    }
}

/// A string value behind one thin pointer (a `Box<str>` is two words).
#[derive(Clone, PartialEq, Eq)]
pub struct Text(Box<Box<str>>);

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text(Box::new(text.into()))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Box::new(text.into_boxed_str()))
    }
}

/// Where an attribute's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written in the entity's own block.
    Written,
    /// Written on another block and taken from there (a device's os from its model).
    Inherited,
    /// Computed by resolution; it has no span.
    Derived,
}

/// A value with where it was written. Kept small (32 bytes): an inventory holds one per
/// key and fact of every entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub val: Val,
    span: Span,
    pub origin: Origin,
    /// Inside a record, which field this is; it fits in the padding, so records store
    /// only the fields they have.
    field: u16,
}

impl Attr {
    pub fn new(val: Val, span: Span) -> Attr {
        Attr {
            val,
            span,
            origin: Origin::Written,
            field: 0,
        }
    }

    pub fn derived(val: Val) -> Attr {
        Attr {
            val,
            span: Span::new(crate::source::FileId(0), 0, 0),
            origin: Origin::Derived,
            field: 0,
        }
    }

    /// The same attribute as field `index` of a record.
    pub fn as_field(self, index: usize) -> Attr {
        Attr {
            field: u16::try_from(index).unwrap_or(u16::MAX),
            ..self
        }
    }

    /// Its index among the fields of the record holding it.
    pub fn field(&self) -> usize {
        usize::from(self.field)
    }

    /// The same value, as taken over from another block.
    pub fn inherited(self) -> Attr {
        let origin = if self.origin == Origin::Derived {
            Origin::Derived
        } else {
            Origin::Inherited
        };
        Attr { origin, ..self }
    }

    /// The value as a string, wherever it is kept.
    pub fn text(&self) -> Option<&str> {
        match &self.val {
            Val::Str(text) => Some(text),
            Val::Quoted(Source(source)) => {
                let (start, end) = (self.span.start as usize, self.span.end as usize);
                source.get(start + 1..end.saturating_sub(1))
            }
            _ => None,
        }
    }

    /// Where it was written; `None` for a derived value.
    pub fn span(&self) -> Option<Span> {
        (self.origin != Origin::Derived).then_some(self.span)
    }
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: Kind,
    pub name: Arc<str>,
    pub name_span: Span,
    /// The keys as the block states them, by [`Kind::slot`].
    pub attrs: Attrs,
    /// What resolution derives: the facts, and the keys it completes (a device's `os`
    /// and `connectivity` with what they inherit from the model), which take precedence.
    facts: Facts,
    /// `x_…` user extensions, in source order.
    pub extensions: ThinVec<(String, Attr)>,
}

impl Entity {
    pub(crate) fn new(kind: Kind, name: &str, name_span: Span, attrs: Attrs) -> Entity {
        Entity {
            kind,
            name: name.into(),
            name_span,
            attrs,
            facts: Facts::default(),
            extensions: ThinVec::new(),
        }
    }

    /// A key or fact by slot, as resolution completed it.
    pub fn attr(&self, slot: usize) -> Option<&Attr> {
        self.facts.get(slot).or_else(|| self.attrs.get(slot))
    }

    /// A key or fact by name, looked up in this entity's own kind (so it cannot read
    /// another kind's slot); [`Entity::attr`] is the typed form for resolution itself.
    /// What a device shares with others is not on the device (the `os` and
    /// `connectivity` of its model, the `covered_by` and `decisions` of its model and
    /// vlan): [`Inventory::get`] reads those too.
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.attr(self.kind.slot(name)?).map(|a| &a.val)
    }

    /// A device's model and vlan, read through typed slots; none for other kinds.
    pub(crate) fn placement(&self) -> Placement {
        let device = self.typed::<tag::Device>();
        let reference = |slot| match device.as_ref()?.attr(slot)?.val {
            Val::Ref(id) => Some(id),
            _ => None,
        };
        (reference(device::MODEL), reference(device::VLAN))
    }

    /// A key or fact by name, with where it was written.
    pub fn named(&self, name: &str) -> Option<&Attr> {
        self.attr(self.kind.slot(name)?)
    }

    /// A string key or fact by name.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.named(name)?.text()
    }

    /// Where attribute `key` was written, else the block's name: what to point at.
    pub fn attr_span(&self, key: &str) -> Span {
        let attr = self.kind.slot(key).and_then(|slot| self.attrs.get(slot));
        attr.and_then(Attr::span).unwrap_or(self.name_span)
    }

    /// A field of a nested record (`patch.status`) the entity states or derives.
    pub fn field(&self, record: &str, field: &str) -> Option<&Val> {
        self.field_attr(record, field).map(|a| &a.val)
    }

    /// A field of a nested record, with where it was written.
    pub fn field_attr(&self, record: &str, field: &str) -> Option<&Attr> {
        let slot = self.kind.slot(record)?;
        field_of(self.kind, slot, self.attr(slot)?, field)
    }

    /// This entity as one of kind `K`, if it is one: the view only `K`'s slots read.
    pub fn typed<K: KindTag>(&self) -> Option<Typed<'_, K>> {
        (self.kind == K::KIND).then_some(Typed(self, std::marker::PhantomData))
    }

    fn set(&mut self, name: &str, val: Val) {
        if let Some(slot) = self.kind.slot(name) {
            self.facts.set(slot, Some(Attr::derived(val)));
        }
    }
}

/// Where a device sits: its model and its vlan.
pub(crate) type Placement = (Option<EntityId>, Option<EntityId>);

/// The safeguards covering, and the decisions applying to, every device of a placement
/// that names none of its own.
#[derive(Debug)]
pub(crate) struct Placed {
    covered_by: Attr,
    decisions: Attr,
}

/// What the devices of a model inherit from it.
#[derive(Debug)]
pub(crate) struct Inherited {
    os: Option<Attr>,
    connectivity: Option<Attr>,
}

/// Field `field` of the record `record` holds in slot `slot` of an entity of `kind`.
fn field_of<'a>(kind: Kind, slot: usize, record: &'a Attr, field: &str) -> Option<&'a Attr> {
    let (Val::Record(fields), crate::schema::Type::Record(keys)) =
        (&record.val, kind.slot_key(slot)?.ty)
    else {
        return None;
    };
    let (index, _) = crate::schema::field(keys, field)?;
    record_field(fields, index)
}

/// Field `index` of a record's fields, if the record has it.
pub fn record_field(fields: &[Attr], index: usize) -> Option<&Attr> {
    fields.iter().find(|attr| attr.field() == index)
}

/// A record of the fields that are present, `fields[i]` being field `i`.
pub fn record(fields: impl IntoIterator<Item = Option<Attr>>) -> Val {
    let fields: Vec<Option<Attr>> = fields.into_iter().collect();
    // A new allocation of the exact size: collecting in place would keep the room of
    // every absent field.
    let mut present = ThinVec::with_capacity(fields.iter().flatten().count());
    let numbered = fields.into_iter().enumerate();
    present.extend(numbered.filter_map(|(i, attr)| Some(attr?.as_field(i))));
    Val::Record(present)
}

/// An entity known to be of kind `K`, read through `K`'s typed slots:
///
/// ```
/// use wardline::model::Entity;
/// use wardline::schema::{model, tag};
/// fn has_os(entity: &Entity) -> bool {
///     let model = entity.typed::<tag::Model>();
///     model.and_then(|m| m.attr(model::OS_BLOCK)).is_some()
/// }
/// ```
///
/// A slot of another kind does not compile:
///
/// ```compile_fail
/// use wardline::model::Entity;
/// use wardline::schema::{device, tag};
/// fn os_of_model(model: &Entity) {
///     let model = model.typed::<tag::Model>();
///     let _ = model.and_then(|m| m.attr(device::OS_BLOCK)); // a device slot on a model
/// }
/// ```
pub struct Typed<'a, K>(&'a Entity, std::marker::PhantomData<K>);

impl<'a, K> Typed<'a, K> {
    pub fn attr(&self, slot: Slot<K>) -> Option<&'a Attr> {
        self.0.attr(slot.index())
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    pub entities: Vec<Entity>,
    /// Seeded foldhash: fast, and names come from the input, so a fixed-seed hash
    /// (Fx) would let crafted names collide.
    pub names: foldhash::HashMap<Arc<str>, EntityId>,
    by_kind: [Vec<EntityId>; KINDS.len()],
    /// What the devices of each model inherit from it, by model: read through, never
    /// copied onto each device.
    inherited: rustc_hash::FxHashMap<EntityId, Inherited>,
    /// What the devices of a (model, vlan) pair share unless they add their own.
    placements: rustc_hash::FxHashMap<Placement, Placed>,
    /// The flow graph, built the first time a policy asks about paths.
    network: std::sync::OnceLock<NetworkGraph>,
}

impl Inventory {
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    /// A key or fact of an entity as policies read it: a device that states no `os` or
    /// `connectivity` of its own reads its model's.
    pub fn attr(&self, id: EntityId, slot: usize) -> Option<&Attr> {
        let entity = self.entity(id);
        entity.attr(slot).or_else(|| self.shared(entity, slot))
    }

    /// What a device reads from its model (os, connectivity) or its placement (the
    /// safeguards covering it and the decisions applying to it) instead of a copy.
    fn shared(&self, entity: &Entity, slot: usize) -> Option<&Attr> {
        use device::{CONNECTIVITY, COVERED_BY, DECISIONS, OS_BLOCK};
        if entity.kind != Kind::Device {
            return None;
        }
        let inherited = || self.inherited.get(&entity.placement().0?);
        let placed = || self.placements.get(&entity.placement());
        match slot {
            s if s == OS_BLOCK.index() => inherited()?.os.as_ref(),
            s if s == CONNECTIVITY.index() => inherited()?.connectivity.as_ref(),
            s if s == COVERED_BY.index() => Some(&placed()?.covered_by),
            s if s == DECISIONS.index() => Some(&placed()?.decisions),
            _ => None,
        }
    }

    /// A key or fact of an entity by name, inherited values included.
    pub fn get(&self, id: EntityId, name: &str) -> Option<&Attr> {
        let slot = self.entity(id).kind.slot(name)?;
        self.attr(id, slot)
    }

    /// A field of a nested record of an entity (`os.name`), inherited values included.
    pub fn field(&self, id: EntityId, record: &str, field: &str) -> Option<&Attr> {
        let kind = self.entity(id).kind;
        let slot = kind.slot(record)?;
        field_of(kind, slot, self.attr(id, slot)?, field)
    }

    pub fn lookup(&self, name: &str) -> Option<EntityId> {
        self.names.get(name).copied()
    }

    pub fn of_kind(&self, kind: Kind) -> &[EntityId] {
        &self.by_kind[kind.index()]
    }

    /// The network map of vlans and flows.
    pub fn network(&self) -> &NetworkGraph {
        self.network.get_or_init(|| NetworkGraph::new(self))
    }
}

/// Resolves and derives: the drafts of every file (in path order, see [`draft`]) →
/// inventory plus every WARD-004…006, 009 and 010 error. Never fails; invalid
/// attributes are dropped.
pub fn build(drafts: Vec<Draft<'_>>, as_of: Date) -> (Inventory, Vec<Finding>) {
    let (mut inventory, errors) = resolve(drafts);
    derive(&mut inventory, as_of);
    (inventory, errors)
}

/// The first half of [`build`], timed on its own by `check --timings`: names,
/// references and vlan ids resolved, no derived fact yet.
pub fn resolve(drafts: Vec<Draft<'_>>) -> (Inventory, Vec<Finding>) {
    let mut errors = Vec::new();
    let mut inventory = validate::resolve(drafts, &mut errors);
    for (index, entity) in inventory.entities.iter().enumerate() {
        inventory.by_kind[entity.kind.index()].push(EntityId(index as u32));
    }
    network::check_vlan_ids(&inventory, &mut errors);
    (inventory, errors)
}

/// The second half of [`build`]: the derived facts of LANGUAGE.md §4, as of `as_of`.
pub fn derive(inventory: &mut Inventory, as_of: Date) {
    derive::derive(inventory, as_of);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_stay_small() {
        // One per key and fact of every entity: size is the inventory's memory.
        assert_eq!(size_of::<Option<Attr>>(), 32);
        assert_eq!(size_of::<Val>(), 16);
    }

    #[test]
    fn records_store_only_their_fields() {
        let span = Span::new(crate::source::FileId(0), 1, 2);
        let Val::Record(fields) = record([None, Some(Attr::new(Val::Int(7), span)), None]) else {
            unreachable!("record() builds a record");
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(record_field(&fields, 1).map(|a| &a.val), Some(&Val::Int(7)));
        assert_eq!(record_field(&fields, 0), None);
        assert_eq!(record_field(&fields, 2), None);
    }
}
