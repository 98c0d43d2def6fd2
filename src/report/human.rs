//! miette's graphical rendering: severity, `[ID] name`, message, labelled source spans
//! (secondary labels in another file become a related note), help, then the citation as
//! the finding's last line; after all findings, the summary line.

use std::fmt::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{Report, closing_lines};
use crate::finding::{Finding, Label, Severity};

struct Rendered {
    header: String,
    message: String,
    severity: miette::Severity,
    source: Option<NamedSource<Arc<String>>>,
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

fn named_source(report: &Report, label: &Label) -> Option<NamedSource<Arc<String>>> {
    let file = report.sources.get(label.span.file)?;
    Some(NamedSource::new(file.path.clone(), Arc::clone(&file.text)))
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let span = (label.span.start as usize, label.span.len());
    if primary {
        LabeledSpan::new_primary_with_span(Some(label.text.clone()), span)
    } else {
        LabeledSpan::new_with_span(Some(label.text.clone()), span)
    }
}

fn to_rendered(report: &Report, finding: &Finding) -> Rendered {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some(primary) = &finding.primary {
        labels.push(labeled(primary, true));
    }
    for secondary in &finding.secondary {
        if finding
            .primary
            .as_ref()
            .is_some_and(|p| p.span.file == secondary.span.file)
        {
            labels.push(labeled(secondary, false));
        } else {
            related.push(Rendered {
                header: String::new(),
                message: secondary.text.clone(),
                severity: miette::Severity::Advice,
                source: named_source(report, secondary),
                labels: vec![labeled(secondary, true)],
                help: None,
                related: Vec::new(),
            });
        }
    }
    Rendered {
        header: format!(
            "{}[{}] {}",
            finding.severity.as_str(),
            finding.rule.id,
            finding.rule.name
        ),
        message: finding.message.clone(),
        severity: miette_severity(finding.severity),
        source: finding
            .primary
            .as_ref()
            .and_then(|p| named_source(report, p)),
        labels,
        help: finding.help.clone(),
        related,
    }
}

pub fn render(report: &Report) -> String {
    let style = report.options;
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| f.waived_by.is_none()) {
        let rendered = to_rendered(report, finding);
        // The citation closes the finding, after any note in another file.
        let handler = match finding.rule.cite.as_slice() {
            [] => handler.clone(),
            cite => handler
                .clone()
                .with_footer(format!("cite: {}", cite.join("; "))),
        };
        if handler.render_report(&mut out, &rendered).is_err() {
            let _ = writeln!(out, "{}", finding.headline());
        }
        out.push('\n');
    }
    out.push_str(&closing_lines(report));
    out
}
