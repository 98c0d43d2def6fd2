//! One line per finding: `path:line:col: severity[ID] message`, for grep and editors.

use std::fmt::Write;

use super::{Report, summary_line};
use crate::text::escape_controls;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| f.waived_by.is_none()) {
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
    if report.policies_skipped {
        let _ = writeln!(out, "{}", super::POLICIES_SKIPPED);
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}
