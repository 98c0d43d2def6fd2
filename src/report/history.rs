//! `wardline history` output: per commit that changed the inventory, the findings it
//! opened and closed by policy, then the remediation table (finding, opened in, closed
//! in, days open). Human text, JSON, and Markdown (also a section of the SRA report).

use std::fmt::Write;

use serde::Serialize;

use super::sra::markdown::escape as markdown_text;
use crate::history::{History, Lifetime};
use crate::text::escape_controls;

/// `HIPAA-121, HIPAA-131 ×2`: policy ids with how many findings of each.
pub fn counts(counts: &[(String, usize)]) -> String {
    counts
        .iter()
        .map(|(id, n)| {
            if *n == 1 {
                id.clone()
            } else {
                format!("{id} ×{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn opened(life: &Lifetime) -> String {
    life.opened.as_ref().map_or_else(
        || "before the walk".to_owned(),
        |(id, date)| format!("in {id} {date}"),
    )
}

fn closed(life: &Lifetime) -> String {
    life.closed.as_ref().map_or_else(
        || "still open".to_owned(),
        |(id, date)| format!("closed in {id} {date}"),
    )
}

pub fn human(history: &History) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} commits changed the inventory; {} findings opened, {} closed, {} still open as of {}",
        history.commits.len(),
        history
            .lifetimes
            .iter()
            .filter(|l| l.opened.is_some())
            .count(),
        history
            .lifetimes
            .iter()
            .filter(|l| l.closed.is_some())
            .count(),
        history
            .lifetimes
            .iter()
            .filter(|l| l.closed.is_none())
            .count(),
        history.as_of
    );
    for commit in &history.commits {
        let mut line = format!("{} {} {}", commit.short_id, commit.date, commit.summary);
        if commit.unjudged {
            line.push_str("  (language errors: not judged)");
        }
        if !commit.opened.is_empty() {
            let _ = write!(line, "  opened: {}", counts(&commit.opened));
        }
        if !commit.closed.is_empty() {
            let _ = write!(line, "  closed: {}", counts(&commit.closed));
        }
        let _ = writeln!(out, "{}", escape_controls(&line));
    }
    if !history.lifetimes.is_empty() {
        let _ = writeln!(out, "\nremediation:");
        for life in &history.lifetimes {
            let line = format!(
                "  {} {} ({}): opened {}, {}, {} days open",
                life.id,
                life.entity,
                life.severity.as_str(),
                opened(life),
                closed(life),
                life.days_open
            );
            let _ = writeln!(out, "{}", escape_controls(&line));
        }
    }
    out
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    as_of: String,
    commits: Vec<JsonCommit<'a>>,
    remediation: Vec<JsonLifetime<'a>>,
}

#[derive(Serialize)]
struct JsonCommit<'a> {
    commit: &'a str,
    date: String,
    summary: &'a str,
    judged: bool,
    opened: Vec<Count<'a>>,
    closed: Vec<Count<'a>>,
}

#[derive(Serialize)]
struct Count<'a> {
    id: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct JsonLifetime<'a> {
    id: &'a str,
    severity: &'static str,
    entity: &'a str,
    message: &'a str,
    opened_in: Option<&'a str>,
    opened: Option<String>,
    closed_in: Option<&'a str>,
    closed: Option<String>,
    days_open: i64,
}

fn count(counts: &[(String, usize)]) -> Vec<Count<'_>> {
    counts
        .iter()
        .map(|(id, count)| Count { id, count: *count })
        .collect()
}

pub fn write_json(history: &History, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let document = Document {
        version: 1,
        as_of: history.as_of.to_string(),
        commits: history
            .commits
            .iter()
            .map(|c| JsonCommit {
                commit: &c.id,
                date: c.date.to_string(),
                summary: &c.summary,
                judged: !c.unjudged,
                opened: count(&c.opened),
                closed: count(&c.closed),
            })
            .collect(),
        remediation: history
            .lifetimes
            .iter()
            .map(|l| JsonLifetime {
                id: &l.id,
                severity: l.severity.as_str(),
                entity: &l.entity,
                message: &l.message,
                opened_in: l.opened.as_ref().map(|o| o.0.as_str()),
                opened: l.opened.as_ref().map(|o| o.1.to_string()),
                closed_in: l.closed.as_ref().map(|c| c.0.as_str()),
                closed: l.closed.as_ref().map(|c| c.1.to_string()),
                days_open: l.days_open,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

/// Markdown: a table of commits and a remediation table.
pub fn markdown(history: &History) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} commits changed the inventory up to {}.\n",
        history.commits.len(),
        history.as_of
    );
    if !history.commits.is_empty() {
        let _ = writeln!(out, "| Commit | Date | Change | Opened | Closed |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for commit in &history.commits {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                commit.short_id,
                commit.date,
                markdown_text(&commit.summary),
                markdown_text(&counts(&commit.opened)),
                markdown_text(&counts(&commit.closed)),
            );
        }
        out.push('\n');
    }
    if !history.lifetimes.is_empty() {
        let _ = writeln!(out, "| Finding | Entity | Opened | Closed | Days open |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for life in &history.lifetimes {
            let _ = writeln!(
                out,
                "| {} ({}) | {} | {} | {} | {} |",
                markdown_text(&life.id),
                life.severity.as_str(),
                markdown_text(&life.entity),
                markdown_text(&opened(life)),
                markdown_text(&closed(life)),
                life.days_open
            );
        }
        out.push('\n');
    }
    out
}
