//! Syntax: bytes of one file → blocks plus errors. No IO, never panics, never fails:
//! whatever could be parsed is returned alongside every error found.

pub mod ast;
mod parser;

pub use parser::MAX_DEPTH;

use crate::finding::{Code, Finding};
use crate::source::{FileId, Span};

/// Checks encoding (UTF-8, no NUL) and parses. The returned text is what spans index:
/// the file's text, or its lossy decoding when the bytes were not UTF-8.
pub fn parse_bytes(file: FileId, bytes: &[u8]) -> (String, Vec<ast::Block>, Vec<Finding>) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(error) => {
            let offset = error.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let finding = Finding::language(
                Code::Syntax,
                Span::new(
                    file,
                    offset,
                    offset + char::REPLACEMENT_CHARACTER.len_utf8(),
                ),
                "not UTF-8",
                format!("invalid UTF-8 at byte {offset}"),
            )
            .with_help("save the file as UTF-8");
            return (text, Vec::new(), vec![finding]);
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
        return (text, Vec::new(), vec![finding]);
    }
    let (blocks, errors) = parser::parse(file, &text);
    (text, blocks, errors)
}
