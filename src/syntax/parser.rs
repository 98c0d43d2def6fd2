//! The `.ward` parser: nom for the lexical pieces, recursive descent for structure.
//!
//! Each construct, once recognised, commits (`nom::Err::Failure`) so an error names
//! what was expected where it went wrong instead of a vague alternative. A failure drops
//! the top-level block it is in; parsing resumes at the next line that starts a block
//! (`kind name {`), so one run reports every syntax error of the file.

use nom::bytes::complete::{tag, take_while1};
use nom::combinator::recognize;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use std::borrow::Cow;

use super::ast::{Block, Body, Ident, Item, ItemValue, Value, ValueKind};
use super::error::SyntaxError;
use crate::date::Date;
use crate::finding::{Code, Finding};
use crate::source::{FileId, Span};

/// Nested bodies and lists deeper than this are an error, never a stack overflow.
pub const MAX_DEPTH: usize = 64;

type PResult<'a, T> = IResult<&'a str, T, SyntaxError>;

fn fail<T>(error: SyntaxError) -> PResult<'static, T> {
    Err(nom::Err::Failure(error))
}

/// Describes the token at the start of `input` for "found …" messages.
fn describe_token(input: &str) -> String {
    let Some(c) = input.chars().next() else {
        return "end of file".into();
    };
    if c == '\n' || c == '\r' {
        return "end of line".into();
    }
    if is_ident_start(c) {
        let end = input.find(|c| !is_ident_char(c)).unwrap_or(input.len());
        return format!("`{}`", clip(&input[..end]));
    }
    if c == '"' {
        return "a string".into();
    }
    if c.is_ascii_digit() || c == '-' {
        return "a number".into();
    }
    format!("`{}`", c.escape_debug())
}

/// Shows a word in a message, shortened so a pathological 10 MB name stays readable.
fn clip(word: &str) -> String {
    match word.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &word[..end]),
        None => word.to_owned(),
    }
}

fn token_len(input: &str) -> usize {
    match input.chars().next() {
        None | Some('\n' | '\r') => 0,
        Some(c) if is_ident_start(c) => input.find(|c| !is_ident_char(c)).unwrap_or(input.len()),
        Some(c) => c.len_utf8(),
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// White space and comments.
fn trivia(mut input: &str) -> &str {
    loop {
        // Whitespace is ASCII: scanned as bytes, not decoded as characters.
        let blank = input
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        let trimmed = input.get(blank.count()..).unwrap_or_default();
        match trimmed.strip_prefix('#') {
            Some(comment) => input = comment.find('\n').map_or("", |end| &comment[end..]),
            None => return trimmed,
        }
    }
}

fn identifier(input: &str) -> PResult<'_, &str> {
    // Identifier characters are ASCII, so bytes can be scanned without decoding chars;
    // every key, name and reference goes through here.
    let bytes = input.as_bytes();
    if !bytes
        .first()
        .is_some_and(|&b| is_ident_start(char::from(b)))
    {
        let error = SyntaxError::from_error_kind(input, ErrorKind::Satisfy);
        return Err(nom::Err::Error(error));
    }
    let end = bytes
        .iter()
        .position(|&b| !is_ident_char(char::from(b)))
        .unwrap_or(bytes.len());
    Ok((&input[end..], &input[..end]))
}

/// Byte-offset bookkeeping for one file.
struct Cursor<'s> {
    src: &'s str,
    file: FileId,
    /// WARD-007 errors of values that lexed but are invalid; kept per block.
    value_errors: Vec<Finding>,
}

impl<'s> Cursor<'s> {
    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn span(&self, start_rest: &str, end_rest: &str) -> Span {
        Span::new(self.file, self.offset(start_rest), self.offset(end_rest))
    }

    fn ident(&self, input: &'s str) -> PResult<'s, Ident<'s>> {
        let (rest, text) = identifier(input)?;
        Ok((
            rest,
            Ident {
                text,
                span: self.span(input, rest),
            },
        ))
    }

    fn block(&mut self, input: &'s str) -> PResult<'s, Block<'s>> {
        let (rest, kind) = self.ident(input).map_err(|_| {
            nom::Err::Failure(SyntaxError::at(
                input,
                token_len(input),
                format!("expected a block kind, found {}", describe_token(input)),
                "expected a block such as `device name { … }`",
            ))
        })?;
        let rest = trivia(rest);
        let (rest, name) = match self.ident(rest) {
            Ok(ok) => ok,
            Err(_) => {
                return fail(
                    SyntaxError::at(
                        rest,
                        token_len(rest),
                        format!(
                            "expected a name after `{}`, found {}",
                            clip(kind.text),
                            describe_token(rest)
                        ),
                        "expected a name",
                    )
                    .help(format!(
                        "a block is written `{} some-name {{ … }}`",
                        clip(kind.text)
                    )),
                );
            }
        };
        let rest = trivia(rest);
        let Some(rest) = rest.strip_prefix('{') else {
            return fail(SyntaxError::at(
                rest,
                token_len(rest),
                format!(
                    "expected `{{` after `{} {}`, found {}",
                    clip(kind.text),
                    clip(name.text),
                    describe_token(rest)
                ),
                "expected `{`",
            ));
        };
        let open = &input[input.len() - rest.len() - 1..];
        let closes = format!("{} {}", kind.text, name.text);
        let (rest, body) = self.body(open, rest, &closes, 1)?;
        Ok((rest, Block { kind, name, body }))
    }

    /// Parses items up to the matching `}`; `open` starts at the `{`.
    fn body(
        &mut self,
        open: &'s str,
        mut input: &'s str,
        closes: &str,
        depth: usize,
    ) -> PResult<'s, Body<'s>> {
        if depth > MAX_DEPTH {
            return fail(SyntaxError::at(
                open,
                1,
                format!("blocks are nested more than {MAX_DEPTH} levels deep"),
                "too deeply nested",
            ));
        }
        let mut items = Vec::new();
        loop {
            input = trivia(input);
            if let Some(rest) = input.strip_prefix('}') {
                return Ok((
                    rest,
                    Body {
                        items,
                        span: self.span(open, rest),
                    },
                ));
            }
            if input.is_empty() {
                let mut error = SyntaxError::at(
                    input,
                    0,
                    format!("expected `}}` to close `{}`", clip(closes)),
                    "file ends here",
                );
                error.context = Some((self.offset(open), 1, "block opened here".into()));
                return fail(error);
            }
            let Ok((rest, key)) = self.ident(input) else {
                return fail(SyntaxError::at(
                    input,
                    token_len(input),
                    format!(
                        "expected a key or `}}` in `{}`, found {}",
                        clip(closes),
                        describe_token(input)
                    ),
                    "expected a key",
                ));
            };
            let after_key = trivia(rest);
            if let Some(rest) = after_key.strip_prefix('=') {
                let (rest, value) = self.value(trivia(rest), key.text, depth)?;
                items.push(Item {
                    key,
                    value: ItemValue::Value(value),
                });
                input = rest;
            } else if let Some(rest) = after_key.strip_prefix('{') {
                let open = after_key;
                let (rest, body) = self.body(open, rest, key.text, depth + 1)?;
                items.push(Item {
                    key,
                    value: ItemValue::Nested(body),
                });
                input = rest;
            } else if starts_block_header(input) {
                let mut error = SyntaxError::at(
                    input,
                    key.span.len(),
                    format!(
                        "expected `}}` to close `{}` before the next block",
                        clip(closes)
                    ),
                    "next block starts here",
                );
                error.context = Some((self.offset(open), 1, "block opened here".into()));
                return fail(error);
            } else {
                return fail(
                    SyntaxError::at(
                        after_key,
                        token_len(after_key),
                        format!(
                            "expected `=` or `{{` after key `{}`, found {}",
                            clip(key.text),
                            describe_token(after_key)
                        ),
                        "expected `=` or `{`",
                    )
                    .help(format!(
                        "write `{0} = value` or `{0} {{ … }}`",
                        clip(key.text)
                    )),
                );
            }
        }
    }

    fn value(&mut self, input: &'s str, key: &str, depth: usize) -> PResult<'s, Value<'s>> {
        let Some(first) = input.chars().next() else {
            return fail(SyntaxError::at(
                input,
                0,
                format!(
                    "expected a value after `{} =`, found end of file",
                    clip(key)
                ),
                "expected a value",
            ));
        };
        let (rest, kind) = match first {
            '"' => self.string(input)?,
            '[' => self.list(input, key, depth)?,
            c if c.is_ascii_digit() || c == '-' => self.number_or_date(input)?,
            c if is_ident_start(c) => {
                let (rest, word) = identifier(input)?;
                let kind = match word {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    _ => ValueKind::Ident(word),
                };
                (rest, kind)
            }
            _ => {
                return fail(SyntaxError::at(input, token_len(input), format!("expected a value after `{} =`, found {}", clip(key), describe_token(input)), "expected a value")
                    .help("a value is a \"string\", an integer, true or false, a date YYYY-MM-DD, a name, or a [list]"));
            }
        };
        Ok((
            rest,
            Value {
                kind,
                span: self.span(input, rest),
            },
        ))
    }

    fn list(&mut self, open: &'s str, key: &str, depth: usize) -> PResult<'s, ValueKind<'s>> {
        if depth + 1 > MAX_DEPTH {
            return fail(SyntaxError::at(
                open,
                1,
                format!("lists are nested more than {MAX_DEPTH} levels deep"),
                "too deeply nested",
            ));
        }
        let mut input = trivia(&open[1..]);
        let mut values = Vec::new();
        loop {
            if let Some(rest) = input.strip_prefix(']') {
                return Ok((rest, ValueKind::List(values)));
            }
            let (rest, value) = self.value(input, key, depth + 1)?;
            values.push(value);
            input = trivia(rest);
            if let Some(rest) = input.strip_prefix(',') {
                input = trivia(rest);
            } else if !input.starts_with(']') {
                let mut error = SyntaxError::at(
                    input,
                    token_len(input),
                    format!(
                        "expected `,` or `]` in the list of `{}`, found {}",
                        clip(key),
                        describe_token(input)
                    ),
                    "expected `,` or `]`",
                );
                error.context = Some((self.offset(open), 1, "list opened here".into()));
                return fail(error);
            }
        }
    }

    fn string(&mut self, input: &'s str) -> PResult<'s, ValueKind<'s>> {
        let body = &input[1..];
        match body.find(['"', '\\', '\n', '\r']) {
            // The common case: no escapes, so the value borrows the source text.
            Some(end) if body.as_bytes()[end] == b'"' => Ok((
                &body[end + 1..],
                ValueKind::Str(Cow::Borrowed(&body[..end])),
            )),
            _ => self.escaped_string(input),
        }
    }

    fn escaped_string(&mut self, input: &'s str) -> PResult<'s, ValueKind<'s>> {
        let mut text = String::new();
        let mut chars = input.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((&input[i + 1..], ValueKind::Str(Cow::Owned(text)))),
                '\n' | '\r' => {
                    return fail(
                        SyntaxError::at(
                            input,
                            i,
                            "unterminated string",
                            "this string has no closing `\"` on its line",
                        )
                        .help("strings end on the line they start; write a line break as `\\n`"),
                    );
                }
                '\\' => {
                    let escaped = match chars.next() {
                        Some((_, '\\')) => '\\',
                        Some((_, '"')) => '"',
                        Some((_, 'n')) => '\n',
                        Some((_, 't')) => '\t',
                        Some((_, 'r')) => '\r',
                        Some((_, 'u')) => self.unicode_escape(input, i, &mut chars)?,
                        other => {
                            let rest = &input[i..];
                            let shown = other.map_or(String::new(), |(_, c)| c.to_string());
                            return fail(
                                SyntaxError::at(
                                    rest,
                                    1 + shown.len(),
                                    format!("unknown escape `\\{shown}` in string"),
                                    "unknown escape",
                                )
                                .help("the escapes are \\\\ \\\" \\n \\t \\r and \\u{…}"),
                            );
                        }
                    };
                    text.push(escaped);
                }
                c => text.push(c),
            }
        }
        fail(SyntaxError::at(
            input,
            input.len(),
            "unterminated string",
            "this string has no closing `\"`",
        ))
    }

    fn unicode_escape(
        &self,
        input: &'s str,
        backslash: usize,
        chars: &mut impl Iterator<Item = (usize, char)>,
    ) -> Result<char, nom::Err<SyntaxError>> {
        let rest = &input[backslash..];
        let end = rest.find('}').filter(|&end| end <= 10);
        let bad = |message: &str| {
            nom::Err::Failure(
                SyntaxError::at(
                    rest,
                    end.map_or(2, |e| e + 1),
                    message.to_owned(),
                    "invalid escape",
                )
                .help("write a code point as `\\u{1F600}`: 1 to 6 hex digits"),
            )
        };
        let Some(end) = end.filter(|_| rest[2..].starts_with('{')) else {
            return Err(bad("invalid unicode escape"));
        };
        let hex = &rest[3..end];
        if hex.is_empty() || hex.len() > 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("invalid unicode escape"));
        }
        let c = u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| bad("escape is not a unicode scalar value"))?;
        if c == '\0' {
            // A NUL would end the string early in C-based tools that read the output.
            return Err(bad(
                "`\\u{0}` writes a NUL character, which a string may not hold",
            ));
        }
        for _ in 0..hex.len() + 2 {
            chars.next();
        }
        Ok(c)
    }

    fn number_or_date(&mut self, input: &'s str) -> PResult<'s, ValueKind<'s>> {
        let digits =
            |i: &'s str| take_while1::<_, &str, SyntaxError>(|c: char| c.is_ascii_digit()).parse(i);
        let slashed = recognize((digits, tag("/"), digits, tag("/"), digits)).parse(input);
        if let Ok((rest, text)) = slashed {
            // A date in a spreadsheet's form: a value error, so the block it sits in is
            // kept and the rest of the file is still checked.
            let mut finding = Finding::language(
                Code::InvalidValue,
                self.span(input, rest),
                "not YYYY-MM-DD",
                format!("`{text}` is not a date: dates are written YYYY-MM-DD"),
            );
            if let Some(help) = slash_date_help(text) {
                finding = finding.with_help(help);
            }
            self.value_errors.push(finding);
            return Ok((rest, ValueKind::Invalid));
        }
        let date_shape = recognize((digits, tag("-"), digits, tag("-"), digits)).parse(input);
        let (rest, kind) = match date_shape {
            Ok((rest, text)) => {
                let kind = match Date::parse(text) {
                    Some(date) => ValueKind::Date(date),
                    None if is_ymd_shape(text) => {
                        self.invalid(
                            input,
                            rest,
                            format!("`{text}` is not a calendar date"),
                            "not a real date",
                        );
                        ValueKind::Invalid
                    }
                    None => {
                        return fail(SyntaxError::at(
                            input,
                            text.len(),
                            format!("`{text}` is not a date: write dates as YYYY-MM-DD"),
                            "malformed date",
                        ));
                    }
                };
                (rest, kind)
            }
            Err(_) => {
                let (rest, text) = recognize((nom::combinator::opt(tag("-")), digits))
                    .parse(input)
                    .map_err(|_| {
                        nom::Err::Failure(SyntaxError::at(
                            input,
                            1,
                            "expected a number after `-`",
                            "expected digits",
                        ))
                    })?;
                let kind = match text.parse::<i64>() {
                    Ok(n) => ValueKind::Int(n),
                    Err(_) => {
                        self.invalid(
                            input,
                            rest,
                            format!("integer `{text}` does not fit in 64 bits"),
                            "out of range",
                        );
                        ValueKind::Invalid
                    }
                };
                (rest, kind)
            }
        };
        if rest.starts_with(|c: char| is_ident_char(c) || c == '.') {
            // The whole malformed word (`6.0`, `30abc`), not just its first bad character.
            let tail = rest
                .find(|c: char| !(is_ident_char(c) || c == '.'))
                .unwrap_or(rest.len());
            let len = input.len() - rest.len() + tail;
            return fail(SyntaxError::at(input, len, format!("`{}` is not a valid value", input[..len].trim()), "not a number, date or name")
                .help("names start with a letter or `_`; a version like 6.0 is written as a string: \"6.0\""));
        }
        Ok((rest, kind))
    }

    fn invalid(&mut self, start: &str, end: &str, message: String, label: &str) {
        self.value_errors.push(Finding::language(
            Code::InvalidValue,
            self.span(start, end),
            label,
            message,
        ));
    }
}

/// How to write a slashed date (`2027/03/31`, `03/31/2027`, `31/03/2027`) as YYYY-MM-DD;
/// when day and month could be either, both readings.
fn slash_date_help(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('/').collect();
    let number = |s: &str| s.parse::<u32>().ok();
    let ymd = |y: &str, m: &str, d: &str| {
        let year = i32::try_from(number(y)?).ok()?;
        Date::from_ymd(year, number(m)?, number(d)?).map(|date| format!("`{date}`"))
    };
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => ymd(y, m, d).map(|date| format!("write {date}")),
        [a, b, y] if y.len() == 4 => match (ymd(y, a, b), ymd(y, b, a)) {
            (Some(us), Some(day_first)) if us != day_first => Some(format!(
                "write {us} (month first), or {day_first} if the day comes first"
            )),
            (Some(date), _) | (None, Some(date)) => Some(format!("write {date}")),
            (None, None) => None,
        },
        _ => None,
    }
}

fn is_ymd_shape(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}

/// Whether a line (after indentation) starts `kind name {`: where recovery resumes.
fn starts_block_header(line: &str) -> bool {
    let Ok((rest, _)) = identifier(line.trim_start_matches([' ', '\t'])) else {
        return false;
    };
    let after = rest.trim_start_matches([' ', '\t']);
    if after.len() == rest.len() {
        return false;
    }
    identifier(after).is_ok_and(|(rest, _)| rest.trim_start_matches([' ', '\t']).starts_with('{'))
}

/// Byte offset of the first line after `from`'s line that starts a block, if any.
fn next_block_line(src: &str, from: usize) -> Option<usize> {
    let mut at = from + src.get(from..)?.find('\n')? + 1;
    loop {
        if starts_block_header(&src[at..]) {
            return Some(at);
        }
        at += src[at..].find('\n')? + 1;
    }
}

/// Parses one file's text into its blocks plus every syntax and value error.
pub fn parse(file: FileId, src: &str) -> (Vec<Block<'_>>, Vec<Finding>) {
    let mut cursor = Cursor {
        src,
        file,
        value_errors: Vec::new(),
    };
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    let mut input = trivia(src.strip_prefix('\u{feff}').unwrap_or(src));
    while !input.is_empty() {
        let start = cursor.offset(input);
        match cursor.block(input) {
            Ok((rest, block)) => {
                blocks.push(block);
                errors.append(&mut cursor.value_errors);
                input = trivia(rest);
            }
            Err(nom::Err::Error(error) | nom::Err::Failure(error)) => {
                cursor.value_errors.clear();
                errors.push(syntax_finding(file, src, error));
                match next_block_line(src, start) {
                    Some(resume) => input = trivia(&src[resume..]),
                    None => break,
                }
            }
            Err(nom::Err::Incomplete(_)) => break,
        }
    }
    (blocks, errors)
}

fn syntax_finding(file: FileId, src: &str, error: SyntaxError) -> Finding {
    let start = error.offset(src);
    let found = &src[start..];
    let (message, label, len) = if error.message.is_empty() {
        (
            format!("unexpected {}", describe_token(found)),
            "unexpected here".to_owned(),
            token_len(found),
        )
    } else {
        (error.message, error.label, error.len)
    };
    let end = (start + len).min(src.len());
    let mut finding = Finding::language(Code::Syntax, Span::new(file, start, end), label, message);
    if let Some(help) = error.help {
        finding = finding.with_help(help);
    }
    if let Some((offset, len, text)) = error.context {
        finding = finding.with_secondary(Span::new(file, offset, offset + len), text);
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> Vec<Block<'_>> {
        let (blocks, errors) = parse(FileId(0), src);
        assert!(errors.is_empty(), "{errors:#?}");
        blocks
    }

    fn first_error(src: &str) -> String {
        let (_, errors) = parse(FileId(0), src);
        errors
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }

    #[test]
    fn parses_values_on_one_line() {
        let blocks = parse_ok(
            "device a { os { name = \"Windows 7\" version = \"SP1\" } ip = \"10.0.0.1\" n = -3 ok = true d = 2024-02-29 l = [x, y,] e = [] }",
        );
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].body.items.len(), 7);
    }

    #[test]
    fn names_what_was_expected() {
        assert_eq!(
            first_error("device a {\n patch 3\n}"),
            "expected `=` or `{` after key `patch`, found a number"
        );
        assert_eq!(
            first_error("device a {\n label = \"abc\n}"),
            "unterminated string"
        );
        assert_eq!(
            first_error("device a { label = \"\\q\" }"),
            "unknown escape `\\q` in string"
        );
        assert_eq!(
            first_error("device a {\n"),
            "expected `}` to close `device a`"
        );
        assert_eq!(
            first_error("device a { x = [1 2] }"),
            "expected `,` or `]` in the list of `x`, found a number"
        );
        assert_eq!(
            first_error("device a { x = 2025-1-1 }"),
            "`2025-1-1` is not a date: write dates as YYYY-MM-DD"
        );
    }

    #[test]
    fn invalid_dates_are_value_errors_and_keep_the_block() {
        let (blocks, errors) = parse(FileId(0), "device a { d = 2025-02-30 }");
        assert_eq!(blocks.len(), 1);
        assert_eq!(errors[0].rule.id, "WARD-007");
        assert_eq!(errors[0].message, "`2025-02-30` is not a calendar date");
    }

    #[test]
    fn recovers_at_the_next_block() {
        let (blocks, errors) = parse(
            FileId(0),
            "device a {\n  x = \n}\ndevice b {\n  y = ]\n}\ndevice c { }\n",
        );
        assert_eq!(errors.len(), 2);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].name.text, "c");
    }

    #[test]
    fn unclosed_block_before_the_next_one() {
        let (blocks, errors) = parse(FileId(0), "device a {\n  x = 1\ndevice b {\n}\n");
        assert_eq!(
            errors[0].message,
            "expected `}` to close `device a` before the next block"
        );
        assert_eq!(blocks.len(), 1);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let src = format!("device a {{ {} }}", "k { ".repeat(10_000));
        assert!(first_error(&src).contains("nested more than"));
        let src = format!("device a {{ k = {} }}", "[".repeat(10_000));
        assert!(first_error(&src).contains("nested more than"));
    }

    #[test]
    fn unicode_escapes() {
        let blocks = parse_ok("device a { s = \"\\u{1F600}\\u{e9}\" }");
        let ItemValue::Value(Value {
            kind: ValueKind::Str(s),
            ..
        }) = &blocks[0].body.items[0].value
        else {
            unreachable!()
        };
        assert_eq!(s, "\u{1F600}\u{e9}");
        assert_eq!(
            first_error("device a { s = \"\\u{0}\" }"),
            "`\\u{0}` writes a NUL character, which a string may not hold"
        );
        assert_eq!(
            first_error("device a { s = \"\\u{110000}\" }"),
            "escape is not a unicode scalar value"
        );
    }
}
