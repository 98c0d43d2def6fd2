//! The resolved inventory: every block validated against [`crate::schema`], every
//! reference resolved to an [`EntityId`], and the derived facts of LANGUAGE.md §4 computed
//! once, so policies only read slots.

mod derive;
pub mod network;
pub mod os_support;
mod validate;

use std::collections::HashMap;

use crate::date::Date;
use crate::finding::Finding;
use crate::schema::{KINDS, Kind};
use crate::source::{FileId, Span};
use crate::syntax::ast::Block;

pub use network::Reach;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

impl EntityId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(Box<str>),
    Int(i64),
    Bool(bool),
    Date(Date),
    Enum(&'static str),
    Ref(EntityId),
    List(Vec<Val>),
    /// A nested block; slots follow its [`crate::schema::Type::Record`] fields.
    Record(Vec<Option<Attr>>),
}

/// A value with where it was written. Derived values have no span.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub val: Val,
    pub span: Option<Span>,
    /// Written on another block (a device's os field taken from its model).
    pub inherited: bool,
}

impl Attr {
    pub fn new(val: Val, span: Span) -> Attr {
        Attr {
            val,
            span: Some(span),
            inherited: false,
        }
    }

    pub fn derived(val: Val) -> Attr {
        Attr {
            val,
            span: None,
            inherited: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: Kind,
    pub name: String,
    pub name_span: Span,
    /// Keys then derived facts, in [`Kind::slot`] order.
    pub attrs: Vec<Option<Attr>>,
    /// `x_…` user extensions, in source order.
    pub extensions: Vec<(String, Attr)>,
}

impl Entity {
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.slot(self.kind.slot(name)?)
    }

    pub fn slot(&self, slot: usize) -> Option<&Val> {
        self.attrs.get(slot)?.as_ref().map(|a| &a.val)
    }

    /// A field of a nested record (`patch.status`).
    pub fn field(&self, record: &str, field: &str) -> Option<&Val> {
        let Some(Val::Record(fields)) = self.get(record) else {
            return None;
        };
        let crate::schema::Type::Record(keys) = self.kind.slot_key(self.kind.slot(record)?)?.ty
        else {
            return None;
        };
        let (slot, _) = crate::schema::field(keys, field)?;
        fields.get(slot)?.as_ref().map(|a| &a.val)
    }

    fn set(&mut self, name: &str, val: Val) {
        if let Some(slot) = self.kind.slot(name) {
            self.attrs[slot] = Some(Attr::derived(val));
        }
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    pub entities: Vec<Entity>,
    pub names: HashMap<String, EntityId>,
    by_kind: [Vec<EntityId>; KINDS.len()],
    /// Zones each vlan reaches, indexed by entity id (empty for other kinds).
    pub reach: Vec<Reach>,
    pub as_of: Option<Date>,
}

impl Inventory {
    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    pub fn lookup(&self, name: &str) -> Option<EntityId> {
        self.names.get(name).copied()
    }

    pub fn of_kind(&self, kind: Kind) -> &[EntityId] {
        &self.by_kind[kind.index()]
    }
}

/// Validates, resolves and derives: blocks of every file (in path order) → inventory
/// plus every WARD-002…010 error. Never fails; invalid attributes are dropped.
pub fn build(files: &[(FileId, Vec<Block<'_>>)], as_of: Date) -> (Inventory, Vec<Finding>) {
    let mut errors = Vec::new();
    let mut inventory = validate::validate(files, &mut errors);
    for (index, entity) in inventory.entities.iter().enumerate() {
        inventory.by_kind[entity.kind.index()].push(EntityId(index as u32));
    }
    network::check_vlan_ids(&inventory, &mut errors);
    inventory.reach = network::reach(&inventory);
    derive::derive(&mut inventory, as_of);
    inventory.as_of = Some(as_of);
    (inventory, errors)
}
