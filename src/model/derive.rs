//! Derived facts (LANGUAGE.md §4), computed once per inventory so every policy reads
//! them as plain attributes: activity and ePHI use, the resolved operating system and its
//! end of support, coverage by safeguards, business associates, affected devices.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{Attr, Entity, EntityId, Inventory, Val, os_support};
use crate::date::Date;
use crate::schema::Kind;

type Index = HashMap<EntityId, Vec<EntityId>>;

pub(super) fn derive(inventory: &mut Inventory, as_of: Date) {
    for entity in &mut inventory.entities {
        let name = Val::Str(entity.name.as_str().into());
        entity.set("name", name);
    }
    let covers = index_lists(inventory, Kind::Safeguard, "covers");
    let by_model = index_refs(inventory, "model");
    let by_vlan = index_refs(inventory, "vlan");

    let facts: Vec<(EntityId, DeviceFacts)> = inventory
        .of_kind(Kind::Device)
        .par_iter()
        .map(|&id| (id, device_facts(inventory, id, &covers, as_of)))
        .collect();
    let mut associates: HashSet<EntityId> = HashSet::new();
    for (id, facts) in facts {
        if facts.active && facts.handles_ephi {
            if let Some(Val::List(vendors)) = inventory.entity(id).get("serviced_by") {
                associates.extend(vendors.iter().filter_map(as_ref));
            }
        }
        facts.apply(&mut inventory.entities[id.index()]);
    }
    for id in inventory.of_kind(Kind::Vendor).to_vec() {
        let vendor = &mut inventory.entities[id.index()];
        let flag = |key| matches!(vendor.get(key), Some(Val::Bool(true)));
        let is_associate = flag("ephi_access") || flag("remote_access") || associates.contains(&id);
        vendor.set("business_associate", Val::Bool(is_associate));
    }
    for (kind, index) in [(Kind::Model, &by_model), (Kind::Vlan, &by_vlan)] {
        for id in inventory.of_kind(kind).to_vec() {
            let list = index
                .get(&id)
                .map_or_else(Vec::new, |ids| ids.iter().map(|&d| Val::Ref(d)).collect());
            inventory.entities[id.index()].set("devices", Val::List(list.into()));
        }
    }
    for id in inventory.of_kind(Kind::Vulnerability).to_vec() {
        let mut affected: Vec<EntityId> = Vec::new();
        if let Some(Val::List(targets)) = inventory.entity(id).get("affects") {
            for target in targets.iter().filter_map(as_ref) {
                match inventory.entity(target).kind {
                    Kind::Model => affected.extend(by_model.get(&target).into_iter().flatten()),
                    _ => affected.push(target),
                }
            }
        }
        affected.sort_unstable();
        affected.dedup();
        inventory.entities[id.index()].set(
            "affected_devices",
            Val::List(affected.into_iter().map(Val::Ref).collect()),
        );
    }
}

fn as_ref(val: &Val) -> Option<EntityId> {
    match val {
        Val::Ref(id) => Some(*id),
        _ => None,
    }
}

/// Target → the entities of `kind` whose list attribute `key` names it.
fn index_lists(inventory: &Inventory, kind: Kind, key: &str) -> Index {
    let mut index = Index::new();
    for &id in inventory.of_kind(kind) {
        if let Some(Val::List(targets)) = inventory.entity(id).get(key) {
            for target in targets.iter().filter_map(as_ref) {
                index.entry(target).or_default().push(id);
            }
        }
    }
    index
}

/// Model or vlan → its devices, in entity order.
fn index_refs(inventory: &Inventory, key: &str) -> Index {
    let mut index = Index::new();
    for &id in inventory.of_kind(Kind::Device) {
        if let Some(Val::Ref(target)) = inventory.entity(id).get(key) {
            index.entry(*target).or_default().push(id);
        }
    }
    index
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
    covered_by: Vec<EntityId>,
}

impl DeviceFacts {
    fn apply(self, device: &mut Entity) {
        device.set("active", Val::Bool(self.active));
        device.set("handles_ephi", Val::Bool(self.handles_ephi));
        device.set("stores_ephi", Val::Bool(self.stores_ephi));
        device.set("transmits_ephi", Val::Bool(self.transmits_ephi));
        if let Some(slot) = Kind::Device.slot("os") {
            device.attrs[slot] = self.os;
        }
        if let Some(date) = self.end_of_support {
            device.set("end_of_support", Val::Date(date));
        }
        device.set("unsupported", Val::Bool(self.unsupported));
        device.set("unpatchable", Val::Bool(self.unpatchable));
        device.set(
            "covered_by",
            Val::List(self.covered_by.into_iter().map(Val::Ref).collect()),
        );
    }
}

const OS_NAME: usize = 0;
const OS_VERSION: usize = 1;
const OS_END: usize = 2;

fn record(entity: &Entity, key: &str) -> Vec<Option<Attr>> {
    match entity.get(key) {
        Some(Val::Record(fields)) => fields.to_vec(),
        _ => vec![None; 3],
    }
}

fn text(field: &Option<Attr>) -> Option<&str> {
    match field {
        Some(Attr {
            val: Val::Str(s), ..
        }) => Some(s),
        _ => None,
    }
}

fn device_facts(inventory: &Inventory, id: EntityId, covers: &Index, as_of: Date) -> DeviceFacts {
    let device = inventory.entity(id);
    let active = !matches!(device.get("decommissioned"), Some(Val::Date(d)) if *d <= as_of);
    let uses: Vec<&str> = match device.get("ephi") {
        Some(Val::List(uses)) => uses
            .iter()
            .filter_map(|u| if let Val::Enum(u) = u { Some(*u) } else { None })
            .collect(),
        _ => Vec::new(),
    };
    let model = match device.get("model") {
        Some(Val::Ref(id)) => Some(inventory.entity(*id)),
        None | Some(_) => None,
    };

    let own = record(device, "os");
    let model_os = model.map_or_else(|| vec![None; 3], |m| record(m, "os"));
    let inherit = |slot: usize| {
        own[slot]
            .clone()
            .or_else(|| model_os[slot].clone().map(Attr::inherited))
    };
    let name = inherit(OS_NAME);
    let version = inherit(OS_VERSION);
    let same_as_model =
        text(&name) == text(&model_os[OS_NAME]) && text(&version) == text(&model_os[OS_VERSION]);
    let os_end = own[OS_END].clone().or_else(|| {
        if same_as_model {
            if let Some(attr) = model_os[OS_END].clone() {
                return Some(attr.inherited());
            }
        }
        text(&name)
            .and_then(|n| os_support::lookup(n, text(&version)))
            .map(|d| Attr::derived(Val::Date(d)))
    });
    let os_date = match &os_end {
        Some(Attr {
            val: Val::Date(d), ..
        }) => Some(*d),
        _ => None,
    };
    let product_date = match model.and_then(|m| m.get("end_of_support")) {
        Some(Val::Date(d)) => Some(*d),
        _ => None,
    };
    let end_of_support = os_date.into_iter().chain(product_date).min();
    let unsupported = end_of_support.is_some_and(|d| d < as_of);
    let unpatchable = unsupported
        || matches!(
            device.field("patch", "status"),
            Some(Val::Enum("unpatchable"))
        );
    // The resolved os record keeps the device's own block as its place, else the model's.
    let os = (name.is_some() || version.is_some() || os_end.is_some()).then(|| {
        let val = Val::Record(Box::new([name, version, os_end]));
        let slot = Kind::Device.slot("os").unwrap_or(0);
        let own_block = device.attrs[slot].as_ref().and_then(Attr::span);
        let model_block = model
            .and_then(|m| m.attrs[slot].as_ref())
            .and_then(Attr::span);
        match (own_block, model_block) {
            (Some(span), _) => Attr::new(val, span),
            (None, Some(span)) => Attr::new(val, span).inherited(),
            (None, None) => Attr::derived(val),
        }
    });

    let mut covered_by: Vec<EntityId> = Vec::new();
    let mut add_covering = |target: Option<&Val>| {
        if let Some(Val::Ref(target)) = target {
            covered_by.extend(covers.get(target).into_iter().flatten());
        }
    };
    add_covering(Some(&Val::Ref(id)));
    add_covering(device.get("model"));
    add_covering(device.get("vlan"));
    if let Some(Val::List(compensating)) = device.get("compensating") {
        covered_by.extend(compensating.iter().filter_map(as_ref));
    }
    covered_by.sort_unstable();
    covered_by.dedup();

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
    }
}
