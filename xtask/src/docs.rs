//! `cargo xtask docs [--check]`: regenerates the README's policy table between the
//! `<!-- policies:start -->` and `<!-- policies:end -->` markers from
//! `wardline policies --format json`; `--check` fails when the README is stale.

const START: &str = "<!-- policies:start -->";
const END: &str = "<!-- policies:end -->";

pub fn run(args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--package",
            "wardline",
            "--",
            "policies",
            "--format",
            "json",
        ])
        .current_dir(super::project_root())
        .output()
        .map_err(|e| format!("cannot run wardline: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "wardline policies failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let policies: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("bad JSON: {e}"))?;
    let mut table = String::from(
        "| id | name | severity | for | title | cite |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for p in policies.as_array().into_iter().flatten() {
        let cite: Vec<&str> = p["cite"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str())
            .collect();
        let cell = |key: &str| p[key].as_str().unwrap_or_default().replace('|', "\\|");
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
    let path = super::project_root().join("README.md");
    let readme =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        return Err(format!("README.md lacks the {START} … {END} markers"));
    };
    let updated = format!("{}{START}\n{table}{}", &readme[..start], &readme[end..]);
    if updated == readme {
        return Ok(());
    }
    if check {
        return Err("README.md's policy table is stale: run `cargo xtask docs`".into());
    }
    std::fs::write(&path, updated).map_err(|e| format!("cannot write README.md: {e}"))
}
