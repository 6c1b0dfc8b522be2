//! The security audit of an image — the pipeline's *verify security* step: findings of three
//! kinds, each with a stable rule id, a severity and where it is.
//!
//! - **Secrets** ([`secrets`]): live credentials, by pattern. Never kept whole: a finding carries
//!   a redacted preview and a fingerprint.
//! - **Risky settings** ([`config`]): running as root, no healthcheck, a URL fetched by `ADD`, a
//!   secret-looking variable, SSH's port exposed.
//! - **Waste advice**: hidden bytes turned into Dockerfile fixes (to come).
//!
//! This first part reads what the image's config holds — environment, labels, the history's
//! commands (where build arguments leak), command, entrypoint, healthcheck, user, ports — from the
//! index Strata already has, so it needs no export. Secrets in the files of the layers are read
//! by the next part, inside the streaming reader.

pub mod config;
pub mod secrets;

use serde::Serialize;

/// How bad a finding is, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// A weak spot.
    Low,
    /// Fix it before shipping.
    Medium,
    /// Fix it now.
    High,
    /// A live credential shipped.
    Critical,
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!("{other:?} is not a severity (info, low, medium, high, critical)")),
        }
    }
}

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
}

/// What fails an audit, as `--fail-on` says it.
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
