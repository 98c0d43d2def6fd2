//! Evaluation (POLICIES.md §3): every (policy, entity) pair is independent, so they run
//! in parallel; the caller sorts. Then waivers excuse findings and are themselves
//! checked (WARD-011…014).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::expr::{Compiled, Scope, V};
use super::pack::Piece;
use super::{Policy, PolicySet};
use crate::date::Date;
use crate::finding::{Code, EntityRef, Finding, Fingerprint, Label, Rule, Severity};
use crate::model::{Attr, EntityId, Inventory, Origin, Val};
use crate::schema::Kind;
use crate::source::Span;

/// What evaluation needs besides the inventory.
pub struct Settings<'a> {
    pub policies: &'a PolicySet,
    /// Indices into `policies.policies` of the policies to evaluate.
    pub selected: &'a [usize],
    pub severity: &'a BTreeMap<String, Severity>,
    pub enforce: &'a BTreeMap<String, bool>,
    pub as_of: Date,
    /// Where findings about the inventory as a whole point (`wardline.toml` or the
    /// first file, line 1); `None` for an inventory without files.
    pub root_span: Option<Span>,
}

/// How one policy fared: the entities it judged (those its `where` selects) and how many
/// of them failed its `require`, before waivers.
#[derive(Debug, Clone)]
pub struct Tally {
    pub rule: Arc<Rule>,
    kind: Kind,
    /// Bit `i` set: the `i`-th entity of `kind` was judged. A bit an entity, not an id:
    /// 35 device policies over a million devices would otherwise hold 140 MB of ids.
    judged: Vec<u64>,
    judged_count: usize,
    pub failed: usize,
}

impl Tally {
    pub fn passed(&self) -> usize {
        self.judged_count.saturating_sub(self.failed)
    }

    pub fn judged_count(&self) -> usize {
        self.judged_count
    }

    /// The entities judged, in id order.
    pub fn judged<'a>(&'a self, inventory: &'a Inventory) -> impl Iterator<Item = EntityId> + 'a {
        let entities = inventory.of_kind(self.kind);
        (0..entities.len())
            .filter(|&i| self.judged[i / 64] & (1 << (i % 64)) != 0)
            .map(|i| entities[i])
    }
}

/// Entities judged together by one task: the width of a word of the judged bitsets.
const CHUNK: usize = 64;

/// What one chunk of entities gave: for each policy the bits of the entities it judged
/// and how many failed, and the findings.
struct ChunkResult {
    judged: Vec<u64>,
    failed: Vec<usize>,
    findings: Vec<Finding>,
}

/// Findings (unsorted) and one tally per selected policy, in policy id order.
pub fn evaluate(inventory: &Inventory, settings: &Settings) -> (Vec<Finding>, Vec<Tally>) {
    let scope = Scope {
        inventory,
        as_of: settings.as_of,
    };
    let mut findings = Vec::new();
    let mut tallies = Vec::new();
    for kind in crate::schema::KINDS {
        let policies: Vec<(&Policy, Severity)> = settings
            .selected
            .iter()
            .map(|&index| &settings.policies.policies[index])
            .filter(|policy| policy.kind == kind)
            .map(|policy| {
                (
                    policy,
                    settings
                        .policies
                        .severity_of(policy, settings.severity, settings.enforce),
                )
            })
            .collect();
        let entities = inventory.of_kind(kind);
        if entities.is_empty() && kind == Kind::Organization {
            // Judged on the inventory as a whole: no entity, one finding at most.
            for &(policy, severity) in &policies {
                let missing = missing_organization(policy, severity, settings.root_span);
                tallies.push(Tally {
                    rule: Arc::clone(&policy.rule),
                    kind,
                    judged: Vec::new(),
                    judged_count: 0,
                    failed: usize::from(missing.is_some()),
                });
                findings.extend(missing);
            }
            continue;
        }
        // Policies with the same `where` (14 device policies judge every `ephi_device`)
        // judge an entity on one evaluation of it.
        let mut groups: Vec<(Option<&str>, Option<&Compiled>, Vec<usize>)> = Vec::new();
        for (index, (policy, _)) in policies.iter().enumerate() {
            let source = policy.where_source.as_deref();
            match groups.iter_mut().find(|(other, ..)| *other == source) {
                Some((.., members)) => members.push(index),
                None => groups.push((source, policy.applies.as_ref(), vec![index])),
            }
        }
        // Entity-major: every policy of the kind judges an entity while its attributes
        // are in cache, instead of each policy sweeping the whole inventory. Chunks come
        // back in entity order, so nothing depends on the thread count.
        let chunks: Vec<ChunkResult> = entities
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut result = ChunkResult {
                    judged: vec![0; policies.len()],
                    failed: vec![0; policies.len()],
                    findings: Vec::new(),
                };
                for (bit, &id) in chunk.iter().enumerate() {
                    for (_, applies, members) in &groups {
                        if !applies.is_none_or(|w| w.holds(scope, id)) {
                            continue;
                        }
                        for &index in members {
                            let (policy, severity) = policies[index];
                            result.judged[index] |= 1 << bit;
                            if !policy.require.holds(scope, id) {
                                result.failed[index] += 1;
                                result.findings.push(finding(policy, severity, scope, id));
                            }
                        }
                    }
                }
                result
            })
            .collect();
        for (index, &(policy, _)) in policies.iter().enumerate() {
            let judged: Vec<u64> = chunks.iter().map(|c| c.judged[index]).collect();
            tallies.push(Tally {
                rule: Arc::clone(&policy.rule),
                kind,
                judged_count: judged.iter().map(|w| w.count_ones() as usize).sum(),
                judged,
                failed: chunks.iter().map(|c| c.failed[index]).sum(),
            });
        }
        let found = chunks.into_iter().flat_map(|c| c.findings);
        findings.extend(found);
    }
    tallies.sort_by(|a, b| a.rule.id.cmp(&b.rule.id));
    apply_waivers(inventory, settings, &mut findings);
    (findings, tallies)
}

fn missing_organization(
    policy: &Policy,
    severity: Severity,
    root: Option<Span>,
) -> Option<Finding> {
    Some(Finding {
        rule: policy.rule.clone(),
        severity,
        message: "the inventory has no `organization` block".into(),
        entity: None,
        primary: Some(Label::new(root?, policy.title.clone())),
        secondary: Vec::new(),
        help: Some(
            "add one `organization` block with the dates of the organization's reviews".into(),
        ),
        attribute: String::new(),
        fingerprint: Fingerprint::default(),
        new: None,
        waived_by: None,
    })
}

/// Interpolated values longer than this many characters are cut in messages: a value
/// (a name, a note) of megabytes would otherwise be copied into every finding about it.
const MAX_SHOWN_CHARS: usize = 200;

fn render_message(pieces: &[Piece], scope: Scope, id: EntityId) -> String {
    let mut message = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => message.push_str(text),
            Piece::Value(path) => {
                let value = path.eval(scope, id).display(scope.inventory);
                match value.char_indices().nth(MAX_SHOWN_CHARS) {
                    Some((cut, _)) => {
                        message.push_str(&value[..cut]);
                        message.push('…');
                    }
                    None => message.push_str(&value),
                }
            }
        }
    }
    message
}

fn finding(policy: &Policy, severity: Severity, scope: Scope, id: EntityId) -> Finding {
    let entity = scope.inventory.entity(id);
    let title = || policy.title.clone();
    let mut primary = Label::new(entity.name_span, title());
    let mut secondary = Vec::new();
    let mut attribute = String::new();
    if let Some((path, compiled)) = &policy.at {
        attribute.clone_from(path);
        let (own, reached) = compiled.blame(scope, id);
        match own {
            // A value the device takes from its model: point at the device, note the model.
            Some(attr) if attr.origin == Origin::Inherited => {
                secondary.extend(
                    attr.span()
                        .map(|span| Label::new(span, format!("`{path}` is inherited from here"))),
                );
            }
            Some(attr) => primary = Label::new(attr.span().unwrap_or(entity.name_span), title()),
            None => {}
        }
        if let Some(span) = reached.and_then(Attr::span) {
            secondary.push(Label::new(span, format!("`{path}` is here")));
        }
    }
    Finding {
        rule: policy.rule.clone(),
        severity,
        message: render_message(&policy.message, scope, id),
        entity: Some(EntityRef {
            kind: entity.kind.as_str(),
            name: entity.name.clone(),
            id: Some(id),
        }),
        primary: Some(primary),
        secondary,
        help: policy.help.clone(),
        attribute,
        fingerprint: Fingerprint::default(),
        new: None,
        waived_by: None,
    }
}

struct Waiver {
    id: EntityId,
    /// Indices of the (waivable, known) policies it names.
    policies: Vec<usize>,
    applies: Vec<EntityId>,
    expired: bool,
    used: bool,
}

fn strings(val: Option<&Val>) -> Vec<&str> {
    match val {
        Some(Val::List(items)) => items
            .iter()
            .filter_map(|v| {
                if let Val::Str(s) = v {
                    Some(&**s)
                } else {
                    None
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn refs(val: Option<&Val>) -> Vec<EntityId> {
    match val {
        Some(Val::List(items)) => items
            .iter()
            .filter_map(|v| {
                if let Val::Ref(id) = v {
                    Some(*id)
                } else {
                    None
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn apply_waivers(inventory: &Inventory, settings: &Settings, findings: &mut Vec<Finding>) {
    let set = settings.policies;
    let mut waivers = Vec::new();
    let mut diagnostics = Vec::new();
    for &id in inventory.of_kind(Kind::Waiver) {
        let entity = inventory.entity(id);
        let mut policies = Vec::new();
        for key in strings(entity.get("policies")) {
            let span = entity.attr_span("policies");
            let matching: Vec<usize> = (0..set.policies.len())
                .filter(|&i| set.policies[i].rule.id == key || set.policies[i].rule.name == key)
                .collect();
            if matching.is_empty() {
                let message = format!("waiver `{}` names unknown policy `{key}`", entity.name);
                let finding =
                    Finding::language(Code::WaiverUnknownPolicy, span, "unknown policy", message)
                        .with_entity("waiver", entity.name.clone());
                diagnostics.push(match set.closest_key(key) {
                    Some(s) => finding.with_help(format!("did you mean `{s}`?")),
                    None => finding.with_help("`wardline policies` lists every policy id and name"),
                });
            }
            for index in matching {
                if set.policies[index].waivable {
                    policies.push(index);
                    continue;
                }
                let message = format!(
                    "waiver `{}` names `{key}`, which cannot be waived",
                    entity.name
                );
                diagnostics.push(
                    Finding::language(Code::WaiverNotWaivable, span, "not waivable", message)
                        .with_entity("waiver", entity.name.clone())
                        .with_help("fix the finding instead; this policy allows no exception"),
                );
            }
        }
        let expired = matches!(entity.get("expires"), Some(Val::Date(d)) if *d < settings.as_of);
        if expired {
            let expires = entity
                .get("expires")
                .map(|v| V::from_val(v).display(inventory))
                .unwrap_or_default();
            diagnostics.push(
                Finding::language(
                    Code::WaiverExpired,
                    entity.attr_span("expires"),
                    "expired",
                    format!(
                        "waiver `{}` expired on {expires}; its findings are reported again",
                        entity.name
                    ),
                )
                .with_entity("waiver", entity.name.clone())
                .with_help("renew it with a new `expires` date and approval, or fix the findings"),
            );
        }
        waivers.push(Waiver {
            id,
            policies,
            applies: refs(entity.get("applies")),
            expired,
            used: false,
        });
    }

    // (policy, entity) → the first unexpired waiver excusing it, so applying waivers is
    // one probe per finding however many waivers there are.
    let mut excuses: HashMap<(usize, EntityId), usize> = HashMap::new();
    for (index, waiver) in waivers.iter().enumerate().filter(|(_, w)| !w.expired) {
        for &policy in &waiver.policies {
            for &entity in &waiver.applies {
                excuses.entry((policy, entity)).or_insert(index);
            }
        }
    }
    let by_rule: HashMap<&str, usize> = set
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rule.id.as_str(), i))
        .collect();
    for finding in findings.iter_mut() {
        let Some(&policy) = by_rule.get(finding.rule.id.as_str()) else {
            continue;
        };
        let Some(target) = finding.entity.as_ref().and_then(|e| e.id) else {
            continue;
        };
        // A vulnerability's finding is also excused through any device it affects.
        let mut candidates = vec![target];
        if set.policies[policy].kind == Kind::Vulnerability {
            candidates.extend(refs(inventory.entity(target).get("affected_devices")));
        }
        if let Some(&index) = candidates
            .iter()
            .filter_map(|&entity| excuses.get(&(policy, entity)))
            .min()
        {
            finding.waived_by = Some(inventory.entity(waivers[index].id).name.clone());
            waivers[index].used = true;
        }
    }
    for waiver in waivers.iter().filter(|w| !w.expired && !w.used) {
        // Unknown policies were reported already; a waiver for policies not evaluated this
        // run (`--select`) is not unused.
        if !waiver
            .policies
            .iter()
            .any(|p| settings.selected.contains(p))
        {
            continue;
        }
        let entity = inventory.entity(waiver.id);
        diagnostics.push(
            Finding::language(
                Code::WaiverUnused,
                entity.name_span,
                "excuses nothing",
                format!("waiver `{}` excuses no finding", entity.name),
            )
            .with_entity("waiver", entity.name.clone())
            .with_help("remove it, or check its `policies` and `applies`"),
        );
    }
    findings.extend(diagnostics);
}
