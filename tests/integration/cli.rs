//! End-to-end: the real binary on real directories — exit codes, formats, discovery,
//! configuration errors, determinism.

use predicates::prelude::*;

use crate::support::{AS_OF, failed_check, fixtures, wardline, write};

/// An organization that meets every in-force organization policy, so a small inventory's
/// only findings are the advisory NPRM ones.
const ORGANIZATION: &str = "organization acme-health { security_officer = \"Dana\" risk_analysis_reviewed = 2026-06-01 contingency_plan = 2026-06-01 compliance_audit = 2026-06-01 }\n";

#[test]
fn exit_codes_follow_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.ward",
        format!("{ORGANIZATION}vendor acme {{ label = \"Acme\" }}\n"),
    );
    // Only NPRM warnings: below the default `fail_on`.
    wardline()
        .args(["check", "--as-of", AS_OF])
        .arg(dir.path())
        .assert()
        .code(0);
    wardline()
        .args(["check", "--as-of", AS_OF, "--fail-on", "warning"])
        .arg(dir.path())
        .assert()
        .code(1);
    let language = fixtures().join("language");
    wardline()
        .args(["check", "--as-of", AS_OF])
        .arg(language.join("WARD-005-unknown-reference"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("policies were not evaluated"));
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let output = wardline()
        .args(["check", "--format", "concise", "--as-of", AS_OF])
        .arg(fixtures().join("language/WARD-001-every-file-reported"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn json_format_is_one_document() {
    let output = wardline()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(fixtures().join("language/WARD-004-duplicate-name"))
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["version"], 1);
    assert_eq!(document["as_of"], AS_OF);
    assert_eq!(document["findings"][0]["id"], "WARD-004");
    assert_eq!(document["findings"][0]["pack"], "language");
    assert_eq!(document["findings"][0]["file"], "b.ward");
    assert_eq!(document["summary"]["entities"]["vlan"], 1);
}

#[test]
fn quiet_drops_the_summary() {
    let dir = fixtures().join("language/WARD-003-duplicate-key");
    let output = wardline()
        .args(["check", "--quiet", "--format", "concise", "--as-of", AS_OF])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("inventory.ward:"));
}

#[test]
fn root_is_found_from_a_subdirectory_and_globs_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "include = [\"inventory/**/*.ward\"]\nexclude = [\"inventory/archive/**\"]\nas_of = 2026-11-29\n",
    );
    write(
        dir.path(),
        "inventory/site/a.ward",
        format!("{ORGANIZATION}vendor acme {{ label = \"Acme\" }}\n"),
    );
    write(
        dir.path(),
        "inventory/archive/old.ward",
        "this is not valid\n",
    );
    write(dir.path(), "inventory/.hidden/x.ward", "nor is this\n");
    write(dir.path(), "target/y.ward", "nor this\n");
    write(dir.path(), "other/z.ward", "outside the include globs\n");
    let output = wardline()
        .args(["check", "--format", "json"])
        .arg(dir.path().join("inventory/site"))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["summary"]["files"], 1);
    assert_eq!(document["as_of"], AS_OF);
}

#[test]
fn configuration_errors_point_into_the_toml_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "[check]\nfail_onn = \"warning\"\n",
    );
    let output = wardline().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("unknown key `fail_onn`"), "{stderr}");
    assert!(stderr.contains("wardline.toml:2:1"), "{stderr}");

    write(
        dir.path(),
        "wardline.toml",
        "include = [\"inventory/[a\"]\n",
    );
    let output = wardline().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("invalid glob `inventory/[a`")
    );
}

#[test]
fn bad_arguments_exit_2() {
    wardline()
        .args(["check", "--as-of", "2025-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a calendar date"));
    wardline()
        .args(["check", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open"));
}

#[test]
fn as_of_flag_wins_over_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wardline.toml", "as_of = 2020-01-01\n");
    write(
        dir.path(),
        "a.ward",
        format!("{ORGANIZATION}vendor acme {{ }}\n"),
    );
    wardline()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!("\"as_of\": \"{AS_OF}\"")));
}

/// Determinism on inventories whose policies and waivers are really evaluated (and one
/// with language errors): every format, several runs per thread count.
#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/riverside");
    for dir in [
        example,
        fixtures().join("waivers/vulnerability-waived-through-an-affected-device"),
        fixtures().join("language/WARD-001-every-file-reported"),
    ] {
        for format in ["human", "concise", "json"] {
            let run = |threads: &str| {
                let output = wardline()
                    .args(["check", "--color", "never", "--format", format])
                    .args(["--as-of", AS_OF, "--threads", threads])
                    .arg(&dir)
                    .output()
                    .unwrap();
                (output.status.code(), output.stdout)
            };
            let first = run("1");
            assert!(!first.1.is_empty());
            for threads in ["1", "2", "4", "2", "4"] {
                assert_eq!(first, run(threads), "{format} {threads} {}", dir.display());
            }
        }
    }
}

#[test]
fn policies_lists_the_catalog() {
    let output = wardline().arg("policies").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
    let output = wardline()
        .args(["policies", "--format", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 53);
    assert_eq!(list[0]["id"], "HIPAA-101");
    assert_eq!(list[0]["for"], "device");
    // The effective severity: NPRM is advisory by default, and configuration changes it.
    let nprm = |list: &serde_json::Value| {
        let entry = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "NPRM-201")
            .unwrap();
        (
            entry["severity"].clone(),
            entry["declared_severity"].clone(),
        )
    };
    assert_eq!(nprm(&list), ("warning".into(), "error".into()));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "[packs.nprm]\nenforce = true\n[severity]\nHIPAA-101 = \"warning\"\n",
    );
    write(dir.path(), "a.ward", "vendor acme { }\n");
    let output = wardline()
        .args(["policies", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(nprm(&list), ("error".into(), "error".into()));
    assert_eq!(list[0]["severity"], "warning");
}

#[test]
fn explain_shows_docs_citation_and_expressions() {
    let output = wardline().args(["explain", "HIPAA-105"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
    // A name shared by two packs explains both policies.
    let output = wardline()
        .args(["explain", "unguarded-path-to-ehr"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("HIPAA-111 unguarded-path-to-ehr")
            && text.contains("\nNPRM-212 unguarded-path-to-ehr"),
        "{text}"
    );
    wardline()
        .args(["explain", "HIPAA-1055"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `HIPAA-105`?"));
}

#[test]
fn configuration_names_of_policies_and_packs_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "[check]\nselect = [\"HIPAA\", \"NPRM-2O1\"]\n\n[severity]\n\"HIPAA-1005\" = \"warning\"\n\n[packs.nprn]\nenforce = true\n",
    );
    write(dir.path(), "a.ward", "vendor acme { }\n");
    insta::assert_snapshot!(failed_check(dir.path()));
}
