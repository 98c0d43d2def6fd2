//! No regression at fleet scale: the JSON report of the 10,000-device bench inventory
//! (the generator `cargo xtask bench` uses, included by path) must hash to the committed
//! digest, so a change to storage or evaluation provably keeps every finding byte for
//! byte. A change that means to alter findings updates `tests/fixtures/fleet-10k.digest`
//! with the value this test prints.

#[path = "../../xtask/src/generate.rs"]
mod generate;

use crate::support;

/// FNV-1a, 64 bits: fixed across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn fleet_of_10k_devices_keeps_its_findings_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in generate::inventory(10_000) {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let outcome = support::check_dir(dir.path());
    let json = support::json(&outcome);
    let digest = format!("{:016x} {} bytes", fnv1a(json.as_bytes()), json.len());
    let expected = std::fs::read_to_string(support::fixtures().join("fleet-10k.digest")).unwrap();
    assert_eq!(
        digest,
        expected.trim(),
        "the 10k fleet's JSON report changed"
    );
}
