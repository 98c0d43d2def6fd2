//! Parsing (POLICIES.md §2): a nom parser producing a spanned tree. Nesting of every kind
//! (brackets, lists, calls, `not`) is bounded by [`MAX_DEPTH`], so no later stage can run
//! out of stack on a hostile pack.

use std::ops::Range;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, multispace0, satisfy};
use nom::combinator::{not, opt, recognize, value};
use nom::multi::separated_list0;
use nom::sequence::{delimited, preceded, terminated};
use nom::{IResult, Parser};

use super::ExprError;
use crate::date::Date;
use crate::syntax::SyntaxError;

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
    pub(super) fn symbol(self) -> &'static str {
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
pub(super) struct Expr {
    pub(super) kind: ExprKind,
    pub(super) span: Range<usize>,
}

/// `and`/`or` chains are flat lists, so a long chain is wide, not deep.
#[derive(Debug, Clone)]
pub(super) enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Date(Date),
    Path(Vec<(String, Range<usize>)>),
    Call(String, Vec<Expr>),
    List(Vec<Expr>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
}

type PResult<'a, T> = IResult<&'a str, T, SyntaxError>;

/// How deeply brackets, lists, calls and `not` may nest. Checking, compiling and
/// evaluating recurse over the tree, so this bound is what keeps them off the stack's end.
pub const MAX_DEPTH: usize = 64;

struct ExprParser<'s> {
    src: &'s str,
    depth: std::cell::Cell<usize>,
}

pub(super) fn is_ident_start(c: char) -> bool {
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

    /// Runs `inner` `levels` deeper, or fails once past [`MAX_DEPTH`].
    fn nested<T>(
        &self,
        input: &'s str,
        levels: usize,
        inner: impl FnOnce() -> PResult<'s, T>,
    ) -> PResult<'s, T> {
        let depth = self.depth.get() + levels;
        if depth > MAX_DEPTH {
            return Err(nom::Err::Failure(SyntaxError::at_rest(
                input.trim_start().len(),
                format!("expression nests deeper than {MAX_DEPTH} levels"),
            )));
        }
        self.depth.set(depth);
        let result = inner();
        self.depth.set(depth - levels);
        result
    }

    fn expr(&self, input: &'s str) -> PResult<'s, Expr> {
        self.nested(input, 1, || self.binary(input, "or"))
    }

    fn binary(&self, input: &'s str, op: &'static str) -> PResult<'s, Expr> {
        let operand = |i: &'s str| {
            if op == "or" {
                self.binary(i, "and")
            } else {
                self.unary(i)
            }
        };
        let (mut rest, first) = operand(input)?;
        let mut terms = vec![first];
        while let Ok((after, _)) = ws(keyword(op)).parse(rest) {
            let (after, term) = operand(after).map_err(|e| match e {
                nom::Err::Error(_) => expected(after, &format!("an operand after `{op}`")),
                other => other,
            })?;
            terms.push(term);
            rest = after;
        }
        if terms.len() == 1 {
            return Ok((rest, terms.remove(0)));
        }
        let kind = if op == "or" {
            ExprKind::Or(terms)
        } else {
            ExprKind::And(terms)
        };
        Ok((rest, self.spanned(input, rest, kind)))
    }

    fn unary(&self, input: &'s str) -> PResult<'s, Expr> {
        // Each `not` is a level, counted before descending: `not not … x` is a chain the
        // checker and evaluator would otherwise recurse through.
        let mut starts = Vec::new();
        let mut rest = input;
        while let Ok((after, _)) = ws(keyword("not")).parse(rest) {
            starts.push(rest);
            rest = after;
            if starts.len() > MAX_DEPTH {
                break;
            }
        }
        let (rest, mut expr) = self.nested(rest, starts.len(), || {
            self.compare(rest).map_err(|e| match e {
                nom::Err::Error(_) if !starts.is_empty() => {
                    expected(rest, "an operand after `not`")
                }
                other => other,
            })
        })?;
        for start in starts.into_iter().rev() {
            expr = self.spanned(start, rest, ExprKind::Not(Box::new(expr)));
        }
        Ok((rest, expr))
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

pub(super) fn parse(src: &str) -> Result<Expr, ExprError> {
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
