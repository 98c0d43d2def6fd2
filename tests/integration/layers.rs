//! The layering the code map promises (`src/lib.rs`): the core — syntax, model, policy —
//! is a pure function of bytes and resolved settings. It reads no files and never sees
//! the configuration, so a git revision goes through it exactly like the working tree.

use std::path::Path;

use crate::support::walk;

#[test]
fn the_core_does_no_io_and_never_reads_the_configuration() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for layer in ["syntax", "model", "policy"] {
        for file in walk(&src.join(layer)) {
            if file.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for forbidden in ["std::fs", "crate::config", "config::", "std::env"] {
                assert!(
                    !text.contains(forbidden),
                    "{} uses `{forbidden}`",
                    file.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} core files found");
}
