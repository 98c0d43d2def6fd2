//! The pipeline of one inventory: files → decode, parse and validate each file (in
//! parallel) → resolve and derive → evaluate policies → sorted findings. A pure function
//! of its inputs, so the working tree and a git revision can go through the same code.

use rayon::prelude::*;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::date::Date;
use crate::discover::InputFile;
use crate::finding::Finding;
use crate::finding::{FailOn, Severity};
use crate::model::{self, Inventory};
use crate::policy::PolicySet;
use crate::policy::evaluate::{self, Settings, Tally};
use crate::report::rules::{self, RuleInfo};
use crate::report::{RenderOptions, Report, Summary};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax;

/// The result of checking one inventory: its sources, model and sorted findings.
pub struct Outcome {
    pub sources: SourceMap,
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
    pub as_of: Date,
    /// Policies were not evaluated because of WARD-001…010 errors.
    pub policies_skipped: bool,
    /// How many `.ward` files were read (the source map may also hold `wardline.toml`).
    pub ward_files: usize,
    /// The selected policies and the language codes, sorted by id.
    pub rules: Vec<RuleInfo>,
    /// One per evaluated policy, in id order; empty when policies were skipped.
    pub tallies: Vec<Tally>,
    /// Wall time of each phase, for `check --timings`.
    pub timings: Timings,
}

/// Wall time per phase of one run (`check --timings`, `cargo xtask bench`). [`check`]
/// fills the phases it runs; the command adds reading the tree before and rendering after.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Configuration, packs, `.ward` files read and decoded.
    pub read: Duration,
    pub parse: Duration,
    pub resolve: Duration,
    pub derive: Duration,
    /// Policies evaluated, findings fingerprinted and sorted.
    pub evaluate: Duration,
    pub render: Duration,
}

impl Timings {
    /// One line per phase, as `check --timings` prints them on stderr.
    pub fn render(&self, total: Duration) -> String {
        let phases = [
            ("read", self.read),
            ("parse+validate", self.parse),
            ("resolve", self.resolve),
            ("derive", self.derive),
            ("evaluate", self.evaluate),
            ("render", self.render),
            ("total", total),
        ];
        let mut text = String::from("timings (wall):\n");
        for (phase, time) in phases {
            text.push_str(&format!(
                "  {phase:<15}{:>10.1} ms\n",
                time.as_secs_f64() * 1e3
            ));
        }
        text
    }
}

/// What to judge an inventory against: the loaded policies and the settings resolved
/// from the configuration and the flags (`Config::judge`), never the raw configuration.
#[derive(Clone, Copy)]
pub struct Judge<'a> {
    pub policies: &'a PolicySet,
    /// Indices of the selected policies in `policies`.
    pub selected: &'a [usize],
    pub as_of: Date,
    /// `[severity]` overrides by policy id or name.
    pub severity: &'a BTreeMap<String, Severity>,
    /// `[packs.X] enforce` by pack id.
    pub enforce: &'a BTreeMap<String, bool>,
    /// `wardline.toml`, where findings about the inventory as a whole point.
    pub config_file: Option<&'a SourceFile>,
}

/// Parses every file (in parallel; results kept in path order), resolves the inventory
/// and, when it has no language errors, evaluates the selected policies.
pub fn check(files: Vec<InputFile>, judge: &Judge) -> Outcome {
    let as_of = judge.as_of;
    let mut timings = Timings::default();
    let mut clock = Instant::now();
    let mut lap = |phase: &mut Duration| {
        let now = Instant::now();
        *phase += now - clock;
        clock = now;
    };
    let decoded: Vec<_> = files
        .into_par_iter()
        .enumerate()
        .map(|(index, file)| {
            let (text, error) = syntax::decode(FileId(index as u32), file.bytes);
            (SourceFile::new(file.path, text), error)
        })
        .collect();
    let mut sources = SourceMap::default();
    let mut findings = Vec::new();
    let mut parseable = Vec::new();
    for (source, error) in decoded {
        let id = sources.add(source);
        match error {
            Some(error) => findings.push(error),
            None => parseable.push(id),
        }
    }
    lap(&mut timings.read);
    // Each file is parsed and validated on its own; its syntax tree is gone before the
    // inventory is resolved, so memory holds one representation of the inventory.
    let drafted: Vec<_> = parseable
        .into_par_iter()
        .filter_map(|id| {
            let text = &sources.get(id)?.text;
            let (blocks, mut errors) = syntax::parse(id, text);
            errors.extend(syntax::invisible_characters(id, text));
            let (drafts, draft_errors) = model::draft(blocks, text);
            errors.extend(draft_errors);
            Some((drafts, errors))
        })
        .collect();
    let mut drafts = Vec::with_capacity(drafted.iter().map(|(d, _)| d.len()).sum());
    for (file_drafts, errors) in drafted {
        drafts.extend(file_drafts);
        findings.extend(errors);
    }
    let ward_files = sources.len();
    lap(&mut timings.parse);
    let (mut inventory, errors) = model::resolve(drafts);
    findings.extend(errors);
    lap(&mut timings.resolve);
    model::derive(&mut inventory, as_of);
    lap(&mut timings.derive);
    let policies_skipped = findings.iter().any(Finding::blocks_evaluation);
    let mut tallies = Vec::new();
    if !policies_skipped {
        let root_span = match judge.config_file {
            Some(file) => Some(Span::new(
                sources.add(SourceFile::new(file.path.clone(), file.text.as_str())),
                0,
                0,
            )),
            None => (ward_files > 0).then(|| Span::new(FileId(0), 0, 0)),
        };
        let settings = Settings {
            policies: judge.policies,
            selected: judge.selected,
            severity: judge.severity,
            enforce: judge.enforce,
            as_of,
            root_span,
        };
        let (found, tallied) = evaluate::evaluate(&inventory, &settings);
        findings.extend(found);
        tallies = tallied;
    }
    for finding in &mut findings {
        let file = finding
            .primary
            .as_ref()
            .and_then(|l| sources.get(l.span.file))
            .map(|f| f.path.as_str());
        finding.identify(file);
    }
    sort_findings(&mut findings, &sources);
    lap(&mut timings.evaluate);
    Outcome {
        sources,
        inventory,
        findings,
        as_of,
        policies_skipped,
        ward_files,
        rules: rules::catalog(judge),
        tallies,
        timings,
    }
}

/// The order every output uses: file path, position, id (then message, for ties).
fn sort_findings(findings: &mut [Finding], sources: &SourceMap) {
    let key = |f: &Finding| {
        f.primary.as_ref().map(|l| {
            (
                sources.get(l.span.file).map_or("", |s| s.path.as_str()),
                l.span.start,
                l.span.end,
            )
        })
    };
    findings.sort_by(|a, b| {
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.id.cmp(&b.rule.id))
            .then_with(|| a.message.cmp(&b.message))
    });
}

impl Outcome {
    /// What a run that could not judge anything (a bad configuration or pack) reports:
    /// no findings, so the machine formats can still carry its errors.
    pub fn unjudged(as_of: Date) -> Outcome {
        Outcome {
            sources: SourceMap::default(),
            inventory: Inventory::default(),
            findings: Vec::new(),
            as_of,
            policies_skipped: false,
            ward_files: 0,
            rules: Vec::new(),
            tallies: Vec::new(),
            timings: Timings::default(),
        }
    }

    /// The report of this outcome with default render options, no revision and no errors.
    pub fn report(&self, root: impl Into<String>) -> Report<'_> {
        Report {
            findings: &self.findings,
            sources: &self.sources,
            inventory: &self.inventory,
            as_of: self.as_of,
            root: root.into(),
            policies_skipped: self.policies_skipped,
            summary: Summary::new(&self.findings, self.ward_files, &self.inventory),
            rules: &self.rules,
            tallies: &self.tallies,
            revision: None,
            baseline: None,
            errors: Vec::new(),
            options: RenderOptions::default(),
        }
    }

    /// Exit status of CLI.md §3: 2 when the inventory could not be judged, 1 when an
    /// unwaived finding (new, when compared with a baseline) is at or above `fail_on`,
    /// else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if self.policies_skipped {
            2
        } else if self
            .findings
            .iter()
            .any(|f| f.is_reported() && fail_on.fails(f.severity))
        {
            1
        } else {
            0
        }
    }
}
