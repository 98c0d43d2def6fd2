//! Waivers: what they excuse (by id or name, an entity, or a device affected by a
//! vulnerability), and WARD-011…014 each with a raising and a passing fixture.

use crate::support::{assert_fixture_pairs, case_dirs, check_dir, expected_ids, fixtures, human};

#[test]
fn waiver_fixtures_give_exactly_the_expected_findings() {
    let cases = case_dirs(&fixtures().join("waivers"));
    assert_fixture_pairs(&cases, (11..=14).map(|n| format!("WARD-{n:03}")));
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = check_dir(&dir);
        let mut found: Vec<String> = outcome
            .findings
            .iter()
            .map(|f| {
                if f.waived_by.is_some() {
                    format!("{}~waived", f.rule.id)
                } else {
                    f.rule.id.clone()
                }
            })
            .collect();
        found.sort();
        assert_eq!(found, expected_ids(&dir), "{name}:\n{}", human(&outcome));
        insta::assert_snapshot!(format!("waivers-{name}"), human(&outcome));
    }
}
