//! miette's graphical rendering: severity, `[ID] name`, message, labelled source spans
//! (secondary labels in another file become a related note), help, then the citation as
//! the finding's last line; after all findings, the summary line.

use std::fmt::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::snippet::Snippet;
use super::{RenderOptions, Report, closing_lines};
use crate::error::FileError;
use crate::finding::{Finding, Label, Severity};
use crate::source::{FileId, SourceFile, Span};
use crate::text::escape_controls;

struct Rendered {
    header: String,
    message: String,
    severity: miette::Severity,
    source: Option<Snippet>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.header.is_empty()).then(|| Box::new(&self.header) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn Diagnostic))
                as Box<dyn Iterator<Item = &'a dyn Diagnostic>>
        })
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The labels of one file, drawn over an excerpt of it.
fn excerpt(file: &SourceFile, labels: &[(&Label, bool)]) -> (Snippet, Vec<LabeledSpan>) {
    let spans: Vec<(usize, usize)> = labels
        .iter()
        .map(|(label, _)| (label.span.start as usize, label.span.end as usize))
        .collect();
    let (snippet, shown) = Snippet::new(file, &spans);
    let labels = labels
        .iter()
        .zip(shown)
        .map(|(&(label, primary), (start, end))| {
            let text = Some(escape_controls(&label.text).into_owned());
            if primary {
                LabeledSpan::new_primary_with_span(text, (start, end - start))
            } else {
                LabeledSpan::new_with_span(text, (start, end - start))
            }
        })
        .collect();
    (snippet, labels)
}

fn to_rendered(report: &Report, finding: &Finding) -> Rendered {
    let primary_file = finding.primary.as_ref().map(|p| p.span.file);
    let mut here: Vec<(&Label, bool)> = finding.primary.iter().map(|p| (p, true)).collect();
    let mut related = Vec::new();
    for secondary in &finding.secondary {
        if primary_file == Some(secondary.span.file) {
            here.push((secondary, false));
            continue;
        }
        let (source, labels) = match report.sources.get(secondary.span.file) {
            Some(file) => {
                let (snippet, labels) = excerpt(file, &[(secondary, true)]);
                (Some(snippet), labels)
            }
            None => (None, Vec::new()),
        };
        related.push(Rendered {
            header: String::new(),
            message: escape_controls(&secondary.text).into_owned(),
            severity: miette::Severity::Advice,
            source,
            labels,
            help: None,
            related: Vec::new(),
        });
    }
    let (source, labels) = match primary_file.and_then(|id| report.sources.get(id)) {
        Some(file) => {
            let (snippet, labels) = excerpt(file, &here);
            (Some(snippet), labels)
        }
        None => (None, Vec::new()),
    };
    Rendered {
        header: escape_controls(&format!(
            "{}[{}] {}",
            finding.severity.as_str(),
            finding.rule.id,
            finding.rule.name
        ))
        .into_owned(),
        message: escape_controls(&finding.message).into_owned(),
        severity: miette_severity(finding.severity),
        source,
        labels,
        help: finding
            .help
            .as_deref()
            .map(|h| escape_controls(h).into_owned()),
        related,
    }
}

fn handler(style: RenderOptions) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

/// A configuration, pack or I/O error, drawn like a finding.
pub fn render_error(error: &FileError, style: RenderOptions) -> String {
    let (source, labels) = match &error.at {
        Some((file, span)) => {
            let label = Label::new(
                Span::new(FileId(0), span.start, span.end),
                error.label.as_str(),
            );
            let (snippet, labels) = excerpt(file, &[(&label, true)]);
            (Some(snippet), labels)
        }
        None => (None, Vec::new()),
    };
    let rendered = Rendered {
        header: String::new(),
        message: escape_controls(&error.message).into_owned(),
        severity: miette::Severity::Error,
        source,
        labels,
        help: error
            .help
            .as_deref()
            .map(|h| escape_controls(h).into_owned()),
        related: Vec::new(),
    };
    let mut out = String::new();
    if handler(style).render_report(&mut out, &rendered).is_err() {
        let _ = writeln!(out, "error: {}", rendered.message);
    }
    out.push('\n');
    out
}

pub fn render(report: &Report) -> String {
    let handler = handler(report.options);
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| f.is_reported()) {
        let rendered = to_rendered(report, finding);
        // The citation closes the finding, after any note in another file.
        let handler = match finding.rule.cite.as_slice() {
            [] => handler.clone(),
            cite => handler
                .clone()
                .with_footer(escape_controls(&format!("cite: {}", cite.join("; "))).into_owned()),
        };
        if handler.render_report(&mut out, &rendered).is_err() {
            let _ = writeln!(out, "{}", escape_controls(&finding.headline()));
        }
        out.push('\n');
    }
    out.push_str(&closing_lines(report));
    out
}
