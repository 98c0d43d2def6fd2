//! `wardline.toml`: deserialized with serde, unknown keys rejected, every value checked
//! with a span into the file (CLI.md §1).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::check::Judge;
use crate::date::Date;
use crate::error::{FileError, toml_error};
use crate::finding::{FailOn, Severity};
use crate::policy::{PackFiles, PolicySet, builtin_pack_files};
use crate::source::SourceFile;

pub const FILE_NAME: &str = "wardline.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    include: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    as_of: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    packs: BTreeMap<String, RawPack>,
    #[serde(default)]
    policies: RawPolicies,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    enforce: Option<Spanned<bool>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicies {
    #[serde(default)]
    extra: Vec<String>,
}

/// A glob from the configuration, with its span for error messages.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub glob: String,
    pub span: std::ops::Range<usize>,
}

#[derive(Debug)]
pub struct Config {
    /// Path of the file relative to the root, and its text (for spans); `None` without one.
    pub source: Option<Arc<SourceFile>>,
    pub include: Vec<Pattern>,
    pub exclude: Vec<Pattern>,
    pub as_of: Option<Date>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub fail_on: FailOn,
    pub severity: BTreeMap<String, Severity>,
    pub enforce: BTreeMap<String, bool>,
    pub extra_packs: Vec<String>,
    /// Policy and pack names the file uses, with where, checked once packs are loaded.
    mentions: Vec<Mention>,
}

/// A name in the configuration that must name something loaded.
#[derive(Debug)]
struct Mention {
    what: Mentioned,
    name: String,
    span: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Mentioned {
    /// `[check] select` / `ignore`: an id, id prefix or name.
    Selector,
    /// A `[severity]` key: an id or name.
    Policy,
    /// A `[packs.*]` table.
    Pack,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            source: None,
            include: Vec::new(),
            exclude: Vec::new(),
            as_of: None,
            select: None,
            ignore: Vec::new(),
            fail_on: FailOn::Level(Severity::Error),
            severity: BTreeMap::new(),
            enforce: BTreeMap::new(),
            extra_packs: Vec::new(),
            mentions: Vec::new(),
        }
    }
}

impl Config {
    /// Parses and checks a configuration file's text; `path` is how errors name it.
    pub fn parse(path: &str, text: &str) -> Result<Config, FileError> {
        let file = Arc::new(SourceFile::new(path, text));
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&file, &e))?;
        let at = |span: std::ops::Range<usize>, message: String, label: &str| {
            FileError::in_file(&file, span, message, label)
        };
        let as_of = match raw.as_of {
            None => None,
            Some(value) => {
                let span = value.span();
                let datetime = value.into_inner();
                let date = match (datetime.date, datetime.time) {
                    (Some(d), None) => {
                        Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    }
                    _ => None,
                };
                Some(date.ok_or_else(|| {
                    at(
                        span,
                        "`as_of` must be a date like 2026-11-29".into(),
                        "not a date",
                    )
                })?)
            }
        };
        let fail_on = match raw.check.fail_on {
            None => FailOn::Level(Severity::Error),
            Some(value) => FailOn::parse(value.get_ref()).ok_or_else(|| {
                at(
                    value.span(),
                    format!("unknown `fail_on` level `{}`", value.get_ref()),
                    "unknown level",
                )
                .with_help("expected one of `error`, `warning`, `info`, `never`")
            })?,
        };
        let mut mentions = Vec::new();
        let mut severity = BTreeMap::new();
        for (policy, level) in raw.severity {
            mentions.push(Mention {
                what: Mentioned::Policy,
                name: policy.clone(),
                span: level.span(),
            });
            let parsed = Severity::parse(level.get_ref()).ok_or_else(|| {
                at(
                    level.span(),
                    format!("unknown severity `{}` for `{policy}`", level.get_ref()),
                    "unknown severity",
                )
                .with_help("expected one of `error`, `warning`, `info`")
            })?;
            severity.insert(policy, parsed);
        }
        let selectors = raw.check.select.iter().flatten().chain(&raw.check.ignore);
        mentions.extend(selectors.map(|s| Mention {
            what: Mentioned::Selector,
            name: s.get_ref().clone(),
            span: s.span(),
        }));
        let mut enforce = BTreeMap::new();
        for (pack, table) in raw.packs {
            if let Some(flag) = table.enforce {
                mentions.push(Mention {
                    what: Mentioned::Pack,
                    name: pack.clone(),
                    span: flag.span(),
                });
                enforce.insert(pack, flag.into_inner());
            }
        }
        mentions.sort_by_key(|m| m.span.start);
        let strings = |list: Vec<Spanned<String>>| {
            list.into_iter()
                .map(Spanned::into_inner)
                .collect::<Vec<_>>()
        };
        let pattern = |s: Spanned<String>| Pattern {
            span: s.span(),
            glob: s.into_inner(),
        };
        Ok(Config {
            source: Some(Arc::clone(&file)),
            include: raw
                .include
                .unwrap_or_default()
                .into_iter()
                .map(pattern)
                .collect(),
            exclude: raw.exclude.into_iter().map(pattern).collect(),
            as_of,
            select: raw.check.select.map(strings),
            ignore: strings(raw.check.ignore),
            fail_on,
            severity,
            enforce,
            extra_packs: raw.policies.extra,
            mentions,
        })
    }

    /// Every policy or pack the file names that is not loaded: a typo must not silently
    /// turn a check off or leave a severity unchanged.
    pub fn check_mentions(&self, policies: &PolicySet) -> Vec<FileError> {
        let mut errors = Vec::new();
        for mention in &self.mentions {
            let name = &mention.name;
            let problem = match mention.what {
                Mentioned::Selector => policies.unmatched(name),
                Mentioned::Policy if policies.find(name).is_empty() => Some(format!(
                    "no policy has the id or name `{name}`{}",
                    policies.did_you_mean(name)
                )),
                Mentioned::Pack if policies.pack(name).is_none() => {
                    let loaded: Vec<String> = policies
                        .packs
                        .iter()
                        .map(|p| format!("`{}`", p.id))
                        .collect();
                    Some(format!(
                        "no pack `{name}` is loaded (loaded: {})",
                        loaded.join(", ")
                    ))
                }
                Mentioned::Policy | Mentioned::Pack => None,
            };
            if let Some(message) = problem {
                errors.push(
                    self.error_at(mention.span.clone(), message, "not loaded")
                        .with_help("`wardline policies` lists every policy and pack"),
                );
            }
        }
        errors
    }

    /// The built-in packs plus the `[policies] extra` packs (read by the caller from
    /// the tree), with every policy and pack name this configuration uses checked.
    pub fn load_policies(&self, extra: Vec<PackFiles>) -> Result<PolicySet, Vec<FileError>> {
        let mut packs = builtin_pack_files();
        packs.extend(extra);
        let policies = PolicySet::load(&packs)?;
        let errors = self.check_mentions(&policies);
        if errors.is_empty() {
            Ok(policies)
        } else {
            Err(errors)
        }
    }

    /// What to judge an inventory against: this configuration resolved into plain
    /// settings, so nothing below the command line reads the configuration itself.
    pub fn judge<'a>(
        &'a self,
        policies: &'a PolicySet,
        selected: &'a [usize],
        as_of: Date,
    ) -> Judge<'a> {
        Judge {
            policies,
            selected,
            as_of,
            severity: &self.severity,
            enforce: &self.enforce,
            config_file: self.source.as_deref(),
        }
    }

    /// An error pointing into this configuration file.
    pub fn error_at(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> FileError {
        match &self.source {
            Some(file) => FileError::in_file(file, span, message, label),
            None => FileError::plain(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let text = r#"
include = ["inventory/**/*.ward"]
exclude = ["inventory/archive/**"]
as_of   = 2026-11-29
[check]
select  = ["HIPAA", "NPRM-204"]
ignore  = ["HIPAA-122"]
fail_on = "error"
[severity]
"NPRM-204" = "warning"
[packs.nprm]
enforce = true
[policies]
extra = ["policies/local"]
"#;
        let config = Config::parse("wardline.toml", text).unwrap();
        assert_eq!(config.as_of, Date::parse("2026-11-29"));
        assert_eq!(config.enforce.get("nprm"), Some(&true));
        assert_eq!(config.severity.get("NPRM-204"), Some(&Severity::Warning));
    }

    #[test]
    fn unknown_keys_and_values_have_spans() {
        let error = Config::parse("wardline.toml", "[check]\nfail_onn = \"error\"\n").unwrap_err();
        assert!(
            error.message.contains("unknown field `fail_onn`"),
            "{}",
            error.message
        );
        assert!(error.at.is_some());
        let error =
            Config::parse("wardline.toml", "[check]\nfail_on = \"sometimes\"\n").unwrap_err();
        assert_eq!(error.message, "unknown `fail_on` level `sometimes`");
        let error = Config::parse("wardline.toml", "as_of = \"2026-11-29\"\n").unwrap_err();
        assert!(error.at.is_some());
    }
}
