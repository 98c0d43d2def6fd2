//! The pack format (POLICIES.md §1): a directory with `pack.toml` and one
//! `<id>-<name>.toml` per policy. Built-in and user packs go through this one loader;
//! every problem is reported with a span into the TOML file.

use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::expr::{self, Compiled, CompiledPath, ExprError};
use crate::error::{FileError, toml_error};
use crate::finding::{Rule, Severity};
use crate::schema::Kind;
use crate::source::SourceFile;

/// A pack's files: (path for messages, text); `pack.toml` among them.
pub struct PackFiles {
    /// How the pack directory is shown (`policies/hipaa`, `builtin:hipaa`).
    pub dir: String,
    pub files: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub title: String,
    pub status: String,
    pub enforce: bool,
}

/// One part of a message template.
#[derive(Debug, Clone)]
pub enum Piece {
    Text(String),
    /// `{expression}`: a path (`{vlan.label}`) or any expression (`{unguarded_route("ehr")}`).
    Value(Compiled),
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub rule: Arc<Rule>,
    /// Shared with every finding's label, as `help` with every finding.
    pub title: Arc<str>,
    pub severity: Severity,
    pub kind: Kind,
    pub applies: Option<Compiled>,
    pub require: Compiled,
    pub where_source: Option<String>,
    pub require_source: String,
    pub at: Option<(String, CompiledPath)>,
    pub message: Vec<Piece>,
    pub help: Option<Arc<str>>,
    pub waivable: bool,
    pub docs: String,
    pub origin: Origin,
}

/// Where a policy was written, so later checks (duplicates) can point into its file.
#[derive(Debug, Clone)]
pub struct Origin {
    pub path: String,
    pub text: Arc<str>,
    pub id_span: std::ops::Range<usize>,
    pub name_span: std::ops::Range<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    pack: Spanned<String>,
    title: String,
    status: Spanned<String>,
    enforce: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    name: Spanned<String>,
    title: String,
    severity: Spanned<String>,
    cite: Vec<String>,
    #[serde(rename = "for")]
    kind: Spanned<String>,
    #[serde(rename = "where")]
    applies: Option<Spanned<String>>,
    require: Spanned<String>,
    at: Option<Spanned<String>>,
    message: Spanned<String>,
    help: Option<String>,
    waivable: Option<bool>,
    #[serde(default)]
    docs: String,
}

/// Maps an error inside a TOML string value to the file: exact when the string is
/// written without escapes, else the whole value.
fn value_span(
    text: &str,
    value: std::ops::Range<usize>,
    content: &str,
    inner: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let raw = text.get(value.clone()).unwrap_or_default();
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(body) = raw.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) {
            let newline = if quote.len() == 3 && body.starts_with('\n') {
                1
            } else {
                0
            };
            if &body[newline..] == content {
                let start = value.start + quote.len() + newline;
                return start + inner.start
                    ..start + inner.end.max(inner.start + 1).min(content.len().max(1));
            }
        }
    }
    value
}

fn expr_error(
    path: &str,
    text: &str,
    value: &Spanned<String>,
    error: ExprError,
    what: &str,
) -> FileError {
    let span = value_span(text, value.span(), value.get_ref(), error.span.clone());
    let mut file_error = FileError::at(
        path,
        text,
        span,
        format!("in `{what}`: {}", error.message),
        "here",
    );
    file_error.help = error.help;
    file_error
}

pub fn load_pack(
    pack_files: &PackFiles,
    errors: &mut Vec<FileError>,
) -> Option<(Pack, Vec<Policy>)> {
    let Some((pack_path, pack_text)) = pack_files
        .files
        .iter()
        .find(|(p, _)| p.ends_with("pack.toml"))
    else {
        errors.push(
            FileError::plain(format!("`{}` has no pack.toml", pack_files.dir))
                .with_help("a pack directory holds pack.toml and one <id>-<name>.toml per policy"),
        );
        return None;
    };
    let raw: RawPack = match toml::from_str(pack_text) {
        Ok(raw) => raw,
        Err(error) => {
            errors.push(toml_error(
                &Arc::new(SourceFile::new(pack_path.as_str(), pack_text.as_str())),
                &error,
            ));
            return None;
        }
    };
    if !matches!(
        raw.status.get_ref().as_str(),
        "in-force" | "proposed" | "local"
    ) {
        errors.push(
            FileError::at(
                pack_path,
                pack_text,
                raw.status.span(),
                format!("unknown pack status `{}`", raw.status.get_ref()),
                "unknown status",
            )
            .with_help("expected one of `in-force`, `proposed`, `local`"),
        );
    }
    let pack = Pack {
        id: raw.pack.into_inner(),
        title: raw.title,
        status: raw.status.into_inner(),
        enforce: raw.enforce,
    };
    let mut policies = Vec::new();
    for (path, text) in pack_files
        .files
        .iter()
        .filter(|(p, _)| !p.ends_with("pack.toml"))
    {
        if let Some(policy) = load_policy(&pack.id, path, text, errors) {
            policies.push(policy);
        }
    }
    Some((pack, policies))
}

fn load_policy(pack: &str, path: &str, text: &str, errors: &mut Vec<FileError>) -> Option<Policy> {
    let raw: RawPolicy = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            errors.push(toml_error(&Arc::new(SourceFile::new(path, text)), &error));
            return None;
        }
    };
    let at = |span: std::ops::Range<usize>, message: String, label: &str| {
        FileError::at(path, text, span, message, label)
    };
    let before = errors.len();
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".toml");
    let expected_stem = format!("{}-{}", raw.id.get_ref(), raw.name.get_ref());
    if stem != expected_stem {
        errors.push(
            at(
                raw.id.span(),
                format!("the file name `{stem}.toml` does not match id and name"),
                "id",
            )
            .with_help(format!("name the file `{expected_stem}.toml`")),
        );
    }
    if !is_kebab(raw.name.get_ref()) {
        errors.push(at(
            raw.name.span(),
            format!("policy name `{}` is not kebab-case", raw.name.get_ref()),
            "not kebab-case",
        ));
    }
    let severity = Severity::parse(raw.severity.get_ref());
    if severity.is_none() {
        errors.push(
            at(
                raw.severity.span(),
                format!("unknown severity `{}`", raw.severity.get_ref()),
                "unknown severity",
            )
            .with_help("expected one of `error`, `warning`, `info`"),
        );
    }
    let kind = Kind::parse(raw.kind.get_ref());
    if kind.is_none() {
        let known: Vec<&str> = crate::schema::KINDS.iter().map(|k| k.as_str()).collect();
        let help = match crate::suggest::closest(raw.kind.get_ref(), known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of {}", known.join(", ")),
        };
        errors.push(
            at(
                raw.kind.span(),
                format!("unknown block kind `{}` in `for`", raw.kind.get_ref()),
                "unknown kind",
            )
            .with_help(help),
        );
    }
    let (Some(severity), Some(kind)) = (severity, kind) else {
        return None;
    };

    let mut compile = |value: &Spanned<String>, what: &str| match expr::compile_condition(
        value.get_ref(),
        kind,
    ) {
        Ok(compiled) => Some(compiled),
        Err(error) => {
            errors.push(expr_error(path, text, value, error, what));
            None
        }
    };
    let applies = raw.applies.as_ref().map(|w| compile(w, "where"));
    let require = compile(&raw.require, "require");
    let at_path = raw
        .at
        .as_ref()
        .map(|value| match expr::compile_path(value.get_ref(), kind) {
            Ok(compiled) => Some((value.get_ref().clone(), compiled)),
            Err(error) => {
                errors.push(expr_error(path, text, value, error, "at"));
                None
            }
        });
    let message = template(&raw.message, kind, path, text, errors);
    if errors.len() > before {
        return None;
    }
    let (id_span, name_span) = (raw.id.span(), raw.name.span());
    Some(Policy {
        rule: Arc::new(Rule {
            id: raw.id.into_inner(),
            name: raw.name.into_inner(),
            pack: pack.to_owned(),
            cite: raw.cite,
        }),
        title: raw.title.into(),
        severity,
        kind,
        applies: applies.flatten(),
        require: require?,
        where_source: raw.applies.map(Spanned::into_inner),
        require_source: raw.require.into_inner(),
        at: at_path.flatten(),
        message: message?,
        help: raw.help.map(Arc::from),
        waivable: raw.waivable.unwrap_or(true),
        docs: raw.docs,
        origin: Origin {
            path: path.to_owned(),
            text: text.into(),
            id_span,
            name_span,
        },
    })
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Splits `device {name} has {patch.status}` into text and compiled paths.
fn template(
    value: &Spanned<String>,
    kind: Kind,
    path: &str,
    text: &str,
    errors: &mut Vec<FileError>,
) -> Option<Vec<Piece>> {
    let source = value.get_ref();
    let mut pieces = Vec::new();
    let mut rest = source.as_str();
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            let inner = offset + open..offset + open + 1;
            errors.push(expr_error(
                path,
                text,
                value,
                ExprError {
                    message: "unclosed `{` in message".into(),
                    span: inner,
                    help: Some("write `{path}`, e.g. `{name}`".into()),
                },
                "message",
            ));
            return None;
        };
        let inner = &rest[open + 1..open + close];
        match expr::compile(inner.trim(), kind) {
            Ok(compiled) => pieces.push(Piece::Value(compiled)),
            Err(mut error) => {
                let base = offset + open + 1;
                error.span = base + error.span.start..base + error.span.end;
                errors.push(expr_error(path, text, value, error, "message"));
                return None;
            }
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    Some(pieces)
}
