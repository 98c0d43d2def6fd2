//! The network map as a Mermaid flowchart, which GitHub renders inside Markdown (README,
//! pull-request comments). Inventory strings go inside quoted labels with every character
//! that means something there written as an HTML entity, so no label can close its
//! quotes, add a node or link, or carry HTML into the rendered SVG.

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
/// every character that could end the quotes, form HTML (labels are HTML), start a
/// Markdown string or a Mermaid entity code (`#60;`), or a comment becomes a named HTML
/// entity, which Mermaid's labels show as the character. Mermaid's own `#…;` codes are
/// not used: Mermaid 11 shows them undecoded.
pub fn escape(text: &str) -> String {
    let text = escape_controls(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '#' => out.push_str("&num;"),
            ';' => out.push_str("&semi;"),
            '%' => out.push_str("&percnt;"),
            '`' => out.push_str("&grave;"),
            '|' => out.push_str("&vert;"),
            ':' => out.push_str("&colon;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn labels_cannot_break_out() {
        assert_eq!(escape("a\"]-->x"), "a&quot;]--&gt;x");
        assert_eq!(escape("<b>&#35;"), "&lt;b&gt;&amp;&num;35&semi;");
        assert_eq!(
            escape("%% `x` |y| http://e"),
            "&percnt;&percnt; &grave;x&grave; &vert;y&vert; http&colon;//e"
        );
        assert_eq!(escape("(é) [1]\n\u{202e}"), "(é) [1]\\u{a}\\u{202e}");
    }
}
