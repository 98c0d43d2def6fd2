//! The rule catalog every renderer can reach: each evaluated policy and every language
//! code with its title, docs, severities and citations, the citations parsed into the
//! regulation and paragraph they name so SARIF can list them as taxa.

use std::sync::Arc;

use crate::check::Judge;
use crate::finding::{Rule, Severity, language_rules};

/// One rule: a policy or a `WARD-*` code.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub rule: Arc<Rule>,
    pub title: String,
    /// Markdown.
    pub docs: String,
    /// As the pack declares it.
    pub default_severity: Severity,
    /// After `[severity]` overrides and the cap of a pack not enforced.
    pub severity: Severity,
    pub citations: Vec<Citation>,
}

/// The regulations citations point into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Regulation {
    /// The HIPAA Security Rule in force, 45 CFR Part 164 Subpart C.
    SecurityRule,
    /// The 2025 proposed rule (90 FR 898), cited as `proposed 45 CFR …`.
    Proposed,
    /// Anything else a user's pack cites.
    Other,
}

impl Regulation {
    pub const ALL: [Regulation; 3] = [
        Regulation::SecurityRule,
        Regulation::Proposed,
        Regulation::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Regulation::SecurityRule => "HIPAA Security Rule",
            Regulation::Proposed => "HIPAA Security Rule NPRM",
            Regulation::Other => "Other citations",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Regulation::SecurityRule => {
                "HIPAA Security Rule (45 CFR Part 164 Subpart C), paragraphs in force"
            }
            Regulation::Proposed => {
                "HIPAA Security Rule NPRM (proposed; 90 FR 898, 2025-01-06), proposed paragraphs"
            }
            Regulation::Other => "Citations of local packs that name no 45 CFR paragraph",
        }
    }
}

/// A citation as written (`proposed 45 CFR 164.312(b)(2) (90 FR 898)`) and the paragraph
/// it names (`164.312(b)(2)`): alerts can then be filtered by paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub text: String,
    pub regulation: Regulation,
    /// The paragraph; for [`Regulation::Other`], the whole text.
    pub paragraph: String,
}

impl Citation {
    pub fn parse(text: &str) -> Citation {
        let trimmed = text.trim();
        let (regulation, rest) = match trimmed.strip_prefix("proposed ") {
            Some(rest) => (Regulation::Proposed, rest),
            None => (Regulation::SecurityRule, trimmed),
        };
        let paragraph = rest
            .strip_prefix("45 CFR ")
            .and_then(|r| r.split_whitespace().next());
        match paragraph {
            Some(paragraph) => Citation {
                text: text.to_owned(),
                regulation,
                paragraph: paragraph.to_owned(),
            },
            None => Citation {
                text: text.to_owned(),
                regulation: Regulation::Other,
                paragraph: trimmed.to_owned(),
            },
        }
    }
}

/// The selected policies and every language code, sorted by id.
pub fn catalog(judge: &Judge) -> Vec<RuleInfo> {
    let policies = judge.policies;
    let mut rules: Vec<RuleInfo> = judge
        .selected
        .iter()
        .filter_map(|&index| policies.policies.get(index))
        .map(|policy| RuleInfo {
            rule: Arc::clone(&policy.rule),
            title: policy.title.to_string(),
            docs: policy.docs.trim().to_owned(),
            default_severity: policy.severity,
            severity: policies.severity_of(policy, judge.severity, judge.enforce),
            citations: policy
                .rule
                .cite
                .iter()
                .map(|c| Citation::parse(c))
                .collect(),
        })
        .chain(language_rules().map(|code| RuleInfo {
            rule: code.rule,
            title: code.title.to_owned(),
            docs: code.docs,
            default_severity: code.severity,
            severity: code.severity,
            citations: Vec::new(),
        }))
        .collect();
    rules.sort_by(|a, b| a.rule.id.cmp(&b.rule.id));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_name_their_paragraph() {
        let c = Citation::parse("45 CFR 164.308(a)(1)(ii)(B)");
        assert_eq!(c.regulation, Regulation::SecurityRule);
        assert_eq!(c.paragraph, "164.308(a)(1)(ii)(B)");
        let c = Citation::parse("proposed 45 CFR 164.312(b)(3) (90 FR 898) (exceptions)");
        assert_eq!(c.regulation, Regulation::Proposed);
        assert_eq!(c.paragraph, "164.312(b)(3)");
        let c = Citation::parse("ISO 27001 A.8.8");
        assert_eq!(c.regulation, Regulation::Other);
        assert_eq!(c.paragraph, "ISO 27001 A.8.8");
    }
}
