//! What a project folder's git repository says, read from `.git` directly (no `git` needed):
//! the commit checked out, for the `org.opencontainers.image.revision` label and the
//! `<git short sha>` tag, and the `origin` remote, for `org.opencontainers.image.source`.

use std::fs;
use std::path::{Path, PathBuf};

/// The repository facts of a folder (inside a repository or not).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitFacts {
    /// The full hash of HEAD.
    pub revision: Option<String>,
    /// The URL of the `origin` remote, as written in `.git/config`.
    pub origin: Option<String>,
}

impl GitFacts {
    /// The first 7 characters of the revision, as `git rev-parse --short` usually prints it.
    pub fn short_revision(&self) -> Option<&str> {
        self.revision.as_deref().map(|r| &r[..7.min(r.len())])
    }
}

/// Reads the facts of the repository holding `folder`, if any.
pub fn facts(folder: &Path) -> GitFacts {
    let Some(git_dir) = find_git_dir(folder) else { return GitFacts::default() };
    GitFacts { revision: head_revision(&git_dir), origin: origin_url(&git_dir) }
}

/// `.git` in the folder or a parent; a `.git` file (worktrees, submodules) points elsewhere.
fn find_git_dir(folder: &Path) -> Option<PathBuf> {
    for dir in folder.ancestors() {
        let dot_git = dir.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git);
        }
        if let Ok(text) = fs::read_to_string(&dot_git) {
            let target = text.trim().strip_prefix("gitdir:")?.trim();
            return Some(dir.join(target));
        }
    }
    None
}

fn head_revision(git_dir: &Path) -> Option<String> {
    let head = fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return is_hash(head).then(|| head.to_string());
    };
    // A worktree keeps its refs in the common folder.
    let common = fs::read_to_string(git_dir.join("commondir"))
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|_| git_dir.to_path_buf());
    for dir in [git_dir, common.as_path()] {
        if let Ok(hash) = fs::read_to_string(dir.join(reference)) {
            let hash = hash.trim();
            if is_hash(hash) {
                return Some(hash.to_string());
            }
        }
        if let Ok(packed) = fs::read_to_string(dir.join("packed-refs")) {
            let found = packed.lines().find_map(|line| {
                let (hash, name) = line.split_once(' ')?;
                (name == reference && is_hash(hash)).then(|| hash.to_string())
            });
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

fn origin_url(git_dir: &Path) -> Option<String> {
    let config = fs::read_to_string(git_dir.join("config")).ok()?;
    let mut in_origin = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
        } else if in_origin {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim() == "url" {
                    return Some(value.trim().to_string());
                }
            }
        }
    }
    None
}

fn is_hash(text: &str) -> bool {
    text.len() >= 40 && text.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn reads_head_through_loose_and_packed_refs_and_the_origin_url() {
        let repo = tempfile::tempdir().unwrap();
        let git = repo.path().join(".git");
        fs::create_dir_all(git.join("refs/heads")).unwrap();
        fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(git.join("packed-refs"), format!("# pack-refs\n{HASH} refs/heads/main\n")).unwrap();
        fs::write(
            git.join("config"),
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://example.com/app.git\n",
        )
        .unwrap();
        let sub = repo.path().join("services/api");
        fs::create_dir_all(&sub).unwrap();
        let found = facts(&sub);
        assert_eq!(found.revision.as_deref(), Some(HASH));
        assert_eq!(found.short_revision(), Some("0123456"));
        assert_eq!(found.origin.as_deref(), Some("https://example.com/app.git"));
        let loose = HASH.replace('0', "f");
        fs::write(git.join("refs/heads/main"), format!("{loose}\n")).unwrap();
        assert_eq!(facts(repo.path()).revision, Some(loose));
        fs::write(git.join("HEAD"), format!("{HASH}\n")).unwrap();
        assert_eq!(facts(repo.path()).revision.as_deref(), Some(HASH), "a detached HEAD");
    }

    #[test]
    fn a_folder_outside_any_repository_has_no_facts() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(facts(dir.path()), GitFacts::default());
    }
}
