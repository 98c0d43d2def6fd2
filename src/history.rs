//! Remediation over time: the first-parent history of the inventory, each commit that
//! changed it judged like `check`, and the findings each one opened and closed, matched by
//! fingerprint — the evidence an auditor asks for that findings get fixed.
//!
//! Commits are judged in parallel (each worker opens the repository itself: libgit2
//! handles are not shared across threads), then compared in order.

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository, Sort};
use rayon::prelude::*;

use crate::check::{Judge, check};
use crate::config::Config;
use crate::date::Date;
use crate::discover::{self, Worktree};
use crate::error::FileError;
use crate::finding::{Finding, Fingerprint, Severity};
use crate::git::GitTree;

/// Where the walk starts: after a revision, or at a date.
pub enum Since {
    Revision(String),
    Date(Date),
}

/// A commit that changed the inventory.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: String,
    pub short_id: String,
    pub date: Date,
    pub summary: String,
    /// Findings it opened and closed (not waived), by policy id, in id order.
    pub opened: Vec<(String, usize)>,
    pub closed: Vec<(String, usize)>,
    /// Its inventory could not be judged (language errors): nothing opened or closed.
    pub unjudged: bool,
}

/// One finding's life: from the commit that opened it to the one that closed it.
#[derive(Debug, Clone)]
pub struct Lifetime {
    pub id: String,
    pub severity: Severity,
    pub entity: String,
    pub message: String,
    /// `None`: already open where the walk starts.
    pub opened: Option<(String, Date)>,
    /// `None`: still open at the last commit.
    pub closed: Option<(String, Date)>,
    /// Days from opening (or the walk's start) to closing (or `as_of`).
    pub days_open: i64,
}

pub struct History {
    pub commits: Vec<Commit>,
    pub lifetimes: Vec<Lifetime>,
    /// The date open findings are counted to.
    pub as_of: Date,
}

/// What is judged at every commit: the current configuration and policies.
pub struct Settings<'a> {
    pub config: &'a Config,
    pub judge: Judge<'a>,
    /// A fixed evaluation date; `None` judges each commit as of its own date.
    pub fixed_as_of: Option<Date>,
}

struct State {
    commit: Commit,
    findings: Vec<Finding>,
}

/// Walks the first-parent history of `disk`'s repository up to `HEAD`.
pub fn walk(
    disk: &Worktree,
    since: Option<&Since>,
    settings: &Settings,
) -> Result<History, FileError> {
    let repo = Repository::discover(&disk.root).map_err(|_| {
        FileError::plain(format!(
            "`{}` is not inside a git repository, so it has no history",
            discover::shown(&disk.root)
        ))
        .with_help("run wardline history inside a clone")
    })?;
    // Opening HEAD first gives the clear errors: no commits yet, no root in it.
    GitTree::open(disk, "HEAD")?;
    let mut walk = repo
        .revwalk()
        .map_err(|e| FileError::plain(format!("cannot walk the history: {e}")))?;
    let walk_error = |e: git2::Error| FileError::plain(format!("cannot walk the history: {e}"));
    walk.push_head().map_err(walk_error)?;
    walk.simplify_first_parent().map_err(walk_error)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(walk_error)?;
    let mut start_state: Option<String> = None;
    if let Some(Since::Revision(rev)) = since {
        let base = GitTree::open(disk, rev)?;
        let oid = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(walk_error)?
            .id();
        walk.hide(oid).map_err(walk_error)?;
        start_state = Some(base.short_id());
    }
    let mut ids = Vec::new();
    for oid in walk {
        let oid = oid.map_err(walk_error)?;
        let commit = repo.find_commit(oid).map_err(walk_error)?;
        let date = commit_date(&commit);
        if let Some(Since::Date(since)) = since
            && date < *since
        {
            // The last commit before the date gives the starting state.
            start_state = Some(oid.to_string());
            continue;
        }
        ids.push(oid);
    }
    let root = root_in(&repo, disk);
    let changed = changed_commits(&repo, &root, &ids, start_state.as_deref())?;
    let judged: Vec<Result<State, FileError>> = changed
        .par_iter()
        .map(|&oid| judge_commit(disk, oid, settings))
        .collect();
    let mut states = Vec::with_capacity(judged.len());
    for state in judged {
        states.push(state?);
    }
    let start = match start_state {
        Some(rev) => Some(judge_commit(disk, resolve(&repo, &rev)?, settings)?),
        None => None,
    };
    let as_of = settings
        .fixed_as_of
        .or_else(|| states.last().map(|s| s.commit.date))
        .unwrap_or(settings.judge.as_of);
    Ok(compare(start, states, as_of))
}

fn resolve(repo: &Repository, rev: &str) -> Result<Oid, FileError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|_| FileError::plain(format!("unknown revision `{rev}`")))
}

fn commit_date(commit: &git2::Commit) -> Date {
    Date::from_unix_seconds(commit.time().seconds())
}

/// The inventory root relative to the repository's work tree.
fn root_in(repo: &Repository, disk: &Worktree) -> std::path::PathBuf {
    repo.workdir()
        .and_then(|w| w.canonicalize().ok())
        .and_then(|w| disk.root.strip_prefix(w).ok().map(Path::to_path_buf))
        .unwrap_or_default()
}

/// The commits whose inventory root differs from the commit before them.
fn changed_commits(
    repo: &Repository,
    root: &Path,
    ids: &[Oid],
    before: Option<&str>,
) -> Result<Vec<Oid>, FileError> {
    let root_tree = |oid: Oid| -> Option<Oid> {
        let tree = repo.find_commit(oid).ok()?.tree().ok()?;
        if root.as_os_str().is_empty() {
            return Some(tree.id());
        }
        tree.get_path(root).ok().map(|entry| entry.id())
    };
    let mut previous = match before {
        Some(rev) => root_tree(resolve(repo, rev)?),
        None => None,
    };
    let mut changed = Vec::new();
    for &oid in ids {
        let current = root_tree(oid);
        if current != previous && current.is_some() {
            changed.push(oid);
        }
        previous = current;
    }
    Ok(changed)
}

fn judge_commit(disk: &Worktree, oid: Oid, settings: &Settings) -> Result<State, FileError> {
    let tree = GitTree::open(disk, &oid.to_string())?;
    let files = discover::selected_files(&tree, settings.config)?;
    let (date, summary) = tree.commit();
    let judge = Judge {
        as_of: settings.fixed_as_of.unwrap_or(date),
        ..settings.judge
    };
    let outcome = check(files, &judge);
    Ok(State {
        commit: Commit {
            id: oid.to_string(),
            short_id: tree.short_id(),
            date,
            summary: summary.to_owned(),
            opened: Vec::new(),
            closed: Vec::new(),
            unjudged: outcome.policies_skipped,
        },
        findings: outcome
            .findings
            .into_iter()
            .filter(|f| f.waived_by.is_none())
            .collect(),
    })
}

/// Opened and closed findings of each commit against the one before, and every
/// finding's lifetime. A commit that could not be judged keeps the state before it.
fn compare(start: Option<State>, states: Vec<State>, as_of: Date) -> History {
    let mut open: HashMap<Fingerprint, Vec<usize>> = HashMap::new();
    let mut lifetimes: Vec<Lifetime> = Vec::new();
    let start_date = start.as_ref().map(|s| s.commit.date);
    if let Some(start) = &start {
        for finding in &start.findings {
            open.entry(finding.fingerprint)
                .or_default()
                .push(lifetimes.len());
            lifetimes.push(lifetime(finding, None));
        }
    }
    let mut commits = Vec::with_capacity(states.len());
    for state in states {
        let mut commit = state.commit;
        if commit.unjudged {
            commits.push(commit);
            continue;
        }
        let mut seen: HashMap<Fingerprint, usize> = HashMap::new();
        let mut opened: HashMap<String, usize> = HashMap::new();
        for finding in &state.findings {
            let n = seen.entry(finding.fingerprint).or_default();
            *n += 1;
            let already = open.get(&finding.fingerprint).map_or(0, Vec::len);
            if *n > already {
                open.entry(finding.fingerprint)
                    .or_default()
                    .push(lifetimes.len());
                lifetimes.push(lifetime(
                    finding,
                    Some((commit.short_id.clone(), commit.date)),
                ));
                *opened.entry(finding.rule.id.clone()).or_default() += 1;
            }
        }
        let mut closed: HashMap<String, usize> = HashMap::new();
        for (fingerprint, indices) in open.iter_mut() {
            let still = seen.get(fingerprint).copied().unwrap_or(0);
            while indices.len() > still {
                let Some(index) = indices.pop() else { break };
                let life = &mut lifetimes[index];
                life.closed = Some((commit.short_id.clone(), commit.date));
                *closed.entry(life.id.clone()).or_default() += 1;
            }
        }
        open.retain(|_, indices| !indices.is_empty());
        commit.opened = sorted(opened);
        commit.closed = sorted(closed);
        commits.push(commit);
    }
    for life in &mut lifetimes {
        let from = life
            .opened
            .as_ref()
            .map(|(_, date)| *date)
            .or(start_date)
            .unwrap_or(as_of);
        let to = life.closed.as_ref().map_or(as_of, |(_, date)| *date);
        life.days_open = from.days_until(to).max(0);
    }
    lifetimes.sort_by(|a, b| {
        a.opened
            .as_ref()
            .map(|o| o.1)
            .cmp(&b.opened.as_ref().map(|o| o.1))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.entity.cmp(&b.entity))
    });
    History {
        commits,
        lifetimes,
        as_of,
    }
}

fn lifetime(finding: &Finding, opened: Option<(String, Date)>) -> Lifetime {
    Lifetime {
        id: finding.rule.id.clone(),
        severity: finding.severity,
        entity: finding
            .entity
            .as_ref()
            .map_or_else(String::new, |e| format!("{} {}", e.kind, e.name)),
        message: finding.message.clone(),
        opened,
        closed: None,
        days_open: 0,
    }
}

fn sorted(counts: HashMap<String, usize>) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort();
    counts
}
