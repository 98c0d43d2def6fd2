//! The network map view: the vlans and flows of [`crate::model::NetworkGraph`] aggregated
//! for drawing — one node per segment (never per device) with its device and ePHI-device
//! counts, segments grouped by zone, one edge per flow with its ports and the safeguards it
//! passes, and the flows on unguarded paths that the segmentation policies judge marked as
//! warnings. Built once from the checked inventory; [`mermaid`] and [`dot`] only draw it.

pub mod dot;
pub mod mermaid;

use std::collections::HashMap;
use std::ops::Range;

use super::facts::{flag, refs, text};
use crate::model::network::{ALL_ZONES, Direction, OPEN_ZONES, open_zones, zone_bit};
use crate::model::{EntityId, Inventory, Val};
use crate::schema::{Kind, ZONES};

/// Why a flow or segment is drawn as a warning.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Warning {
    /// On an unguarded path from a medical segment to an EHR segment.
    pub medical_to_ehr: bool,
    /// On an unguarded path from an open zone into another segment.
    pub from_open: bool,
}

impl Warning {
    pub fn any(self) -> bool {
        self.medical_to_ehr || self.from_open
    }
}

#[derive(Debug, Clone)]
pub struct Segment {
    pub id: EntityId,
    pub name: String,
    pub label: Option<String>,
    pub zone: &'static str,
    /// Active devices on the segment.
    pub devices: usize,
    /// Active devices that handle ePHI.
    pub ephi_devices: usize,
    pub warning: Warning,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub flow: EntityId,
    pub name: String,
    /// Indices into [`NetworkMap::segments`].
    pub from: usize,
    pub to: usize,
    /// `any`, or the port numbers.
    pub ports: String,
    /// The safeguards named in `via`, in their written order.
    pub via: Vec<String>,
    /// `via` names a guarding safeguard.
    pub guarded: bool,
    pub warning: Warning,
}

/// Segments grouped by zone (in [`ZONES`] order, then by name) and flows in flow order.
#[derive(Debug, Clone, Default)]
pub struct NetworkMap {
    pub segments: Vec<Segment>,
    pub links: Vec<Link>,
}

impl NetworkMap {
    pub fn new(inventory: &Inventory) -> NetworkMap {
        let graph = inventory.network();
        let medical = zone_bit("medical").unwrap_or(0);
        let ehr = zone_bit("ehr").unwrap_or(0);
        let open = open_zones();
        let to_ehr = graph.unguarded_flows_between(medical, ehr);
        let from_open = graph.unguarded_flows_between(open, ALL_ZONES & !open);

        let mut segments: Vec<Segment> = inventory
            .of_kind(Kind::Vlan)
            .iter()
            .map(|&id| {
                let entity = inventory.entity(id);
                let zone = match entity.get("zone") {
                    Some(Val::Enum(zone)) => zone,
                    _ => "",
                };
                let devices = refs(entity.get("devices"))
                    .filter(|&d| flag(inventory.entity(d), "active"))
                    .collect::<Vec<_>>();
                let bit = graph.zone_of(id);
                let warning = Warning {
                    medical_to_ehr: bit & medical != 0 && graph.unguarded(id, ehr, Direction::To),
                    from_open: bit & open == 0 && graph.unguarded(id, open, Direction::From),
                };
                Segment {
                    id,
                    name: entity.name.to_string(),
                    label: text(entity.named("label")),
                    zone,
                    ephi_devices: devices
                        .iter()
                        .filter(|&&d| flag(inventory.entity(d), "ephi_device"))
                        .count(),
                    devices: devices.len(),
                    warning,
                }
            })
            .collect();
        let zone_rank = |zone: &str| ZONES.iter().position(|z| *z == zone).unwrap_or(ZONES.len());
        segments.sort_by(|a, b| {
            zone_rank(a.zone)
                .cmp(&zone_rank(b.zone))
                .then_with(|| a.name.cmp(&b.name))
        });
        let index: HashMap<EntityId, usize> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();

        let links = graph
            .flows()
            .into_iter()
            .filter_map(|(source, edge)| {
                let entity = inventory.entity(edge.flow);
                let ports = match entity.get("ports") {
                    Some(Val::List(ports)) => ports
                        .iter()
                        .filter_map(|p| match p {
                            Val::Int(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    Some(Val::Enum(any)) => (**any).to_owned(),
                    _ => String::new(),
                };
                let via = refs(entity.get("via"))
                    .map(|s| inventory.entity(s).name.to_string())
                    .collect();
                Some(Link {
                    flow: edge.flow,
                    name: entity.name.to_string(),
                    from: *index.get(&source)?,
                    to: *index.get(&edge.vlan)?,
                    ports,
                    via,
                    guarded: edge.guarded,
                    warning: Warning {
                        medical_to_ehr: to_ehr.binary_search(&edge.flow).is_ok(),
                        from_open: from_open.binary_search(&edge.flow).is_ok(),
                    },
                })
            })
            .collect();
        NetworkMap { segments, links }
    }

    /// The range of [`NetworkMap::segments`] of each zone that has any, in zone order.
    pub fn zones(&self) -> Vec<(&'static str, Range<usize>)> {
        let mut zones: Vec<(&'static str, Range<usize>)> = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            match zones.last_mut() {
                Some((zone, range)) if *zone == segment.zone => range.end = index + 1,
                _ => zones.push((segment.zone, index..index + 1)),
            }
        }
        zones
    }
}

/// The one-line description of a segment's contents both renderers show.
pub fn counts(segment: &Segment) -> String {
    let devices = if segment.devices == 1 {
        "device"
    } else {
        "devices"
    };
    format!(
        "{} {devices}, {} ePHI",
        segment.devices, segment.ephi_devices
    )
}

/// What a flow's label says after its ports: the safeguards it passes, or that it has none
/// that guards it.
pub fn passes(link: &Link) -> String {
    match (link.via.is_empty(), link.guarded) {
        (true, _) => "unguarded".to_owned(),
        (false, true) => format!("via {}", link.via.join(", ")),
        (false, false) => format!("via {} (not guarding)", link.via.join(", ")),
    }
}

/// What the warning styles mean, for a legend.
pub fn legend() -> String {
    format!(
        "Red dashed: a flow on an unguarded path from a medical segment to an EHR segment, or \
         from an open zone ({}) into another segment; red segments have such a path.",
        OPEN_ZONES.join(", ")
    )
}
