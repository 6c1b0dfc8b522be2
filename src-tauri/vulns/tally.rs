//! The Images list's vulnerability counts: an image's SBOM inventory is kept in the layer index
//! cache when it is scanned, and checked again against the current database whenever the list
//! asks — a newer database changes the counts without reading any image again.

use std::collections::HashMap;

use serde::Serialize;

use super::database::Database;
use super::matching::{scan, VulnReport};
use super::Severity;
use crate::image::cache::KeptForImage;
use crate::image::IndexCache;
use crate::sbom::Inventory;

/// How many known vulnerabilities an image has, by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct VulnTally {
    /// Critical ones.
    pub critical: usize,
    /// High ones.
    pub high: usize,
    /// Medium ones.
    pub medium: usize,
    /// Low ones.
    pub low: usize,
    /// Ones whose advisory gives no severity.
    pub unknown: usize,
}

impl VulnTally {
    /// The counts of a scan.
    pub fn of(report: &VulnReport) -> VulnTally {
        let count = |severity| report.findings.iter().filter(|f| f.severity == severity).count();
        VulnTally {
            critical: count(Severity::Critical),
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            unknown: count(Severity::Unknown),
        }
    }
}

/// Keeps `inventory` as image `image_id`'s, for [`tallies`].
pub fn remember_inventory(cache: &IndexCache, image_id: &str, inventory: &Inventory) {
    cache.store_record(KeptForImage::Inventory, image_id, inventory);
}

/// The counts for those of `image_ids` whose inventory was kept, against `database`. An image
/// whose scan fails is left out, as one never scanned is.
pub fn tallies(cache: &IndexCache, database: &Database, image_ids: &[String]) -> HashMap<String, VulnTally> {
    image_ids
        .iter()
        .filter_map(|id| {
            let inventory: Inventory = cache.load_record(KeptForImage::Inventory, id)?;
            Some((id.clone(), VulnTally::of(&scan(database, &inventory).ok()?)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Reporter;
    use crate::sbom::{Ecosystem, InstalledPackage};

    const ID: &str = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

    #[test]
    fn a_kept_inventory_is_counted_against_the_database_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(&dir.path().join("cache"));
        let package = InstalledPackage {
            ecosystem: Ecosystem::Python,
            name: "requests".into(),
            version: "2.31.0".into(),
            source: None,
            licence: None,
            architecture: None,
            purl: String::new(),
            files: Vec::new(),
            layer: 1,
            database: String::new(),
        };
        remember_inventory(&cache, ID, &Inventory { os: None, packages: vec![package], warnings: Vec::new() });
        let records = dir.path().join("records");
        std::fs::create_dir_all(&records).unwrap();
        let record = r#"{"id": "PYSEC-1", "database_specific": {"severity": "HIGH"}, "affected": [{"package": {"ecosystem": "PyPI", "name": "Requests"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.32.0"}]}]}]}"#;
        std::fs::write(records.join("PYSEC-1.json"), record).unwrap();
        let mut database = Database::open(&dir.path().join("osv.sqlite")).unwrap();
        database.import(&[(records.clone(), "test".into())], &mut Reporter::silent()).unwrap();

        let ids = [ID.to_string(), "sha256:never-scanned".to_string()];
        let counted = tallies(&cache, &database, &ids);
        assert_eq!(counted.len(), 1, "an image never scanned has no count");
        assert_eq!(counted[ID], VulnTally { high: 1, ..VulnTally::default() });
    }
}
