//! AST → entities, in two steps so no file's syntax tree outlives its own parse:
//!
//! 1. [`draft`] (per file, in parallel with the other files): schema validation of every
//!    body (WARD-002, 003, 007, 008); references are recorded, not yet resolved.
//! 2. [`resolve`] (once every file is drafted): the name table in path order (WARD-004,
//!    WARD-009), then every recorded reference resolved by a hash probe (WARD-005, 006),
//!    so a reference may point forward or into another file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use thin_vec::ThinVec;

use super::{Attr, Attrs, Entity, EntityId, Inventory, Source, Val};
use crate::finding::{Code, EntityRef, Finding};
use crate::schema::{KINDS, Key, Kind, StrFormat, Type};
use crate::source::Span;
use crate::suggest::closest;
use crate::syntax::ast::{Block, Body, Item, ItemValue, Value, ValueKind};

/// An entity whose references are not resolved yet.
pub struct Draft<'s> {
    entity: Entity,
    /// The text of the block's file, where the referenced names are read.
    text: &'s Arc<String>,
    /// Kept until every file is drafted: one allocation of the exact size, since a
    /// million devices hold them all at once.
    references: ThinVec<Reference>,
    /// A second definition of a name or a second organization: reported, not resolved.
    dropped: bool,
}

impl<'s> Draft<'s> {
    /// The name as written, read from the source text.
    fn name(&self) -> &'s str {
        let span = self.entity.name_span;
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }
}

/// Where a value sits inside an entity: attribute slots and record fields, or list items.
#[derive(Clone, Copy, Debug)]
enum Step {
    Attr(usize),
    Item(usize),
}

/// A [`Step`] path in eight bytes: a slot, then maybe a record field, then maybe a list
/// item. The schema nests no deeper (a list inside a record at most).
#[derive(Clone, Copy, Debug)]
struct Place {
    slot: u8,
    /// `NONE8`: the value is the slot's own.
    field: u8,
    /// `NONE32`: the value is not a list item.
    item: u32,
}

const NONE8: u8 = u8::MAX;
const NONE32: u32 = u32::MAX;

impl Place {
    fn of(at: &[Step]) -> Option<Place> {
        let (slot, field, item) = match *at {
            [Step::Attr(slot)] => (slot, None, None),
            [Step::Attr(slot), Step::Attr(field)] => (slot, Some(field), None),
            [Step::Attr(slot), Step::Item(item)] => (slot, None, Some(item)),
            [Step::Attr(slot), Step::Attr(field), Step::Item(item)] => {
                (slot, Some(field), Some(item))
            }
            _ => return None,
        };
        let narrow = |n: usize| u8::try_from(n).ok().filter(|&n| n != NONE8);
        Some(Place {
            slot: narrow(slot)?,
            field: field.map_or(Some(NONE8), narrow)?,
            item: match item {
                None => NONE32,
                Some(item) => u32::try_from(item).ok().filter(|&i| i != NONE32)?,
            },
        })
    }

    fn field(self) -> Option<usize> {
        (self.field != NONE8).then_some(usize::from(self.field))
    }

    fn item(self) -> Option<usize> {
        (self.item != NONE32).then_some(self.item as usize)
    }
}

/// A name to resolve: the word is the source text under `span`, and the key it was
/// written under says which kinds it may name. A million devices hold three each until
/// every file is drafted, so it stays small.
struct Reference {
    at: Place,
    span: Span,
    key: &'static Key,
}

/// The kinds a reference written under a key of type `ty` may name (none: any kind).
fn referenced_kinds(ty: Type) -> &'static [Kind] {
    match ty {
        Type::Ref(kinds) => kinds,
        Type::List(element) => referenced_kinds(*element),
        Type::Either(first, second) => match referenced_kinds(*first) {
            [] => referenced_kinds(*second),
            kinds => kinds,
        },
        _ => &[],
    }
}

/// Placeholder until [`resolve`] patches the reference in.
const UNRESOLVED: EntityId = EntityId(u32::MAX);

/// Validates one file's blocks against the schema.
/// `text` is the file's text the blocks were parsed from.
pub fn draft<'s>(blocks: Vec<Block<'s>>, text: &'s Arc<String>) -> (Vec<Draft<'s>>, Vec<Finding>) {
    let mut errors = Vec::new();
    let mut drafts = Vec::with_capacity(blocks.len());
    for block in blocks {
        let Some(kind) = Kind::parse(block.kind.text) else {
            let message = format!("unknown block kind `{}`", block.kind.text);
            let kinds = KINDS.map(Kind::as_str);
            let finding = Finding::language(
                Code::UnknownWord,
                block.kind.span,
                "unknown block kind",
                message,
            );
            errors.push(match closest(block.kind.text, kinds) {
                Some(suggestion) => finding.with_help(format!("did you mean `{suggestion}`?")),
                None => finding.with_help(format!("the block kinds are {}", quoted(&kinds))),
            });
            continue;
        };
        let (draft, block_errors) = draft_block(&block, kind, text);
        drafts.push(draft);
        errors.extend(block_errors);
    }
    (drafts, errors)
}

fn draft_block<'s>(
    block: &Block<'s>,
    kind: Kind,
    text: &'s Arc<String>,
) -> (Draft<'s>, Vec<Finding>) {
    let mut errors = Vec::new();
    let mut converter = Converter {
        errors: &mut errors,
        source: text,
        at: Vec::new(),
        references: Vec::new(),
    };
    let attrs = converter.record(&block.body, kind.keys(), kind.as_str(), &mut Vec::new());
    let mut extensions = Vec::new();
    converter.extensions(&block.body, &mut extensions);
    let references = ThinVec::from(std::mem::take(&mut converter.references));
    for (key, attr) in kind.keys().iter().zip(&attrs) {
        if key.required && attr.is_none() && !has_key(&block.body, key.name) {
            let message = format!(
                "{} `{}` is missing required attribute `{}`",
                kind.as_str(),
                block.name.text,
                key.name
            );
            errors.push(
                Finding::language(
                    Code::MissingRequired,
                    block.name.span,
                    format!("missing `{}`", key.name),
                    message,
                )
                .with_help(format!("add `{} = …` to the block", key.name)),
            );
        }
    }
    tag_errors(&mut errors, kind, block.name.text);
    let mut entity = Entity::new(
        kind,
        block.name.text,
        block.name.span,
        Attrs::from_slots(attrs),
    );
    entity.extensions = extensions.into();
    (
        Draft {
            entity,
            text,
            references,
            dropped: false,
        },
        errors,
    )
}

/// Errors inside a block are about that block's entity.
fn tag_errors(errors: &mut [Finding], kind: Kind, name: &str) {
    if errors.is_empty() {
        return;
    }
    let name: Arc<str> = name.into();
    for error in errors {
        error.entity = Some(EntityRef {
            kind: kind.as_str(),
            name: name.clone(),
            id: None,
        });
    }
}

/// (unknown word, mask of accepted kinds) → the closest name, if any.
type Suggestions<'s> = HashMap<(&'s str, u16), Option<Arc<str>>>;

struct Names<'s> {
    /// Keyed by the entities' own shared names, and kept as the inventory's name table:
    /// each name is stored once, and the table built once.
    ids: foldhash::HashMap<Arc<str>, EntityId>,
    kinds: Vec<Kind>,
    spans: Vec<Span>,
    /// Every name with its kind, sorted so suggestions are deterministic; built on the
    /// first unknown reference.
    sorted: OnceLock<Vec<(Arc<str>, Kind)>>,
    /// Suggestions by (unknown word, accepted kinds): one missing model referenced by
    /// 100,000 devices is looked up once, not once per device.
    suggestions: Mutex<Suggestions<'s>>,
}

/// Builds the name table from the drafts (in file order) and resolves every reference.
pub fn resolve(mut drafts: Vec<Draft<'_>>, errors: &mut Vec<Finding>) -> Inventory {
    let mut names = Names {
        ids: foldhash::HashMap::with_capacity_and_hasher(drafts.len(), Default::default()),
        kinds: Vec::new(),
        spans: Vec::new(),
        sorted: OnceLock::new(),
        suggestions: Mutex::new(HashMap::new()),
    };
    let mut organization: Option<Span> = None;
    for draft in &mut drafts {
        let entity = &draft.entity;
        let name = draft.name();
        if let Some(&first) = names.ids.get(name) {
            let first_kind = names.kinds[first.index()];
            errors.push(
                Finding::language(Code::DuplicateName, entity.name_span, "defined again here", format!("`{name}` is defined more than once"))
                    .with_secondary(names.spans[first.index()], format!("first defined here as a {}", first_kind.as_str()))
                    .with_help("names are unique across the whole inventory and every kind: rename one of them"),
            );
            draft.dropped = true;
            continue;
        }
        if entity.kind == Kind::Organization {
            if let Some(first) = organization {
                errors.push(
                    Finding::language(
                        Code::DuplicateOrganization,
                        entity.name_span,
                        "second organization",
                        "the inventory has more than one `organization` block",
                    )
                    .with_secondary(first, "first organization here")
                    .with_help("merge them into one organization block"),
                );
                draft.dropped = true;
                continue;
            }
            organization = Some(entity.name_span);
        }
        let id = EntityId(names.kinds.len() as u32);
        names.ids.insert(Arc::clone(&entity.name), id);
        names.kinds.push(entity.kind);
        names.spans.push(entity.name_span);
    }
    // Resolved in place, then the entities taken out of the drafts' own buffer: a
    // million devices are not copied into new vectors twice.
    let entity_errors: Vec<Vec<Finding>> = drafts
        .par_iter_mut()
        .filter(|draft| !draft.dropped)
        .map(|draft| resolve_draft(draft, &names))
        .filter(|errors| !errors.is_empty())
        .collect();
    errors.extend(entity_errors.into_iter().flatten());
    let entities: Vec<Entity> = drafts
        .into_iter()
        .filter(|draft| !draft.dropped)
        .map(|draft| draft.entity)
        .collect();
    Inventory {
        entities,
        names: names.ids,
        ..Inventory::default()
    }
}

fn resolve_draft<'s>(draft: &mut Draft<'s>, names: &Names<'s>) -> Vec<Finding> {
    let Draft {
        entity,
        references,
        text,
        ..
    } = draft;
    let mut errors = Vec::new();
    let mut broken: Vec<Place> = Vec::new();
    for reference in references.iter() {
        match names.resolve(reference, text.as_str()) {
            Ok(id) => {
                if let Some(slot) = locate(&mut entity.attrs, reference.at) {
                    *slot = Val::Ref(id);
                }
            }
            Err(error) => {
                errors.push(error);
                broken.push(reference.at);
            }
        }
    }
    // A bad reference drops the attribute holding it, as any invalid value does.
    for at in broken {
        drop_attribute(&mut entity.attrs, at);
    }
    *references = ThinVec::new();
    tag_errors(&mut errors, entity.kind, &entity.name);
    errors
}

/// The value at `at` inside an entity's attributes.
fn locate(attrs: &mut Attrs, at: Place) -> Option<&mut Val> {
    let mut val = &mut attrs.get_mut(usize::from(at.slot))?.val;
    if let Some(field) = at.field() {
        let Val::Record(fields) = val else {
            return None;
        };
        val = &mut fields.iter_mut().find(|attr| attr.field() == field)?.val;
    }
    if let Some(item) = at.item() {
        let Val::List(items) = val else {
            return None;
        };
        val = items.get_mut(item)?;
    }
    Some(val)
}

/// Clears the innermost attribute (slot or record field) holding `at`.
fn drop_attribute(attrs: &mut Attrs, at: Place) {
    let slot = usize::from(at.slot);
    match at.field() {
        None => attrs.set(slot, None),
        Some(field) => {
            if let Some(Attr {
                val: Val::Record(fields),
                ..
            }) = attrs.get_mut(slot)
            {
                let kept = fields.iter().filter(|attr| attr.field() != field);
                *fields = kept.cloned().collect();
            }
        }
    }
}

impl<'s> Names<'s> {
    /// The closest name of an accepted kind to an unknown `word`, within two edits.
    fn suggest(&self, word: &'s str, kinds: &[Kind]) -> Option<Arc<str>> {
        let mask = kinds
            .iter()
            .fold(0u16, |mask, kind| mask | 1 << kind.index());
        let key = (word, mask);
        if let Some(known) = self
            .suggestions
            .lock()
            .ok()
            .and_then(|cache| cache.get(&key).cloned())
        {
            return known;
        }
        let sorted = self.sorted.get_or_init(|| {
            let mut all: Vec<(Arc<str>, Kind)> = self
                .ids
                .iter()
                .map(|(name, id)| (Arc::clone(name), self.kinds[id.index()]))
                .collect();
            all.sort_unstable();
            all
        });
        let accepts = |kind: Kind| kinds.is_empty() || kinds.contains(&kind);
        let found = closest(
            word,
            sorted
                .iter()
                .filter(|(_, kind)| accepts(*kind))
                .map(|(name, _)| &**name),
        )
        .map(Arc::from);
        if let Ok(mut cache) = self.suggestions.lock() {
            cache.insert(key, found.clone());
        }
        found
    }

    fn resolve(&self, reference: &Reference, text: &'s str) -> Result<EntityId, Finding> {
        let Reference { span, key, .. } = *reference;
        let word = text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default();
        let kinds = referenced_kinds(key.ty);
        let key = key.name;
        let accepts = |kind: Kind| kinds.is_empty() || kinds.contains(&kind);
        match self.ids.get(word) {
            Some(&id) if accepts(self.kinds[id.index()]) => Ok(id),
            Some(&id) => {
                let found = self.kinds[id.index()].as_str();
                let message = format!(
                    "`{word}` is a {found}, but `{key}` must name {}",
                    kinds_phrase(kinds)
                );
                Err(Finding::language(
                    Code::WrongReferenceKind,
                    span,
                    format!("this is a {found}"),
                    message,
                )
                .with_secondary(
                    self.spans[id.index()],
                    format!("`{word}` is defined here as a {found}"),
                ))
            }
            None => {
                let finding = Finding::language(
                    Code::UnknownReference,
                    span,
                    "unknown name",
                    format!("`{key}` refers to unknown name `{word}`"),
                );
                Err(match self.suggest(word, kinds) {
                    Some(s) => finding.with_help(format!("did you mean `{s}`?")),
                    // Nothing of any kind is named so: the block is missing, not misspelt.
                    None => finding.with_help(match kinds.first() {
                        Some(kind) => format!(
                            "no block is named `{word}`; declare it: `{} {word} {{ … }}`",
                            kind.as_str()
                        ),
                        None => format!("no block is named `{word}`; declare it"),
                    }),
                })
            }
        }
    }
}

/// Whether the body states `key`, even with an invalid value (already reported).
fn has_key(body: &Body, key: &str) -> bool {
    body.items.iter().any(|item| item.key.text == key)
}

/// WARD-002 for a key `owner` (a block kind or a nested block's key) does not accept:
/// the closest accepted key, else what it accepts, and which kinds have the key when it
/// belongs elsewhere (`supports` is a model's, not a device's).
fn unknown_key(key: &str, span: Span, fields: &[Key], owner: &str) -> Finding {
    let finding = Finding::language(
        Code::UnknownWord,
        span,
        "unknown key",
        format!("unknown key `{key}` in `{owner}`"),
    );
    let accepted: Vec<&str> = fields.iter().map(|f| f.name).collect();
    if let Some(suggestion) = closest(key, accepted.iter().copied()) {
        return finding.with_help(format!("did you mean `{suggestion}`?"));
    }
    let accepts = format!(
        "`{owner}` accepts {}; keys of your own start with `x_`",
        quoted(&accepted)
    );
    let elsewhere: Vec<Kind> = KINDS
        .into_iter()
        .filter(|kind| kind.as_str() != owner && kind.keys().iter().any(|k| k.name == key))
        .collect();
    if Kind::parse(owner).is_none() || elsewhere.is_empty() {
        return finding.with_help(accepts);
    }
    finding.with_help(format!(
        "`{key}` is a key of {} blocks, not of `{owner}`; {accepts}",
        kinds_words(&elsewhere)
    ))
}

struct Converter<'a> {
    errors: &'a mut Vec<Finding>,
    /// The text of the file, which string values without escapes are read from.
    source: &'a Arc<String>,
    /// Where the value being converted sits, for references recorded on the way.
    at: Vec<Step>,
    references: Vec<Reference>,
}

impl Converter<'_> {
    /// Converts a body against `fields`; `first_seen` tracks duplicate extension keys.
    fn record(
        &mut self,
        body: &Body,
        fields: &'static [Key],
        owner: &str,
        first_seen: &mut Vec<(String, Span)>,
    ) -> Vec<Option<Attr>> {
        let mut slots: Vec<Option<Attr>> = vec![None; fields.len()];
        let mut seen: Vec<Option<Span>> = vec![None; fields.len()];
        for item in &body.items {
            let key = item.key.text;
            if key.starts_with("x_") {
                if let Some((_, first)) = first_seen.iter().find(|(k, _)| k == key) {
                    self.errors.push(duplicate_key(item, *first));
                } else {
                    first_seen.push((key.to_owned(), item.key.span));
                }
                continue;
            }
            let Some(slot) = fields.iter().position(|f| f.name == key) else {
                self.errors
                    .push(unknown_key(key, item.key.span, fields, owner));
                continue;
            };
            if let Some(first) = seen[slot] {
                self.errors.push(duplicate_key(item, first));
                continue;
            }
            seen[slot] = Some(item.key.span);
            let field = &fields[slot];
            self.at.push(Step::Attr(slot));
            slots[slot] = match (&item.value, field.ty) {
                (ItemValue::Nested(inner), Type::Record(inner_fields)) => {
                    let attrs = self.record(inner, inner_fields, key, &mut Vec::new());
                    Some(Attr::new(super::record(attrs), inner.span))
                }
                (ItemValue::Nested(inner), _) => {
                    self.errors.push(
                        Finding::language(
                            Code::InvalidValue,
                            inner.span,
                            "not a block",
                            format!("`{key}` takes a value, not a block"),
                        )
                        .with_help(format!("write `{key} = …`")),
                    );
                    None
                }
                (ItemValue::Value(value), Type::Record(_)) => {
                    self.errors.push(
                        Finding::language(
                            Code::InvalidValue,
                            value.span,
                            "expected a block",
                            format!("`{key}` is a block, not a value"),
                        )
                        .with_help(format!("write `{key} {{ … }}`")),
                    );
                    None
                }
                (ItemValue::Value(value), ty) => self
                    .value(value, ty, field)
                    .map(|val| Attr::new(val, value.span)),
            };
            self.at.pop();
        }
        slots
    }

    fn extensions(&self, body: &Body, out: &mut Vec<(String, Attr)>) {
        for item in &body.items {
            if item.key.text.starts_with("x_") && !out.iter().any(|(k, _)| *k == item.key.text) {
                out.push((
                    item.key.text.to_owned(),
                    Attr::new(raw_value(&item.value), item.span()),
                ));
            }
        }
    }

    /// A string value: read in place from the source when it is written there as it is
    /// (no escapes) and is an attribute's whole value; a list item has no span of its
    /// own, so it keeps a copy.
    fn string(&self, text: &str, unescaped: bool, span: Span) -> Val {
        let literal = self.source.get(span.start as usize..span.end as usize);
        let in_place = unescaped
            && !matches!(self.at.last(), Some(Step::Item(_)))
            && literal.and_then(|l| l.strip_prefix('"')?.strip_suffix('"')) == Some(text);
        match in_place {
            true => Val::Quoted(Source(Arc::clone(self.source))),
            false => Val::Str(text.into()),
        }
    }

    fn value(&mut self, value: &Value, ty: Type, field: &'static Key) -> Option<Val> {
        match self.convert(value, ty, field) {
            Ok(val) => Some(val),
            Err(Some(error)) => {
                self.errors.push(error);
                None
            }
            Err(None) => None,
        }
    }

    /// `Err(None)`: the value was already reported (by the parser or for an element).
    fn convert(
        &mut self,
        value: &Value,
        ty: Type,
        field: &'static Key,
    ) -> Result<Val, Option<Finding>> {
        let mismatch = || {
            Some(
                Finding::language(
                    Code::InvalidValue,
                    value.span,
                    format!("expected {}", describe(ty)),
                    format!(
                        "`{}` expects {}, found {}",
                        field.name,
                        describe(ty),
                        value.kind.describe()
                    ),
                )
                .with_help(type_help(ty, &value.kind)),
            )
        };
        let invalid = |label: &str, message: String| {
            Some(Finding::language(
                Code::InvalidValue,
                value.span,
                label,
                message,
            ))
        };
        match (&value.kind, ty) {
            (ValueKind::Invalid, _) => Err(None),
            (_, Type::Either(first, second)) => {
                if matches_shape(&value.kind, *first) {
                    self.convert(value, *first, field)
                } else if matches_shape(&value.kind, *second) {
                    self.convert(value, *second, field)
                } else {
                    Err(mismatch())
                }
            }
            (ValueKind::Str(text), Type::Str(format)) => match check_format(text, format) {
                Ok(()) => Ok(self.string(text, matches!(text, Cow::Borrowed(_)), value.span)),
                Err(problem) => Err(invalid("invalid format", problem)),
            },
            (ValueKind::Int(n), Type::Int { min, max }) if (min..=max).contains(n) => {
                Ok(Val::Int(*n))
            }
            (ValueKind::Int(n), Type::Int { min, max }) => Err(invalid(
                "out of range",
                format!("`{}` must be from {min} to {max}, found {n}", field.name),
            )),
            (ValueKind::Bool(b), Type::Bool) => Ok(Val::Bool(*b)),
            (ValueKind::Date(d), Type::Date) => Ok(Val::Date(*d)),
            (ValueKind::Ident(word), Type::Enum(values)) => {
                match values.iter().find(|v| **v == *word) {
                    Some(v) => Ok(Val::Enum(v)),
                    None => {
                        let finding = Finding::language(
                            Code::InvalidValue,
                            value.span,
                            "unknown value",
                            format!("`{word}` is not a valid `{}`", field.name),
                        );
                        // Inside an either-type (`patch_available`: a date or `none`) the
                        // help names both halves, not only the enum the word was tried as.
                        let expected = match field.ty {
                            Type::Either(..) => describe(field.ty),
                            _ => describe(ty),
                        };
                        Err(Some(match closest(word, values.iter().copied()) {
                            Some(s) => finding
                                .with_help(format!("did you mean `{s}`? expected {expected}")),
                            None => finding.with_help(format!("expected {expected}")),
                        }))
                    }
                }
            }
            (ValueKind::Ident(_), Type::Ref(_)) => {
                let Some(at) = Place::of(&self.at) else {
                    // The schema nests no reference deeper than a list in a record.
                    return Err(invalid(
                        "nested too deeply",
                        format!("`{}` cannot hold a reference here", field.name),
                    ));
                };
                self.references.push(Reference {
                    at,
                    span: value.span,
                    key: field,
                });
                Ok(Val::Ref(UNRESOLVED))
            }
            (ValueKind::List(items), Type::List(element)) => {
                if field.non_empty && items.is_empty() {
                    return Err(invalid(
                        "empty list",
                        match *element {
                            Type::Ref(kinds) => format!(
                                "`{}` must name at least one {}",
                                field.name,
                                kinds_words(kinds)
                            ),
                            other => format!(
                                "`{}` must hold at least one value: {}",
                                field.name,
                                describe(other)
                            ),
                        },
                    ));
                }
                let mut values = Vec::with_capacity(items.len());
                let mut ok = true;
                for (index, item) in items.iter().enumerate() {
                    self.at.push(Step::Item(index));
                    match self.value(item, *element, field) {
                        Some(val) => values.push(val),
                        None => ok = false,
                    }
                    self.at.pop();
                }
                if ok {
                    Ok(Val::List(values.into()))
                } else {
                    Err(None)
                }
            }
            _ => Err(mismatch()),
        }
    }
}

fn duplicate_key(item: &Item, first: Span) -> Finding {
    Finding::language(
        Code::DuplicateKey,
        item.key.span,
        "stated again here",
        format!("key `{}` is stated more than once", item.key.text),
    )
    .with_secondary(first, "first stated here")
    .with_help("each key appears at most once in a block: remove one")
}

/// Extension values are kept as written, enum-like words as strings.
fn raw_value(value: &ItemValue) -> Val {
    match value {
        ItemValue::Nested(body) => super::record(
            body.items
                .iter()
                .map(|item| Some(Attr::new(raw_value(&item.value), item.span()))),
        ),
        ItemValue::Value(value) => raw_scalar(&value.kind),
    }
}

fn raw_scalar(kind: &ValueKind) -> Val {
    match kind {
        ValueKind::Str(s) => Val::Str(s.as_ref().into()),
        ValueKind::Ident(s) => Val::Str((*s).into()),
        ValueKind::Int(n) => Val::Int(*n),
        ValueKind::Bool(b) => Val::Bool(*b),
        ValueKind::Date(d) => Val::Date(*d),
        ValueKind::List(items) => Val::List(items.iter().map(|v| raw_scalar(&v.kind)).collect()),
        ValueKind::Invalid => Val::Str("".into()),
    }
}

fn matches_shape(kind: &ValueKind, ty: Type) -> bool {
    matches!(
        (kind, ty),
        (ValueKind::List(_), Type::List(_))
            | (ValueKind::Ident(_), Type::Enum(_) | Type::Ref(_))
            | (ValueKind::Str(_), Type::Str(_))
            | (ValueKind::Int(_), Type::Int { .. })
            | (ValueKind::Bool(_), Type::Bool)
            | (ValueKind::Date(_), Type::Date)
    )
}

fn kinds_phrase(kinds: &[Kind]) -> String {
    format!("a {}", kinds_words(kinds))
}

/// `vlan`, `vlan or device`, `vlan, device or model`; `block` for any kind.
fn kinds_words(kinds: &[Kind]) -> String {
    match kinds {
        [] => "block".into(),
        [only] => only.as_str().into(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(|k| k.as_str()).collect();
            format!("{} or {}", init.join(", "), last.as_str())
        }
    }
}

/// A type for messages: "a date YYYY-MM-DD", "one of `low`, `high`".
pub fn describe(ty: Type) -> String {
    match ty {
        Type::Str(StrFormat::Any) => "a string".into(),
        Type::Str(StrFormat::Cidr) => "a CIDR subnet string".into(),
        Type::Str(StrFormat::Ip) => "an IP address string".into(),
        Type::Str(StrFormat::Mac) => "a MAC address string".into(),
        Type::Str(StrFormat::Cve) => "a CVE id string".into(),
        Type::Int { min, max } => format!("an integer from {min} to {max}"),
        Type::Bool => "true or false".into(),
        Type::Date => "a date YYYY-MM-DD".into(),
        Type::Enum(values) => format!("one of {}", quoted(values)),
        Type::Ref(kinds) => format!("the name of {}", kinds_phrase(kinds)),
        Type::List(element) => match *element {
            Type::Ref(kinds) => format!("a list of {} names", kinds_words(kinds)),
            Type::Enum(values) => format!("a list of values among {}", quoted(values)),
            Type::Int { min, max } => format!("a list of integers from {min} to {max}"),
            other => format!("a list of {}", describe(other)),
        },
        Type::Record(_) => "a block `{ … }`".into(),
        Type::Either(a, b) => format!("{} or {}", describe(*a), describe(*b)),
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How to write what was expected, in terms of what was found.
fn type_help(ty: Type, found: &ValueKind) -> String {
    match (ty, found) {
        (Type::Enum(_) | Type::Ref(_), ValueKind::Str(_)) => {
            "write names and enum values without quotes".into()
        }
        (Type::Date, ValueKind::Str(text)) if crate::date::Date::parse(text).is_some() => {
            format!("write dates without quotes: `{text}`")
        }
        (Type::Date, _) => "write dates as YYYY-MM-DD, without quotes".into(),
        (Type::Int { .. }, ValueKind::Str(_)) => "write numbers without quotes".into(),
        (Type::Bool, _) => "write `true` or `false`".into(),
        (Type::Str(_), ValueKind::Ident(_)) => "strings are written in double quotes".into(),
        (Type::Str(_), ValueKind::Int(_) | ValueKind::Date(_)) => {
            "write it in double quotes to make it a string".into()
        }
        (Type::List(_), ValueKind::Ident(word)) => format!("write a list, even of one: `[{word}]`"),
        (Type::List(_), _) => "write a list as `[a, b]`".into(),
        _ => format!("expected {}", describe(ty)),
    }
}

fn check_format(text: &str, format: StrFormat) -> Result<(), String> {
    let ok = match format {
        StrFormat::Any => true,
        StrFormat::Ip => text.parse::<IpAddr>().is_ok(),
        StrFormat::Mac => is_mac(text),
        StrFormat::Cve => is_cve(text),
        StrFormat::Cidr => return check_cidr(text),
    };
    if ok {
        return Ok(());
    }
    Err(match format {
        StrFormat::Ip => format!("`{text}` is not an IPv4 or IPv6 address"),
        StrFormat::Mac => format!("`{text}` is not a MAC address like `aa:bb:cc:dd:ee:ff`"),
        _ => format!("`{text}` is not a CVE id like `CVE-2024-12345`"),
    })
}

fn is_mac(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_cve(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    let (Some("CVE"), Some(year), Some(number)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    year.len() == 4
        && number.len() >= 4
        && year
            .bytes()
            .chain(number.bytes())
            .all(|b| b.is_ascii_digit())
}

fn check_cidr(text: &str) -> Result<(), String> {
    let malformed = || format!("`{text}` is not a CIDR subnet like `10.30.0.0/22`");
    let (address, prefix) = text.split_once('/').ok_or_else(malformed)?;
    let address: IpAddr = address.parse().map_err(|_| malformed())?;
    let prefix: u32 = prefix.parse().map_err(|_| malformed())?;
    let (bits, width) = match address {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    if prefix > width {
        return Err(format!("`{text}` has a prefix longer than {width} bits"));
    }
    let host_bits = u128::MAX.checked_shr(prefix).unwrap_or(0);
    if bits & host_bits != 0 {
        return Err(format!(
            "`{text}` has host bits set: the subnet address must end where the prefix does"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_are_read_in_place_escaped_ones_copied() {
        let source =
            Arc::new("device d { model = m label = \"Bed 4\" owner = \"A \\\"B\\\"\" }".to_owned());
        let (blocks, errors) = crate::syntax::parse(crate::source::FileId(0), &source);
        assert!(errors.is_empty());
        let (drafts, _) = draft(blocks, &source);
        let entity = &drafts[0].entity;
        let label = entity.named("label").unwrap();
        assert!(matches!(label.val, Val::Quoted(_)));
        assert_eq!(label.text(), Some("Bed 4"));
        let owner = entity.named("owner").unwrap();
        assert!(matches!(owner.val, Val::Str(_)));
        assert_eq!(owner.text(), Some("A \"B\""));
    }

    #[test]
    fn formats() {
        assert!(check_cidr("10.30.0.0/22").is_ok());
        assert!(check_cidr("fd00::/64").is_ok());
        assert!(check_cidr("fd00::1/128").is_ok());
        assert!(check_cidr("0.0.0.0/0").is_ok());
        assert!(check_cidr("10.30.1.0/22").is_err());
        assert!(check_cidr("10.30.0.0/33").is_err());
        assert!(check_cidr("10.30.0.0").is_err());
        assert!(is_mac("aa:bb:CC:dd:ee:0f"));
        assert!(!is_mac("aa-bb-cc-dd-ee-ff"));
        assert!(is_cve("CVE-2024-12345"));
        assert!(!is_cve("CVE-24-1234"));
        assert!(!is_cve("cve-2024-1234"));
    }
}
