//! Git revisions end to end: real repositories built with git2 in temporary directories,
//! read by the real binary with `check --rev`, `check --baseline` and `diff`.

use std::path::{Path, PathBuf};

use git2::{Repository, Signature};

use crate::support::{wardline, write};

/// A repository under construction: files are written to its work tree and committed.
struct Scenario {
    dir: tempfile::TempDir,
    repo: Repository,
}

impl Scenario {
    fn new() -> Scenario {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        Scenario { dir, repo }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, path: &str, text: &str) -> &Scenario {
        write(self.path(), path, text);
        self
    }

    fn remove(&self, path: &str) -> &Scenario {
        std::fs::remove_file(self.path().join(path)).unwrap();
        self
    }

    fn rename(&self, from: &str, to: &str) -> &Scenario {
        let to = self.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(self.path().join(from), to).unwrap();
        self
    }

    /// Commits the whole work tree on the current branch.
    fn commit(&self, message: &str) -> git2::Oid {
        let signature = Signature::now("test", "test@example.invalid").unwrap();
        self.commit_as(message, &signature)
    }

    fn commit_as(&self, message: &str, signature: &Signature) -> git2::Oid {
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parents: Vec<git2::Commit> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(Some("HEAD"), signature, signature, message, &tree, &parents)
            .unwrap()
    }

    fn branch(&self, name: &str) {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo.branch(name, &head, false).unwrap();
    }

    fn tag(&self, name: &str) {
        let head = self
            .repo
            .head()
            .unwrap()
            .peel(git2::ObjectType::Commit)
            .unwrap();
        self.repo.tag_lightweight(name, &head, false).unwrap();
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = wardline()
        .current_dir(dir)
        .args(args)
        .args(["--color", "never"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const CONFIG: &str = "as_of = 2026-11-29\n";

const ORGANIZATION: &str = r#"organization clinic {
  label                  = "Clinic"
  security_officer       = "A. Officer"
  inventory_reviewed     = 2026-06-01
  network_map_reviewed   = 2026-06-01
  risk_analysis_reviewed = 2026-06-01
  vulnerability_scan     = 2026-09-01
  penetration_test       = 2026-03-01
  compliance_audit       = 2026-03-01
  contingency_plan       = 2026-04-01
}
"#;

/// A business associate whose agreement is current (`expires` given) or lapsed.
fn vendor(name: &str, expires: &str) -> String {
    format!(
        "vendor {name} {{\n  label       = \"{name}\"\n  ephi_access = true\n  baa {{ signed = 2023-10-01 expires = {expires} }}\n  safeguards_verified = 2026-06-01\n}}\n"
    )
}

#[test]
fn check_reads_any_revision_without_a_checkout() {
    let s = Scenario::new();
    s.write("wardline.toml", CONFIG)
        .write("inventory/org.ward", ORGANIZATION)
        .write("inventory/vendors.ward", &vendor("helix", "2026-09-30"));
    s.commit("a lapsed agreement");
    s.tag("v1");
    s.write("inventory/vendors.ward", &vendor("helix", "2028-09-30"));
    let fixed = s.commit("renewed");
    s.branch("renewed");
    // The work tree breaks the file: revisions are still read from git alone.
    s.write("inventory/vendors.ward", "vendor helix {");

    assert_eq!(run(s.path(), &["check"]).code, Some(2));
    for rev in ["HEAD", "renewed", &fixed.to_string()[..7]] {
        let clean = run(s.path(), &["check", "--rev", rev, "--format", "concise"]);
        assert_eq!(
            clean.code,
            Some(0),
            "{rev}: {}{}",
            clean.stdout,
            clean.stderr
        );
    }
    for rev in ["HEAD~1", "v1"] {
        let old = run(s.path(), &["check", "--rev", rev, "--format", "concise"]);
        assert_eq!(old.code, Some(1), "{rev}");
        assert!(
            old.stdout
                .contains("inventory/vendors.ward:4:39: error[HIPAA-121]"),
            "{}",
            old.stdout
        );
    }
    let json = run(s.path(), &["check", "--rev", "v1", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        document["revision"].as_str().unwrap().starts_with("v1 ("),
        "{document}"
    );
}

#[test]
fn baseline_reports_and_fails_only_on_new_findings() {
    let s = Scenario::new();
    s.write("wardline.toml", CONFIG)
        .write("org.ward", ORGANIZATION)
        .write("vendors.ward", &vendor("helix", "2026-09-30"));
    s.commit("one lapsed agreement");

    // Nothing new: the pre-existing finding is left out and the run passes.
    let same = run(
        s.path(),
        &["check", "--baseline", "HEAD", "--format", "concise"],
    );
    assert_eq!(same.code, Some(0), "{}", same.stdout);
    assert!(
        same.stdout.contains("; 1 finding already at HEAD ("),
        "{}",
        same.stdout
    );
    assert!(!same.stdout.contains("HIPAA-121"), "{}", same.stdout);

    // A second lapsed agreement is new: reported and failing, the first still left out.
    s.write("more.ward", &vendor("acme", "2026-01-31"));
    let new = run(
        s.path(),
        &["check", "--baseline", "HEAD", "--format", "concise"],
    );
    assert_eq!(new.code, Some(1));
    assert!(new.stdout.contains("more.ward:4:39: error[HIPAA-121]"));
    assert!(!new.stdout.contains("vendors.ward"), "{}", new.stdout);

    let json = run(
        s.path(),
        &["check", "--baseline", "HEAD", "--format", "json"],
    );
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let flags: Vec<(String, bool)> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["new"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("more.ward".to_owned(), true),
            ("vendors.ward".to_owned(), false)
        ]
    );
    assert_eq!(document["summary"]["pre_existing"], 1);

    let sarif = run(
        s.path(),
        &["check", "--baseline", "HEAD", "--format", "sarif"],
    );
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let states: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["new", "unchanged"]);

    // Moving the old finding's block to another file keeps it pre-existing.
    s.rename("vendors.ward", "moved/vendors.ward");
    let moved = run(
        s.path(),
        &["check", "--baseline", "HEAD", "--format", "concise"],
    );
    assert!(
        !moved.stdout.contains("moved/vendors.ward"),
        "{}",
        moved.stdout
    );
}

/// A history worth diffing: a branch, a renamed file, a block moved between files, a
/// reformatted file, and real changes.
fn history() -> Scenario {
    let s = Scenario::new();
    s.write("wardline.toml", CONFIG)
        .write("inventory/org.ward", ORGANIZATION)
        .write("inventory/vendors.ward", &(vendor("helix", "2028-09-30") + &vendor("acme", "2028-01-31")))
        .write(
            "inventory/devices.ward",
            "model pump {\n  vendor = helix\n  x_ticket = \"INC-1\"\n}\nmodel monitor {\n  vendor = helix\n}\n",
        );
    s.commit("first");
    s.branch("base");
    // Renamed file, block moved to another file, file reformatted: no change at all.
    s.rename("inventory/devices.ward", "inventory/models.ward");
    s.write("inventory/vendors.ward", &vendor("helix", "2028-09-30"));
    s.write(
        "inventory/acme.ward",
        &vendor("acme", "2028-01-31")
            .replace("  ", "\t")
            .replace('\n', "\n\n# reformatted\n"),
    );
    s.commit("moves only");
    // Real changes: a lapsed agreement, a new vendor, an extension key, a rename, and a
    // vendor removed with the model that named it.
    s.write("inventory/vendors.ward", &vendor("helix", "2026-09-30"));
    s.write("inventory/new.ward", &vendor("zeta", "2029-01-01"));
    s.remove("inventory/acme.ward");
    s.write(
        "inventory/models.ward",
        "model pump {\n  vendor = helix\n  x_ticket = \"INC-2\"\n}\nmodel bedside-monitor {\n  vendor = helix\n}\n",
    );
    s
}

#[test]
fn moves_renames_and_reformatting_are_no_change() {
    let s = history();
    let moved = run(s.path(), &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(moved.code, Some(0), "{}", moved.stderr);
    let document: serde_json::Value = serde_json::from_str(&moved.stdout).unwrap();
    assert_eq!(
        document["inventory"],
        serde_json::json!({"added": [], "removed": [], "renamed": [], "changed": []})
    );
    assert_eq!(document["findings"]["new"], serde_json::json!([]));
    assert_eq!(document["findings"]["resolved"], serde_json::json!([]));
}

#[test]
fn diff_of_a_change_in_json_and_markdown() {
    let s = history();
    let json = run(s.path(), &["diff", "base", "--format", "json"]);
    assert_eq!(json.code, Some(1), "{}", json.stderr);
    let mut document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["to"], "worktree");
    document["from"] = "FROM".into();
    insta::assert_snapshot!(
        "diff-json",
        serde_json::to_string_pretty(&document).unwrap()
    );

    let markdown = run(s.path(), &["diff", "base", "--format", "markdown"]);
    let text = markdown.stdout.replace(&document_from(&s, "base"), "FROM");
    insta::assert_snapshot!("diff-markdown", text);

    let human = run(s.path(), &["diff", "base"]);
    let text = human.stdout.replace(&document_from(&s, "base"), "FROM");
    insta::assert_snapshot!("diff-human", text);
}

/// The short commit id `rev` names, as the diff labels it.
fn document_from(s: &Scenario, rev: &str) -> String {
    let id = s.repo.revparse_single(rev).unwrap().id().to_string();
    id[..7].to_owned()
}

#[test]
fn an_inventory_root_in_a_subdirectory_of_the_repository() {
    let s = Scenario::new();
    s.write("README.md", "not an inventory\n")
        .write("compliance/wardline.toml", CONFIG)
        .write("compliance/org.ward", ORGANIZATION)
        .write("compliance/vendors.ward", &vendor("helix", "2028-09-30"));
    s.commit("first");
    s.write("compliance/vendors.ward", &vendor("helix", "2026-09-30"));
    let root = s.path().join("compliance");
    let diff = run(&root, &["diff", "HEAD"]);
    assert_eq!(diff.code, Some(1), "{}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout.contains("vendors.ward:4: error[HIPAA-121]"),
        "{}",
        diff.stdout
    );
    // `diff FROM PATH`: the second word names a directory, not a revision.
    let from_top = run(s.path(), &["diff", "HEAD", "compliance"]);
    assert_eq!(from_top.stdout, diff.stdout, "{}", from_top.stderr);
    let old = run(s.path(), &["check", "compliance", "--rev", "HEAD"]);
    assert_eq!(old.code, Some(0), "{}{}", old.stdout, old.stderr);
}

#[test]
fn a_broken_old_revision_is_shown_not_fatal() {
    let s = Scenario::new();
    s.write("wardline.toml", CONFIG)
        .write("org.ward", ORGANIZATION)
        .write("vendors.ward", "vendor helix {\n  label = \n}\n");
    s.commit("broken");
    s.write("vendors.ward", &vendor("helix", "2028-09-30"));
    let diff = run(s.path(), &["diff", "HEAD", "--format", "json"]);
    assert_eq!(diff.code, Some(0), "{}", diff.stderr);
    let document: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    assert_eq!(document["findings"]["resolved"][0]["id"], "WARD-001");
    let human = run(s.path(), &["diff", "HEAD"]);
    assert!(
        human
            .stdout
            .contains("has language errors, so its policies were not evaluated"),
        "{}",
        human.stdout
    );
}

#[test]
fn revision_errors_say_how_to_fix_them() {
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "a.ward", ORGANIZATION);
    let unborn = Scenario::new();
    unborn.write("a.ward", ORGANIZATION);
    let later = Scenario::new();
    later.write("README.md", "x\n");
    later.commit("before the inventory");
    later
        .write("inventory/wardline.toml", CONFIG)
        .write("inventory/a.ward", ORGANIZATION);
    later.commit("the inventory");
    let cases: [(PathBuf, &[&str], &str); 4] = [
        (
            plain.path().to_path_buf(),
            &["check", "--rev", "HEAD"],
            "is not inside a git repository",
        ),
        (
            unborn.path().to_path_buf(),
            &["check", "--baseline", "HEAD"],
            "no commits yet",
        ),
        (
            later.path().join("inventory"),
            &["check", "--rev", "HEAD~1"],
            "the inventory root `inventory` does not exist at HEAD~1",
        ),
        (
            later.path().to_path_buf(),
            &["diff", "no-such-branch"],
            "unknown revision `no-such-branch`",
        ),
    ];
    for (dir, args, expected) in cases {
        let run = run(&dir, args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("help:"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_shallow_clone_without_the_baseline_says_to_fetch_it() {
    let s = Scenario::new();
    s.write("wardline.toml", CONFIG)
        .write("org.ward", ORGANIZATION);
    s.commit("one");
    s.write("vendors.ward", &vendor("helix", "2028-09-30"));
    s.commit("two");
    let clone = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("git")
        .args(["clone", "--quiet", "--depth", "1"])
        .arg(format!("file://{}", s.path().display()))
        .arg(clone.path())
        .status()
        .unwrap();
    assert!(status.success());
    let run = run(clone.path(), &["check", "--baseline", "HEAD~1"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("unknown revision `HEAD~1`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("shallow clone"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

/// Top-level blocks of a `.ward` text: from a line starting a block to the `}` that
/// closes it at the start of a line (how the example is written).
fn blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if current.is_none() && line.ends_with('{') && !line.starts_with([' ', '#', '\t']) {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
            if line == "}" {
                blocks.extend(current.take());
            }
        }
    }
    blocks
}

/// The block laid out differently: other indentation, blank lines and comments between
/// its lines. Strings stay on one line, so this never changes a value.
fn reformat(block: &str, seed: u64) -> String {
    let indent = ["\t", "    ", " "][(seed % 3) as usize];
    let mut out = String::new();
    for (i, line) in block.lines().enumerate() {
        let body = line.trim_start();
        let depth = (line.len() - body.len()) / 2;
        out.push_str(&indent.repeat(depth));
        out.push_str(body);
        out.push('\n');
        if (seed >> (i % 60)) & 1 == 1 && !body.ends_with(',') {
            out.push_str("\n# reviewed\n");
        }
    }
    out
}

/// Moving blocks between files, reordering them and reformatting leave every
/// fingerprint and the semantic diff unchanged.
#[test]
fn fingerprints_survive_moves_reorders_and_reformatting() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/riverside");
    let original = crate::support::check_dir(&example);
    let fingerprints = |outcome: &wardline::check::Outcome| {
        let mut all: Vec<_> = outcome.findings.iter().map(|f| f.fingerprint).collect();
        all.sort();
        all
    };
    assert!(original.findings.len() > 5);
    let mut all_blocks = Vec::new();
    for file in crate::support::walk(&example.join("inventory")) {
        all_blocks.extend(blocks(&std::fs::read_to_string(file).unwrap()));
    }
    assert_eq!(all_blocks.len(), original.inventory.entities.len());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..6 {
        let mut shuffled = all_blocks.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, (next() as usize) % (i + 1));
        }
        let files = 1 + (next() % 7) as usize;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "wardline.toml", CONFIG);
        let mut texts = vec![String::new(); files];
        for block in &shuffled {
            let text = &mut texts[(next() as usize) % files];
            text.push_str(&reformat(block, next()));
            text.push('\n');
        }
        for (i, text) in texts.iter().enumerate() {
            write(dir.path(), &format!("part-{i}/blocks.ward"), text);
        }
        let moved = crate::support::check_dir(dir.path());
        assert!(
            !moved.policies_skipped,
            "round {round}: {:?}",
            moved.findings.first().map(|f| &f.message)
        );
        assert_eq!(
            fingerprints(&moved),
            fingerprints(&original),
            "round {round}"
        );
        let diff = wardline::diff::inventories(&original.inventory, &moved.inventory);
        assert!(diff.is_empty(), "round {round}: {diff:?}");
    }
}

/// A commit with a fixed date, so the history's days are exact.
fn commit_on(s: &Scenario, message: &str, date: &str) {
    let day = wardline::date::Date::parse(date).unwrap();
    let days = wardline::date::Date::parse("1970-01-01")
        .unwrap()
        .days_until(day);
    let time = git2::Time::new(days * 86_400 + 12 * 3600, 0);
    let signature = Signature::new("test", "test@example.invalid", &time).unwrap();
    s.commit_as(message, &signature);
}

#[test]
fn history_shows_findings_opened_and_closed() {
    let s = Scenario::new();
    s.write("README.md", "no inventory yet\n");
    commit_on(&s, "readme", "2026-01-05");
    s.write("inventory/org.ward", ORGANIZATION)
        .write("inventory/helix.ward", &vendor("helix", "2026-09-30"))
        .write("inventory/acme.ward", &vendor("acme", "2025-12-31"));
    commit_on(&s, "inventory with two lapsed agreements", "2026-10-01");
    s.write("README.md", "docs only\n");
    commit_on(&s, "docs", "2026-10-05");
    s.write("inventory/helix.ward", &vendor("helix", "2028-09-30"));
    commit_on(&s, "renew helix", "2026-10-15");
    s.write("inventory/zeta.ward", &vendor("zeta", "2026-01-31"));
    commit_on(&s, "add zeta, already lapsed", "2026-11-01");
    s.write("inventory/acme.ward", &vendor("acme", "2029-01-31"));
    commit_on(&s, "renew acme", "2026-11-20");

    let text = run(s.path(), &["history", "inventory", "--as-of", "2026-11-29"]);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    insta::assert_snapshot!("history-human", scrub_ids(&s, &text.stdout));

    let json = run(
        s.path(),
        &[
            "history",
            "inventory",
            "--as-of",
            "2026-11-29",
            "--format",
            "json",
        ],
    );
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    // The docs-only commit did not touch the inventory.
    let summaries: Vec<&str> = document["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            "inventory with two lapsed agreements",
            "renew helix",
            "add zeta, already lapsed",
            "renew acme"
        ]
    );
    let days: Vec<(String, i64, bool)> = document["remediation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["entity"].as_str().unwrap().to_owned(),
                l["days_open"].as_i64().unwrap(),
                l["closed"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("vendor acme".to_owned(), 50, false),
            ("vendor helix".to_owned(), 14, false),
            ("vendor zeta".to_owned(), 28, true),
        ]
    );

    // After a revision: what was open there counts from the start of the walk.
    let since = run(
        s.path(),
        &[
            "history",
            "inventory",
            "--as-of",
            "2026-11-29",
            "--since",
            "HEAD~2",
        ],
    );
    assert!(
        since.stdout.starts_with("2 commits changed the inventory"),
        "{}",
        since.stdout
    );
    assert!(since.stdout.contains("before the walk"), "{}", since.stdout);
    let dated = run(
        s.path(),
        &[
            "history",
            "inventory",
            "--as-of",
            "2026-11-29",
            "--since",
            "2026-11-01",
        ],
    );
    assert_eq!(dated.stdout, since.stdout);
}

/// Commit ids replaced by their summaries' order, so snapshots do not depend on time.
fn scrub_ids(s: &Scenario, text: &str) -> String {
    let mut walk = s.repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let mut out = text.to_owned();
    for (i, oid) in walk.enumerate() {
        out = out.replace(&oid.unwrap().to_string()[..7], &format!("C{i}"));
    }
    out
}

#[test]
fn the_report_shows_remediation_since_the_last_review() {
    let s = Scenario::new();
    s.write("wardline.toml", CONFIG)
        .write("org.ward", ORGANIZATION)
        .write("vendors.ward", &vendor("helix", "2026-05-31"));
    commit_on(&s, "before the review", "2026-05-01");
    s.write("more.ward", &vendor("acme", "2026-01-31"));
    commit_on(&s, "add acme, lapsed", "2026-07-01");
    s.write("more.ward", &vendor("acme", "2029-01-31"));
    commit_on(&s, "renew acme", "2026-08-01");
    let report = run(s.path(), &["report"]);
    assert_eq!(report.code, Some(0), "{}", report.stderr);
    let section = report
        .stdout
        .split("## Remediation since the last review")
        .nth(1)
        .expect("a remediation section")
        .to_owned();
    // The review was on 2026-06-01 (ORGANIZATION): helix lapsed before it, acme after.
    assert!(
        section.contains("since the last risk-analysis review \\(2026-06-01\\)"),
        "{section}"
    );
    assert!(section.contains("add acme, lapsed"), "{section}");
    assert!(!section.contains("before the review"), "{section}");
    assert!(
        section.contains("| `HIPAA-121` | vendor acme |") && section.contains("| 31 |"),
        "{section}"
    );
    assert!(section.contains("before the period"), "{section}");
    let without = run(s.path(), &["report", "--no-history"]);
    assert!(!without.stdout.contains("Remediation since"));
}
