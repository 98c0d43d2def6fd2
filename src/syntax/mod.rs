//! Syntax: bytes of one file → blocks plus errors. No IO, never panics, never fails:
//! whatever could be parsed is returned alongside every error found.

pub mod ast;
mod error;
mod parser;

pub use error::SyntaxError;
pub use parser::{MAX_DEPTH, parse};

use crate::finding::{Code, Finding};
use crate::source::{FileId, Span};

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
    match text.find('\0') {
        Some(offset) => {
            let finding = Finding::language(
                Code::Syntax,
                Span::new(file, offset, offset + 1),
                "NUL byte",
                format!("NUL byte at byte {offset}"),
            )
            .with_help("a .ward file is text; remove the NUL byte");
            (text, Some(finding))
        }
        None => (text, None),
    }
}
