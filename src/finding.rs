//! Findings: the one data type every stage reports and every renderer reads.
//!
//! Language diagnostics (`WARD-*`) and policy findings share it, so they sort, count
//! toward `fail_on` and render the same way.

use std::sync::{Arc, LazyLock};

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
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

impl Label {
    pub fn new(span: Span, text: impl Into<String>) -> Label {
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
    pub help: Option<String>,
    /// The blamed attribute path, part of the fingerprint (`patch.status`; empty for the block).
    pub attribute: String,
    /// Name of the waiver that excuses this finding.
    pub waived_by: Option<String>,
}

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

const LANGUAGE_CODES: [(Code, &str, &str, Severity); 15] = [
    (Code::Syntax, "WARD-001", "syntax-error", Severity::Error),
    (
        Code::UnknownWord,
        "WARD-002",
        "unknown-kind-or-key",
        Severity::Error,
    ),
    (
        Code::DuplicateKey,
        "WARD-003",
        "duplicate-key",
        Severity::Error,
    ),
    (
        Code::DuplicateName,
        "WARD-004",
        "duplicate-name",
        Severity::Error,
    ),
    (
        Code::UnknownReference,
        "WARD-005",
        "unknown-reference",
        Severity::Error,
    ),
    (
        Code::WrongReferenceKind,
        "WARD-006",
        "wrong-reference-kind",
        Severity::Error,
    ),
    (
        Code::InvalidValue,
        "WARD-007",
        "invalid-value",
        Severity::Error,
    ),
    (
        Code::MissingRequired,
        "WARD-008",
        "missing-required-attribute",
        Severity::Error,
    ),
    (
        Code::DuplicateOrganization,
        "WARD-009",
        "duplicate-organization",
        Severity::Error,
    ),
    (
        Code::DuplicateVlanId,
        "WARD-010",
        "duplicate-vlan-id",
        Severity::Error,
    ),
    (
        Code::WaiverExpired,
        "WARD-011",
        "waiver-expired",
        Severity::Warning,
    ),
    (
        Code::WaiverUnused,
        "WARD-012",
        "waiver-unused",
        Severity::Warning,
    ),
    (
        Code::WaiverUnknownPolicy,
        "WARD-013",
        "waiver-unknown-policy",
        Severity::Error,
    ),
    (
        Code::WaiverNotWaivable,
        "WARD-014",
        "waiver-not-waivable",
        Severity::Error,
    ),
    (
        Code::InvisibleCharacter,
        "WARD-015",
        "invisible-character",
        Severity::Warning,
    ),
];

/// The first ten codes, WARD-001…010, make an inventory unjudgeable: policies are
/// skipped and the run exits 2.
const BLOCKING: usize = 10;

static LANGUAGE_RULES: LazyLock<Vec<Arc<Rule>>> = LazyLock::new(|| {
    LANGUAGE_CODES
        .iter()
        .map(|&(_, id, name, _)| {
            Arc::new(Rule {
                id: id.into(),
                name: name.into(),
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
            .position(|&(code, ..)| code == self)
            .unwrap_or(0)
    }

    pub fn severity(self) -> Severity {
        LANGUAGE_CODES[self.index()].3
    }

    pub fn rule(self) -> Arc<Rule> {
        Arc::clone(&LANGUAGE_RULES[self.index()])
    }
}

impl Finding {
    /// A language diagnostic pointing at `span`.
    pub fn language(
        code: Code,
        span: Span,
        label: impl Into<String>,
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
            waived_by: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Finding {
        self.secondary.push(Label::new(span, text));
        self
    }

    pub fn with_entity(mut self, kind: &'static str, name: impl Into<String>) -> Finding {
        self.entity = Some(EntityRef {
            kind,
            name: name.into(),
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

    /// A WARD-001…010 error: the inventory cannot be judged.
    pub fn blocks_evaluation(&self) -> bool {
        self.rule.pack == "language"
            && LANGUAGE_CODES[..BLOCKING]
                .iter()
                .any(|&(_, id, ..)| id == self.rule.id)
    }
}
