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
pub use scan::{file_size_limit, set_file_size_limit, FileScan, FileSecret, ScanOutcome, DEFAULT_FILE_SIZE_LIMIT};

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

impl Severity {
    /// Every severity, least first.
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// The word reports, policies and JSON use: `info` … `critical`.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.to_ascii_lowercase();
        Severity::ALL
            .into_iter()
            .find(|severity| severity.word() == text)
            .ok_or_else(|| format!("{text:?} is not a severity (info, low, medium, high, critical)"))
    }
}
