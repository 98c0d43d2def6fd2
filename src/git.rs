//! A git revision as a [`SourceTree`]: files are read straight from the object database
//! through libgit2, with no checkout and no temporary files (CLI.md §2).
//!
//! The inventory root found on disk is mapped to the same directory in the revision's
//! tree. Reads stay inside the repository as on disk: a symlink committed in the tree is
//! followed only while it leads to another path of the same tree.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use git2::{ErrorCode, ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use crate::discover::{SourceTree, Worktree, check_size, outside_repository, shown};
use crate::error::FileError;

/// A git symlink's file mode.
const LINK_MODE: i32 = 0o120_000;
/// Links followed before a path counts as a loop.
const MAX_LINK_HOPS: usize = 8;

/// The inventory root as committed at one revision.
pub struct GitTree {
    repo: Repository,
    /// The commit's whole tree: links and `..` may reach outside the root.
    tree: Oid,
    /// The inventory root, relative to the repository.
    root: PathBuf,
    /// The revision as the user wrote it, and the commit's short id.
    revision: String,
    short_id: String,
    /// The commit's day (UTC) and the first line of its message.
    date: crate::date::Date,
    summary: String,
    max_file_size: u64,
    /// Blobs listed by [`SourceTree::files`], by the path it gave them.
    listed: RefCell<HashMap<String, (Oid, i32)>>,
}

impl GitTree {
    /// The revision `rev` of the repository holding `disk`'s root.
    pub fn open(disk: &Worktree, rev: &str) -> Result<GitTree, FileError> {
        // Objects are read from the local repository, whose hashes git itself wrote:
        // checking each one again is a tenth of reading a large revision.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(&disk.root).map_err(|_| {
            FileError::plain(format!(
                "`{}` is not inside a git repository, so revision `{rev}` cannot be read",
                shown(&disk.root)
            ))
            .with_help("run wardline inside a clone, or check the working tree without a revision")
        })?;
        let workdir = repo
            .workdir()
            .and_then(|w| w.canonicalize().ok())
            .ok_or_else(|| FileError::plain("the repository is bare: it has no working tree"))?;
        let root = disk
            .root
            .strip_prefix(&workdir)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let (short_id, tree, date, summary) = {
            let commit = resolve(&repo, rev)?;
            let tree = commit
                .tree()
                .map_err(|e| FileError::plain(format!("cannot read the tree of `{rev}`: {e}")))?;
            (
                commit.id().to_string().chars().take(7).collect(),
                tree.id(),
                crate::date::Date::from_unix_seconds(commit.time().seconds()),
                commit
                    .summary()
                    .ok()
                    .flatten()
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        let git = GitTree {
            tree,
            root,
            revision: rev.to_owned(),
            short_id,
            date,
            summary,
            max_file_size: disk.max_file_size,
            listed: RefCell::default(),
            repo,
        };
        git.root_tree()?;
        Ok(git)
    }

    /// The commit's short id, `3f2a9c1`.
    pub fn short_id(&self) -> String {
        self.short_id.clone()
    }

    /// The commit's day (UTC) and the first line of its message.
    pub fn commit(&self) -> (crate::date::Date, &str) {
        (self.date, &self.summary)
    }

    /// `HEAD~1 (3f2a9c1)`: the revision as given and the commit it names.
    pub fn revision(&self) -> String {
        format!("{} ({})", self.revision, self.short_id)
    }

    fn root_tree(&self) -> Result<git2::Tree<'_>, FileError> {
        let tree = self
            .repo
            .find_tree(self.tree)
            .map_err(|e| FileError::plain(format!("cannot read `{}`: {e}", self.revision)))?;
        if self.root.as_os_str().is_empty() {
            return Ok(tree);
        }
        let missing = || {
            FileError::plain(format!(
                "the inventory root `{}` does not exist at {}",
                shown(&self.root),
                self.revision()
            ))
            .with_help("the directory was added later or moved: pick a revision that has it")
        };
        let entry = tree.get_path(&self.root).map_err(|_| missing())?;
        self.repo.find_tree(entry.id()).map_err(|_| missing())
    }

    /// `path` (relative to the root, may climb with `..`) relative to the repository;
    /// `None` when it climbs out of it.
    fn in_repository(&self, path: &str) -> Option<PathBuf> {
        normalize(&self.root, Path::new(path))
    }

    /// The blob at repository path `at`, following committed links inside the tree.
    fn blob_at(&self, mut at: PathBuf, shown: &str) -> Result<Vec<u8>, FileError> {
        let tree = self
            .repo
            .find_tree(self.tree)
            .map_err(|e| FileError::plain(format!("cannot read `{shown}`: {e}")))?;
        for _ in 0..=MAX_LINK_HOPS {
            let entry = tree.get_path(&at).map_err(|_| {
                FileError::plain(format!("`{shown}` does not exist at {}", self.revision()))
            })?;
            let (oid, mode) = (entry.id(), entry.filemode());
            if mode != LINK_MODE {
                return self.blob(oid, mode, shown);
            }
            let target = self.blob(oid, 0, shown)?;
            let target = String::from_utf8_lossy(&target).into_owned();
            let dir = at.parent().map(Path::to_path_buf).unwrap_or_default();
            at = normalize(&dir, Path::new(&target))
                .ok_or_else(|| outside_repository(shown, &self.revision()))?;
        }
        Err(FileError::plain(format!(
            "`{shown}` is a chain of more than {MAX_LINK_HOPS} symbolic links at {}",
            self.revision()
        )))
    }

    fn blob(&self, oid: Oid, mode: i32, shown: &str) -> Result<Vec<u8>, FileError> {
        let blob = self.repo.find_blob(oid).map_err(|_| {
            let what = if mode == 0o160_000 {
                "a submodule"
            } else {
                "not a file"
            };
            FileError::plain(format!("`{shown}` is {what} at {}", self.revision()))
        })?;
        check_size(shown, blob.size() as u64, self.max_file_size)?;
        Ok(blob.content().to_vec())
    }
}

/// The commit `rev` names, or an error that says how to get it.
fn resolve<'r>(repo: &'r Repository, rev: &str) -> Result<git2::Commit<'r>, FileError> {
    if let Err(e) = repo.head()
        && e.code() == ErrorCode::UnbornBranch
    {
        return Err(FileError::plain(format!(
            "the repository has no commits yet, so revision `{rev}` does not exist"
        ))
        .with_help("commit the inventory first, or check the working tree without a revision"));
    }
    let object = repo.revparse_single(rev).map_err(|_| {
        let help = if repo.is_shallow() {
            "this is a shallow clone and may lack that commit: fetch the full history \
             (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)"
        } else {
            "check the name with `git rev-parse`; a branch of another remote must be \
             fetched first (`git fetch origin main`)"
        };
        FileError::plain(format!("unknown revision `{rev}`")).with_help(help)
    })?;
    object.peel_to_commit().map_err(|_| {
        FileError::plain(format!("revision `{rev}` does not name a commit"))
            .with_help("name a commit, a branch or a tag")
    })
}

/// `path` taken from `base` (both relative to the repository), with `.` and `..`
/// resolved; `None` when it is absolute or climbs above the repository.
fn normalize(base: &Path, path: &Path) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// A tree entry's name, with bytes that are not UTF-8 shown escaped.
fn entry_name(entry: &git2::TreeEntry) -> String {
    match entry.name() {
        Ok(name) => name.to_owned(),
        Err(_) => entry
            .name_bytes()
            .utf8_chunks()
            .map(|chunk| {
                let invalid: String = chunk
                    .invalid()
                    .iter()
                    .map(|b| format!("\\x{b:02x}"))
                    .collect();
                format!("{}{invalid}", chunk.valid())
            })
            .collect(),
    }
}

impl SourceTree for GitTree {
    fn describe(&self) -> String {
        let root = if self.root.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            shown(&self.root)
        };
        format!("`{root}` at {}", self.revision())
    }

    fn has_file(&self, path: &str) -> bool {
        let Some(at) = self.in_repository(path) else {
            return false;
        };
        self.repo
            .find_tree(self.tree)
            .is_ok_and(|tree| tree.get_path(&at).is_ok())
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FileError> {
        if let Some(&(oid, mode)) = self.listed.borrow().get(path)
            && mode != LINK_MODE
        {
            return self.blob(oid, mode, path);
        }
        let at = self
            .in_repository(path)
            .ok_or_else(|| outside_repository(path, &self.revision()))?;
        self.blob_at(at, path)
    }

    fn files(&self) -> Result<Vec<String>, FileError> {
        let tree = self.root_tree()?;
        let mut files = Vec::new();
        let mut listed = self.listed.borrow_mut();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            let name = entry_name(entry);
            match entry.kind() {
                Some(ObjectType::Tree) if name.starts_with('.') || name == "target" => {
                    TreeWalkResult::Skip
                }
                Some(ObjectType::Blob) => {
                    let path = format!("{dir}{name}");
                    listed.insert(path.clone(), (entry.id(), entry.filemode()));
                    files.push(path);
                    TreeWalkResult::Ok
                }
                _ => TreeWalkResult::Ok,
            }
        })
        .map_err(|e| FileError::plain(format!("cannot walk {}: {e}", self.describe())))?;
        files.sort();
        Ok(files)
    }

    fn files_in(&self, dir: &str) -> Result<Vec<String>, FileError> {
        let at = self
            .in_repository(dir)
            .ok_or_else(|| outside_repository(dir, &self.revision()))?;
        let missing = || FileError::plain(format!("`{dir}` does not exist at {}", self.revision()));
        let tree = self.repo.find_tree(self.tree).map_err(|_| missing())?;
        let sub = if at.as_os_str().is_empty() {
            tree
        } else {
            let entry = tree.get_path(&at).map_err(|_| missing())?;
            self.repo.find_tree(entry.id()).map_err(|_| missing())?
        };
        let mut files: Vec<String> = sub
            .iter()
            .filter(|entry| entry.kind() == Some(ObjectType::Blob))
            .map(|entry| format!("{dir}/{}", entry_name(&entry)))
            .collect();
        files.sort();
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_inside_the_repository() {
        let base = Path::new("inventory");
        assert_eq!(
            normalize(base, Path::new("../policies/./local")),
            Some(PathBuf::from("policies/local"))
        );
        assert_eq!(normalize(base, Path::new("../../etc")), None);
        assert_eq!(normalize(base, Path::new("/etc/passwd")), None);
        assert_eq!(
            normalize(Path::new(""), Path::new("a.ward")),
            Some(PathBuf::from("a.ward"))
        );
    }
}
