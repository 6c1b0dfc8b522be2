//! Edited files copied into a running container through the Engine API, as a rule of
//! [`super::sync_rules`] routed them: one tar of just those files (modes kept) unpacked at `/` by
//! `PUT /containers/{id}/archive`, files deleted from the folder removed with `rm -rf` run in the
//! container (as compose does), then the rule's restart or command. A symbolic link pointing out
//! of the rule's folder is never followed nor copied; a file that vanishes between the event and
//! the copy is removed instead. When the container cannot take the copy (not running, no `rm`,
//! a target that is not a folder) the caller rebuilds, and says why.

use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::query_parameters::UploadToContainerOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;

use super::sync_rules::{SyncAction, SyncBatch, SyncRule};

/// What one batch's copy did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SyncReport {
    /// The container it went into.
    pub container: String,
    /// Files (and links) copied.
    pub copied: usize,
    /// Paths removed from the container.
    pub removed: usize,
    /// Links left out because they point out of the rule's folder.
    pub links_not_followed: Vec<String>,
    /// What ran after the copy: `restarted`, or the command.
    pub then: Option<String>,
    /// How long it took, from the first read to the last answer.
    pub millis: u64,
    /// All of it in one line, for the history and the CLI: "synced 3 files into web (84 ms),
    /// then restarted it".
    pub summary: String,
}

impl SyncReport {
    fn summarise(&mut self) {
        let mut line = format!("synced {} into {}", crate::format::plural(self.copied, "file"), self.container);
        if self.removed > 0 {
            line.push_str(&format!(", removed {}", self.removed));
        }
        line.push_str(&format!(" ({} ms)", self.millis));
        match self.then.as_deref() {
            Some("restarted") => line.push_str(", then restarted it"),
            Some(command) => line.push_str(&format!(", then ran {command}")),
            None => {}
        }
        if !self.links_not_followed.is_empty() {
            let links = crate::format::plural(self.links_not_followed.len(), "link");
            line.push_str(&format!("; {links} pointing out of the folder not followed"));
        }
        self.summary = line;
    }
}

/// Why a copy could not be made; the caller rebuilds instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncFailure {
    /// The container is missing or stopped.
    #[error("the container {0} is not running")]
    NotRunning(String),
    /// Deleting needs `rm` in the container, which it does not have.
    #[error("the container {0} has no rm to delete files with")]
    NoRemover(String),
    /// The daemon refused the copy, the restart or the command.
    #[error("copying into {container} failed: {reason}")]
    Refused {
        /// The container.
        container: String,
        /// What the daemon or the command said.
        reason: String,
    },
    /// The rule's own folder is not in the project (deleted or renamed): nothing to copy, and its
    /// target is left alone rather than emptied.
    #[error("{0} is not in the project folder")]
    RuleFolderGone(String),
    /// More than [`COPY_LIMIT`] bytes at once: a rebuild sends them better.
    #[error("the copy would be {0} bytes, over the 512 MiB live sync sends at once")]
    TooLarge(u64),
    /// A file of the folder could not be read.
    #[error("{path} could not be read: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// The system's reason.
        reason: String,
    },
}

/// Copies `batch` (routed by `rule`) from `folder` into `container`, then restarts it or runs
/// the rule's command. A folder in the batch brings the files in it that `takes` accepts (paths
/// relative to `folder`: the rule's ignore list and `.dockerignore`).
pub async fn sync_batch(
    docker: &Docker,
    container: &str,
    folder: &Path,
    rule: &SyncRule,
    batch: &SyncBatch,
    takes: &(dyn Fn(&str) -> bool + Sync),
) -> Result<SyncReport, SyncFailure> {
    let started = Instant::now();
    let running = docker.inspect_container(container, None).await.ok().and_then(|c| c.state?.running);
    if running != Some(true) {
        return Err(SyncFailure::NotRunning(container.to_string()));
    }
    let rule_path = rule.path.trim_start_matches("./");
    let rule_folder = folder.join(rule_path);
    if !rule_folder.exists() {
        // Never `rm -rf` a rule's whole target because its folder went away.
        return Err(SyncFailure::RuleFolderGone(rule_path.to_string()));
    }
    let rule_folder = dunce::canonicalize(&rule_folder).unwrap_or_else(|_| lexically_normal(&rule_folder));
    let mut archive =
        Archive { tar: tar::Builder::new(Vec::new()), copied: 0, bytes: 0, links_not_followed: Vec::new() };
    let mut removed = Vec::new();
    for (relative, target) in without_nested(&batch.files) {
        let source = Source { folder, relative, rule_folder: &rule_folder, takes };
        if !source.is_inside_rule_folder() {
            // A folder on the way is a link out of the rule's folder: what is under it stays out.
            archive.links_not_followed.push(relative.clone());
            continue;
        }
        if add_to_archive(&mut archive, &source, target)? == Added::Gone {
            removed.push(target.clone());
        }
    }
    let Archive { tar: archive, copied, links_not_followed, .. } = archive;
    let tar = archive.into_inner().map_err(|e| unreadable(folder, &e))?;
    if copied > 0 {
        let options = UploadToContainerOptionsBuilder::new().path("/").build();
        docker
            .upload_to_container(container, Some(options), bollard::body_full(tar.into()))
            .await
            .map_err(|error| refused(container, error.to_string()))?;
    }
    if !removed.is_empty() {
        let mut command = vec!["rm".to_string(), "-rf".into(), "--".into()];
        command.extend(removed.iter().cloned());
        run_in(docker, container, &command).await.map_err(|failure| match failure {
            Ran::NotFound => SyncFailure::NoRemover(container.to_string()),
            Ran::Failed(reason) => refused(container, reason),
        })?;
    }
    let then = after_copy(docker, container, rule).await?;
    let mut report = SyncReport {
        container: container.to_string(),
        copied,
        removed: removed.len(),
        links_not_followed,
        then,
        millis: started.elapsed().as_millis() as u64,
        summary: String::new(),
    };
    report.summarise();
    Ok(report)
}

/// The rule's restart or command, once the files are in.
async fn after_copy(docker: &Docker, container: &str, rule: &SyncRule) -> Result<Option<String>, SyncFailure> {
    match rule.action {
        SyncAction::SyncRestart => {
            docker.restart_container(container, None).await.map_err(|error| refused(container, error.to_string()))?;
            Ok(Some("restarted".into()))
        }
        SyncAction::SyncExec => {
            // The files are in: a command that fails is said, as compose says it, and the next
            // edit is synced again rather than rebuilt.
            let command = rule.exec.clone().unwrap_or_default();
            let shown = command.join(" ");
            Ok(Some(match run_in(docker, container, &command).await {
                Ok(()) => shown,
                Err(Ran::NotFound) => format!("{shown} (not in the container)"),
                Err(Ran::Failed(reason)) => format!("{shown}, which failed: {reason}"),
            }))
        }
        SyncAction::Sync | SyncAction::Rebuild => Ok(None),
    }
}

/// The batch without the paths under another of its paths: a new folder brings what it holds,
/// so its files' own events must not copy them twice.
fn without_nested(files: &[(String, String)]) -> Vec<&(String, String)> {
    let named: std::collections::HashSet<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
    let is_nested = |path: &str| path.match_indices('/').any(|(at, _)| named.contains(&path[..at]));
    files.iter().filter(|(path, _)| !is_nested(path)).collect()
}

/// The tar being made, and what went into it.
struct Archive {
    tar: tar::Builder<Vec<u8>>,
    /// Files and links put in.
    copied: usize,
    /// Their content's bytes, held until the copy is sent.
    bytes: u64,
    /// Links (and paths under linked folders) left out, relative to the project folder.
    links_not_followed: Vec<String>,
}

/// Live sync sends at most this much at once; more is a rebuild's job.
pub const COPY_LIMIT: u64 = 512 * 1024 * 1024;

/// What a path of the folder did to the archive.
#[derive(Debug, PartialEq, Eq)]
enum Added {
    /// Went in (a folder with what it holds), or was left out as a link pointing away.
    Done,
    /// It is not in the folder (deleted, or gone since the event).
    Gone,
}

/// A path of the project being copied, and what may be copied with it.
#[derive(Clone, Copy)]
struct Source<'a> {
    folder: &'a Path,
    /// The path, relative to `folder`, `/`-separated.
    relative: &'a str,
    /// The rule's folder, resolved: nothing is read from outside it.
    rule_folder: &'a Path,
    /// Which files a folder brings along.
    takes: &'a (dyn Fn(&str) -> bool + Sync),
}

impl Source<'_> {
    fn local(&self) -> PathBuf {
        self.folder.join(self.relative)
    }

    /// Whether the folder holding this path, links resolved, is the rule's folder or in it (a
    /// path that is gone counts as inside: it is removed, not read).
    fn is_inside_rule_folder(&self) -> bool {
        let local = self.local();
        // A rule of one file (`./nginx.conf`) takes that file.
        if dunce::canonicalize(&local).is_ok_and(|resolved| resolved == self.rule_folder) {
            return true;
        }
        let Some(parent) = local.parent() else { return false };
        match dunce::canonicalize(parent) {
            Ok(resolved) => resolved.starts_with(self.rule_folder),
            Err(_) => true,
        }
    }
}

/// Adds the source's path to the archive at `target` (an absolute path in the container).
fn add_to_archive(archive: &mut Archive, source: &Source, target: &str) -> Result<Added, SyncFailure> {
    let local = source.local();
    let local = local.as_path();
    let metadata = match std::fs::symlink_metadata(local) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Added::Gone),
        Err(error) => return Err(unreadable(local, &error)),
    };
    let name = target.trim_start_matches('/');
    if metadata.file_type().is_symlink() {
        let points_to = std::fs::read_link(local).map_err(|e| unreadable(local, &e))?;
        let resolved = lexically_normal(&local.parent().unwrap_or(Path::new("/")).join(&points_to));
        let resolved = dunce::canonicalize(&resolved).unwrap_or(resolved);
        if !resolved.starts_with(source.rule_folder) {
            archive.links_not_followed.push(source.relative.to_string());
            return Ok(Added::Done);
        }
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        header.set_mode(0o777);
        archive.tar.append_link(&mut header, name, &points_to).map_err(|e| unreadable(local, &e))?;
        archive.copied += 1;
        return Ok(Added::Done);
    }
    if metadata.is_dir() {
        let entries = std::fs::read_dir(local).map_err(|e| unreadable(local, &e))?;
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let relative = match source.relative {
                "" | "." => file_name.clone(),
                folder => format!("{folder}/{file_name}"),
            };
            if !(source.takes)(&relative) {
                continue;
            }
            let inner = format!("{}/{file_name}", target.trim_end_matches('/'));
            add_to_archive(archive, &Source { relative: &relative, ..*source }, &inner)?;
        }
        return Ok(Added::Done);
    }
    archive.bytes += metadata.len();
    if archive.bytes > COPY_LIMIT {
        return Err(SyncFailure::TooLarge(archive.bytes));
    }
    // Read whole first, so a file still being written goes in as it is now (its next write
    // brings another copy), with its mode and time.
    let content = match std::fs::read(local) {
        Ok(content) => content,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Added::Gone),
        Err(error) => return Err(unreadable(local, &error)),
    };
    let mut header = tar::Header::new_gnu();
    header.set_metadata(&metadata);
    header.set_size(content.len() as u64);
    archive.tar.append_data(&mut header, name, content.as_slice()).map_err(|e| unreadable(local, &e))?;
    archive.copied += 1;
    Ok(Added::Done)
}

/// How a command run in the container ended badly.
enum Ran {
    /// Its program is not in the container.
    NotFound,
    /// It could not start, or exited non-zero (with what it said).
    Failed(String),
}

/// Runs `command` in the container and waits for it to end.
async fn run_in(docker: &Docker, container: &str, command: &[String]) -> Result<(), Ran> {
    let options = CreateExecOptions {
        cmd: Some(command.to_vec()),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        ..Default::default()
    };
    let created = docker.create_exec(container, options).await.map_err(|e| Ran::Failed(e.to_string()))?;
    let mut said = String::new();
    match docker.start_exec(&created.id, None).await {
        Ok(StartExecResults::Attached { mut output, .. }) => {
            while let Some(Ok(piece)) = output.next().await {
                said.push_str(&String::from_utf8_lossy(&piece.into_bytes()));
            }
        }
        Ok(StartExecResults::Detached) => {}
        Err(error) => return Err(not_found_or(error.to_string())),
    }
    let inspected = docker.inspect_exec(&created.id).await.map_err(|e| Ran::Failed(e.to_string()))?;
    match inspected.exit_code {
        Some(0) => Ok(()),
        // 126 and 127: the runtime could not find or start the program.
        Some(126 | 127) => Err(Ran::NotFound),
        code => Err(Ran::Failed(format!(
            "{} exited with {}: {}",
            command.join(" "),
            code.map_or("no code".into(), |c| c.to_string()),
            said.trim()
        ))),
    }
}

fn not_found_or(reason: String) -> Ran {
    let lower = reason.to_lowercase();
    if lower.contains("executable file not found") || lower.contains("no such file or directory") {
        Ran::NotFound
    } else {
        Ran::Failed(reason)
    }
}

fn refused(container: &str, reason: String) -> SyncFailure {
    SyncFailure::Refused { container: container.to_string(), reason }
}

fn unreadable(path: &Path, error: &std::io::Error) -> SyncFailure {
    SyncFailure::Unreadable { path: path.display().to_string(), reason: error.to_string() }
}

/// `path` with `.` and `..` resolved by name alone (links not followed).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_folder_and_its_files_are_copied_once() {
        let pair = |path: &str| (path.to_string(), format!("/app/{path}"));
        let files = [pair("burst/a.js"), pair("burst"), pair("burst-2.js"), pair("burst/b.js"), pair("other.js")];
        let kept: Vec<&str> = without_nested(&files).iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(kept, ["burst", "burst-2.js", "other.js"]);
    }

    fn archive() -> Archive {
        Archive { tar: tar::Builder::new(Vec::new()), copied: 0, bytes: 0, links_not_followed: Vec::new() }
    }

    #[test]
    fn a_link_is_judged_by_where_it_points_and_a_folder_by_what_its_rule_takes() {
        assert_eq!(lexically_normal(Path::new("/p/src/../secrets/./key")), PathBuf::from("/p/secrets/key"));
        let dir = tempfile::tempdir().unwrap();
        let project = dunce::canonicalize(dir.path()).unwrap();
        let src = project.join("src");
        std::fs::create_dir_all(src.join("node_modules")).unwrap();
        std::fs::write(src.join("real.txt"), "x").unwrap();
        std::fs::write(src.join("node_modules/dep.js"), "x").unwrap();
        let everything = |_: &str| true;
        let source =
            |relative: &'static str| Source { folder: &project, relative, rule_folder: &src, takes: &everything };
        let mut taken = archive();
        #[cfg(unix)]
        {
            std::fs::create_dir(project.join("secrets")).unwrap();
            std::fs::write(project.join("secrets/key.pem"), "secret").unwrap();
            std::os::unix::fs::symlink("real.txt", src.join("inside")).unwrap();
            std::os::unix::fs::symlink("../../etc/passwd", src.join("outside")).unwrap();
            std::os::unix::fs::symlink("../secrets", src.join("shared")).unwrap();
            assert_eq!(add_to_archive(&mut taken, &source("src/inside"), "/app/inside").unwrap(), Added::Done);
            assert_eq!(taken.copied, 1);
            add_to_archive(&mut taken, &source("src/outside"), "/app/outside").unwrap();
            assert_eq!((taken.copied, taken.links_not_followed.clone()), (1, vec!["src/outside".to_string()]));
            // An edit under a linked folder arrives as a path inside the rule's folder.
            assert!(!source("src/shared/key.pem").is_inside_rule_folder(), "the linked folder is outside");
            assert!(source("src/real.txt").is_inside_rule_folder());
        }
        assert_eq!(add_to_archive(&mut taken, &source("src/gone.txt"), "/app/gone.txt").unwrap(), Added::Gone);
        // A folder brings what `takes` accepts.
        let no_modules = |path: &str| {
            !path.contains("node_modules")
                && !path.contains("inside")
                && !path.contains("outside")
                && !path.contains("shared")
        };
        let filtered = Source { takes: &no_modules, ..source("src") };
        let mut folder = archive();
        add_to_archive(&mut folder, &filtered, "/app").unwrap();
        let names: Vec<String> = tar::Archive::new(folder.tar.into_inner().unwrap().as_slice())
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["app/real.txt"]);
        assert_eq!((folder.copied, folder.bytes), (1, 1));
    }
}
