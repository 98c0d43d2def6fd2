//! The syntax tree of one `.ward` file: blocks, bodies, attributes and values, each
//! with its span. It knows nothing of the schema; `crate::model` gives it meaning.

use crate::date::Date;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

/// `KIND NAME { body }` at the top level of a file.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: Ident,
    pub name: Ident,
    pub body: Body,
}

/// The items between `{` and `}`; `span` covers the braces.
#[derive(Debug, Clone)]
pub struct Body {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub key: Ident,
    pub value: ItemValue,
}

#[derive(Debug, Clone)]
pub enum ItemValue {
    /// `key = value`
    Value(Value),
    /// `key { body }`
    Nested(Body),
}

impl Item {
    /// The span of the whole item, key to end of value.
    pub fn span(&self) -> Span {
        match &self.value {
            ItemValue::Value(value) => self.key.span.cover(value.span),
            ItemValue::Nested(body) => self.key.span.cover(body.span),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ValueKind {
    Str(String),
    Int(i64),
    Bool(bool),
    Date(Date),
    /// An enum value or a reference; the schema decides which.
    Ident(String),
    List(Vec<Value>),
    /// Lexically a value but not a valid one (`2025-02-30`, an integer beyond i64);
    /// already reported as WARD-007, so validation drops it silently.
    Invalid,
}

impl ValueKind {
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
