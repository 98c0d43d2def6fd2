//! The compiled form and its evaluation: paths are slot indices, functions are registry
//! entries, and values borrow from the inventory, so evaluating a policy on an entity
//! allocates nothing on the common paths.

use super::check::Ty;
use super::functions::Function;
use super::parse::CmpOp;
use crate::date::Date;
use crate::model::{Attr, EntityId, Inventory, Val, record_field};

#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    /// Read a slot of the current entity (following a reference first).
    Slot(usize),
    /// Read a field of the current record.
    Field(usize),
}

#[derive(Debug, Clone)]
pub(super) enum Code {
    Const(Const),
    AsOf,
    Path(Vec<Step>),
    List(Vec<Code>),
    Not(Box<Code>),
    And(Vec<Code>),
    Or(Vec<Code>),
    Cmp(CmpOp, Box<Code>, Box<Code>),
    /// A function of the registry with its compiled arguments.
    Call(&'static Function, Vec<Code>),
}

#[derive(Debug, Clone)]
pub(super) enum Const {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Date(Date),
}

/// A type-checked expression, ready to evaluate on entities of one kind.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub(super) code: Code,
    pub ty: Ty,
}

/// A compiled attribute path, used for `at` blame and `{path}` interpolation.
#[derive(Debug, Clone)]
pub struct CompiledPath {
    pub(super) steps: Vec<Step>,
}

/// A runtime value, borrowing from the inventory and the compiled expression.
#[derive(Debug, Clone)]
pub enum V<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Date(Date),
    Str(&'a str),
    Entity(EntityId),
    Items(&'a [Val]),
    Owned(Vec<V<'a>>),
    Record(&'a [Attr]),
}

impl<'a> V<'a> {
    pub fn from_val(val: &'a Val) -> V<'a> {
        match val {
            Val::Str(s) => V::Str(s),
            // Only attributes hold a quoted string, and they are read by `from_attr`.
            Val::Quoted(_) => V::Null,
            Val::Int(n) => V::Int(*n),
            Val::Bool(b) => V::Bool(*b),
            Val::Date(d) => V::Date(*d),
            Val::Enum(e) => V::Str(e),
            Val::Ref(id) => V::Entity(*id),
            Val::List(items) => V::Items(items),
            Val::Record(fields) => V::Record(fields),
        }
    }

    /// An attribute's value; a string is read wherever it is kept.
    pub fn from_attr(attr: &'a Attr) -> V<'a> {
        match attr.text() {
            Some(text) => V::Str(text),
            None => V::from_val(&attr.val),
        }
    }

    pub(super) fn truthy(&self) -> bool {
        matches!(self, V::Bool(true))
    }

    /// The elements of a list, without copying it (null and scalars: none).
    pub(super) fn items(&self) -> impl Iterator<Item = V<'a>> + '_ {
        let (model, literal): (&[Val], &[V<'a>]) = match self {
            V::Items(items) => (items, &[]),
            V::Owned(items) => (&[], items),
            _ => (&[], &[]),
        };
        model.iter().map(V::from_val).chain(literal.iter().cloned())
    }

    pub(super) fn len(&self) -> usize {
        match self {
            V::Items(items) => items.len(),
            V::Owned(items) => items.len(),
            _ => 0,
        }
    }

    /// The display of a value in a message; null shows as `unknown`.
    pub fn display(&self, inventory: &Inventory) -> String {
        match self {
            V::Null => "unknown".into(),
            V::Bool(b) => b.to_string(),
            V::Int(n) => n.to_string(),
            V::Date(d) => d.to_string(),
            V::Str(s) => (*s).to_owned(),
            V::Entity(id) => inventory.entity(*id).name.to_string(),
            V::Items(_) | V::Owned(_) => self
                .items()
                .map(|v| v.display(inventory))
                .collect::<Vec<_>>()
                .join(", "),
            V::Record(_) => "{…}".into(),
        }
    }
}

/// What an expression is evaluated against.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub inventory: &'a Inventory,
    pub as_of: Date,
}

fn structural_eq(scope: Scope, a: &V, b: &V) -> bool {
    match (a, b) {
        (V::Null, V::Null) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        (V::Date(x), V::Date(y)) => x == y,
        (V::Str(x), V::Str(y)) => x == y,
        (V::Entity(x), V::Entity(y)) => x == y,
        (V::Entity(id), V::Str(s)) | (V::Str(s), V::Entity(id)) => {
            *scope.inventory.entity(*id).name == **s
        }
        (V::Items(_) | V::Owned(_), V::Items(_) | V::Owned(_)) => {
            a.len() == b.len()
                && a.items()
                    .zip(b.items())
                    .all(|(p, q)| structural_eq(scope, &p, &q))
        }
        _ => false,
    }
}

impl Compiled {
    pub fn eval<'a>(&'a self, scope: Scope<'a>, entity: EntityId) -> V<'a> {
        eval(&self.code, scope, entity)
    }

    /// In a boolean position null counts as false.
    pub fn holds(&self, scope: Scope, entity: EntityId) -> bool {
        self.eval(scope, entity).truthy()
    }
}

impl CompiledPath {
    pub fn eval<'a>(&self, scope: Scope<'a>, entity: EntityId) -> V<'a> {
        read_path(&self.steps, scope, entity)
    }

    /// The attributes to blame: the judged entity's own attribute on the path (the
    /// reference the path follows out of the block, or the attribute it ends at) and,
    /// when the path leaves the block, the attribute it reaches in the other one.
    pub fn blame<'a>(
        &self,
        scope: Scope<'a>,
        entity: EntityId,
    ) -> (Option<&'a Attr>, Option<&'a Attr>) {
        let mut current = entity;
        let mut attr: Option<&Attr> = None;
        let mut own: Option<&Attr> = None;
        for step in &self.steps {
            attr = match (*step, attr.map(|a| &a.val)) {
                (Step::Slot(slot), None) => scope.inventory.attr(current, slot),
                (Step::Slot(slot), Some(Val::Ref(id))) => {
                    own = own.or(attr);
                    current = *id;
                    scope.inventory.attr(current, slot)
                }
                (Step::Field(field), Some(Val::Record(fields))) => record_field(fields, field),
                _ => None,
            };
            if attr.is_none() {
                break;
            }
        }
        match own {
            Some(reference) => (Some(reference), attr),
            None => (attr, None),
        }
    }
}

fn read_path<'a>(steps: &[Step], scope: Scope<'a>, entity: EntityId) -> V<'a> {
    let mut current = V::Entity(entity);
    for step in steps {
        current = match (*step, &current) {
            (Step::Slot(slot), V::Entity(id)) => {
                let entity = scope.inventory.entity(*id);
                // The `name` fact is the entity's own name, not a stored copy of it.
                if slot == entity.kind.name_slot() {
                    V::Str(&entity.name)
                } else {
                    match scope.inventory.attr(*id, slot) {
                        Some(attr) => V::from_attr(attr),
                        None => V::Null,
                    }
                }
            }
            (Step::Field(field), V::Record(fields)) => match record_field(fields, field) {
                Some(attr) => V::from_attr(attr),
                None => V::Null,
            },
            _ => V::Null,
        };
    }
    current
}

pub(super) fn eval<'a>(code: &'a Code, scope: Scope<'a>, entity: EntityId) -> V<'a> {
    match code {
        Code::Const(c) => match c {
            Const::Null => V::Null,
            Const::Bool(b) => V::Bool(*b),
            Const::Int(n) => V::Int(*n),
            Const::Str(s) => V::Str(s),
            Const::Date(d) => V::Date(*d),
        },
        Code::AsOf => V::Date(scope.as_of),
        Code::Path(steps) => read_path(steps, scope, entity),
        Code::List(items) => V::Owned(items.iter().map(|c| eval(c, scope, entity)).collect()),
        Code::Not(inner) => V::Bool(!eval(inner, scope, entity).truthy()),
        Code::And(terms) => V::Bool(terms.iter().all(|t| eval(t, scope, entity).truthy())),
        Code::Or(terms) => V::Bool(terms.iter().any(|t| eval(t, scope, entity).truthy())),
        Code::Cmp(CmpOp::In, a, b) => {
            let needle = eval(a, scope, entity);
            V::Bool(match &**b {
                // A literal list (`in ["current", "vendor_managed"]`) is never built.
                Code::List(items) => items
                    .iter()
                    .any(|item| structural_eq(scope, &needle, &eval(item, scope, entity))),
                list => eval(list, scope, entity)
                    .items()
                    .any(|item| structural_eq(scope, &needle, &item)),
            })
        }
        Code::Cmp(op, a, b) => {
            let (left, right) = (eval(a, scope, entity), eval(b, scope, entity));
            V::Bool(match op {
                CmpOp::Eq => structural_eq(scope, &left, &right),
                CmpOp::Ne => !structural_eq(scope, &left, &right),
                _ => {
                    let ordering = match (&left, &right) {
                        (V::Int(x), V::Int(y)) => Some(x.cmp(y)),
                        (V::Date(x), V::Date(y)) => Some(x.cmp(y)),
                        _ => None,
                    };
                    ordering.is_some_and(|o| match op {
                        CmpOp::Lt => o.is_lt(),
                        CmpOp::Le => o.is_le(),
                        CmpOp::Gt => o.is_gt(),
                        _ => o.is_ge(),
                    })
                }
            })
        }
        Code::Call(function, args) => (function.eval)(args, scope, entity),
    }
}
