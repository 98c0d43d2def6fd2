//! The summary as GitHub-flavoured Markdown, the map as a ```` ```mermaid ```` block.
//! Inventory text is escaped so it stays text: every character that can start markup gets
//! a backslash — emphasis, links, HTML tags and entities, table cell breaks, and the `:`,
//! `.` and `@` an autolink needs — as do characters that start a block at the start of the
//! text; controls are shown escaped.

use std::fmt::Write;

use super::{Block, Cell, Document, Table, Tone};
use crate::report::map::mermaid;
use crate::text::escape_controls;

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# {}\n", escape(&super::title(doc)));
    let _ = writeln!(out, "{}\n", escape(&super::byline(doc)));
    for section in &doc.sections {
        let _ = writeln!(out, "- [{}](#{})", section.title, section.id);
    }
    for section in &doc.sections {
        let _ = writeln!(
            out,
            "\n<a id=\"{}\"></a>\n\n## {}",
            section.id, section.title
        );
        for block in &section.blocks {
            out.push('\n');
            match block {
                Block::Heading(text) => {
                    let _ = writeln!(out, "### {}", escape(text));
                }
                Block::Text(text) => {
                    let _ = writeln!(out, "{}", escape(text));
                }
                Block::Table(table) => table_to(&mut out, table),
                Block::Map => {
                    let _ = write!(out, "```mermaid\n{}```\n", mermaid::render(&doc.map));
                }
            }
        }
    }
    out
}

fn table_to(out: &mut String, table: &Table) {
    if table.rows.is_empty() {
        let _ = writeln!(out, "{}", escape(table.empty));
        return;
    }
    let _ = writeln!(out, "| {} |", table.columns.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(table.columns.len()));
    for row in &table.rows {
        out.push('|');
        for cell in row {
            out.push(' ');
            match cell {
                Cell::Text(text) => out.push_str(&escape(text)),
                Cell::Name(name) => out.push_str(&code(name)),
                Cell::Count(count) => {
                    let _ = write!(out, "{count}");
                }
                Cell::Status(Tone::Bad, text) => {
                    let _ = write!(out, "**{}**", escape(text));
                }
                Cell::Status(_, text) => out.push_str(&escape(text)),
            }
            out.push_str(" |");
        }
        out.push('\n');
    }
}

/// An identifier in a code span when it is plainly one, else escaped text.
fn code(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
    {
        format!("`{name}`")
    } else {
        escape(name)
    }
}

/// `text` as Markdown that shows exactly it.
pub fn escape(text: &str) -> String {
    let text = escape_controls(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (index, c) in text.chars().enumerate() {
        let block_start = index == 0 && matches!(c, '-' | '+' | '#' | '=' | '>');
        if block_start || "\\`*_{}[]()<>|~!:.@&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{code, escape};

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape("[x](http://e.vil) | *a* - b"),
            "\\[x\\]\\(http\\://e\\.vil\\) \\| \\*a\\* - b"
        );
        assert_eq!(escape("- x@y.z &amp;"), "\\- x\\@y\\.z \\&amp;");
        assert_eq!(escape("<script>\n"), "\\<script\\>\\\\u\\{a\\}");
        assert_eq!(code("rad-ct-01"), "`rad-ct-01`");
        assert_eq!(code("a`b"), "a\\`b");
    }
}
