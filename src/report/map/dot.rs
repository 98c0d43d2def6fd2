//! The network map as Graphviz DOT (`dot -Tsvg`): a cluster per zone, a box per segment,
//! an edge per flow. Inventory strings are written inside quoted IDs with `"` and `\`
//! escaped (so no escape sequence such as `\N` or `\l` is formed), `&` written as `&amp;`
//! (Graphviz would otherwise pass a character reference such as `&#x202e;` through to
//! the SVG) and control characters shown escaped.

use std::fmt::Write;

use super::mermaid::{WARNING_FILL, WARNING_STROKE};
use super::{NetworkMap, counts, passes};
use crate::text::escape_controls;

pub fn render(map: &NetworkMap) -> String {
    let mut out = String::from(
        "digraph network {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.4, ranksep=1.1];\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6f8\", color=\"#546e7a\", fontname=\"Helvetica\", fontsize=11];\n  edge [color=\"#546e7a\", fontname=\"Helvetica\", fontsize=9];\n",
    );
    // Writing to a String cannot fail.
    for (zone, range) in map.zones() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{zone} {{\n    label=\"zone {zone}\";\n    style=\"rounded,dashed\";\n    color=\"#90a4ae\";"
        );
        for index in range {
            let segment = &map.segments[index];
            let mut label = quote(&segment.name);
            if let Some(text) = &segment.label {
                label.push_str("\\n");
                label.push_str(&quote(text));
            }
            label.push_str("\\n");
            label.push_str(&quote(&counts(segment)));
            let style = if segment.warning.any() {
                format!(", fillcolor=\"{WARNING_FILL}\", color=\"{WARNING_STROKE}\", penwidth=2")
            } else {
                String::new()
            };
            let _ = writeln!(out, "    s{index} [label=\"{label}\"{style}];");
        }
        out.push_str("  }\n");
    }
    for link in &map.links {
        let label = format!(
            "{}, ports {}\\n{}",
            quote(&link.name),
            quote(&link.ports),
            quote(&passes(link))
        );
        let style = if link.warning.any() {
            format!(
                ", color=\"{WARNING_STROKE}\", fontcolor=\"{WARNING_STROKE}\", style=dashed, penwidth=2.5"
            )
        } else if link.guarded {
            String::new()
        } else {
            ", style=dashed".to_owned()
        };
        let _ = writeln!(
            out,
            "  s{} -> s{} [label=\"{label}\"{style}];",
            link.from, link.to
        );
    }
    out.push_str("}\n");
    out
}

/// `text` for the inside of a DOT quoted string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape_controls(text).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn strings_cannot_break_out() {
        assert_eq!(quote("a\"] ; b"), "a\\\"] ; b");
        assert_eq!(quote("end\\"), "end\\\\");
        assert_eq!(quote("\\N &#x202e;\n"), "\\\\N &amp;#x202e;\\\\u{a}");
    }
}
