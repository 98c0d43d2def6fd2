//! Derived facts (LANGUAGE.md §4) read straight off the resolved inventory.

use wardline::check::Outcome;
use wardline::date::Date;
use wardline::model::{Attr, Val};

use crate::support::{check_language, write};

fn inventory(text: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wardline.toml", "as_of = 2026-11-29\n");
    write(dir.path(), "inventory.ward", text);
    let outcome = check_language(dir.path());
    // WARD-015 warns about invisible characters, which some tests use on purpose.
    assert!(
        outcome.findings.iter().all(|f| f.rule.id == "WARD-015"),
        "{:#?}",
        outcome.findings
    );
    outcome
}

fn attr<'a>(outcome: &'a Outcome, entity: &str, path: &str) -> Option<&'a Attr> {
    let inventory = &outcome.inventory;
    let id = inventory.lookup(entity).unwrap();
    match path.split_once('.') {
        Some((record, field)) => inventory.field(id, record, field),
        None => inventory.get(id, path),
    }
}

fn get<'a>(outcome: &'a Outcome, entity: &str, path: &str) -> Option<&'a Val> {
    attr(outcome, entity, path).map(|a| &a.val)
}

/// A string value, wherever the inventory keeps it.
fn text<'a>(outcome: &'a Outcome, entity: &str, path: &str) -> Option<&'a str> {
    attr(outcome, entity, path)?.text()
}

fn date(text: &str) -> Option<Val> {
    Date::parse(text).map(Val::Date)
}

fn names(outcome: &Outcome, val: Option<&Val>) -> Vec<String> {
    let Some(Val::List(items)) = val else {
        return Vec::new();
    };
    items
        .iter()
        .map(|v| match v {
            Val::Ref(id) => outcome.inventory.entity(*id).name.to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

const BASE: &str = r#"
vendor acme { }
vendor fixit { }
vendor cloudco { ephi_access = true }
model ct {
  vendor = acme
  os { name = "Windows 7" version = "SP1" end_of_support = 2023-01-10 }
}
model pump {
  vendor = acme
  os { name = "Windows CE" version = "6.0" }
  end_of_support = 2016-05-01
}
model monitor { vendor = acme }
vlan imaging { id = 10 zone = medical }
vlan core { id = 20 zone = clinical }
vlan ehr { id = 30 zone = ehr }
vlan guest { id = 40 zone = guest }
flow imaging-core { from = imaging to = core ports = [104] }
flow core-ehr { from = core to = ehr ports = [443] }
flow guest-ehr { from = guest to = ehr ports = any via = [ehr-fw] }
safeguard ehr-fw { kind = firewall covers = [ehr] }
safeguard ct-acl { kind = acl covers = [ct] }
safeguard imaging-ids { kind = ids covers = [imaging] }
safeguard pump-jump { kind = jump_host covers = [pump-01] }
"#;

#[test]
fn operating_system_inheritance_and_end_of_support() {
    let outcome = inventory(&format!(
        "{BASE}
device ct-01 {{ model = ct vlan = imaging ephi = [store] }}
device ct-02 {{ model = ct os {{ version = \"SP2\" }} ephi = [] }}
device ct-03 {{ model = ct os {{ end_of_support = 2027-01-01 }} }}
device pump-01 {{ model = pump ephi = [transmit] }}
device mon-01 {{ model = monitor os {{ name = \"Ubuntu\" version = \"22.04.4\" }} decommissioned = 2026-11-29 }}
device mon-02 {{ model = monitor decommissioned = 2026-11-30 }}
"
    ));
    // Same OS as its model: takes the model's date.
    assert_eq!(text(&outcome, "ct-01", "os.name"), Some("Windows 7"));
    assert_eq!(
        get(&outcome, "ct-01", "os.end_of_support").cloned(),
        date("2023-01-10")
    );
    // Another version: not the model's date, but the catalog's for Windows 7.
    assert_eq!(
        get(&outcome, "ct-02", "os.end_of_support").cloned(),
        date("2020-01-14")
    );
    // Its own date wins.
    assert_eq!(
        get(&outcome, "ct-03", "end_of_support").cloned(),
        date("2027-01-01")
    );
    assert_eq!(
        get(&outcome, "ct-03", "unsupported"),
        Some(&Val::Bool(false))
    );
    // The earliest of the OS (catalog: 2018-04-10) and the product (2016-05-01).
    assert_eq!(
        get(&outcome, "pump-01", "end_of_support").cloned(),
        date("2016-05-01")
    );
    assert_eq!(
        get(&outcome, "pump-01", "unpatchable"),
        Some(&Val::Bool(true))
    );
    // Catalog by version prefix.
    assert_eq!(
        get(&outcome, "mon-01", "os.end_of_support").cloned(),
        date("2027-06-30")
    );
    // Unknown OS: unknown end of support, not unsupported.
    assert_eq!(get(&outcome, "mon-02", "end_of_support"), None);
    assert_eq!(
        get(&outcome, "mon-02", "unsupported"),
        Some(&Val::Bool(false))
    );
    // Decommissioned on as_of is no longer active; the day after still is.
    assert_eq!(get(&outcome, "mon-01", "active"), Some(&Val::Bool(false)));
    assert_eq!(get(&outcome, "mon-02", "active"), Some(&Val::Bool(true)));
    assert_eq!(
        get(&outcome, "ct-01", "stores_ephi"),
        Some(&Val::Bool(true))
    );
    assert_eq!(
        get(&outcome, "ct-02", "handles_ephi"),
        Some(&Val::Bool(false))
    );
    assert_eq!(
        get(&outcome, "pump-01", "transmits_ephi"),
        Some(&Val::Bool(true))
    );
}

#[test]
fn coverage_associates_and_affected_devices() {
    let outcome = inventory(&format!(
        "{BASE}
device ct-01 {{ model = ct vlan = imaging ephi = [store] serviced_by = [fixit] }}
device pump-01 {{ model = pump ephi = [] serviced_by = [acme] compensating = [ehr-fw] }}
device mon-01 {{ model = monitor ephi = [create] decommissioned = 2020-01-01 serviced_by = [acme] }}
vulnerability v1 {{ affects = [ct, pump-01] severity = high identified = 2026-11-01 }}
"
    ));
    assert_eq!(
        names(&outcome, get(&outcome, "ct-01", "covered_by")),
        ["ct-acl", "imaging-ids"]
    );
    assert_eq!(
        names(&outcome, get(&outcome, "pump-01", "covered_by")),
        ["ehr-fw", "pump-jump"]
    );
    // fixit services an active ePHI device; acme only a device without ePHI and a
    // decommissioned one; cloudco declares ePHI access.
    assert_eq!(
        get(&outcome, "fixit", "business_associate"),
        Some(&Val::Bool(true))
    );
    assert_eq!(
        get(&outcome, "acme", "business_associate"),
        Some(&Val::Bool(false))
    );
    assert_eq!(
        get(&outcome, "cloudco", "business_associate"),
        Some(&Val::Bool(true))
    );
    assert_eq!(
        names(&outcome, get(&outcome, "v1", "affected_devices")),
        ["ct-01", "pump-01"]
    );
    assert_eq!(names(&outcome, get(&outcome, "ct", "devices")), ["ct-01"]);
    assert_eq!(
        names(&outcome, get(&outcome, "imaging", "devices")),
        ["ct-01"]
    );
}

#[test]
fn unguarded_reachability_follows_multi_hop_paths() {
    use wardline::model::network::{Direction, zone_bit};
    let extra = "safeguard nightly { kind = backup covers = [core] }\n\
                 vlan lobby { id = 50 zone = guest }\n\
                 flow lobby-core { from = lobby to = core ports = any via = [nightly] }\n";
    let outcome = inventory(&format!(
        "{BASE}\n{extra}device pump-01 {{ model = pump }}\n"
    ));
    let inventory = &outcome.inventory;
    let id = |name: &str| inventory.lookup(name).unwrap();
    let network = inventory.network();
    let to = |vlan: &str, zone: &str| {
        network.unguarded(id(vlan), zone_bit(zone).unwrap(), Direction::To)
    };
    let from = |vlan: &str, zone: &str| {
        network.unguarded(id(vlan), zone_bit(zone).unwrap(), Direction::From)
    };
    // imaging → core → ehr, no flow guarded.
    assert!(to("imaging", "ehr"));
    // guest → ehr only through a firewall: not unguarded.
    assert!(!to("guest", "ehr"));
    // lobby → core → ehr: a backup in `via` guards nothing (v2).
    assert!(to("lobby", "ehr"));
    assert!(from("ehr", "guest") && from("core", "guest") && !from("imaging", "guest"));
    // ehr has no outgoing flow: it reaches nothing, not even itself.
    assert!(!to("ehr", "ehr"));
    let path = network.shortest_unguarded_path(id("lobby"), zone_bit("ehr").unwrap());
    let names: Vec<&str> = path
        .unwrap()
        .into_iter()
        .map(|f| &*inventory.entity(f).name)
        .collect();
    assert_eq!(names, ["lobby-core", "core-ehr"]);
    let path = network.shortest_unguarded_path_from(zone_bit("guest").unwrap(), id("ehr"));
    let names: Vec<&str> = path
        .unwrap()
        .into_iter()
        .map(|f| &*inventory.entity(f).name)
        .collect();
    assert_eq!(names, ["lobby-core", "core-ehr"]);
    assert_eq!(
        network.shortest_unguarded_path_from(zone_bit("guest").unwrap(), id("imaging")),
        None
    );
    assert_eq!(
        network.shortest_unguarded_path(id("guest"), zone_bit("ehr").unwrap()),
        None
    );
}

#[test]
fn os_names_are_compared_normalized_and_unknown_ones_get_a_hint() {
    let outcome = inventory(
        "vendor acme { }\n\
         model ct { vendor = acme os { name = \"Acme OS\" version = \"2\" end_of_support = 2024-01-01 } }\n\
         device spaced { model = ct os { name = \"acme os \" version = \"2\" } }\n\
         device other { model = ct os { name = \"Acme OS\" version = \"3\" } }\n\
         device cyrillic { model = ct os { name = \"Windows \u{425}P\" version = \"SP3\" } }\n\
         device pdf { model = ct os { name = \"Windows\u{202c} XP\" version = \"SP3\" } }\n\
         device typo { model = ct os { name = \"Windows7\" } }\n",
    );
    // A case or trailing-space difference keeps the model's date; another version does not.
    assert_eq!(
        get(&outcome, "spaced", "end_of_support"),
        date("2024-01-01").as_ref()
    );
    assert_eq!(get(&outcome, "other", "end_of_support"), None);
    // U+202C is a format character: removed, the name is Windows XP.
    assert_eq!(
        get(&outcome, "pdf", "end_of_support"),
        date("2014-04-08").as_ref()
    );
    // A Cyrillic letter is not a Latin one: no row, so no date, and a hint.
    assert_eq!(get(&outcome, "cyrillic", "end_of_support"), None);
    assert_eq!(
        text(&outcome, "cyrillic", "os_catalog_hint"),
        Some("Windows XP")
    );
    assert_eq!(text(&outcome, "typo", "os_catalog_hint"), Some("Windows 7"));
    assert_eq!(get(&outcome, "pdf", "os_catalog_hint"), None);
    assert_eq!(outcome.findings.len(), 1, "the U+202C is warned about");
}

#[test]
fn v2_facts() {
    let outcome = inventory(
        r#"
vendor hvac { remote_access = true }
vendor servicer { }
vendor refuser { ephi_access = false }
vendor cloud { ephi_access = true }
model pump { vendor = servicer connectivity = [bluetooth] os { name = "Ubuntu" version = "24.04" } }
model desk { vendor = servicer }
vlan med { id = 30 zone = medical }
vlan iot { id = 40 zone = iot }
vlan guest { id = 50 zone = guest }
flow med-iot { from = med to = iot ports = any }
flow guest-iot { from = guest to = iot ports = any ephi = true }
flow iot-guest { from = iot to = guest ports = any }
safeguard fw { kind = firewall covers = [med] verified = 2025-11-29 }
safeguard old-acl { kind = acl covers = [med] verified = 2025-11-28 }
safeguard future { kind = nac covers = [med] verified = 2026-12-01 }
safeguard jump { kind = jump_host covers = [med] }
safeguard nightly { kind = backup covers = [med] verified = 2026-11-01 }
device pump-01 { model = pump vlan = med ephi = [store] serviced_by = [servicer, refuser] }
device desk-01 { model = desk ephi = [] serviced_by = [hvac] connectivity = [ethernet] }
decision current { spec = auto_logoff applies = [pump] rationale = "r" approved_by = "CISO" approved = 2026-01-01 review_by = 2026-11-29 }
decision lapsed { spec = auto_logoff applies = [pump-01] rationale = "r" approved_by = "CISO" approved = 2025-01-01 review_by = 2026-11-28 }
decision early { spec = auto_logoff applies = [med-iot] rationale = "r" approved_by = "CISO" approved = 2026-11-30 }
decision for-vlan { spec = encryption_in_transit applies = [med] rationale = "r" approved_by = "CISO" approved = 2026-11-29 }
vulnerability none-yet { affects = [pump] severity = high identified = 2026-10-01 patch_available = none }
vulnerability later { affects = [pump] severity = high identified = 2026-10-01 patch_available = 2026-11-01 }
vulnerability earlier { affects = [pump] severity = high identified = 2026-10-01 patch_available = 2026-01-01 remediated = 2026-11-29 }
vulnerability plain { affects = [pump] severity = high identified = 2026-10-01 remediated = 2026-11-30 }
"#,
    );
    let bool_of = |entity: &str, fact: &str| match get(&outcome, entity, fact) {
        Some(Val::Bool(b)) => *b,
        other => panic!("{entity}.{fact} = {other:?}"),
    };
    // Business associates: ePHI makes one, remote access alone does not.
    assert!(bool_of("servicer", "business_associate") && bool_of("servicer", "services_ephi"));
    assert!(!bool_of("refuser", "business_associate") && bool_of("refuser", "services_ephi"));
    assert!(!bool_of("hvac", "business_associate") && !bool_of("hvac", "services_ephi"));
    assert!(bool_of("cloud", "business_associate") && !bool_of("cloud", "services_ephi"));
    // Safeguards: current through exactly 12 months, not before `verified`.
    assert!(bool_of("fw", "current") && bool_of("fw", "restricting") && bool_of("fw", "guarding"));
    assert!(!bool_of("old-acl", "current") && !bool_of("future", "current"));
    assert!(!bool_of("jump", "restricting") && bool_of("jump", "guarding"));
    assert!(!bool_of("nightly", "guarding"));
    // Connectivity is inherited; on_lan follows it; general-purpose OS from the name.
    assert!(!bool_of("pump-01", "on_lan") && bool_of("desk-01", "on_lan"));
    assert!(bool_of("pump-01", "general_purpose_os") && !bool_of("desk-01", "general_purpose_os"));
    assert!(bool_of("pump-01", "ephi_device") && !bool_of("desk-01", "ephi_device"));
    // Decisions in effect from `approved` through `review_by`, via device, model or vlan.
    assert!(bool_of("current", "in_effect") && !bool_of("lapsed", "in_effect"));
    assert!(!bool_of("early", "in_effect") && bool_of("for-vlan", "in_effect"));
    assert_eq!(
        names(&outcome, get(&outcome, "pump-01", "decisions")),
        ["current", "for-vlan"]
    );
    assert_eq!(
        names(&outcome, get(&outcome, "med-iot", "decisions")),
        ["for-vlan"]
    );
    // Flows carry ePHI when stated, else when an end holds an ePHI device.
    assert!(bool_of("med-iot", "carries_ephi") && bool_of("guest-iot", "carries_ephi"));
    assert!(!bool_of("iot-guest", "carries_ephi"));
    // Patch clocks: none without a fix, the later of identification and release.
    assert_eq!(get(&outcome, "none-yet", "patch_clock"), None);
    assert_eq!(
        get(&outcome, "later", "patch_clock"),
        date("2026-11-01").as_ref()
    );
    assert_eq!(
        get(&outcome, "earlier", "patch_clock"),
        date("2026-10-01").as_ref()
    );
    assert_eq!(
        get(&outcome, "plain", "patch_clock"),
        date("2026-10-01").as_ref()
    );
    assert!(!bool_of("earlier", "unresolved") && bool_of("plain", "unresolved"));
}
