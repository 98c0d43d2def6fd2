//! `wardline.toml` (CLI.md §1): read as a TOML tree with spans and checked key by key,
//! so one run reports every problem in the file — unknown keys with the closest known
//! one, values of the wrong type with how to write them — each pointing at its key or
//! value. TOML syntax errors are reported with them, up to the first one after which
//! toml would misread the rest.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::check::Judge;
use crate::date::Date;
use crate::error::{FileError, toml_error};
use crate::finding::{FailOn, Severity};
use crate::policy::{PackFiles, PolicySet, builtin_pack_files};
use crate::source::SourceFile;
use crate::suggest::closest;

pub const FILE_NAME: &str = "wardline.toml";

const TOP_KEYS: &[&str] = &[
    "include", "exclude", "as_of", "check", "severity", "packs", "policies",
];
const CHECK_KEYS: &[&str] = &["select", "ignore", "fail_on"];
const PACK_KEYS: &[&str] = &["enforce"];
const POLICIES_KEYS: &[&str] = &["extra"];

type Key<'i> = Spanned<DeString<'i>>;
type Value<'i> = Spanned<DeValue<'i>>;

/// Collects the problems of one file while its values are read.
struct Reader<'f> {
    file: &'f Arc<SourceFile>,
    problems: Vec<FileError>,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String, label: &str, help: Option<String>) {
        let error = FileError::in_file(self.file, span, message, label);
        self.problems.push(match help {
            Some(help) => error.with_help(help),
            None => error,
        });
    }

    fn unknown(&mut self, key: &Key, table: &str, known: &[&str]) {
        let word = key.get_ref();
        let help = match closest(word, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "{table} accepts {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.error(
            key.span(),
            format!("unknown key `{word}` in {table}"),
            "unknown key",
            Some(help),
        );
    }

    fn wrong_type(&mut self, name: &str, value: &Value, expected: &str) {
        let help = match value.get_ref() {
            DeValue::String(text) if expected.contains("list") => Some(format!(
                "write a list, even of one: `{name} = [\"{text}\"]`"
            )),
            _ => None,
        };
        self.error(
            value.span(),
            format!(
                "`{name}` must be {expected}, found {}",
                describe(value.get_ref())
            ),
            "wrong type",
            help,
        );
    }

    fn table<'v, 'i>(&mut self, name: &str, value: &'v Value<'i>) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.wrong_type(name, value, &format!("a table `[{name}]`"));
                None
            }
        }
    }

    fn string(&mut self, name: &str, value: &Value) -> Option<Spanned<String>> {
        match value.get_ref() {
            DeValue::String(text) => Some(Spanned::new(value.span(), text.to_string())),
            _ => {
                self.wrong_type(name, value, "a string");
                None
            }
        }
    }

    fn strings(&mut self, name: &str, value: &Value) -> Option<Vec<Spanned<String>>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(name, value, "a list of strings");
            return None;
        };
        let strings: Vec<_> = items
            .iter()
            .filter_map(|item| self.string(&format!("every item of `{name}`"), item))
            .collect();
        (strings.len() == items.len()).then_some(strings)
    }

    fn boolean(&mut self, name: &str, value: &Value) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            _ => {
                self.wrong_type(name, value, "`true` or `false`");
                None
            }
        }
    }

    fn date(&mut self, name: &str, value: &Value) -> Option<Date> {
        let date = match value.get_ref() {
            DeValue::Datetime(datetime) => match (datetime.date, datetime.time) {
                (Some(d), None) => {
                    Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                }
                _ => None,
            },
            DeValue::String(text) if Date::parse(text).is_some() => {
                self.error(
                    value.span(),
                    format!("`{name}` is a date, not a string"),
                    "quoted date",
                    Some(format!(
                        "remove the quotes: dates are bare, `{name} = {text}`"
                    )),
                );
                return None;
            }
            _ => None,
        };
        if date.is_none() {
            self.error(
                value.span(),
                format!("`{name}` must be a date like 2026-11-29"),
                "not a date",
                Some("write a calendar date YYYY-MM-DD, without quotes".into()),
            );
        }
        date
    }
}

/// The file's problems in file order, syntax errors included. toml recovers from a bare
/// value (`fail_on = error`) cleanly, so problems elsewhere are still reported; after any
/// other syntax error (an unclosed list) what follows is misread, so nothing after it is.
/// A problem on the value a syntax error already reports is left out.
fn with_syntax_errors(
    problems: Vec<FileError>,
    syntax: impl Iterator<Item = FileError>,
) -> Vec<FileError> {
    let start = |e: &FileError| e.at.as_ref().map_or(0, |(_, span)| span.start);
    let mut syntax: Vec<FileError> = syntax.collect();
    syntax.sort_by_key(start);
    let cut = syntax
        .iter()
        .position(|e| !e.message.contains("must be quoted"))
        .map(|i| i + 1);
    syntax.truncate(cut.unwrap_or(syntax.len()));
    let end = cut.and_then(|_| syntax.last().map(start));
    let reported: Vec<Range<usize>> = syntax
        .iter()
        .filter_map(|e| e.at.as_ref().map(|(_, span)| span.clone()))
        .collect();
    let mut all: Vec<FileError> = problems
        .into_iter()
        .filter(|e| end.is_none_or(|end| start(e) < end))
        .filter(|e| {
            let span = e.at.as_ref().map(|(_, span)| span.clone());
            !span.is_some_and(|s| reported.iter().any(|r| r.start < s.end && s.start < r.end))
        })
        .chain(syntax)
        .collect();
    // The TOML tree is ordered by key: report in file order.
    all.sort_by_key(start);
    all
}

/// A TOML syntax error, with a hint for what newcomers write: a date with slashes, a
/// bare word where a string goes.
fn syntax_error(file: &Arc<SourceFile>, text: &str, error: &toml::de::Error) -> FileError {
    let mut error = toml_error(file, error);
    // toml notices a missing `]` or `,` on the line after; the mistake is where the
    // previous line ends.
    if let Some((_, span)) = error.at.as_mut() {
        let before = text.get(..span.start).unwrap_or_default();
        let content = before.trim_end();
        if before[content.len()..].contains('\n') {
            if let Some(last) = content.chars().next_back() {
                *span = content.len() - last.len_utf8()..content.len();
            }
        }
    }
    let Some(found) = error
        .at
        .as_ref()
        .and_then(|(_, span)| text.get(span.clone()))
    else {
        return error;
    };
    let found = found.trim();
    let help = if found.contains('/') && found.chars().all(|c| c.is_ascii_digit() || c == '/') {
        "dates are written YYYY-MM-DD, without quotes: `as_of = 2026-11-29`".to_owned()
    } else if !found.is_empty()
        && found
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_*./".contains(c))
        && error.message.contains("quoted")
    {
        format!("strings are quoted in TOML: `\"{found}\"`")
    } else {
        return error;
    };
    error.with_help(help)
}

/// What a TOML value is, for "found …" messages.
fn describe(value: &DeValue) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

const FAIL_ON_LEVELS: &[&str] = &["error", "warning", "info", "never"];
const SEVERITIES: &[&str] = &["error", "warning", "info"];

/// The help for an unknown level: the closest one, else every one.
fn level_help(word: &str, levels: &[&str]) -> String {
    match closest(&word.trim().to_ascii_lowercase(), levels.iter().copied()) {
        Some(level) => format!("did you mean `{level}`?"),
        None => format!(
            "expected one of {}",
            levels
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
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
    /// What is wrong in the file itself, reported with the unknown names it mentions so
    /// one run shows every error.
    problems: Vec<FileError>,
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
            problems: Vec::new(),
        }
    }
}

impl Config {
    /// Parses a configuration file's text; `path` is how errors name it. TOML that does
    /// not parse is an error; every other problem is kept in the configuration and
    /// reported, with the names it mentions, by [`Config::check_mentions`].
    pub fn parse(path: &str, text: &str) -> Result<Config, FileError> {
        let file = Arc::new(SourceFile::new(path, text));
        let (root, syntax_errors) = DeTable::parse_recoverable(text);
        let mut reader = Reader {
            file: &file,
            problems: Vec::new(),
        };
        let mut config = Config {
            source: Some(Arc::clone(&file)),
            ..Config::default()
        };
        for (key, value) in root.get_ref() {
            let name: &str = key.get_ref();
            match name {
                "include" | "exclude" => {
                    let patterns = reader.strings(name, value).unwrap_or_default();
                    let patterns = patterns.into_iter().map(|s| Pattern {
                        span: s.span(),
                        glob: s.into_inner(),
                    });
                    if name == "include" {
                        config.include = patterns.collect();
                    } else {
                        config.exclude = patterns.collect();
                    }
                }
                "as_of" => config.as_of = reader.date(name, value),
                "check" => config.read_check(&mut reader, value),
                "severity" => config.read_severity(&mut reader, value),
                "packs" => config.read_packs(&mut reader, value),
                "policies" => {
                    for (key, value) in reader.table(name, value).into_iter().flatten() {
                        match key.get_ref().as_ref() {
                            "extra" => {
                                let dirs = reader.strings("extra", value).unwrap_or_default();
                                config.extra_packs =
                                    dirs.into_iter().map(Spanned::into_inner).collect();
                            }
                            _ => reader.unknown(key, "`[policies]`", POLICIES_KEYS),
                        }
                    }
                }
                _ => reader.unknown(key, "wardline.toml", TOP_KEYS),
            }
        }
        config.mentions.sort_by_key(|m| m.span.start);
        config.problems = with_syntax_errors(
            reader.problems,
            syntax_errors.iter().map(|e| syntax_error(&file, text, e)),
        );
        Ok(config)
    }

    fn read_check(&mut self, reader: &mut Reader, value: &Value) {
        for (key, value) in reader.table("check", value).into_iter().flatten() {
            let name: &str = key.get_ref();
            match name {
                "select" | "ignore" => {
                    let selectors = reader.strings(name, value).unwrap_or_default();
                    self.mentions.extend(selectors.iter().map(|s| Mention {
                        what: Mentioned::Selector,
                        name: s.get_ref().clone(),
                        span: s.span(),
                    }));
                    let selectors = selectors.into_iter().map(Spanned::into_inner).collect();
                    if name == "select" {
                        self.select = Some(selectors);
                    } else {
                        self.ignore = selectors;
                    }
                }
                "fail_on" => {
                    let Some(level) = reader.string(name, value) else {
                        continue;
                    };
                    match FailOn::parse(level.get_ref()) {
                        Some(fail_on) => self.fail_on = fail_on,
                        None => reader.error(
                            level.span(),
                            format!("unknown `fail_on` level `{}`", level.get_ref()),
                            "unknown level",
                            Some(level_help(level.get_ref(), FAIL_ON_LEVELS)),
                        ),
                    }
                }
                _ => reader.unknown(key, "`[check]`", CHECK_KEYS),
            }
        }
    }

    fn read_severity(&mut self, reader: &mut Reader, value: &Value) {
        for (key, value) in reader.table("severity", value).into_iter().flatten() {
            let policy = key.get_ref().to_string();
            self.mentions.push(Mention {
                what: Mentioned::Policy,
                name: policy.clone(),
                span: key.span(),
            });
            let Some(level) = reader.string(&policy, value) else {
                continue;
            };
            match Severity::parse(level.get_ref()) {
                Some(severity) => {
                    self.severity.insert(policy, severity);
                }
                None => reader.error(
                    level.span(),
                    format!("unknown severity `{}` for `{policy}`", level.get_ref()),
                    "unknown severity",
                    Some(level_help(level.get_ref(), SEVERITIES)),
                ),
            }
        }
    }

    fn read_packs(&mut self, reader: &mut Reader, value: &Value) {
        for (pack, table) in reader.table("packs", value).into_iter().flatten() {
            let id = pack.get_ref().to_string();
            self.mentions.push(Mention {
                what: Mentioned::Pack,
                name: id.clone(),
                span: pack.span(),
            });
            let table_name = format!("packs.{id}");
            for (key, value) in reader.table(&table_name, table).into_iter().flatten() {
                match key.get_ref().as_ref() {
                    "enforce" => {
                        if let Some(flag) = reader.boolean("enforce", value) {
                            self.enforce.insert(id.clone(), flag);
                        }
                    }
                    _ => reader.unknown(key, &format!("`[{table_name}]`"), PACK_KEYS),
                }
            }
        }
    }

    /// Every problem in the file, then every policy or pack it names that is not loaded
    /// (a typo must not silently turn a check off or leave a severity unchanged), in file
    /// order.
    pub fn check_mentions(&self, policies: &PolicySet) -> Vec<FileError> {
        let mut errors = self.problems.clone();
        for mention in &self.mentions {
            let name = &mention.name;
            let (message, help) = match mention.what {
                Mentioned::Selector => match policies.unmatched(name) {
                    Some((message, help)) => (message, Some(help)),
                    None => continue,
                },
                Mentioned::Policy if policies.find(name).is_empty() => (
                    format!("no policy has the id or name `{name}`"),
                    policies
                        .closest_key(name)
                        .map(|near| format!("did you mean `{near}`?")),
                ),
                Mentioned::Pack if policies.pack(name).is_none() => {
                    let loaded: Vec<&str> = policies.packs.iter().map(|p| p.id.as_str()).collect();
                    (
                        format!(
                            "no pack `{name}` is loaded (loaded: {})",
                            loaded
                                .iter()
                                .map(|id| format!("`{id}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        closest(name, loaded).map(|near| format!("did you mean `{near}`?")),
                    )
                }
                Mentioned::Policy | Mentioned::Pack => continue,
            };
            let label = match mention.what {
                Mentioned::Selector => "matches nothing",
                Mentioned::Policy | Mentioned::Pack => "not loaded",
            };
            errors.push(
                self.error_at(mention.span.clone(), message, label)
                    .with_help(help.unwrap_or_else(|| {
                        "`wardline policies` lists every policy and pack".to_owned()
                    })),
            );
        }
        errors.sort_by_key(|e| e.at.as_ref().map(|(_, span)| span.start));
        errors
    }

    /// What is wrong in the file itself (unknown keys, values of the wrong type).
    pub fn problems(&self) -> &[FileError] {
        &self.problems
    }

    /// The built-in packs plus the `[policies] extra` packs (read by the caller from
    /// the tree), with every policy and pack name this configuration uses checked.
    pub fn load_policies(&self, extra: Vec<PackFiles>) -> Result<PolicySet, Vec<FileError>> {
        let mut packs = builtin_pack_files();
        packs.extend(extra);
        let policies = PolicySet::load(&packs).map_err(|errors| {
            // The file's own problems first: they may be why a pack failed to load.
            let mut all = self.problems.clone();
            all.extend(errors);
            all
        })?;
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
    fn every_problem_is_kept_with_a_span_and_a_hint() {
        let text =
            "as_of = \"2026-11-29\"\n[check]\nfail_onn = \"error\"\nfail_on = \"sometimes\"\n";
        let config = Config::parse("wardline.toml", text).unwrap();
        let problems: Vec<(&str, Option<&str>, &str)> = config
            .problems()
            .iter()
            .map(|e| {
                let span = e.at.as_ref().unwrap().1.clone();
                (e.message.as_str(), e.help.as_deref(), &text[span])
            })
            .collect();
        assert_eq!(
            problems,
            [
                (
                    "`as_of` is a date, not a string",
                    Some("remove the quotes: dates are bare, `as_of = 2026-11-29`"),
                    "\"2026-11-29\""
                ),
                (
                    "unknown key `fail_onn` in `[check]`",
                    Some("did you mean `fail_on`?"),
                    "fail_onn"
                ),
                (
                    "unknown `fail_on` level `sometimes`",
                    Some("expected one of `error`, `warning`, `info`, `never`"),
                    "\"sometimes\""
                ),
            ]
        );
    }

    #[test]
    fn toml_syntax_errors_are_problems_with_hints() {
        let text = "as_of = 11/29/2026\n[check]\nfail_on = warning\nselct = []\n";
        let config = Config::parse("wardline.toml", text).unwrap();
        let helps: Vec<Option<&str>> = config
            .problems()
            .iter()
            .map(|e| e.help.as_deref())
            .collect();
        assert_eq!(
            helps,
            [
                Some("dates are written YYYY-MM-DD, without quotes: `as_of = 2026-11-29`"),
                Some("strings are quoted in TOML: `\"warning\"`"),
                Some("did you mean `select`?"),
            ]
        );
    }
}
