//! Untrusted input (CLI.md §3): one test per defect of the hostile-input audit, then an
//! adversarial corpus run through every output format by the real binary.

use std::path::Path;
use std::time::Duration;

use crate::support::{wardline, write};

/// The formats whose output a terminal or CI log shows as text.
const TEXT_FORMATS: &[&str] = &["human", "concise"];
/// Every output format.
const FORMATS: &[&str] = &["human", "concise", "json"];

/// A minimal inventory: one unpatchable ePHI pump (as the audit's scripts use).
fn base(dir: &Path, pump_extra: &str) {
    write(dir, "wardline.toml", "as_of = 2026-11-29\n");
    write(
        dir,
        "inv.ward",
        format!(
            r#"vendor acme {{
  label = "Acme"
  baa {{ signed = 2024-01-01 expires = 2030-01-01 }}
}}
model pump {{
  vendor = acme
  os {{ name = "Windows CE" version = "6.0" }}
  mds2 {{ received = 2024-01-01 }}
}}
vlan med {{
  id = 30
  zone = medical
}}
device pump-01 {{
  model = pump
  vlan = med
  ephi = [store, transmit]
  patch {{ status = unpatchable }}
{pump_extra}
}}
"#
        ),
    );
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn run(args: &[&str], dir: &Path) -> Run {
    let output = wardline()
        .args(args)
        .arg(dir)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}

/// No byte that could drive a terminal or start a CI workflow command: controls other
/// than line feed, and no line that starts with `::`.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some(c) = text
        .chars()
        .find(|&c| (c.is_control() && c != '\n') || wardline::text::is_invisible(c))
    {
        panic!("{what}: raw U+{:04X} in output:\n{text}", u32::from(c));
    }
    assert!(
        !text.lines().any(|l| l.starts_with("::")),
        "{what}: a line starts with `::`:\n{text}"
    );
}

fn check_every_format(dir: &Path) {
    for format in FORMATS {
        let run = run(&["check", "--color", "never", "--format", format], dir);
        assert!(
            matches!(run.code, Some(0..=2)),
            "{format}: exit {:?}\n{}",
            run.code,
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&run.stderr).contains("panicked"),
            "{format} panicked"
        );
        assert_inert(&format!("{format} stderr"), &run.stderr);
        if TEXT_FORMATS.contains(format) {
            assert_inert(format, &run.stdout);
        }
        if *format == "json" && run.code != Some(2) {
            let _: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        }
    }
}

#[test]
fn strings_from_the_inventory_cannot_inject_escapes_or_workflow_commands() {
    let dir = tempfile::tempdir().unwrap();
    base(
        dir.path(),
        r#"  label = "\u{1b}[2J\u{1b}[31mRAW-ESC"
  os { name = "\u{1b}]8;;https://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\\n::error file=inv.ward,line=1::FAKE" }"#,
    );
    let concise = run(&["check", "--format", "concise"], dir.path());
    assert_eq!(concise.code, Some(1));
    let text = String::from_utf8(concise.stdout.clone()).unwrap();
    assert!(text.contains(r"\u{1b}]8;;https://evil.example/"), "{text}");
    assert!(text.contains(r"\u{a}::error file=inv.ward"), "{text}");
    check_every_format(dir.path());
}

#[test]
fn file_names_cannot_inject_lines() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    std::fs::rename(
        dir.path().join("inv.ward"),
        dir.path()
            .join("z\n::error title=PWNED::x \u{1b}[31mred.ward"),
    )
    .unwrap();
    let concise = run(&["check", "--format", "concise"], dir.path());
    let text = String::from_utf8(concise.stdout.clone()).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with(r"z\u{a}::error title=PWNED::x \u{1b}[31mred.ward:")),
        "{text}"
    );
    check_every_format(dir.path());
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_show_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    let name = std::ffi::OsStr::from_bytes(b"inv-\xff.ward");
    std::fs::rename(dir.path().join("inv.ward"), dir.path().join(name)).unwrap();
    let concise = run(&["check", "--format", "concise"], dir.path());
    let text = String::from_utf8(concise.stdout).unwrap();
    assert!(text.starts_with(r"inv-\xff.ward:"), "{text}");
}

#[cfg(unix)]
#[test]
fn files_outside_the_repository_are_refused_without_their_content() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.toml",
        "FAKE_SECRET_TOKEN = \"ghp_THIS_IS_A_FAKE_SECRET\"\n",
    );
    write(
        outside.path(),
        "pack/pack.toml",
        "pack = \"x\"\ntitle = \"ghp_THIS_IS_A_FAKE_SECRET\"\nstatus = \"local\"\n",
    );
    write(
        outside.path(),
        "elsewhere.ward",
        "vendor ghp_THIS_IS_A_FAKE_SECRET { }\n",
    );
    let secret = outside.path().join("secret.toml");
    type Setup<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: [(&str, Setup); 5] = [
        (
            "`wardline.toml`",
            Box::new(|dir: &Path| {
                std::fs::remove_file(dir.join("wardline.toml")).unwrap();
                std::os::unix::fs::symlink(&secret, dir.join("wardline.toml")).unwrap();
            }),
        ),
        (
            "`/",
            Box::new(|dir: &Path| {
                let pack = outside.path().join("pack");
                let extra = format!("[policies]\nextra = [\"{}\"]\n", pack.display());
                write(dir, "wardline.toml", extra);
            }),
        ),
        (
            "`../../..`",
            Box::new(|dir: &Path| {
                write(dir, "wardline.toml", "[policies]\nextra = [\"../../..\"]\n");
            }),
        ),
        (
            "`local/pack.toml`",
            Box::new(|dir: &Path| {
                write(dir, "wardline.toml", "[policies]\nextra = [\"local\"]\n");
                std::fs::create_dir_all(dir.join("local")).unwrap();
                std::os::unix::fs::symlink(
                    outside.path().join("pack/pack.toml"),
                    dir.join("local/pack.toml"),
                )
                .unwrap();
            }),
        ),
        (
            "`linked.ward`",
            Box::new(|dir: &Path| {
                std::os::unix::fs::symlink(
                    outside.path().join("elsewhere.ward"),
                    dir.join("linked.ward"),
                )
                .unwrap();
            }),
        ),
    ];
    for (named, make) in cases {
        let repo = tempfile::tempdir().unwrap();
        base(repo.path(), "");
        make(repo.path());
        let run = run(&["check", "--color", "never"], repo.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.code, Some(2), "{named}: {stderr}");
        assert!(stderr.contains(named), "{named}: {stderr}");
        assert!(stderr.contains("outside the repository"), "{stderr}");
        assert!(!stderr.contains("ghp_"), "{named} leaked: {stderr}");
        assert!(!String::from_utf8_lossy(&run.stdout).contains("ghp_"));
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_ward_file_inside_the_repository_is_read() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    std::fs::rename(
        dir.path().join("inv.ward"),
        dir.path().join("shared/inv.ward"),
    )
    .unwrap();
    std::os::unix::fs::symlink("shared/inv.ward", dir.path().join("linked.ward")).unwrap();
    let run = run(&["check", "--format", "concise"], dir.path());
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("in 2 files"), "{text}");
    // The same blocks twice: the link was read as a file of its own.
    assert!(text.contains("WARD-004"), "{text}");
}

#[test]
fn human_output_survives_a_diagnostic_past_column_65535() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.ward",
        format!("device x {{ label = \"{}\" oops }}\n", "A".repeat(65_600)),
    );
    let run = run(&["check", "--color", "never"], dir.path());
    assert_eq!(run.code, Some(2));
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("[a.ward:1:65628]"), "{text}");
    assert!(text.contains("\" oops }"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 400), "{text}");
    check_every_format(dir.path());
}

#[test]
fn cr_only_line_ends_are_an_error_not_an_empty_inventory() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    let text = std::fs::read_to_string(dir.path().join("inv.ward")).unwrap();
    write(dir.path(), "inv.ward", text.replace('\n', "\r"));
    let run = run(&["check", "--format", "concise"], dir.path());
    assert_eq!(run.code, Some(2));
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(
        text.contains("error[WARD-001] carriage return without a line feed"),
        "{text}"
    );
}

#[test]
fn many_configuration_errors_stay_proportional() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    let selectors: Vec<String> = (0..8000).map(|i| format!("\"NOPE-{i}\"")).collect();
    let config = format!(
        "as_of = 2026-11-29\n[check]\nignore = [{}]\n",
        selectors.join(",")
    );
    write(dir.path(), "wardline.toml", &config);
    let run = run(&["check", "--color", "never"], dir.path());
    assert_eq!(run.code, Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("`NOPE-0` matches no policy"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    // Each error shows a window of the one long line, never the whole file.
    assert!(
        run.stderr.len() < 8000 * 2048,
        "{} bytes of errors",
        run.stderr.len()
    );
}

#[test]
fn configurations_that_check_nothing_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    let run_ignore = run(&["check", "--ignore", ""], dir.path());
    assert_eq!(run_ignore.code, Some(2));
    assert!(String::from_utf8_lossy(&run_ignore.stderr).contains("empty selector"));

    write(dir.path(), "wardline.toml", "[check]\nignore = [\"\"]\n");
    assert_eq!(run(&["check"], dir.path()).code, Some(2));

    write(
        dir.path(),
        "wardline.toml",
        "include = [\"inventroy/**/*.ward\"]\n",
    );
    let typo = run(&["check", "--color", "never"], dir.path());
    assert_eq!(typo.code, Some(2));
    let stderr = String::from_utf8_lossy(&typo.stderr);
    assert!(
        stderr.contains("no `.ward` files under") && stderr.contains("`inventroy/**/*.ward`"),
        "{stderr}"
    );

    let empty = tempfile::tempdir().unwrap();
    let nothing = run(&["check", "--color", "never"], empty.path());
    assert_eq!(nothing.code, Some(2));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("wardline init"));
}

#[test]
fn include_everything_still_reads_only_ward_files() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    write(
        dir.path(),
        "wardline.toml",
        "as_of = 2026-11-29\ninclude = [\"**\"]\n",
    );
    write(dir.path(), "notes.txt", "not { an inventory");
    let run = run(&["check", "--format", "concise"], dir.path());
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("in 1 file,"), "{text}");
    assert!(!text.contains("WARD-001"), "{text}");
}

#[cfg(target_os = "linux")]
#[test]
fn failed_writes_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    for args in [
        &["check", "--format", "json", "--fail-on", "never"][..],
        &["check", "--format", "human"],
        &["policies"],
        &["explain", "HIPAA-105"],
    ] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("wardline"))
            .args(args)
            .arg(dir.path())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("cannot write the output"),
            "{args:?}"
        );
    }
}

#[test]
fn thread_counts_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    assert_eq!(
        run(&["check", "--threads", "10000"], dir.path()).code,
        Some(2)
    );
    assert_eq!(run(&["check", "--threads", "0"], dir.path()).code, Some(1));
    assert_eq!(
        run(&["check", "--threads", "256"], dir.path()).code,
        Some(1)
    );
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path(), "");
    let run_small = run(&["check", "--max-file-size", "100"], dir.path());
    assert_eq!(run_small.code, Some(2));
    let stderr = String::from_utf8_lossy(&run_small.stderr);
    assert!(
        stderr.contains("more than the limit of 100 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-file-size"), "{stderr}");
}

/// Control characters, bidi overrides, confusables, CR-only and long lines, huge names
/// and deep nesting: every format, no panic, no raw control character in text output.
#[test]
fn adversarial_corpus_through_every_format() {
    let long_name = "n".repeat(1 << 20);
    let corpus: Vec<(&str, String)> = vec![
        ("controls", "vendor a { label = \"\u{7}\u{8}\u{1b}[1A\u{9b}2J\u{7f}\" }\n".into()),
        ("bidi", "vendor a { label = \"\u{202e}evil\u{202c}\" } # \u{2066}x\u{2069}\n".into()),
        ("confusable", "vendor a { }\nmodel m { vendor = a os { name = \"Windows \u{425}P\" version = \"SP3\" } }\n".into()),
        ("cr-only", "vendor a {\r  label = \"x\"\r}\r".into()),
        ("long-line", format!("vendor a {{ label = \"{}\" }} junk\n", "x".repeat(70_000))),
        ("huge-name", format!("vendor {long_name} {{ }}\nmodel m {{ vendor = {long_name}x }}\n")),
        ("deep", format!("device a {{ {} }}\n", "k { ".repeat(5000))),
        ("nul-escape", "vendor a { label = \"\\u{0}\" }\n".into()),
        ("bad-utf8", "vendor a { label = \"\u{fffd}\" }\n".replace('\u{fffd}', "\u{ff}")),
    ];
    for (name, text) in corpus {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
        let mut bytes = text.into_bytes();
        if name == "bad-utf8" {
            let at = bytes
                .windows(2)
                .position(|w| w == "\u{ff}".as_bytes())
                .unwrap();
            bytes.splice(at..at + 2, [0xff]);
        }
        write(dir.path(), &format!("{name}.ward"), bytes);
        check_every_format(dir.path());
    }
}

#[test]
fn huge_values_are_cut_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "x".repeat(100_000);
    base(dir.path(), &format!("  os {{ name = \"{huge}\" }}"));
    let run = run(&["check", "--format", "concise"], dir.path());
    assert_eq!(run.code, Some(1));
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.contains("xxx…"), "{}", &text[..text.len().min(2000)]);
    assert!(text.lines().all(|l| l.len() < 1000));
}
