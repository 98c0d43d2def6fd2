//! The synthetic fleet behind `cargo xtask bench` and the no-regression digest test (which
//! includes this file by path, so both judge the same inventory): a realistic health
//! system under the v2 catalog. Most devices are documented as a well-run biomed team
//! would (owner and location, access controls, segments behind ACLs, anti-malware and
//! monitoring coverage, decisions and migration plans where a model cannot encrypt or do
//! MFA), and a few per hundred carry the gaps real inventories have, so a run reports
//! well under one finding per device. Only `std`, so the test can include it.

use std::fmt::Write;

/// The files of an inventory with `devices` devices, 1,000 a file, in path order:
/// `(file name, text)`.
pub fn inventory(devices: usize) -> Vec<(String, String)> {
    let vendors = 20 + devices / 5_000;
    let models = 60 + devices / 500;
    let vlans = 24 + devices / 2_000;
    let mut shared = String::new();
    let _ = writeln!(
        shared,
        "organization bench-health {{\n  label = \"Bench Health\"\n  security_officer = \"Dana Whitfield\"\n  inventory_reviewed = 2026-06-01\n  network_map_reviewed = 2026-06-01\n  risk_analysis_reviewed = 2026-03-01\n  vulnerability_scan = 2026-09-01\n  penetration_test = 2026-04-01\n  compliance_audit = 2026-01-15\n  contingency_plan = 2026-02-01\n}}\n"
    );
    let _ = writeln!(
        shared,
        "safeguard vendor-jump {{\n  kind = jump_host\n  covers = [vlan-0]\n  label = \"Vendor remote access gateway\"\n  verified = 2026-05-01\n}}\n"
    );
    for v in 0..vendors {
        // One vendor in seven let its agreement lapse this year.
        let expires = if v % 7 == 0 {
            "2026-01-31"
        } else {
            "2028-06-30"
        };
        let remote = v % 3 == 0;
        let via = if remote {
            "\n  access_via = [vendor-jump]"
        } else {
            ""
        };
        let _ = writeln!(
            shared,
            "vendor vendor-{v} {{\n  label = \"Vendor {v}\"\n  roles = [manufacturer, servicer]\n  remote_access = {remote}{via}\n  baa {{ signed = 2024-01-15 expires = {expires} reference = \"contracts/vendor-{v}.pdf\" }}\n  safeguards_verified = 2026-02-01\n}}\n"
        );
    }
    // (name, version, legacy): a legacy OS is past its end of support, so its devices
    // are recorded as unpatchable and kept off the EHR segments.
    let oses = [
        ("Windows 7", "SP1", true),
        ("Windows 10 IoT Enterprise LTSC", "2021", false),
        ("Ubuntu", "22.04", false),
        ("Windows CE", "6.0", true),
        ("Red Hat Enterprise Linux", "8.6", false),
    ];
    let kinds = [
        "infusion_pump",
        "patient_monitor",
        "imaging",
        "ventilator",
        "lab_analyzer",
        "workstation",
    ];
    let at_rest = |m: usize| m % 4 != 0;
    let mfa = |m: usize| m % 5 != 0;
    let legacy = |m: usize| oses[m % oses.len()].2;
    for m in 0..models {
        let (os, version, _) = oses[m % oses.len()];
        let _ = writeln!(
            shared,
            "model model-{m} {{\n  vendor = vendor-{}\n  kind = {}\n  os {{ name = \"{os}\" version = \"{version}\" }}\n  mds2 {{ received = 2024-05-01 revision = \"2019\" }}\n  supports {{ encryption_at_rest = {} encryption_in_transit = true mfa = {} }}\n}}\n",
            m % vendors,
            kinds[m % kinds.len()],
            at_rest(m),
            mfa(m)
        );
        if !at_rest(m) {
            let _ = writeln!(
                shared,
                "decision model-{m}-at-rest {{\n  spec = encryption_at_rest\n  applies = [model-{m}]\n  rationale = \"the model cannot encrypt its local store; the devices sit on ACL-guarded segments\"\n  alternative = [acl-0]\n  approved_by = \"Dana Whitfield, CISO\"\n  approved = 2026-03-04\n  review_by = 2027-03-04\n}}\n"
            );
        }
    }
    let zones = [
        "medical",
        "clinical",
        "ehr",
        "corporate",
        "management",
        "iot",
    ];
    // Devices live on the medical, clinical and EHR segments only.
    let clinical: Vec<usize> = (0..vlans).filter(|v| v % zones.len() < 3).collect();
    let not_ehr: Vec<usize> = (0..vlans).filter(|v| v % zones.len() < 2).collect();
    for v in 0..vlans {
        let _ = writeln!(
            shared,
            "vlan vlan-{v} {{\n  id = {}\n  zone = {}\n  subnet = \"10.{}.{}.0/24\"\n}}\n",
            v + 2,
            zones[v % zones.len()],
            v / 256,
            v % 256
        );
        for (name, kind) in [
            ("acl", "acl"),
            ("edr", "antimalware"),
            ("siem", "monitoring"),
        ] {
            let _ = writeln!(
                shared,
                "safeguard {name}-{v} {{\n  kind = {kind}\n  covers = [vlan-{v}]\n  verified = 2026-05-01\n}}\n"
            );
        }
    }
    for v in 0..vlans {
        let _ = writeln!(
            shared,
            "flow flow-{v} {{\n  from = vlan-{v}\n  to = vlan-{}\n  ports = [443, 2575]\n  encrypted = true\n  via = [acl-{v}]\n}}\n",
            (v * 7 + 2) % vlans
        );
    }
    let severities = ["critical", "high", "medium", "low"];
    for n in 0..devices / 100 {
        // Nine in ten are remediated; the rest are open, some with interim controls.
        let status = match n % 10 {
            0 => String::new(),
            5 => format!("\n  mitigated_by = [acl-{}]", n % vlans),
            _ => format!("\n  remediated = 2026-{:02}-20", 1 + n % 11),
        };
        let _ = writeln!(
            shared,
            "vulnerability vuln-{n} {{\n  cve = \"CVE-2026-{:05}\"\n  affects = [model-{}]\n  severity = {}\n  identified = 2026-{:02}-15{status}\n}}\n",
            10_000 + n,
            n % models,
            severities[n % severities.len()],
            1 + n % 11
        );
    }
    let mut files = vec![("shared.ward".to_owned(), shared)];
    let statuses = ["current", "behind", "vendor_managed"];
    for chunk in 0..devices.div_ceil(1_000) {
        let mut text = String::new();
        for d in chunk * 1_000..((chunk + 1) * 1_000).min(devices) {
            let model = d % models;
            let (status, segments) = if legacy(model) {
                ("unpatchable", &not_ehr)
            } else {
                (statuses[d % statuses.len()], &clinical)
            };
            // The gaps: an unrecorded owner, a default password left on, a missing
            // emergency procedure.
            let owner = if d % 97 == 0 {
                ""
            } else {
                "\n  owner = \"Biomedical Engineering\""
            };
            let default_credentials = d % 211 == 0;
            let emergency = d % 307 != 0;
            let migration = if at_rest(model) && mfa(model) {
                String::new()
            } else {
                format!(
                    "\n  migration {{ plan = \"replace with model-{}\" by = 2027-06-30 }}",
                    (model + 1) % models
                )
            };
            let _ = writeln!(
                text,
                "device dev-{d} {{\n  model = model-{model}\n  label = \"Device {d}\"\n  location = \"Building {} room {}\"{owner}\n  ip = \"10.{}.{}.{}\"\n  mac = \"02:00:{:02x}:{:02x}:{:02x}:{:02x}\"\n  vlan = vlan-{}\n  ephi = [create, store, transmit]\n  access {{ unique_ids = true default_credentials = {default_credentials} auto_logoff = true emergency = {emergency} }}\n  patch {{ status = {status} last = 2026-{:02}-01 }}\n  encryption {{ at_rest = {} in_transit = true }}\n  mfa = {}\n  audit_log = true\n  serviced_by = [vendor-{}]\n  risk {{ level = medium accepted_by = \"CISO\" accepted = 2026-01-10 review_by = 2027-01-10 }}{migration}\n}}\n",
                d % 12,
                d % 400,
                100 + d / 65_536 % 100,
                d / 256 % 256,
                d % 256,
                d >> 24 & 0xff,
                d >> 16 & 0xff,
                d >> 8 & 0xff,
                d & 0xff,
                segments[d % segments.len()],
                1 + d % 11,
                at_rest(model),
                mfa(model),
                model % vendors,
            );
        }
        files.push((format!("devices-{chunk:04}.ward"), text));
    }
    files
}
