//! The language reference, generated from the schema table: every block kind with its
//! keys (type, enum values, required flag, meaning) and the facts resolution derives.
//! `wardline schema` prints it and `cargo xtask docs` writes it to `docs/language.md`,
//! so the reference cannot drift from what the validator accepts.

use std::fmt::Write;

use super::paint;
use crate::model::validate::describe;
use crate::schema::{KINDS, Key, Kind, Type};

const INTRO: &str = "\
An inventory is every `*.ward` file under the inventory root, read as one document.
Blocks are `kind name { key = value … }`; names are unique across the inventory and every
kind. Values are `\"strings\"`, integers, `true`/`false`, dates `2026-11-29` (YYYY-MM-DD,
real calendar dates, no quotes), names (enum values and references, no quotes) and
`[lists]`; nested blocks are written `key { … }`. `#` starts a comment. Keys starting
with `x_` are your own: kept, never validated. An absent key is unknown (null), which
policies treat differently from `false` or `[]`.";

/// The whole reference, or one kind's section; `color` bolds the headings.
pub fn markdown(only: Option<Kind>, color: bool) -> String {
    let mut out = String::new();
    if only.is_none() {
        let _ = writeln!(out, "{}\n", paint("# The `.ward` language", "1", color));
        let _ = writeln!(
            out,
            "<!-- Generated from src/schema.rs by `cargo xtask docs`; `wardline schema` prints the same. -->\n"
        );
        let _ = writeln!(out, "{INTRO}\n");
    }
    for kind in KINDS.into_iter().filter(|k| only.is_none_or(|o| o == *k)) {
        section(&mut out, kind, color);
    }
    out
}

fn section(out: &mut String, kind: Kind, color: bool) {
    let _ = writeln!(
        out,
        "{}\n",
        paint(&format!("## {}", kind.as_str()), "1", color)
    );
    let _ = writeln!(out, "{}\n", kind.doc());
    let _ = writeln!(out, "| key | type | required | meaning |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for key in kind.keys() {
        key_rows(out, "", key);
    }
    let _ = writeln!(
        out,
        "\nDerived facts (computed when the inventory is resolved; policies read them):\n"
    );
    let _ = writeln!(out, "| fact | type | definition |");
    let _ = writeln!(out, "| --- | --- | --- |");
    for fact in kind.facts() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            fact.name,
            cell(&describe(fact.ty)),
            cell(fact.doc)
        );
    }
    out.push('\n');
}

/// A key's row, then one row per field when it is a nested block (`baa.signed`).
fn key_rows(out: &mut String, prefix: &str, key: &Key) {
    let path = format!("{prefix}{}", key.name);
    let required = match (key.required, key.non_empty) {
        (true, true) => "yes, non-empty",
        (true, false) => "yes",
        (false, _) => "",
    };
    let _ = writeln!(
        out,
        "| `{path}` | {} | {required} | {} |",
        cell(&describe(key.ty)),
        cell(key.doc)
    );
    if let Type::Record(fields) = key.ty {
        for field in fields {
            key_rows(out, &format!("{path}."), field);
        }
    }
}

/// Text for a table cell: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
