//! The syntax tree of one `.ward` file: blocks, bodies, attributes and values, each
//! with its span. It borrows names and strings from the source text (large inventories
//! would otherwise spend their time allocating), and knows nothing of the schema:
//! `crate::model` gives it meaning.

use std::borrow::Cow;

use crate::date::Date;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident<'s> {
    pub text: &'s str,
    pub span: Span,
}

/// `KIND NAME { body }` at the top level of a file.
#[derive(Debug, Clone)]
pub struct Block<'s> {
    pub kind: Ident<'s>,
    pub name: Ident<'s>,
    pub body: Body<'s>,
}

/// The items between `{` and `}`; `span` covers the braces.
#[derive(Debug, Clone)]
pub struct Body<'s> {
    pub items: Vec<Item<'s>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Item<'s> {
    pub key: Ident<'s>,
    pub value: ItemValue<'s>,
}

#[derive(Debug, Clone)]
pub enum ItemValue<'s> {
    /// `key = value`
    Value(Value<'s>),
    /// `key { body }`
    Nested(Body<'s>),
}

impl Item<'_> {
    /// The span of the whole item, key to end of value.
    pub fn span(&self) -> Span {
        match &self.value {
            ItemValue::Value(value) => self.key.span.cover(value.span),
            ItemValue::Nested(body) => self.key.span.cover(body.span),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Value<'s> {
    pub kind: ValueKind<'s>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ValueKind<'s> {
    Str(Cow<'s, str>),
    Int(i64),
    Bool(bool),
    Date(Date),
    /// An enum value or a reference; the schema decides which.
    Ident(&'s str),
    List(Vec<Value<'s>>),
    /// Lexically a value but not a valid one (`2025-02-30`, an integer beyond i64);
    /// already reported as WARD-007, so validation drops it silently.
    Invalid,
}

impl ValueKind<'_> {
    /// What the value is, for "expected a date, found a string" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Date(_) => "a date",
            ValueKind::Ident(_) => "a name",
            ValueKind::List(_) => "a list",
            ValueKind::Invalid => "an invalid value",
        }
    }
}
