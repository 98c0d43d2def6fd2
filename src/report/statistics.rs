//! `wardline check --statistics`: how many unwaived findings each policy or language
//! code raised, most first (like `ruff --statistics`), so a first run of hundreds of
//! findings shows where to start.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::{Report, closing_lines};
use crate::finding::Severity;

#[derive(Serialize)]
pub struct Row<'a> {
    pub count: usize,
    pub id: &'a str,
    pub name: &'a str,
    pub severity: &'static str,
}

/// One row per rule that fired, by count (descending), then id.
pub fn rows<'a>(report: &Report<'a>) -> Vec<Row<'a>> {
    let mut counts: BTreeMap<&str, (usize, &str, Severity)> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| f.is_reported()) {
        let entry =
            counts
                .entry(&finding.rule.id)
                .or_insert((0, &finding.rule.name, finding.severity));
        entry.0 += 1;
        // A `[severity]` override applies to every finding of a policy; the maximum
        // only matters for language codes, which are fixed anyway.
        entry.2 = entry.2.max(finding.severity);
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|(id, (count, name, severity))| Row {
            count,
            id,
            name,
            severity: severity.as_str(),
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(b.id)));
    rows
}

/// Aligned columns `count  id  name  severity`, then the summary line.
pub fn render(report: &Report) -> String {
    let rows = rows(report);
    let width = |f: fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (count_w, id_w, name_w) = (
        width(|r| r.count.to_string().len()),
        width(|r| r.id.len()),
        width(|r| r.name.len()),
    );
    let mut out = String::new();
    for row in &rows {
        let _ = writeln!(
            out,
            "{:>count_w$}  {:<id_w$}  {:<name_w$}  {}",
            row.count, row.id, row.name, row.severity
        );
    }
    out.push_str(&closing_lines(report));
    out
}

/// The rows as a JSON array.
pub fn json(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(&rows(report)).unwrap_or_default();
    out.push('\n');
    out
}
