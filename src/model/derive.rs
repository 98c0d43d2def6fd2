//! Derived facts (LANGUAGE.md §4), computed once per inventory so every policy reads
//! them as plain attributes: activity and ePHI use, the resolved operating system and its
//! end of support, coverage by safeguards, business associates, affected devices, and the
//! v2 facts (documented decisions, guarding safeguards, flows carrying ePHI, patch clocks).

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use thin_vec::ThinVec;

use super::adjacency::Adjacency;
use super::{
    Attr, Entity, EntityId, Facts, Inherited, Inventory, Placed, Placement, Val, os_support,
};
use crate::date::Date;
use crate::schema::{Kind, Slot, Type, device as device_slot, model as model_slot, tag};

// Keyed by entity ids, never by input text: Fx is safe and several times faster than SipHash.
/// Target → the entities naming it.
type Index = Adjacency<EntityId>;

pub(super) fn derive(inventory: &mut Inventory, as_of: Date) {
    for entity in &mut inventory.entities {
        // A device's facts are stored at once, in `DeviceFacts::apply`; other kinds get
        // room for every fact stored as a value (booleans are bits).
        if entity.kind != Kind::Device {
            // The name (the first fact) is read from the entity itself.
            let stored = entity.kind.facts().iter().skip(1);
            entity
                .facts
                .reserve(stored.filter(|f| f.ty != Type::Bool).count());
        }
    }
    let decided = decisions_in_effect(inventory, as_of);
    let covers = index_lists(inventory, Kind::Safeguard, "covers");
    let by_model = index_refs(inventory, device_slot::MODEL);
    let by_vlan = index_refs(inventory, device_slot::VLAN);

    let catalog = model_os_answers(inventory);
    let shared: FxHashMap<EntityId, ResolvedOs> = inventory
        .of_kind(Kind::Model)
        .iter()
        .map(|&id| (id, resolve_os(None, Some(inventory.entity(id)), &catalog)))
        .collect();
    let facts: Vec<(EntityId, Facts)> = inventory
        .of_kind(Kind::Device)
        .par_iter()
        .map(|&id| {
            let facts = device_facts(inventory, id, &covers, &catalog, &shared, as_of);
            let facts = facts.with_decisions(inventory, id, &decided);
            (id, facts.store())
        })
        .collect();
    let placements = placements(inventory, &covers, &decided);
    let (services_ephi, ephi_vlans) = ephi_vendors_and_vlans(inventory, &facts);
    for (id, facts) in facts {
        inventory.entities[id.index()].facts = facts;
    }
    for id in inventory.of_kind(Kind::Vendor).to_vec() {
        let vendor = &mut inventory.entities[id.index()];
        let services = services_ephi.contains(&id);
        // Remote access alone does not make a business associate (v2): only ePHI does.
        let is_associate = match vendor.get("ephi_access") {
            Some(Val::Bool(stated)) => *stated,
            _ => services,
        };
        vendor.set("services_ephi", Val::Bool(services));
        vendor.set("business_associate", Val::Bool(is_associate));
    }
    for id in inventory.of_kind(Kind::Safeguard).to_vec() {
        let safeguard = &mut inventory.entities[id.index()];
        let kind = match safeguard.get("kind") {
            Some(Val::Enum(kind)) => *kind,
            _ => "",
        };
        let restricting = is_restricting(kind);
        let current = match safeguard.get("verified") {
            Some(Val::Date(verified)) => within_months(*verified, 12, as_of),
            _ => false,
        };
        safeguard.set("restricting", Val::Bool(restricting));
        safeguard.set("guarding", Val::Bool(is_guarding(kind)));
        safeguard.set("current", Val::Bool(current));
    }
    let mut writes: Vec<(EntityId, &'static str, Val)> = Vec::new();
    for &id in inventory.of_kind(Kind::Flow) {
        let flow = inventory.entity(id);
        let this = Val::Ref(id);
        let (from, to) = (flow.get("from"), flow.get("to"));
        let decisions = decisions_of(&decided, &[Some(&this), from, to]);
        writes.push((id, "decisions", decisions));
        let carries = match flow.get("ephi") {
            Some(Val::Bool(stated)) => *stated,
            _ => [from, to]
                .into_iter()
                .any(|v| v.and_then(as_ref).is_some_and(|v| ephi_vlans.contains(&v))),
        };
        writes.push((id, "carries_ephi", Val::Bool(carries)));
    }
    for (id, fact, val) in writes {
        inventory.entities[id.index()].set(fact, val);
    }
    for (kind, index) in [(Kind::Model, &by_model), (Kind::Vlan, &by_vlan)] {
        for id in inventory.of_kind(kind).to_vec() {
            let list = index.get(id).iter().map(|&d| Val::Ref(d)).collect();
            inventory.entities[id.index()].set("devices", Val::List(list));
        }
    }
    for id in inventory.of_kind(Kind::Vulnerability).to_vec() {
        let mut affected: Vec<EntityId> = Vec::new();
        if let Some(Val::List(targets)) = inventory.entity(id).get("affects") {
            for target in targets.iter().filter_map(as_ref) {
                match inventory.entity(target).kind {
                    Kind::Model => affected.extend(by_model.get(target)),
                    _ => affected.push(target),
                }
            }
        }
        affected.sort_unstable();
        affected.dedup();
        let vulnerability = &mut inventory.entities[id.index()];
        let date = |key| match vulnerability.get(key) {
            Some(Val::Date(d)) => Some(*d),
            _ => None,
        };
        let unresolved = date("remediated").is_none_or(|d| d > as_of);
        let identified = date("identified");
        // No fix released yet: no clock runs. A release after identification restarts it.
        let clock = match vulnerability.get("patch_available") {
            Some(Val::Enum(_)) => None,
            Some(Val::Date(released)) => identified.map(|i| i.max(*released)),
            _ => identified,
        };
        vulnerability.set(
            "affected_devices",
            Val::List(affected.into_iter().map(Val::Ref).collect()),
        );
        vulnerability.set("unresolved", Val::Bool(unresolved));
        if let Some(clock) = clock {
            vulnerability.set("patch_clock", Val::Date(clock));
        }
    }
    inventory.placements = placements;
    inventory.inherited = shared
        .into_iter()
        .map(|(id, resolved)| {
            let model = inventory.entity(id).typed::<tag::Model>();
            let connectivity = model.and_then(|m| m.attr(model_slot::CONNECTIVITY));
            let inherited = Inherited {
                os: resolved.os,
                connectivity: connectivity.cloned().map(Attr::inherited),
            };
            (id, inherited)
        })
        .collect();
}

/// Firewalls, ACLs, NAC and segmentation gateways decide what traffic passes.
fn is_restricting(kind: &str) -> bool {
    matches!(kind, "firewall" | "acl" | "nac" | "segmentation_gateway")
}

/// Safeguards that stand between a source and a target: restricting ones, and the jump
/// hosts and MFA proxies every session passes. A backup or a monitor guards nothing.
pub(super) fn is_guarding(kind: &str) -> bool {
    is_restricting(kind) || matches!(kind, "jump_host" | "mfa_proxy")
}

/// `since ≤ as_of ≤ add_months(since, months)`; an overflowing date is never current.
fn within_months(since: Date, months: i64, as_of: Date) -> bool {
    since <= as_of && since.add_months(months).is_some_and(|end| as_of <= end)
}

/// Target (device, model, vlan or flow) → the decisions in effect whose `applies` names it;
/// each decision gets its `in_effect` fact on the way.
fn decisions_in_effect(inventory: &mut Inventory, as_of: Date) -> Index {
    let mut pairs = Vec::new();
    for id in inventory.of_kind(Kind::Decision).to_vec() {
        let decision = &mut inventory.entities[id.index()];
        let approved = matches!(decision.get("approved"), Some(Val::Date(d)) if *d <= as_of);
        let not_due = match decision.get("review_by") {
            Some(Val::Date(review)) => *review >= as_of,
            _ => true,
        };
        let in_effect = approved && not_due;
        decision.set("in_effect", Val::Bool(in_effect));
        if !in_effect {
            continue;
        }
        if let Some(Val::List(targets)) = decision.get("applies") {
            pairs.extend(targets.iter().filter_map(as_ref).map(|t| (t, id)));
        }
    }
    Adjacency::new(inventory.entities.len(), pairs)
}

/// The safeguards whose `covers` names one of `targets`.
fn covering(covers: &Index, targets: [Option<EntityId>; 3]) -> Vec<EntityId> {
    let found = targets.into_iter().flatten().map(|t| covers.get(t));
    found.flatten().copied().collect()
}

/// A list fact of references, sorted and without repeats.
fn sorted_refs(mut ids: Vec<EntityId>) -> ThinVec<Val> {
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter().map(Val::Ref).collect()
}

type Ids = FxHashSet<EntityId>;

/// The vendors servicing, and the vlans holding, an active ePHI device: sets, so the
/// devices are read in parallel and the result does not depend on the thread count.
fn ephi_vendors_and_vlans(inventory: &Inventory, facts: &[(EntityId, Facts)]) -> (Ids, Ids) {
    let empty = || (Ids::default(), Ids::default());
    facts
        .par_iter()
        .filter(|(_, facts)| {
            let ephi_device = facts.get(device_slot::EPHI_DEVICE.index());
            ephi_device.is_some_and(|a| a.val == Val::Bool(true))
        })
        .fold(empty, |(mut vendors, mut vlans), (id, _)| {
            let device = inventory.entity(*id);
            let serviced_by = device
                .typed::<tag::Device>()
                .and_then(|d| d.attr(device_slot::SERVICED_BY));
            if let Some(Val::List(list)) = serviced_by.map(|a| &a.val) {
                vendors.extend(list.iter().filter_map(as_ref));
            }
            vlans.extend(device.placement().1);
            (vendors, vlans)
        })
        .reduce(
            empty,
            |(mut vendors, mut vlans), (more_vendors, more_vlans)| {
                vendors.extend(more_vendors);
                vlans.extend(more_vlans);
                (vendors, vlans)
            },
        )
}

/// What the devices of each placement share: the safeguards covering their model or
/// vlan, and the decisions applying to them. A device that adds its own stores them.
fn placements(
    inventory: &Inventory,
    covers: &Index,
    decided: &Index,
) -> FxHashMap<Placement, Placed> {
    let keys: FxHashSet<Placement> = inventory
        .of_kind(Kind::Device)
        .par_iter()
        .map(|&id| inventory.entity(id).placement())
        .collect();
    let placed = |(model, vlan): Placement| {
        let covered_by = sorted_refs(covering(covers, [model, vlan, None]));
        let targets = [model.map(Val::Ref), vlan.map(Val::Ref)];
        let decisions = decisions_of(decided, &[targets[0].as_ref(), targets[1].as_ref()]);
        Placed {
            covered_by: Attr::derived(Val::List(covered_by)),
            decisions: Attr::derived(decisions),
        }
    };
    keys.into_iter().map(|key| (key, placed(key))).collect()
}

/// The decisions in effect that name one of `targets`, as a list fact.
fn decisions_of(decided: &Index, targets: &[Option<&Val>]) -> Val {
    let mut found: Vec<EntityId> = targets
        .iter()
        .filter_map(|t| t.and_then(as_ref))
        .flat_map(|t| decided.get(t).iter().copied())
        .collect();
    found.sort_unstable();
    found.dedup();
    Val::List(found.into_iter().map(Val::Ref).collect())
}

fn as_ref(val: &Val) -> Option<EntityId> {
    match val {
        Val::Ref(id) => Some(*id),
        _ => None,
    }
}

/// Target → the entities of `kind` whose list attribute `key` names it.
fn index_lists(inventory: &Inventory, kind: Kind, key: &str) -> Index {
    let mut pairs = Vec::new();
    for &id in inventory.of_kind(kind) {
        if let Some(Val::List(targets)) = inventory.entity(id).get(key) {
            pairs.extend(targets.iter().filter_map(as_ref).map(|t| (t, id)));
        }
    }
    Adjacency::new(inventory.entities.len(), pairs)
}

/// Model or vlan → its devices, in entity order.
fn index_refs(inventory: &Inventory, key: Slot<tag::Device>) -> Index {
    let pairs = inventory
        .of_kind(Kind::Device)
        .par_iter()
        .filter_map(|&id| {
            let device = inventory.entity(id).typed::<tag::Device>()?;
            Some((as_ref(&device.attr(key)?.val)?, id))
        });
    Adjacency::new(inventory.entities.len(), pairs.collect())
}

struct DeviceFacts {
    active: bool,
    handles_ephi: bool,
    stores_ephi: bool,
    transmits_ephi: bool,
    os: Option<Attr>,
    end_of_support: Option<Date>,
    unsupported: bool,
    unpatchable: bool,
    /// Only when the device adds safeguards of its own to its placement's.
    covered_by: Option<ThinVec<Val>>,
    on_lan: bool,
    general_purpose_os: bool,
    os_catalog_hint: Option<String>,
    migration_pending: bool,
    fda_maintained: bool,
    /// Only when the device adds its own to its placement's.
    decisions: Option<Val>,
}

impl DeviceFacts {
    /// Decisions naming the device itself; the rest come with its placement.
    fn with_decisions(self, inventory: &Inventory, id: EntityId, decided: &Index) -> DeviceFacts {
        let device = inventory.entity(id);
        let this = Val::Ref(id);
        let (model, vlan) = device.placement();
        let (model, vlan) = (model.map(Val::Ref), vlan.map(Val::Ref));
        let targets = [Some(&this), model.as_ref(), vlan.as_ref()];
        DeviceFacts {
            decisions: decided.has(id).then(|| decisions_of(decided, &targets)),
            ..self
        }
    }

    /// The device's fact store, written through typed slots (a name lookup per fact and
    /// device was the largest cost of derivation) and built whole, so it is allocated
    /// once, at its size.
    fn store(self) -> Facts {
        use device_slot as slot;
        let mut facts = Facts::default();
        // Room for exactly the facts stored as values (booleans are bits, the name is
        // the entity's): covered_by, decisions, and the optional ones.
        let optional = [
            self.os.is_some(),
            self.os_catalog_hint.is_some(),
            self.end_of_support.is_some(),
            self.covered_by.is_some(),
            self.decisions.is_some(),
        ];
        facts.reserve(optional.into_iter().filter(|&stored| stored).count());
        let mut put = |slot: Slot<tag::Device>, attr| facts.set(slot.index(), attr);
        if let Some(decisions) = self.decisions {
            put(slot::DECISIONS, Some(Attr::derived(decisions)));
        }
        let fact = |val| Some(Attr::derived(val));
        put(slot::ACTIVE, fact(Val::Bool(self.active)));
        put(slot::HANDLES_EPHI, fact(Val::Bool(self.handles_ephi)));
        put(slot::STORES_EPHI, fact(Val::Bool(self.stores_ephi)));
        put(slot::TRANSMITS_EPHI, fact(Val::Bool(self.transmits_ephi)));
        if self.os.is_some() {
            put(slot::OS_BLOCK, self.os);
        }
        let ephi_device = self.active && self.handles_ephi;
        put(slot::EPHI_DEVICE, fact(Val::Bool(ephi_device)));
        put(slot::ON_LAN, fact(Val::Bool(self.on_lan)));
        put(
            slot::GENERAL_PURPOSE_OS,
            fact(Val::Bool(self.general_purpose_os)),
        );
        put(
            slot::MIGRATION_PENDING,
            fact(Val::Bool(self.migration_pending)),
        );
        put(slot::FDA_MAINTAINED, fact(Val::Bool(self.fda_maintained)));
        if let Some(hint) = self.os_catalog_hint {
            put(slot::OS_CATALOG_HINT, fact(Val::Str(hint.into())));
        }
        if let Some(date) = self.end_of_support {
            put(slot::END_OF_SUPPORT, fact(Val::Date(date)));
        }
        put(slot::UNSUPPORTED, fact(Val::Bool(self.unsupported)));
        put(slot::UNPATCHABLE, fact(Val::Bool(self.unpatchable)));
        if let Some(covered_by) = self.covered_by {
            put(slot::COVERED_BY, fact(Val::List(covered_by)));
        }
        facts
    }
}

use device_slot::{OS_END, OS_NAME, OS_VERSION};

/// The fields of an `os` record, or three unknowns.
fn os_fields(attr: Option<&Attr>) -> [Option<Attr>; 3] {
    let field = |index| match attr.map(|a| &a.val) {
        Some(Val::Record(fields)) => super::record_field(fields, index).cloned(),
        _ => None,
    };
    [field(0), field(1), field(2)]
}

/// Whether two stated OS fields name the same thing, compared as the catalog compares
/// names (a case or trailing-space difference is not another OS).
fn same_text(a: Option<&str>, b: Option<&str>) -> bool {
    // Equal text is the inherited case, nearly every device: no need to normalize.
    a == b || a.map(os_support::normalize) == b.map(os_support::normalize)
}

/// Operating systems a general-purpose anti-malware product exists for (LANGUAGE.md §4).
const GENERAL_PURPOSE: [&str; 7] = [
    "windows", "linux", "ubuntu", "centos", "red hat", "debian", "macos",
];

fn text(field: Option<&Attr>) -> Option<&str> {
    field?.text()
}

/// What the OS catalog says of a name and version: end of support, and the hint when no
/// row matches.
type CatalogAnswer = (Option<Date>, Option<String>);

type CatalogAnswers<'a> = FxHashMap<(&'a str, Option<&'a str>), CatalogAnswer>;

fn ask_catalog(name: &str, version: Option<&str>) -> CatalogAnswer {
    (
        os_support::lookup(name, version),
        os_support::hint(name, version),
    )
}

/// The catalog's answer for every model's OS, asked once: nearly every device inherits
/// its model's OS, and each question normalizes both strings and searches the rows.
fn model_os_answers(inventory: &Inventory) -> CatalogAnswers<'_> {
    let mut answers = CatalogAnswers::default();
    for &id in inventory.of_kind(Kind::Model) {
        let os = inventory
            .entity(id)
            .typed::<tag::Model>()
            .and_then(|m| m.attr(model_slot::OS_BLOCK));
        let Some(Val::Record(fields)) = os.map(|a| &a.val) else {
            continue;
        };
        let field = |i: usize| text(super::record_field(fields, i));
        if let Some(name) = field(OS_NAME) {
            let version = field(OS_VERSION);
            answers
                .entry((name, version))
                .or_insert_with(|| ask_catalog(name, version));
        }
    }
    answers
}

/// A device's operating system: its own `os` fields, else its model's (LANGUAGE.md §4),
/// with what the catalog says of it.
pub(super) struct ResolvedOs {
    /// The completed `os` record, as policies read it.
    pub os: Option<Attr>,
    end: Option<Date>,
    hint: Option<String>,
    general_purpose: bool,
}

fn resolve_os(own: Option<&Attr>, model: Option<&Entity>, catalog: &CatalogAnswers) -> ResolvedOs {
    let model_attr = |slot| model?.typed::<tag::Model>()?.attr(slot);
    let own_fields = os_fields(own);
    let model_os = os_fields(model_attr(model_slot::OS_BLOCK));
    let inherit = |slot: usize| {
        own_fields[slot]
            .clone()
            .or_else(|| model_os[slot].clone().map(Attr::inherited))
    };
    let name = inherit(OS_NAME);
    let version = inherit(OS_VERSION);
    let same_as_model = same_text(text(name.as_ref()), text(model_os[OS_NAME].as_ref()))
        && same_text(text(version.as_ref()), text(model_os[OS_VERSION].as_ref()));
    let answer = text(name.as_ref()).map(|n| {
        let version = text(version.as_ref());
        match catalog.get(&(n, version)) {
            Some(answer) => answer.clone(),
            None => ask_catalog(n, version),
        }
    });
    let os_end = own_fields[OS_END].clone().or_else(|| {
        if same_as_model {
            if let Some(attr) = model_os[OS_END].clone() {
                return Some(attr.inherited());
            }
        }
        answer
            .as_ref()
            .and_then(|(end, _)| *end)
            .map(|d| Attr::derived(Val::Date(d)))
    });
    let end = match &os_end {
        Some(Attr {
            val: Val::Date(d), ..
        }) => Some(*d),
        _ => None,
    };
    let general_purpose = text(name.as_ref()).is_some_and(|n| {
        let lower = n.to_lowercase();
        GENERAL_PURPOSE.iter().any(|p| lower.starts_with(p))
    });
    // The resolved os record keeps the device's own block as its place, else the model's.
    let os = (name.is_some() || version.is_some() || os_end.is_some()).then(|| {
        let val = super::record([name, version, os_end]);
        let own_block = own.and_then(Attr::span);
        let model_block = model_attr(model_slot::OS_BLOCK).and_then(Attr::span);
        match (own_block, model_block) {
            (Some(span), _) => Attr::new(val, span),
            (None, Some(span)) => Attr::new(val, span).inherited(),
            (None, None) => Attr::derived(val),
        }
    });
    ResolvedOs {
        os,
        end,
        hint: answer.and_then(|(_, hint)| hint),
        general_purpose,
    }
}

fn device_facts(
    inventory: &Inventory,
    id: EntityId,
    covers: &Index,
    catalog: &CatalogAnswers,
    shared: &FxHashMap<EntityId, ResolvedOs>,
    as_of: Date,
) -> DeviceFacts {
    let device = inventory.entity(id);
    // Typed slots: a lookup by name for each of a million devices was most of derivation.
    let typed = device.typed::<tag::Device>();
    let own_attr = |slot| typed.as_ref()?.attr(slot);
    let own = |slot| own_attr(slot).map(|a| &a.val);
    let own_field = |slot, field| match own(slot) {
        Some(Val::Record(fields)) => super::record_field(fields, field).map(|a| &a.val),
        _ => None,
    };
    let active = !matches!(own(device_slot::DECOMMISSIONED), Some(Val::Date(d)) if *d <= as_of);
    let uses: Vec<&str> = match own(device_slot::EPHI) {
        Some(Val::List(uses)) => uses
            .iter()
            .filter_map(|u| {
                if let Val::Enum(u) = u {
                    Some(**u)
                } else {
                    None
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let (model, vlan) = device.placement();
    let own_os = own_attr(device_slot::OS_BLOCK);
    // Nearly every device states no os of its own: it reads its model's, resolved once
    // and not copied (`Inventory::attr`). Only a device's own os is stored on it.
    let mut own_resolved = None;
    let resolved = match (own_os, model.and_then(|m| shared.get(&m))) {
        (None, Some(shared)) => shared,
        _ => own_resolved.insert(resolve_os(
            own_os,
            model.map(|m| inventory.entity(m)),
            catalog,
        )),
    };
    let (end, hint, general_purpose_os) = (
        resolved.end,
        resolved.hint.clone(),
        resolved.general_purpose,
    );
    let os = own_resolved.and_then(|r| r.os);
    let product_date = match model.and_then(|m| inventory.entity(m).get("end_of_support")) {
        Some(Val::Date(d)) => Some(*d),
        _ => None,
    };
    let end_of_support = end.into_iter().chain(product_date).min();
    let unsupported = end_of_support.is_some_and(|d| d < as_of);
    let patch_status = own_field(device_slot::PATCH, device_slot::PATCH_STATUS);
    let unpatchable = unsupported || matches!(patch_status, Some(&Val::Enum(&"unpatchable")));

    let compensating = match own(device_slot::COMPENSATING) {
        Some(Val::List(compensating)) => compensating.as_slice(),
        _ => &[],
    };
    let own_cover = covers.has(id) || !compensating.is_empty();
    let covered_by = own_cover.then(|| {
        let mut covered_by = covering(covers, [Some(id), model, vlan]);
        covered_by.extend(compensating.iter().filter_map(as_ref));
        sorted_refs(covered_by)
    });

    let model_connectivity = || {
        let model = inventory.entity(model?).typed::<tag::Model>()?;
        model.attr(model_slot::CONNECTIVITY)
    };
    let connectivity = own_attr(device_slot::CONNECTIVITY).or_else(model_connectivity);
    let on_lan = match connectivity.map(|a| &a.val) {
        Some(Val::List(links)) => links
            .iter()
            .any(|l| matches!(l, &Val::Enum(&("ethernet" | "wifi")))),
        _ => true,
    };

    DeviceFacts {
        active,
        handles_ephi: !uses.is_empty(),
        stores_ephi: uses.contains(&"store"),
        transmits_ephi: uses.contains(&"transmit"),
        os,
        end_of_support,
        unsupported,
        unpatchable,
        covered_by,
        on_lan,
        general_purpose_os,
        os_catalog_hint: hint,
        // NPRM exception (a): a dated replacement plan whose date has not passed.
        migration_pending: own_field(device_slot::MIGRATION, device_slot::MIGRATION_PLAN).is_some()
            && matches!(
                own_field(device_slot::MIGRATION, device_slot::MIGRATION_BY),
                Some(Val::Date(by)) if *by >= as_of
            ),
        // NPRM exception (b): an FDA-authorized product kept supported and patched as
        // its manufacturer directs.
        decisions: None,
        fda_maintained: model
            .is_some_and(|m| inventory.entity(m).field("fda", "submission").is_some())
            && !unsupported
            && matches!(
                patch_status,
                Some(&Val::Enum(&("current" | "vendor_managed")))
            ),
    }
}
