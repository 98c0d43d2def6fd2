//! The network map (LANGUAGE.md §4): vlans are nodes, flows directed edges. The graph is
//! built on first use, since most runs never ask about paths; each "which segments have
//! an unguarded path to (or from) a zone" question is then one traversal per zone, O(V+E),
//! and its answer is cached. The map and report views (`report::map`) read the same graph,
//! so what they draw as unguarded is what the policies judge.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::adjacency::Adjacency;
use super::{EntityId, Inventory, Val, derive::is_guarding};
use crate::finding::{Code, Finding};
use crate::schema::{Kind, ZONES};

/// A zone set: bit i is `ZONES[i]`.
pub type Zones = u16;

pub fn zone_bit(zone: &str) -> Option<Zones> {
    ZONES.iter().position(|z| *z == zone).map(|i| 1 << i)
}

/// Every zone.
pub const ALL_ZONES: Zones = (1 << ZONES.len()) - 1;

/// The zones POLICIES.md calls OPEN: where anyone may plug in or connect.
pub const OPEN_ZONES: [&str; 5] = ["flat", "corporate", "guest", "dmz", "iot"];

/// [`OPEN_ZONES`] as a set.
pub fn open_zones() -> Zones {
    OPEN_ZONES
        .iter()
        .filter_map(|z| zone_bit(z))
        .fold(0, |a, b| a | b)
}

/// One flow as an edge.
#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub flow: EntityId,
    /// The vlan at the other end (the target going forward, the source going back).
    pub vlan: EntityId,
    /// Its `via` names at least one guarding safeguard.
    pub guarded: bool,
}

/// The vlans and flows of an inventory as a directed graph, with cached per-zone answers.
#[derive(Debug, Default)]
pub struct NetworkGraph {
    forward: Adjacency<Edge>,
    backward: Adjacency<Edge>,
    zone: FxHashMap<EntityId, Zones>,
    /// Per zone index: the vlans with an unguarded path to / from a vlan of that zone.
    to_zone: [OnceLock<Vec<EntityId>>; ZONES.len()],
    from_zone: [OnceLock<Vec<EntityId>>; ZONES.len()],
}

/// Which way a path runs relative to the segment asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the segment to the zone (`unguarded_path`).
    To,
    /// From the zone to the segment (`unguarded_from`).
    From,
}

impl NetworkGraph {
    pub fn new(inventory: &Inventory) -> NetworkGraph {
        let mut graph = NetworkGraph::default();
        for &vlan in inventory.of_kind(Kind::Vlan) {
            if let Some(Val::Enum(zone)) = inventory.entity(vlan).get("zone") {
                graph.zone.insert(vlan, zone_bit(zone).unwrap_or(0));
            }
        }
        let (mut forward, mut backward) = (Vec::new(), Vec::new());
        for &flow in inventory.of_kind(Kind::Flow) {
            let entity = inventory.entity(flow);
            let (Some(Val::Ref(from)), Some(Val::Ref(to))) = (entity.get("from"), entity.get("to"))
            else {
                continue;
            };
            let guarded = match entity.get("via") {
                Some(Val::List(via)) => via.iter().any(|v| match v {
                    Val::Ref(id) => matches!(
                        inventory.entity(*id).get("kind"),
                        Some(Val::Enum(kind)) if is_guarding(kind)
                    ),
                    _ => false,
                }),
                _ => false,
            };
            let edge = |vlan| Edge {
                flow,
                vlan,
                guarded,
            };
            forward.push((*from, edge(*to)));
            backward.push((*to, edge(*from)));
        }
        let entities = inventory.entities.len();
        graph.forward = Adjacency::new(entities, forward);
        graph.backward = Adjacency::new(entities, backward);
        graph
    }

    /// Whether `vlan` has a path of one or more unguarded flows to (or from) a vlan of
    /// one of `zones`.
    pub fn unguarded(&self, vlan: EntityId, zones: Zones, direction: Direction) -> bool {
        (0..ZONES.len()).filter(|i| zones & (1 << i) != 0).any(|i| {
            self.unguarded_set(i, direction)
                .binary_search(&vlan)
                .is_ok()
        })
    }

    fn unguarded_set(&self, zone: usize, direction: Direction) -> &[EntityId] {
        let (cache, edges) = match direction {
            Direction::To => (&self.to_zone[zone], &self.backward),
            Direction::From => (&self.from_zone[zone], &self.forward),
        };
        cache.get_or_init(|| {
            // Walk the flows backwards from the zone's vlans (forwards for paths out of
            // the zone): every vlan reached by at least one edge has such a path.
            let bit = 1 << zone;
            let mut stack: Vec<EntityId> = self
                .zone
                .iter()
                .filter(|&(_, z)| z & bit != 0)
                .map(|(&v, _)| v)
                .collect();
            let mut reached: Vec<EntityId> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            while let Some(vlan) = stack.pop() {
                for edge in edges.get(vlan) {
                    if !edge.guarded && seen.insert(edge.vlan) {
                        reached.push(edge.vlan);
                        stack.push(edge.vlan);
                    }
                }
            }
            reached.sort_unstable();
            reached
        })
    }

    /// The zone of a vlan as a set (empty when unknown).
    pub fn zone_of(&self, vlan: EntityId) -> Zones {
        self.zone.get(&vlan).copied().unwrap_or(0)
    }

    /// Every flow as (source vlan, edge to the target), in flow order.
    pub fn flows(&self) -> Vec<(EntityId, Edge)> {
        let mut flows: Vec<(EntityId, Edge)> = self
            .forward
            .pairs()
            .map(|(from, &edge)| (from, edge))
            .collect();
        flows.sort_unstable_by_key(|(_, edge)| edge.flow);
        flows
    }

    /// The unguarded flows that lie on some unguarded path from a vlan of `from` to a vlan
    /// of `to`, in flow order: what a map draws as a warning. A flow u → v is on one when
    /// u is in `from` or reached from it unguarded, and v is in `to` or reaches it unguarded.
    pub fn unguarded_flows_between(&self, from: Zones, to: Zones) -> Vec<EntityId> {
        let starts =
            |v: EntityId| self.zone_of(v) & from != 0 || self.unguarded(v, from, Direction::From);
        let ends = |v: EntityId| self.zone_of(v) & to != 0 || self.unguarded(v, to, Direction::To);
        self.flows()
            .into_iter()
            .filter(|(source, edge)| !edge.guarded && starts(*source) && ends(edge.vlan))
            .map(|(_, edge)| edge.flow)
            .collect()
    }

    /// The flows of a shortest unguarded path from `vlan` to a vlan of one of `zones`,
    /// for explaining a finding on a map; `None` when there is none.
    pub fn shortest_unguarded_path(&self, vlan: EntityId, zones: Zones) -> Option<Vec<EntityId>> {
        self.shortest(vlan, zones, Direction::To)
    }

    /// The flows, in travel order, of a shortest unguarded path from a vlan of one of
    /// `zones` to `vlan`; `None` when there is none.
    pub fn shortest_unguarded_path_from(
        &self,
        zones: Zones,
        vlan: EntityId,
    ) -> Option<Vec<EntityId>> {
        self.shortest(vlan, zones, Direction::From)
    }

    /// Breadth-first from `vlan` along unguarded flows (against them for paths from the
    /// zone), taking flows in id order so the path chosen is deterministic.
    fn shortest(
        &self,
        vlan: EntityId,
        zones: Zones,
        direction: Direction,
    ) -> Option<Vec<EntityId>> {
        let edges_of = match direction {
            Direction::To => &self.forward,
            Direction::From => &self.backward,
        };
        let mut came_by: HashMap<EntityId, (EntityId, EntityId)> = HashMap::new();
        let mut queue = VecDeque::from([vlan]);
        while let Some(at) = queue.pop_front() {
            let mut edges: Vec<&Edge> = edges_of.get(at).iter().filter(|e| !e.guarded).collect();
            edges.sort_by_key(|e| e.flow);
            for edge in edges {
                if came_by.contains_key(&edge.vlan) {
                    continue;
                }
                came_by.insert(edge.vlan, (at, edge.flow));
                if self.zone_of(edge.vlan) & zones != 0 {
                    // Collected from the far end back to `vlan`: that is travel order for
                    // a path from the zone, the reverse of it for a path to the zone.
                    let mut flows = vec![edge.flow];
                    let mut back = at;
                    while back != vlan {
                        let Some(&(previous, flow)) = came_by.get(&back) else {
                            break;
                        };
                        flows.push(flow);
                        back = previous;
                    }
                    if direction == Direction::To {
                        flows.reverse();
                    }
                    return Some(flows);
                }
                queue.push_back(edge.vlan);
            }
        }
        None
    }
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
