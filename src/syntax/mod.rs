//! Syntax: bytes of one file → blocks plus errors. No IO, never panics, never fails:
//! whatever could be parsed is returned alongside every error found.

pub mod ast;
mod error;
mod parser;

pub use error::SyntaxError;
pub use parser::{MAX_DEPTH, parse};

use crate::finding::{Code, Finding};
use crate::source::{FileId, Span};
use crate::text::is_invisible;

/// Checks the encoding (UTF-8, no NUL byte). Returns the text spans will index — the
/// file's text, or its lossy decoding — and the error that keeps it from being parsed.
pub fn decode(file: FileId, bytes: Vec<u8>) -> (String, Option<Finding>) {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let span = Span::new(
                file,
                offset,
                offset + char::REPLACEMENT_CHARACTER.len_utf8(),
            );
            let finding = Finding::language(
                Code::Syntax,
                span,
                "not UTF-8",
                format!("invalid UTF-8 at byte {offset}"),
            )
            .with_help("save the file as UTF-8");
            return (text, Some(finding));
        }
    };
    if let Some(offset) = text.find('\0') {
        let finding = Finding::language(
            Code::Syntax,
            Span::new(file, offset, offset + 1),
            "NUL byte",
            format!("NUL byte at byte {offset}"),
        )
        .with_help("a .ward file is text; remove the NUL byte");
        return (text, Some(finding));
    }
    let bare_cr = text
        .match_indices('\r')
        .map(|(offset, _)| offset)
        .find(|&offset| text.as_bytes().get(offset + 1) != Some(&b'\n'));
    if let Some(offset) = bare_cr {
        // A lone CR hides text on screen, and a CR-only file would read as one comment.
        let finding = Finding::language(
            Code::Syntax,
            Span::new(file, offset, offset + 1),
            "carriage return",
            format!("carriage return without a line feed at byte {offset}"),
        )
        .with_help("end lines with LF or CRLF; convert the file's line endings");
        return (text, Some(finding));
    }
    (text, None)
}

/// WARD-015: invisible and bidirectional control characters (Unicode Cf), which can
/// make text read differently from what it is (Trojan Source). One warning per line,
/// so a hostile file cannot multiply the report beyond its own size.
pub fn invisible_characters(file: FileId, text: &str) -> Vec<Finding> {
    // Nearly every inventory is ASCII, which no format character is: one vectorised pass.
    if text.is_ascii() {
        return Vec::new();
    }
    let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut findings = Vec::new();
    let mut line_start = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        if line.is_ascii() {
            line_start += line.len();
            continue;
        }
        if let Some((at, c)) = line.char_indices().find(|&(_, c)| is_invisible(c)) {
            let offset = line_start + at;
            findings.push(
                Finding::language(
                    Code::InvisibleCharacter,
                    Span::new(file, offset, offset + c.len_utf8()),
                    "invisible character",
                    format!("invisible character U+{:04X} in the text", u32::from(c)),
                )
                .with_help(
                    "remove it: an invisible or bidirectional control character can make \
                     text read differently from what it is",
                ),
            );
        }
        line_start += line.len();
    }
    findings
}
