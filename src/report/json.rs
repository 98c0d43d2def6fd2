//! The JSON document of CLI.md §4: version, tool, as_of, root, summary, findings; each
//! finding also carries its rule's title and its help, and `errors` the tool errors that
//! stopped a run (exit 2) before anything was judged.

use serde::Serialize;

use super::{Report, ToolError};
use crate::finding::Finding;
use crate::schema::Kind;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    as_of: String,
    root: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a str>,
    summary: Summary,
    findings: Findings<'a>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

impl<'a> From<&'a ToolError> for JsonError<'a> {
    fn from(error: &'a ToolError) -> JsonError<'a> {
        JsonError {
            message: &error.message,
            help: error.help.as_deref(),
            file: error.file.as_deref(),
            line: error.line,
            column: error.column,
        }
    }
}

/// The findings, converted one at a time as they are written.
struct Findings<'a>(&'a Report<'a>);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.findings.iter().map(|f| finding(report, f)))
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    waived: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pre_existing: Option<usize>,
    files: usize,
    entities: Entities,
}

#[derive(Serialize)]
struct Entities {
    device: usize,
    model: usize,
    vendor: usize,
    vlan: usize,
    flow: usize,
    safeguard: usize,
    vulnerability: usize,
    waiver: usize,
    decision: usize,
    organization: usize,
}

#[derive(Serialize)]
pub struct JsonFinding<'a> {
    id: &'a str,
    name: &'a str,
    severity: &'static str,
    pack: &'a str,
    cite: &'a [String],
    title: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    entity: Option<Entity<'a>>,
    file: Option<&'a str>,
    span: Option<JsonSpan>,
    waived: bool,
    waiver: Option<&'a str>,
    fingerprint: String,
    /// Present when compared with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<bool>,
}

#[derive(Serialize)]
struct Entity<'a> {
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonSpan {
    offset: usize,
    length: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// One finding as the JSON outputs (check and diff) show it.
pub fn finding<'a>(report: &Report<'a>, finding: &'a Finding) -> JsonFinding<'a> {
    let location = finding
        .primary
        .as_ref()
        .and_then(|l| report.location(l.span));
    JsonFinding {
        id: &finding.rule.id,
        name: &finding.rule.name,
        severity: finding.severity.as_str(),
        pack: &finding.rule.pack,
        cite: &finding.rule.cite,
        title: report
            .rule(&finding.rule.id)
            .map_or("", |r| r.title.as_str()),
        message: &finding.message,
        help: finding.help.as_deref(),
        entity: finding.entity.as_ref().map(|e| Entity {
            kind: e.kind,
            name: &e.name,
        }),
        file: location.as_ref().map(|l| l.file),
        span: location.map(|l| JsonSpan {
            offset: l.offset,
            length: l.length,
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
        }),
        waived: finding.waived_by.is_some(),
        waiver: finding.waived_by.as_deref(),
        fingerprint: finding.fingerprint.to_string(),
        new: finding.new,
    }
}

/// Writes the document; large reports stream out without being held in memory.
pub fn write(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let s = report.summary;
    let document = Document {
        version: 1,
        tool: Tool {
            name: "wardline",
            version: env!("CARGO_PKG_VERSION"),
        },
        as_of: report.as_of.to_string(),
        root: &report.root,
        revision: report.revision.as_deref(),
        baseline: report.baseline.as_deref(),
        summary: Summary {
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            waived: s.waived,
            pre_existing: report.baseline.as_ref().map(|_| s.pre_existing),
            files: s.files,
            entities: Entities {
                device: report.count_of(Kind::Device),
                model: report.count_of(Kind::Model),
                vendor: report.count_of(Kind::Vendor),
                vlan: report.count_of(Kind::Vlan),
                flow: report.count_of(Kind::Flow),
                safeguard: report.count_of(Kind::Safeguard),
                vulnerability: report.count_of(Kind::Vulnerability),
                waiver: report.count_of(Kind::Waiver),
                decision: report.count_of(Kind::Decision),
                organization: report.count_of(Kind::Organization),
            },
        },
        findings: Findings(report),
        errors: report.errors.iter().map(JsonError::from).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and serde_json writes UTF-8.
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}
