//! The audit of the files of an image's layers: the secrets the reader found in each file's
//! content (kept with the file in the layer index, so this reads nothing), with the layer that
//! put each there and the later layer that deleted or overwrote it — it still ships; and the risky
//! files: setuid and setgid programs the image's own layers add, world-writable files and
//! folders, sudo.

use serde::Serialize;

use super::walk::Walk;
use super::{Finding, Kind, Place, Severity};
use crate::image::{EntryKind, LayerChange, LayerEntry, TreePath};
use crate::secrets::{file_size_limit, rule_by_id, ScanOutcome};

/// Files the secret rules did not read, counted so that a report never passes them over
/// silently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SkippedFiles {
    /// Files over the size limit, in every layer.
    pub too_large: usize,
    /// Their bytes.
    pub too_large_bytes: u64,
    /// The size limit, in bytes.
    pub size_limit: u64,
    /// Binary files (a NUL among their first bytes), passed over.
    pub binary: usize,
}

/// Folders where anyone may write by design.
const SHARED_FOLDERS: [&[u8]; 2] = [b"tmp", b"var/tmp"];

/// The secrets in every file of every layer, and the files the rules skipped.
pub fn secrets_in_files(layers: &[&[LayerChange]], walk: &Walk) -> (Vec<Finding>, SkippedFiles) {
    let mut findings = Vec::new();
    let mut skipped = SkippedFiles { size_limit: file_size_limit(), ..SkippedFiles::default() };
    for (index, entry) in entries(layers) {
        match &entry.scan {
            ScanOutcome::TooLarge => {
                skipped.too_large += 1;
                skipped.too_large_bytes += entry.size;
            }
            ScanOutcome::Binary => skipped.binary += 1,
            ScanOutcome::Secrets(secrets) => {
                for secret in secrets {
                    let Some(rule) = rule_by_id(&secret.rule) else { continue };
                    let path = entry.path.display();
                    let mut finding =
                        Finding::secret(rule, Place::File, &path, secret.preview.clone(), secret.fingerprint.clone());
                    finding.layer_added = Some(index);
                    if let Some(hider) = walk.hider_of(index, &entry.path) {
                        let how = if hider.deleted { "deleted" } else { "overwritten" };
                        finding.layer_hidden = Some(hider.hidden_by);
                        finding.message = format!(
                            "{}: {how} in layer {}, still shipped in layer {index}",
                            finding.message, hider.hidden_by
                        );
                    }
                    findings.push(finding);
                }
            }
            ScanOutcome::Clean | ScanOutcome::NotRead => {}
        }
    }
    (findings, skipped)
}

/// Setuid and setgid programs the layers above the first (the base) add, world-writable files
/// and folders outside `/tmp` and `/var/tmp`, and sudo — each as the image has it at the top.
pub fn risky_files(layers: &[&[LayerChange]], walk: &Walk) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, entry) in entries(layers) {
        let Some(now) = walk.top.info(&entry.path) else { continue };
        if now.layer != index || now.kind != entry.kind {
            continue; // hidden by a later layer: not what the image runs
        }
        let path = entry.path.display();
        if index > 0 && entry.kind == EntryKind::File && entry.mode & 0o6000 != 0 {
            let bits = if entry.mode & 0o4000 != 0 { "setuid" } else { "setgid" };
            findings.push(risky(
                "setuid-file",
                Severity::Medium,
                &path,
                index,
                &format!("{path} is {bits} (added in layer {index}): it runs with its owner's rights whoever starts it; drop the bit unless the program needs it"),
            ));
        }
        if world_writable(entry) {
            findings.push(risky(
                "world-writable",
                Severity::Medium,
                &path,
                index,
                &format!("{path} can be written by any user (mode {:04o}, layer {index}): anyone in the container can change it", entry.mode),
            ));
        }
    }
    for sudo in ["usr/bin/sudo", "bin/sudo"] {
        let path = TreePath::parse(sudo.as_bytes()).expect("a plain path");
        if let Some(found) = walk.top.info(&path).filter(|info| info.kind == EntryKind::File) {
            findings.push(risky(
                "sudo-installed",
                Severity::Low,
                &path.display(),
                found.layer,
                &format!("sudo is installed (layer {}): whoever gets a shell in the container can try to become root; remove it and set a USER", found.layer),
            ));
            break;
        }
    }
    findings
}

fn risky(rule: &str, severity: Severity, path: &str, layer: usize, message: &str) -> Finding {
    let mut finding = Finding::new(rule, Kind::Setting, severity, Place::File, path, message);
    finding.layer_added = Some(layer);
    finding
}

/// A file or folder anyone may write, but for the shared temporary folders (and what is in them)
/// and for sticky folders, where each user can only remove their own files.
fn world_writable(entry: &LayerEntry) -> bool {
    let writable_kind = matches!(entry.kind, EntryKind::File | EntryKind::Directory);
    let sticky_folder = entry.kind == EntryKind::Directory && entry.mode & 0o1000 != 0;
    let path = entry.path.as_bytes();
    let shared = SHARED_FOLDERS
        .iter()
        .any(|folder| path == *folder || path.strip_prefix(*folder).is_some_and(|rest| rest.starts_with(b"/")));
    writable_kind && entry.mode & 0o002 != 0 && !sticky_folder && !shared
}

/// Every entry of every layer with its layer's index, bottom first.
pub(super) fn entries<'a>(layers: &'a [&'a [LayerChange]]) -> impl Iterator<Item = (usize, &'a LayerEntry)> {
    layers.iter().enumerate().flat_map(|(index, changes)| {
        changes.iter().filter_map(move |change| match change {
            LayerChange::Entry(entry) => Some((index, entry)),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::walk::walk;
    use crate::image::layer::tests::changes_of;

    fn with_mode(mut changes: Vec<LayerChange>, mode: u32) -> Vec<LayerChange> {
        for change in &mut changes {
            if let LayerChange::Entry(entry) = change {
                entry.mode = mode;
            }
        }
        changes
    }

    #[test]
    fn a_secret_in_a_deleted_file_says_where_it_still_ships() {
        let key = format!("ghp_{}", "a1B2c3D4e5F6".repeat(3));
        let base = changes_of(&[(b"etc/os-release", "file", b"ID=debian")]);
        let leak = changes_of(&[(b"root/.config/gh/hosts.yml", "file", format!("oauth_token: {key}\n").as_bytes())]);
        let clean = changes_of(&[(b"root/.config/gh/.wh.hosts.yml", "file", b"")]);
        let layers: Vec<&[LayerChange]> = vec![&base, &leak, &clean];
        let (findings, skipped) = secrets_in_files(&layers, &walk(&layers));
        assert_eq!(findings.len(), 1, "{findings:?}");
        let found = &findings[0];
        assert_eq!((found.rule.as_str(), found.layer_added, found.layer_hidden), ("github-token", Some(1), Some(2)));
        assert!(found.message.ends_with("deleted in layer 2, still shipped in layer 1"), "{}", found.message);
        assert_eq!(found.path, "/root/.config/gh/hosts.yml");
        assert_eq!(found.preview.as_deref(), Some("ghp_…(40)"));
        assert_eq!(skipped.too_large, 0);
    }

    #[test]
    fn setuid_world_writable_and_sudo_are_risky_but_not_in_the_base_or_tmp() {
        let base = with_mode(changes_of(&[(b"usr/bin/passwd", "file", b"elf")]), 0o4755);
        let added = with_mode(changes_of(&[(b"usr/bin/sudo", "file", b"elf")]), 0o4755);
        let shared = with_mode(changes_of(&[(b"tmp/x", "file", b"x"), (b"srv/data", "dir", b"")]), 0o777);
        let layers: Vec<&[LayerChange]> = vec![&base, &added, &shared];
        let found: Vec<(String, String)> =
            risky_files(&layers, &walk(&layers)).into_iter().map(|f| (f.rule, f.path)).collect();
        let expected =
            [("setuid-file", "/usr/bin/sudo"), ("world-writable", "/srv/data"), ("sudo-installed", "/usr/bin/sudo")];
        assert_eq!(found, expected.map(|(rule, path)| (rule.to_string(), path.to_string())));
    }
}
