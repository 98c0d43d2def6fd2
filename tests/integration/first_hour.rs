//! The newcomer's first hour (issue #10), played end to end on the real binary: `init`
//! in an empty directory, a passing `check`, then each early mistake and the diagnostic
//! it gets. The starter inventory carries the day it was written, so outputs have that
//! date replaced by `[today]` before they are pinned.

use std::path::{Path, PathBuf};
use std::process::Output;

use wardline::date::Date;

use crate::support::{wardline, write};

/// A fresh directory holding what `wardline init` writes.
fn started() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = wardline().arg("init").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Output with what varies between runs replaced: the temporary root and today's date.
fn pinned(text: &str, root: &Path) -> String {
    let root = root.canonicalize().unwrap();
    text.replace(&root.display().to_string(), "[root]")
        .replace(&Date::today_utc().to_string(), "[today]")
}

fn check(dir: &Path, args: &[&str]) -> Output {
    wardline()
        .arg("check")
        .args(args)
        .arg(dir)
        .env("COLUMNS", "80")
        .output()
        .unwrap()
}

/// Rewrites one file of the inventory: `from` must occur in it.
fn edit(dir: &Path, path: &str, from: &str, to: &str) {
    let file = dir.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{from:?} not in {path}");
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

fn today() -> String {
    Date::today_utc().to_string()
}

#[test]
fn init_writes_a_starter_that_passes_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("clinic");
    let output = wardline()
        .args(["init", "clinic"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("init-stdout", text(&output.stdout));
    insta::assert_snapshot!(
        "init-inventory",
        pinned(
            &std::fs::read_to_string(root.join("inventory/clinic.ward")).unwrap(),
            &root
        )
    );

    let output = check(&root, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert_eq!(
        pinned(&text(&output.stdout), &root),
        "0 errors, 0 warnings in 1 file, 6 entities, as of [today]\n"
    );

    let output = wardline().arg("init").arg(&root).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("wardline.toml` already exists; `wardline init` never overwrites a file"),
        "{stderr}"
    );
}

#[test]
fn the_starter_keeps_passing_for_a_year() {
    let dir = started();
    let year_on = Date::today_utc()
        .add_months(12)
        .unwrap()
        .add_days(-1)
        .unwrap();
    let output = check(dir.path(), &["--as-of", &year_on.to_string()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
}

#[test]
fn an_empty_directory_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = pinned(&text(&output.stderr), dir.path());
    assert!(
        stderr.contains("no `.ward` files under `[root]`"),
        "{stderr}"
    );
    assert!(stderr.contains("start one with `wardline"), "{stderr}");
}

#[test]
fn an_include_glob_matching_nothing_fails_naming_root_and_globs() {
    let dir = started();
    edit(
        dir.path(),
        "wardline.toml",
        "include = [\"inventory/**/*.ward\"]",
        "include = [\"inventroy/**/*.ward\"]",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(pinned(&text(&output.stderr), dir.path()));
}

#[test]
fn a_slash_date_is_reported_at_the_value_and_keeps_the_block() {
    let dir = started();
    edit(
        dir.path(),
        "inventory/clinic.ward",
        &format!("contingency_plan       = {}", today()),
        "contingency_plan       = 03/31/2027",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(pinned(&text(&output.stdout), dir.path()));
}

#[test]
fn a_key_of_another_kind_says_which_kind_has_it() {
    let dir = started();
    edit(
        dir.path(),
        "inventory/clinic.ward",
        "  audit_log = true\n",
        "  audit_log = true\n  supports { mfa = true }\n",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(pinned(&text(&output.stdout), dir.path()));
}

#[test]
fn a_typo_in_a_selector_suggests_the_closest_policy() {
    let dir = started();
    let output = check(dir.path(), &["--select", " hipaa-1O5"]);
    assert_eq!(output.status.code(), Some(2));
    let from_flag = text(&output.stderr);

    edit(
        dir.path(),
        "wardline.toml",
        "# select = [\"HIPAA\", \"NPRM-204\"]",
        "select = [\"encryption-at-rest-requried\"]",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(format!("{from_flag}---\n{}", text(&output.stderr)));
}

#[test]
fn a_quoted_as_of_says_to_remove_the_quotes() {
    let dir = started();
    edit(
        dir.path(),
        "wardline.toml",
        "# as_of = 2026-11-29",
        "as_of = \"2026-11-29\"",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(text(&output.stderr));
}

#[test]
fn two_configuration_errors_are_reported_in_one_run() {
    let dir = started();
    edit(
        dir.path(),
        "wardline.toml",
        "# as_of = 2026-11-29",
        "as_of = \"2026-11-29\"",
    );
    edit(
        dir.path(),
        "wardline.toml",
        "# [packs.nprm]\n# enforce = true",
        "[packs.nprn]\nenforce = true",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.matches('×').count(), 2, "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_name_declared_nowhere_says_to_declare_it() {
    let dir = started();
    edit(
        dir.path(),
        "inventory/clinic.ward",
        "vendor       = acme-medical",
        "vendor       = globex",
    );
    let output = check(dir.path(), &["--format", "concise", "--quiet"]);
    assert_eq!(output.status.code(), Some(2));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("refers to unknown name `globex`"),
        "{stdout}"
    );
    let output = check(dir.path(), &[]);
    assert!(
        text(&output.stdout)
            .contains("help: no block is named `globex`; declare it: `vendor globex { … }`")
    );
}

/// Five devices with the same gap: three are drawn, the other two counted on one line;
/// `--statistics` counts per policy; JSON keeps every finding.
#[test]
fn many_findings_of_one_policy_are_grouped_and_counted() {
    let dir = started();
    let mut devices = String::new();
    for n in 2..=6 {
        devices.push_str(&format!(
            "device pump-0{n} {{\n  model = acme-pump\n  vlan = clinical-devices\n  location = \"Ward 3\"\n  owner = \"Nursing\"\n  ephi = [create, transmit]\n  patch {{ status = current }}\n  encryption {{ at_rest = true in_transit = true }}\n  mfa = true\n  audit_log = false\n  access {{ unique_ids = true default_credentials = false auto_logoff = true emergency = true }}\n}}\n"
        ));
    }
    write(dir.path(), "inventory/ward-3.ward", devices);
    let output = check(dir.path(), &["--as-of", &today()]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("grouped-human", pinned(&text(&output.stdout), dir.path()));

    let output = check(dir.path(), &["--statistics"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("statistics", pinned(&text(&output.stdout), dir.path()));

    let output = check(dir.path(), &["--format", "json"]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["findings"].as_array().unwrap().len(), 5);
    let output = check(dir.path(), &["--statistics", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows[0]["id"], "HIPAA-132");
    assert_eq!(rows[0]["count"], 5);
}

#[test]
fn a_single_file_checks_its_root_and_says_so() {
    let dir = started();
    let file = dir.path().join("inventory/clinic.ward");
    let output = wardline().arg("check").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        pinned(&text(&output.stderr), dir.path()),
        "note: checking the inventory at `[root]` that holds `[root]/inventory/clinic.ward`\n"
    );
}

#[test]
fn the_repository_checks_its_example_only() {
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = check(&repository, &["--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.ends_with("in 12 files, 94 entities, as of 2026-11-29\n"),
        "{stdout}"
    );
}

/// Root discovery walks up to the nearest `wardline.toml`: a fixture without its own
/// would be judged as part of the repository's root, which reads `examples/` only.
#[test]
fn every_fixture_is_a_root_of_its_own() {
    let fixtures = crate::support::fixtures();
    for file in crate::support::walk(&fixtures) {
        if file.extension().is_none_or(|e| e != "ward") {
            continue;
        }
        let has_root = file
            .ancestors()
            .skip(1)
            .take_while(|dir| *dir != fixtures)
            .any(|dir| dir.join("wardline.toml").is_file());
        assert!(
            has_root,
            "{} has no wardline.toml of its own",
            file.display()
        );
    }
}

#[test]
fn explain_takes_language_codes_and_any_case() {
    let output = wardline().args(["explain", "ward-002"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(text(&output.stdout));
    let output = wardline().args(["explain", " hipaa-105"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).starts_with("HIPAA-105 "));
    let output = wardline().args(["explain", "WARD-02"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("did you mean `WARD-002`?"));
}

/// `docs/language.md` is what `wardline schema` prints; one kind is its section.
#[test]
fn schema_prints_the_language_reference() {
    let output = wardline().arg("schema").output().unwrap();
    let reference =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"))
            .unwrap();
    assert_eq!(text(&output.stdout), reference);
    let output = wardline().args(["schema", "Device"]).output().unwrap();
    let section = text(&output.stdout);
    assert!(section.starts_with("## device\n"), "{section}");
    assert!(reference.contains(&section));
    let output = wardline().args(["schema", "devcie"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("did you mean `device`?"));
}

#[test]
fn color_always_reaches_every_command() {
    let dir = started();
    for args in [
        &["policies", "--color", "always"][..],
        &["explain", "HIPAA-105", "--color", "always"],
        &["explain", "WARD-002", "--color", "always"],
        &["schema", "vlan", "--color", "always"],
    ] {
        let output = wardline()
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(text(&output.stdout).contains('\u{1b}'), "{args:?}");
    }
    edit(
        dir.path(),
        "wardline.toml",
        "fail_on = \"error\"",
        "fail_on = \"eror\"",
    );
    let output = check(dir.path(), &["--color", "always"]);
    assert!(text(&output.stderr).contains('\u{1b}'));
}

#[test]
fn policies_shows_what_the_configuration_makes_of_each_policy() {
    let dir = started();
    edit(
        dir.path(),
        "wardline.toml",
        "# select = [\"HIPAA\", \"NPRM-204\"]",
        "select = [\"hipaa-105 \", \"NPRM-204\"]",
    );
    edit(
        dir.path(),
        "wardline.toml",
        "# [severity]\n# \"NPRM-204\" = \"error\"\n",
        "[severity]\n\"HIPAA-105\" = \"warning\"\n",
    );
    let output = wardline()
        .arg("policies")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let table = text(&output.stdout);
    let severity = |id: &str| {
        let row = table.lines().find(|l| l.starts_with(id)).unwrap();
        row.split_whitespace().nth(2).unwrap().to_owned()
    };
    assert_eq!(severity("HIPAA-105"), "warning");
    assert_eq!(severity("NPRM-204"), "warning");
    assert_eq!(severity("HIPAA-101"), "off");
    assert!(
        table.contains(" policies are off: `[check] select`/`ignore`"),
        "{table}"
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_clap_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = wardline().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = text(&output.stdout);
        assert!(script.contains("statistics"), "{shell}");
    }
    let output = wardline().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = text(&output.stdout);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &page[..80.min(page.len())]
    );
    assert!(page.contains(".TH wardline"));
}
