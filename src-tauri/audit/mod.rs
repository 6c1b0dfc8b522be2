//! The security audit of an image — the pipeline's *verify security* step: findings of three
//! kinds, each with a stable rule id, a severity and where it is.
//!
//! - **Secrets** ([`crate::secrets`]): live credentials, by pattern, in the config ([`config`])
//!   and in every file of every layer, deleted ones too ([`files`]). Never kept whole: a finding
//!   carries a redacted preview and a fingerprint.
//! - **Risky settings**: running as root, no healthcheck, a URL fetched by `ADD`, a
//!   secret-looking variable, SSH's port exposed ([`config`]); setuid programs, world-writable
//!   files, sudo ([`files`]).
//! - **Waste advice** ([`advice`]): hidden bytes turned into Dockerfile fixes.
//!
//! Everything comes from what Strata already has of an image — its config and its layer index,
//! whose files the reader scanned for secrets as they streamed by ([`crate::secrets::scan`]) — so
//! an image read before audits with no export. [`allow`] marks what a team accepts.

pub mod advice;
pub mod allow;
pub mod config;
pub mod files;
pub mod sarif;
pub mod tally;
pub mod walk;

use serde::Serialize;

use crate::image::analysis::layer_commands_of;
use crate::image::{Image, IndexCache, LayerChange};
use crate::secrets::Rule;

pub use crate::secrets::Severity;

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A credential.
    Secret,
    /// A risky setting.
    Setting,
    /// Bytes the image could shed.
    Advice,
}

impl Kind {
    /// The word reports and JSON use: `secret`, `setting`, `advice`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Setting => "setting",
            Kind::Advice => "advice",
        }
    }
}

/// Where in the image a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    /// A file of a layer.
    File,
    /// An environment variable.
    Env,
    /// A label.
    Label,
    /// A history entry's command (`created_by`).
    History,
    /// Another config field: user, command, entrypoint, healthcheck, exposed ports.
    Config,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "AuditFinding")]
pub struct Finding {
    /// The rule's stable id: `github-token`, `runs-as-root`.
    pub rule: String,
    /// Secret, setting or advice.
    pub kind: Kind,
    /// How bad it is.
    pub severity: Severity,
    /// Where it is: a file, a variable, a label, the history, another config field.
    #[serde(rename = "where")]
    #[ts(rename = "where")]
    pub place: Place,
    /// The file's path, or the key (`env.API_TOKEN`, `labels.deploy`, `history.3`, `user`).
    pub path: String,
    /// The layer that put it there, counted from 0 at the bottom (None for the config).
    pub layer_added: Option<usize>,
    /// For a file, the later layer that deleted or overwrote it (it still ships in its layer).
    pub layer_hidden: Option<usize>,
    /// What was found, in words.
    pub message: String,
    /// A secret's first 4 characters, `…` and its length; None for anything else.
    pub preview: Option<String>,
    /// A secret's `sha256:` fingerprint; None for anything else.
    pub fingerprint: Option<String>,
    /// For advice: the bytes the fix would save.
    pub bytes_saved: Option<u64>,
    /// An allow-list entry covers it: shown as allowed, never dropped.
    pub allowed: bool,
    /// The allow-list entry's reason, when one covers it.
    pub allowed_because: Option<String>,
}

impl Finding {
    /// A finding of `kind` with nothing yet said of layers, secrets or bytes.
    pub fn new(rule: &str, kind: Kind, severity: Severity, place: Place, path: &str, message: &str) -> Finding {
        Finding {
            rule: rule.to_string(),
            kind,
            severity,
            place,
            path: path.to_string(),
            layer_added: None,
            layer_hidden: None,
            message: message.to_string(),
            preview: None,
            fingerprint: None,
            bytes_saved: None,
            allowed: false,
            allowed_because: None,
        }
    }

    /// A secret `rule` found at `place` / `path`, shown by its preview and fingerprint only.
    pub fn secret(rule: &Rule, place: Place, path: &str, preview: String, fingerprint: String) -> Finding {
        let what = capitalized(rule.what);
        let mut finding = Finding::new(rule.id, Kind::Secret, rule.severity, place, path, &format!("{what} in {path}"));
        finding.preview = Some(preview);
        finding.fingerprint = Some(fingerprint);
        finding
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// An image's audit: every finding, most severe first, and the files the secret rules skipped.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Audit {
    /// Secrets, risky settings and advice.
    pub findings: Vec<Finding>,
    /// Files not read for secrets: too large, or binary.
    pub skipped_files: files::SkippedFiles,
}

/// Audits `image` from its config and layer index (no export): secrets in the config and in
/// every file of every layer, risky settings and files, waste advice.
pub fn audit_image(image: &Image) -> Audit {
    let layers: Vec<&[LayerChange]> = image.layers.iter().map(|layer| layer.changes.as_slice()).collect();
    let walked = walk::walk(&layers);
    let (mut findings, skipped_files) = files::secrets_in_files(&layers, &walked);
    findings.extend(config::audit_config(&image.config));
    findings.extend(files::risky_files(&layers, &walked));
    findings.extend(advice::advice(&layers, &layer_commands_of(image), &walked));
    // Most severe first; within a severity, secrets, then settings, then advice.
    findings.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.kind as u8));
    Audit { findings, skipped_files }
}

/// [`audit_image`], with its [`tally`] kept in `cache` for the Images list.
pub fn audit_and_remember(image: &Image, cache: &IndexCache) -> Audit {
    let audit = audit_image(image);
    tally::remember(cache, &image.id, &audit);
    audit
}

/// What fails an audit, as `--fail-on` says it; kept in a project's settings as that word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Any secret fails it (the default).
    Secrets,
    /// Any finding (not allowed) at or above this severity fails it.
    AtLeast(Severity),
    /// Nothing fails it: the report only.
    Never,
}

impl std::str::FromStr for FailOn {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "secrets" => Ok(FailOn::Secrets),
            "never" => Ok(FailOn::Never),
            severity => severity.parse().map(FailOn::AtLeast).map_err(|_| {
                format!("{text:?} is not a policy: secrets, never, or a severity (info, low, medium, high, critical)")
            }),
        }
    }
}

impl std::fmt::Display for FailOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailOn::Secrets => f.write_str("secrets"),
            FailOn::Never => f.write_str("never"),
            FailOn::AtLeast(severity) => f.write_str(severity.word()),
        }
    }
}

impl Serialize for FailOn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for FailOn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

impl FailOn {
    /// Whether `findings` fail the audit under this policy (allowed findings never do).
    pub fn fails(self, findings: &[Finding]) -> bool {
        let counted = findings.iter().filter(|f| !f.allowed);
        match self {
            FailOn::Never => false,
            FailOn::Secrets => counted.into_iter().any(|f| f.kind == Kind::Secret),
            FailOn::AtLeast(least) => counted.into_iter().any(|f| f.severity >= least),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(kind: Kind, severity: Severity, allowed: bool) -> Finding {
        Finding {
            rule: "r".into(),
            kind,
            severity,
            place: Place::Env,
            path: "env.X".into(),
            layer_added: None,
            layer_hidden: None,
            message: String::new(),
            preview: None,
            fingerprint: None,
            bytes_saved: None,
            allowed,
            allowed_because: None,
        }
    }

    #[test]
    fn the_policy_fails_on_what_it_names_and_never_on_what_is_allowed() {
        let setting = finding(Kind::Setting, Severity::Medium, false);
        let secret = finding(Kind::Secret, Severity::Critical, false);
        let allowed_secret = finding(Kind::Secret, Severity::Critical, true);
        assert!(!FailOn::Secrets.fails(std::slice::from_ref(&setting)));
        assert!(FailOn::Secrets.fails(&[setting.clone(), secret.clone()]));
        assert!(!FailOn::Secrets.fails(std::slice::from_ref(&allowed_secret)));
        assert!(FailOn::AtLeast(Severity::Medium).fails(std::slice::from_ref(&setting)));
        assert!(!FailOn::AtLeast(Severity::High).fails(std::slice::from_ref(&setting)));
        assert!(!FailOn::Never.fails(&[secret]));
        assert_eq!("high".parse::<FailOn>(), Ok(FailOn::AtLeast(Severity::High)));
        assert!("loud".parse::<FailOn>().unwrap_err().contains("not a policy"));
    }
}
