//! An image's audit in a few numbers, kept in the index cache under the image's id whenever the
//! image is audited (the Layers screen, `strata audit`, a project's build), so that the Images
//! list can show them for every image audited before — never reading an image to fill them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Audit, Kind, Severity};
use crate::image::cache::KeptForImage;
use crate::image::IndexCache;

/// How many findings of each kind an audit had (before any allow-list), and the worst severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditTally {
    /// Secrets in the config or in files.
    pub secrets: u32,
    /// Risky settings and files.
    pub settings: u32,
    /// Waste advice.
    pub advice: u32,
    /// The most severe finding's severity; `None` when there is no finding.
    pub highest: Option<Severity>,
}

impl AuditTally {
    /// Counts `audit`'s findings.
    pub fn of(audit: &Audit) -> AuditTally {
        let mut tally =
            AuditTally { highest: audit.findings.iter().map(|f| f.severity).max(), ..AuditTally::default() };
        for finding in &audit.findings {
            match finding.kind {
                Kind::Secret => tally.secrets += 1,
                Kind::Setting => tally.settings += 1,
                Kind::Advice => tally.advice += 1,
            }
        }
        tally
    }
}

/// Keeps `audit`'s tally under `image_id`; failing to write only leaves the Images list's cell
/// empty.
pub fn remember(cache: &IndexCache, image_id: &str, audit: &Audit) {
    cache.store_record(KeptForImage::AuditTally, image_id, &AuditTally::of(audit));
}

/// The tallies kept for those of `image_ids` that were audited before.
pub fn remembered(cache: &IndexCache, image_ids: &[String]) -> HashMap<String, AuditTally> {
    image_ids.iter().filter_map(|id| Some((id.clone(), cache.load_record(KeptForImage::AuditTally, id)?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{files::SkippedFiles, Finding, Place};

    const ID: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn audit_of(findings: Vec<Finding>) -> Audit {
        Audit { findings, skipped_files: SkippedFiles::default() }
    }

    #[test]
    fn a_tally_counts_each_kind_and_keeps_the_worst_severity() {
        let findings = vec![
            Finding::new("a", Kind::Secret, Severity::Critical, Place::File, "/a", "a"),
            Finding::new("b", Kind::Setting, Severity::Low, Place::Config, "user", "b"),
            Finding::new("c", Kind::Advice, Severity::Info, Place::File, "/c", "c"),
            Finding::new("d", Kind::Advice, Severity::Info, Place::File, "/d", "d"),
        ];
        let tally = AuditTally::of(&audit_of(findings));
        assert_eq!(tally, AuditTally { secrets: 1, settings: 1, advice: 2, highest: Some(Severity::Critical) });
        assert_eq!(AuditTally::of(&audit_of(Vec::new())).highest, None);
    }

    #[test]
    fn tallies_are_found_again_by_image_id_and_only_for_audited_images() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let findings = vec![Finding::new("a", Kind::Secret, Severity::High, Place::Env, "env.A", "a")];
        remember(&cache, ID, &audit_of(findings));
        let other = "sha256:3333333333333333333333333333333333333333333333333333333333333333".to_string();
        let found = remembered(&cache, &[ID.to_string(), other, "not-an-id".to_string()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[ID].secrets, 1);
    }
}
