//! Helpers shared by the integration tests: fixture paths, running the pipeline as a
//! library with fixed rendering, and running the real binary.

use std::path::{Path, PathBuf};

use wardline::check::{Outcome, check};
use wardline::date::Date;
use wardline::discover;
use wardline::report::{human, json};

pub const AS_OF: &str = "2026-11-29";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn as_of() -> Date {
    Date::parse(AS_OF).unwrap()
}

/// The sub-directories of `dir`, sorted by name.
pub fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Discovers and checks `dir` like `wardline check` does, as of [`AS_OF`].
pub fn check_dir(dir: &Path) -> Outcome {
    check_dir_with(dir, Selection::Config)
}

/// Checks `dir` evaluating only the policy `id`.
pub fn check_policy(dir: &Path, id: &str) -> Outcome {
    check_dir_with(dir, Selection::Only(id))
}

/// Checks `dir` with the language diagnostics only: no policy is selected.
pub fn check_language(dir: &Path) -> Outcome {
    check_dir_with(dir, Selection::None)
}

enum Selection<'a> {
    Config,
    Only(&'a str),
    None,
}

fn check_dir_with(dir: &Path, selection: Selection) -> Outcome {
    let tree = discover::Worktree::open(dir, discover::DEFAULT_MAX_FILE_SIZE).unwrap();
    let config = &discover::load_config(&tree, None).unwrap();
    let files = discover::ward_files(&tree, config).unwrap();
    let extra = discover::extra_packs(&tree, config).unwrap();
    let policies = config
        .load_policies(extra)
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    let selected = match selection {
        Selection::Config => policies
            .select(config.select.as_deref(), &config.ignore)
            .unwrap(),
        Selection::Only(id) => policies.select(Some(&[id.to_owned()]), &[]).unwrap(),
        Selection::None => Vec::new(),
    };
    let as_of = config.as_of.unwrap_or_else(as_of);
    check(files, &config.judge(&policies, &selected, as_of))
}

/// Human output as the snapshots pin it: no colour, 80 columns (the default options).
pub fn human(outcome: &Outcome) -> String {
    human::render(&outcome.report("."))
}

pub fn json(outcome: &Outcome) -> String {
    json::render(&outcome.report("."))
}

/// The ids a fixture declares with `# expect: ID ID` lines, sorted.
pub fn expected_ids(dir: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    for entry in walk(dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        for line in text.split(['\n', '\r']) {
            if let Some(list) = line
                .trim_start_matches('\u{feff}')
                .strip_prefix("# expect:")
            {
                ids.extend(list.split_whitespace().map(str::to_owned));
            }
        }
    }
    ids.sort();
    ids
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

pub fn found_ids(outcome: &Outcome) -> Vec<String> {
    let mut ids: Vec<String> = outcome.findings.iter().map(|f| f.rule.id.clone()).collect();
    ids.sort();
    ids
}

/// The real binary, with the environment pinned so output does not depend on the terminal.
pub fn wardline() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("wardline").unwrap();
    command.env("NO_COLOR", "1").env_remove("COLUMNS");
    command
}

/// Runs `wardline check` on `dir`, expecting it cannot judge it (exit 2); returns stderr
/// rendered at a fixed width.
pub fn failed_check(dir: &Path) -> String {
    let output = wardline()
        .args(["check", "--color", "never"])
        .arg(dir)
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr).unwrap()
}

/// A user pack `local` (`local/pack.toml`, enforced) for tests to add policies to.
pub fn write_local_pack(dir: &Path) {
    write(
        dir,
        "local/pack.toml",
        "pack = \"local\"\ntitle = \"Local\"\nstatus = \"local\"\nenforce = true\n",
    );
}

pub fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Asserts that each diagnostic id has a raising fixture (`ID-…`) and a passing one (`ok-ID-…`).
pub fn assert_fixture_pairs(cases: &[PathBuf], ids: impl IntoIterator<Item = String>) {
    let names: Vec<String> = cases
        .iter()
        .map(|c| c.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for id in ids {
        assert!(
            names.iter().any(|c| c.starts_with(&id)),
            "no raising fixture for {id}"
        );
        assert!(
            names.iter().any(|c| c.starts_with(&format!("ok-{id}"))),
            "no passing fixture for {id}"
        );
    }
}
