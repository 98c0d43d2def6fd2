//! The regulatory audit's counter-examples (`research/audit-cases/`, c01–c26): one fixture
//! per case, each a copy of the case's blocks plus the riverside blocks they refer to,
//! marking the v2 verdict with `# expect: ID entity` (must be reported) and
//! `# quiet: ID entity` (must not be).

use crate::support::{check_dir, fixtures, human};

/// The cases present in the audit's `audit-cases/` directory.
const CASES: &[&str] = &[
    "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c10", "c11", "c12", "c13",
    "c16", "c17", "c18", "c25", "c26",
];

fn case_dir(case: &str) -> std::path::PathBuf {
    let prefix = format!("audit-{case}-");
    let dirs: Vec<_> = std::fs::read_dir(fixtures().join("audit"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .collect();
    assert_eq!(dirs.len(), 1, "audit case {case} needs exactly one fixture");
    dirs.into_iter().next().unwrap()
}

#[test]
fn every_audit_case_has_one_fixture_and_no_fixture_is_stray() {
    for case in CASES {
        case_dir(case);
    }
    let count = std::fs::read_dir(fixtures().join("audit")).unwrap().count();
    assert_eq!(count, CASES.len());
}

fn audit_case(case: &str) {
    let dir = case_dir(case);
    let text = std::fs::read_to_string(dir.join("inventory.ward")).unwrap();
    let outcome = check_dir(&dir);
    assert!(!outcome.policies_skipped, "{case}:\n{}", human(&outcome));
    let reported = |id: &str, entity: &str| {
        outcome.findings.iter().any(|f| {
            f.rule.id == id
                && f.waived_by.is_none()
                && f.entity.as_ref().is_some_and(|e| *e.name == *entity)
        })
    };
    let mut marks = 0;
    for line in text.lines() {
        let (want, rest) = match line.strip_prefix("# expect: ") {
            Some(rest) => (true, rest),
            None => match line.strip_prefix("# quiet: ") {
                Some(rest) => (false, rest),
                None => continue,
            },
        };
        let (id, entity) = rest.split_once(' ').unwrap();
        marks += 1;
        assert_eq!(
            reported(id, entity),
            want,
            "audit {case}: {id} on {entity} should {}be reported:\n{}",
            if want { "" } else { "not " },
            human(&outcome)
        );
    }
    assert!(marks > 0, "audit {case} marks no verdict");
}

macro_rules! cases {
    ($($name:ident => $case:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                audit_case($case);
            }
        )*
    };
}

cases! {
    c01_backup_is_no_compensating_safeguard => "c01",
    c02_an_unrelated_risk_block_is_no_decision => "c02",
    c03_dmz_and_iot_segments_are_open => "c03",
    c04_inbound_guest_path_is_judged => "c04",
    c05_a_backup_in_via_guards_nothing => "c05",
    c06_a_former_vendor_and_hvac_are_not_business_associates => "c06",
    c07_undeclared_and_future_sanitized_disposals_fire => "c07",
    c08_an_overdue_migration_is_no_exception => "c08",
    c09_a_retired_model_starts_no_patch_clock => "c09",
    c10_an_old_acceptance_needs_review => "c10",
    c11_owner_and_location_are_required => "c11",
    c12_a_nac_guarded_bypass_is_a_known_limit => "c12",
    c13_no_patch_no_clock => "c13",
    c16_security_officer_is_required => "c16",
    c17_a_cellular_wearable_is_not_on_the_lan => "c17",
    c18_a_future_signature_is_no_baa => "c18",
    c25_claims_contradicting_the_mds2 => "c25",
    c26_unpatchable_on_the_ehr_segment => "c26",
}
