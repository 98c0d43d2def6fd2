//! `cargo xtask docs [--check]`: regenerates the README's generated sections — the
//! example run on `examples/riverside`, its network map and the policy table — and the
//! language reference `docs/language.md` (`wardline schema`) from the binary itself, so
//! they never drift; `--check` fails when any of them is stale.

use std::process::Command;

pub fn run(args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    let path = super::project_root().join("README.md");
    let readme =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read README.md: {e}"))?;

    let example = wardline(&["check", "examples/riverside"])?;
    let example = format!("```text\n$ wardline check examples/riverside\n{example}```\n");
    let updated = replace_section(&readme, "example", &example)?;
    let map = wardline(&["map", "examples/riverside"])?;
    let updated = replace_section(&updated, "map", &format!("```mermaid\n{map}```\n"))?;
    let updated = replace_section(&updated, "policies", &policy_table()?)?;

    let reference = wardline(&["schema", "--color", "never"])?;
    let reference_path = super::project_root().join("docs/language.md");
    let current = std::fs::read_to_string(&reference_path).unwrap_or_default();

    let mut stale = Vec::new();
    if updated != readme {
        stale.push("README.md's generated sections");
    }
    if reference != current {
        stale.push("docs/language.md");
    }
    if stale.is_empty() {
        return Ok(());
    }
    if check {
        return Err(format!(
            "{} stale: run `cargo xtask docs`",
            stale.join(" and ") + if stale.len() > 1 { " are" } else { " is" }
        ));
    }
    std::fs::write(&path, updated).map_err(|e| format!("cannot write README.md: {e}"))?;
    std::fs::create_dir_all(super::project_root().join("docs"))
        .map_err(|e| format!("cannot create docs/: {e}"))?;
    std::fs::write(&reference_path, reference)
        .map_err(|e| format!("cannot write docs/language.md: {e}"))
}

/// Runs the debug binary with colour and terminal width pinned; returns its stdout.
fn wardline(args: &[&str]) -> Result<String, String> {
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--package", "wardline", "--"])
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .current_dir(super::project_root())
        .output()
        .map_err(|e| format!("cannot run wardline: {e}"))?;
    if output.status.code() == Some(2) || output.status.code().is_none() {
        return Err(format!(
            "wardline {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("wardline printed invalid UTF-8: {e}"))
}

fn policy_table() -> Result<String, String> {
    let json = wardline(&["policies", "--format", "json"])?;
    let policies: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| format!("bad JSON: {e}"))?;
    let mut table = String::from(
        "| id | name | severity | for | title | cite |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for p in policies.as_array().into_iter().flatten() {
        let cell = |key: &str| p[key].as_str().unwrap_or_default().replace('|', "\\|");
        let cite: Vec<&str> = p["cite"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str())
            .collect();
        table.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            cell("id"),
            cell("name"),
            cell("severity"),
            cell("for"),
            cell("title"),
            cite.join("; ").replace('|', "\\|")
        ));
    }
    Ok(table)
}

/// Replaces what stands between `<!-- NAME:start -->` and `<!-- NAME:end -->`.
fn replace_section(text: &str, name: &str, content: &str) -> Result<String, String> {
    let (start, end) = (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    );
    let (Some(from), Some(to)) = (text.find(&start), text.find(&end)) else {
        return Err(format!("README.md lacks the {start} … {end} markers"));
    };
    Ok(format!(
        "{}{start}\n{content}{}",
        &text[..from],
        &text[to..]
    ))
}
