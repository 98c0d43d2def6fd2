//! The working-tree source: finds the inventory root and its `wardline.toml`, then walks
//! the root for `.ward` files matching the include/exclude globs (CLI.md §1).
//!
//! Everything after this module works on in-memory files, so a git revision can stand in
//! for the working tree.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::{Config, FILE_NAME, Pattern};
use crate::error::FileError;

/// A file to parse: its path relative to the root (with `/`) and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The nearest directory at or above `path` holding `wardline.toml`; else `path` itself.
fn find_root(path: &Path) -> Result<(PathBuf, Option<PathBuf>), FileError> {
    let start = path
        .canonicalize()
        .map_err(|e| FileError::plain(format!("cannot open `{}`: {e}", path.display())))?;
    let start = if start.is_file() {
        start.parent().map_or(start.clone(), Path::to_path_buf)
    } else {
        start
    };
    let mut dir = Some(start.as_path());
    while let Some(candidate) = dir {
        let config = candidate.join(FILE_NAME);
        if config.is_file() {
            return Ok((candidate.to_path_buf(), Some(config)));
        }
        dir = candidate.parent();
    }
    Ok((start, None))
}

/// The inventory root for `path` and its configuration: `config` when given, else the
/// discovered `wardline.toml`, else the defaults.
pub fn open(path: &Path, config: Option<&Path>) -> Result<(PathBuf, Config), FileError> {
    let (root, found) = find_root(path)?;
    let config = match (config, found) {
        (Some(file), _) => load_config(file, &file.display().to_string())?,
        (None, Some(file)) => load_config(&file, FILE_NAME)?,
        (None, None) => Config::default(),
    };
    Ok((root, config))
}

/// Reads and parses a configuration file; `shown` is the path used in messages.
fn load_config(file: &Path, shown: &str) -> Result<Config, FileError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))?;
    Config::parse(shown, &text)
}

fn glob_set(config: &Config, patterns: &[Pattern]) -> Result<GlobSet, FileError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = GlobBuilder::new(&pattern.glob)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                config.error_at(
                    pattern.span.clone(),
                    format!("invalid glob `{}`", pattern.glob),
                    e.kind().to_string(),
                )
            })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| FileError::plain(format!("invalid globs: {e}")))
}

/// Every `.ward` file under `root` selected by the configuration, sorted by path.
pub fn collect_files(root: &Path, config: &Config) -> Result<Vec<InputFile>, FileError> {
    let include = glob_set(config, &config.include)?;
    let exclude = glob_set(config, &config.exclude)?;
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && is_skipped_dir(&entry.file_name().to_string_lossy()))
        });
    for entry in walker {
        let entry = entry
            .map_err(|e| FileError::plain(format!("cannot walk `{}`: {e}", root.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let path = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let selected = if config.include.is_empty() {
            path.ends_with(".ward")
        } else {
            include.is_match(&path)
        };
        if !selected || exclude.is_match(&path) {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .map_err(|e| FileError::plain(format!("cannot read `{path}`: {e}")))?;
        files.push(InputFile { path, bytes });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}
