//! Which installed packages are known to be vulnerable, offline. [`database`] keeps OSV's
//! advisories in a local SQLite file (imported from osv.dev's dumps, or downloaded by
//! [`download`]); [`osv`] reads a record and decides whether a version falls in its ranges, by
//! each package manager's [`version_order`]; [`matching`] checks an image's SBOM inventory
//! against the database and says, per finding, which layer installed the package; [`tally`]
//! keeps scanned images' inventories so the Images list counts them against a newer database.

pub mod database;
pub mod download;
pub mod matching;
pub mod osv;
pub mod tally;
pub mod version_order;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::problem::{ErrorCode, Problem};

pub use database::{Database, DatabaseStatus, EcosystemStatus, ImportSummary};
pub use matching::{scan, Finding, NotCompared, VulnReport};

/// How bad a vulnerability is, lowest first: CVSS's rating of the base score, or the level the
/// advisory's database writes; `unknown` when the advisory says neither.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "VulnSeverity")]
pub enum Severity {
    /// The advisory gives no severity.
    Unknown,
    /// CVSS 0.1–3.9, or `low`, `negligible`, `unimportant`.
    Low,
    /// CVSS 4.0–6.9, or `medium`, `moderate`.
    Medium,
    /// CVSS 7.0–8.9, or `high`, `important`.
    High,
    /// CVSS 9.0–10.0, or `critical`.
    Critical,
}

impl Severity {
    /// CVSS's rating of a base score.
    pub fn from_score(score: f64) -> Severity {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            _ => Severity::Low,
        }
    }

    /// The level a database's word names (`HIGH`, `moderate`, Debian's urgency `low**`).
    pub fn from_word(word: &str) -> Severity {
        match word.trim_end_matches('*').to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" | "important" => Severity::High,
            "medium" | "moderate" => Severity::Medium,
            "low" | "negligible" | "unimportant" => Severity::Low,
            _ => Severity::Unknown,
        }
    }

    /// Its name, lower case.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Why the vulnerability database could not be used or filled.
#[derive(Debug, thiserror::Error)]
pub enum VulnError {
    /// There is no database yet.
    #[error("there is no vulnerability database yet")]
    NoDatabase,
    /// The database file could not be opened, read or written.
    #[error("the vulnerability database {path} could not be used: {reason}")]
    Database {
        /// The database file.
        path: String,
        /// SQLite's words.
        reason: String,
    },
    /// A dump, or the database, is damaged or not what it claims to be.
    #[error("{path} is damaged: {reason}")]
    Damaged {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A file or folder could not be read or written.
    #[error("{path}: {reason}")]
    File {
        /// The file or folder.
        path: String,
        /// The system's words.
        reason: String,
    },
    /// A download failed or was cut.
    #[error("downloading {url} failed: {reason}")]
    Download {
        /// What was being downloaded.
        url: String,
        /// Why it stopped.
        reason: String,
    },
    /// The user stopped the work.
    #[error("stopped")]
    Cancelled,
}

impl VulnError {
    fn database(path: &Path, error: rusqlite::Error) -> VulnError {
        VulnError::Database { path: path.display().to_string(), reason: error.to_string() }
    }

    fn file(path: &Path, error: std::io::Error) -> VulnError {
        VulnError::File { path: path.display().to_string(), reason: error.to_string() }
    }
}

impl Problem for VulnError {
    fn code(&self) -> ErrorCode {
        match self {
            VulnError::NoDatabase => ErrorCode::NotFound,
            VulnError::Database { .. } | VulnError::File { .. } => ErrorCode::FileSystem,
            VulnError::Damaged { .. } => ErrorCode::Damaged,
            VulnError::Download { .. } => ErrorCode::RegistryFailed,
            VulnError::Cancelled => ErrorCode::Cancelled,
        }
    }

    fn hint(&self) -> String {
        match self {
            VulnError::NoDatabase => {
                "Run `strata vulns update` to download OSV's advisories, or `strata vulns import FILE.zip` for dumps you have".into()
            }
            VulnError::Database { .. } => "Run `strata vulns update` to make it again".into(),
            VulnError::Damaged { .. } => "Download the dump again; the database was left as it was".into(),
            VulnError::File { .. } => "Check the path and its permissions".into(),
            VulnError::Download { .. } => {
                "Run `strata vulns update` again: it resumes where it stopped, and the database was left as it was".into()
            }
            VulnError::Cancelled => String::new(),
        }
    }
}
