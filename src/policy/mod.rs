//! Policies: packs loaded from TOML (the built-in ones embedded at build time, users'
//! own from directories, through one loader), compiled once, evaluated in parallel.

pub mod evaluate;
pub mod expr;
pub mod pack;

use std::collections::{BTreeMap, HashMap};

use crate::error::FileError;
use crate::finding::Severity;
use pack::load_pack;
pub use pack::{Pack, PackFiles, Policy};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));
}

/// Every loaded pack and policy, policies sorted by id.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub packs: Vec<Pack>,
    pub policies: Vec<Policy>,
}

/// The built-in packs as files, grouped by directory.
pub fn builtin_pack_files() -> Vec<PackFiles> {
    let mut by_dir: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
    for (path, text) in builtin::BUILTIN_FILES {
        let dir = path.split('/').next().unwrap_or_default();
        by_dir
            .entry(dir)
            .or_default()
            .push((format!("policies/{path}"), (*text).to_owned()));
    }
    by_dir
        .into_iter()
        .map(|(dir, files)| PackFiles {
            dir: format!("policies/{dir}"),
            files,
        })
        .collect()
}

impl PolicySet {
    /// Loads packs in order; every error of every file is returned, not just the first.
    pub fn load(packs: &[PackFiles]) -> Result<PolicySet, Vec<FileError>> {
        let mut errors = Vec::new();
        let mut set = PolicySet::default();
        let mut pack_ids: HashMap<String, String> = HashMap::new();
        let mut seen_ids: HashMap<String, String> = HashMap::new();
        let mut seen_names: HashMap<(String, String), String> = HashMap::new();
        for files in packs {
            let Some((pack, policies)) = load_pack(files, &mut errors) else {
                continue;
            };
            if let Some(first) = pack_ids.insert(pack.id.clone(), files.dir.clone()) {
                errors.push(FileError::plain(format!(
                    "pack id `{}` of `{}` is already used by `{first}`",
                    pack.id, files.dir
                )));
                continue;
            }
            for policy in policies {
                // Ids are unique everywhere; names only within a pack, because the
                // catalog itself gives HIPAA-111 and NPRM-212 one name (the same pattern
                // judged by two rules), so a name may select several policies.
                let id_first = seen_ids.get(&policy.rule.id);
                let name_first =
                    seen_names.get(&(policy.rule.pack.clone(), policy.rule.name.clone()));
                if let Some(first) = id_first.or(name_first) {
                    let (what, key, span) = match id_first {
                        Some(_) => ("id", &policy.rule.id, policy.origin.id_span.clone()),
                        None => ("name", &policy.rule.name, policy.origin.name_span.clone()),
                    };
                    let origin = &policy.origin;
                    errors.push(
                        FileError::at(
                            &origin.path,
                            &origin.text,
                            span,
                            format!("policy {what} `{key}` is already used by `{first}`"),
                            "used again here",
                        )
                        .with_help("policy ids are unique across all packs, names within a pack"),
                    );
                    continue;
                }
                seen_ids.insert(policy.rule.id.clone(), policy.origin.path.clone());
                seen_names.insert(
                    (policy.rule.pack.clone(), policy.rule.name.clone()),
                    policy.origin.path.clone(),
                );
                set.policies.push(policy);
            }
            set.packs.push(pack);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        set.policies.sort_by(|a, b| a.rule.id.cmp(&b.rule.id));
        Ok(set)
    }

    pub fn builtin() -> Result<PolicySet, Vec<FileError>> {
        PolicySet::load(&builtin_pack_files())
    }

    pub fn pack(&self, id: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.id == id)
    }

    /// The policies with this id or name (a name may be shared across packs).
    pub fn find(&self, key: &str) -> Vec<&Policy> {
        self.policies
            .iter()
            .filter(|p| {
                let key = key.trim();
                p.rule.id.eq_ignore_ascii_case(key) || p.rule.name.eq_ignore_ascii_case(key)
            })
            .collect()
    }

    /// Indices of the policies that `select` (default: all) keeps and `ignore` drops.
    /// A selector matches an id, an id prefix (`HIPAA`, `NPRM-20`) or a name; one that
    /// matches nothing is an error, since a typo would silently turn a check off.
    pub fn select(
        &self,
        select: Option<&[String]>,
        ignore: &[String],
    ) -> Result<Vec<usize>, String> {
        if let Some(message) = select
            .unwrap_or_default()
            .iter()
            .chain(ignore)
            .find_map(|s| self.unmatched(s))
        {
            return Err(message);
        }
        Ok((0..self.policies.len())
            .filter(|&i| {
                let policy = &self.policies[i];
                select.is_none_or(|s| s.iter().any(|sel| matches(sel, policy)))
                    && !ignore.iter().any(|sel| matches(sel, policy))
            })
            .collect())
    }

    /// Why `selector` selects nothing, if it does not.
    pub fn unmatched(&self, selector: &str) -> Option<String> {
        if selector.trim().is_empty() {
            return Some("an empty selector `\"\"` matches no policy".to_owned());
        }
        let matched = self.policies.iter().any(|p| matches(selector, p));
        (!matched).then(|| {
            format!(
                "`{selector}` matches no policy id, id prefix or name{}",
                self.did_you_mean(selector)
            )
        })
    }

    /// The policy id or name closest to `word`, within two edits.
    pub fn closest_key(&self, word: &str) -> Option<&str> {
        let keys = self
            .policies
            .iter()
            .flat_map(|p| [p.rule.id.as_str(), p.rule.name.as_str()]);
        crate::suggest::closest(word, keys)
    }

    /// ` (did you mean `X`?)`, or nothing when no id or name is close.
    pub fn did_you_mean(&self, word: &str) -> String {
        self.closest_key(word)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default()
    }

    /// Declared → `[severity]` override → capped at warning by a pack not enforced.
    pub fn severity_of(
        &self,
        policy: &Policy,
        overrides: &BTreeMap<String, Severity>,
        enforce: &BTreeMap<String, bool>,
    ) -> Severity {
        let declared = overrides
            .get(&policy.rule.id)
            .or_else(|| overrides.get(&policy.rule.name))
            .copied()
            .unwrap_or(policy.severity);
        let enforced = enforce
            .get(&policy.rule.pack)
            .copied()
            .or_else(|| self.pack(&policy.rule.pack).map(|p| p.enforce))
            .unwrap_or(true);
        if enforced {
            declared
        } else {
            declared.min(Severity::Warning)
        }
    }
}

/// A selector matches an id prefix or a whole name, ignoring case and surrounding
/// spaces. An empty selector matches nothing: `ignore = [""]` must not turn off every check.
fn matches(selector: &str, policy: &Policy) -> bool {
    let selector = selector.trim();
    !selector.is_empty()
        && (policy
            .rule
            .id
            .get(..selector.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(selector))
            || policy.rule.name.eq_ignore_ascii_case(selector))
}
