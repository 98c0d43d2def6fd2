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

    /// What a block of this kind describes (LANGUAGE.md §3), for the language reference.
    pub fn doc(self) -> &'static str {
        match self {
            Kind::Organization => {
                "The organization itself: its security official and the dates of its reviews. At most one in the inventory (WARD-009)."
            }
            Kind::Vlan => "A network segment.",
            Kind::Flow => {
                "Traffic allowed from one segment to another: the network map's edges. A flow is directed; it is guarded when its `via` names a guarding safeguard."
            }
            Kind::Vendor => {
                "A manufacturer, servicer, cloud provider, integrator or reseller, and its business associate agreement."
            }
            Kind::Model => {
                "A product: the level at which an MDS2 form is issued. Its devices inherit its `os` and `connectivity`."
            }
            Kind::Device => "One asset.",
            Kind::Safeguard => "A control: a firewall, ACL, jump host, backup, monitoring…",
            Kind::Vulnerability => "A known vulnerability and its remediation.",
            Kind::Waiver => {
                "A documented, expiring exception to a policy: it excuses findings until it expires."
            }
            Kind::Decision => {
                "A documented decision on an addressable specification (45 CFR 164.306(d)(3)): it satisfies the specification, where a waiver only excuses a finding for a time."
            }
        }
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

    /// Slot of a key or fact of an entity: keys first, then facts (a bit of its stores' masks).
    pub fn slot(self, name: &str) -> Option<usize> {
        let keys = self.keys();
        keys.iter().position(|k| k.name == name).or_else(|| {
            self.facts()
                .iter()
                .position(|k| k.name == name)
                .map(|i| keys.len() + i)
        })
    }

    /// The slot of the `name` fact, every kind's first fact: policies read it from the
    /// entity's name, resolution stores no copy.
    pub fn name_slot(self) -> usize {
        self.keys().len()
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

/// The slot of a key or fact of an entity of kind `K`: a device
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

/// The index of field `field` of the record key `key` among `keys`, found while compiling.
pub const fn key_field(keys: &[Key], key: &str, field: &str) -> usize {
    match position(keys, key) {
        Some(i) => field_index(keys[i].ty, field),
        None => unknown_key(),
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
    use super::{DEVICE, DEVICE_FACTS, OS, Slot, field_index, key_field, tag};

    pub const OS_BLOCK: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "os");
    pub const CONNECTIVITY: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "connectivity");
    pub const OS_NAME: usize = field_index(OS, "name");
    pub const OS_VERSION: usize = field_index(OS, "version");
    pub const OS_END: usize = field_index(OS, "end_of_support");
    pub const MODEL: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "model");
    pub const VLAN: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "vlan");
    pub const EPHI: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "ephi");
    pub const SERVICED_BY: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "serviced_by");
    pub const DECOMMISSIONED: Slot<tag::Device> =
        Slot::named(DEVICE, DEVICE_FACTS, "decommissioned");
    pub const COMPENSATING: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "compensating");
    pub const PATCH: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "patch");
    pub const PATCH_STATUS: usize = key_field(DEVICE, "patch", "status");
    pub const MIGRATION: Slot<tag::Device> = Slot::named(DEVICE, DEVICE_FACTS, "migration");
    pub const MIGRATION_PLAN: usize = key_field(DEVICE, "migration", "plan");
    pub const MIGRATION_BY: usize = key_field(DEVICE, "migration", "by");
    pub const DECISIONS: Slot<tag::Device> = fact("decisions");
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
    /// What the key records, or how the fact is derived (LANGUAGE.md §3, §4): the
    /// language reference is generated from it.
    pub doc: &'static str,
    pub ty: Type,
    pub required: bool,
    /// A list that must hold at least one value.
    pub non_empty: bool,
}

const fn opt(name: &'static str, doc: &'static str, ty: Type) -> Key {
    Key {
        name,
        doc,
        ty,
        required: false,
        non_empty: false,
    }
}

const fn req(name: &'static str, doc: &'static str, ty: Type) -> Key {
    Key {
        name,
        doc,
        ty,
        required: true,
        non_empty: false,
    }
}

const fn req_non_empty(name: &'static str, doc: &'static str, ty: Type) -> Key {
    Key {
        name,
        doc,
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
    opt("label", "display name", STR),
    opt(
        "security_officer",
        "named security official, 45 CFR 164.308(a)(2)",
        STR,
    ),
    opt(
        "inventory_reviewed",
        "last review of the technology asset inventory",
        DATE,
    ),
    opt(
        "network_map_reviewed",
        "last review of the network map",
        DATE,
    ),
    opt(
        "risk_analysis_reviewed",
        "last update of the Security Risk Analysis",
        DATE,
    ),
    opt("vulnerability_scan", "last vulnerability scan", DATE),
    opt("penetration_test", "last penetration test", DATE),
    opt(
        "compliance_audit",
        "last Security Rule compliance audit",
        DATE,
    ),
    opt(
        "contingency_plan",
        "last review or test of the contingency plan (backup, disaster recovery, emergency mode), 45 CFR 164.308(a)(7)",
        DATE,
    ),
];

const VLAN: &[Key] = &[
    req(
        "id",
        "802.1Q id; two vlans with the same id are WARD-010",
        Type::Int { min: 1, max: 4094 },
    ),
    req(
        "zone",
        "what lives there; `flat` = unsegmented",
        Type::Enum(ZONES),
    ),
    opt(
        "subnet",
        "CIDR (`10.30.0.0/22` or IPv6)",
        Type::Str(StrFormat::Cidr),
    ),
    opt("label", "display name", STR),
];

const PORT: Type = Type::Int { min: 1, max: 65535 };
const PORT_LIST: Type = Type::List(&PORT);
const ANY: Type = Type::Enum(&["any"]);
const SAFEGUARD_REF: Type = Type::Ref(&[Kind::Safeguard]);
const VENDOR_REF: Type = Type::Ref(&[Kind::Vendor]);
const DEVICE_REF: Type = Type::Ref(&[Kind::Device]);

const FLOW: &[Key] = &[
    req("from", "source segment", Type::Ref(&[Kind::Vlan])),
    req("to", "destination segment", Type::Ref(&[Kind::Vlan])),
    req(
        "ports",
        "destination ports, or `any`",
        Type::Either(&PORT_LIST, &ANY),
    ),
    opt("protocol", "e.g. \"HL7/MLLP\", \"DICOM\"", STR),
    opt("encrypted", "the traffic is encrypted", BOOL),
    opt(
        "via",
        "safeguards that mediate the flow (firewall, ACL, gateway)",
        Type::List(&SAFEGUARD_REF),
    ),
    opt("purpose", "why the traffic is allowed", STR),
    opt(
        "ephi",
        "carries ePHI; when absent it is inferred (`carries_ephi`)",
        BOOL,
    ),
];

const VENDOR_ROLES: Type = Type::Enum(&[
    "manufacturer",
    "servicer",
    "cloud",
    "integrator",
    "reseller",
]);

const VENDOR: &[Key] = &[
    opt("label", "display name", STR),
    opt(
        "roles",
        "what the vendor is to the organization",
        Type::List(&VENDOR_ROLES),
    ),
    opt(
        "ephi_access",
        "creates, receives, maintains or transmits ePHI for the organization",
        BOOL,
    ),
    opt(
        "remote_access",
        "remotely accesses or services devices",
        BOOL,
    ),
    opt(
        "baa",
        "business associate agreement",
        Type::Record(&[
            opt("signed", "date signed", DATE),
            opt("expires", "date it expires", DATE),
            opt("reference", "evidence document", STR),
        ]),
    ),
    opt(
        "safeguards_verified",
        "last written verification of its technical safeguards",
        DATE,
    ),
    opt(
        "access_via",
        "safeguards every remote session of this vendor passes (jump host, MFA proxy)",
        Type::List(&SAFEGUARD_REF),
    ),
    opt("contact", "who to call", STR),
];

const OS: Type = Type::Record(&[
    opt("name", "operating system name", STR),
    opt("version", "operating system version", STR),
    opt("end_of_support", "end of support of this OS release", DATE),
]);

const LINK: Type = Type::Enum(&["ethernet", "wifi", "cellular", "bluetooth", "usb", "serial"]);
const CONNECTIVITY: Type = Type::List(&LINK);

const MODEL: &[Key] = &[
    req("vendor", "manufacturer", VENDOR_REF),
    opt("label", "display name", STR),
    opt(
        "kind",
        "what sort of product it is",
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
    opt("os", "default OS of its devices", OS),
    opt(
        "end_of_support",
        "manufacturer's end of support for the product",
        DATE,
    ),
    opt(
        "mds2",
        "MDS2 form on file",
        Type::Record(&[
            opt("received", "date received", DATE),
            opt("revision", "form revision", STR),
            opt("reference", "evidence document", STR),
        ]),
    ),
    opt(
        "fda",
        "FDA submission; `cyber_device` = a 524B cyber device",
        Type::Record(&[
            opt("submission", "e.g. \"K213456\"", STR),
            opt("cyber_device", "a cyber device under FD&C Act 524B", BOOL),
        ]),
    ),
    opt("sbom", "path or URL of its SBOM", STR),
    opt(
        "connectivity",
        "how its devices connect; `[]` = not networked",
        CONNECTIVITY,
    ),
    opt(
        "supports",
        "capabilities, as the MDS2 states them",
        Type::Record(&[
            opt("encryption_at_rest", "can encrypt stored data", BOOL),
            opt("encryption_in_transit", "can encrypt traffic", BOOL),
            opt("mfa", "supports multi-factor authentication", BOOL),
            opt("audit_log", "can keep an audit log", BOOL),
            opt(
                "customer_patching",
                "the customer may install patches",
                BOOL,
            ),
        ]),
    ),
];

const EPHI_USES: Type = Type::Enum(&["create", "receive", "store", "transmit"]);

const DEVICE: &[Key] = &[
    req("model", "its product model", Type::Ref(&[Kind::Model])),
    opt("label", "display name", STR),
    opt("location", "where it is", STR),
    opt("owner", "accountable department or person", STR),
    opt("serial", "serial number", STR),
    opt("ip", "IPv4 or IPv6 address", Type::Str(StrFormat::Ip)),
    opt("mac", "`aa:bb:cc:dd:ee:ff`", Type::Str(StrFormat::Mac)),
    opt("vlan", "the segment it sits on", Type::Ref(&[Kind::Vlan])),
    opt(
        "ephi",
        "what it does with ePHI; `[]` declares \"none\"; absent = undeclared",
        Type::List(&EPHI_USES),
    ),
    opt("os", "overrides the model's os field by field", OS),
    opt(
        "patch",
        "patch status",
        Type::Record(&[
            opt(
                "status",
                "`unpatchable`: cannot be patched",
                Type::Enum(&["current", "behind", "vendor_managed", "unpatchable"]),
            ),
            opt("last", "last patch applied", DATE),
            opt("reason", "why, for the status", STR),
        ]),
    ),
    opt(
        "encryption",
        "what is enabled on this device",
        Type::Record(&[
            opt("at_rest", "stored data is encrypted", BOOL),
            opt("in_transit", "traffic is encrypted", BOOL),
        ]),
    ),
    opt(
        "mfa",
        "multi-factor authentication enforced for access",
        BOOL,
    ),
    opt("audit_log", "audit logging enabled", BOOL),
    opt(
        "compensating",
        "safeguards relied on for this device's residual risk",
        Type::List(&SAFEGUARD_REF),
    ),
    opt(
        "serviced_by",
        "vendors that maintain or remotely service it",
        Type::List(&VENDOR_REF),
    ),
    opt(
        "risk",
        "documented residual risk",
        Type::Record(&[
            opt(
                "level",
                "residual risk level",
                Type::Enum(&["low", "medium", "high", "critical"]),
            ),
            opt("accepted_by", "who accepted the risk", STR),
            opt("accepted", "date accepted", DATE),
            opt("review_by", "date the acceptance is reviewed", DATE),
            opt("note", "free text", STR),
            opt("reference", "evidence document", STR),
        ]),
    ),
    opt(
        "migration",
        "written plan to replace or upgrade it",
        Type::Record(&[
            opt("plan", "what will be done", STR),
            opt("by", "target date", DATE),
            opt("reference", "evidence document", STR),
        ]),
    ),
    opt("decommissioned", "retired from service on this date", DATE),
    opt(
        "disposal",
        "media sanitization record",
        Type::Record(&[
            opt("sanitized", "date sanitized", DATE),
            opt("method", "how", STR),
            opt("reference", "evidence document", STR),
        ]),
    ),
    opt(
        "connectivity",
        "replaces the model's list when present",
        CONNECTIVITY,
    ),
    opt(
        "access",
        "access controls (MDS2 PAUT, ALOF, EMRG)",
        Type::Record(&[
            opt("unique_ids", "per-user accounts", BOOL),
            opt(
                "default_credentials",
                "a default or shared password still works",
                BOOL,
            ),
            opt("auto_logoff", "inactivity logoff", BOOL),
            opt("emergency", "break-glass access exists", BOOL),
        ]),
    ),
    opt(
        "primary_store",
        "holds the authoritative copy of the ePHI it stores (not only a cache forwarded elsewhere)",
        BOOL,
    ),
];

const COVERABLE: Type = Type::Ref(&[Kind::Vlan, Kind::Device, Kind::Model]);

const SAFEGUARD: &[Key] = &[
    req(
        "kind",
        "what sort of control it is",
        Type::Enum(SAFEGUARD_KINDS),
    ),
    req_non_empty("covers", "what it protects", Type::List(&COVERABLE)),
    opt("label", "display name", STR),
    opt("description", "what it does", STR),
    opt("owner", "who runs it", STR),
    opt("verified", "last verified effective", DATE),
];

const NONE: Type = Type::Enum(&["none"]);
const AFFECTABLE: Type = Type::Ref(&[Kind::Device, Kind::Model]);

const VULNERABILITY: &[Key] = &[
    opt("cve", "`CVE-YYYY-NNNN…`", Type::Str(StrFormat::Cve)),
    req_non_empty(
        "affects",
        "a model means all its devices",
        Type::List(&AFFECTABLE),
    ),
    req(
        "severity",
        "severity of the vulnerability",
        Type::Enum(&["critical", "high", "medium", "low"]),
    ),
    req(
        "identified",
        "when the organization identified the need to patch",
        DATE,
    ),
    opt(
        "remediated",
        "when it was patched or otherwise resolved",
        DATE,
    ),
    opt(
        "patch_available",
        "when the fix was released; `none` = no fix exists yet; absent = available at `identified`",
        Type::Either(&DATE, &NONE),
    ),
    opt(
        "mitigated_by",
        "interim controls",
        Type::List(&SAFEGUARD_REF),
    ),
    opt("note", "free text", STR),
];

const ANY_REF: Type = Type::Ref(&[]);

const WAIVER: &[Key] = &[
    req(
        "policies",
        "policy ids or names (`\"NPRM-204\"`, `\"encryption-at-rest-required\"`)",
        Type::List(&STR),
    ),
    req("applies", "the entities it excuses", Type::List(&ANY_REF)),
    req("reason", "why the finding is excused", STR),
    req("approved_by", "who approved it", STR),
    opt("approved", "date approved", DATE),
    req("expires", "valid through this day", DATE),
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
    req(
        "spec",
        "the addressable specification decided",
        Type::Enum(DECISION_SPECS),
    ),
    req_non_empty("applies", "what it covers", Type::List(&DECIDABLE)),
    req(
        "rationale",
        "why implementing the specification is not reasonable and appropriate, 164.306(d)(3)(ii)(A)",
        STR,
    ),
    opt(
        "alternative",
        "the equivalent measure implemented instead, 164.306(d)(3)(ii)(B)",
        Type::List(&SAFEGUARD_REF),
    ),
    req("approved_by", "who approved it", STR),
    req("approved", "date approved", DATE),
    opt("review_by", "date it is reviewed", DATE),
    opt("reference", "evidence document", STR),
];

const NAME: Key = opt("name", "the block's name", STR);
const NAME_FACT: &[Key] = &[NAME];
const DEVICE_LIST: Type = Type::List(&DEVICE_REF);
const DEVICES_FACT: &[Key] = &[
    NAME,
    opt(
        "devices",
        "the devices whose `model` / `vlan` names it",
        DEVICE_LIST,
    ),
];
const DECISION_LIST: Type = Type::List(&DECISION_REF);
const DECISION_REF: Type = Type::Ref(&[Kind::Decision]);
const VENDOR_FACTS: &[Key] = &[
    NAME,
    opt(
        "services_ephi",
        "named in `serviced_by` of an ephi_device",
        BOOL,
    ),
    opt(
        "business_associate",
        "`ephi_access` is true, or `ephi_access` is not false and services_ephi (remote access alone does not make a business associate)",
        BOOL,
    ),
];
const VULNERABILITY_FACTS: &[Key] = &[
    NAME,
    opt(
        "affected_devices",
        "the devices named in `affects`, plus every device of each model named there",
        DEVICE_LIST,
    ),
    opt("unresolved", "not (remediated ≤ as_of)", BOOL),
    opt(
        "patch_clock",
        "null when patch_available is `none`; the later of identified and patch_available when it is a date; else identified",
        DATE,
    ),
];
const SAFEGUARD_FACTS: &[Key] = &[
    NAME,
    opt(
        "restricting",
        "kind is firewall, acl, nac or segmentation_gateway",
        BOOL,
    ),
    opt(
        "guarding",
        "restricting, or kind is jump_host or mfa_proxy",
        BOOL,
    ),
    opt(
        "current",
        "`verified` ≤ as_of ≤ add_months(verified, 12)",
        BOOL,
    ),
];
const FLOW_FACTS: &[Key] = &[
    NAME,
    opt(
        "carries_ephi",
        "`ephi` when stated; else true when its from or to vlan has an ephi_device",
        BOOL,
    ),
    opt(
        "decisions",
        "in-effect decisions whose `applies` names it or its from or to vlan",
        DECISION_LIST,
    ),
];
const DECISION_FACTS: &[Key] = &[
    NAME,
    opt(
        "in_effect",
        "approved ≤ as_of, and review_by is absent or ≥ as_of",
        BOOL,
    ),
];
const DEVICE_FACTS: &[Key] = &[
    NAME,
    opt(
        "active",
        "`decommissioned` is absent or later than as_of",
        BOOL,
    ),
    opt("handles_ephi", "`ephi` is present and non-empty", BOOL),
    opt("stores_ephi", "`ephi` contains `store`", BOOL),
    opt("transmits_ephi", "`ephi` contains `transmit`", BOOL),
    opt(
        "end_of_support",
        "the earliest known of the resolved os.end_of_support (the device's own; else the model's when the OS is the same; else the built-in OS catalog) and the model's `end_of_support`",
        DATE,
    ),
    opt(
        "unsupported",
        "end_of_support is known and earlier than as_of",
        BOOL,
    ),
    opt(
        "unpatchable",
        "patch.status is `unpatchable`, or unsupported",
        BOOL,
    ),
    opt(
        "covered_by",
        "safeguards whose `covers` names the device, its model or its vlan, plus its `compensating` list",
        Type::List(&SAFEGUARD_REF),
    ),
    opt("ephi_device", "active and handles_ephi", BOOL),
    opt(
        "on_lan",
        "connectivity is null, or contains `ethernet` or `wifi`",
        BOOL,
    ),
    opt(
        "general_purpose_os",
        "lowercased os.name starts with `windows`, `linux`, `ubuntu`, `centos`, `red hat`, `debian` or `macos`",
        BOOL,
    ),
    opt(
        "os_catalog_hint",
        "the nearest built-in OS catalog entry when os.name matches none; null otherwise",
        STR,
    ),
    opt(
        "decisions",
        "in-effect decisions whose `applies` names it, its model or its vlan",
        DECISION_LIST,
    ),
    // Not in LANGUAGE.md §4: the two NPRM exceptions (POLICIES.md §4), shared by
    // NPRM-204/205/206 so their condition is written once.
    opt(
        "migration_pending",
        "a `migration` plan whose `by` date is on or after as_of (an NPRM exception)",
        BOOL,
    ),
    opt(
        "fda_maintained",
        "its model has an FDA submission, it is supported and its patch status is `current` or `vendor_managed` (an NPRM exception)",
        BOOL,
    ),
];

/// Looks up a field of a nested record type.
pub fn field(fields: &'static [Key], name: &str) -> Option<(usize, &'static Key)> {
    fields.iter().enumerate().find(|(_, k)| k.name == name)
}
