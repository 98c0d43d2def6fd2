//! What changed between two checked inventories (CLI.md §5): a semantic inventory diff
//! and a finding diff matched by fingerprint.
//!
//! Entities are compared by kind and name, attribute by attribute, on what each block
//! states itself (inherited and derived values follow from the blocks they come from),
//! so moving a block to another file, reordering blocks or lists of references, and
//! reformatting are no change. An entity removed and one of the same kind added with an
//! identical body is a rename.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use rayon::prelude::*;

use crate::finding::{Finding, Fingerprint};
use crate::model::{Attr, Entity, Inventory, Origin, Val};
use crate::schema::{Kind, Type};

/// An entity, by kind and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Named {
    pub kind: Kind,
    pub name: String,
}

/// One attribute path whose value differs; `None` where it is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeChange {
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub entity: Named,
    pub attributes: Vec<AttributeChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub kind: Kind,
    pub from: String,
    pub to: String,
}

/// Entities added, removed, renamed and changed, each sorted by kind then name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InventoryDiff {
    pub added: Vec<Named>,
    pub removed: Vec<Named>,
    pub renamed: Vec<Renamed>,
    pub changed: Vec<Changed>,
}

impl InventoryDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.changed.is_empty()
    }
}

/// An entity's stated attributes: path → value as it would be written.
type Body = BTreeMap<String, String>;

/// Compares every entity of `from` with the entity of the same kind and name in `to`.
/// Entities are compared value by value without building anything (in parallel); only
/// changed, added and removed ones have their bodies written out.
pub fn inventories(from: &Inventory, to: &Inventory) -> InventoryDiff {
    let named = |entity: &Entity| Named {
        kind: entity.kind,
        name: entity.name.to_string(),
    };
    let compared: Vec<(Option<Changed>, Option<Named>)> = from
        .entities
        .par_iter()
        .map(|old| match counterpart(old, to) {
            None => (None, Some(named(old))),
            Some(new) if same(old, from, new, to) => (None, None),
            Some(new) => (
                Some(Changed {
                    entity: named(old),
                    attributes: changes(&body(old, from), &body(new, to)),
                }),
                None,
            ),
        })
        .collect();
    let mut diff = InventoryDiff::default();
    for (changed, removed) in compared {
        diff.changed.extend(changed);
        diff.removed.extend(removed);
    }
    diff.added = to
        .entities
        .iter()
        .filter(|new| counterpart(new, from).is_none())
        .map(named)
        .collect();
    diff.changed.sort_by(|a, b| a.entity.cmp(&b.entity));
    diff.removed.sort();
    diff.added.sort();
    let bodies = |list: &[Named], inventory: &Inventory| -> BTreeMap<Named, Body> {
        list.iter()
            .filter_map(|named| {
                let id = inventory.lookup(&named.name)?;
                Some((named.clone(), body(inventory.entity(id), inventory)))
            })
            .collect()
    };
    let (before, after) = (bodies(&diff.removed, from), bodies(&diff.added, to));
    pair_renames(&mut diff, &before, &after);
    diff
}

/// The entity of the same kind and name in `other`.
fn counterpart<'a>(entity: &Entity, other: &'a Inventory) -> Option<&'a Entity> {
    other
        .lookup(&entity.name)
        .map(|id| other.entity(id))
        .filter(|twin| twin.kind == entity.kind)
}

/// The value a block states itself: not inherited, not derived.
fn written(attr: Option<&Attr>) -> Option<&Attr> {
    attr.filter(|attr| attr.origin == Origin::Written)
}

/// The names a list of references holds, sorted: their order carries no meaning.
fn ref_names<'a>(list: &[Val], inventory: &'a Inventory) -> Vec<&'a str> {
    let mut names: Vec<&str> = list
        .iter()
        .filter_map(|v| match v {
            Val::Ref(id) => Some(&*inventory.entity(*id).name),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    names
}

/// Whether two entities state the same thing: every key and `x_` key written in the
/// block, references by name, lists of references in any order.
fn same(a: &Entity, from: &Inventory, b: &Entity, to: &Inventory) -> bool {
    let keys = a.kind.keys().len();
    let stated = (0..keys).map(|slot| (a.attrs.get(slot), b.attrs.get(slot)));
    let mut extensions_a: Vec<_> = a.extensions.iter().collect();
    let mut extensions_b: Vec<_> = b.extensions.iter().collect();
    extensions_a.sort_by(|x, y| x.0.cmp(&y.0));
    extensions_b.sort_by(|x, y| x.0.cmp(&y.0));
    stated
        .into_iter()
        .all(|(x, y)| match (written(x), written(y)) {
            (None, None) => true,
            (Some(x), Some(y)) => same_attr(x, from, y, to),
            _ => false,
        })
        && extensions_a.len() == extensions_b.len()
        && extensions_a
            .iter()
            .zip(&extensions_b)
            .all(|(x, y)| x.0 == y.0 && same_attr(&x.1, from, &y.1, to))
}

/// Strings compare by text, wherever each side keeps it.
fn same_attr(a: &Attr, from: &Inventory, b: &Attr, to: &Inventory) -> bool {
    match (a.text(), b.text()) {
        (Some(x), Some(y)) => x == y,
        (None, None) => same_value(&a.val, from, &b.val, to),
        _ => false,
    }
}

fn same_value(a: &Val, from: &Inventory, b: &Val, to: &Inventory) -> bool {
    match (a, b) {
        (Val::Ref(x), Val::Ref(y)) => from.entity(*x).name == to.entity(*y).name,
        (Val::List(xs), Val::List(ys)) if xs.len() == ys.len() => {
            if xs.iter().all(|v| matches!(v, Val::Ref(_))) {
                ref_names(xs, from) == ref_names(ys, to)
            } else {
                xs.iter()
                    .zip(ys.iter())
                    .all(|(x, y)| same_value(x, from, y, to))
            }
        }
        (Val::Record(xs), Val::Record(ys)) => {
            stated(xs).count() == stated(ys).count()
                && stated(xs)
                    .zip(stated(ys))
                    .all(|((i, x), (j, y))| i == j && same_attr(x, from, y, to))
        }
        (Val::List(_), Val::List(_)) => false,
        _ => a == b,
    }
}

/// The fields a nested block states itself, with their indices.
fn stated(fields: &[Attr]) -> impl Iterator<Item = (usize, &Attr)> {
    let written = fields.iter().filter(|f| f.origin == Origin::Written);
    written.map(|f| (f.field(), f))
}

/// Turns a removed and an added entity of one kind with the same body into a rename.
fn pair_renames(
    diff: &mut InventoryDiff,
    before: &BTreeMap<Named, Body>,
    after: &BTreeMap<Named, Body>,
) {
    let mut added_by_body: HashMap<(Kind, &Body), Vec<usize>> = HashMap::new();
    for (index, named) in diff.added.iter().enumerate() {
        if let Some(body) = after.get(named) {
            added_by_body
                .entry((named.kind, body))
                .or_default()
                .push(index);
        }
    }
    let mut renamed_added = vec![false; diff.added.len()];
    let mut kept_removed = Vec::new();
    for named in std::mem::take(&mut diff.removed) {
        let twin = before
            .get(&named)
            .and_then(|body| added_by_body.get_mut(&(named.kind, body)))
            .and_then(|candidates| {
                let at = candidates.iter().position(|&i| !renamed_added[i])?;
                Some(candidates.remove(at))
            });
        match twin {
            Some(index) => {
                renamed_added[index] = true;
                diff.renamed.push(Renamed {
                    kind: named.kind,
                    from: named.name,
                    to: diff.added[index].name.clone(),
                });
            }
            None => kept_removed.push(named),
        }
    }
    diff.removed = kept_removed;
    let mut index = 0;
    diff.added.retain(|_| {
        index += 1;
        !renamed_added[index - 1]
    });
}

fn changes(old: &Body, new: &Body) -> Vec<AttributeChange> {
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| old.get(*path) != new.get(*path))
        .map(|path| AttributeChange {
            path: path.clone(),
            before: old.get(path).cloned(),
            after: new.get(path).cloned(),
        })
        .collect()
}

/// What the block states: its keys (nested fields as `record.field`) and `x_` keys.
fn body(entity: &Entity, inventory: &Inventory) -> Body {
    let mut body = Body::new();
    for (slot, key) in entity.kind.keys().iter().enumerate() {
        let Some(attr) = written(entity.attrs.get(slot)) else {
            continue;
        };
        match (&attr.val, key.ty) {
            (Val::Record(fields), Type::Record(names)) => {
                for value in fields.iter() {
                    let (Some(field), Some(value)) =
                        (names.get(value.field()), written(Some(value)))
                    else {
                        continue;
                    };
                    body.insert(
                        format!("{}.{}", key.name, field.name),
                        attr_as_written(value, inventory),
                    );
                }
            }
            _ => {
                body.insert(key.name.to_owned(), attr_as_written(attr, inventory));
            }
        }
    }
    for (key, attr) in &entity.extensions {
        body.insert(key.clone(), attr_as_written(attr, inventory));
    }
    body
}

/// A value as it would be written in a `.ward` file; references by name. Lists of
/// references are sorted, since their order carries no meaning.
/// An attribute as it would be written: [`as_written`], its string wherever it is kept.
pub fn attr_as_written(attr: &Attr, inventory: &Inventory) -> String {
    match attr.text() {
        Some(text) => quoted(text),
        None => as_written(&attr.val, inventory),
    }
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn as_written(val: &Val, inventory: &Inventory) -> String {
    match val {
        Val::Str(s) => quoted(s),
        // Only attributes hold a quoted string: `attr_as_written` reads it.
        Val::Quoted(_) => String::new(),
        Val::Int(n) => n.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Date(d) => d.to_string(),
        Val::Enum(e) => (**e).to_owned(),
        Val::Ref(id) => inventory.entity(*id).name.to_string(),
        Val::List(items) => {
            let mut items: Vec<String> = items.iter().map(|v| as_written(v, inventory)).collect();
            if matches!(val, Val::List(list) if list.iter().all(|v| matches!(v, Val::Ref(_)))) {
                items.sort();
            }
            format!("[{}]", items.join(", "))
        }
        Val::Record(fields) => {
            let mut out = String::from("{");
            for field in fields.iter() {
                let _ = write!(out, " {}", attr_as_written(field, inventory));
            }
            out.push_str(" }");
            out
        }
    }
}

/// Findings matched by fingerprint as multisets: those only `to` has, those only `from`
/// had, and how many both have.
pub struct FindingDiff<'a> {
    pub new: Vec<&'a Finding>,
    pub resolved: Vec<&'a Finding>,
    pub unchanged: usize,
}

pub fn findings<'a>(from: &'a [Finding], to: &'a [Finding]) -> FindingDiff<'a> {
    let count = |findings: &[Finding]| {
        let mut counts: HashMap<Fingerprint, usize> = HashMap::new();
        for finding in findings {
            *counts.entry(finding.fingerprint).or_default() += 1;
        }
        counts
    };
    let (mut had, mut has) = (count(from), count(to));
    let mut unchanged = 0;
    let mut new = Vec::new();
    for finding in to {
        match had.get_mut(&finding.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                unchanged += 1;
            }
            _ => new.push(finding),
        }
    }
    let resolved = from
        .iter()
        .filter(|finding| match has.get_mut(&finding.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect();
    FindingDiff {
        new,
        resolved,
        unchanged,
    }
}
