//! Coverage-guided fuzzing of the whole pipeline on arbitrary bytes: decode, parse,
//! validate, resolve, derive and — when the inventory comes out clean — every built-in
//! policy and waiver check, then every renderer. Run with `cargo +nightly fuzz run parse`
//! (seed the corpus with `tests/fixtures/**/*.ward`). The stable-toolchain counterpart
//! that CI runs is `tests/integration/robustness.rs`.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use wardline::check::check;
use wardline::config::Config;
use wardline::date::Date;
use wardline::discover::InputFile;
use wardline::policy::PolicySet;
use wardline::report::{concise, human, json};

// A fuzzer that ran with no policies would report success while testing nothing.
#[allow(clippy::panic, reason = "the built-in packs failing to load is a fuzzer setup bug")]
static POLICIES: LazyLock<PolicySet> = LazyLock::new(|| {
    PolicySet::builtin().unwrap_or_else(|errors| panic!("built-in packs do not load: {errors:?}"))
});

fuzz_target!(|data: &[u8]| {
    let config = Config::default();
    let all: Vec<usize> = (0..POLICIES.policies.len()).collect();
    let as_of = Date::parse("2026-11-29").unwrap_or_else(Date::today_utc);
    let judge = config.judge(&POLICIES, &all, as_of);
    let outcome = check(vec![InputFile { path: "fuzzed.ward".into(), bytes: data.to_vec() }], &judge);
    for finding in &outcome.findings {
        if let Some(label) = &finding.primary {
            let text = outcome.sources.get(label.span.file).map_or(0, |f| f.text.len());
            assert!(label.span.end as usize <= text);
        }
    }
    let report = outcome.report(".");
    // The report renders without colour, 80 columns wide (`RenderOptions::default`).
    for text in [human::render(&report), concise::render(&report)] {
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    }
    let _ = json::render(&report);
});
