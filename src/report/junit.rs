//! JUnit XML (CLI.md §4) for CI test dashboards: a testsuite per pack with a testcase per
//! (policy, entity) judged — a failure for each finding, skipped when a waiver excuses it —
//! the language diagnostics in a `language` suite, and the tool errors of a run that
//! could not judge anything as an error in a `wardline` suite.
//!
//! Every string is XML-escaped after [`escape_controls`], which also removes the
//! characters XML 1.0 forbids (C0 controls other than tab and line ends are not even
//! allowed as character references); U+FFFE and U+FFFF are escaped the same way.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io;

use super::{POLICIES_SKIPPED, Report, ToolError};
use crate::finding::Finding;
use crate::policy::evaluate::Tally;
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

/// Findings by (policy id, entity name), so each judged pair finds its own.
type ByPair<'a> = HashMap<(&'a str, Option<&'a str>), &'a Finding>;

/// The cases of one policy: a case for the inventory as a whole when the policy judged it
/// (no organization block), then one per judged entity, in entity order.
fn policy_cases<'a>(
    report: &'a Report<'a>,
    tally: &'a Tally,
    by_pair: &'a ByPair<'a>,
) -> impl Iterator<Item = Case> + 'a {
    let rule = &tally.rule;
    let whole = by_pair.get(&(rule.id.as_str(), None)).map(|finding| {
        let name = format!("{} {}: inventory", rule.id, rule.name);
        failure_case(report, finding, name)
    });
    let entities = tally.judged(report.inventory).map(move |id| {
        let entity = report.inventory.entity(id);
        let name = format!(
            "{} {}: {} {}",
            rule.id,
            rule.name,
            entity.kind.as_str(),
            entity.name
        );
        match by_pair.get(&(rule.id.as_str(), Some(&*entity.name))) {
            Some(finding) => failure_case(report, finding, name),
            None => {
                let at = report.location(entity.name_span);
                Case {
                    name,
                    classname: format!("{}.{}", rule.pack, rule.id),
                    file: at.as_ref().map(|l| l.file.to_owned()),
                    line: at.as_ref().map(|l| l.line),
                    outcome: Outcome::Passed,
                }
            }
        }
    });
    whole.into_iter().chain(entities)
}

/// What a suite header declares.
#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(cases: &[Case]) -> Counts {
        let mut counts = Counts::default();
        for case in cases {
            counts.tests += 1;
            match case.outcome {
                Outcome::Passed => {}
                Outcome::Failure(..) => counts.failures += 1,
                Outcome::Error(..) => counts.errors += 1,
                Outcome::Skipped(..) => counts.skipped += 1,
            }
        }
        counts
    }

    /// A pack's counts without building its cases: every judged pair is a case, and
    /// every finding of the pack's policies is the failure (or skip) of exactly one.
    fn of_pack(report: &Report, pack: &str, tallies: &[&Tally]) -> Counts {
        let mut counts = Counts {
            tests: tallies.iter().map(|t| t.judged_count()).sum(),
            ..Counts::default()
        };
        for finding in report.findings.iter().filter(|f| f.rule.pack == pack) {
            // A finding about the inventory as a whole has a case of its own.
            if finding.entity.is_none() {
                counts.tests += 1;
            }
            match finding.waived_by {
                Some(_) => counts.skipped += 1,
                None => counts.failures += 1,
            }
        }
        counts
    }

    fn plus(self, other: Counts) -> Counts {
        Counts {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            errors: self.errors + other.errors,
            skipped: self.skipped + other.skipped,
        }
    }

    fn attributes(self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
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

fn case_xml(case: &Case) -> String {
    let mut out = format!(
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
    out
}

fn write_suite(
    out: &mut impl io::Write,
    name: &str,
    counts: Counts,
    cases: impl Iterator<Item = Case>,
) -> io::Result<()> {
    writeln!(
        out,
        "  <testsuite name=\"{}\" {}>",
        xml(name),
        counts.attributes()
    )?;
    for case in cases {
        out.write_all(case_xml(&case).as_bytes())?;
    }
    out.write_all(b"  </testsuite>\n")
}

/// Writes the document; the policy suites' cases (one per judged pair, so the bulk of
/// it) are built and written one at a time.
pub fn write(report: &Report, out: &mut impl io::Write) -> io::Result<()> {
    let errors: Vec<Case> = report.errors.iter().map(error_case).collect();
    let language = language_suite(report);
    let mut packs: BTreeMap<&str, Vec<&Tally>> = BTreeMap::new();
    for tally in report.tallies {
        packs
            .entry(tally.rule.pack.as_str())
            .or_default()
            .push(tally);
    }
    let pack_counts: Vec<Counts> = packs
        .iter()
        .map(|(pack, tallies)| Counts::of_pack(report, pack, tallies))
        .collect();
    let total = pack_counts
        .iter()
        .fold(Counts::of(&errors).plus(Counts::of(&language)), |a, &b| {
            a.plus(b)
        });
    let mut by_pair: ByPair = HashMap::new();
    for finding in report.findings {
        let entity = finding.entity.as_ref().map(|e| &*e.name);
        by_pair.insert((finding.rule.id.as_str(), entity), finding);
    }

    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    writeln!(out, "<testsuites name=\"wardline\" {}>", total.attributes())?;
    if !errors.is_empty() {
        write_suite(out, "wardline", Counts::of(&errors), errors.into_iter())?;
    }
    write_suite(out, "language", Counts::of(&language), language.into_iter())?;
    for ((pack, tallies), counts) in packs.iter().zip(pack_counts) {
        let cases = tallies
            .iter()
            .flat_map(|tally| policy_cases(report, tally, &by_pair));
        write_suite(out, pack, counts, cases)?;
    }
    out.write_all(b"</testsuites>\n")
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and every piece written is UTF-8.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
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
