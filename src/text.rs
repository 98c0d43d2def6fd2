//! Untrusted text on its way to a terminal or a CI log (CLI.md §3): every string from an
//! inventory, a file name or a pack may hold control characters, so the human, concise
//! and github outputs pass their text through [`escape_controls`] at the point of writing.

use std::borrow::Cow;
use std::fmt::Write;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// A Unicode format character (category Cf): bidirectional overrides and isolates,
/// zero-width spaces and joiners. Invisible on screen, so they can disguise text
/// (Trojan Source) or hide an unsupported OS name from an exact comparison.
pub fn is_invisible(c: char) -> bool {
    // No ASCII character is Cf, and the category table costs a search per character.
    !c.is_ascii() && c.general_category() == GeneralCategory::Format
}

/// A character that must never reach an output raw: C0 and C1 controls, DEL and Cf.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// `text` with every control and format character written as `\u{1b}`, so no inventory
/// string can start an output line, move the cursor or form a workflow command.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// As [`escape_controls`], but keeps tabs and line ends: for source snippets, whose
/// layout the renderer draws line by line.
pub fn escape_controls_in_source(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| is_unsafe(c) && !matches!(c, '\t' | '\n'))
}

fn escape_where(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            // Writing to a String cannot fail.
            let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_format_characters_are_escaped() {
        assert_eq!(
            escape_controls("a\n::error file=x::b"),
            "a\\u{a}::error file=x::b"
        );
        assert_eq!(escape_controls("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape_controls("Windows \u{200b}XP"), "Windows \\u{200b}XP");
        assert_eq!(
            escape_controls("x\u{202e}y\u{7f}\u{85}"),
            "x\\u{202e}y\\u{7f}\\u{85}"
        );
        assert_eq!(escape_controls("tab\there"), "tab\\u{9}here");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape_controls("Windows ХP é"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_text_keeps_its_layout() {
        assert_eq!(
            escape_controls_in_source("a\tb\nc\u{1b}\r"),
            "a\tb\nc\\u{1b}\\u{d}"
        );
    }
}
