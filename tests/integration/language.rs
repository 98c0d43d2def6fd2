//! Every language diagnostic has fixtures that raise it and fixtures that do not; the
//! `# expect:` markers carry the meaning, the snapshots pin the presentation.

use crate::support::{
    assert_fixture_pairs, case_dirs, check_language, expected_ids, fixtures, found_ids, human, json,
};

#[test]
fn language_fixtures_raise_exactly_the_expected_diagnostics() {
    let cases = case_dirs(&fixtures().join("language"));
    assert!(cases.len() >= 30, "fixtures went missing");
    for dir in cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = check_language(&dir);
        assert_eq!(
            found_ids(&outcome),
            expected_ids(&dir),
            "{name}:\n{}",
            human(&outcome)
        );
        insta::assert_snapshot!(format!("language-{name}"), human(&outcome));
    }
}

#[test]
fn every_language_error_has_a_raising_and_a_passing_fixture() {
    let cases = case_dirs(&fixtures().join("language"));
    assert_fixture_pairs(&cases, (1..=10).chain([15]).map(|n| format!("WARD-{n:03}")));
}

#[test]
fn json_output_of_language_errors() {
    let outcome = check_language(&fixtures().join("language/WARD-001-every-file-reported"));
    insta::assert_snapshot!(json(&outcome));
}

#[test]
fn duplicates_point_at_the_later_occurrence_with_the_first_as_secondary() {
    let outcome = check_language(&fixtures().join("language/WARD-004-duplicate-name"));
    let finding = &outcome.findings[0];
    let report = outcome.report(".");
    let primary = report
        .location(finding.primary.as_ref().unwrap().span)
        .unwrap();
    let secondary = report.location(finding.secondary[0].span).unwrap();
    assert_eq!((primary.file, secondary.file), ("b.ward", "a.ward"));
}

#[test]
fn the_readme_ward_examples_parse() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let examples: Vec<&str> = readme
        .split("```ward")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default())
        .collect();
    assert!(examples.len() >= 2);
    for example in examples {
        let (_, errors) = wardline::syntax::parse(wardline::source::FileId(0), example);
        assert!(errors.is_empty(), "{errors:#?}\n{example}");
    }
}
