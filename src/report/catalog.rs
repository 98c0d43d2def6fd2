//! The policy catalog as `wardline policies` and `wardline explain` show it. The list
//! shows each policy's effective severity: declared, then `[severity]`, then capped by a
//! pack that is not enforced, as a check would report it.

use std::fmt::Write;

use serde::Serialize;

use super::{paint, severity_sgr};
use crate::config::Config;
use crate::finding::{LanguageRule, Severity};
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

/// What the configuration makes of a policy: its effective severity, or `None` when
/// `[check] select`/`ignore` leave it out.
fn configured(
    set: &PolicySet,
    index: usize,
    config: &Config,
    selected: &[usize],
) -> Option<Severity> {
    selected
        .contains(&index)
        .then(|| effective(set, &set.policies[index], config))
}

/// The policy table; `selected` are the policies the configuration evaluates (the rest
/// show `off`).
pub fn table(set: &PolicySet, config: &Config, selected: &[usize], color: bool) -> String {
    let rows: Vec<([String; 6], Option<Severity>)> = set
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let severity = configured(set, i, config, selected);
            let cells = [
                p.rule.id.clone(),
                p.rule.name.clone(),
                severity.map_or("off", Severity::as_str).to_owned(),
                p.rule.pack.clone(),
                p.title.to_string(),
                p.rule.cite.join("; "),
            ];
            (cells, severity)
        })
        .collect();
    let header = ["ID", "NAME", "SEVERITY", "PACK", "TITLE", "CITE"].map(str::to_owned);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(rows.iter().map(|(cells, _)| cells)) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_row = (header.clone(), None);
    for (index, (row, severity)) in std::iter::once(&header_row).chain(&rows).enumerate() {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
                continue;
            }
            // Padded before painting: escape sequences take no columns.
            let padded = format!("{cell:<width$}", width = widths[i]);
            let sgr = match (index, i) {
                (0, _) => Some("1"),
                (_, 0) => Some("1"),
                (_, 2) => Some(severity.map_or("2", severity_sgr)),
                _ => None,
            };
            let _ = match sgr {
                Some(sgr) => write!(line, "{}  ", paint(&padded, sgr, color)),
                None => write!(line, "{padded}  "),
            };
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
    if selected.len() < set.policies.len() {
        let _ = writeln!(
            out,
            "\n{} of {} policies are off: `[check] select`/`ignore` in the configuration",
            set.policies.len() - selected.len(),
            set.policies.len()
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
    /// Whether the configuration's `[check] select`/`ignore` evaluate it.
    selected: bool,
}

pub fn json(set: &PolicySet, config: &Config, selected: &[usize]) -> String {
    let entries: Vec<Entry> = set
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| Entry {
            id: &p.rule.id,
            name: &p.rule.name,
            severity: effective(set, p, config).as_str(),
            declared_severity: p.severity.as_str(),
            pack: &p.rule.pack,
            kind: p.kind.as_str(),
            title: &p.title,
            cite: &p.rule.cite,
            waivable: p.waivable,
            selected: selected.contains(&i),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&entries).unwrap_or_default();
    out.push('\n');
    out
}

pub fn explain(set: &PolicySet, policy: &Policy, color: bool) -> String {
    let mut out = String::new();
    let header = format!("{} {}", policy.rule.id, policy.rule.name);
    let _ = writeln!(out, "{}", paint(&header, "1", color));
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
        paint(
            policy.severity.as_str(),
            severity_sgr(policy.severity),
            color
        ),
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

/// A language diagnostic's page: what triggers it and how to fix it.
pub fn explain_code(code: &LanguageRule, color: bool) -> String {
    let header = format!("{} {}", code.rule.id, code.rule.name);
    let severity = paint(code.severity.as_str(), severity_sgr(code.severity), color);
    format!(
        "{}\n{}\n\nseverity: {severity} (language diagnostic)\n\n{}",
        paint(&header, "1", color),
        code.title,
        code.docs
    )
}
