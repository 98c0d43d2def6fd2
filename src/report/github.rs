//! GitHub Actions workflow commands (CLI.md §4), one `::error`/`::warning`/`::notice` per
//! unwaived finding, and the Markdown table for the job's step summary.
//!
//! GitHub shows at most [`ANNOTATIONS_PER_LEVEL`] annotations of each level per step and
//! drops the rest without a word, so the most important come first ([`rank`]) and the
//! step summary lists every finding, saying how many were not annotated.
//!
//! Every string from the inventory, a file name or a pack is first passed through
//! [`escape_controls`] (no raw control character can end the command and start another,
//! or reach the terminal), then percent-encoded as GitHub's command parser expects.

use std::cmp::Reverse;
use std::fmt::Write;

use super::sra::markdown::escape as markdown;
use super::{POLICIES_SKIPPED, Report, ToolError, summary_line};
use crate::finding::{Finding, Severity};
use crate::text::escape_controls;

/// GitHub's limit per level (error, warning, notice) in one step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// A message: `%`, CR and LF percent-encoded, after controls are escaped.
fn data(text: &str) -> String {
    escape_controls(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as [`data`], plus `:` and `,`, which end a property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Whether a finding is new since `--baseline`; without one, the whole run is the
/// change under review.
fn is_new(finding: &Finding) -> bool {
    finding.new != Some(false)
}

/// Annotation order: errors, then warnings, then notices; within a level, findings new
/// since the baseline first. The sort using it is stable, so ties keep file order.
fn rank(finding: &Finding) -> (Reverse<Severity>, bool) {
    (Reverse(finding.severity), !is_new(finding))
}

/// The unwaived findings in annotation order.
fn annotated<'a>(report: &Report<'a>) -> Vec<&'a Finding> {
    let mut findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.waived_by.is_none())
        .collect();
    findings.sort_by_key(|f| rank(f));
    findings
}

fn annotation(report: &Report, finding: &Finding) -> String {
    let mut properties = Vec::new();
    if let Some(at) = finding
        .primary
        .as_ref()
        .and_then(|l| report.location(l.span))
    {
        properties.push(format!("file={}", property(at.file)));
        properties.push(format!("line={}", at.line));
        properties.push(format!("col={}", at.column));
        properties.push(format!("endLine={}", at.end_line));
        properties.push(format!("endColumn={}", at.end_column));
    }
    properties.push(format!(
        "title={}",
        property(&format!("{} {}", finding.rule.id, finding.rule.name))
    ));
    format!(
        "::{} {}::{}\n",
        command(finding.severity),
        properties.join(","),
        data(&finding.message)
    )
}

fn error_annotation(error: &ToolError) -> String {
    let mut properties = Vec::new();
    if let Some(file) = &error.file {
        properties.push(format!("file={}", property(file)));
        if let (Some(line), Some(column)) = (error.line, error.column) {
            properties.push(format!("line={line},col={column}"));
        }
    }
    properties.push("title=wardline".to_owned());
    // The line break is ours, so it is encoded after the untrusted parts are escaped.
    let mut message = data(&error.message);
    if let Some(help) = &error.help {
        message.push_str(&format!("%0Ahelp: {}", data(help)));
    }
    format!("::error {}::{message}\n", properties.join(","))
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for error in &report.errors {
        out.push_str(&error_annotation(error));
    }
    if report.policies_skipped {
        let _ = writeln!(out, "::error title=wardline::{}", data(POLICIES_SKIPPED));
    }
    for finding in annotated(report) {
        out.push_str(&annotation(report, finding));
    }
    out
}

/// How many findings GitHub will not show as annotations: those past the limit of
/// their level, counting the tool-error annotations among the errors.
fn not_annotated(report: &Report) -> usize {
    let errors = report.errors.len() + usize::from(report.policies_skipped);
    let mut shown = [0usize; 3];
    shown[0] = errors.min(ANNOTATIONS_PER_LEVEL);
    let mut hidden = errors - shown[0];
    for finding in annotated(report) {
        let slot = match finding.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        if shown[slot] < ANNOTATIONS_PER_LEVEL {
            shown[slot] += 1;
        } else {
            hidden += 1;
        }
    }
    hidden
}

/// The step summary (`$GITHUB_STEP_SUMMARY`): the summary line, tool errors, a table of
/// every finding, waived ones included, and how many findings were not annotated.
pub fn step_summary(report: &Report) -> String {
    let mut out = format!("### wardline: {}\n\n", markdown(&summary_line(report)));
    for error in &report.errors {
        let _ = writeln!(out, "- **error:** {}", markdown(&error.message));
    }
    if report.policies_skipped {
        let _ = writeln!(out, "- **error:** {}", markdown(POLICIES_SKIPPED));
    }
    if !report.errors.is_empty() || report.policies_skipped {
        out.push('\n');
    }
    if !report.findings.is_empty() {
        out.push_str("| Severity | Rule | Location | Entity | Message |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        for finding in report.findings {
            let severity = match &finding.waived_by {
                Some(waiver) => format!("{} (waived by {})", finding.severity.as_str(), waiver),
                None => finding.severity.as_str().to_owned(),
            };
            let place = finding
                .primary
                .as_ref()
                .and_then(|l| report.location(l.span))
                .map_or(String::new(), |at| {
                    format!("{}:{}:{}", at.file, at.line, at.column)
                });
            let entity = finding
                .entity
                .as_ref()
                .map_or(String::new(), |e| format!("{} {}", e.kind, e.name));
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} |",
                markdown(&severity),
                markdown(&finding.rule.id),
                markdown(&finding.rule.name),
                markdown(&place),
                markdown(&entity),
                markdown(&finding.message),
            );
        }
        out.push('\n');
    }
    let hidden = not_annotated(report);
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{hidden} not annotated: GitHub shows at most {ANNOTATIONS_PER_LEVEL} annotations per level in a step; the table lists every finding.\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's decoding of a command's message and property values.
    fn decode(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    #[test]
    fn data_and_properties_round_trip() {
        let message = "50% of a:b, c\r\nd\u{1b}[31m::error::x %0A";
        let encoded = data(message);
        assert!(!encoded.contains(['\r', '\n', '\u{1b}']), "{encoded}");
        assert_eq!(decode(&encoded), escape_controls(message));
        let encoded = property(message);
        assert!(
            !encoded.contains([':', ',', '\r', '\n', '\u{1b}']),
            "{encoded}"
        );
        assert_eq!(decode(&encoded), escape_controls(message));
    }

    #[test]
    fn markdown_cannot_break_a_table_or_link() {
        assert_eq!(
            markdown("a|b [x](y) <img>\n"),
            "a\\|b \\[x\\]\\(y\\) \\<img\\>\\\\u\\{a\\}"
        );
    }
}
