//! `wardline diff` output (CLI.md §5) in three formats: human text, one JSON document,
//! and Markdown for a pull-request comment. Every string from either inventory is
//! escaped for where it lands.

use std::fmt::Write;

use serde::Serialize;

use super::Report;
use super::json::{self, JsonFinding};
use super::sra::markdown;
use crate::diff::{FindingDiff, InventoryDiff, Named};
use crate::finding::{Finding, Severity};
use crate::text::escape_controls;

/// Both sides of a diff, judged, and what changed between them.
pub struct DiffReport<'a> {
    pub from: Report<'a>,
    pub to: Report<'a>,
    /// How each side is named: a short commit id, or `worktree`.
    pub from_label: String,
    pub to_label: String,
    pub inventory: InventoryDiff,
    pub findings: FindingDiff<'a>,
    /// Where `file#Lline` links point in Markdown (a blob URL of the newer revision);
    /// without one, places are shown as text.
    pub link_base: Option<String>,
}

impl DiffReport<'_> {
    /// New findings that count: not waived.
    fn counted_new(&self) -> impl Iterator<Item = &&Finding> {
        self.findings.new.iter().filter(|f| f.waived_by.is_none())
    }
}

fn place(report: &Report, finding: &Finding) -> Option<(String, usize)> {
    let location = report.location(finding.primary.as_ref()?.span)?;
    Some((location.file.to_owned(), location.line))
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn severities(findings: &[&&Finding]) -> String {
    let of = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let mut parts = Vec::new();
    for (severity, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
    ] {
        let n = of(severity);
        if n > 0 {
            parts.push(counted(n, one, many));
        }
    }
    parts.join(", ")
}

// ---- human -----------------------------------------------------------------------

pub fn human(diff: &DiffReport) -> String {
    let mut out = String::new();
    let inventory = &diff.inventory;
    let _ = writeln!(
        out,
        "inventory {} → {}: {} added, {} removed, {} renamed, {} changed",
        diff.from_label,
        diff.to_label,
        inventory.added.len(),
        inventory.removed.len(),
        inventory.renamed.len(),
        inventory.changed.len()
    );
    let line = |out: &mut String, text: String| {
        let _ = writeln!(out, "{}", escape_controls(&text));
    };
    for named in &inventory.added {
        line(
            &mut out,
            format!("  + {} {}", named.kind.as_str(), named.name),
        );
    }
    for named in &inventory.removed {
        line(
            &mut out,
            format!("  - {} {}", named.kind.as_str(), named.name),
        );
    }
    for renamed in &inventory.renamed {
        line(
            &mut out,
            format!(
                "  ~ {} {} renamed to {}",
                renamed.kind.as_str(),
                renamed.from,
                renamed.to
            ),
        );
    }
    for changed in &inventory.changed {
        line(
            &mut out,
            format!(
                "  ~ {} {}",
                changed.entity.kind.as_str(),
                changed.entity.name
            ),
        );
        for attribute in &changed.attributes {
            line(
                &mut out,
                format!(
                    "      {}: {} → {}",
                    attribute.path,
                    attribute.before.as_deref().unwrap_or("(absent)"),
                    attribute.after.as_deref().unwrap_or("(absent)")
                ),
            );
        }
    }
    let _ = writeln!(
        out,
        "findings: {} new, {} resolved, {} unchanged",
        diff.findings.new.len(),
        diff.findings.resolved.len(),
        diff.findings.unchanged
    );
    for (title, findings, report) in [
        ("new", &diff.findings.new, &diff.to),
        ("resolved", &diff.findings.resolved, &diff.from),
    ] {
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {title}:");
        for finding in findings {
            let at = place(report, finding)
                .map_or_else(|| report.root.clone(), |(file, l)| format!("{file}:{l}"));
            let waived = if finding.waived_by.is_some() {
                " (waived)"
            } else {
                ""
            };
            line(
                &mut out,
                format!("    {at}: {}{waived}", finding.headline()),
            );
        }
    }
    for (label, report) in [(&diff.from_label, &diff.from), (&diff.to_label, &diff.to)] {
        if report.policies_skipped {
            let _ = writeln!(
                out,
                "note: {label} has language errors, so its policies were not evaluated"
            );
        }
    }
    out
}

// ---- json ------------------------------------------------------------------------

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    from: &'a str,
    to: &'a str,
    as_of: String,
    inventory: Inventory<'a>,
    findings: Findings<'a>,
}

#[derive(Serialize)]
struct Inventory<'a> {
    added: Vec<Entity<'a>>,
    removed: Vec<Entity<'a>>,
    renamed: Vec<Rename<'a>>,
    changed: Vec<Change<'a>>,
}

#[derive(Serialize)]
struct Entity<'a> {
    kind: &'static str,
    name: &'a str,
}

impl<'a> From<&'a Named> for Entity<'a> {
    fn from(named: &'a Named) -> Entity<'a> {
        Entity {
            kind: named.kind.as_str(),
            name: &named.name,
        }
    }
}

#[derive(Serialize)]
struct Rename<'a> {
    kind: &'static str,
    from: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct Change<'a> {
    kind: &'static str,
    name: &'a str,
    attributes: Vec<Attribute<'a>>,
}

#[derive(Serialize)]
struct Attribute<'a> {
    path: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

#[derive(Serialize)]
struct Findings<'a> {
    new: Vec<JsonFinding<'a>>,
    resolved: Vec<JsonFinding<'a>>,
    unchanged: usize,
}

pub fn write_json(diff: &DiffReport, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let inventory = &diff.inventory;
    let document = Document {
        version: 1,
        from: &diff.from_label,
        to: &diff.to_label,
        as_of: diff.to.as_of.to_string(),
        inventory: Inventory {
            added: inventory.added.iter().map(Entity::from).collect(),
            removed: inventory.removed.iter().map(Entity::from).collect(),
            renamed: inventory
                .renamed
                .iter()
                .map(|r| Rename {
                    kind: r.kind.as_str(),
                    from: &r.from,
                    to: &r.to,
                })
                .collect(),
            changed: inventory
                .changed
                .iter()
                .map(|c| Change {
                    kind: c.entity.kind.as_str(),
                    name: &c.entity.name,
                    attributes: c
                        .attributes
                        .iter()
                        .map(|a| Attribute {
                            path: &a.path,
                            before: a.before.as_deref(),
                            after: a.after.as_deref(),
                        })
                        .collect(),
                })
                .collect(),
        },
        findings: Findings {
            new: diff
                .findings
                .new
                .iter()
                .map(|f| json::finding(&diff.to, f))
                .collect(),
            resolved: diff
                .findings
                .resolved
                .iter()
                .map(|f| json::finding(&diff.from, f))
                .collect(),
            unchanged: diff.findings.unchanged,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

// ---- markdown --------------------------------------------------------------------

fn markdown_place(diff: &DiffReport, report: &Report, finding: &Finding) -> String {
    match place(report, finding) {
        Some((file, line)) => {
            let text = markdown::escape(&format!("{file}:{line}"));
            match &diff.link_base {
                Some(base) => {
                    let path: String = file
                        .split('/')
                        .map(percent_encode)
                        .collect::<Vec<_>>()
                        .join("/");
                    format!("[{text}]({}/{path}#L{line})", base.trim_end_matches('/'))
                }
                None => text,
            }
        }
        None => markdown::escape(&report.root),
    }
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

pub fn markdown(diff: &DiffReport) -> String {
    let mut out = String::new();
    let new: Vec<&&Finding> = diff.counted_new().collect();
    let resolved = diff.findings.resolved.len();
    let verdict = if new.is_empty() {
        format!(
            "✅ **wardline**: no new findings ({} resolved, {} unchanged)",
            resolved, diff.findings.unchanged
        )
    } else {
        format!(
            "❌ **wardline**: {} ({}); {} resolved, {} unchanged",
            counted(new.len(), "new finding", "new findings"),
            severities(&new),
            resolved,
            diff.findings.unchanged
        )
    };
    let _ = writeln!(out, "{verdict}\n");
    let _ = writeln!(
        out,
        "Compared `{}` with `{}`, as of {}.\n",
        code(&diff.from_label),
        code(&diff.to_label),
        diff.to.as_of
    );
    for (label, report) in [(&diff.from_label, &diff.from), (&diff.to_label, &diff.to)] {
        if report.policies_skipped {
            let _ = writeln!(
                out,
                "> **Note:** {} has language errors, so its policies were not evaluated.\n",
                markdown::escape(label)
            );
        }
    }
    for (title, findings, report) in [
        ("New findings", &diff.findings.new, &diff.to),
        ("Resolved findings", &diff.findings.resolved, &diff.from),
    ] {
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        let _ = writeln!(out, "| Severity | Rule | Finding | Where |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for finding in findings.iter() {
            let waived = if finding.waived_by.is_some() {
                " (waived)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| {}{waived} | {} {} | {} | {} |",
                finding.severity.as_str(),
                markdown::escape(&finding.rule.id),
                markdown::escape(&finding.rule.name),
                markdown::escape(&finding.message),
                markdown_place(diff, report, finding),
            );
        }
        out.push('\n');
    }
    if !diff.inventory.is_empty() {
        let _ = writeln!(out, "### Inventory changes\n");
        let mut kinds: Vec<&'static str> = Vec::new();
        let inventory = &diff.inventory;
        kinds.extend(inventory.added.iter().map(|n| n.kind.as_str()));
        kinds.extend(inventory.removed.iter().map(|n| n.kind.as_str()));
        kinds.extend(inventory.renamed.iter().map(|r| r.kind.as_str()));
        kinds.extend(inventory.changed.iter().map(|c| c.entity.kind.as_str()));
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            let _ = writeln!(out, "**{kind}**\n");
            for named in inventory.added.iter().filter(|n| n.kind.as_str() == kind) {
                let _ = writeln!(out, "- added `{}`", code(&named.name));
            }
            for named in inventory.removed.iter().filter(|n| n.kind.as_str() == kind) {
                let _ = writeln!(out, "- removed `{}`", code(&named.name));
            }
            for renamed in inventory.renamed.iter().filter(|r| r.kind.as_str() == kind) {
                let _ = writeln!(
                    out,
                    "- renamed `{}` to `{}`",
                    code(&renamed.from),
                    code(&renamed.to)
                );
            }
            for changed in inventory
                .changed
                .iter()
                .filter(|c| c.entity.kind.as_str() == kind)
            {
                let _ = writeln!(out, "- changed `{}`", code(&changed.entity.name));
                for attribute in &changed.attributes {
                    let _ = writeln!(
                        out,
                        "  - `{}`: `{}` → `{}`",
                        code(&attribute.path),
                        code(attribute.before.as_deref().unwrap_or("(absent)")),
                        code(attribute.after.as_deref().unwrap_or("(absent)"))
                    );
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Text for inside a code span: controls escaped, backticks (which would close it) and
/// line ends replaced.
fn code(text: &str) -> String {
    escape_controls(text).replace('`', "'")
}
