//! The pipeline of one inventory: files → parse (in parallel) → resolve → findings.
//! A pure function of its inputs, so the working tree and a git revision go through the
//! same code.

use rayon::prelude::*;

use crate::config::FailOn;
use crate::date::Date;
use crate::discover::InputFile;
use crate::finding::Finding;
use crate::model::{self, Inventory};
use crate::report::{Report, Summary};
use crate::source::{FileId, SourceFile, SourceMap};
use crate::syntax;

/// The result of checking one inventory: its sources, model and sorted findings.
pub struct Outcome {
    pub sources: SourceMap,
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    pub as_of: Date,
    /// Policies were not evaluated because of WARD-001…010 errors.
    pub policies_skipped: bool,
}

/// Parses every file (in parallel; results kept in path order) and resolves the inventory.
pub fn check(files: Vec<InputFile>, as_of: Date) -> Outcome {
    let parsed: Vec<_> = files
        .into_par_iter()
        .enumerate()
        .map(|(index, file)| {
            let id = FileId(index as u32);
            let (text, blocks, errors) = syntax::parse_bytes(id, &file.bytes);
            (SourceFile::new(file.path, text), (id, blocks), errors)
        })
        .collect();
    let mut sources = SourceMap::default();
    let mut asts = Vec::with_capacity(parsed.len());
    let mut findings = Vec::new();
    for (source, ast, errors) in parsed {
        sources.add(source);
        asts.push(ast);
        findings.extend(errors);
    }
    let (inventory, errors) = model::build(&asts, as_of);
    findings.extend(errors);
    let policies_skipped = findings.iter().any(Finding::blocks_evaluation);
    sort_findings(&mut findings);
    Outcome {
        sources,
        inventory,
        findings,
        as_of,
        policies_skipped,
    }
}

/// The order every output uses: file (path order), position, id.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let position = |f: &Finding| {
            f.primary
                .as_ref()
                .map(|l| (l.span.file, l.span.start, l.span.end))
        };
        position(a)
            .cmp(&position(b))
            .then_with(|| a.rule.id.cmp(&b.rule.id))
            .then_with(|| a.message.cmp(&b.message))
    });
}

impl Outcome {
    pub fn report(&self, root: impl Into<String>) -> Report<'_> {
        Report {
            findings: &self.findings,
            sources: &self.sources,
            inventory: &self.inventory,
            as_of: self.as_of,
            root: root.into(),
            policies_skipped: self.policies_skipped,
            summary: Summary::new(&self.findings, &self.sources, &self.inventory),
        }
    }

    /// Exit status of CLI.md §3: 2 when the inventory could not be judged, 1 when an
    /// unwaived finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if self.policies_skipped {
            2
        } else if self
            .findings
            .iter()
            .any(|f| f.waived_by.is_none() && fail_on.fails(f.severity))
        {
            1
        } else {
            0
        }
    }
}
