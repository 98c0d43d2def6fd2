//! `cargo xtask bench`: writes synthetic inventories of increasing size ([`generate`]) and
//! times `wardline check` on each with the release binary.

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::generate;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut sizes = vec![10_000, 100_000];
    let mut runs = 5;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--devices" => {
                let list = iter
                    .next()
                    .ok_or("--devices needs a list like 10000,100000")?;
                sizes = list
                    .split(',')
                    .map(|n| n.trim().parse().map_err(|_| format!("bad size `{n}`")))
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => {
                runs = iter
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--runs needs a number")?
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let binary = super::release_binary()?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "wardline bench: best of {runs} runs, {threads} threads, `wardline check --format json --as-of 2026-11-29`"
    );
    println!(
        "{:>10} {:>7} {:>9} {:>10} {:>14} {:>9} {:>10}",
        "devices", "files", "MiB", "findings", "seconds", "MiB/s", "devices/s"
    );
    for devices in sizes {
        let dir = std::env::temp_dir().join(format!("wardline-bench-{devices}"));
        let _ = std::fs::remove_dir_all(&dir);
        let (files, bytes) = generate(&dir, devices)?;
        let mut best = Duration::MAX;
        let mut findings = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let output = std::process::Command::new(&binary)
                .args(["check", "--format", "json", "--as-of", "2026-11-29"])
                .arg(&dir)
                .output()
                .map_err(|e| format!("cannot run wardline: {e}"))?;
            best = best.min(start.elapsed());
            if output.status.code() == Some(2) {
                return Err(format!(
                    "the synthetic inventory has language errors:\n{}",
                    String::from_utf8_lossy(&output.stdout)
                ));
            }
            let document: serde_json::Value = serde_json::from_slice(&output.stdout)
                .map_err(|e| format!("bad JSON output: {e}"))?;
            findings = document["findings"].as_array().map_or(0, Vec::len);
        }
        let seconds = best.as_secs_f64();
        let mib = bytes as f64 / (1024.0 * 1024.0);
        println!(
            "{devices:>10} {files:>7} {mib:>9.1} {findings:>10} {seconds:>14.3} {:>9.1} {:>10.0}",
            mib / seconds,
            devices as f64 / seconds
        );
        diff_two_revisions(&binary, &dir, runs, seconds)?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    human_rendering(&binary, runs)
}

/// `wardline diff` of two revisions of the inventory just timed: the generated files are
/// committed, one device in a hundred is changed, and `diff HEAD` (the commit against
/// the working tree: two full checks and both comparisons) is timed against `check`.
fn diff_two_revisions(binary: &Path, dir: &Path, runs: usize, check: f64) -> Result<(), String> {
    let git = |args: &[&str]| -> Result<(), String> {
        let status = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=bench",
                "-c",
                "user.email=bench@example.invalid",
            ])
            .args(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("cannot run git: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("git {args:?} failed"))
    };
    git(&["init", "--quiet"])?;
    git(&["add", "-A"])?;
    git(&["commit", "--quiet", "-m", "bench"])?;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !path.to_string_lossy().contains("devices-") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        // Ten devices a file (one in a hundred) become unpatchable.
        let changed = text.replacen("status = current", "status = unpatchable", 10);
        std::fs::write(&path, changed).map_err(|e| e.to_string())?;
    }
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let output = std::process::Command::new(binary)
            .args(["diff", "HEAD", "--format", "json", "--as-of", "2026-11-29"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run wardline: {e}"))?;
        best = best.min(start.elapsed());
        if output.status.code() == Some(2) {
            return Err(format!(
                "diff failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    println!(
        "{:>10} diff HEAD against the working tree: {:.3} s ({:.1} × check)",
        "",
        best.as_secs_f64(),
        best.as_secs_f64() / check
    );
    Ok(())
}

/// Human output must stay linear in findings: 20,000 findings (one per device, of one
/// policy) in one file, drawn by the miette renderer (before its excerpts came from a
/// line index this took minutes).
fn human_rendering(binary: &Path, runs: usize) -> Result<(), String> {
    const DEVICES: usize = 20_000;
    let dir = std::env::temp_dir().join("wardline-bench-human");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut text = String::from(
        "vendor acme {\n  label = \"Acme\"\n  baa { signed = 2024-01-01 expires = 2030-01-01 }\n}\nmodel pump {\n  vendor = acme\n  os { name = \"Windows CE\" version = \"6.0\" }\n  mds2 { received = 2024-01-01 }\n}\nvlan med {\n  id = 30\n  zone = medical\n}\n",
    );
    for d in 0..DEVICES {
        let _ = writeln!(
            text,
            "device dev-{d} {{\n  model = pump\n  vlan = med\n  location = \"ward {d}\"\n  owner = \"biomed\"\n  ephi = [store]\n  patch {{ status = unpatchable }}\n}}"
        );
    }
    std::fs::write(dir.join("one.ward"), &text).map_err(|e| e.to_string())?;
    let time = |format: &str| -> Result<(Duration, usize), String> {
        let mut best = Duration::MAX;
        let mut lines = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let output = std::process::Command::new(binary)
                .args(["check", "--color", "never", "--as-of", "2026-11-29"])
                .args(["--select", "HIPAA-105", "--format", format])
                .arg(&dir)
                .output()
                .map_err(|e| format!("cannot run wardline: {e}"))?;
            best = best.min(start.elapsed());
            lines = output.stdout.iter().filter(|&&b| b == b'\n').count();
        }
        Ok((best, lines))
    };
    let (concise, findings) = time("concise")?;
    let (human, _) = time("human")?;
    println!(
        "human rendering: {} findings in one {:.1} MiB file: human {:.3} s, concise {:.3} s",
        findings.saturating_sub(1),
        text.len() as f64 / (1024.0 * 1024.0),
        human.as_secs_f64(),
        concise.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Writes the synthetic inventory of `devices` devices; returns (files, bytes).
pub fn generate(dir: &Path, devices: usize) -> Result<(usize, usize), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let files = generate::inventory(devices);
    let mut total = 0;
    for (name, text) in &files {
        total += text.len();
        std::fs::write(dir.join(name), text).map_err(|e| e.to_string())?;
    }
    Ok((files.len(), total))
}
