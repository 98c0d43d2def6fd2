//! The policy expression language (POLICIES.md §2): a nom parser with spans, a
//! type-checker over the same schema table the inventory validator uses, and a compiled
//! form evaluated many times without allocation on the common paths.

use std::ops::Range;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, multispace0, satisfy};
use nom::combinator::{not, opt, recognize, value};
use nom::multi::separated_list0;
use nom::sequence::{delimited, preceded, terminated};
use nom::{IResult, Parser};

use crate::date::Date;
use crate::model::network::zone_bit;
use crate::model::{Attr, EntityId, Inventory, Val};
use crate::schema::{self, Key, Kind, Type, ZONES};
use crate::suggest::closest;
use crate::syntax::SyntaxError;

/// An error in an expression, with a byte range into the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

impl ExprError {
    fn new(span: Range<usize>, message: impl Into<String>) -> ExprError {
        ExprError {
            message: message.into(),
            span,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> ExprError {
        self.help = Some(help.into());
        self
    }
}

// ---------------------------------------------------------------- syntax

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::In => "in",
        }
    }
}

#[derive(Debug, Clone)]
struct Expr {
    kind: ExprKind,
    span: Range<usize>,
}

#[derive(Debug, Clone)]
enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Date(Date),
    Path(Vec<(String, Range<usize>)>),
    Call(String, Vec<Expr>),
    List(Vec<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
}

type PResult<'a, T> = IResult<&'a str, T, SyntaxError>;

const MAX_DEPTH: usize = 64;

struct ExprParser<'s> {
    src: &'s str,
    depth: std::cell::Cell<usize>,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn ident(input: &str) -> PResult<'_, &str> {
    recognize((satisfy(is_ident_start), take_while(is_ident_char))).parse(input)
}

fn keyword<'a>(word: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = SyntaxError> {
    terminated(tag(word), not(satisfy(is_ident_char)))
}

fn ws<'a, O>(
    inner: impl Parser<&'a str, Output = O, Error = SyntaxError>,
) -> impl Parser<&'a str, Output = O, Error = SyntaxError> {
    preceded(multispace0, inner)
}

fn expected(input: &str, what: &str) -> nom::Err<SyntaxError> {
    let found = match input.trim_start().chars().next() {
        None => "end of expression".to_owned(),
        Some(c) => format!("`{c}`"),
    };
    nom::Err::Failure(SyntaxError::at_rest(
        input.trim_start().len(),
        format!("expected {what}, found {found}"),
    ))
}

impl<'s> ExprParser<'s> {
    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn spanned(&self, start: &str, end: &str, kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: self.offset(start.trim_start())..self.offset(end),
        }
    }

    fn expr(&self, input: &'s str) -> PResult<'s, Expr> {
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH {
            return Err(nom::Err::Failure(SyntaxError::at_rest(
                input.len(),
                format!("expression nested more than {MAX_DEPTH} levels deep"),
            )));
        }
        self.depth.set(depth);
        let result = self.binary(input, "or");
        self.depth.set(depth - 1);
        result
    }

    fn binary(&self, input: &'s str, op: &'static str) -> PResult<'s, Expr> {
        let operand = |i: &'s str| {
            if op == "or" {
                self.binary(i, "and")
            } else {
                self.unary(i)
            }
        };
        let (mut rest, mut left) = operand(input)?;
        while let Ok((after, _)) = ws(keyword(op)).parse(rest) {
            let (after, right) = operand(after).map_err(|e| match e {
                nom::Err::Error(_) => expected(after, &format!("an operand after `{op}`")),
                other => other,
            })?;
            let kind = if op == "or" {
                ExprKind::Or(Box::new(left), Box::new(right))
            } else {
                ExprKind::And(Box::new(left), Box::new(right))
            };
            left = self.spanned(input, after, kind);
            rest = after;
        }
        Ok((rest, left))
    }

    fn unary(&self, input: &'s str) -> PResult<'s, Expr> {
        if let Ok((rest, _)) = ws(keyword("not")).parse(input) {
            let (rest, inner) = self.unary(rest).map_err(|e| match e {
                nom::Err::Error(_) => expected(rest, "an operand after `not`"),
                other => other,
            })?;
            return Ok((
                rest,
                self.spanned(input, rest, ExprKind::Not(Box::new(inner))),
            ));
        }
        self.compare(input)
    }

    fn compare(&self, input: &'s str) -> PResult<'s, Expr> {
        let (rest, left) = self.operand(input)?;
        let op = ws(alt((
            value(CmpOp::Eq, tag("==")),
            value(CmpOp::Ne, tag("!=")),
            value(CmpOp::Le, tag("<=")),
            value(CmpOp::Ge, tag(">=")),
            value(CmpOp::Lt, tag("<")),
            value(CmpOp::Gt, tag(">")),
            value(CmpOp::In, keyword("in")),
        )))
        .parse(rest);
        let Ok((after_op, op)) = op else {
            return Ok((rest, left));
        };
        let (rest, right) = self.operand(after_op).map_err(|e| match e {
            nom::Err::Error(_) => {
                expected(after_op, &format!("an operand after `{}`", op.symbol()))
            }
            other => other,
        })?;
        Ok((
            rest,
            self.spanned(
                input,
                rest,
                ExprKind::Cmp(op, Box::new(left), Box::new(right)),
            ),
        ))
    }

    fn operand(&self, input: &'s str) -> PResult<'s, Expr> {
        let trimmed = input.trim_start();
        match trimmed.chars().next() {
            Some('(') => {
                let (rest, inner) = self.expr(&trimmed[1..])?;
                let (rest, _) = ws(char(')'))
                    .parse(rest)
                    .map_err(|_| expected(rest, "`)`"))?;
                Ok((
                    rest,
                    Expr {
                        kind: inner.kind,
                        span: self.offset(trimmed)..self.offset(rest),
                    },
                ))
            }
            Some('[') => {
                let (rest, items) =
                    separated_list0(ws(char(',')), |i| self.expr(i)).parse(&trimmed[1..])?;
                let (rest, _) = opt(ws(char(','))).parse(rest)?;
                let (rest, _) = ws(char(']'))
                    .parse(rest)
                    .map_err(|_| expected(rest, "`,` or `]`"))?;
                Ok((rest, self.spanned(trimmed, rest, ExprKind::List(items))))
            }
            Some('"') => {
                let (rest, text) = self.string(trimmed)?;
                Ok((rest, self.spanned(trimmed, rest, ExprKind::Str(text))))
            }
            Some(c) if c.is_ascii_digit() || c == '-' => self.number(trimmed),
            Some(c) if is_ident_start(c) => self.word(trimmed),
            _ => Err(nom::Err::Error(SyntaxError::at_rest(
                trimmed.len(),
                String::new(),
            ))),
        }
    }

    fn string(&self, input: &'s str) -> PResult<'s, String> {
        let mut text = String::new();
        let mut chars = input.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((&input[i + 1..], text)),
                '\\' => match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, 't')) => text.push('\t'),
                    Some((_, c @ ('"' | '\\'))) => text.push(c),
                    _ => {
                        return Err(nom::Err::Failure(SyntaxError::at_rest(
                            input.len() - i,
                            "unknown escape in string",
                        )));
                    }
                },
                c => text.push(c),
            }
        }
        Err(nom::Err::Failure(SyntaxError::at_rest(
            input.len(),
            "unterminated string",
        )))
    }

    fn number(&self, input: &'s str) -> PResult<'s, Expr> {
        let date = recognize((
            digit1::<&str, SyntaxError>,
            char('-'),
            digit1,
            char('-'),
            digit1,
        ))
        .parse(input);
        if let Ok((rest, text)) = date {
            let date = Date::parse(text).ok_or_else(|| {
                nom::Err::Failure(SyntaxError::at_rest(
                    input.len(),
                    format!("`{text}` is not a calendar date YYYY-MM-DD"),
                ))
            })?;
            return Ok((rest, self.spanned(input, rest, ExprKind::Date(date))));
        }
        let (rest, text) = recognize(preceded(
            opt(char('-')),
            take_while1(|c: char| c.is_ascii_digit()),
        ))
        .parse(input)
        .map_err(|_: nom::Err<SyntaxError>| expected(input, "a number"))?;
        let n = text.parse().map_err(|_| {
            nom::Err::Failure(SyntaxError::at_rest(
                input.len(),
                format!("integer `{text}` does not fit in 64 bits"),
            ))
        })?;
        Ok((rest, self.spanned(input, rest, ExprKind::Int(n))))
    }

    fn word(&self, input: &'s str) -> PResult<'s, Expr> {
        let (rest, first) = ident(input)?;
        let kind = match first {
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            "and" | "or" | "not" | "in" => return Err(expected(input, "an operand")),
            _ => {
                if let Ok((after, _)) = ws(char::<&str, SyntaxError>('(')).parse(rest) {
                    let (after, args) =
                        separated_list0(ws(char(',')), |i| self.expr(i)).parse(after)?;
                    let (after, _) = ws(char(')'))
                        .parse(after)
                        .map_err(|_| expected(after, "`,` or `)`"))?;
                    return Ok((
                        after,
                        self.spanned(input, after, ExprKind::Call(first.to_owned(), args)),
                    ));
                }
                let mut segments = vec![(first.to_owned(), self.offset(input)..self.offset(rest))];
                let mut rest = rest;
                while let Ok((after, segment)) =
                    preceded(char::<&str, SyntaxError>('.'), ident).parse(rest)
                {
                    segments.push((
                        segment.to_owned(),
                        self.offset(after) - segment.len()..self.offset(after),
                    ));
                    rest = after;
                }
                if let Some(after_dot) = rest.strip_prefix('.') {
                    return Err(expected(after_dot, "an attribute name after `.`"));
                }
                return Ok((rest, self.spanned(input, rest, ExprKind::Path(segments))));
            }
        };
        Ok((rest, self.spanned(input, rest, kind)))
    }
}

fn parse(src: &str) -> Result<Expr, ExprError> {
    let parser = ExprParser {
        src,
        depth: std::cell::Cell::new(0),
    };
    let to_error = |e: SyntaxError| {
        let at = e.offset(src);
        let message = if e.message.is_empty() {
            format!("expected an expression, found {}", describe(&src[at..]))
        } else {
            e.message
        };
        ExprError::new(at..(at + e.len.max(1)).min(src.len()).max(at), message)
    };
    match delimited(multispace0, |i| parser.expr(i), multispace0).parse(src) {
        Ok(("", expr)) => Ok(expr),
        Ok((rest, _)) => {
            let at = src.len() - rest.len();
            Err(ExprError::new(
                at..at + 1,
                format!(
                    "expected an operator or the end of the expression, found {}",
                    describe(rest)
                ),
            )
            .help("combine conditions with `and` / `or`; compare with == != < <= > >= in"))
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(to_error(e)),
        Err(nom::Err::Incomplete(_)) => Err(ExprError::new(
            src.len()..src.len(),
            "incomplete expression",
        )),
    }
}

fn describe(rest: &str) -> String {
    match rest.chars().next() {
        None => "end of expression".into(),
        Some(c) if is_ident_start(c) => format!(
            "`{}`",
            rest.split(|c: char| !is_ident_char(c))
                .next()
                .unwrap_or_default()
        ),
        Some(c) => format!("`{c}`"),
    }
}

// ---------------------------------------------------------------- types

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
    fn of(ty: Type) -> Ty {
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

    fn describe(&self) -> String {
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

// ---------------------------------------------------------------- compiled form

#[derive(Debug, Clone, Copy)]
enum Step {
    /// Read a slot of the current entity (following a reference first).
    Slot(usize),
    /// Read a field of the current record.
    Field(usize),
}

#[derive(Debug, Clone)]
enum Code {
    Const(Const),
    AsOf,
    Path(Vec<Step>),
    List(Vec<Code>),
    Not(Box<Code>),
    And(Box<Code>, Box<Code>),
    Or(Box<Code>, Box<Code>),
    Cmp(CmpOp, Box<Code>, Box<Code>),
    Exists(Box<Code>),
    Len(Box<Code>),
    Any(Box<Code>, Box<Code>),
    All(Box<Code>, Box<Code>),
    AddDays(Box<Code>, Box<Code>),
    AddMonths(Box<Code>, Box<Code>),
    DaysSince(Box<Code>),
    UnguardedPath(u16),
}

#[derive(Debug, Clone)]
enum Const {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Date(Date),
}

/// A type-checked expression, ready to evaluate on entities of one kind.
#[derive(Debug, Clone)]
pub struct Compiled {
    code: Code,
    pub ty: Ty,
}

/// A compiled attribute path, used for `at` blame and `{path}` interpolation.
#[derive(Debug, Clone)]
pub struct CompiledPath {
    steps: Vec<Step>,
}

struct Checker {
    kind: Kind,
}

fn kind_paths(kind: Kind) -> impl Iterator<Item = &'static str> {
    kind.keys().iter().chain(kind.facts()).map(|k| k.name)
}

impl Checker {
    fn path(
        &self,
        segments: &[(String, Range<usize>)],
    ) -> Result<(Vec<Step>, Ty, bool), ExprError> {
        let mut steps = Vec::with_capacity(segments.len());
        let mut current = Ty::Entity(self.kind);
        let mut local = true;
        for (index, (name, span)) in segments.iter().enumerate() {
            let previous = segments[..index]
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(".");
            current = match current {
                Ty::Entity(kind) => {
                    if index > 0 {
                        local = false;
                    }
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
        Ok((steps, current, local))
    }

    fn check(&self, expr: &Expr) -> Result<(Code, Ty), ExprError> {
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
                let (steps, ty, _) = self.path(segments)?;
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
            ExprKind::And(a, b) => (
                Code::And(Box::new(self.boolean(a)?), Box::new(self.boolean(b)?)),
                Ty::Bool,
            ),
            ExprKind::Or(a, b) => (
                Code::Or(Box::new(self.boolean(a)?), Box::new(self.boolean(b)?)),
                Ty::Bool,
            ),
            ExprKind::Cmp(op, a, b) => {
                let (left, left_ty) = self.check(a)?;
                let (right, right_ty) = self.check(b)?;
                self.compatible(*op, (&left_ty, a), (&right_ty, b), &span)?;
                (Code::Cmp(*op, Box::new(left), Box::new(right)), Ty::Bool)
            }
            ExprKind::Call(name, args) => self.call(name, args, span)?,
        })
    }

    fn boolean(&self, expr: &Expr) -> Result<Code, ExprError> {
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

    fn call(&self, name: &str, args: &[Expr], span: Range<usize>) -> Result<(Code, Ty), ExprError> {
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(ExprError::new(
                    span.clone(),
                    format!(
                        "`{name}` takes {n} argument{}, found {}",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                ))
            }
        };
        let typed = |expr: &Expr, want: &[Ty], what: &str| -> Result<Code, ExprError> {
            let (code, ty) = self.check(expr)?;
            if ty == Ty::Null
                || want
                    .iter()
                    .any(|w| std::mem::discriminant(w) == std::mem::discriminant(&ty))
            {
                Ok(code)
            } else {
                Err(ExprError::new(
                    expr.span.clone(),
                    format!("`{name}` expects {what}, found {}", ty.describe()),
                ))
            }
        };
        let boxed = Box::new;
        Ok(match name {
            "exists" => {
                arity(1)?;
                (Code::Exists(boxed(self.check(&args[0])?.0)), Ty::Bool)
            }
            "len" => {
                arity(1)?;
                (
                    Code::Len(boxed(typed(
                        &args[0],
                        &[Ty::List(Box::new(Ty::Null))],
                        "a list",
                    )?)),
                    Ty::Int,
                )
            }
            "any" | "all" => {
                arity(2)?;
                let (list, ty) = self.check(&args[0])?;
                let Ty::List(element) = ty else {
                    return Err(ExprError::new(
                        args[0].span.clone(),
                        format!("`{name}` expects a list, found {}", ty.describe()),
                    ));
                };
                let Ty::Entity(kind) = *element else {
                    return Err(ExprError::new(
                        args[0].span.clone(),
                        format!(
                            "`{name}` evaluates its predicate on entities, but this is a list of {}",
                            element.describe()
                        ),
                    ));
                };
                let predicate = Checker { kind }.boolean(&args[1])?;
                let code = if name == "any" {
                    Code::Any(boxed(list), boxed(predicate))
                } else {
                    Code::All(boxed(list), boxed(predicate))
                };
                (code, Ty::Bool)
            }
            "add_days" | "add_months" => {
                arity(2)?;
                let date = typed(&args[0], &[Ty::Date], "a date")?;
                let n = typed(&args[1], &[Ty::Int], "an integer")?;
                let code = if name == "add_days" {
                    Code::AddDays(boxed(date), boxed(n))
                } else {
                    Code::AddMonths(boxed(date), boxed(n))
                };
                (code, Ty::Date)
            }
            "days_since" => {
                arity(1)?;
                (
                    Code::DaysSince(boxed(typed(&args[0], &[Ty::Date], "a date")?)),
                    Ty::Int,
                )
            }
            "unguarded_path" => {
                arity(1)?;
                if !matches!(self.kind, Kind::Vlan | Kind::Device) {
                    return Err(ExprError::new(
                        span,
                        format!(
                            "`unguarded_path` judges a vlan or a device, not a {}",
                            self.kind.as_str()
                        ),
                    ));
                }
                let ExprKind::Str(zone) = &args[0].kind else {
                    return Err(ExprError::new(
                        args[0].span.clone(),
                        "`unguarded_path` takes a zone name as a string literal",
                    ));
                };
                let bit = zone_bit(zone)
                    .ok_or_else(|| unknown_enum(zone, ZONES, args[0].span.clone()))?;
                (Code::UnguardedPath(bit), Ty::Bool)
            }
            _ => {
                let known = [
                    "exists",
                    "len",
                    "any",
                    "all",
                    "add_days",
                    "add_months",
                    "days_since",
                    "unguarded_path",
                ];
                let error = ExprError::new(span, format!("unknown function `{name}`"));
                return Err(match closest(name, known) {
                    Some(s) => error.help(format!("did you mean `{s}`?")),
                    None => error.help(format!("the functions are {}", known.join(", "))),
                });
            }
        })
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

fn unknown_enum(word: &str, values: &'static [&'static str], span: Range<usize>) -> ExprError {
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

/// Parses and type-checks `src` for entities of `kind`.
pub fn compile(src: &str, kind: Kind) -> Result<Compiled, ExprError> {
    let expr = parse(src)?;
    let (code, ty) = Checker { kind }.check(&expr)?;
    Ok(Compiled { code, ty })
}

/// Compiles a `where`/`require` expression, which must be boolean.
pub fn compile_condition(src: &str, kind: Kind) -> Result<Compiled, ExprError> {
    let expr = parse(src)?;
    let code = Checker { kind }.boolean(&expr)?;
    Ok(Compiled { code, ty: Ty::Bool })
}

/// Compiles a bare attribute path (`patch.status`, `model.vendor.label`).
pub fn compile_path(src: &str, kind: Kind) -> Result<CompiledPath, ExprError> {
    let expr = parse(src)?;
    let ExprKind::Path(segments) = &expr.kind else {
        return Err(ExprError::new(
            expr.span,
            "expected an attribute path like `patch.status`",
        ));
    };
    let (steps, _, _) = Checker { kind }.path(segments)?;
    Ok(CompiledPath { steps })
}

// ---------------------------------------------------------------- evaluation

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
    Record(&'a [Option<crate::model::Attr>]),
}

impl<'a> V<'a> {
    pub fn from_val(val: &'a Val) -> V<'a> {
        match val {
            Val::Str(s) => V::Str(s),
            Val::Int(n) => V::Int(*n),
            Val::Bool(b) => V::Bool(*b),
            Val::Date(d) => V::Date(*d),
            Val::Enum(e) => V::Str(e),
            Val::Ref(id) => V::Entity(*id),
            Val::List(items) => V::Items(items),
            Val::Record(fields) => V::Record(fields),
        }
    }

    fn truthy(&self) -> bool {
        matches!(self, V::Bool(true))
    }

    /// The elements of a list, without copying it (null and scalars: none).
    fn items(&self) -> impl Iterator<Item = V<'a>> + '_ {
        let (model, literal): (&[Val], &[V<'a>]) = match self {
            V::Items(items) => (items, &[]),
            V::Owned(items) => (&[], items),
            _ => (&[], &[]),
        };
        model.iter().map(V::from_val).chain(literal.iter().cloned())
    }

    fn len(&self) -> usize {
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
            V::Entity(id) => inventory.entity(*id).name.clone(),
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
            scope.inventory.entity(*id).name == *s
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
        let mut current = scope.inventory.entity(entity);
        let mut attr: Option<&Attr> = None;
        let mut own: Option<&Attr> = None;
        for step in &self.steps {
            attr = match (*step, attr.map(|a| &a.val)) {
                (Step::Slot(slot), None) => current.attrs.get(slot).and_then(Option::as_ref),
                (Step::Slot(slot), Some(Val::Ref(id))) => {
                    own = own.or(attr);
                    current = scope.inventory.entity(*id);
                    current.attrs.get(slot).and_then(Option::as_ref)
                }
                (Step::Field(field), Some(Val::Record(fields))) => {
                    fields.get(field).and_then(Option::as_ref)
                }
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
                match scope.inventory.entity(*id).attrs.get(slot) {
                    Some(Some(attr)) => V::from_val(&attr.val),
                    _ => V::Null,
                }
            }
            (Step::Field(field), V::Record(fields)) => match fields.get(field) {
                Some(Some(attr)) => V::from_val(&attr.val),
                _ => V::Null,
            },
            _ => V::Null,
        };
    }
    current
}

fn eval<'a>(code: &'a Code, scope: Scope<'a>, entity: EntityId) -> V<'a> {
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
        Code::And(a, b) => {
            V::Bool(eval(a, scope, entity).truthy() && eval(b, scope, entity).truthy())
        }
        Code::Or(a, b) => {
            V::Bool(eval(a, scope, entity).truthy() || eval(b, scope, entity).truthy())
        }
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
        Code::Exists(inner) => V::Bool(!matches!(eval(inner, scope, entity), V::Null)),
        Code::Len(inner) => V::Int(eval(inner, scope, entity).len() as i64),
        Code::Any(list, predicate) | Code::All(list, predicate) => {
            let list = eval(list, scope, entity);
            let check =
                |item: V| matches!(item, V::Entity(id) if eval(predicate, scope, id).truthy());
            V::Bool(if matches!(code, Code::Any(..)) {
                list.items().any(check)
            } else {
                list.items().all(check)
            })
        }
        Code::AddDays(date, n) | Code::AddMonths(date, n) => {
            match (eval(date, scope, entity), eval(n, scope, entity)) {
                (V::Date(d), V::Int(n)) => {
                    let moved = if matches!(code, Code::AddDays(..)) {
                        d.add_days(n)
                    } else {
                        d.add_months(n)
                    };
                    moved.map_or(V::Null, V::Date)
                }
                _ => V::Null,
            }
        }
        Code::DaysSince(date) => match eval(date, scope, entity) {
            V::Date(d) => V::Int(d.days_until(scope.as_of)),
            _ => V::Null,
        },
        Code::UnguardedPath(bit) => {
            let this = scope.inventory.entity(entity);
            let vlan = match this.kind {
                Kind::Vlan => Some(entity),
                _ => match this.get("vlan") {
                    Some(Val::Ref(id)) => Some(*id),
                    _ => None,
                },
            };
            V::Bool(
                vlan.and_then(|v| scope.inventory.reach.get(v.index()))
                    .is_some_and(|r| r.unguarded & bit != 0),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(src: &str, kind: Kind) -> String {
        compile_condition(src, kind)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.message)
    }

    #[test]
    fn type_checks_against_the_schema() {
        assert!(compile_condition("active and handles_ephi and unpatchable", Kind::Device).is_ok());
        assert!(compile_condition("len(covered_by) > 0", Kind::Device).is_ok());
        assert!(
            compile_condition(
                "any(covered_by, kind in [\"monitoring\", \"ids\"])",
                Kind::Device
            )
            .is_ok()
        );
        assert!(
            compile_condition(
                "add_months(inventory_reviewed, 12) >= as_of",
                Kind::Organization
            )
            .is_ok()
        );
        assert!(
            compile_condition(
                "model.vendor.remote_access == true and not exists(serviced_by)",
                Kind::Device
            )
            .is_ok()
        );
        assert!(
            compile_condition(
                "vlan.zone in [\"flat\", \"corporate\", \"guest\"] or not exists(vlan)",
                Kind::Device
            )
            .is_ok()
        );
        assert!(compile_condition("unguarded_path(\"ehr\")", Kind::Device).is_ok());
        assert!(
            compile_condition(
                "(severity == \"critical\") and days_since(identified) > 15",
                Kind::Vulnerability
            )
            .is_ok()
        );
    }

    #[test]
    fn reports_mistakes_with_suggestions() {
        let e = compile_condition("patch.statsu == \"current\"", Kind::Device).unwrap_err();
        assert_eq!(e.message, "`patch` has no field `statsu`");
        assert_eq!(e.help.as_deref(), Some("did you mean `status`?"));
        assert_eq!(e.span, 6..12);
        assert_eq!(
            error("patch.status == \"curent\"", Kind::Device),
            "`curent` is not one of the values here"
        );
        assert_eq!(
            error("unguarded_path(\"ehrr\")", Kind::Device),
            "`ehrr` is not one of the values here"
        );
        assert_eq!(
            error("vlan.zone", Kind::Device),
            "expected a boolean, found an enum value (a string)"
        );
        assert_eq!(
            error("lenn(covered_by) > 0", Kind::Device),
            "unknown function `lenn`"
        );
        assert_eq!(
            error("ip < 3", Kind::Device),
            "cannot compare a string with an integer using `<`"
        );
        assert_eq!(
            error("active and", Kind::Device),
            "expected an operand after `and`, found end of expression"
        );
        assert_eq!(
            error("active active", Kind::Device),
            "expected an operator or the end of the expression, found `active`"
        );
        assert_eq!(
            error("baa.signed", Kind::Device),
            "a device has no attribute `baa`"
        );
    }
}
