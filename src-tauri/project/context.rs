//! A project's build context: the files of its folder that `.dockerignore` lets through, walked in
//! a stable order and written as a tar the way the docker CLI writes one (owner root, permissions
//! and times kept, symlinks stored as links, names `/`-separated on every system, and on Windows
//! the modes docker gives files there), streamed — never held whole in memory.
//!
//! The same [`IgnoreRules`] answer the watcher, so what triggers a rebuild and what the build
//! sees can never disagree.

use std::collections::BTreeMap;
use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use twox_hash::xxhash3_128;

use super::ignore::IgnoreRules;
use super::BuildError;
use crate::engine::Os;

/// Where a Dockerfile outside the context folder is put inside the tar (as the docker CLI does).
const OUTSIDE_DOCKERFILE: &str = ".strata-dockerfile";

/// One folder to build, with its Dockerfile and ignore rules.
#[derive(Debug, Clone)]
pub struct BuildContext {
    root: PathBuf,
    dockerfile: PathBuf,
    rules: IgnoreRules,
}

/// What a walk of the context found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextSummary {
    /// Regular files sent (folders and symlinks not counted).
    pub files: usize,
    /// Bytes of those files' contents (not of the tar).
    pub bytes: u64,
    /// Every file and link sent, with a hash of what it held.
    pub manifest: ContextManifest,
}

/// The files and links a context sent, each with a hash of its content (of its target, for a
/// link): what tells which files changed between two builds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextManifest(BTreeMap<String, u64>);

impl ContextManifest {
    /// Whether the context held `path` (relative, `/`-separated).
    pub fn contains(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }

    /// The paths added, changed or deleted since `earlier`, sorted.
    pub fn changed_since(&self, earlier: &ContextManifest) -> Vec<String> {
        let edited = self.0.iter().filter(|(path, hash)| earlier.0.get(*path) != Some(hash)).map(|(p, _)| p);
        let deleted = earlier.0.keys().filter(|path| !self.0.contains_key(*path));
        let mut paths: Vec<String> = edited.chain(deleted).cloned().collect();
        paths.sort();
        paths
    }
}

impl FromIterator<(String, u64)> for ContextManifest {
    fn from_iter<I: IntoIterator<Item = (String, u64)>>(files: I) -> Self {
        ContextManifest(files.into_iter().collect())
    }
}

impl BuildContext {
    /// The context at `root`, built with `dockerfile` (default `root/Dockerfile`).
    pub fn new(root: &Path, dockerfile: Option<&Path>) -> Result<BuildContext, BuildError> {
        let metadata =
            fs::metadata(root).map_err(|e| BuildError::Context(format!("{} cannot be opened: {e}", root.display())))?;
        if !metadata.is_dir() {
            return Err(BuildError::Context(format!("{} is not a folder", root.display())));
        }
        let root = dunce::canonicalize(root).map_err(|e| BuildError::Context(format!("{}: {e}", root.display())))?;
        let dockerfile = match dockerfile {
            Some(path) if path.is_absolute() => path.to_path_buf(),
            Some(path) => root.join(path),
            None => root.join("Dockerfile"),
        };
        if !dockerfile.is_file() {
            return Err(BuildError::Context(format!("there is no Dockerfile at {}", dockerfile.display())));
        }
        let dockerfile = dunce::canonicalize(&dockerfile).map_err(|e| unreadable(&dockerfile, e))?;
        let rules = IgnoreRules::for_build(&root, &dockerfile)?;
        Ok(BuildContext { root, dockerfile, rules })
    }

    /// The context folder, as an absolute path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The Dockerfile's absolute path, which may lie outside the context folder.
    pub fn dockerfile(&self) -> &Path {
        &self.dockerfile
    }

    /// The Dockerfile's name inside the tar, for the build request.
    pub fn dockerfile_in_tar(&self) -> String {
        match self.dockerfile.strip_prefix(&self.root) {
            Ok(relative) => slash_path(relative),
            Err(_) => OUTSIDE_DOCKERFILE.into(),
        }
    }

    /// Whether a path in the folder (relative, `/`-separated) stays out of the context.
    pub fn is_ignored(&self, relative: &str) -> bool {
        self.rules.is_excluded(relative)
    }

    /// The paths (relative, `/`-separated, sorted) the context holds.
    pub fn paths(&self) -> Result<Vec<String>, BuildError> {
        let mut paths = Vec::new();
        self.walk(&self.root.clone(), &mut |relative, _, _| {
            paths.push(relative.to_string());
            Ok(())
        })?;
        Ok(paths)
    }

    /// Writes the context as a tar to `out`; says how many files and bytes it held.
    pub fn write_tar<W: Write>(&self, out: W) -> Result<ContextSummary, BuildError> {
        let mut tar = tar::Builder::new(out);
        let mut summary = ContextSummary::default();
        self.walk(&self.root.clone(), &mut |relative, full, metadata| {
            if let Some(hash) = append(&mut tar, relative, full, metadata)? {
                summary.manifest.0.insert(relative.to_string(), hash);
            }
            if metadata.is_file() {
                summary.files += 1;
                summary.bytes += metadata.len();
            }
            Ok(())
        })?;
        if self.dockerfile.strip_prefix(&self.root).is_err() {
            let metadata = fs::metadata(&self.dockerfile).map_err(|e| unreadable(&self.dockerfile, e))?;
            append(&mut tar, OUTSIDE_DOCKERFILE, &self.dockerfile, &metadata)?;
        }
        tar.into_inner().map_err(|e| BuildError::Context(format!("the context could not be written: {e}")))?;
        Ok(summary)
    }

    /// Visits every path the context keeps under `folder`, parents before children, names sorted.
    fn walk(
        &self,
        folder: &Path,
        visit: &mut dyn FnMut(&str, &Path, &Metadata) -> Result<(), BuildError>,
    ) -> Result<(), BuildError> {
        let mut entries: Vec<_> = fs::read_dir(folder)
            .map_err(|e| unreadable(folder, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| unreadable(folder, e))?;
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let full = entry.path();
            let relative = slash_path(full.strip_prefix(&self.root).unwrap_or(&full));
            let metadata = fs::symlink_metadata(&full).map_err(|e| unreadable(&full, e))?;
            let excluded = self.rules.is_excluded(&relative);
            if !excluded {
                visit(&relative, &full, &metadata)?;
            }
            // An excluded folder can still hold a file a `!` line brings back.
            if metadata.is_dir() && (!excluded || self.rules.has_exceptions()) {
                self.walk(&full, visit)?;
            }
        }
        Ok(())
    }
}

/// Adds one file, folder or link, owned by root as the docker CLI sends them; says the hash of a
/// file's content or a link's target.
fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    full: &Path,
    metadata: &Metadata,
) -> Result<Option<u64>, BuildError> {
    let mut header = tar::Header::new_gnu();
    header.set_metadata_in_mode(metadata, tar::HeaderMode::Complete);
    header.set_mode(sent_mode(Os::CURRENT, header.mode().unwrap_or(0o644)));
    header.set_uid(0);
    header.set_gid(0);
    let _ = header.set_username("");
    let _ = header.set_groupname("");
    let file_type = metadata.file_type();
    let failed = |e| unreadable(full, e);
    if file_type.is_symlink() {
        let target = fs::read_link(full).map_err(failed)?;
        header.set_size(0);
        let hash = xxhash3_128::Hasher::oneshot(target.as_os_str().as_encoded_bytes()) as u64;
        tar.append_link(&mut header, name, target).map_err(failed)?;
        Ok(Some(hash))
    } else if file_type.is_dir() {
        header.set_size(0);
        tar.append_data(&mut header, format!("{name}/"), io::empty()).map_err(failed)?;
        Ok(None)
    } else if file_type.is_file() {
        let mut file = Hashing { inner: File::open(full).map_err(failed)?, hasher: xxhash3_128::Hasher::new() };
        tar.append_data(&mut header, name, &mut file).map_err(failed)?;
        Ok(Some(file.hasher.finish_128() as u64))
    } else {
        Ok(None) // sockets, FIFOs and devices are not sent
    }
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: xxhash3_128::Hasher,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.hasher.write(&buffer[..read]);
        Ok(read)
    }
}

/// The permission bits docker sends for a file read on `os`: as they are where files have Unix
/// modes; on Windows, which keeps none (the tar crate makes 0644, or 0444 when read-only, and 0755
/// for folders), group and others lose write and everyone gains execute, as docker's own
/// archive does — so a script copied from Windows runs in the image, as with `docker build`.
fn sent_mode(os: Os, mode: u32) -> u32 {
    match os {
        Os::Windows => (mode & 0o755) | 0o111,
        Os::Linux | Os::MacOs => mode,
    }
}

fn unreadable(path: &Path, error: io::Error) -> BuildError {
    BuildError::Context(format!("{} cannot be read: {error}", path.display()))
}

/// A relative path with `/` between names, whatever the platform.
pub fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_tar_holds_what_dockerignore_lets_through_owned_by_root() {
        let dir = project(&[
            ("Dockerfile", "FROM scratch\n"),
            (".dockerignore", "*.log\nbuild\n!build/keep.txt\n.git\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("debug.log", "noise"),
            ("build/out.bin", "binary"),
            ("build/keep.txt", "kept"),
            (".git/HEAD", "ref: refs/heads/main\n"),
        ]);
        let context = BuildContext::new(dir.path(), None).unwrap();
        assert_eq!(context.paths().unwrap(), [".dockerignore", "Dockerfile", "build/keep.txt", "src", "src/main.rs"]);
        let mut bytes = Vec::new();
        let summary = context.write_tar(&mut bytes).unwrap();
        assert_eq!(summary.files, 4);
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut names = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            assert_eq!((entry.header().uid().unwrap(), entry.header().gid().unwrap()), (0, 0));
            names.push(entry.path().unwrap().display().to_string());
        }
        assert_eq!(names, [".dockerignore", "Dockerfile", "build/keep.txt", "src/", "src/main.rs"]);
        assert!(context.is_ignored(".git/index") && context.is_ignored("build/out.bin"));
        assert!(!context.is_ignored("src/lib.rs"));
    }

    #[test]
    fn a_missing_folder_or_dockerfile_is_a_clear_error() {
        let missing = BuildContext::new(Path::new("/nonexistent/project"), None).unwrap_err();
        assert!(missing.to_string().contains("/nonexistent/project cannot be opened"), "{missing}");
        let dir = project(&[("README.md", "hi")]);
        let error = BuildContext::new(dir.path(), None).unwrap_err();
        assert!(error.to_string().contains("there is no Dockerfile"), "{error}");
    }

    #[test]
    fn a_dockerfile_outside_the_folder_is_sent_under_a_name_of_its_own() {
        let dir = project(&[("app/main.txt", "x"), ("docker/app.Dockerfile", "FROM scratch\n")]);
        let context =
            BuildContext::new(&dir.path().join("app"), Some(&dir.path().join("docker/app.Dockerfile"))).unwrap();
        assert_eq!(context.dockerfile_in_tar(), OUTSIDE_DOCKERFILE);
        let mut bytes = Vec::new();
        context.write_tar(&mut bytes).unwrap();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> =
            archive.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert_eq!(names, ["main.txt", OUTSIDE_DOCKERFILE]);
    }

    #[test]
    fn windows_modes_are_sent_as_docker_sends_them() {
        assert_eq!(sent_mode(Os::Windows, 0o644), 0o755);
        assert_eq!(sent_mode(Os::Windows, 0o444), 0o555, "a read-only file stays read-only");
        assert_eq!(sent_mode(Os::Windows, 0o755), 0o755);
        assert_eq!(sent_mode(Os::Windows, 0o666), 0o755, "group and others never get write");
        assert_eq!(sent_mode(Os::Linux, 0o640), 0o640);
        assert_eq!(sent_mode(Os::MacOs, 0o600), 0o600);
    }

    /// On Windows (the cross-built tests run under Wine) the folder has a drive letter and
    /// backslashes; the tar must still name every entry with `/`, and the modes be docker's.
    #[test]
    fn nested_folders_are_sent_with_forward_slashes() {
        let dir = project(&[
            ("Dockerfile", "FROM scratch\n"),
            ("src/app/main.rs", "fn main() {}"),
            ("run.sh", "#!/bin/sh\n"),
        ]);
        let context = BuildContext::new(dir.path(), None).unwrap();
        if cfg!(windows) {
            let root = context.root().display().to_string();
            assert!(root.as_bytes()[1] == b':' && root.contains('\\'), "a Windows path without \\\\?\\: {root}");
        }
        let mut bytes = Vec::new();
        context.write_tar(&mut bytes).unwrap();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut entries = Vec::new();
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            let name = String::from_utf8(entry.path_bytes().into_owned()).unwrap();
            entries.push((name, entry.header().mode().unwrap() & 0o777));
        }
        let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Dockerfile", "run.sh", "src/", "src/app/", "src/app/main.rs"]);
        if cfg!(windows) {
            assert!(entries.iter().all(|(_, mode)| *mode == 0o755), "{entries:?}");
        }
    }
}
