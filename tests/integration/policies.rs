//! The built-in packs: the catalog of POLICIES.md §4 exactly, every policy with a firing
//! and a quiet fixture, docs with every heading, severity and enforcement rules, custom
//! packs end to end.

use wardline::finding::Severity;
use wardline::policy::PolicySet;

use crate::support::{
    AS_OF, case_dirs, check_dir, check_policy, failed_check, fixtures, human, json, wardline,
    write, write_local_pack,
};

/// POLICIES.md §4 v2: id, name, severity, for, waivable.
const CATALOG: &[(&str, &str, &str, &str, bool)] = &[
    ("HIPAA-101", "ephi-use-undeclared", "error", "device", true),
    ("HIPAA-102", "os-unrecorded", "error", "device", true),
    (
        "HIPAA-103",
        "patch-status-unrecorded",
        "error",
        "device",
        true,
    ),
    ("HIPAA-104", "segment-unrecorded", "error", "device", true),
    (
        "HIPAA-105",
        "unpatchable-without-safeguard",
        "error",
        "device",
        true,
    ),
    (
        "HIPAA-106",
        "residual-risk-undocumented",
        "error",
        "device",
        true,
    ),
    (
        "HIPAA-107",
        "risk-review-overdue",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-108",
        "patch-status-contradicts-support",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-109",
        "end-of-support-unknown",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-110",
        "ephi-on-open-segment",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-111",
        "unguarded-path-to-ehr",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-112",
        "unguarded-path-from-open-zone",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-120",
        "business-associate-without-baa",
        "error",
        "vendor",
        false,
    ),
    ("HIPAA-121", "baa-expired", "error", "vendor", false),
    ("HIPAA-122", "mds2-missing", "warning", "model", true),
    (
        "HIPAA-123",
        "claims-contradict-mds2",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-130",
        "transmission-encryption-undocumented",
        "error",
        "device",
        true,
    ),
    (
        "HIPAA-131",
        "storage-encryption-undocumented",
        "error",
        "device",
        true,
    ),
    (
        "HIPAA-132",
        "audit-logging-missing",
        "error",
        "device",
        true,
    ),
    ("HIPAA-133", "audit-log-unreviewed", "error", "device", true),
    (
        "HIPAA-134",
        "ephi-flow-unencrypted",
        "warning",
        "flow",
        true,
    ),
    (
        "HIPAA-135",
        "malware-protection-undocumented",
        "warning",
        "device",
        true,
    ),
    ("HIPAA-140", "disposal-unrecorded", "error", "device", false),
    (
        "HIPAA-141",
        "asset-accountability-unrecorded",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-150",
        "vendor-remote-access-unrecorded",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-151",
        "vendor-remote-access-without-mfa",
        "warning",
        "vendor",
        true,
    ),
    (
        "HIPAA-160",
        "shared-or-default-credentials",
        "error",
        "device",
        true,
    ),
    (
        "HIPAA-161",
        "access-controls-unrecorded",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-162",
        "auto-logoff-undocumented",
        "warning",
        "device",
        true,
    ),
    (
        "HIPAA-163",
        "emergency-access-missing",
        "error",
        "device",
        true,
    ),
    (
        "HIPAA-170",
        "risk-analysis-missing",
        "error",
        "organization",
        false,
    ),
    (
        "HIPAA-171",
        "risk-analysis-stale",
        "warning",
        "organization",
        true,
    ),
    (
        "HIPAA-172",
        "security-officer-unnamed",
        "error",
        "organization",
        false,
    ),
    (
        "HIPAA-173",
        "evaluation-overdue",
        "warning",
        "organization",
        true,
    ),
    ("HIPAA-180", "backup-missing", "error", "device", true),
    (
        "HIPAA-181",
        "contingency-plan-missing",
        "error",
        "organization",
        false,
    ),
    (
        "HIPAA-190",
        "known-vulnerability-unmitigated",
        "error",
        "vulnerability",
        true,
    ),
    (
        "NPRM-201",
        "asset-inventory-review-overdue",
        "error",
        "organization",
        true,
    ),
    (
        "NPRM-202",
        "network-map-review-overdue",
        "error",
        "organization",
        true,
    ),
    ("NPRM-203", "segmentation-required", "error", "device", true),
    (
        "NPRM-204",
        "encryption-at-rest-required",
        "error",
        "device",
        true,
    ),
    (
        "NPRM-205",
        "encryption-in-transit-required",
        "error",
        "device",
        true,
    ),
    ("NPRM-206", "mfa-required", "error", "device", true),
    (
        "NPRM-207",
        "critical-patch-overdue",
        "error",
        "vulnerability",
        true,
    ),
    (
        "NPRM-208",
        "high-patch-overdue",
        "error",
        "vulnerability",
        true,
    ),
    (
        "NPRM-209",
        "vulnerability-scan-overdue",
        "error",
        "organization",
        true,
    ),
    (
        "NPRM-210",
        "penetration-test-overdue",
        "error",
        "organization",
        true,
    ),
    (
        "NPRM-211",
        "ba-verification-overdue",
        "error",
        "vendor",
        true,
    ),
    ("NPRM-212", "unguarded-path-to-ehr", "error", "device", true),
    (
        "NPRM-213",
        "compliance-audit-overdue",
        "error",
        "organization",
        true,
    ),
    (
        "NPRM-214",
        "risk-analysis-review-overdue",
        "error",
        "organization",
        true,
    ),
    (
        "NPRM-215",
        "unguarded-path-from-open-zone",
        "error",
        "device",
        true,
    ),
    (
        "NPRM-216",
        "asset-record-incomplete",
        "error",
        "device",
        true,
    ),
];

const DOC_HEADINGS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## Example",
    "## Remediation",
    "## References",
];

#[test]
fn builtin_packs_hold_exactly_the_catalog() {
    let set = PolicySet::builtin().unwrap_or_else(|errors| panic!("{errors:#?}"));
    let loaded: Vec<(&str, &str, &str, &str, bool)> = set
        .policies
        .iter()
        .map(|p| {
            (
                p.rule.id.as_str(),
                p.rule.name.as_str(),
                p.severity.as_str(),
                p.kind.as_str(),
                p.waivable,
            )
        })
        .collect();
    assert_eq!(loaded, CATALOG);
    for policy in &set.policies {
        let pack = if policy.rule.id.starts_with("HIPAA") {
            "hipaa"
        } else {
            "nprm"
        };
        assert_eq!(policy.rule.pack, pack);
        assert!(
            !policy.rule.cite.is_empty(),
            "{} has no citation",
            policy.rule.id
        );
        let mut at = 0;
        for heading in DOC_HEADINGS {
            let found = policy.docs[at..]
                .find(heading)
                .unwrap_or_else(|| panic!("{} docs lack `{heading}` (in order)", policy.rule.id));
            at += found + heading.len();
        }
        let example = policy
            .docs
            .split("```ward")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .unwrap_or_else(|| panic!("{} docs lack a ward example", policy.rule.id));
        let (_, errors) = wardline::syntax::parse(wardline::source::FileId(0), example);
        assert!(errors.is_empty(), "{}: {errors:#?}", policy.rule.id);
        // Uncertainty about a paragraph number belongs in the docs, never in `cite`.
        for cite in &policy.rule.cite {
            let lower = cite.to_lowercase();
            assert!(
                !["unverified", "uncertain", "secondary", "?"]
                    .iter()
                    .any(|w| lower.contains(w)),
                "{} cite carries a doubt: {cite}",
                policy.rule.id
            );
        }
    }
    assert!(set.pack("hipaa").unwrap().enforce);
    assert!(!set.pack("nprm").unwrap().enforce);
}

#[test]
fn every_policy_fires_on_its_fires_fixtures_and_not_on_its_passes_fixtures() {
    let set = PolicySet::builtin().unwrap_or_else(|errors| panic!("{errors:#?}"));
    for policy in &set.policies {
        let id = &policy.rule.id;
        let cases = case_dirs(&fixtures().join("policies").join(id));
        let name = |dir: &std::path::Path| dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            cases.iter().any(|c| name(c).starts_with("fires")),
            "{id} has no fires fixture"
        );
        assert!(
            cases.iter().any(|c| name(c).starts_with("passes")),
            "{id} has no passes fixture"
        );
        for case in cases {
            let outcome = check_policy(&case, id);
            let case_name = name(&case);
            assert!(
                !outcome.policies_skipped,
                "{id}/{case_name} has language errors:\n{}",
                human(&outcome)
            );
            let hits = outcome
                .findings
                .iter()
                .filter(|f| &f.rule.id == id && f.waived_by.is_none())
                .count();
            if case_name.starts_with("fires") {
                assert!(
                    hits > 0,
                    "{id}/{case_name} should fire:\n{}",
                    human(&outcome)
                );
            } else {
                assert_eq!(
                    hits,
                    0,
                    "{id}/{case_name} should pass:\n{}",
                    human(&outcome)
                );
            }
        }
    }
}

#[test]
fn firing_fixtures_render_in_human_and_json() {
    let set = PolicySet::builtin().unwrap_or_else(|errors| panic!("{errors:#?}"));
    for policy in &set.policies {
        let outcome = check_policy(
            &fixtures()
                .join("policies")
                .join(&policy.rule.id)
                .join("fires"),
            &policy.rule.id,
        );
        insta::assert_snapshot!(format!("{}-human", policy.rule.id), human(&outcome));
        insta::assert_snapshot!(format!("{}-json", policy.rule.id), json(&outcome));
    }
}

#[test]
fn fixture_directories_name_only_real_policies() {
    let set = PolicySet::builtin().unwrap_or_else(|errors| panic!("{errors:#?}"));
    for dir in case_dirs(&fixtures().join("policies")) {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !set.find(&id).is_empty(),
            "fixtures for unknown policy {id}"
        );
    }
}

#[test]
fn nprm_is_advisory_unless_enforced() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "inventory.ward",
        "organization acme { label = \"Acme\" }\n",
    );
    write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
    let severity = |outcome: &wardline::check::Outcome| {
        outcome
            .findings
            .iter()
            .find(|f| f.rule.id == "NPRM-201")
            .map(|f| f.severity)
    };
    assert_eq!(severity(&check_dir(dir.path())), Some(Severity::Warning));
    write(
        dir.path(),
        "wardline.toml",
        "as_of = 2026-11-29\n[packs.nprm]\nenforce = true\n",
    );
    assert_eq!(severity(&check_dir(dir.path())), Some(Severity::Error));
    write(
        dir.path(),
        "wardline.toml",
        "as_of = 2026-11-29\n[packs.nprm]\nenforce = true\n[severity]\nasset-inventory-review-overdue = \"info\"\n",
    );
    assert_eq!(severity(&check_dir(dir.path())), Some(Severity::Info));
}

#[test]
fn select_ignore_and_fail_on_flags() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "inventory.ward",
        "organization acme { label = \"Acme\" }\n",
    );
    let run = |args: &[&str]| {
        let output = wardline()
            .args(["check", "--format", "concise", "--as-of", AS_OF])
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, stdout, _) = run(&["--select", "NPRM-201"]);
    assert_eq!(
        code,
        Some(0),
        "NPRM is advisory: warnings do not fail by default\n{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.contains("[NPRM-")).count(),
        1,
        "{stdout}"
    );
    let (code, _, _) = run(&["--select", "NPRM-201", "--fail-on", "warning"]);
    assert_eq!(code, Some(1));
    let (code, stdout, _) = run(&[
        "--select",
        "NPRM",
        "--ignore",
        "NPRM-201,penetration-test-overdue",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        !stdout.contains("NPRM-201") && !stdout.contains("NPRM-210") && stdout.contains("NPRM-202"),
        "{stdout}"
    );
    let (code, _, stderr) = run(&["--select", "NPRM-2O1"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("matches no policy"), "{stderr}");
}

#[test]
fn output_is_identical_with_one_or_two_threads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/riverside");
    let run = |threads: &str| {
        wardline()
            .args(["check", "--format", "json", "--threads", threads])
            .arg(&dir)
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(one.len() > 1000);
    assert_eq!(one, run("2"));
}

#[test]
fn a_custom_pack_works_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "as_of = 2026-11-29\n[policies]\nextra = [\"policies/local\"]\n[check]\nselect = [\"LOCAL\"]\n",
    );
    write(
        dir.path(),
        "policies/local/pack.toml",
        "pack = \"local\"\ntitle = \"Riverside local rules\"\nstatus = \"local\"\nenforce = true\n",
    );
    write(
        dir.path(),
        "policies/local/LOCAL-001-owner-required.toml",
        "id = \"LOCAL-001\"\nname = \"owner-required\"\ntitle = \"Every device has an owner\"\nseverity = \"error\"\ncite = [\"Riverside policy IS-7\"]\nfor = \"device\"\nwhere = \"active\"\nrequire = \"exists(owner)\"\nmessage = \"device {name} in {vlan.label} has no owner\"\nhelp = \"set `owner`\"\n",
    );
    write(
        dir.path(),
        "inventory/a.ward",
        "vendor acme { }\nmodel m { vendor = acme }\nvlan v { id = 5 zone = medical label = \"ICU\" }\ndevice d1 { model = m vlan = v }\ndevice d2 { model = m owner = \"Biomed\" }\n",
    );
    let output = wardline()
        .args(["check", "--format", "concise"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "inventory/a.ward:4:8: error[LOCAL-001] device d1 in ICU has no owner\n1 error, 0 warnings in 1 file, 5 entities, as of 2026-11-29\n"
    );
    wardline()
        .args(["explain", "owner-required"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("require:  exists(owner)"));
}

#[test]
fn a_broken_custom_pack_gives_spanned_errors_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "[policies]\nextra = [\"local\"]\n",
    );
    write_local_pack(dir.path());
    write(
        dir.path(),
        "local/LOCAL-001-patched.toml",
        "id = \"LOCAL-001\"\nname = \"patched\"\ntitle = \"t\"\nseverity = \"error\"\ncite = []\nfor = \"device\"\nrequire = \"patch.statsu == \\\"current\\\"\"\nmessage = \"m\"\n",
    );
    write(
        dir.path(),
        "local/LOCAL-002-wrong-file.toml",
        "id = \"LOCAL-002\"\nname = \"other\"\ntitle = \"t\"\nseverity = \"fatal\"\ncite = []\nfor = \"devise\"\nrequire = \"true\"\nmessage = \"m\"\ncolour = 1\n",
    );
    write(
        dir.path(),
        "local/HIPAA-105-copied.toml",
        "id = \"HIPAA-105\"\nname = \"copied\"\ntitle = \"t\"\nseverity = \"error\"\ncite = []\nfor = \"device\"\nrequire = \"true\"\nmessage = \"m\"\n",
    );
    write(dir.path(), "a.ward", "vendor acme { }\n");
    let stderr = failed_check(dir.path());
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_value_inherited_from_the_model_is_shown_with_a_secondary_label() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "as_of = 2026-11-29\n[policies]\nextra = [\"local\"]\n[check]\nselect = [\"LOCAL\"]\n",
    );
    write_local_pack(dir.path());
    write(
        dir.path(),
        "local/LOCAL-001-no-windows-7.toml",
        "id = \"LOCAL-001\"\nname = \"no-windows-7\"\ntitle = \"No Windows 7\"\nseverity = \"warning\"\ncite = [\"local\"]\nfor = \"device\"\nrequire = \"os.name != \\\"Windows 7\\\"\"\nat = \"os.name\"\nmessage = \"device {name} runs {os.name}, supported until {os.end_of_support}\"\n",
    );
    write(
        dir.path(),
        "models.ward",
        "vendor acme { }\n\nmodel ct-9000 {\n  vendor = acme\n  os { name = \"Windows 7\" version = \"SP1\" }\n}\n",
    );
    write(
        dir.path(),
        "radiology.ward",
        "device ct-01 {\n  model = ct-9000\n}\n\ndevice ct-02 {\n  model = ct-9000\n  os { name = \"Windows 7\" }\n}\n",
    );
    let outcome = check_dir(dir.path());
    insta::assert_snapshot!(human(&outcome));
}
