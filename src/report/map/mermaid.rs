//! The network map as a Mermaid flowchart, which GitHub renders inside Markdown (README,
//! pull-request comments). Every inventory string is written as Mermaid entity codes
//! except a few plain characters, so no label can close its quotes, add a node or link,
//! or carry HTML into the rendered SVG.

use std::fmt::Write;

use super::{NetworkMap, counts, passes};
use crate::text::escape_controls;

/// Warning colours, shared with the DOT renderer so both maps read alike.
pub(super) const WARNING_STROKE: &str = "#c62828";
pub(super) const WARNING_FILL: &str = "#fdecea";

pub fn render(map: &NetworkMap) -> String {
    let mut out = String::from("flowchart LR\n");
    if map.segments.is_empty() {
        out.push_str("  empty[\"no network segments\"]\n");
        return out;
    }
    // Writing to a String cannot fail.
    for (zone, range) in map.zones() {
        let _ = writeln!(out, "  subgraph zone_{zone}[\"zone {zone}\"]");
        for index in range {
            let segment = &map.segments[index];
            let mut label = escape(&segment.name);
            if let Some(text) = &segment.label {
                label.push_str("<br/>");
                label.push_str(&escape(text));
            }
            label.push_str("<br/>");
            label.push_str(&escape(&counts(segment)));
            let _ = writeln!(out, "    s{index}[\"{label}\"]");
        }
        out.push_str("  end\n");
    }
    let mut warned = Vec::new();
    for (index, link) in map.links.iter().enumerate() {
        let arrow = if link.guarded { "-->" } else { "-.->" };
        let label = format!(
            "{}, ports {}<br/>{}",
            escape(&link.name),
            escape(&link.ports),
            escape(&passes(link))
        );
        let _ = writeln!(out, "  s{} {arrow}|\"{label}\"| s{}", link.from, link.to);
        if link.warning.any() {
            warned.push(index.to_string());
        }
    }
    let exposed: Vec<String> = (0..map.segments.len())
        .filter(|&i| map.segments[i].warning.any())
        .map(|i| format!("s{i}"))
        .collect();
    if !exposed.is_empty() {
        let _ = writeln!(
            out,
            "  classDef warning fill:{WARNING_FILL},stroke:{WARNING_STROKE},stroke-width:2px\n  class {} warning",
            exposed.join(",")
        );
    }
    if !warned.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{WARNING_STROKE},stroke-width:3px,stroke-dasharray:6 4",
            warned.join(",")
        );
    }
    out
}

/// `text` as the inside of a quoted Mermaid label: controls are first shown escaped, then
/// letters, digits and a few punctuation marks harmless inside quotes stay and everything else (quotes,
/// brackets, `<`, `#`, `;`, `:`, backticks, any non-ASCII) becomes an entity code such as
/// `#60;`, which Mermaid draws as the character itself.
pub fn escape(text: &str) -> String {
    let text = escape_controls(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | ',' | '.' | '-' | '_' | '/' | '(' | ')') {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", u32::from(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn labels_cannot_break_out() {
        assert_eq!(escape("a\"]-->x"), "a#34;#93;--#62;x");
        assert_eq!(escape("<img src=x>"), "#60;img src#61;x#62;");
        assert_eq!(escape("(a)"), "(a)");
        assert_eq!(escape("#35;`é:"), "#35;35#59;#96;#233;#58;");
        assert_eq!(escape("\n\u{202e}"), "#92;u#123;a#125;#92;u#123;202e#125;");
    }
}
