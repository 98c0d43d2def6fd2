//! SARIF 2.1.0 (CLI.md §4) for GitHub code scanning and other SARIF viewers: one run
//! whose driver lists the evaluated policies and the language codes that occur, the
//! regulations as taxonomies (each paragraph a taxon, each rule related to the paragraphs
//! it cites), one result per finding (waived ones with an external suppression), and the
//! tool errors of a run that could not judge anything as execution notifications.
//!
//! Columns are UTF-16 code units, SARIF's default `columnKind`, declared explicitly.

use std::collections::BTreeSet;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::rules::{Citation, Regulation, RuleInfo};
use super::{POLICIES_SKIPPED, Report, ToolError};
use crate::finding::{Finding, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub code scanning badges an alert from this score (≥ 7 high, ≥ 4 medium, else low).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// A path relative to the root as a URI reference: every byte outside the unreserved
/// set and `/` percent-encoded, so spaces or `#` in a file name stay part of the path.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The rules the driver lists: every evaluated policy, and the language codes found.
fn driver_rules<'a>(report: &Report<'a>) -> Vec<&'a RuleInfo> {
    let found: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.id.as_str()).collect();
    report
        .rules
        .iter()
        .filter(|r| {
            if r.rule.pack == "language" {
                found.contains(r.rule.id.as_str())
            } else {
                !report.policies_skipped
            }
        })
        .collect()
}

/// The regulations cited by `rules`, each with its paragraphs sorted, in a fixed order.
fn taxonomies<'a>(rules: &[&'a RuleInfo]) -> Vec<(Regulation, Vec<&'a Citation>)> {
    Regulation::ALL
        .into_iter()
        .filter_map(|regulation| {
            let mut taxa: Vec<&Citation> = rules
                .iter()
                .flat_map(|r| &r.citations)
                .filter(|c| c.regulation == regulation)
                .collect();
            taxa.sort_by(|a, b| a.paragraph.cmp(&b.paragraph));
            taxa.dedup_by(|a, b| a.paragraph == b.paragraph);
            (!taxa.is_empty()).then_some((regulation, taxa))
        })
        .collect()
}

fn rule_object(rule: &RuleInfo, taxonomies: &[(Regulation, Vec<&Citation>)]) -> Value {
    let cite: Vec<&str> = rule.citations.iter().map(|c| c.text.as_str()).collect();
    let mut help = rule.docs.clone();
    if !cite.is_empty() {
        help.push_str(&format!("\n\n**Cite:** {}\n", cite.join("; ")));
    }
    let mut tags = vec![
        "security".to_owned(),
        "compliance".to_owned(),
        rule.rule.pack.clone(),
    ];
    tags.extend(cite.iter().map(|c| (*c).to_owned()));
    let relationships: Vec<Value> = rule
        .citations
        .iter()
        .filter_map(|citation| {
            let (component, (regulation, taxa)) = taxonomies
                .iter()
                .enumerate()
                .find(|(_, (r, _))| *r == citation.regulation)?;
            let index = taxa
                .iter()
                .position(|t| t.paragraph == citation.paragraph)?;
            Some(json!({
                "target": {
                    "id": citation.paragraph,
                    "index": index,
                    "toolComponent": {"name": regulation.name(), "index": component},
                },
                "kinds": ["relevant"],
            }))
        })
        .collect();
    let full = if cite.is_empty() {
        rule.title.clone()
    } else {
        format!("{} ({})", rule.title, cite.join("; "))
    };
    let mut object = json!({
        "id": rule.rule.id,
        "name": rule.rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": full},
        "help": {"text": help, "markdown": help},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "tags": tags,
            "security-severity": security_severity(rule.severity),
            "precision": "very-high",
            "pack": rule.rule.pack,
            "declared-severity": rule.default_severity.as_str(),
        },
    });
    if !relationships.is_empty() {
        object["relationships"] = Value::Array(relationships);
    }
    object
}

fn taxonomy_object(regulation: Regulation, taxa: &[&Citation]) -> Value {
    let taxa: Vec<Value> = taxa
        .iter()
        .map(|citation| {
            let name = match citation.regulation {
                Regulation::SecurityRule => format!("45 CFR {}", citation.paragraph),
                Regulation::Proposed => format!("proposed 45 CFR {}", citation.paragraph),
                Regulation::Other => citation.paragraph.clone(),
            };
            json!({
                "id": citation.paragraph,
                "name": name,
                "shortDescription": {"text": citation.text},
            })
        })
        .collect();
    json!({
        "name": regulation.name(),
        "shortDescription": {"text": regulation.description()},
        "isComprehensive": false,
        "taxa": taxa,
    })
}

fn result_object(report: &Report, finding: &Finding, rule_index: Option<usize>) -> Value {
    let mut result = json!({
        "ruleId": finding.rule.id,
        "level": level(finding.severity),
        "message": {"text": finding.message},
        "partialFingerprints": {"wardline/v1": finding.fingerprint.to_string()},
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if let Some(new) = finding.new {
        result["baselineState"] = json!(if new { "new" } else { "unchanged" });
    }
    let place = finding
        .primary
        .as_ref()
        .and_then(|l| Some((report.location(l.span)?, report.utf16_columns(l.span)?)));
    if let Some((at, (start, end))) = place {
        result["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(at.file), "uriBaseId": SRCROOT},
                "region": {
                    "startLine": at.line,
                    "startColumn": start,
                    "endLine": at.end_line,
                    "endColumn": end,
                },
            },
        }]);
    }
    if let Some(entity) = &finding.entity {
        result["properties"] = json!({"entity": {"kind": entity.kind, "name": &*entity.name}});
    }
    if let Some(waiver) = &finding.waived_by {
        let justification = match report.waiver_reason(waiver) {
            Some(reason) => format!("waiver {waiver}: {reason}"),
            None => format!("waiver {waiver}"),
        };
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": justification,
        }]);
    }
    result
}

fn notification(error: &ToolError) -> Value {
    let text = match &error.help {
        Some(help) => format!("{} (help: {help})", error.message),
        None => error.message.clone(),
    };
    let mut object = json!({"level": "error", "message": {"text": text}});
    if let Some(file) = &error.file {
        let mut region = json!({});
        if let Some(line) = error.line {
            region["startLine"] = json!(line);
        }
        if let Some(column) = error.column {
            region["startColumn"] = json!(column);
        }
        object["locations"] = json!([{
            "physicalLocation": {"artifactLocation": {"uri": uri(file)}, "region": region},
        }]);
    }
    object
}

/// The run without its results, whose keys (sorted, as `json!` keeps them) the results
/// are streamed in among.
fn run_head(report: &Report, rules: &[&RuleInfo]) -> Map<String, Value> {
    let taxonomies = taxonomies(rules);
    let mut notifications: Vec<Value> = report.errors.iter().map(notification).collect();
    if report.policies_skipped {
        notifications.push(json!({"level": "error", "message": {"text": POLICIES_SKIPPED}}));
    }
    let mut properties = json!({"as_of": report.as_of.to_string(), "root": report.root});
    if let Some(revision) = &report.revision {
        properties["revision"] = json!(revision);
    }
    let head = json!({
        "tool": {
            "driver": {
                "name": "wardline",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_object(r, &taxonomies)).collect::<Vec<_>>(),
                "supportedTaxonomies": taxonomies
                    .iter()
                    .enumerate()
                    .map(|(index, (r, _))| json!({"name": r.name(), "index": index}))
                    .collect::<Vec<_>>(),
            },
        },
        "taxonomies": taxonomies
            .iter()
            .map(|(r, taxa)| taxonomy_object(*r, taxa))
            .collect::<Vec<_>>(),
        "invocations": [{
            "executionSuccessful": report.errors.is_empty() && !report.policies_skipped,
            "toolExecutionNotifications": notifications,
        }],
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "the inventory root: the directory holding wardline.toml"}},
        },
        "columnKind": "utf16CodeUnits",
        "properties": properties,
    });
    match head {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The results, each converted as it is written: a large log is never held in memory.
struct Results<'a> {
    report: &'a Report<'a>,
    rules: &'a [&'a RuleInfo],
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.report.findings.iter().map(|finding| {
            let index = self.rules.iter().position(|r| r.rule.id == finding.rule.id);
            result_object(self.report, finding, index)
        }))
    }
}

struct Run<'a> {
    head: Map<String, Value>,
    results: Results<'a>,
}

impl Serialize for Run<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.head.len() + 1))?;
        let (before, after): (Vec<_>, Vec<_>) = self
            .head
            .iter()
            .partition(|(key, _)| key.as_str() < "results");
        for (key, value) in before {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("results", &self.results)?;
        for (key, value) in after {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

struct Log<'a>(Run<'a>);

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("runs", &[&self.0])?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

/// Writes the log; results stream out one at a time.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let rules = driver_rules(report);
    let log = Log(Run {
        head: run_head(report, &rules),
        results: Results {
            report,
            rules: &rules,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and serde_json writes UTF-8.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}
