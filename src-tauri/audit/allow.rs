//! The allow-list, `.strata-audit.yaml`: findings a team has looked at and accepts, by rule id,
//! path glob or fingerprint, each with its reason. Allowed findings stay in the report, marked,
//! and never fail it. A file that cannot be read says which line is wrong.
//!
//! ```yaml
//! allow:
//!   - rule: runs-as-root
//!     reason: the entrypoint drops to www-data
//!   - path: /usr/share/doc/**
//!     reason: examples in the documentation
//!   - fingerprint: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//!     reason: a revoked test key
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Finding;

/// The allow-list's usual name, in a project's folder.
pub const FILE_NAME: &str = ".strata-audit.yaml";

/// One accepted finding (or family of findings): every field given must match.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: Option<String>,
    path: Option<String>,
    fingerprint: Option<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    allow: Vec<Entry>,
}

/// An allow-list, read and checked.
#[derive(Debug, Default)]
pub struct AllowList {
    entries: Vec<(Entry, Option<glob::Pattern>)>,
}

/// Why an allow-list cannot be used, in one line naming the file and the line.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct AllowListError {
    path: PathBuf,
    message: String,
}

impl crate::problem::Problem for AllowListError {
    fn code(&self) -> crate::problem::ErrorCode {
        crate::problem::ErrorCode::InvalidInput
    }

    fn hint(&self) -> String {
        format!("Each entry of `allow:` has a `reason` and at least one of `rule`, `path` or `fingerprint` (see {FILE_NAME} in docs/GUIDE.md).")
    }
}

impl AllowList {
    /// Reads the allow-list at `path`.
    pub fn read(path: &Path) -> Result<AllowList, AllowListError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AllowListError { path: path.to_path_buf(), message: e.to_string() })?;
        AllowList::parse(&text, path)
    }

    /// The allow-list in `folder` (a project's), if it has one.
    pub fn in_folder(folder: &Path) -> Result<AllowList, AllowListError> {
        let path = folder.join(FILE_NAME);
        if path.is_file() {
            AllowList::read(&path)
        } else {
            Ok(AllowList::default())
        }
    }

    /// An allow-list from its YAML text, read from `path`; an error names the line.
    pub fn parse(text: &str, path: &Path) -> Result<AllowList, AllowListError> {
        let failed = |message: String| AllowListError { path: path.to_path_buf(), message };
        if text.trim().is_empty() {
            return Ok(AllowList::default());
        }
        let file: File = serde_yaml_ng::from_str(text).map_err(|e| failed(e.to_string()))?;
        let mut entries = Vec::with_capacity(file.allow.len());
        for (index, entry) in file.allow.into_iter().enumerate() {
            if entry.rule.is_none() && entry.path.is_none() && entry.fingerprint.is_none() {
                return Err(failed(format!(
                    "allow[{index}] names no rule, path or fingerprint: it would allow everything"
                )));
            }
            if entry.reason.trim().is_empty() {
                return Err(failed(format!("allow[{index}] has an empty reason")));
            }
            let glob = match &entry.path {
                Some(path) => Some(
                    glob::Pattern::new(path)
                        .map_err(|e| failed(format!("allow[{index}]: the path {path:?} is not a glob: {e}")))?,
                ),
                None => None,
            };
            entries.push((entry, glob));
        }
        Ok(AllowList { entries })
    }

    /// Marks the findings an entry covers as allowed, with the entry's reason.
    pub fn apply(&self, findings: &mut [Finding]) {
        for finding in findings {
            if let Some((entry, _)) = self.entries.iter().find(|(entry, glob)| covers(entry, glob.as_ref(), finding)) {
                finding.allowed = true;
                finding.allowed_because = Some(entry.reason.clone());
            }
        }
    }
}

fn covers(entry: &Entry, glob: Option<&glob::Pattern>, finding: &Finding) -> bool {
    let options = glob::MatchOptions { require_literal_separator: true, ..glob::MatchOptions::new() };
    entry.rule.as_ref().is_none_or(|rule| *rule == finding.rule)
        && glob.is_none_or(|glob| glob.matches_with(&finding.path, options))
        && entry.fingerprint.as_ref().is_none_or(|fingerprint| finding.fingerprint.as_ref() == Some(fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Kind, Place, Severity};

    fn finding(rule: &str, path: &str, fingerprint: Option<&str>) -> Finding {
        let mut finding = Finding::new(rule, Kind::Secret, Severity::High, Place::File, path, "m");
        finding.fingerprint = fingerprint.map(String::from);
        finding
    }

    /// The list `text` would be, or its error in words.
    fn parsed(text: &str) -> Result<AllowList, String> {
        AllowList::parse(text, Path::new(FILE_NAME)).map_err(|e| e.to_string())
    }

    #[test]
    fn entries_allow_by_rule_glob_and_fingerprint_with_their_reason() {
        let list = parsed(
            "allow:\n  - rule: runs-as-root\n    reason: drops privileges\n  - path: /usr/share/doc/**\n    reason: docs\n  - fingerprint: sha256:ab\n    rule: jwt\n    reason: revoked\n",
        )
        .unwrap();
        let mut findings = vec![
            finding("runs-as-root", "user", None),
            finding("jwt", "/usr/share/doc/x/README", Some("sha256:cd")),
            finding("jwt", "/app/token", Some("sha256:ab")),
            finding("jwt", "/app/token", Some("sha256:ef")),
            finding("jwt", "/usr/share/docs", None),
        ];
        list.apply(&mut findings);
        let allowed: Vec<bool> = findings.iter().map(|f| f.allowed).collect();
        assert_eq!(allowed, [true, true, true, false, false]);
        assert_eq!(findings[2].allowed_because.as_deref(), Some("revoked"));
    }

    #[test]
    fn a_malformed_list_names_its_file_and_line() {
        let error = parsed("allow:\n  - rule: jwt\n    reason: ok\n  - rule: x\n    reasn: typo\n").unwrap_err();
        assert!(error.starts_with(".strata-audit.yaml: "), "{error}");
        assert!(error.contains("line 4") || error.contains("line 5"), "{error}");
        assert!(parsed("allow:\n  - reason: all of it\n").unwrap_err().contains("names no rule"));
        assert!(parsed("allow:\n  - path: 'a***b'\n    reason: r\n").unwrap_err().contains("not a glob"));
        assert!(parsed("").unwrap().entries.is_empty());
    }
}
