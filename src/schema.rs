//! The one table of the language: every block kind, its keys with their types, required
//! flags and enum values (LANGUAGE.md §3), and the derived facts resolution adds (§4).
//!
//! The validator, the resolver, the policy type-checker and the docs all read this table;
//! no rule about a key lives anywhere else.

/// A block kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Organization,
    Vlan,
    Flow,
    Vendor,
    Model,
    Device,
    Safeguard,
    Vulnerability,
    Waiver,
    Decision,
}

pub const KINDS: [Kind; 10] = [
    Kind::Organization,
    Kind::Vlan,
    Kind::Flow,
    Kind::Vendor,
    Kind::Model,
    Kind::Device,
    Kind::Safeguard,
    Kind::Vulnerability,
    Kind::Waiver,
    Kind::Decision,
];

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organization => "organization",
            Kind::Vlan => "vlan",
            Kind::Flow => "flow",
            Kind::Vendor => "vendor",
            Kind::Model => "model",
            Kind::Device => "device",
            Kind::Safeguard => "safeguard",
            Kind::Vulnerability => "vulnerability",
            Kind::Waiver => "waiver",
            Kind::Decision => "decision",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        KINDS.into_iter().find(|kind| kind.as_str() == text)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The keys a block of this kind may state.
    pub fn keys(self) -> &'static [Key] {
        match self {
            Kind::Organization => ORGANIZATION,
            Kind::Vlan => VLAN,
            Kind::Flow => FLOW,
            Kind::Vendor => VENDOR,
            Kind::Model => MODEL,
            Kind::Device => DEVICE,
            Kind::Safeguard => SAFEGUARD,
            Kind::Vulnerability => VULNERABILITY,
            Kind::Waiver => WAIVER,
            Kind::Decision => DECISION,
        }
    }

    /// The facts resolution derives for this kind; `name` is on every kind.
    pub fn facts(self) -> &'static [Key] {
        match self {
            Kind::Device => DEVICE_FACTS,
            Kind::Vendor => VENDOR_FACTS,
            Kind::Vulnerability => VULNERABILITY_FACTS,
            Kind::Model | Kind::Vlan => DEVICES_FACT,
            Kind::Safeguard => SAFEGUARD_FACTS,
            Kind::Flow => FLOW_FACTS,
            Kind::Decision => DECISION_FACTS,
            Kind::Organization | Kind::Waiver => NAME_FACT,
        }
    }

    /// Slot of a key or fact in an entity's attribute vector: keys first, then facts.
    pub fn slot(self, name: &str) -> Option<usize> {
        let keys = self.keys();
        keys.iter().position(|k| k.name == name).or_else(|| {
            self.facts()
                .iter()
                .position(|k| k.name == name)
                .map(|i| keys.len() + i)
        })
    }

    pub fn slot_count(self) -> usize {
        self.keys().len() + self.facts().len()
    }

    /// The key or fact at a slot.
    pub fn slot_key(self, slot: usize) -> Option<&'static Key> {
        let keys = self.keys();
        keys.get(slot)
            .or_else(|| self.facts().get(slot.checked_sub(keys.len())?))
    }
}

/// A kind known at compile time, so a slot of one kind cannot index another's attributes.
pub trait KindTag {
    const KIND: Kind;
}

/// Compile-time kind markers for [`Slot`].
pub mod tag {
    use super::{Kind, KindTag};

    pub struct Device;
    pub struct Model;

    impl KindTag for Device {
        const KIND: Kind = Kind::Device;
    }
    impl KindTag for Model {
        const KIND: Kind = Kind::Model;
    }
}

/// The slot of a key or fact in the attribute vector of an entity of kind `K`: a device
/// slot used on a model does not compile, and a key renamed in the table fails the build.
pub struct Slot<K>(u16, std::marker::PhantomData<K>);

impl<K> Clone for Slot<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Slot<K> {}

impl<K: KindTag> Slot<K> {
    /// The slot of key or fact `name` of `K`, found while compiling.
    const fn named(keys: &[Key], facts: &[Key], name: &str) -> Slot<K> {
        let index = match position(keys, name) {
            Some(i) => i,
            None => match position(facts, name) {
                Some(i) => keys.len() + i,
                None => unknown_key(),
            },
        };
        Slot(index as u16, std::marker::PhantomData)
    }
}

impl<K> Slot<K> {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The index of the field `name` in a record type, found while compiling.
pub const fn field_index(ty: Type, name: &str) -> usize {
    match ty {
        Type::Record(fields) => match position(fields, name) {
            Some(i) => i,
            None => unknown_key(),
        },
        _ => unknown_key(),
    }
}

#[expect(
    clippy::panic,
    reason = "only reached in const evaluation: a build error"
)]
const fn unknown_key() -> usize {
    panic!("no such key in the schema")
}

const fn position(keys: &[Key], name: &str) -> Option<usize> {
    let mut i = 0;
    while i < keys.len() {
        if str_eq(keys[i].name, name) {
            return Some(i);
        }
        i += 1;
    }
    None
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Typed slots of the device keys and facts that resolution writes or reads directly.
pub mod device {
    use super::{DEVICE, DEVICE_FACTS, OS, Slot, field_index, tag};

    pub const OS_BLOCK: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "os");
    pub const CONNECTIVITY: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "connectivity");
    pub const OS_NAME: usize = field_index(OS, "name");
    pub const OS_VERSION: usize = field_index(OS, "version");
    pub const OS_END: usize = field_index(OS, "end_of_support");
    pub const ACTIVE: Slot<tag::Device> = fact("active");
    pub const HANDLES_EPHI: Slot<tag::Device> = fact("handles_ephi");
    pub const STORES_EPHI: Slot<tag::Device> = fact("stores_ephi");
    pub const TRANSMITS_EPHI: Slot<tag::Device> = fact("transmits_ephi");
    pub const END_OF_SUPPORT: Slot<tag::Device> = fact("end_of_support");
    pub const UNSUPPORTED: Slot<tag::Device> = fact("unsupported");
    pub const UNPATCHABLE: Slot<tag::Device> = fact("unpatchable");
    pub const COVERED_BY: Slot<tag::Device> = fact("covered_by");
    pub const EPHI_DEVICE: Slot<tag::Device> = fact("ephi_device");
    pub const ON_LAN: Slot<tag::Device> = fact("on_lan");
    pub const GENERAL_PURPOSE_OS: Slot<tag::Device> = fact("general_purpose_os");
    pub const OS_CATALOG_HINT: Slot<tag::Device> = fact("os_catalog_hint");
    pub const MIGRATION_PENDING: Slot<tag::Device> = fact("migration_pending");
    pub const FDA_MAINTAINED: Slot<tag::Device> = fact("fda_maintained");

    const fn fact(name: &str) -> Slot<tag::Device> {
        Slot::named(DEVICE, DEVICE_FACTS, name)
    }
}

/// Typed slots of the model keys a device inherits.
pub mod model {
    use super::{DEVICES_FACT, MODEL, Slot, tag};

    pub const OS_BLOCK: Slot<tag::Model> = Slot::named(MODEL, DEVICES_FACT, "os");
    pub const CONNECTIVITY: Slot<tag::Model> = Slot::named(MODEL, DEVICES_FACT, "connectivity");
}

/// Which string values are checked beyond being strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrFormat {
    Any,
    Cidr,
    Ip,
    Mac,
    Cve,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Str(StrFormat),
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    Date,
    Enum(&'static [&'static str]),
    /// A reference to a block of one of these kinds; empty means any kind.
    Ref(&'static [Kind]),
    List(&'static Type),
    Record(&'static [Key]),
    /// Either of two types (`ports`: a list of ports or `any`).
    Either(&'static Type, &'static Type),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
    /// A list that must hold at least one value.
    pub non_empty: bool,
}

const fn opt(name: &'static str, ty: Type) -> Key {
    Key {
        name,
        ty,
        required: false,
        non_empty: false,
    }
}

const fn req(name: &'static str, ty: Type) -> Key {
    Key {
        name,
        ty,
        required: true,
        non_empty: false,
    }
}

const fn req_non_empty(name: &'static str, ty: Type) -> Key {
    Key {
        name,
        ty,
        required: true,
        non_empty: true,
    }
}

const STR: Type = Type::Str(StrFormat::Any);
const DATE: Type = Type::Date;
const BOOL: Type = Type::Bool;

pub const ZONES: &[&str] = &[
    "medical",
    "ehr",
    "clinical",
    "corporate",
    "guest",
    "iot",
    "dmz",
    "management",
    "flat",
];
pub const SAFEGUARD_KINDS: &[&str] = &[
    "firewall",
    "acl",
    "nac",
    "monitoring",
    "ids",
    "segmentation_gateway",
    "encryption_gateway",
    "jump_host",
    "mfa_proxy",
    "physical",
    "backup",
    "antimalware",
    "other",
];

const ORGANIZATION: &[Key] = &[
    opt("label", STR),
    opt("security_officer", STR),
    opt("inventory_reviewed", DATE),
    opt("network_map_reviewed", DATE),
    opt("risk_analysis_reviewed", DATE),
    opt("vulnerability_scan", DATE),
    opt("penetration_test", DATE),
    opt("compliance_audit", DATE),
    opt("contingency_plan", DATE),
];

const VLAN: &[Key] = &[
    req("id", Type::Int { min: 1, max: 4094 }),
    req("zone", Type::Enum(ZONES)),
    opt("subnet", Type::Str(StrFormat::Cidr)),
    opt("label", STR),
];

const PORT: Type = Type::Int { min: 1, max: 65535 };
const PORT_LIST: Type = Type::List(&PORT);
const ANY: Type = Type::Enum(&["any"]);
const SAFEGUARD_REF: Type = Type::Ref(&[Kind::Safeguard]);
const VENDOR_REF: Type = Type::Ref(&[Kind::Vendor]);
const DEVICE_REF: Type = Type::Ref(&[Kind::Device]);

const FLOW: &[Key] = &[
    req("from", Type::Ref(&[Kind::Vlan])),
    req("to", Type::Ref(&[Kind::Vlan])),
    req("ports", Type::Either(&PORT_LIST, &ANY)),
    opt("protocol", STR),
    opt("encrypted", BOOL),
    opt("via", Type::List(&SAFEGUARD_REF)),
    opt("purpose", STR),
    opt("ephi", BOOL),
];

const VENDOR_ROLES: Type = Type::Enum(&[
    "manufacturer",
    "servicer",
    "cloud",
    "integrator",
    "reseller",
]);

const VENDOR: &[Key] = &[
    opt("label", STR),
    opt("roles", Type::List(&VENDOR_ROLES)),
    opt("ephi_access", BOOL),
    opt("remote_access", BOOL),
    opt(
        "baa",
        Type::Record(&[
            opt("signed", DATE),
            opt("expires", DATE),
            opt("reference", STR),
        ]),
    ),
    opt("safeguards_verified", DATE),
    opt("access_via", Type::List(&SAFEGUARD_REF)),
    opt("contact", STR),
];

const OS: Type = Type::Record(&[
    opt("name", STR),
    opt("version", STR),
    opt("end_of_support", DATE),
]);

const LINK: Type = Type::Enum(&["ethernet", "wifi", "cellular", "bluetooth", "usb", "serial"]);
const CONNECTIVITY: Type = Type::List(&LINK);

const MODEL: &[Key] = &[
    req("vendor", VENDOR_REF),
    opt("label", STR),
    opt(
        "kind",
        Type::Enum(&[
            "infusion_pump",
            "patient_monitor",
            "imaging",
            "smart_bed",
            "ventilator",
            "lab_analyzer",
            "wearable",
            "iot_sensor",
            "workstation",
            "server",
            "other",
        ]),
    ),
    opt("os", OS),
    opt("end_of_support", DATE),
    opt(
        "mds2",
        Type::Record(&[
            opt("received", DATE),
            opt("revision", STR),
            opt("reference", STR),
        ]),
    ),
    opt(
        "fda",
        Type::Record(&[opt("submission", STR), opt("cyber_device", BOOL)]),
    ),
    opt("sbom", STR),
    opt("connectivity", CONNECTIVITY),
    opt(
        "supports",
        Type::Record(&[
            opt("encryption_at_rest", BOOL),
            opt("encryption_in_transit", BOOL),
            opt("mfa", BOOL),
            opt("audit_log", BOOL),
            opt("customer_patching", BOOL),
        ]),
    ),
];

const EPHI_USES: Type = Type::Enum(&["create", "receive", "store", "transmit"]);

const DEVICE: &[Key] = &[
    req("model", Type::Ref(&[Kind::Model])),
    opt("label", STR),
    opt("location", STR),
    opt("owner", STR),
    opt("serial", STR),
    opt("ip", Type::Str(StrFormat::Ip)),
    opt("mac", Type::Str(StrFormat::Mac)),
    opt("vlan", Type::Ref(&[Kind::Vlan])),
    opt("ephi", Type::List(&EPHI_USES)),
    opt("os", OS),
    opt(
        "patch",
        Type::Record(&[
            opt(
                "status",
                Type::Enum(&["current", "behind", "vendor_managed", "unpatchable"]),
            ),
            opt("last", DATE),
            opt("reason", STR),
        ]),
    ),
    opt(
        "encryption",
        Type::Record(&[opt("at_rest", BOOL), opt("in_transit", BOOL)]),
    ),
    opt("mfa", BOOL),
    opt("audit_log", BOOL),
    opt("compensating", Type::List(&SAFEGUARD_REF)),
    opt("serviced_by", Type::List(&VENDOR_REF)),
    opt(
        "risk",
        Type::Record(&[
            opt("level", Type::Enum(&["low", "medium", "high", "critical"])),
            opt("accepted_by", STR),
            opt("accepted", DATE),
            opt("review_by", DATE),
            opt("note", STR),
            opt("reference", STR),
        ]),
    ),
    opt(
        "migration",
        Type::Record(&[opt("plan", STR), opt("by", DATE), opt("reference", STR)]),
    ),
    opt("decommissioned", DATE),
    opt(
        "disposal",
        Type::Record(&[
            opt("sanitized", DATE),
            opt("method", STR),
            opt("reference", STR),
        ]),
    ),
    opt("connectivity", CONNECTIVITY),
    opt(
        "access",
        Type::Record(&[
            opt("unique_ids", BOOL),
            opt("default_credentials", BOOL),
            opt("auto_logoff", BOOL),
            opt("emergency", BOOL),
        ]),
    ),
    opt("primary_store", BOOL),
];

const COVERABLE: Type = Type::Ref(&[Kind::Vlan, Kind::Device, Kind::Model]);

const SAFEGUARD: &[Key] = &[
    req("kind", Type::Enum(SAFEGUARD_KINDS)),
    req_non_empty("covers", Type::List(&COVERABLE)),
    opt("label", STR),
    opt("description", STR),
    opt("owner", STR),
    opt("verified", DATE),
];

const NONE: Type = Type::Enum(&["none"]);
const AFFECTABLE: Type = Type::Ref(&[Kind::Device, Kind::Model]);

const VULNERABILITY: &[Key] = &[
    opt("cve", Type::Str(StrFormat::Cve)),
    req_non_empty("affects", Type::List(&AFFECTABLE)),
    req(
        "severity",
        Type::Enum(&["critical", "high", "medium", "low"]),
    ),
    req("identified", DATE),
    opt("remediated", DATE),
    opt("patch_available", Type::Either(&DATE, &NONE)),
    opt("mitigated_by", Type::List(&SAFEGUARD_REF)),
    opt("note", STR),
];

const ANY_REF: Type = Type::Ref(&[]);

const WAIVER: &[Key] = &[
    req("policies", Type::List(&STR)),
    req("applies", Type::List(&ANY_REF)),
    req("reason", STR),
    req("approved_by", STR),
    opt("approved", DATE),
    req("expires", DATE),
];

/// The addressable specifications a `decision` may settle (164.306(d)(3)).
pub const DECISION_SPECS: &[&str] = &[
    "encryption_at_rest",
    "encryption_in_transit",
    "auto_logoff",
    "malware_protection",
    "accountability",
];

const DECIDABLE: Type = Type::Ref(&[Kind::Device, Kind::Model, Kind::Vlan, Kind::Flow]);

const DECISION: &[Key] = &[
    req("spec", Type::Enum(DECISION_SPECS)),
    req_non_empty("applies", Type::List(&DECIDABLE)),
    req("rationale", STR),
    opt("alternative", Type::List(&SAFEGUARD_REF)),
    req("approved_by", STR),
    req("approved", DATE),
    opt("review_by", DATE),
    opt("reference", STR),
];

const NAME: Key = opt("name", STR);
const NAME_FACT: &[Key] = &[NAME];
const DEVICE_LIST: Type = Type::List(&DEVICE_REF);
const DEVICES_FACT: &[Key] = &[NAME, opt("devices", DEVICE_LIST)];
const DECISION_LIST: Type = Type::List(&DECISION_REF);
const DECISION_REF: Type = Type::Ref(&[Kind::Decision]);
const VENDOR_FACTS: &[Key] = &[
    NAME,
    opt("services_ephi", BOOL),
    opt("business_associate", BOOL),
];
const VULNERABILITY_FACTS: &[Key] = &[
    NAME,
    opt("affected_devices", DEVICE_LIST),
    opt("unresolved", BOOL),
    opt("patch_clock", DATE),
];
const SAFEGUARD_FACTS: &[Key] = &[
    NAME,
    opt("restricting", BOOL),
    opt("guarding", BOOL),
    opt("current", BOOL),
];
const FLOW_FACTS: &[Key] = &[
    NAME,
    opt("carries_ephi", BOOL),
    opt("decisions", DECISION_LIST),
];
const DECISION_FACTS: &[Key] = &[NAME, opt("in_effect", BOOL)];
const DEVICE_FACTS: &[Key] = &[
    NAME,
    opt("active", BOOL),
    opt("handles_ephi", BOOL),
    opt("stores_ephi", BOOL),
    opt("transmits_ephi", BOOL),
    opt("end_of_support", DATE),
    opt("unsupported", BOOL),
    opt("unpatchable", BOOL),
    opt("covered_by", Type::List(&SAFEGUARD_REF)),
    opt("ephi_device", BOOL),
    opt("on_lan", BOOL),
    opt("general_purpose_os", BOOL),
    opt("os_catalog_hint", STR),
    opt("decisions", DECISION_LIST),
    // Not in LANGUAGE.md §4: the two NPRM exceptions (POLICIES.md §4), shared by
    // NPRM-204/205/206 so their condition is written once.
    opt("migration_pending", BOOL),
    opt("fda_maintained", BOOL),
];

/// Looks up a field of a nested record type.
pub fn field(fields: &'static [Key], name: &str) -> Option<(usize, &'static Key)> {
    fields.iter().enumerate().find(|(_, k)| k.name == name)
}
