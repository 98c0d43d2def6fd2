//! The policy catalog as `wardline policies` and `wardline explain` show it. The list
//! shows each policy's effective severity: declared, then `[severity]`, then capped by a
//! pack that is not enforced, as a check would report it.

use std::fmt::Write;

use serde::Serialize;

use crate::config::Config;
use crate::finding::Severity;
use crate::policy::{Policy, PolicySet};

fn effective(set: &PolicySet, policy: &Policy, config: &Config) -> Severity {
    set.severity_of(policy, &config.severity, &config.enforce)
}

fn enforced(pack: &crate::policy::Pack, config: &Config) -> bool {
    config
        .enforce
        .get(&pack.id)
        .copied()
        .unwrap_or(pack.enforce)
}

pub fn table(set: &PolicySet, config: &Config) -> String {
    let rows: Vec<[String; 6]> = set
        .policies
        .iter()
        .map(|p| {
            [
                p.rule.id.clone(),
                p.rule.name.clone(),
                effective(set, p, config).as_str().to_owned(),
                p.rule.pack.clone(),
                p.title.clone(),
                p.rule.cite.join("; "),
            ]
        })
        .collect();
    let header = ["ID", "NAME", "SEVERITY", "PACK", "TITLE", "CITE"].map(str::to_owned);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for pack in &set.packs {
        let enforced = if enforced(pack, config) {
            "enforced"
        } else {
            "advisory: findings capped at warning unless `[packs.{id}] enforce = true`"
        };
        let _ = writeln!(
            out,
            "\npack {}: {} ({}; {})",
            pack.id,
            pack.title,
            pack.status,
            enforced.replace("{id}", &pack.id)
        );
    }
    out
}

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    name: &'a str,
    /// Effective, as a check reports it.
    severity: &'static str,
    declared_severity: &'static str,
    pack: &'a str,
    #[serde(rename = "for")]
    kind: &'static str,
    title: &'a str,
    cite: &'a [String],
    waivable: bool,
}

pub fn json(set: &PolicySet, config: &Config) -> String {
    let entries: Vec<Entry> = set
        .policies
        .iter()
        .map(|p| Entry {
            id: &p.rule.id,
            name: &p.rule.name,
            severity: effective(set, p, config).as_str(),
            declared_severity: p.severity.as_str(),
            pack: &p.rule.pack,
            kind: p.kind.as_str(),
            title: &p.title,
            cite: &p.rule.cite,
            waivable: p.waivable,
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&entries).unwrap_or_default();
    out.push('\n');
    out
}

pub fn explain(set: &PolicySet, policy: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", policy.rule.id, policy.rule.name);
    let _ = writeln!(out, "{}\n", policy.title);
    let pack = set.pack(&policy.rule.pack);
    let status = pack.map_or(String::new(), |p| {
        format!(
            ", {}{}",
            p.status,
            if p.enforce {
                ""
            } else {
                ", advisory by default"
            }
        )
    });
    let _ = writeln!(
        out,
        "severity: {} (pack {}{status})",
        policy.severity.as_str(),
        policy.rule.pack
    );
    let _ = writeln!(out, "cite:     {}", policy.rule.cite.join("; "));
    let _ = writeln!(out, "for:      {}", policy.kind.as_str());
    if let Some(applies) = &policy.where_source {
        let _ = writeln!(out, "where:    {applies}");
    }
    let _ = writeln!(out, "require:  {}", policy.require_source);
    if let Some((at, _)) = &policy.at {
        let _ = writeln!(out, "at:       {at}");
    }
    let _ = writeln!(
        out,
        "waivable: {}",
        if policy.waivable { "yes" } else { "no" }
    );
    if !policy.docs.trim().is_empty() {
        let _ = writeln!(out, "\n{}", policy.docs.trim());
    }
    out
}
