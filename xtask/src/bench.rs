//! `cargo xtask bench`: writes synthetic inventories of increasing size ([`generate`]) and
//! times `wardline check` on each with the release binary.

use std::fmt::Write;
use std::path::Path;
use std::time::Instant;

use crate::generate;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut sizes = vec![1_000, 10_000, 100_000];
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
                    .filter(|&n| n > 0)
                    .ok_or("--runs needs a number above 0")?
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let binary = super::release_binary()?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "wardline bench: median of {runs} runs, {threads} threads, `wardline check --format json --as-of 2026-11-29 --timings` into a pipe"
    );
    println!(
        "{:>10} {:>7} {:>9} {:>10} {:>10} {:>9} {:>10} {:>9} {:>7}",
        "devices",
        "files",
        "MiB",
        "findings",
        "seconds",
        "MiB/s",
        "devices/s",
        "peak MiB",
        "×input"
    );
    for devices in sizes {
        let dir = std::env::temp_dir().join(format!("wardline-bench-{devices}"));
        let _ = std::fs::remove_dir_all(&dir);
        let (files, bytes) = generate(&dir, devices)?;
        let all = check_runs(&binary, &dir, runs, None)?;
        let seconds = median(all.iter().map(|r| r.wall));
        let peak = all.iter().map(|r| r.peak_bytes).max().unwrap_or(0);
        let mib = bytes as f64 / MIB;
        println!(
            "{devices:>10} {files:>7} {mib:>9.1} {:>10} {seconds:>10.3} {:>9.1} {:>10.0} {:>9.0} {:>7.1}",
            all.first().map_or(0, |r| r.findings),
            mib / seconds,
            devices as f64 / seconds,
            peak as f64 / MIB,
            peak as f64 / bytes as f64,
        );
        let phases = median_phases(&all);
        let one = check_runs(&binary, &dir, runs, Some(1))?;
        let evaluate = |runs: &[Run]| median(runs.iter().map(|r| r.phase("evaluate")));
        println!(
            "{:>10} phases (median ms): {phases}; evaluate on 1 thread {:.1} ms ({:.2}× with {threads})",
            "",
            evaluate(&one) * 1e3,
            evaluate(&one) / evaluate(&all)
        );
        diff_two_revisions(&binary, &dir, runs, seconds)?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    warm_start(&binary, runs)?;
    human_rendering(&binary, runs)?;
    history_of_commits(&binary, 1_000, 1_000)
}

/// `wardline history` over `commits` commits of a `devices`-device inventory, each commit
/// changing one device file (written with `git fast-import`, which makes a thousand
/// commits in a moment).
fn history_of_commits(binary: &Path, commits: usize, devices: usize) -> Result<(), String> {
    let dir = std::env::temp_dir().join("wardline-bench-history");
    let _ = std::fs::remove_dir_all(&dir);
    generate(&dir, devices)?;
    let mut files: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((
            name,
            std::fs::read_to_string(&path).map_err(|e| e.to_string())?,
        ));
    }
    files.sort();
    let mut stream = String::new();
    let statuses = ["current", "behind", "vendor_managed", "unpatchable"];
    for commit in 0..commits {
        let _ = writeln!(
            stream,
            "commit refs/heads/main\ncommitter bench <bench@example.invalid> {} +0000\ndata 9\ncommit {:>2}",
            1_767_225_600 + commit * 3_600,
            commit % 100
        );
        for (index, (name, text)) in files.iter().enumerate() {
            let text = if commit == 0 || index == commit % files.len() {
                // Each commit flips the patch status of the first device of one file.
                text.replacen(
                    "status = current",
                    &format!("status = {}", statuses[commit % statuses.len()]),
                    usize::from(commit > 0),
                )
            } else {
                continue;
            };
            let _ = writeln!(
                stream,
                "M 100644 inline {name}\ndata {}\n{text}",
                text.len()
            );
        }
    }
    let status = std::process::Command::new("git")
        .args(["init", "--quiet", "-b", "main"])
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !status.success() {
        return Err("git init failed".into());
    }
    let mut import = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git fast-import: {e}"))?;
    if let Some(stdin) = import.stdin.as_mut() {
        use std::io::Write as _;
        stdin
            .write_all(stream.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    drop(import.stdin.take());
    if !import.wait().map_err(|e| e.to_string())?.success() {
        return Err("git fast-import failed".into());
    }
    let start = Instant::now();
    let output = std::process::Command::new(binary)
        .args(["history", "--format", "json", "--as-of", "2026-11-29"])
        .arg(&dir)
        .output()
        .map_err(|e| format!("cannot run wardline: {e}"))?;
    let elapsed = start.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "history failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    println!(
        "history: {commits} commits of a {devices}-device inventory in {elapsed:.2} s ({:.1} ms a commit)",
        elapsed * 1000.0 / commits as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

const MIB: f64 = 1024.0 * 1024.0;

/// One timed `wardline check` of a bench inventory.
struct Run {
    wall: f64,
    peak_bytes: u64,
    findings: usize,
    /// `(phase, seconds)` as `--timings` printed them.
    phases: Vec<(String, f64)>,
}

impl Run {
    fn phase(&self, name: &str) -> f64 {
        self.phases
            .iter()
            .find(|(phase, _)| phase == name)
            .map_or(0.0, |&(_, seconds)| seconds)
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// `read 1.2, parse+validate 3.4, …`: each phase's median over `runs`, in milliseconds.
fn median_phases(runs: &[Run]) -> String {
    let names = runs.first().map(|r| &r.phases[..]).unwrap_or_default();
    names
        .iter()
        .filter(|(name, _)| name != "total")
        .map(|(name, _)| {
            format!(
                "{name} {:.1}",
                median(runs.iter().map(|r| r.phase(name))) * 1e3
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `wardline check --timings` on `dir` `runs` times (with `threads` workers, else
/// one per core).
fn check_runs(
    binary: &Path,
    dir: &Path,
    runs: usize,
    threads: Option<usize>,
) -> Result<Vec<Run>, String> {
    let mut all = Vec::new();
    for _ in 0..runs {
        let mut command = std::process::Command::new(binary);
        command.args([
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-11-29",
            "--timings",
        ]);
        if let Some(threads) = threads {
            command.arg(format!("--threads={threads}"));
        }
        command.arg(dir);
        let start = Instant::now();
        let Measured {
            code,
            stdout,
            stderr,
            peak_bytes,
        } = run_measured(&mut command)?;
        let wall = start.elapsed().as_secs_f64();
        if code == Some(2) {
            return Err(format!(
                "the synthetic inventory has language errors:\n{}",
                String::from_utf8_lossy(&stdout)
            ));
        }
        let document: serde_json::Value =
            serde_json::from_slice(&stdout).map_err(|e| format!("bad JSON output: {e}"))?;
        let phases = String::from_utf8_lossy(&stderr)
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let (name, ms) = (words.next()?, words.next()?.parse::<f64>().ok()?);
                Some((name.to_owned(), ms / 1e3))
            })
            .collect();
        all.push(Run {
            wall,
            peak_bytes,
            findings: document["findings"].as_array().map_or(0, Vec::len),
            phases,
        });
    }
    Ok(all)
}

/// What one child process left: exit code, output, peak resident memory.
struct Measured {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    peak_bytes: u64,
}

/// Runs `command` to the end with piped output; `wait4` reports the peak resident memory
/// of exactly this child.
fn run_measured(command: &mut std::process::Command) -> Result<Measured, String> {
    use std::io::Read;
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run wardline: {e}"))?;
    // stderr is a few lines, read after stdout: the child never blocks on it.
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).map_err(|e| e.to_string())?;
    }
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_end(&mut stderr).map_err(|e| e.to_string())?;
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own unreaped child, and both pointers are to live locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    if pid < 0 {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok(Measured {
        code,
        stdout,
        stderr,
        // ru_maxrss is in kilobytes on Linux.
        peak_bytes: usage.ru_maxrss as u64 * 1024,
    })
}

/// A pre-commit hook's case: `check` on the bundled example, binary and files in the
/// page cache.
fn warm_start(binary: &Path, runs: usize) -> Result<(), String> {
    let example = super::project_root().join("examples/riverside");
    let mut walls = Vec::new();
    for _ in 0..=runs {
        let start = Instant::now();
        std::process::Command::new(binary)
            .args(["check", "--quiet", "--format", "concise"])
            .arg(&example)
            .output()
            .map_err(|e| format!("cannot run wardline: {e}"))?;
        walls.push(start.elapsed().as_secs_f64());
    }
    // The first run warms the caches and does not count.
    println!(
        "warm start on examples/riverside: {:.1} ms",
        median(walls.into_iter().skip(1)) * 1e3
    );
    Ok(())
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
    let mut walls = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let output = std::process::Command::new(binary)
            .args(["diff", "HEAD", "--format", "json", "--as-of", "2026-11-29"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run wardline: {e}"))?;
        walls.push(start.elapsed().as_secs_f64());
        if output.status.code() == Some(2) {
            return Err(format!(
                "diff failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    let diff = median(walls.into_iter());
    println!(
        "{:>10} diff HEAD against the working tree: {diff:.3} s ({:.1} × check)",
        "",
        diff / check
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
    let time = |format: &str| -> Result<(f64, usize), String> {
        let mut walls = Vec::new();
        let mut lines = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let output = std::process::Command::new(binary)
                .args(["check", "--color", "never", "--as-of", "2026-11-29"])
                .args(["--select", "HIPAA-105", "--format", format])
                .arg(&dir)
                .output()
                .map_err(|e| format!("cannot run wardline: {e}"))?;
            walls.push(start.elapsed().as_secs_f64());
            lines = output.stdout.iter().filter(|&&b| b == b'\n').count();
        }
        Ok((median(walls.into_iter()), lines))
    };
    let (concise, findings) = time("concise")?;
    let (human, _) = time("human")?;
    println!(
        "human rendering: {} findings in one {:.1} MiB file: human {:.3} s, concise {:.3} s",
        findings.saturating_sub(1),
        text.len() as f64 / (1024.0 * 1024.0),
        human,
        concise
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
