//! Type-checking (POLICIES.md §2) against the same schema table the inventory validator
//! uses: paths resolve to slots, operands must be comparable, and string literals compared
//! with an enum must be among its values, with a did-you-mean when they are not.

use std::ops::Range;

use super::ExprError;
use super::eval::{Code, Const, Step};
use super::functions;
use super::parse::{CmpOp, Expr, ExprKind};
use crate::schema::{self, Key, Kind, Type};
use crate::suggest::closest;

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Date,
    Str,
    Enum(&'static [&'static str]),
    Entity(Kind),
    /// A reference that may name several kinds: only its name can be read.
    AnyEntity,
    List(Box<Ty>),
    Record(&'static [Key]),
    Null,
    /// `ports`, which is a list or `any`: compared only with `==`, `!=`, `exists`.
    Mixed,
}

impl Ty {
    pub(super) fn of(ty: Type) -> Ty {
        match ty {
            Type::Str(_) => Ty::Str,
            Type::Int { .. } => Ty::Int,
            Type::Bool => Ty::Bool,
            Type::Date => Ty::Date,
            Type::Enum(values) => Ty::Enum(values),
            Type::Ref([kind]) => Ty::Entity(*kind),
            Type::Ref(_) => Ty::AnyEntity,
            Type::List(element) => Ty::List(Box::new(Ty::of(*element))),
            Type::Record(fields) => Ty::Record(fields),
            Type::Either(..) => Ty::Mixed,
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Ty::Bool => "a boolean".into(),
            Ty::Int => "an integer".into(),
            Ty::Date => "a date".into(),
            Ty::Str => "a string".into(),
            Ty::Enum(_) => "an enum value (a string)".into(),
            Ty::Entity(kind) => format!("a {}", kind.as_str()),
            Ty::AnyEntity => "a reference".into(),
            Ty::List(element) => format!("a list of {}", element.describe()),
            Ty::Record(_) => "a block".into(),
            Ty::Null => "null".into(),
            Ty::Mixed => "a list or `any`".into(),
        }
    }

    fn is_stringish(&self) -> bool {
        matches!(
            self,
            Ty::Str | Ty::Enum(_) | Ty::Entity(_) | Ty::AnyEntity | Ty::Null
        )
    }
}

pub(super) struct Checker {
    pub(super) kind: Kind,
}

fn kind_paths(kind: Kind) -> impl Iterator<Item = &'static str> {
    kind.keys().iter().chain(kind.facts()).map(|k| k.name)
}

impl Checker {
    pub(super) fn path(
        &self,
        segments: &[(String, Range<usize>)],
    ) -> Result<(Vec<Step>, Ty), ExprError> {
        let mut steps = Vec::with_capacity(segments.len());
        let mut current = Ty::Entity(self.kind);
        for (index, (name, span)) in segments.iter().enumerate() {
            let previous = segments[..index]
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(".");
            current = match current {
                Ty::Entity(kind) => {
                    let slot = kind.slot(name).ok_or_else(|| {
                        let error = ExprError::new(
                            span.clone(),
                            format!("a {} has no attribute `{name}`", kind.as_str()),
                        );
                        match closest(name, kind_paths(kind)) {
                            Some(s) => error.help(format!("did you mean `{s}`?")),
                            None => {
                                let known: Vec<String> =
                                    kind_paths(kind).map(|k| format!("`{k}`")).collect();
                                error.help(format!("a {} has {}", kind.as_str(), known.join(", ")))
                            }
                        }
                    })?;
                    steps.push(Step::Slot(slot));
                    Ty::of(kind.slot_key(slot).map_or(Type::Bool, |k| k.ty))
                }
                Ty::Record(fields) => {
                    let (field, key) = schema::field(fields, name).ok_or_else(|| {
                        let error = ExprError::new(
                            span.clone(),
                            format!("`{previous}` has no field `{name}`"),
                        );
                        match closest(name, fields.iter().map(|f| f.name)) {
                            Some(s) => error.help(format!("did you mean `{s}`?")),
                            None => error.help(format!(
                                "its fields are {}",
                                fields
                                    .iter()
                                    .map(|f| format!("`{}`", f.name))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        }
                    })?;
                    steps.push(Step::Field(field));
                    Ty::of(key.ty)
                }
                other => {
                    return Err(ExprError::new(
                        span.clone(),
                        format!(
                            "`{previous}` is {}, which has no attribute `{name}`",
                            other.describe()
                        ),
                    ));
                }
            };
        }
        Ok((steps, current))
    }

    pub(super) fn check(&self, expr: &Expr) -> Result<(Code, Ty), ExprError> {
        let span = expr.span.clone();
        Ok(match &expr.kind {
            ExprKind::Null => (Code::Const(Const::Null), Ty::Null),
            ExprKind::Bool(b) => (Code::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Int(n) => (Code::Const(Const::Int(*n)), Ty::Int),
            ExprKind::Str(s) => (Code::Const(Const::Str(s.clone())), Ty::Str),
            ExprKind::Date(d) => (Code::Const(Const::Date(*d)), Ty::Date),
            ExprKind::Path(segments) if segments.len() == 1 && segments[0].0 == "as_of" => {
                (Code::AsOf, Ty::Date)
            }
            ExprKind::Path(segments) => {
                let (steps, ty) = self.path(segments)?;
                (Code::Path(steps), ty)
            }
            ExprKind::List(items) => {
                let mut codes = Vec::with_capacity(items.len());
                let mut element = Ty::Null;
                for item in items {
                    let (code, ty) = self.check(item)?;
                    if element == Ty::Null {
                        element = ty;
                    }
                    codes.push(code);
                }
                (Code::List(codes), Ty::List(Box::new(element)))
            }
            ExprKind::Not(inner) => (Code::Not(Box::new(self.boolean(inner)?)), Ty::Bool),
            ExprKind::And(terms) => (Code::And(self.booleans(terms)?), Ty::Bool),
            ExprKind::Or(terms) => (Code::Or(self.booleans(terms)?), Ty::Bool),
            ExprKind::Cmp(op, a, b) => {
                let (left, left_ty) = self.check(a)?;
                let (right, right_ty) = self.check(b)?;
                self.compatible(*op, (&left_ty, a), (&right_ty, b), &span)?;
                (Code::Cmp(*op, Box::new(left), Box::new(right)), Ty::Bool)
            }
            ExprKind::Call(name, args) => functions::check_call(self, name, args, span)?,
        })
    }

    fn booleans(&self, terms: &[Expr]) -> Result<Vec<Code>, ExprError> {
        terms.iter().map(|term| self.boolean(term)).collect()
    }

    pub(super) fn boolean(&self, expr: &Expr) -> Result<Code, ExprError> {
        let (code, ty) = self.check(expr)?;
        match ty {
            Ty::Bool | Ty::Null => Ok(code),
            other => Err(ExprError::new(
                expr.span.clone(),
                format!("expected a boolean, found {}", other.describe()),
            )
            .help("use `exists(…)` to test presence, or compare the value")),
        }
    }

    /// Checks operand types, and string literals against enum values (`"curent"`).
    fn compatible(
        &self,
        op: CmpOp,
        (left, a): (&Ty, &Expr),
        (right, b): (&Ty, &Expr),
        span: &Range<usize>,
    ) -> Result<(), ExprError> {
        let mismatch = || {
            ExprError::new(
                span.clone(),
                format!(
                    "cannot compare {} with {} using `{}`",
                    left.describe(),
                    right.describe(),
                    op.symbol()
                ),
            )
        };
        match op {
            CmpOp::In => {
                let Ty::List(element) = right else {
                    return Err(ExprError::new(
                        b.span.clone(),
                        format!("`in` needs a list on its right, found {}", right.describe()),
                    ));
                };
                check_enum_literals(left, b)?;
                check_enum_literals(element, a)?;
                if !same_family(left, element) {
                    return Err(mismatch());
                }
            }
            CmpOp::Eq | CmpOp::Ne => {
                check_enum_literals(left, b)?;
                check_enum_literals(right, a)?;
                if !same_family(left, right) {
                    return Err(mismatch());
                }
            }
            _ => {
                let ordered = |t: &Ty| matches!(t, Ty::Int | Ty::Date | Ty::Null);
                if !ordered(left)
                    || !ordered(right)
                    || (left != right && *left != Ty::Null && *right != Ty::Null)
                {
                    return Err(mismatch().help("ordering compares two integers or two dates"));
                }
            }
        }
        Ok(())
    }
}

fn same_family(a: &Ty, b: &Ty) -> bool {
    if *a == Ty::Null || *b == Ty::Null || a.is_stringish() && b.is_stringish() {
        return true;
    }
    match (a, b) {
        (Ty::List(x), Ty::List(y)) => same_family(x, y),
        (Ty::Mixed, _) | (_, Ty::Mixed) => true,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

pub(super) fn unknown_enum(
    word: &str,
    values: &'static [&'static str],
    span: Range<usize>,
) -> ExprError {
    let error = ExprError::new(span, format!("`{word}` is not one of the values here"));
    match closest(word, values.iter().copied()) {
        Some(s) => error.help(format!("did you mean `{s}`?")),
        None => error.help(format!(
            "expected one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A string literal compared with an enum must be one of its values.
fn check_enum_literals(ty: &Ty, other: &Expr) -> Result<(), ExprError> {
    let Ty::Enum(values) = ty else { return Ok(()) };
    let literals: Vec<&Expr> = match &other.kind {
        ExprKind::List(items) => items.iter().collect(),
        _ => vec![other],
    };
    for literal in literals {
        if let ExprKind::Str(word) = &literal.kind {
            if !values.contains(&word.as_str()) {
                return Err(unknown_enum(word, values, literal.span.clone()));
            }
        }
    }
    Ok(())
}
