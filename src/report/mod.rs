//! Renderers: one pure function per output format over the same [`Report`], which holds
//! everything any format shows — findings, sources, the rule catalog, per-policy tallies,
//! tool errors and render options — so no renderer reaches for anything else.

pub mod catalog;
pub mod concise;
pub mod diff;
mod facts;
pub mod github;
pub mod history;
pub mod human;
pub mod json;
pub mod junit;
pub mod map;
pub mod reference;
pub mod rules;
pub mod sarif;
mod snippet;
pub mod sra;
pub mod statistics;

use crate::date::Date;
use crate::error::FileError;
use crate::finding::{Finding, Severity};
use crate::model::Inventory;
use crate::policy::evaluate::Tally;
use crate::schema::Kind;
use crate::source::{SourceMap, Span};
use rules::RuleInfo;

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
    /// The selected policies and every language code, sorted by id.
    pub rules: &'a [RuleInfo],
    /// One per evaluated policy, in id order.
    pub tallies: &'a [Tally],
    /// The git revision judged, when it was not the working tree.
    pub revision: Option<String>,
    /// The revision compared with `--baseline`: findings it already had are left out
    /// of the human, concise and exit-code reckoning.
    pub baseline: Option<String>,
    /// Why the run could not judge the inventory (bad configuration or pack, I/O).
    pub errors: Vec<ToolError>,
    pub options: RenderOptions,
}

/// How to draw, decided by the caller (terminal, CI or test), never by a renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Findings only: no summary line, no note about skipped policies.
    pub quiet: bool,
    pub color: bool,
    /// Terminal width for the human format.
    pub width: usize,
}

impl Default for RenderOptions {
    /// What the snapshots pin: no colour, 80 columns.
    fn default() -> RenderOptions {
        RenderOptions {
            quiet: false,
            color: false,
            width: 80,
        }
    }
}

/// `text` in an SGR style (`"1"` bold, `"31"` red) when `color` is on: the listing
/// commands' own small palette, beside miette's for diagnostics.
pub fn paint(text: &str, sgr: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[{sgr}m{text}\u{1b}[0m")
    } else {
        text.to_owned()
    }
}

/// The colour of a severity's name, as miette draws the diagnostics.
pub fn severity_sgr(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    }
}

/// An error that stopped the run, as plain data for the machine formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    pub message: String,
    pub help: Option<String>,
    /// The file and 1-based line and column (in Unicode scalar values) it points at.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl From<&FileError> for ToolError {
    fn from(error: &FileError) -> ToolError {
        let (file, place) = match &error.at {
            Some((source, span)) => (Some(source.path.clone()), Some(source.line_col(span.start))),
            None => (None, None),
        };
        ToolError {
            message: error.message.clone(),
            help: error.help.clone(),
            file,
            line: place.map(|p| p.0),
            column: place.map(|p| p.1),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    /// Findings the baseline already had (not counted above).
    pub pre_existing: usize,
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
            if finding.new == Some(false) {
                summary.pre_existing += 1;
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

    /// The catalog entry of a rule id.
    pub fn rule(&self, id: &str) -> Option<&'a RuleInfo> {
        let rules = self.rules;
        let index = rules
            .binary_search_by(|r| r.rule.id.as_str().cmp(id))
            .ok()?;
        rules.get(index)
    }

    /// The 1-based start and end columns of a span in UTF-16 code units, SARIF's default
    /// `columnKind`: a character outside the Basic Multilingual Plane counts twice.
    pub fn utf16_columns(&self, span: Span) -> Option<(usize, usize)> {
        let file = self.sources.get(span.file)?;
        let column = |offset: usize| {
            let before = file.text.get(..offset).unwrap_or_default();
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            before[start..].encode_utf16().count() + 1
        };
        Some((column(span.start as usize), column(span.end as usize)))
    }

    /// The `reason` of the waiver named `name`: why a waived finding is accepted.
    pub fn waiver_reason(&self, name: &str) -> Option<&'a str> {
        let inventory = self.inventory;
        inventory.entity(inventory.lookup(name)?).text("reason")
    }
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
    if let Some(baseline) = &report.baseline {
        line.push_str(&format!(
            "; {} already at {baseline} left out",
            counted(s.pre_existing, "finding", "findings")
        ));
    }
    line
}

pub const POLICIES_SKIPPED: &str =
    "policies were not evaluated: fix the language errors above first";

/// The lines that close the human and concise outputs: the skipped-policies note and
/// the summary, or nothing under `--quiet`.
pub fn closing_lines(report: &Report) -> String {
    if report.options.quiet {
        return String::new();
    }
    let mut out = String::new();
    if report.policies_skipped {
        out.push_str(POLICIES_SKIPPED);
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}
