//! The network map: vlans are nodes, flows directed edges. Reachability is computed once
//! per vlan, as the set of zones it reaches through any flows and through unguarded ones,
//! so `unguarded_path(zone)` is a bit test at evaluation time.

use std::collections::HashMap;

use super::{EntityId, Inventory, Val};
use crate::finding::{Code, Finding};
use crate::schema::{Kind, ZONES};

/// Zones (bit i = `ZONES[i]`) a vlan reaches by a path of one or more flows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    pub any: u16,
    /// Through flows none of which is guarded.
    pub unguarded: u16,
}

pub fn zone_bit(zone: &str) -> Option<u16> {
    ZONES.iter().position(|z| *z == zone).map(|i| 1 << i)
}

pub(super) fn reach(inventory: &Inventory) -> Vec<Reach> {
    let vlans = inventory.of_kind(Kind::Vlan);
    let mut edges: HashMap<EntityId, Vec<(EntityId, bool)>> = HashMap::new();
    for &flow in inventory.of_kind(Kind::Flow) {
        let flow = inventory.entity(flow);
        let (Some(Val::Ref(from)), Some(Val::Ref(to))) = (flow.get("from"), flow.get("to")) else {
            continue;
        };
        let guarded = matches!(flow.get("via"), Some(Val::List(via)) if !via.is_empty());
        edges.entry(*from).or_default().push((*to, guarded));
    }
    let zone_of = |vlan: EntityId| match inventory.entity(vlan).get("zone") {
        Some(Val::Enum(zone)) => zone_bit(zone).unwrap_or(0),
        _ => 0,
    };
    let mut reach = vec![Reach::default(); inventory.entities.len()];
    for &start in vlans {
        reach[start.index()] = Reach {
            any: reachable_zones(start, &edges, false, zone_of),
            unguarded: reachable_zones(start, &edges, true, zone_of),
        };
    }
    reach
}

fn reachable_zones(
    start: EntityId,
    edges: &HashMap<EntityId, Vec<(EntityId, bool)>>,
    unguarded_only: bool,
    zone_of: impl Fn(EntityId) -> u16,
) -> u16 {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![start];
    let mut zones = 0;
    while let Some(vlan) = stack.pop() {
        for &(next, guarded) in edges.get(&vlan).map_or(&[][..], Vec::as_slice) {
            if unguarded_only && guarded {
                continue;
            }
            if seen.insert(next) {
                zones |= zone_of(next);
                stack.push(next);
            }
        }
    }
    zones
}

/// WARD-010: two vlans share an 802.1Q id.
pub(super) fn check_vlan_ids(inventory: &Inventory, errors: &mut Vec<Finding>) {
    let mut first_by_id: HashMap<i64, EntityId> = HashMap::new();
    for &vlan in inventory.of_kind(Kind::Vlan) {
        let entity = inventory.entity(vlan);
        let Some(Val::Int(id)) = entity.get("id") else {
            continue;
        };
        match first_by_id.get(id) {
            Some(&first) => {
                let first = inventory.entity(first);
                errors.push(
                    Finding::language(
                        Code::DuplicateVlanId,
                        entity.attr_span("id"),
                        "same id again",
                        format!("vlans `{}` and `{}` share id {id}", first.name, entity.name),
                    )
                    .with_secondary(
                        first.attr_span("id"),
                        format!("`{}` has id {id}", first.name),
                    )
                    .with_entity("vlan", entity.name.clone())
                    .with_help("each 802.1Q segment has its own id: fix one of them"),
                );
            }
            None => {
                first_by_id.insert(*id, vlan);
            }
        }
    }
}
