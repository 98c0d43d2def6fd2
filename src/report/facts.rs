//! Reading an entity's values for the views (map, report): the typed accessors the
//! renderers share, each treating an absent or differently typed value as absent.

use crate::date::Date;
use crate::model::{Attr, Entity, EntityId, Val};

/// The entities a list of references names, in written order.
pub fn refs(val: Option<&Val>) -> impl Iterator<Item = EntityId> + '_ {
    let items: &[Val] = match val {
        Some(Val::List(items)) => items,
        _ => &[],
    };
    items.iter().filter_map(|v| match v {
        Val::Ref(id) => Some(*id),
        _ => None,
    })
}

/// A boolean key or fact that is `true`.
pub fn flag(entity: &Entity, fact: &str) -> bool {
    matches!(entity.get(fact), Some(Val::Bool(true)))
}

/// A string key or field, as written.
pub fn text(attr: Option<&Attr>) -> Option<String> {
    attr?.text().map(str::to_owned)
}

/// A string item of a list.
pub fn item_text(val: &Val) -> Option<String> {
    match val {
        Val::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

pub fn enumerated(val: Option<&Val>) -> Option<String> {
    match val {
        Some(Val::Enum(e)) => Some((**e).to_owned()),
        _ => None,
    }
}

pub fn date(val: Option<&Val>) -> Option<Date> {
    match val {
        Some(Val::Date(d)) => Some(*d),
        _ => None,
    }
}
