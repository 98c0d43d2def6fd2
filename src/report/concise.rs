//! One line per finding: `path:line:col: severity[ID] message`, for grep and editors.
//! The finding's title and help are left out: they would break the one-line format.

use std::fmt::Write;

use super::{Report, closing_lines};
use crate::text::escape_controls;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| f.is_reported()) {
        let place = match finding
            .primary
            .as_ref()
            .and_then(|l| report.location(l.span))
        {
            Some(at) => format!("{}:{}:{}", at.file, at.line, at.column),
            None => report.root.clone(),
        };
        let line = format!("{place}: {}", finding.headline());
        let _ = writeln!(out, "{}", escape_controls(&line));
    }
    out.push_str(&closing_lines(report));
    out
}
