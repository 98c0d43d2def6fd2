//! The working-tree source: finds the inventory root and its `wardline.toml`, then walks
//! the root for `.ward` files matching the include/exclude globs (CLI.md §1).
//!
//! Every byte read from disk goes through [`Worktree::read`], which refuses a file that
//! resolves (after symlinks) outside the repository holding the root, or that is larger
//! than the size limit: a pull request may change any file, and a symlink to
//! `/proc/self/environ` must not have its content printed in an error (CLI.md §3).
//! Everything after this module works on in-memory files, so a git revision can stand in
//! for the working tree.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

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

/// The inventory root on disk, the repository it lies in, and its configuration.
#[derive(Debug)]
pub struct Worktree {
    pub root: PathBuf,
    /// The git work tree holding the root, or the root itself outside git: no file
    /// outside it is read.
    pub repository: PathBuf,
    pub config: Config,
    pub max_file_size: u64,
}

/// The nearest directory at or above `path` holding `wardline.toml`; else `path` itself
/// (its directory, when `path` is a file).
fn find_root(path: &Path) -> Result<(PathBuf, Option<PathBuf>), FileError> {
    let start = path
        .canonicalize()
        .map_err(|e| FileError::plain(format!("cannot open `{}`: {e}", shown(path))))?;
    let start = if start.is_file() {
        start.parent().map_or(start.clone(), Path::to_path_buf)
    } else {
        start
    };
    let mut dir = Some(start.as_path());
    while let Some(candidate) = dir {
        let config = candidate.join(FILE_NAME);
        if config.symlink_metadata().is_ok() {
            return Ok((candidate.to_path_buf(), Some(config)));
        }
        dir = candidate.parent();
    }
    Ok((start, None))
}

/// The git work tree holding `root` (the nearest ancestor with a `.git`), else `root`.
fn repository_of(root: &Path) -> PathBuf {
    root.ancestors()
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        .unwrap_or(root)
        .to_path_buf()
}

/// Opens the inventory root for `path` and its configuration: `config` when given, else
/// the discovered `wardline.toml`, else the defaults.
pub fn open(path: &Path, config: Option<&Path>, max_file_size: u64) -> Result<Worktree, FileError> {
    let (root, found) = find_root(path)?;
    let mut tree = Worktree {
        repository: repository_of(&root),
        root,
        config: Config::default(),
        max_file_size,
    };
    tree.config = match (config, found) {
        (Some(file), _) => tree.load_config(file, &shown(file))?,
        (None, Some(file)) => tree.load_config(&file, FILE_NAME)?,
        (None, None) => Config::default(),
    };
    Ok(tree)
}

impl Worktree {
    fn load_config(&self, file: &Path, shown: &str) -> Result<Config, FileError> {
        let bytes = self.read(file, shown)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| FileError::plain(format!("`{shown}` is not UTF-8")))?;
        Config::parse(shown, &text)
    }

    /// Reads a file that resolves inside the repository and is within the size limit;
    /// `shown` names it in errors, which never include what the file holds.
    pub fn read(&self, path: &Path, shown: &str) -> Result<Vec<u8>, FileError> {
        let resolved = path
            .canonicalize()
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))?;
        if !resolved.starts_with(&self.repository) {
            return Err(FileError::plain(format!(
                "`{shown}` resolves outside the repository `{}`; it was not read",
                self::shown(&self.repository)
            ))
            .with_help(
                "every file wardline reads must lie inside the repository that holds the \
                 inventory: replace the link or path with a file inside it",
            ));
        }
        let size = resolved
            .metadata()
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))?
            .len();
        if size > self.max_file_size {
            return Err(FileError::plain(format!(
                "`{shown}` is {size} bytes, more than the limit of {} bytes",
                self.max_file_size
            ))
            .with_help("raise the limit with `--max-file-size BYTES` if the file is genuine"));
        }
        std::fs::read(&resolved)
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))
    }

    /// Every `.ward` file under the root selected by the configuration, sorted by path.
    /// Zero files is an error: a check of nothing must not pass.
    pub fn ward_files(&self) -> Result<Vec<InputFile>, FileError> {
        let config = &self.config;
        let include = glob_set(config, &config.include)?;
        let exclude = glob_set(config, &config.exclude)?;
        let mut files = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                entry.depth() == 0
                    || !(entry.file_type().is_dir()
                        && is_skipped_dir(&entry.file_name().to_string_lossy()))
            });
        for entry in walker {
            let entry = entry.map_err(|e| {
                FileError::plain(format!("cannot walk `{}`: {e}", shown(&self.root)))
            })?;
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let path = relative_path(relative);
            // Only `.ward` files are inventory, whatever the globs say: `include = ["**"]`
            // must not parse `wardline.toml` as a block.
            let selected = path.ends_with(".ward")
                && (config.include.is_empty() || include.is_match(&path))
                && !exclude.is_match(&path);
            if !selected {
                continue;
            }
            // A symlinked `.ward` file is read like any other when it resolves inside
            // the repository; `read` refuses it otherwise.
            let bytes = self.read(entry.path(), &path)?;
            files.push(InputFile { path, bytes });
        }
        if files.is_empty() {
            return Err(self.no_files_error());
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }

    fn no_files_error(&self) -> FileError {
        let root = shown(&self.root);
        if self.config.source.is_none() {
            return FileError::plain(format!("no `.ward` files under `{root}`")).with_help(
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
        let mut message = format!("no `.ward` files under `{root}` match ");
        if self.config.include.is_empty() {
            message.push_str("the default include `**/*.ward`");
        } else {
            message.push_str(&format!("include {}", globs(&self.config.include)));
        }
        if !self.config.exclude.is_empty() {
            message.push_str(&format!(" and exclude {}", globs(&self.config.exclude)));
        }
        FileError::plain(message).with_help(
            "check the globs in wardline.toml: they are relative to the root and `/` \
             separates directories",
        )
    }

    /// The configuration's `[policies] extra` pack directories, read inside the repository.
    pub fn extra_packs(&self) -> Result<Vec<PackFiles>, FileError> {
        self.config
            .extra_packs
            .iter()
            .map(|extra| self.read_pack_dir(extra))
            .collect()
    }

    /// Reads a user's pack directory: `pack.toml` and every other `*.toml` in it.
    fn read_pack_dir(&self, dir: &str) -> Result<PackFiles, FileError> {
        let path = self.root.join(dir);
        let resolved = path
            .canonicalize()
            .map_err(|e| FileError::plain(format!("cannot read policy pack `{dir}`: {e}")))?;
        if !resolved.starts_with(&self.repository) {
            return Err(FileError::plain(format!(
                "policy pack `{dir}` resolves outside the repository `{}`; it was not read",
                shown(&self.repository)
            ))
            .with_help("`[policies] extra` names directories inside the repository"));
        }
        let entries = std::fs::read_dir(&resolved)
            .map_err(|e| FileError::plain(format!("cannot read policy pack `{dir}`: {e}")))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry
                .map_err(|e| FileError::plain(format!("cannot read policy pack `{dir}`: {e}")))?;
            let name = relative_path(Path::new(&entry.file_name()));
            if !name.ends_with(".toml") {
                continue;
            }
            let shown = format!("{dir}/{name}");
            let bytes = self.read(&entry.path(), &shown)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| FileError::plain(format!("`{shown}` is not UTF-8")))?;
            files.push((shown, text));
        }
        files.sort();
        Ok(PackFiles {
            dir: dir.to_owned(),
            files,
        })
    }
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
