//! Renderers: one pure function per output format over the same [`Report`].

pub mod catalog;
pub mod concise;
pub mod human;
pub mod json;
mod snippet;

use crate::date::Date;
use crate::finding::{Finding, Severity};
use crate::model::Inventory;
use crate::schema::Kind;
use crate::source::{SourceMap, Span};

/// Everything a renderer may show: sorted findings and what they were judged against.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub sources: &'a SourceMap,
    pub inventory: &'a Inventory,
    pub as_of: Date,
    /// The inventory root as given by the user, for display.
    pub root: String,
    /// Policies were skipped because the inventory has language errors.
    pub policies_skipped: bool,
    pub summary: Summary,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub files: usize,
    pub entities: usize,
}

impl Summary {
    /// Counts unwaived findings by severity; waived ones separately.
    pub fn new(findings: &[Finding], files: usize, inventory: &Inventory) -> Summary {
        let mut summary = Summary {
            files,
            entities: inventory.entities.len(),
            ..Summary::default()
        };
        for finding in findings {
            if finding.waived_by.is_some() {
                summary.waived += 1;
                continue;
            }
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// Where a span is, in the units the outputs use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location<'a> {
    pub file: &'a str,
    pub offset: usize,
    pub length: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl<'a> Report<'a> {
    pub fn location(&self, span: Span) -> Option<Location<'a>> {
        let file = self.sources.get(span.file)?;
        let (line, column) = file.line_col(span.start as usize);
        let (end_line, end_column) = file.line_col(span.end as usize);
        Some(Location {
            file: &file.path,
            offset: span.start as usize,
            length: span.len(),
            line,
            column,
            end_line,
            end_column,
        })
    }

    pub fn count_of(&self, kind: Kind) -> usize {
        self.inventory.of_kind(kind).len()
    }
}

/// A stable identity of a finding: policy, entity and blamed attribute — never a line
/// number — hashed with 64-bit FNV-1a so it is the same on every platform and version.
pub fn fingerprint(finding: &Finding) -> String {
    let mut key = String::new();
    key.push_str(&finding.rule.id);
    for part in [
        finding.entity.as_ref().map_or("", |e| e.kind),
        finding.entity.as_ref().map_or("", |e| e.name.as_str()),
        &finding.attribute,
    ] {
        key.push('\0');
        key.push_str(part);
    }
    if finding.rule.pack == "language" {
        // Language errors name what is wrong in the message; one block may have several.
        key.push('\0');
        key.push_str(&finding.message);
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `3 errors, 2 warnings (1 waived) in 12 files, 840 entities, as of 2026-11-29`
pub fn summary_line(report: &Report) -> String {
    let s = report.summary;
    let mut line = format!(
        "{}, {}",
        counted(s.errors, "error", "errors"),
        counted(s.warnings, "warning", "warnings")
    );
    if s.infos > 0 {
        line.push_str(&format!(", {}", counted(s.infos, "info", "infos")));
    }
    if s.waived > 0 {
        line.push_str(&format!(" ({} waived)", s.waived));
    }
    line.push_str(&format!(
        " in {}, {}, as of {}",
        counted(s.files, "file", "files"),
        counted(s.entities, "entity", "entities"),
        report.as_of
    ));
    line
}

pub const POLICIES_SKIPPED: &str =
    "policies were not evaluated: fix the language errors above first";
