//! Secrets in text: the rules that tell a live credential (`rules`), run on a whole text or on
//! a file as it streams by (`scan`), whose findings are kept with the file in the layer index;
//! and secrets in an image's config replaced by a marker before it is kept or shown (`redact`).
//! Below the image reader, so the reader can run them on the bytes it already hashes; the audit
//! turns what they find into findings. Nothing here keeps a secret whole.

pub mod redact;
pub mod rules;
pub mod scan;

pub use redact::{redact, redact_json};
pub use rules::{find_secrets, find_secrets_in_bytes, fingerprint, preview, rule_by_id, Found, Rule};
pub use scan::{FileScan, FileSecret, ScanOutcome, FILE_SIZE_LIMIT};

use serde::{Deserialize, Serialize};

/// How bad a finding is, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
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
