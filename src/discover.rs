//! Where an inventory's bytes come from: a [`SourceTree`] is the working tree
//! ([`Worktree`]) or a git revision (`crate::git::GitTree`). This module finds the
//! inventory root and its `wardline.toml`, and selects the `.ward` files matching the
//! include/exclude globs (CLI.md §1) from whichever tree it is given.
//!
//! Every byte read from disk goes through [`Worktree::read_path`], which refuses a file
//! that resolves (after symlinks) outside the repository holding the root, or that is
//! larger than the size limit: a pull request may change any file, and a symlink to
//! `/proc/self/environ` must not have its content printed in an error (CLI.md §3).
//! Everything after this module works on in-memory files, so the pipeline is the same
//! whatever tree the files came from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::config::{Config, FILE_NAME, Pattern};
use crate::error::FileError;
use crate::policy::PackFiles;

/// The default for `--max-file-size`: 256 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 << 20;

/// A file to parse: its path relative to the root (with `/`) and its bytes.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A tree of files under an inventory root: paths are relative to the root, with `/`.
/// Implementations refuse what lies outside the repository or over the size limit.
pub trait SourceTree {
    /// How messages name the root in this tree: `` `/src/inventory` ``,
    /// `` `inventory` at HEAD~1 (3f2a9c1) ``.
    fn describe(&self) -> String;
    /// Whether a file exists at `path`.
    fn has_file(&self, path: &str) -> bool;
    fn read(&self, path: &str) -> Result<Vec<u8>, FileError>;
    /// Several files, in order; the first failure (in that order) is the error.
    fn read_all(&self, paths: &[String]) -> Result<Vec<Vec<u8>>, FileError> {
        paths.iter().map(|path| self.read(path)).collect()
    }
    /// Every file below the root, skipping hidden directories and `target/`, sorted.
    fn files(&self) -> Result<Vec<String>, FileError>;
    /// The files directly inside directory `dir` (a path relative to the root, which may
    /// climb with `..` but not out of the repository), as paths relative to the root.
    fn files_in(&self, dir: &str) -> Result<Vec<String>, FileError>;
}

/// The inventory root on disk and the repository it lies in.
#[derive(Debug)]
pub struct Worktree {
    pub root: PathBuf,
    /// The git work tree holding the root, or the root itself outside git: no file
    /// outside it is read.
    pub repository: PathBuf,
    pub max_file_size: u64,
    /// Files listed under names that are not their own (not UTF-8, shown escaped), by
    /// the name [`SourceTree::files`] gave them.
    renamed: Mutex<HashMap<String, PathBuf>>,
}

/// The nearest directory at or above `path` holding `wardline.toml`; else `path` itself
/// (its directory, when `path` is a file).
fn find_root(path: &Path) -> Result<PathBuf, FileError> {
    let start = path
        .canonicalize()
        .map_err(|e| FileError::plain(format!("cannot open `{}`: {e}", shown(path))))?;
    let start = if start.is_file() {
        start.parent().map_or(start.clone(), Path::to_path_buf)
    } else {
        start
    };
    let found = start
        .ancestors()
        .find(|dir| dir.join(FILE_NAME).symlink_metadata().is_ok());
    Ok(found.unwrap_or(&start).to_path_buf())
}

/// The git work tree holding `root` (the nearest ancestor with a `.git`), else `root`.
fn repository_of(root: &Path) -> PathBuf {
    root.ancestors()
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        .unwrap_or(root)
        .to_path_buf()
}

impl Worktree {
    /// The inventory root for `path` on disk.
    pub fn open(path: &Path, max_file_size: u64) -> Result<Worktree, FileError> {
        let root = find_root(path)?;
        Ok(Worktree {
            repository: repository_of(&root),
            root,
            max_file_size,
            renamed: Mutex::default(),
        })
    }

    /// Reads a file that resolves inside the repository and is within the size limit;
    /// `shown` names it in errors, which never include what the file holds.
    pub fn read_path(&self, path: &Path, shown: &str) -> Result<Vec<u8>, FileError> {
        let resolved = self.inside(path, shown)?;
        let size = resolved
            .metadata()
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))?
            .len();
        check_size(shown, size, self.max_file_size)?;
        std::fs::read(&resolved)
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))
    }

    /// `path` with symlinks resolved, if that lies inside the repository.
    fn inside(&self, path: &Path, shown: &str) -> Result<PathBuf, FileError> {
        let resolved = path
            .canonicalize()
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))?;
        if resolved.starts_with(&self.repository) {
            Ok(resolved)
        } else {
            Err(outside_repository(shown, &self::shown(&self.repository)))
        }
    }
}

/// The error for a path that leaves the repository; it names the path, never the content.
pub fn outside_repository(shown: &str, repository: &str) -> FileError {
    FileError::plain(format!(
        "`{shown}` resolves outside the repository `{repository}`; it was not read"
    ))
    .with_help(
        "every file wardline reads must lie inside the repository that holds the \
         inventory: replace the link or path with one inside it",
    )
}

pub fn check_size(shown: &str, size: u64, limit: u64) -> Result<(), FileError> {
    if size <= limit {
        return Ok(());
    }
    Err(FileError::plain(format!(
        "`{shown}` is {size} bytes, more than the limit of {limit} bytes"
    ))
    .with_help("raise the limit with `--max-file-size BYTES` if the file is genuine"))
}

impl SourceTree for Worktree {
    fn describe(&self) -> String {
        format!("`{}`", shown(&self.root))
    }

    /// In parallel: a large inventory's first cost is the kernel filling fresh pages
    /// with its files.
    fn read_all(&self, paths: &[String]) -> Result<Vec<Vec<u8>>, FileError> {
        let read: Vec<Result<Vec<u8>, FileError>> =
            paths.par_iter().map(|path| self.read(path)).collect();
        read.into_iter().collect()
    }

    fn has_file(&self, path: &str) -> bool {
        self.root.join(path).symlink_metadata().is_ok()
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FileError> {
        let renamed = self
            .renamed
            .lock()
            .ok()
            .and_then(|names| names.get(path).cloned());
        match renamed {
            Some(real) => self.read_path(&real, path),
            None => self.read_path(&self.root.join(path), path),
        }
    }

    fn files(&self) -> Result<Vec<String>, FileError> {
        let walker = walkdir::WalkDir::new(&self.root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !(entry.file_type().is_dir()
                        && is_skipped_dir(&entry.file_name().to_string_lossy()))
            });
        let mut files = Vec::new();
        for entry in walker {
            let entry = entry.map_err(|e| {
                FileError::plain(format!("cannot walk `{}`: {e}", shown(&self.root)))
            })?;
            if entry.file_type().is_dir() {
                continue;
            }
            // A symlinked file is listed like any other; reading it checks where it leads.
            if let Ok(relative) = entry.path().strip_prefix(&self.root) {
                let path = relative_path(relative);
                if relative.to_str().is_none()
                    && let Ok(mut renamed) = self.renamed.lock()
                {
                    renamed.insert(path.clone(), entry.path().to_path_buf());
                }
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    fn files_in(&self, dir: &str) -> Result<Vec<String>, FileError> {
        let resolved = self.inside(&self.root.join(dir), dir)?;
        let entries = std::fs::read_dir(&resolved)
            .map_err(|e| FileError::plain(format!("cannot read `{dir}`: {e}")))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| FileError::plain(format!("cannot read `{dir}`: {e}")))?;
            if !entry.path().is_dir() {
                files.push(format!(
                    "{dir}/{}",
                    relative_path(Path::new(&entry.file_name()))
                ));
            }
        }
        files.sort();
        Ok(files)
    }
}

/// The configuration: `explicit` (a `--config` file on disk) when given, else the tree's
/// `wardline.toml`, else the defaults.
pub fn load_config(
    tree: &dyn SourceTree,
    explicit: Option<(&Worktree, &Path)>,
) -> Result<Config, FileError> {
    let (bytes, shown) = match explicit {
        Some((disk, path)) => {
            let shown = shown(path);
            (disk.read_path(path, &shown)?, shown)
        }
        None if tree.has_file(FILE_NAME) => (tree.read(FILE_NAME)?, FILE_NAME.to_owned()),
        None => return Ok(Config::default()),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| FileError::plain(format!("`{shown}` is not UTF-8")))?;
    Config::parse(&shown, &text)
}

/// Every `.ward` file of `tree` selected by the configuration, sorted by path. Zero
/// files is an error: a check of nothing must not pass.
pub fn ward_files(tree: &dyn SourceTree, config: &Config) -> Result<Vec<InputFile>, FileError> {
    let files = selected_files(tree, config)?;
    if files.is_empty() {
        return Err(no_files_error(tree, config));
    }
    Ok(files)
}

/// The `.ward` files of `tree` the configuration selects, possibly none (an older
/// revision may predate the inventory).
pub fn selected_files(tree: &dyn SourceTree, config: &Config) -> Result<Vec<InputFile>, FileError> {
    let include = glob_set(config, &config.include)?;
    let exclude = glob_set(config, &config.exclude)?;
    let mut paths = tree.files()?;
    // Only `.ward` files are inventory, whatever the globs say: `include = ["**"]`
    // must not parse `wardline.toml` as a block.
    paths.retain(|path| {
        path.ends_with(".ward")
            && (config.include.is_empty() || include.is_match(path))
            && !exclude.is_match(path)
    });
    let contents = tree.read_all(&paths)?;
    let files = paths.into_iter().zip(contents);
    Ok(files
        .map(|(path, bytes)| InputFile { path, bytes })
        .collect())
}

fn no_files_error(tree: &dyn SourceTree, config: &Config) -> FileError {
    let place = tree.describe();
    if config.source.is_none() {
        return FileError::plain(format!("no `.ward` files under {place}")).with_help(
            "point wardline at an inventory directory, or start one with `wardline init`",
        );
    }
    let globs = |patterns: &[Pattern]| {
        patterns
            .iter()
            .map(|p| format!("`{}`", p.glob))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut message = format!("no `.ward` files under {place} match ");
    if config.include.is_empty() {
        message.push_str("the default include `**/*.ward`");
    } else {
        message.push_str(&format!("include {}", globs(&config.include)));
    }
    if !config.exclude.is_empty() {
        message.push_str(&format!(" and exclude {}", globs(&config.exclude)));
    }
    FileError::plain(message).with_help(
        "check the globs in wardline.toml: they are relative to the root and `/` \
         separates directories",
    )
}

/// The configuration's `[policies] extra` pack directories: `pack.toml` and every other
/// `*.toml` in each.
pub fn extra_packs(tree: &dyn SourceTree, config: &Config) -> Result<Vec<PackFiles>, FileError> {
    let mut packs = Vec::new();
    for dir in &config.extra_packs {
        let mut files = Vec::new();
        for path in tree.files_in(dir)? {
            if path.ends_with(".toml") {
                let bytes = tree.read(&path)?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| FileError::plain(format!("`{path}` is not UTF-8")))?;
                files.push((path, text));
            }
        }
        packs.push(PackFiles {
            dir: dir.clone(),
            files,
        });
    }
    Ok(packs)
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

fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

/// A relative path with `/` separators. A name that is not UTF-8 keeps its invalid bytes
/// visible as `\x..` escapes, so two such files never look alike.
fn relative_path(path: &Path) -> String {
    path.components()
        .map(|c| escape_invalid_utf8(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A path for messages, with invalid UTF-8 escaped.
pub fn shown(path: &Path) -> String {
    escape_invalid_utf8(path.as_os_str())
}

fn escape_invalid_utf8(name: &std::ffi::OsStr) -> String {
    if let Some(text) = name.to_str() {
        return text.to_owned();
    }
    let bytes = name.as_encoded_bytes();
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}
