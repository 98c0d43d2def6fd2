//! Hostile input never panics and always yields a clear diagnostic or a clean parse.

use wardline::check::check;
use wardline::config::Config;
use wardline::discover::InputFile;
use wardline::finding::Finding;
use wardline::policy::PolicySet;
use wardline::report::concise;
use wardline::source::FileId;
use wardline::syntax::{MAX_DEPTH, decode, parse};

use crate::support::{fixtures, walk, write_local_pack};

/// Decodes and parses like the pipeline does: the text spans index, and every error.
fn parse_bytes(bytes: &[u8]) -> (String, Vec<Finding>) {
    let (text, error) = decode(FileId(0), bytes.to_vec());
    let errors = match error {
        Some(error) => vec![error],
        None => parse(FileId(0), &text).1,
    };
    (text, errors)
}

fn messages(bytes: &[u8]) -> Vec<String> {
    parse_bytes(bytes)
        .1
        .into_iter()
        .map(|e| format!("{} {}", e.rule.id, e.message))
        .collect()
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    assert_eq!(
        messages(b"vendor a { label = \"\xff\" }"),
        ["WARD-001 invalid UTF-8 at byte 20"]
    );
}

#[test]
fn nul_byte_names_the_byte_offset() {
    assert_eq!(messages(b"vendor a {\0}"), ["WARD-001 NUL byte at byte 10"]);
}

#[test]
fn empty_comment_only_and_crlf_files_parse() {
    assert!(messages(b"").is_empty());
    assert!(messages(b"# nothing\n   # at all\n").is_empty());
    assert!(messages(b"\xef\xbb\xbfvendor a {\r\n  label = \"x\"\r\n}\r\n").is_empty());
}

#[test]
fn a_ten_megabyte_line() {
    let long = "x".repeat(10 * 1024 * 1024);
    assert!(messages(format!("vendor a {{ label = \"{long}\" }}").as_bytes()).is_empty());
    let errors = messages(format!("vendor a {{ label = {long} {long} }}").as_bytes());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("WARD-001 expected `=` or `{` after key `xxxx"),
        "{}",
        &errors[0][..80.min(errors[0].len())]
    );
    assert!(errors[0].len() < 200);
    // The whole pipeline and the human renderer on the same line: a window of it is shown.
    let files = vec![InputFile {
        path: "long.ward".into(),
        bytes: format!("vendor a {{ label = {long} {long} }}").into_bytes(),
    }];
    let config = Config::default();
    let no_policies = PolicySet::default();
    let judge = config.judge(&no_policies, &[], crate::support::as_of());
    let human = crate::support::human(&check(files, &judge));
    assert!(human.len() < 4000, "{}", human.len());
    assert!(human.contains("[long.ward:1:20971542]"), "{human}");
}

#[test]
fn ten_thousand_nested_blocks_are_an_error_not_a_stack_overflow() {
    let depth = 10_000;
    let text = format!(
        "device a {{ {} {} }}",
        "k { ".repeat(depth),
        "} ".repeat(depth)
    );
    assert_eq!(
        messages(text.as_bytes()),
        [format!(
            "WARD-001 blocks are nested more than {MAX_DEPTH} levels deep"
        )]
    );
    let text = format!("device a {{ k = {} }}", "[".repeat(depth));
    assert_eq!(
        messages(text.as_bytes()),
        [format!(
            "WARD-001 lists are nested more than {MAX_DEPTH} levels deep"
        )]
    );
}

/// A fixed-seed mutation fuzzer over the fixture corpus: bytes flipped, deleted,
/// duplicated and spliced. Every result must go through the whole pipeline and every
/// renderer without panicking, with every error span inside the file and no raw control
/// character in text output. (`fuzz/` has the coverage-guided cargo-fuzz target.)
#[test]
fn mutated_corpus_never_panics_and_spans_stay_in_bounds() {
    let corpus: Vec<Vec<u8>> = walk(&fixtures())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ward"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!corpus.is_empty());
    let mut seed: u64 = 0x5eed_1234_abcd_ef01;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const TOKENS: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"=",
        b",",
        b"\"",
        b"\\",
        b"#",
        b"\n",
        b"\r\n",
        b"-",
        b"2025-02-30",
        b"\\u{",
        b"\xff",
        b"device x {",
        b"\0",
    ];
    let policies = PolicySet::builtin().unwrap_or_else(|errors| panic!("{errors:?}"));
    let all: Vec<usize> = (0..policies.policies.len()).collect();
    let config = Config::default();
    let mut evaluated = 0;
    for round in 0..4000 {
        let mut input = corpus[round % corpus.len()].clone();
        for _ in 0..1 + next() % 4 {
            let at = if input.is_empty() {
                0
            } else {
                (next() as usize) % input.len()
            };
            match next() % 4 {
                0 if !input.is_empty() => input[at] = next() as u8,
                1 if !input.is_empty() => {
                    let end = (at + 1 + (next() as usize) % 16).min(input.len());
                    input.drain(at..end);
                }
                2 => {
                    let token = TOKENS[(next() as usize) % TOKENS.len()];
                    input.splice(at..at, token.iter().copied());
                }
                _ => {
                    let other = &corpus[(next() as usize) % corpus.len()];
                    let from = (next() as usize) % other.len().max(1);
                    let piece: Vec<u8> = other.iter().skip(from).take(64).copied().collect();
                    input.splice(at..at, piece);
                }
            }
        }
        let (text, errors) = parse_bytes(&input);
        // The whole pipeline — resolution, derivation and, when the inventory is clean,
        // every built-in policy and waiver — must survive whatever the parser kept.
        let files = vec![InputFile {
            path: "fuzzed.ward".into(),
            bytes: input.clone(),
        }];
        let judge = config.judge(&policies, &all, crate::support::as_of());
        let outcome = check(files, &judge);
        evaluated += usize::from(!outcome.policies_skipped);
        // Every renderer must take whatever came out, and keep controls out of text.
        for rendered in [
            crate::support::human(&outcome),
            concise::render(&outcome.report(".")),
        ] {
            assert!(
                !rendered.chars().any(|c| c.is_control() && c != '\n'),
                "raw control character in round {round}:\n{rendered}"
            );
        }
        let json = crate::support::json(&outcome);
        let _: serde_json::Value = serde_json::from_str(&json).unwrap();
        for error in errors {
            let span = error.primary.unwrap().span;
            assert!(
                span.end as usize <= text.len() && span.start <= span.end,
                "span out of bounds in round {round}"
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "span splits a char in round {round}"
            );
        }
    }
    assert!(
        evaluated > 100,
        "too few mutants reached policy evaluation ({evaluated}) to exercise it"
    );
}

/// A pack's expressions nest at most 64 levels, whatever the shape; the binary reports
/// the policy file and exits 2 instead of overflowing its stack.
#[test]
fn deeply_nested_pack_expressions_are_an_error_not_a_stack_overflow() {
    use crate::support::{failed_check, write};
    for require in [
        "not ".repeat(9_000) + "active",
        "(".repeat(9_000) + "active" + &")".repeat(9_000),
        "exists(".repeat(9_000) + "name" + &")".repeat(9_000),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "wardline.toml",
            "[policies]\nextra = [\"local\"]\n",
        );
        write_local_pack(dir.path());
        write(
            dir.path(),
            "local/LOCAL-001-deep.toml",
            format!(
                "id = \"LOCAL-001\"\nname = \"deep\"\ntitle = \"t\"\nseverity = \"error\"\ncite = []\nfor = \"device\"\nrequire = \"{require}\"\nmessage = \"m\"\n"
            ),
        );
        write(dir.path(), "a.ward", "vendor acme { }\n");
        let stderr = failed_check(dir.path());
        assert!(
            stderr.contains("expression nests deeper than 64 levels")
                && stderr.contains("LOCAL-001-deep.toml"),
            "{}",
            &stderr[..stderr.len().min(400)]
        );
    }
}
