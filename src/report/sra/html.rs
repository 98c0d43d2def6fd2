//! The summary as one self-contained HTML file: inline CSS (screen and print), no script
//! and no external reference of any kind, so it can be mailed or archived as evidence and
//! printed to PDF. The markup is also well-formed XML (XHTML-compatible), which the tests
//! check. The map is the SVG Graphviz drew, when the caller has it, else the Mermaid
//! source in a `<pre>`.

use std::fmt::Write;

use super::{Block, Cell, Document, Table};
use crate::report::map::mermaid;
use crate::text::escape_controls;

const STYLE: &str = r#"
:root { --ink: #1f2933; --muted: #52606d; --rule: #cbd2d9; --bad: #b71c1c; --bad-bg: #fdecea;
        --notice: #8a5a00; --notice-bg: #fff4db; --good: #1b5e20; --good-bg: #e8f5e9; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 2rem auto; max-width: 84rem; padding: 0 1.5rem; line-height: 1.45; font-size: 14px; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--rule); padding-bottom: 0.2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.3rem; }
.byline { color: var(--muted); margin-top: 0; }
nav ol { columns: 2; padding-left: 1.2rem; }
nav a { color: var(--ink); }
table { border-collapse: collapse; width: auto; max-width: 100%; margin: 0.6rem 0 1rem; font-size: 0.9em; }
th, td { border: 1px solid var(--rule); padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
table.narrow { display: inline-table; margin-right: 1.2rem; vertical-align: top; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.92em; }
.status { display: inline-block; padding: 0 0.35rem; border-radius: 3px; }
.status.bad { color: var(--bad); background: var(--bad-bg); font-weight: 600; }
.status.notice { color: var(--notice); background: var(--notice-bg); }
.status.good { color: var(--good); background: var(--good-bg); }
figure.map { margin: 0.8rem 0; overflow-x: auto; }
figure.map svg { max-width: 100%; height: auto; }
pre { background: #f5f7fa; border: 1px solid var(--rule); padding: 0.6rem; overflow-x: auto; font-size: 0.85em; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, figure.map { break-inside: avoid; }
  thead { display: table-header-group; }
  .status { border: 1px solid currentColor; }
  pre { white-space: pre-wrap; }
}
"#;

/// The HTML document; `svg` is the map as Graphviz drew it from [`crate::report::map::dot`].
pub fn render(doc: &Document, svg: Option<&str>) -> String {
    let mut out = String::new();
    let title = escape(&super::title(doc));
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>{title}</h1>\n<p class=\"byline\">{}</p>\n</header>\n<nav>\n<ol>\n",
        escape(&super::byline(doc))
    );
    for section in &doc.sections {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            section.id, section.title
        );
    }
    out.push_str("</ol>\n</nav>\n");
    for section in &doc.sections {
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>",
            section.id, section.title
        );
        for block in &section.blocks {
            match block {
                Block::Heading(text) => {
                    let _ = writeln!(out, "<h3>{}</h3>", escape(text));
                }
                Block::Text(text) => {
                    let _ = writeln!(out, "<p>{}</p>", escape(text));
                }
                Block::Table(table) => table_to(&mut out, table),
                Block::Map => match svg.and_then(inline_svg) {
                    Some(svg) => {
                        let _ = writeln!(out, "<figure class=\"map\">\n{svg}\n</figure>");
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "<p>Graphviz (<code>dot</code>) was not available when this report \
                             was written; the map follows as Mermaid source.</p>\n<pre>{}</pre>",
                            mermaid::render(&doc.map)
                                .lines()
                                .map(escape)
                                .collect::<Vec<_>>()
                                .join("\n")
                        );
                    }
                },
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn table_to(out: &mut String, table: &Table) {
    if table.rows.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(table.empty));
        return;
    }
    // Narrow tables (counts) sit side by side instead of each taking a line.
    out.push_str(if table.columns.len() <= 3 {
        "<table class=\"narrow\">\n<thead><tr>"
    } else {
        "<table>\n<thead><tr>"
    });
    for column in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = match cell {
                Cell::Text(text) => write!(out, "<td>{}</td>", escape(text)),
                Cell::Name(name) => write!(out, "<td><code>{}</code></td>", escape(name)),
                Cell::Count(count) => write!(out, "<td class=\"count\">{count}</td>"),
                Cell::Status(tone, text) => write!(
                    out,
                    "<td><span class=\"status {}\">{}</span></td>",
                    tone.as_str(),
                    escape(text)
                ),
            };
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Graphviz's SVG as an element to inline: from `<svg` on (no XML declaration, doctype or
/// comment naming an external DTD), without the namespace declarations, which HTML
/// supplies and which are the only URLs Graphviz writes, and with `:` and `/` in its text
/// written as character references, as [`escape`] writes them (Graphviz decodes them).
fn inline_svg(svg: &str) -> Option<String> {
    let start = svg.find("<svg")?;
    let end = svg.rfind("</svg>")? + "</svg>".len();
    let element = svg
        .get(start..end)?
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
    let mut out = String::with_capacity(element.len());
    let mut in_tag = false;
    for c in element.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            ':' if !in_tag => {
                out.push_str("&#58;");
                continue;
            }
            '/' if !in_tag => {
                out.push_str("&#47;");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    Some(out)
}

/// `text` as HTML (and XML) character data or attribute value; `:` and `/` are written
/// as character references too, so the file holds no URL, even as text.
pub fn escape(text: &str) -> String {
    let text = escape_controls(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // So no inventory text reads as a URL to anything that scans the file.
            ':' => out.push_str("&#58;"),
            '/' => out.push_str("&#47;"),
            // Not characters in XML 1.0.
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, inline_svg};

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape("<img src=x onerror='a'>&\u{1b} https://x"),
            "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;\\u{1b} https&#58;&#47;&#47;x"
        );
    }

    #[test]
    fn svg_loses_its_prolog_and_namespaces() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \
                   \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n\
                   <svg width=\"1pt\" xmlns=\"http://www.w3.org/2000/svg\" \
                   xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<text x=\"1\">a://b</text>\n</svg>\n";
        assert_eq!(
            inline_svg(svg).as_deref(),
            Some("<svg width=\"1pt\">\n<text x=\"1\">a&#58;&#47;&#47;b</text>\n</svg>")
        );
    }
}
