//! The pipeline of one inventory: files → parse (in parallel) → resolve → findings.
//! A pure function of its inputs, so the working tree and a git revision go through the
//! same code.

use rayon::prelude::*;

use crate::date::Date;
use crate::discover::InputFile;
use crate::finding::Finding;
use crate::model::{self, Inventory};
use crate::source::{FileId, SourceFile, SourceMap};
use crate::syntax;

pub struct Analysis {
    pub sources: SourceMap,
    pub inventory: Inventory,
    /// Language diagnostics (WARD-001…010), unsorted.
    pub findings: Vec<Finding>,
    pub as_of: Date,
}

impl Analysis {
    /// WARD-001…010 errors make policy results meaningless (LANGUAGE.md §6).
    pub fn blocks_evaluation(&self) -> bool {
        self.findings.iter().any(Finding::blocks_evaluation)
    }
}

pub fn analyze(files: Vec<InputFile>, as_of: Date) -> Analysis {
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
    Analysis { sources, inventory, findings, as_of }
}

/// The order every output uses: file (path order), position, id.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let position = |f: &Finding| f.primary.as_ref().map(|l| (l.span.file, l.span.start, l.span.end));
        position(a).cmp(&position(b)).then_with(|| a.rule.id.cmp(&b.rule.id)).then_with(|| a.message.cmp(&b.message))
    });
}
