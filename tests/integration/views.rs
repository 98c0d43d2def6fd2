//! `wardline map` and `wardline report`: the example's map (Mermaid, DOT) and Markdown
//! report pinned by snapshots, warning styles on unguarded paths, the HTML well-formed and
//! self-contained, hostile inventory strings kept inert, and Graphviz rendering the DOT.
//! Where Graphviz is needed and absent the test says so and passes, unless
//! `WARDLINE_REQUIRE_TOOLS` is set (CI's `.ci/render-report` sets it after installing it).

use std::path::Path;
use std::process::{Command, Stdio};

use wardline::report::map::{self, NetworkMap};
use wardline::report::sra;

use crate::support::{check_dir, wardline, write};

fn riverside() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/riverside")
}

/// Runs the binary from the project root, expecting exit 0; its stdout. A `dir` inside
/// the project is passed relative, as a user would, so output naming it is the same in
/// every checkout.
fn run(args: &[&str], dir: &Path) -> String {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = wardline()
        .current_dir(project)
        .args(args)
        .arg(dir.strip_prefix(project).unwrap_or(dir))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `dot -Tsvg` of `dot`, or `None` when Graphviz is not installed (and not required).
fn graphviz(dot: &str) -> Option<String> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var_os("WARDLINE_REQUIRE_TOOLS").is_none(),
                "Graphviz `dot` is required: {error}"
            );
            eprintln!("skipped: Graphviz `dot` is not installed ({error})");
            return None;
        }
    };
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "dot failed: {stderr}");
    assert!(stderr.trim().is_empty(), "dot warned: {stderr}");
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn riverside_map_and_report() {
    let dir = riverside();
    let mermaid = run(&["map"], &dir);
    insta::assert_snapshot!("riverside-map-mermaid", mermaid);
    let dot = run(&["map", "--format", "dot"], &dir);
    insta::assert_snapshot!("riverside-map-dot", dot);
    if let Some(svg) = graphviz(&dot) {
        assert!(svg.contains("<svg") && svg.contains("zone ehr"));
    }
    // The example lives in this repository, whose history changes with every commit.
    let markdown = run(&["report", "--no-history"], &dir);
    insta::assert_snapshot!("riverside-report-markdown", markdown);
    // The README's map is this one.
    assert!(markdown.contains(&format!("```mermaid\n{mermaid}```\n")));
}

/// An inventory whose unguarded flows make paths from a medical segment to the EHR and
/// from guest Wi-Fi into the clinical segment.
const EXPOSED: &str = r#"
organization clinic { label = "Clinic" }
vendor acme { }
model pump { vendor = acme kind = infusion_pump }
vlan devices { id = 30 zone = medical label = "Pumps" }
vlan core { id = 40 zone = clinical }
vlan ehr { id = 50 zone = ehr }
vlan wifi { id = 200 zone = guest }
vlan admin { id = 10 zone = management }
safeguard fw { kind = firewall covers = [ehr] }
safeguard nightly { kind = backup covers = [core] }
flow devices-core { from = devices to = core ports = [443] }
flow core-ehr { from = core to = ehr ports = any via = [nightly] }
flow wifi-core { from = wifi to = core ports = [80, 443] }
flow admin-ehr { from = admin to = ehr ports = [22] via = [fw] }
flow ehr-admin { from = ehr to = admin ports = [514] }
device pump-01 { model = pump vlan = devices ephi = [transmit] }
device pump-02 { model = pump vlan = devices ephi = [] }
device pump-00 { model = pump vlan = devices ephi = [store] decommissioned = 2020-01-01 }
"#;

#[test]
fn unguarded_paths_are_drawn_as_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
    write(dir.path(), "inventory.ward", EXPOSED);
    let outcome = check_dir(dir.path());
    let map = NetworkMap::new(&outcome.inventory);
    let warned: Vec<(&str, bool, bool)> = map
        .links
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.warning.medical_to_ehr,
                l.warning.from_open,
            )
        })
        .collect();
    // Flow order is declaration order; `core-ehr` passes only a backup, which guards
    // nothing, so guest Wi-Fi reaches the EHR and, on from there, the management segment.
    assert_eq!(
        warned,
        [
            ("devices-core", true, false),
            ("core-ehr", true, true),
            ("wifi-core", false, true),
            ("admin-ehr", false, false),
            ("ehr-admin", false, true),
        ]
    );
    let devices = &map.segments[0];
    assert_eq!(
        (devices.name.as_str(), devices.devices, devices.ephi_devices),
        ("devices", 2, 1)
    );
    insta::assert_snapshot!("exposed-map-mermaid", map::mermaid::render(&map));
    let dot = map::dot::render(&map);
    insta::assert_snapshot!("exposed-map-dot", dot);
    graphviz(&dot);

    let report = sra::markdown::render(&sra::build(&outcome.report(".")));
    assert!(
        report.contains("| `devices` | medical | 2 | 1 | **devices-core → core-ehr** | none |")
    );
    assert!(report.contains(
        "| `admin` | management | 0 | 0 | none | **wifi-core → core-ehr → ehr-admin** |"
    ));
}

/// Checks that `html` is well-formed XML (so the HTML parses the one way) and refers to
/// nothing outside itself.
fn assert_well_formed_and_self_contained(html: &str) {
    use quick_xml::events::Event;
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    for external in [
        "http:", "https:", "//", "<script", "<link", "<img", "<iframe", "@import", "url(",
    ] {
        assert!(!html.contains(external), "the HTML holds `{external}`");
    }
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let (mut depth, mut roots) = (0usize, 0);
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                roots += usize::from(depth == 0);
                depth += 1;
                assert_attributes_local(&e);
            }
            Event::Empty(e) => {
                roots += usize::from(depth == 0);
                assert_attributes_local(&e);
            }
            Event::End(_) => depth -= 1,
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                assert!(
                    r.is_char_ref() || ["amp", "lt", "gt", "quot", "apos"].contains(&&*name),
                    "an entity XML does not know: &{name};"
                );
            }
            _ => {}
        }
    }
    assert_eq!(
        (depth, roots),
        (0, 1),
        "one root element, every element closed"
    );
}

/// An element's links stay inside the document and it loads nothing.
fn assert_attributes_local(element: &quick_xml::events::BytesStart) {
    for attribute in element.attributes() {
        let attribute = attribute.unwrap();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .unwrap();
        let key = attribute.key.as_ref();
        if key == b"href" || key.ends_with(b":href") {
            assert!(value.starts_with('#'), "a link out: {value}");
        }
        assert!(key != b"src", "an external source: {value}");
    }
}

#[test]
fn html_report_is_well_formed_and_self_contained() {
    let dir = riverside();
    let outcome = check_dir(&dir);
    let document = sra::build(&outcome.report("examples/riverside"));
    let without_graphviz = sra::html::render(&document, None);
    assert_well_formed_and_self_contained(&without_graphviz);
    assert!(without_graphviz.contains("<pre>flowchart LR\n"));
    assert!(without_graphviz.contains("@media print"));
    if let Some(svg) = graphviz(&map::dot::render(&document.map)) {
        let with_svg = sra::html::render(&document, Some(&svg));
        assert_well_formed_and_self_contained(&with_svg);
        assert!(with_svg.contains("<figure class=\"map\">\n<svg"));
    }

    // The binary writes the same file, with or without Graphviz on PATH.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.html");
    let output = wardline()
        .args(["report", "--format", "html", "--out"])
        .arg(&file)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    assert_well_formed_and_self_contained(&std::fs::read_to_string(&file).unwrap());
}

#[test]
fn hostile_strings_stay_text_in_every_view() {
    let hostile = r#"x\"]; s0 --> s1 %% </pre><script>alert(1)</script> [a](https://evil.example) &#x202e; \\N ` # \u{1b}[31m \u{202e} www.evil.example"#;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
    let inventory = EXPOSED
        .replace("label = \"Clinic\"", &format!("label = \"{hostile}\""))
        .replace("label = \"Pumps\"", &format!("label = \"{hostile}\""));
    write(dir.path(), "inventory.ward", inventory);
    let outcome = check_dir(dir.path());
    let document = sra::build(&outcome.report("."));

    let mermaid = map::mermaid::render(&document.map);
    for line in mermaid.lines() {
        assert_eq!(
            line.matches('"').count() % 2,
            0,
            "unbalanced quotes: {line}"
        );
        assert!(
            !line.contains('<') || line.contains("<br/>"),
            "markup: {line}"
        );
        assert!(
            !line.contains("://") && !line.contains('\u{202e}'),
            "{line}"
        );
    }
    assert!(!mermaid.contains("%%") && !mermaid.contains("s0 --> s1"));

    let dot = map::dot::render(&document.map);
    assert!(!dot.contains('\u{1b}') && !dot.contains('\u{202e}') && !dot.contains("&#x202e;"));
    if let Some(svg) = graphviz(&dot) {
        assert!(!svg.contains("<script") && !svg.contains('\u{202e}'));
        let html = sra::html::render(&document, Some(&svg));
        assert_well_formed_and_self_contained(&html);
    }

    let html = sra::html::render(&document, None);
    assert_well_formed_and_self_contained(&html);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#47;script&gt;"));
    assert!(!html.contains('\u{1b}') && !html.contains('\u{202e}'));

    let markdown = sra::markdown::render(&document);
    assert!(markdown.contains(&format!("```mermaid\n{mermaid}```\n")));
    let markdown = markdown.replace(&mermaid, "");
    // Only escaped tags, and only the contents' links.
    assert_eq!(
        markdown.matches("<script").count(),
        markdown.matches("\\<script").count()
    );
    assert_eq!(
        markdown.matches("](").count(),
        markdown.matches("](#").count()
    );
    assert!(!markdown.contains("https:"));
    assert!(!markdown.contains("www.evil") && !markdown.contains('\u{1b}'));
    assert!(markdown.contains("\\<script\\>alert\\(1\\)\\</script\\>"));
}

#[test]
fn views_refuse_an_inventory_with_language_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "inventory.ward",
        "vlan a { id = 1 zone = nowhere }\n",
    );
    for args in [&["map"][..], &["report", "--format", "html"]] {
        let output = wardline().args(args).arg(dir.path()).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        assert!(String::from_utf8_lossy(&output.stderr).contains("WARD-007"));
    }
}

#[test]
fn report_is_the_same_every_run() {
    let dir = riverside();
    let first = run(&["report", "--format", "html", "--no-history"], &dir);
    assert_eq!(
        first,
        run(&["report", "--format", "html", "--no-history"], &dir)
    );
}

#[test]
fn an_inventory_without_segments_still_has_a_map_and_a_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
    write(
        dir.path(),
        "inventory.ward",
        "vendor acme { }\nmodel pump { vendor = acme }\ndevice pump-01 { model = pump }\n",
    );
    assert_eq!(
        run(&["map"], dir.path()),
        "flowchart LR\n  empty[\"no network segments\"]\n"
    );
    graphviz(&run(&["map", "--format", "dot"], dir.path()));
    let markdown = run(&["report"], dir.path());
    assert!(markdown.contains("No organization block"));
    assert!(markdown.contains("No network segment is recorded"));
    assert_well_formed_and_self_contained(&run(&["report", "--format", "html"], dir.path()));
}

#[test]
fn a_report_that_cannot_be_written_is_an_error() {
    let out = tempfile::tempdir().unwrap();
    let output = wardline()
        .args(["report", "--out"])
        .arg(out.path().join("missing/report.md"))
        .arg(riverside())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write"));
}

#[test]
fn map_and_report_read_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
    write(dir.path(), "inventory.ward", EXPOSED);
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let signature = git2::Signature::now("test", "test@example.invalid").unwrap();
    repo.commit(Some("HEAD"), &signature, &signature, "exposed", &tree, &[])
        .unwrap();
    // The working tree guards the way to the EHR; the commit does not.
    let guarded = EXPOSED.replace("via = [nightly]", "via = [fw]");
    write(dir.path(), "inventory.ward", &guarded);

    let committed = run(&["map", "--rev", "HEAD"], dir.path());
    assert!(committed.contains("via nightly (not guarding)"));
    assert!(run(&["map"], dir.path()).contains("core-ehr, ports any<br/>via fw\""));
    let report = run(&["report", "--rev", "HEAD"], dir.path());
    assert!(report.lines().nth(2).unwrap().contains(", revision "));
}
