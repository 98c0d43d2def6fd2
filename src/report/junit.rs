//! JUnit XML (CLI.md §4) for CI test dashboards: a testsuite per pack with a testcase per
//! (policy, entity) judged — a failure for each finding, skipped when a waiver excuses it —
//! the language diagnostics in a `language` suite, and the tool errors of a run that
//! could not judge anything as an error in a `wardline` suite.
//!
//! Every string is XML-escaped after [`escape_controls`], which also removes the
//! characters XML 1.0 forbids (C0 controls other than tab and line ends are not even
//! allowed as character references); U+FFFE and U+FFFF are escaped the same way.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::{POLICIES_SKIPPED, Report, ToolError};
use crate::finding::Finding;
use crate::text::escape_controls;

/// Text safe in XML 1.0 content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape_controls(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

struct Case {
    name: String,
    classname: String,
    file: Option<String>,
    line: Option<usize>,
    outcome: Outcome,
}

enum Outcome {
    Passed,
    /// `message`, `type`, body.
    Failure(String, &'static str, String),
    Skipped(String),
    Error(String, String),
}

fn failure_case(report: &Report, finding: &Finding, name: String) -> Case {
    let at = finding
        .primary
        .as_ref()
        .and_then(|l| report.location(l.span));
    let mut body = match &at {
        Some(at) => format!("{}:{}:{}: ", at.file, at.line, at.column),
        None => String::new(),
    };
    body.push_str(&finding.headline());
    if let Some(help) = &finding.help {
        let _ = write!(body, "\nhelp: {help}");
    }
    if !finding.rule.cite.is_empty() {
        let _ = write!(body, "\ncite: {}", finding.rule.cite.join("; "));
    }
    let outcome = match &finding.waived_by {
        Some(waiver) => Outcome::Skipped(match report.waiver_reason(waiver) {
            Some(reason) => format!("waived by {waiver}: {reason}"),
            None => format!("waived by {waiver}"),
        }),
        None => Outcome::Failure(finding.message.clone(), finding.severity.as_str(), body),
    };
    Case {
        name,
        classname: format!("{}.{}", finding.rule.pack, finding.rule.id),
        file: at.as_ref().map(|l| l.file.to_owned()),
        line: at.as_ref().map(|l| l.line),
        outcome,
    }
}

/// The policy suites, by pack id: every judged pair, failing or not.
fn policy_suites(report: &Report) -> BTreeMap<String, Vec<Case>> {
    let mut by_pair: HashMap<(&str, Option<&str>), &Finding> = HashMap::new();
    for finding in report.findings {
        let entity = finding.entity.as_ref().map(|e| e.name.as_str());
        by_pair.insert((finding.rule.id.as_str(), entity), finding);
    }
    let mut suites: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for tally in report.tallies {
        let rule = &tally.rule;
        let cases = suites.entry(rule.pack.clone()).or_default();
        // A policy on the inventory as a whole (no organization block) judged no entity.
        if let Some(finding) = by_pair.get(&(rule.id.as_str(), None)) {
            let name = format!("{} {}: inventory", rule.id, rule.name);
            cases.push(failure_case(report, finding, name));
        }
        for &id in &tally.judged {
            let entity = report.inventory.entity(id);
            let name = format!(
                "{} {}: {} {}",
                rule.id,
                rule.name,
                entity.kind.as_str(),
                entity.name
            );
            match by_pair.get(&(rule.id.as_str(), Some(entity.name.as_str()))) {
                Some(finding) => cases.push(failure_case(report, finding, name)),
                None => {
                    let at = report.location(entity.name_span);
                    cases.push(Case {
                        name,
                        classname: format!("{}.{}", rule.pack, rule.id),
                        file: at.as_ref().map(|l| l.file.to_owned()),
                        line: at.as_ref().map(|l| l.line),
                        outcome: Outcome::Passed,
                    });
                }
            }
        }
    }
    suites
}

fn language_suite(report: &Report) -> Vec<Case> {
    let mut cases: Vec<Case> = report
        .findings
        .iter()
        .filter(|f| f.rule.pack == "language")
        .map(|f| {
            let subject = f
                .entity
                .as_ref()
                .map_or("inventory".to_owned(), |e| format!("{} {}", e.kind, e.name));
            failure_case(
                report,
                f,
                format!("{} {}: {subject}", f.rule.id, f.rule.name),
            )
        })
        .collect();
    if report.policies_skipped {
        cases.push(Case {
            name: "policies evaluated".to_owned(),
            classname: "language".to_owned(),
            file: None,
            line: None,
            outcome: Outcome::Error(POLICIES_SKIPPED.to_owned(), String::new()),
        });
    }
    cases
}

fn error_case(error: &ToolError) -> Case {
    Case {
        name: "configuration and packs load".to_owned(),
        classname: "wardline".to_owned(),
        file: error.file.clone(),
        line: error.line,
        outcome: Outcome::Error(
            error.message.clone(),
            error.help.clone().unwrap_or_default(),
        ),
    }
}

fn write_suite(out: &mut String, name: &str, cases: &[Case]) {
    let count = |f: fn(&Outcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        xml(name),
        cases.len(),
        count(|o| matches!(o, Outcome::Failure(..))),
        count(|o| matches!(o, Outcome::Error(..))),
        count(|o| matches!(o, Outcome::Skipped(..))),
    );
    for case in cases {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\"",
            xml(&case.name),
            xml(&case.classname)
        );
        if let Some(file) = &case.file {
            let _ = write!(out, " file=\"{}\"", xml(file));
        }
        if let Some(line) = case.line {
            let _ = write!(out, " line=\"{line}\"");
        }
        match &case.outcome {
            Outcome::Passed => out.push_str("/>\n"),
            Outcome::Failure(message, kind, body) => {
                let body: Vec<String> = body.lines().map(xml).collect();
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"{kind}\">{}</failure>\n    </testcase>",
                    xml(message),
                    body.join("\n")
                );
            }
            Outcome::Skipped(message) => {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    xml(message)
                );
            }
            Outcome::Error(message, body) => {
                let _ = writeln!(
                    out,
                    ">\n      <error message=\"{}\">{}</error>\n    </testcase>",
                    xml(message),
                    xml(body)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n");
}

pub fn render(report: &Report) -> String {
    let mut suites: Vec<(String, Vec<Case>)> = Vec::new();
    if !report.errors.is_empty() {
        suites.push((
            "wardline".to_owned(),
            report.errors.iter().map(error_case).collect(),
        ));
    }
    suites.push(("language".to_owned(), language_suite(report)));
    suites.extend(policy_suites(report));
    let total = |f: fn(&Outcome) -> bool| {
        suites
            .iter()
            .flat_map(|(_, cases)| cases)
            .filter(|c| f(&c.outcome))
            .count()
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"wardline\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        total(|_| true),
        total(|o| matches!(o, Outcome::Failure(..))),
        total(|o| matches!(o, Outcome::Error(..))),
        total(|o| matches!(o, Outcome::Skipped(..))),
    );
    for (name, cases) in &suites {
        write_suite(&mut out, name, cases);
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_illegal_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'\u{0}\u{1b}\u{fffe}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;\\u{0}\\u{1b}\\u{fffe}"
        );
    }
}
