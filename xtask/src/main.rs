//! Project tasks: `cargo xtask bench` (synthetic inventories, throughput of the release
//! binary), `cargo xtask gen DIR DEVICES` (write one such inventory) and `cargo xtask docs [--check]` (the README's policy table, generated from
//! the packs so it never drifts).

mod bench;
mod docs;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("docs") => docs::run(&args[1..]),
        Some("gen") => match (args.get(1), args.get(2).and_then(|n| n.parse().ok())) {
            (Some(dir), Some(devices)) => bench::generate(std::path::Path::new(dir), devices).map(|(files, bytes)| println!("wrote {files} files, {bytes} bytes to {dir}")),
            _ => Err("usage: cargo xtask gen DIR DEVICES".to_owned()),
        },
        _ => Err("usage: cargo xtask bench [--devices N,N…] [--runs N] | cargo xtask gen DIR DEVICES | cargo xtask docs [--check]".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Builds the release binary and returns its path.
fn release_binary() -> Result<PathBuf, String> {
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--package", "wardline"])
        .current_dir(project_root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    Ok(project_root().join("target/release/wardline"))
}
