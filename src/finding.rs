//! Findings: the one data type every stage reports and every renderer reads.
//!
//! Language diagnostics (`WARD-*`) and policy findings share it, so they sort, count
//! toward `fail_on` and render the same way.

use std::sync::{Arc, LazyLock};

use crate::model::EntityId;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// The level at or above which findings fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Level(Severity),
    Never,
}

impl FailOn {
    pub fn parse(text: &str) -> Option<FailOn> {
        match text {
            "never" => Some(FailOn::Never),
            _ => Severity::parse(text).map(FailOn::Level),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        matches!(self, FailOn::Level(level) if severity >= level)
    }
}

/// What a finding is an instance of: a language diagnostic or a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub pack: String,
    pub cite: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityRef {
    pub kind: &'static str,
    /// Shared with the inventory, never copied: a name may be very long.
    pub name: Arc<str>,
    /// The entity in the resolved inventory; `None` for errors found before resolution.
    pub id: Option<EntityId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    /// Shared: a policy finding labels its place with the policy's title, one string for
    /// all of its findings.
    pub text: Arc<str>,
}

impl Label {
    pub fn new(span: Span, text: impl Into<Arc<str>>) -> Label {
        Label {
            span,
            text: text.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Arc<Rule>,
    pub severity: Severity,
    pub message: String,
    pub entity: Option<EntityRef>,
    /// Where the finding points; `None` only for findings about the inventory as a whole.
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    /// Shared with the policy for its findings, like the title of their labels.
    pub help: Option<Arc<str>>,
    /// The blamed attribute path, part of the fingerprint (`patch.status`; empty for the block).
    pub attribute: String,
    /// The finding's identity across revisions; see [`Finding::identify`].
    pub fingerprint: Fingerprint,
    /// Compared with `--baseline`: whether the baseline lacked it. `None` when no
    /// baseline was compared.
    pub new: Option<bool>,
    /// Name of the waiver that excuses this finding.
    pub waived_by: Option<Arc<str>>,
}

/// A stable identity of a finding: what is judged and what is wrong, never where it is
/// written, so moving, reordering or reformatting blocks keeps it (CLI.md §4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Marks each finding new or not against `baseline`, matching by fingerprint as a
/// multiset: a fingerprint the baseline had twice excuses two findings, not more.
pub fn mark_new(findings: &mut [Finding], baseline: &[Finding]) {
    let mut had: std::collections::HashMap<Fingerprint, usize> = std::collections::HashMap::new();
    for finding in baseline {
        *had.entry(finding.fingerprint).or_default() += 1;
    }
    for finding in findings {
        let count = had.get_mut(&finding.fingerprint);
        finding.new = Some(match count {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
    }
}

/// 64-bit FNV-1a: the same on every platform and Rust version, unlike `DefaultHasher`.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Bumped when what goes into a fingerprint changes, so old and new never collide.
const FINGERPRINT_VERSION: &str = "wardline/v1";

/// The language's own diagnostics (LANGUAGE.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Syntax,
    UnknownWord,
    DuplicateKey,
    DuplicateName,
    UnknownReference,
    WrongReferenceKind,
    InvalidValue,
    MissingRequired,
    DuplicateOrganization,
    DuplicateVlanId,
    WaiverExpired,
    WaiverUnused,
    WaiverUnknownPolicy,
    WaiverNotWaivable,
    InvisibleCharacter,
}

/// A language code: what it is, and its short docs for the outputs that carry rule help
/// (SARIF, `explain`-like pages): what triggers it and how to fix it.
struct LanguageCode {
    code: Code,
    id: &'static str,
    name: &'static str,
    severity: Severity,
    title: &'static str,
    triggers: &'static str,
    fix: &'static str,
}

const LANGUAGE_CODES: [LanguageCode; 15] = [
    LanguageCode {
        code: Code::Syntax,
        id: "WARD-001",
        name: "syntax-error",
        severity: Severity::Error,
        title: "The file does not parse",
        triggers: "Triggered by text that is not the `.ward` grammar: an unexpected token, an unclosed block or string, a bad escape, invalid UTF-8, a NUL byte, a `\\u{0}` escape or a carriage return not followed by a line feed.",
        fix: "Fix the text at the span; the message says what was expected there.",
    },
    LanguageCode {
        code: Code::UnknownWord,
        id: "WARD-002",
        name: "unknown-kind-or-key",
        severity: Severity::Error,
        title: "Unknown block kind or key",
        triggers: "Triggered by a block kind, or a key inside a block, that the schema does not define for that kind.",
        fix: "Correct the spelling (the closest known word is suggested) or remove the key.",
    },
    LanguageCode {
        code: Code::DuplicateKey,
        id: "WARD-003",
        name: "duplicate-key",
        severity: Severity::Error,
        title: "Key given twice in one body",
        triggers: "Triggered when a key appears twice in the same block or nested body; both occurrences are shown.",
        fix: "Keep one of the two values.",
    },
    LanguageCode {
        code: Code::DuplicateName,
        id: "WARD-004",
        name: "duplicate-name",
        severity: Severity::Error,
        title: "Name used by two blocks",
        triggers: "Triggered when two blocks, of any kinds and in any files, share a name; names are global.",
        fix: "Rename one of the blocks and update the references to it.",
    },
    LanguageCode {
        code: Code::UnknownReference,
        id: "WARD-005",
        name: "unknown-reference",
        severity: Severity::Error,
        title: "Reference to an unknown name",
        triggers: "Triggered by a reference to a name that no block defines.",
        fix: "Correct the name (the closest one of the right kind is suggested) or add the missing block.",
    },
    LanguageCode {
        code: Code::WrongReferenceKind,
        id: "WARD-006",
        name: "wrong-reference-kind",
        severity: Severity::Error,
        title: "Reference to a block of the wrong kind",
        triggers: "Triggered by a reference that names a block of another kind than the attribute expects (a vlan where a model is needed).",
        fix: "Point the reference at a block of the kind the message names.",
    },
    LanguageCode {
        code: Code::InvalidValue,
        id: "WARD-007",
        name: "invalid-value",
        severity: Severity::Error,
        title: "Wrong type or invalid value",
        triggers: "Triggered by a value of the wrong type or an invalid one: an impossible date, an unknown enum value, an integer out of range, a malformed CIDR, IP, MAC or CVE id.",
        fix: "Write a value of the type and range the message gives.",
    },
    LanguageCode {
        code: Code::MissingRequired,
        id: "WARD-008",
        name: "missing-required-attribute",
        severity: Severity::Error,
        title: "Required attribute missing",
        triggers: "Triggered by a block without an attribute its kind requires; it points at the block's name.",
        fix: "Add the attribute the message names.",
    },
    LanguageCode {
        code: Code::DuplicateOrganization,
        id: "WARD-009",
        name: "duplicate-organization",
        severity: Severity::Error,
        title: "More than one organization block",
        triggers: "Triggered by a second `organization` block: an inventory describes one organization.",
        fix: "Merge the blocks into one.",
    },
    LanguageCode {
        code: Code::DuplicateVlanId,
        id: "WARD-010",
        name: "duplicate-vlan-id",
        severity: Severity::Error,
        title: "Two vlans share an id",
        triggers: "Triggered when two vlans have the same 802.1Q `id`.",
        fix: "Give each vlan its own id, or merge the two blocks if they are the same network.",
    },
    LanguageCode {
        code: Code::WaiverExpired,
        id: "WARD-011",
        name: "waiver-expired",
        severity: Severity::Warning,
        title: "Waiver has expired",
        triggers: "Triggered by a waiver whose `expires` date is before the evaluation date; the findings it excused are reported again.",
        fix: "Renew it with a new `expires` date and approval, or fix the findings.",
    },
    LanguageCode {
        code: Code::WaiverUnused,
        id: "WARD-012",
        name: "waiver-unused",
        severity: Severity::Warning,
        title: "Waiver excuses nothing",
        triggers: "Triggered by an unexpired waiver that excused no finding in this run.",
        fix: "Remove it, or correct its `policies` and `applies`.",
    },
    LanguageCode {
        code: Code::WaiverUnknownPolicy,
        id: "WARD-013",
        name: "waiver-unknown-policy",
        severity: Severity::Error,
        title: "Waiver names an unknown policy",
        triggers: "Triggered by a waiver whose `policies` list names no loaded policy id or name.",
        fix: "Correct the policy id or name (`wardline policies` lists them).",
    },
    LanguageCode {
        code: Code::WaiverNotWaivable,
        id: "WARD-014",
        name: "waiver-not-waivable",
        severity: Severity::Error,
        title: "Waiver names a policy that cannot be waived",
        triggers: "Triggered by a waiver naming a policy declared `waivable = false`; it excuses nothing for that policy.",
        fix: "Fix the finding instead and remove the policy from the waiver.",
    },
    LanguageCode {
        code: Code::InvisibleCharacter,
        id: "WARD-015",
        name: "invisible-character",
        severity: Severity::Warning,
        title: "Invisible or bidirectional control character",
        triggers: "Triggered by a Unicode format character (category Cf: a bidirectional override or isolate, a zero-width space or joiner) in a string or comment. Such characters make text read differently from what it is (Trojan Source) and can hide a value from exact comparison; one warning is given per line.",
        fix: "Delete the character; retype the text around it if it was pasted.",
    },
];

/// The first ten codes, WARD-001…010, make an inventory unjudgeable: policies are
/// skipped and the run exits 2.
const BLOCKING: usize = 10;

static LANGUAGE_RULES: LazyLock<Vec<Arc<Rule>>> = LazyLock::new(|| {
    LANGUAGE_CODES
        .iter()
        .map(|c| {
            Arc::new(Rule {
                id: c.id.into(),
                name: c.name.into(),
                pack: "language".into(),
                cite: Vec::new(),
            })
        })
        .collect()
});

impl Code {
    fn index(self) -> usize {
        LANGUAGE_CODES
            .iter()
            .position(|c| c.code == self)
            .unwrap_or(0)
    }

    pub fn severity(self) -> Severity {
        LANGUAGE_CODES[self.index()].severity
    }

    pub fn rule(self) -> Arc<Rule> {
        Arc::clone(&LANGUAGE_RULES[self.index()])
    }
}

/// A language code as the rule catalog lists it.
pub struct LanguageRule {
    pub rule: Arc<Rule>,
    pub severity: Severity,
    pub title: &'static str,
    /// Markdown: what triggers it, how to fix it.
    pub docs: String,
}

impl LanguageCode {
    fn catalog_entry(&self) -> LanguageRule {
        LanguageRule {
            rule: self.code.rule(),
            severity: self.severity,
            title: self.title,
            docs: format!(
                "## What triggers it\n\n{}\n\n## How to fix it\n\n{}\n",
                self.triggers, self.fix
            ),
        }
    }
}

/// Every language code, in id order.
pub fn language_rules() -> impl Iterator<Item = LanguageRule> {
    LANGUAGE_CODES.iter().map(LanguageCode::catalog_entry)
}

/// The language code with this id (`ward-002` too) or name.
pub fn language_rule(key: &str) -> Option<LanguageRule> {
    let key = key.trim();
    LANGUAGE_CODES
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(key) || c.name.eq_ignore_ascii_case(key))
        .map(LanguageCode::catalog_entry)
}

/// Every language code's id and name, for "did you mean" suggestions.
pub fn language_keys() -> impl Iterator<Item = &'static str> {
    LANGUAGE_CODES.iter().flat_map(|c| [c.id, c.name])
}

impl Finding {
    /// A language diagnostic pointing at `span`.
    pub fn language(
        code: Code,
        span: Span,
        label: impl Into<Arc<str>>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: code.rule(),
            severity: code.severity(),
            message: message.into(),
            entity: None,
            primary: Some(Label::new(span, label)),
            secondary: Vec::new(),
            help: None,
            attribute: String::new(),
            fingerprint: Fingerprint::default(),
            new: None,
            waived_by: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<Arc<str>>) -> Finding {
        self.secondary.push(Label::new(span, text));
        self
    }

    pub fn with_entity(mut self, kind: &'static str, name: impl Into<Arc<str>>) -> Finding {
        self.entity = Some(EntityRef {
            kind,
            name: name.into(),
            id: None,
        });
        self
    }

    /// `error[HIPAA-105] message`: how the one-line formats name a finding.
    pub fn headline(&self) -> String {
        format!(
            "{}[{}] {}",
            self.severity.as_str(),
            self.rule.id,
            self.message
        )
    }

    /// Computes [`Finding::fingerprint`] from (policy id, entity kind, entity name,
    /// blamed attribute path), hashed with 64-bit FNV-1a so it is the same on every
    /// platform and version. A language error also keys on its message (one block may
    /// have several), and one about no block on its file, with digits folded: such
    /// messages may name byte offsets, which move with every edit.
    pub fn identify(&mut self, file: Option<&str>) {
        // Hashed as it is read, without building the key: a name may be megabytes long.
        let mut hash = Fnv::default();
        hash.write(FINGERPRINT_VERSION.as_bytes());
        for part in [
            self.rule.id.as_str(),
            self.entity.as_ref().map_or("", |e| e.kind),
            self.entity.as_ref().map_or("", |e| &*e.name),
            &self.attribute,
        ] {
            hash.write(b"\0");
            hash.write(part.as_bytes());
        }
        if self.rule.pack == "language" {
            hash.write(b"\0");
            if self.entity.is_some() {
                hash.write(self.message.as_bytes());
            } else {
                hash.write(file.unwrap_or_default().as_bytes());
                hash.write(b"\0");
                let mut in_digits = false;
                for byte in self.message.bytes() {
                    let digit = byte.is_ascii_digit();
                    if !(digit && in_digits) {
                        hash.write(&[if digit { b'#' } else { byte }]);
                    }
                    in_digits = digit;
                }
            }
        }
        self.fingerprint = Fingerprint(hash.0);
    }

    /// Whether this finding counts: not waived, and not one the baseline already had.
    pub fn is_reported(&self) -> bool {
        self.waived_by.is_none() && self.new != Some(false)
    }

    /// A WARD-001…010 error: the inventory cannot be judged.
    pub fn blocks_evaluation(&self) -> bool {
        self.rule.pack == "language"
            && LANGUAGE_CODES[..BLOCKING]
                .iter()
                .any(|c| c.id == self.rule.id)
    }
}
