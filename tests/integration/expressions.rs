//! The expression language evaluated on a real inventory: null semantics, operators,
//! functions, references and reachability.

use wardline::check::Outcome;
use wardline::policy::expr::{Scope, compile, compile_condition};
use wardline::schema::Kind;

use crate::support::{as_of, check_language, write};

const INVENTORY: &str = r#"
vendor acme { remote_access = true baa { signed = 2024-03-01 expires = 2027-03-01 } }
model pump { vendor = acme supports { encryption_at_rest = false } }
vlan icu { id = 30 zone = medical label = "ICU devices" }
vlan ehr { id = 40 zone = ehr }
flow icu-ehr { from = icu to = ehr ports = [443] }
safeguard icu-ids { kind = ids covers = [icu] }
safeguard icu-fw { kind = firewall covers = [icu] }
device pump-01 {
  model = pump
  vlan  = icu
  ephi  = [create, store]
  patch { status = current last = 2025-01-31 }
}
device pump-02 { model = pump }
"#;

fn fixture() -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "inventory.ward", INVENTORY);
    let outcome = check_language(dir.path());
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    outcome
}

/// Evaluates a condition on a device.
fn holds(outcome: &Outcome, device: &str, condition: &str) -> bool {
    let compiled =
        compile_condition(condition, Kind::Device).unwrap_or_else(|e| panic!("{condition}: {e:?}"));
    let scope = Scope {
        inventory: &outcome.inventory,
        as_of: as_of(),
    };
    compiled.holds(scope, outcome.inventory.lookup(device).unwrap())
}

fn shows(outcome: &Outcome, device: &str, expression: &str) -> String {
    let compiled =
        compile(expression, Kind::Device).unwrap_or_else(|e| panic!("{expression}: {e:?}"));
    let scope = Scope {
        inventory: &outcome.inventory,
        as_of: as_of(),
    };
    compiled
        .eval(scope, outcome.inventory.lookup(device).unwrap())
        .display(&outcome.inventory)
}

#[test]
fn null_semantics() {
    let outcome = fixture();
    // Absent values are null; null == null; ordering with null is false both ways.
    assert!(holds(&outcome, "pump-02", "patch.status == null"));
    assert!(holds(&outcome, "pump-02", "vlan.zone == null"));
    assert!(!holds(&outcome, "pump-02", "patch.last < as_of"));
    assert!(!holds(&outcome, "pump-02", "patch.last >= as_of"));
    // null in a boolean position is false, so `not` of it is true.
    assert!(!holds(&outcome, "pump-02", "mfa"));
    assert!(holds(&outcome, "pump-02", "not mfa"));
    assert!(!holds(&outcome, "pump-02", "exists(ephi)"));
    assert!(holds(&outcome, "pump-02", "len(ephi) == 0"));
    assert_eq!(
        shows(&outcome, "pump-02", "add_months(patch.last, 1)"),
        "unknown"
    );
    assert_eq!(
        shows(&outcome, "pump-02", "days_since(patch.last)"),
        "unknown"
    );
}

#[test]
fn operators_and_functions() {
    let outcome = fixture();
    assert!(holds(
        &outcome,
        "pump-01",
        "patch.status in [\"current\", \"vendor_managed\"]"
    ));
    assert!(holds(
        &outcome,
        "pump-01",
        "\"store\" in ephi and not (\"transmit\" in ephi)"
    ));
    assert!(holds(
        &outcome,
        "pump-01",
        "stores_ephi and handles_ephi and not transmits_ephi"
    ));
    assert!(holds(
        &outcome,
        "pump-01",
        "patch.last < 2025-02-01 and patch.last >= 2025-01-31"
    ));
    assert_eq!(
        shows(&outcome, "pump-01", "add_months(patch.last, 1)"),
        "2025-02-28"
    );
    assert_eq!(
        shows(&outcome, "pump-01", "add_days(patch.last, 1)"),
        "2025-02-01"
    );
    assert_eq!(shows(&outcome, "pump-01", "days_since(patch.last)"), "667");
    assert_eq!(shows(&outcome, "pump-01", "len(covered_by)"), "2");
    assert!(holds(
        &outcome,
        "pump-01",
        "any(covered_by, kind == \"ids\") and not all(covered_by, kind == \"ids\")"
    ));
    assert!(
        holds(&outcome, "pump-02", "all(covered_by, kind == \"ids\")"),
        "all() of an empty list holds"
    );
    assert!(
        holds(&outcome, "pump-01", "true or false and false"),
        "`and` binds tighter than `or`"
    );
}

#[test]
fn references_are_followed_and_compare_by_name() {
    let outcome = fixture();
    assert!(holds(
        &outcome,
        "pump-01",
        "model.vendor.remote_access == true"
    ));
    assert!(holds(
        &outcome,
        "pump-01",
        "model.vendor.baa.expires > as_of"
    ));
    assert!(holds(
        &outcome,
        "pump-01",
        "model.supports.encryption_at_rest == false"
    ));
    assert!(holds(
        &outcome,
        "pump-01",
        "vlan == \"icu\" and vlan != \"ehr\""
    ));
    assert_eq!(shows(&outcome, "pump-01", "vlan.label"), "ICU devices");
    assert_eq!(shows(&outcome, "pump-01", "covered_by"), "icu-ids, icu-fw");
    assert!(holds(&outcome, "pump-01", "unguarded_path(\"ehr\")"));
    assert!(
        !holds(&outcome, "pump-01", "unguarded_path(\"medical\")"),
        "a vlan does not reach itself without a flow"
    );
    assert!(
        !holds(&outcome, "pump-02", "unguarded_path(\"ehr\")"),
        "no vlan, no path"
    );
}

#[test]
fn v2_functions_on_a_real_inventory() {
    let outcome = fixture();
    // stale(d, n): null, future, or more than n months old; exactly n months is not stale.
    assert!(holds(&outcome, "pump-02", "stale(patch.last, 12)"));
    assert!(holds(&outcome, "pump-01", "stale(patch.last, 12)"));
    assert!(!holds(&outcome, "pump-01", "stale(patch.last, 22)"));
    assert!(!holds(&outcome, "pump-01", "stale(2025-11-29, 12)"));
    assert!(holds(&outcome, "pump-01", "stale(2025-11-28, 12)"));
    assert!(holds(&outcome, "pump-01", "stale(2026-11-30, 12)"));
    assert!(
        !holds(
            &outcome,
            "pump-01",
            "stale(2026-11-29, -9223372036854775807)"
        ),
        "an overflowing due date is null, and null is never before as_of"
    );
    // unguarded_path over a list of zones, unguarded_from the other way.
    assert!(holds(
        &outcome,
        "pump-01",
        "unguarded_path([\"guest\", \"ehr\"])"
    ));
    assert!(!holds(
        &outcome,
        "pump-01",
        "unguarded_path([\"guest\", \"iot\"])"
    ));
    assert!(!holds(&outcome, "pump-01", "unguarded_from(\"ehr\")"));
    // The route names the flows of the path; none, and it is null.
    assert_eq!(
        shows(&outcome, "pump-01", "unguarded_route(\"ehr\")"),
        "icu-ehr"
    );
    assert_eq!(
        shows(&outcome, "pump-01", "unguarded_route(\"guest\")"),
        "unknown"
    );
    assert_eq!(
        shows(&outcome, "pump-02", "unguarded_route(\"ehr\")"),
        "unknown"
    );
    assert!(holds(
        &outcome,
        "pump-01",
        "len(unguarded_route(\"ehr\")) == 1"
    ));
    assert_eq!(
        shows(&outcome, "pump-01", "unguarded_route_from(\"medical\")"),
        "unknown",
        "no flow leads into the ICU segment"
    );
    // No decision is written in this inventory.
    assert!(!holds(
        &outcome,
        "pump-01",
        "decided(\"encryption_at_rest\")"
    ));
    assert_eq!(
        shows(
            &outcome,
            "pump-01",
            "add_days(patch.last, 9223372036854775807)"
        ),
        "unknown"
    );
}
