//! Coverage-guided fuzzing of the whole front end: decode, parse, validate and resolve
//! arbitrary bytes. Run with `cargo +nightly fuzz run parse` (seed the corpus with
//! `tests/fixtures/**/*.ward`). The stable-toolchain counterpart that CI runs is
//! `tests/integration/robustness.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wardline::date::Date;
use wardline::source::FileId;

fuzz_target!(|data: &[u8]| {
    let (text, error) = wardline::syntax::decode(FileId(0), data.to_vec());
    if error.is_some() {
        return;
    }
    let (blocks, errors) = wardline::syntax::parse(FileId(0), &text);
    for error in &errors {
        if let Some(label) = &error.primary {
            assert!(label.span.end as usize <= text.len());
        }
    }
    let as_of = Date::parse("2026-11-29").unwrap_or_else(Date::today_utc);
    let (drafts, _) = wardline::model::draft(blocks);
    let _ = wardline::model::build(drafts, as_of);
});
