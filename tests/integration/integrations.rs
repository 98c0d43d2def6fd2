//! The machine formats CI tools consume (SARIF, GitHub annotations, JUnit) and the
//! renderer contract: every format pinned on the example inventory, SARIF checked
//! against the official 2.1.0 schema, tool errors carried by every machine format.

use std::path::{Path, PathBuf};

use wardline::report::{concise, github, human, json, junit, sarif};

use crate::support::{check_dir, fixtures, wardline, write, write_local_pack};

fn riverside() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/riverside")
}

/// Fails with every schema violation when `log` is not valid SARIF 2.1.0.
fn assert_valid_sarif(log: &str) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    let instance: serde_json::Value = serde_json::from_str(log).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// Parses `xml` strictly and checks each suite's `tests`, `failures` and `skipped` count
/// what it holds; returns the number of test cases.
fn assert_valid_junit(xml: &str) -> usize {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let attribute = |e: &quick_xml::events::BytesStart, name: &str| -> usize {
        let value = e.try_get_attribute(name).unwrap().unwrap();
        std::str::from_utf8(&value.value).unwrap().parse().unwrap()
    };
    let (mut declared, mut counted, mut total) = ([0; 3], [0; 3], 0);
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuite" => {
                    assert_eq!(declared, counted, "a suite's counts");
                    declared = ["tests", "failures", "skipped"].map(|n| attribute(&e, n));
                    counted = [0; 3];
                }
                b"testcase" => {
                    counted[0] += 1;
                    total += 1;
                }
                b"failure" => counted[1] += 1,
                b"skipped" => counted[2] += 1,
                _ => {}
            },
            Event::Text(t) => {
                t.decode().unwrap();
            }
            _ => {}
        }
    }
    assert_eq!(declared, counted, "the last suite's counts");
    total
}

#[test]
fn every_format_is_pinned_on_the_example() {
    let outcome = check_dir(&riverside());
    let report = outcome.report(".");
    insta::assert_snapshot!("riverside-human", human::render(&report));
    insta::assert_snapshot!("riverside-concise", concise::render(&report));
    insta::assert_snapshot!("riverside-json", json::render(&report));
    let log = sarif::render(&report);
    assert_valid_sarif(&log);
    insta::assert_snapshot!("riverside-sarif", log);
    insta::assert_snapshot!("riverside-github", github::render(&report));
    insta::assert_snapshot!("riverside-github-summary", github::step_summary(&report));
    let xml = junit::render(&report);
    // One test case per (policy, entity) judged.
    let judged: usize = outcome.tallies.iter().map(|t| t.judged_count()).sum();
    assert_eq!(assert_valid_junit(&xml), judged);
    insta::assert_snapshot!("riverside-junit", xml);
}

#[test]
fn sarif_of_language_errors_is_valid() {
    for case in ["WARD-004-duplicate-name", "WARD-001-every-file-reported"] {
        let outcome = check_dir(&fixtures().join("language").join(case));
        let log = sarif::render(&outcome.report("."));
        assert_valid_sarif(&log);
        let log: serde_json::Value = serde_json::from_str(&log).unwrap();
        let run = &log["runs"][0];
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        // Only the language codes that occur are listed, and each result points at its rule.
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
        assert!(
            rules
                .iter()
                .all(|r| r["id"].as_str().unwrap().starts_with("WARD-"))
        );
    }
}

#[test]
fn sarif_columns_are_utf16_code_units() {
    let dir = tempfile::tempdir().unwrap();
    // The unknown reference comes after emoji: two UTF-16 units, one scalar value each.
    let text = "vendor v { label = \"\u{1f600}\u{1f600}\" } model m { vendor = nope }\n";
    write(dir.path(), "a.ward", text);
    let outcome = check_dir(dir.path());
    let log: serde_json::Value =
        serde_json::from_str(&sarif::render(&outcome.report("."))).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results[0]["ruleId"], "WARD-005");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    let column = text.find("nope").unwrap();
    let utf16 = text[..column].encode_utf16().count() + 1;
    assert_eq!(region["startColumn"], utf16);
    assert_eq!(region["endColumn"], utf16 + 4);
    assert_eq!(utf16, text[..column].chars().count() + 3);
}

/// Without an organization block, policies on the organization judge the inventory as a
/// whole: a case each, with its failure, counted in the suite header.
#[test]
fn junit_has_a_case_for_findings_about_the_whole_inventory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.ward", "vendor acme { label = \"Acme\" }\n");
    let outcome = check_dir(dir.path());
    let xml = junit::render(&outcome.report("."));
    let judged: usize = outcome.tallies.iter().map(|t| t.judged_count()).sum();
    let whole = outcome
        .findings
        .iter()
        .filter(|f| f.entity.is_none())
        .count();
    assert!(whole > 0);
    assert_eq!(assert_valid_junit(&xml), judged + whole);
    assert!(
        xml.contains(": inventory\" classname=\"nprm.NPRM-201\""),
        "{xml}"
    );
}

#[test]
fn machine_formats_do_not_depend_on_the_thread_count() {
    for format in ["sarif", "junit", "github"] {
        let run = |threads: &str| {
            wardline()
                .args(["check", "--format", format, "--threads", threads])
                .arg(riverside())
                .output()
                .unwrap()
                .stdout
        };
        let first = run("1");
        assert!(!first.is_empty());
        assert_eq!(first, run("2"), "{format}");
        assert_eq!(first, run("4"), "{format}");
    }
}

/// A configuration error: every machine format still writes a document carrying it.
#[test]
fn tool_errors_are_carried_by_every_machine_format() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wardline.toml",
        "[check]\nfail_onn = \"warning\"\n",
    );
    write(dir.path(), "a.ward", "vendor acme { }\n");
    let run = |format: &str| {
        let output = wardline()
            .args(["check", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("unknown key `fail_onn`"),
            "{format}"
        );
        String::from_utf8(output.stdout).unwrap()
    };

    let log = run("sarif");
    assert_valid_sarif(&log);
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(
        notification["message"]["text"]
            .as_str()
            .unwrap()
            .contains("unknown key `fail_onn`")
    );
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "wardline.toml");
    assert_eq!(location["region"]["startLine"], 2);

    let document: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(document["errors"][0]["file"], "wardline.toml");
    assert_eq!(document["errors"][0]["line"], 2);
    assert!(document["findings"].as_array().unwrap().is_empty());

    let annotations = run("github");
    assert!(
        annotations.starts_with("::error file=wardline.toml,line=2,col=1,title=wardline::"),
        "{annotations}"
    );
    assert!(annotations.contains("unknown key `fail_onn`"));

    // The help goes on a line of its own (an encoded line break), without location.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.ward", "vendor acme { }\n");
    let output = wardline()
        .args(["check", "--format", "github", "--select", "NOPE"])
        .arg(clean.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "::error title=wardline::`NOPE` matches no policy id, id prefix or name%0Ahelp: `wardline policies` lists every policy\n"
    );

    let junit = run("junit");
    assert_valid_junit(&junit);
    assert!(junit.contains("<testsuite name=\"wardline\" tests=\"1\" failures=\"0\" errors=\"1\""));
    assert!(
        junit.contains("<error message=\"unknown key `fail_onn`"),
        "{junit}"
    );
}

/// A bad pack stops the run like a bad configuration, and SARIF says which file.
#[test]
fn pack_errors_reach_the_sarif_log() {
    let dir = tempfile::tempdir().unwrap();
    hostile_inventory(dir.path());
    write(
        dir.path(),
        "local/LOCAL-001-labelled.toml",
        "id = \"LOCAL-001\"\n",
    );
    let output = wardline()
        .args(["check", "--format", "sarif"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let log = String::from_utf8(output.stdout).unwrap();
    assert_valid_sarif(&log);
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let notification = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "local/LOCAL-001-labelled.toml"
    );
    assert!(log["runs"][0]["results"].as_array().unwrap().is_empty());
}

/// GitHub's decoding of workflow command values.
fn decode(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// A pack and an inventory whose strings hold every character GitHub's command syntax
/// or a terminal gives a meaning to.
fn hostile_inventory(dir: &Path) {
    write(
        dir,
        "wardline.toml",
        "as_of = 2026-11-29\n[policies]\nextra = [\"local\"]\n[check]\nselect = [\"LOCAL\"]\n",
    );
    write_local_pack(dir);
    write(
        dir,
        "local/LOCAL-001-labelled.toml",
        r#"id = "LOCAL-001"
name = "labelled"
title = "Vendor label"
severity = "error"
cite = ["policy 7: a, b"]
for = "vendor"
require = "false"
at = "label"
message = "100% of {name}: {label}"
"#,
    );
    write(
        dir,
        "inv, a:b%.ward",
        "vendor acme { label = \"a:b, c%25\\n::warning::x\\r\\u{1b}[2J\" }\n",
    );
}

#[test]
fn github_commands_round_trip_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    hostile_inventory(dir.path());
    let summary = dir.path().join("summary.md");
    let output = wardline()
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    // One command, on one line: nothing in the inventory could end it or start another.
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\r'));
    let line = stdout.trim_end();
    let rest = line.strip_prefix("::error ").unwrap();
    let (properties, message) = rest.split_once("::").unwrap();
    let message_sent = "100% of acme: a:b, c%25\n::warning::x\r\u{1b}[2J";
    assert_eq!(
        decode(message),
        wardline::text::escape_controls(message_sent)
    );
    let properties: Vec<(&str, String)> = properties
        .split(',')
        .map(|p| {
            let (key, value) = p.split_once('=').unwrap();
            (key, decode(value))
        })
        .collect();
    assert_eq!(properties[0], ("file", "inv, a:b%.ward".to_owned()));
    assert_eq!(properties[1], ("line", "1".to_owned()));
    assert_eq!(
        properties.last().unwrap(),
        &("title", "LOCAL-001 labelled".to_owned())
    );

    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.contains("| error | LOCAL-001 labelled |"),
        "{summary}"
    );
    assert!(!summary.contains('\u{1b}'));
    // A second step appends instead of replacing.
    wardline()
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md"))
        .assert()
        .code(1);
    let twice = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert_eq!(twice, summary.repeat(2));
}

/// GitHub shows ten annotations per level: errors come first, and the step summary
/// lists every finding and says how many GitHub will not show.
#[test]
fn annotations_rank_errors_first_and_the_summary_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    hostile_inventory(dir.path());
    write(
        dir.path(),
        "local/LOCAL-002-unlabelled.toml",
        "id = \"LOCAL-002\"\nname = \"unlabelled\"\ntitle = \"t\"\nseverity = \"warning\"\n\
         cite = []\nfor = \"vendor\"\nrequire = \"false\"\nmessage = \"{name} warned\"\n",
    );
    // Sorted by file, each vendor's warning comes before its error.
    let vendors: String = (0..12)
        .map(|i| format!("vendor v{i:02} {{ label = \"x\" }}\n"))
        .collect();
    write(dir.path(), "inv, a:b%.ward", vendors);
    let outcome = check_dir(dir.path());
    let report = outcome.report(".");
    let commands = github::render(&report);
    let levels: Vec<&str> = commands
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(levels.len(), 24);
    assert!(levels[..12].iter().all(|&l| l == "::error"), "{commands}");
    assert!(levels[12..].iter().all(|&l| l == "::warning"), "{commands}");
    let summary = github::step_summary(&report);
    assert_eq!(
        summary.lines().filter(|l| l.starts_with("| error")).count(),
        12
    );
    assert!(
        summary.contains("4 not annotated: GitHub shows at most 10 annotations per level"),
        "{summary}"
    );
}

#[test]
fn hostile_text_stays_valid_sarif_and_xml() {
    let dir = tempfile::tempdir().unwrap();
    hostile_inventory(dir.path());
    let outcome = check_dir(dir.path());
    let report = outcome.report(".");
    let log = sarif::render(&report);
    assert_valid_sarif(&log);
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "inv%2C%20a%3Ab%25.ward"
    );
    let xml = junit::render(&report);
    assert_valid_junit(&xml);
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "{xml}");
    assert!(xml.contains("file=\"inv, a:b%.ward\""));
}

#[test]
fn quiet_is_a_render_option() {
    let outcome = check_dir(&riverside());
    let mut report = outcome.report(".");
    let loud = concise::render(&report);
    report.options.quiet = true;
    let text = concise::render(&report);
    assert_eq!(text.lines().count(), loud.lines().count() - 1, "{text}");
    assert!(loud.starts_with(&text));
    assert!(!human::render(&report).contains("as of 2026-11-29"));
}

fn project_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The hook is declared as CLI.md §6 says; `.ci/pre-commit-test` runs it for real.
#[test]
fn pre_commit_hook_is_declared_as_specified() {
    let hooks = project_file(".pre-commit-hooks.yaml");
    let lines: Vec<&str> = hooks.lines().map(str::trim).collect();
    for expected in [
        "- id: wardline",
        "entry: wardline check --format concise",
        "language: rust",
        r"files: \.(ward|toml)$",
        "pass_filenames: false",
    ] {
        assert!(lines.contains(&expected), "missing `{expected}`");
    }
}

#[test]
fn example_workflow_uses_the_cli_syntax() {
    let workflow = project_file("examples/github-workflow.yml");
    for expected in [
        "wardline check --baseline origin/${{ github.base_ref }} --format github",
        "wardline check --format sarif > wardline.sarif",
        "uses: github/codeql-action/upload-sarif@",
        "wardline diff origin/${{ github.base_ref }} --format markdown",
        "fetch-depth: 0",
    ] {
        assert!(workflow.contains(expected), "missing `{expected}`");
    }
    assert!(!workflow.contains('\t'), "YAML forbids tabs");
}
