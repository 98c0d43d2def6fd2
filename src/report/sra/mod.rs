//! The audit-ready Security Risk Analysis summary (`wardline report`), as data: a
//! [`Document`] of sections holding paragraphs, tables and the network map, built from the
//! same [`Report`] `check` renders — the checked inventory, its findings and the
//! per-policy tallies — so the report judges nothing itself: statuses it shows are dates
//! compared with `as_of`, and every verdict is a finding or a tally. [`markdown`] and
//! [`html`] only lay it out. A later section (remediation history) is one more
//! [`Section`] pushed onto [`Document::sections`].

pub mod html;
pub mod markdown;

use std::collections::BTreeMap;

use super::Report;
use super::facts::{date, enumerated, flag, item_text, refs, text};
use super::map::{self, NetworkMap};
use crate::date::Date;
use crate::finding::Finding;
use crate::model::network::{open_zones, zone_bit};
use crate::model::{Entity, EntityId, Inventory, Val};
use crate::schema::{KINDS, Kind};

/// Days before an expiry date from which it is shown as approaching.
const EXPIRY_NOTICE_DAYS: i64 = 90;

/// NPRM-207/208's clocks: days from `patch_clock` to patch critical and high findings.
const PATCH_DAYS: [(&str, i64); 2] = [("critical", 15), ("high", 30)];

pub struct Document {
    pub organization: Option<String>,
    pub as_of: Date,
    /// The git revision judged; `None` for the working tree.
    pub revision: Option<String>,
    pub root: String,
    pub sections: Vec<Section>,
    /// Drawn where a section holds [`Block::Map`].
    pub map: NetworkMap,
}

pub struct Section {
    /// A stable anchor (`vulnerabilities`).
    pub id: &'static str,
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

pub enum Block {
    Heading(String),
    Text(String),
    Table(Table),
    /// The network map.
    Map,
}

pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// What to say instead of an empty table.
    pub empty: &'static str,
}

/// A table cell. Every string in it may come from the inventory: renderers escape it.
pub enum Cell {
    Text(String),
    /// An identifier: an entity name, a policy id.
    Name(String),
    Count(usize),
    Status(Tone, String),
}

/// How a status reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Notice,
    Bad,
    Neutral,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Good => "good",
            Tone::Notice => "notice",
            Tone::Bad => "bad",
            Tone::Neutral => "neutral",
        }
    }
}

impl Table {
    fn new(columns: &[&'static str], empty: &'static str) -> Table {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
            empty,
        }
    }
}

/// The whole summary of `report`.
pub fn build(report: &Report) -> Document {
    let inventory = report.inventory;
    let view = View::new(report);
    let map = NetworkMap::new(inventory);
    let organization = inventory.of_kind(Kind::Organization).first().map(|&id| {
        text(inventory.entity(id).named("label"))
            .unwrap_or_else(|| inventory.entity(id).name.to_string())
    });
    Document {
        organization,
        as_of: report.as_of,
        revision: report.revision.clone(),
        root: report.root.clone(),
        sections: vec![
            scope(&view),
            network(&view, &map),
            unpatchable(&view),
            decisions(&view),
            business_associates(&view),
            vulnerabilities(&view),
            findings(&view),
            waivers(&view),
            nprm_readiness(&view),
        ],
        map,
    }
}

/// "Remediation since the last review": the findings each commit opened and closed since
/// `since` (the organization's last risk-analysis review), and how long each stayed open.
pub fn remediation(history: &crate::history::History, since: Option<Date>) -> Section {
    use super::history::counts;
    let intro = match since {
        Some(day) => format!(
            "Commits that changed the inventory since the last risk-analysis review ({day}), \
             each judged like `wardline check`, with the findings it opened and closed."
        ),
        None => "Commits that changed the inventory, each judged like `wardline check`, with \
                 the findings it opened and closed."
            .to_owned(),
    };
    let mut commits = Table::new(
        &["commit", "date", "change", "opened", "closed"],
        "No commit changed the inventory in this period.",
    );
    for commit in &history.commits {
        commits.rows.push(vec![
            Cell::Name(commit.short_id.clone()),
            Cell::Text(commit.date.to_string()),
            Cell::Text(commit.summary.clone()),
            Cell::Text(counts(&commit.opened)),
            Cell::Text(counts(&commit.closed)),
        ]);
    }
    let mut lifetimes = Table::new(
        &["finding", "entity", "opened", "closed", "days open"],
        "No finding was open in this period.",
    );
    for life in &history.lifetimes {
        let closed = match &life.closed {
            Some((id, day)) => Cell::Status(Tone::Good, format!("{id} {day}")),
            None => Cell::Status(Tone::Bad, "still open".into()),
        };
        lifetimes.rows.push(vec![
            Cell::Name(life.id.clone()),
            Cell::Text(life.entity.clone()),
            Cell::Text(life.opened.as_ref().map_or_else(
                || "before the period".into(),
                |(id, day)| format!("{id} {day}"),
            )),
            closed,
            Cell::Count(usize::try_from(life.days_open).unwrap_or(0)),
        ]);
    }
    Section {
        id: "remediation",
        title: "Remediation since the last review",
        blocks: vec![
            Block::Text(intro),
            Block::Table(commits),
            Block::Heading("Remediation".into()),
            Block::Table(lifetimes),
        ],
    }
}

/// The document's title.
fn title(doc: &Document) -> String {
    match &doc.organization {
        Some(name) => format!("Security Risk Analysis summary: {name}"),
        None => "Security Risk Analysis summary".to_owned(),
    }
}

/// The line under the title: the date, revision and inventory judged.
fn byline(doc: &Document) -> String {
    format!(
        "As of {}, {}, inventory {}; written by wardline {}.",
        doc.as_of,
        doc.revision
            .as_ref()
            .map_or_else(|| "working tree".to_owned(), |r| format!("revision {r}")),
        doc.root,
        env!("CARGO_PKG_VERSION")
    )
}

/// What every section reads: the report and its findings indexed by entity name.
struct View<'a> {
    report: &'a Report<'a>,
    inventory: &'a Inventory,
    as_of: Date,
    by_entity: BTreeMap<&'a str, Vec<&'a Finding>>,
    /// How many findings each waiver excuses.
    excused: BTreeMap<&'a str, usize>,
}

impl<'a> View<'a> {
    fn new(report: &'a Report<'a>) -> View<'a> {
        let mut by_entity: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        let mut excused: BTreeMap<&str, usize> = BTreeMap::new();
        for finding in report.findings {
            if let Some(entity) = &finding.entity {
                by_entity.entry(&*entity.name).or_default().push(finding);
            }
            if let Some(waiver) = &finding.waived_by {
                *excused.entry(&**waiver).or_default() += 1;
            }
        }
        View {
            report,
            inventory: report.inventory,
            as_of: report.as_of,
            by_entity,
            excused,
        }
    }

    fn entities(&self, kind: Kind) -> impl Iterator<Item = &'a Entity> + '_ {
        self.inventory
            .of_kind(kind)
            .iter()
            .map(|&id| self.inventory.entity(id))
    }

    fn name(&self, id: EntityId) -> String {
        self.inventory.entity(id).name.to_string()
    }

    fn names(&self, val: Option<&Val>) -> String {
        refs(val)
            .map(|id| self.name(id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The policies that found something about `entity` (waived ones marked), as a cell.
    fn findings_of(&self, entity: &Entity) -> Cell {
        let found = self.by_entity.get(&*entity.name);
        let ids: Vec<String> = found
            .into_iter()
            .flatten()
            .map(|f| match &f.waived_by {
                Some(_) => format!("{} (waived)", f.rule.id),
                None => f.rule.id.clone(),
            })
            .collect();
        if ids.is_empty() {
            Cell::Status(Tone::Good, "none".into())
        } else if found.into_iter().flatten().all(|f| f.waived_by.is_some()) {
            Cell::Status(Tone::Notice, ids.join(", "))
        } else {
            Cell::Status(Tone::Bad, ids.join(", "))
        }
    }

    /// `date` and how far it is from `as_of`: "2027-03-01 (in 92 days)".
    fn relative(&self, date: Date) -> String {
        let days = self.as_of.days_until(date);
        match days {
            0 => format!("{date} (today)"),
            1.. => format!("{date} (in {})", plural(self::days(days), "day")),
            _ => format!("{date} ({} ago)", plural(self::days(days), "day")),
        }
    }

    fn active_devices(&self) -> impl Iterator<Item = &'a Entity> + '_ {
        self.entities(Kind::Device).filter(|d| flag(d, "active"))
    }
}

fn scope(view: &View) -> Section {
    let report = view.report;
    let inventory = view.inventory;
    let mut blocks = vec![Block::Text(format!(
        "The inventory at {}{}: {}. Every device, vendor, segment and flow below is read from \
         it; findings come from the same evaluation as wardline check.",
        report.root,
        report
            .revision
            .as_ref()
            .map(|r| format!(" (revision {r})"))
            .unwrap_or_default(),
        super::summary_line(report),
    ))];

    let mut reviews = Table::new(&["record", "value"], "No organization block.");
    if let Some(org) = view.entities(Kind::Organization).next() {
        if let Some(officer) = text(org.named("security_officer")) {
            reviews.rows.push(vec![
                Cell::Text("security official".into()),
                Cell::Text(officer),
            ]);
        }
        for (key, what) in [
            ("risk_analysis_reviewed", "risk analysis last updated"),
            ("inventory_reviewed", "asset inventory last reviewed"),
            ("network_map_reviewed", "network map last reviewed"),
            ("vulnerability_scan", "last vulnerability scan"),
            ("penetration_test", "last penetration test"),
            ("compliance_audit", "last compliance audit"),
            ("contingency_plan", "contingency plan last tested"),
        ] {
            let value = match org.get(key) {
                Some(Val::Date(date)) => Cell::Text(view.relative(*date)),
                _ => Cell::Status(Tone::Bad, "not recorded".into()),
            };
            reviews.rows.push(vec![Cell::Text(what.into()), value]);
        }
    }
    blocks.push(Block::Heading("Organization".into()));
    blocks.push(Block::Table(reviews));

    let mut kinds = Table::new(&["kind", "entities"], "The inventory is empty.");
    for kind in KINDS {
        let count = inventory.of_kind(kind).len();
        if count > 0 {
            kinds
                .rows
                .push(vec![Cell::Name(kind.as_str().into()), Cell::Count(count)]);
        }
    }
    blocks.push(Block::Heading("Entities".into()));
    blocks.push(Block::Table(kinds));

    let devices: Vec<&Entity> = view.active_devices().collect();
    let retired = inventory.of_kind(Kind::Device).len() - devices.len();
    let ephi = devices.iter().filter(|d| flag(d, "ephi_device")).count();
    blocks.push(Block::Heading("Devices".into()));
    blocks.push(Block::Text(format!(
        "{} in service, {} of them handling ePHI; {} decommissioned. The tables below count \
         devices in service.",
        plural(devices.len(), "device"),
        ephi,
        retired
    )));
    let model_kind = |d: &Entity| match d.get("model") {
        Some(Val::Ref(model)) => enumerated(inventory.entity(*model).get("kind")),
        _ => None,
    };
    let zone = |d: &Entity| match d.get("vlan") {
        Some(Val::Ref(vlan)) => enumerated(inventory.entity(*vlan).get("zone")),
        _ => None,
    };
    let support = |d: &Entity| {
        Some(
            if flag(d, "unsupported") {
                "unsupported (end of support passed)"
            } else if d.get("end_of_support").is_some() {
                "supported"
            } else {
                "end of support unknown"
            }
            .to_owned(),
        )
    };
    let patch = |d: &Entity| enumerated(d.field("patch", "status"));
    for (title, key, missing) in [
        (
            "device kind",
            &model_kind as &dyn Fn(&Entity) -> Option<String>,
            "kind not recorded",
        ),
        ("zone", &zone, "no segment"),
        ("support status", &support, ""),
        ("patch status", &patch, "not recorded"),
    ] {
        blocks.push(Block::Table(tally(&devices, title, key, missing)));
    }
    let mut uses = Table::new(&["ePHI use", "devices"], "No device in service.");
    for label in ["create", "receive", "store", "transmit"] {
        let count = devices
            .iter()
            .filter(|d| match d.get("ephi") {
                Some(Val::List(uses)) => uses
                    .iter()
                    .any(|u| matches!(u, Val::Enum(e) if **e == label)),
                _ => false,
            })
            .count();
        uses.rows
            .push(vec![Cell::Text(label.into()), Cell::Count(count)]);
    }
    let none = devices
        .iter()
        .filter(|d| matches!(d.get("ephi"), Some(Val::List(u)) if u.is_empty()))
        .count();
    let undeclared = devices.iter().filter(|d| d.get("ephi").is_none()).count();
    uses.rows.push(vec![
        Cell::Text("none (declared)".into()),
        Cell::Count(none),
    ]);
    let tone = if undeclared > 0 {
        Tone::Bad
    } else {
        Tone::Good
    };
    uses.rows.push(vec![
        Cell::Text("undeclared".into()),
        Cell::Status(tone, undeclared.to_string()),
    ]);
    blocks.push(Block::Table(uses));
    Section {
        id: "scope",
        title: "Scope and inventory",
        blocks,
    }
}

/// Devices counted by one property: (value, devices, ePHI devices), most common first.
fn tally(
    devices: &[&Entity],
    title: &'static str,
    key: &dyn Fn(&Entity) -> Option<String>,
    missing: &str,
) -> Table {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for device in devices {
        let value = key(device).unwrap_or_else(|| missing.to_owned());
        let entry = counts.entry(value).or_default();
        entry.0 += 1;
        entry.1 += usize::from(flag(device, "ephi_device"));
    }
    let mut rows: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    Table {
        columns: vec![title, "devices", "ePHI devices"],
        rows: rows
            .into_iter()
            .map(|(value, (all, ephi))| {
                vec![Cell::Text(value), Cell::Count(all), Cell::Count(ephi)]
            })
            .collect(),
        empty: "No device in service.",
    }
}

fn network(view: &View, map: &NetworkMap) -> Section {
    let graph = view.inventory.network();
    let ehr = zone_bit("ehr").unwrap_or(0);
    let mut table = Table::new(
        &[
            "segment",
            "zone",
            "devices",
            "ePHI devices",
            "unguarded path to EHR",
            "unguarded path in from an open zone",
        ],
        "No network segment is recorded.",
    );
    // A path the map draws as a warning is bad; one it does not (a clinical segment's way
    // to the EHR, an open segment's way from another) is worth a look.
    let path = |flows: Option<Vec<EntityId>>, warned: bool| match flows {
        Some(flows) => Cell::Status(
            if warned { Tone::Bad } else { Tone::Notice },
            flows
                .iter()
                .map(|&f| view.name(f))
                .collect::<Vec<_>>()
                .join(" → "),
        ),
        None => Cell::Status(Tone::Good, "none".into()),
    };
    for segment in &map.segments {
        let to_ehr = path(
            graph.shortest_unguarded_path(segment.id, ehr),
            segment.warning.medical_to_ehr,
        );
        let from_open = path(
            graph.shortest_unguarded_path_from(open_zones(), segment.id),
            segment.warning.from_open,
        );
        table.rows.push(vec![
            Cell::Name(segment.name.to_string()),
            Cell::Text(segment.zone.into()),
            Cell::Count(segment.devices),
            Cell::Count(segment.ephi_devices),
            to_ehr,
            from_open,
        ]);
    }
    Section {
        id: "network",
        title: "Network map and segmentation",
        blocks: vec![
            Block::Text(format!(
                "Segments grouped by zone, with the devices in service and those handling ePHI; \
                 flows with their ports and the safeguards they pass. A flow is guarded when it \
                 passes a firewall, ACL, NAC, segmentation gateway, jump host or MFA proxy. {}",
                map::legend()
            )),
            Block::Map,
            Block::Table(table),
        ],
    }
}

fn unpatchable(view: &View) -> Section {
    let mut table = Table::new(
        &[
            "device",
            "model",
            "OS",
            "end of support",
            "patch status",
            "safeguards",
            "residual risk",
            "migration plan",
            "findings",
        ],
        "Every device in service can be patched and is supported.",
    );
    for device in view.active_devices().filter(|d| flag(d, "unpatchable")) {
        let id = view.inventory.lookup(&device.name);
        let os_field = |field| view.inventory.field(id?, "os", field);
        let os = [os_field("name"), os_field("version")]
            .into_iter()
            .filter_map(text)
            .collect::<Vec<_>>()
            .join(" ");
        let end = match device.get("end_of_support") {
            Some(Val::Date(date)) => {
                let tone = if flag(device, "unsupported") {
                    Tone::Bad
                } else {
                    Tone::Neutral
                };
                Cell::Status(tone, view.relative(*date))
            }
            _ => Cell::Status(Tone::Notice, "unknown".into()),
        };
        let risk = match enumerated(device.field("risk", "level")) {
            Some(level) => {
                let mut risk = level;
                if let Some(by) = text(device.field_attr("risk", "accepted_by")) {
                    risk.push_str(&format!(", accepted by {by}"));
                }
                if let Some(Val::Date(on)) = device.field("risk", "accepted") {
                    risk.push_str(&format!(" on {on}"));
                }
                if let Some(Val::Date(review)) = device.field("risk", "review_by") {
                    risk.push_str(&format!("; review by {review}"));
                }
                if let Some(note) = text(device.field_attr("risk", "note")) {
                    risk.push_str(&format!(". {note}"));
                }
                Cell::Text(risk)
            }
            None => Cell::Status(Tone::Bad, "not documented".into()),
        };
        let migration = match text(device.field_attr("migration", "plan")) {
            Some(plan) => Cell::Text(match device.field("migration", "by") {
                Some(Val::Date(by)) => format!("{plan} (by {by})"),
                _ => plan,
            }),
            None => Cell::Text("none".into()),
        };
        let covered_by = id.and_then(|id| view.inventory.get(id, "covered_by"));
        let safeguards = view.names(covered_by.map(|a| &a.val));
        table.rows.push(vec![
            Cell::Name(device.name.to_string()),
            Cell::Name(match device.get("model") {
                Some(Val::Ref(model)) => view.name(*model),
                _ => String::new(),
            }),
            Cell::Text(if os.is_empty() {
                "not recorded".into()
            } else {
                os
            }),
            end,
            Cell::Text(
                enumerated(device.field("patch", "status"))
                    .unwrap_or_else(|| "not recorded".into()),
            ),
            if safeguards.is_empty() {
                Cell::Status(Tone::Bad, "none".into())
            } else {
                Cell::Text(safeguards)
            },
            risk,
            migration,
            view.findings_of(device),
        ]);
    }
    Section {
        id: "unpatchable",
        title: "Unpatchable and unsupported devices",
        blocks: vec![
            Block::Text(
                "Devices in service that cannot be patched or whose end of support has passed, \
                 with every safeguard that covers them (their own compensating list and those \
                 covering their model or segment) and their documented residual risk."
                    .into(),
            ),
            Block::Table(table),
        ],
    }
}

fn decisions(view: &View) -> Section {
    let mut table = Table::new(
        &[
            "decision",
            "specification",
            "applies to",
            "rationale",
            "alternative",
            "approved",
            "review by",
            "status",
        ],
        "No decision on an addressable specification is recorded.",
    );
    for decision in view.entities(Kind::Decision) {
        let approved = format!(
            "{}{}",
            text(decision.named("approved_by")).unwrap_or_default(),
            date(decision.get("approved"))
                .map(|d| format!(", {d}"))
                .unwrap_or_default()
        );
        table.rows.push(vec![
            Cell::Name(decision.name.to_string()),
            Cell::Text(enumerated(decision.get("spec")).unwrap_or_default()),
            Cell::Text(view.names(decision.get("applies"))),
            Cell::Text(text(decision.named("rationale")).unwrap_or_default()),
            Cell::Text(or_dash(view.names(decision.get("alternative")))),
            Cell::Text(approved),
            Cell::Text(
                date(decision.get("review_by")).map_or_else(|| "—".into(), |d| view.relative(d)),
            ),
            if flag(decision, "in_effect") {
                Cell::Status(Tone::Good, "in effect".into())
            } else {
                Cell::Status(Tone::Bad, "not in effect".into())
            },
        ]);
    }
    Section {
        id: "decisions",
        title: "Decisions on addressable specifications",
        blocks: vec![
            Block::Text(
                "Documented decisions under 45 CFR 164.306(d)(3): why an addressable \
                 specification is not reasonable and appropriate here, and the equivalent \
                 measure implemented instead. A decision is in effect from its approval to its \
                 review date."
                    .into(),
            ),
            Block::Table(table),
        ],
    }
}

fn business_associates(view: &View) -> Section {
    let mut table = Table::new(
        &[
            "vendor",
            "business associate",
            "BAA signed",
            "BAA expires",
            "safeguards verified",
            "findings",
        ],
        "No business associate and no BAA is recorded.",
    );
    let mut vendors: Vec<(Option<Date>, &Entity)> = view
        .entities(Kind::Vendor)
        .filter(|v| flag(v, "business_associate") || v.get("baa").is_some())
        .map(|v| (date(v.field("baa", "expires")), v))
        .collect();
    // The expiry timeline: missing agreements first, then soonest to expire.
    vendors.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    for (expires, vendor) in vendors {
        let associate = flag(vendor, "business_associate");
        let basis = if !associate {
            "no".to_owned()
        } else if matches!(vendor.get("ephi_access"), Some(Val::Bool(true))) {
            "yes: accesses ePHI".to_owned()
        } else {
            "yes: services ePHI devices".to_owned()
        };
        let expires = match expires {
            Some(day) => {
                let days = view.as_of.days_until(day);
                let tone = if days < 0 && associate {
                    Tone::Bad
                } else if days <= EXPIRY_NOTICE_DAYS {
                    Tone::Notice
                } else {
                    Tone::Good
                };
                Cell::Status(tone, view.relative(day))
            }
            None if associate => Cell::Status(Tone::Bad, "no BAA".into()),
            None => Cell::Text("—".into()),
        };
        let label = text(vendor.named("label"))
            .map(|l| format!("{} ({l})", vendor.name))
            .unwrap_or_else(|| vendor.name.to_string());
        table.rows.push(vec![
            Cell::Text(label),
            Cell::Text(basis),
            Cell::Text(
                date(vendor.field("baa", "signed")).map_or_else(|| "—".into(), |d| d.to_string()),
            ),
            expires,
            Cell::Text(
                date(vendor.get("safeguards_verified"))
                    .map_or_else(|| "not recorded".into(), |d| view.relative(d)),
            ),
            view.findings_of(vendor),
        ]);
    }
    Section {
        id: "business-associates",
        title: "Business associates",
        blocks: vec![
            Block::Text(format!(
                "Vendors that are business associates (they access ePHI, or service devices that \
                 handle it) or hold a business associate agreement, ordered by BAA expiry: the \
                 timeline of renewals. Agreements expiring within {EXPIRY_NOTICE_DAYS} days are \
                 marked."
            )),
            Block::Table(table),
        ],
    }
}

fn vulnerabilities(view: &View) -> Section {
    let mut table = Table::new(
        &[
            "vulnerability",
            "severity",
            "affects",
            "identified",
            "patch deadline",
            "status",
            "mitigated by",
            "findings",
        ],
        "No vulnerability is recorded.",
    );
    for vulnerability in view.entities(Kind::Vulnerability) {
        let severity = enumerated(vulnerability.get("severity")).unwrap_or_default();
        let name = match text(vulnerability.named("cve")) {
            Some(cve) => format!("{} ({cve})", vulnerability.name),
            None => vulnerability.name.to_string(),
        };
        let clock = date(vulnerability.get("patch_clock"));
        let window = PATCH_DAYS
            .iter()
            .find(|(s, _)| *s == severity)
            .map(|(_, d)| *d);
        let deadline = match (window, clock) {
            (Some(days), Some(clock)) => clock.add_days(days),
            _ => None,
        };
        let resolved = !flag(vulnerability, "unresolved");
        let status = if resolved {
            Cell::Status(
                Tone::Good,
                date(vulnerability.get("remediated"))
                    .map_or_else(|| "resolved".into(), |d| format!("remediated {d}")),
            )
        } else if clock.is_none() {
            Cell::Status(Tone::Notice, "open: no patch available yet".into())
        } else {
            match deadline {
                Some(due) if due < view.as_of => Cell::Status(
                    Tone::Bad,
                    format!(
                        "open: {} past the deadline",
                        plural(days(due.days_until(view.as_of)), "day")
                    ),
                ),
                Some(due) => Cell::Status(
                    Tone::Notice,
                    format!(
                        "open: {} left",
                        plural(days(view.as_of.days_until(due)), "day")
                    ),
                ),
                None => Cell::Status(Tone::Notice, "open".into()),
            }
        };
        let deadline = match (window, clock, deadline) {
            (Some(days), Some(clock), Some(due)) => format!("{due} ({days} days from {clock})"),
            (Some(_), None, _) => "none until a patch exists".into(),
            _ => "—".into(),
        };
        let affected = refs(vulnerability.get("affected_devices")).count();
        table.rows.push(vec![
            Cell::Text(name),
            Cell::Text(severity),
            Cell::Text(format!(
                "{} ({})",
                view.names(vulnerability.get("affects")),
                plural(affected, "device")
            )),
            Cell::Text(
                date(vulnerability.get("identified"))
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            Cell::Text(deadline),
            status,
            Cell::Text(or_dash(view.names(vulnerability.get("mitigated_by")))),
            view.findings_of(vulnerability),
        ]);
    }
    Section {
        id: "vulnerabilities",
        title: "Vulnerabilities and patch deadlines",
        blocks: vec![
            Block::Text(
                "Patch deadlines follow the proposed rule (NPRM-207, NPRM-208): critical \
                 vulnerabilities within 15 days and high ones within 30 days of the patch clock \
                 (the later of identification and the fix's release; none while no fix exists)."
                    .into(),
            ),
            Block::Table(table),
        ],
    }
}

fn findings(view: &View) -> Section {
    let report = view.report;
    let mut blocks = vec![Block::Text(format!(
        "Every finding of the run ({}), grouped by policy, with the regulation each cites.",
        super::summary_line(report)
    ))];
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in report.findings {
        by_rule
            .entry(finding.rule.id.as_str())
            .or_default()
            .push(finding);
    }
    if by_rule.is_empty() {
        blocks.push(Block::Text("No finding.".into()));
    }
    for (id, found) in by_rule {
        let Some(first) = found.first() else { continue };
        let rule = report.rule(id);
        let title = rule.map(|r| r.title.as_str()).unwrap_or_default();
        blocks.push(Block::Heading(format!("{id} {}: {title}", first.rule.name)));
        blocks.push(Block::Text(format!(
            "Severity {}. Cites {}.",
            rule.map_or(first.severity, |r| r.severity).as_str(),
            if first.rule.cite.is_empty() {
                "no regulation (a language diagnostic)".to_owned()
            } else {
                first.rule.cite.join("; ")
            }
        )));
        let mut table = Table::new(&["entity", "finding", "where", "status"], "");
        for finding in found {
            let place = finding
                .primary
                .as_ref()
                .and_then(|label| report.location(label.span))
                .map(|l| format!("{}:{}", l.file, l.line))
                .unwrap_or_default();
            table.rows.push(vec![
                Cell::Name(
                    finding
                        .entity
                        .as_ref()
                        .map(|e| e.name.to_string())
                        .unwrap_or_default(),
                ),
                Cell::Text(finding.message.clone()),
                Cell::Text(place),
                match &finding.waived_by {
                    Some(waiver) => Cell::Status(Tone::Notice, format!("waived by {waiver}")),
                    None => {
                        Cell::Status(Tone::Bad, format!("open ({})", finding.severity.as_str()))
                    }
                },
            ]);
        }
        blocks.push(Block::Table(table));
    }
    Section {
        id: "findings",
        title: "Findings by policy",
        blocks,
    }
}

fn waivers(view: &View) -> Section {
    let mut table = Table::new(
        &[
            "waiver",
            "policies",
            "applies to",
            "reason",
            "approved by",
            "expires",
            "findings excused",
        ],
        "No waiver is recorded.",
    );
    for waiver in view.entities(Kind::Waiver) {
        let excused = view.excused.get(&*waiver.name).copied().unwrap_or(0);
        let policies = match waiver.get("policies") {
            Some(Val::List(items)) => items
                .iter()
                .filter_map(item_text)
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        };
        let expires = match date(waiver.get("expires")) {
            Some(day) if day < view.as_of => {
                Cell::Status(Tone::Bad, format!("expired {}", view.relative(day)))
            }
            Some(day) => Cell::Status(Tone::Good, format!("active until {}", view.relative(day))),
            None => Cell::Text("—".into()),
        };
        table.rows.push(vec![
            Cell::Name(waiver.name.to_string()),
            Cell::Text(policies),
            Cell::Text(view.names(waiver.get("applies"))),
            Cell::Text(text(waiver.named("reason")).unwrap_or_default()),
            Cell::Text(text(waiver.named("approved_by")).unwrap_or_default()),
            expires,
            Cell::Count(excused),
        ]);
    }
    Section {
        id: "waivers",
        title: "Waivers",
        blocks: vec![
            Block::Text(
                "Documented, expiring exceptions: a waiver excuses a finding until it expires \
                 (valid through its expiry day); an expired one excuses nothing."
                    .into(),
            ),
            Block::Table(table),
        ],
    }
}

fn nprm_readiness(view: &View) -> Section {
    let report = view.report;
    let mut table = Table::new(
        &[
            "requirement",
            "title",
            "cites",
            "judged",
            "failing",
            "waived",
            "status",
        ],
        "No policy of the nprm pack was evaluated.",
    );
    let (mut met, mut partly, mut not_met) = (0, 0, 0);
    for tally in report.tallies.iter().filter(|t| t.rule.pack == "nprm") {
        let id = tally.rule.id.as_str();
        let waived = report
            .findings
            .iter()
            .filter(|f| f.rule.id == id && f.waived_by.is_some())
            .count();
        let judged = tally.judged_count();
        let status = if tally.failed == 0 {
            met += 1;
            Cell::Status(
                Tone::Good,
                if judged == 0 {
                    "met (nothing to judge)"
                } else {
                    "met"
                }
                .into(),
            )
        } else if tally.failed < judged {
            partly += 1;
            Cell::Status(Tone::Notice, "partly".into())
        } else {
            not_met += 1;
            Cell::Status(Tone::Bad, "not met".into())
        };
        table.rows.push(vec![
            Cell::Name(format!("{id} {}", tally.rule.name)),
            Cell::Text(report.rule(id).map(|r| r.title.clone()).unwrap_or_default()),
            Cell::Text(tally.rule.cite.join("; ")),
            Cell::Count(judged),
            Cell::Count(tally.failed),
            Cell::Count(waived),
            status,
        ]);
    }
    Section {
        id: "nprm-readiness",
        title: "NPRM readiness",
        blocks: vec![
            Block::Text(format!(
                "Each requirement of the proposed Security Rule update (90 FR 898) that wardline \
                 checks: how many entities it judged and how many fail it. Met: none fails; \
                 partly: some do; not met: all do. A waived finding still counts as failing. \
                 {met} met, {partly} partly met, {not_met} not met."
            )),
            Block::Table(table),
        ],
    }
}

fn plural(count: usize, one: &str) -> String {
    format!("{count} {one}{}", if count == 1 { "" } else { "s" })
}

fn or_dash(text: String) -> String {
    if text.is_empty() {
        "—".to_owned()
    } else {
        text
    }
}

/// A count of days either way, for [`plural`].
fn days(count: i64) -> usize {
    usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
}
