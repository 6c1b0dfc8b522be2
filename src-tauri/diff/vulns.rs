//! Which known vulnerabilities two images differ by: each image's SBOM inventory checked
//! against the local OSV database (`vulns::scan`), and the findings compared by advisory and
//! package — those only the first image has were fixed, those only the second has introduced.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::sbom::Inventory;
use crate::vulns::{scan, Database, Finding};

/// The vulnerabilities two images differ by.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct VulnDiff {
    /// Findings of the first image the second no longer has, worst first.
    pub fixed: Vec<Finding>,
    /// Findings of the second image the first did not have, worst first.
    pub introduced: Vec<Finding>,
    /// How many findings both have.
    pub unchanged: usize,
}

/// Compares the findings of two inventories in the user's vulnerability database; `None` when
/// there is no database (or it cannot be read), so the comparison says nothing rather than
/// "no change".
pub fn diff_vulnerabilities(before: &Inventory, after: &Inventory) -> Option<VulnDiff> {
    let database = Database::open_existing(&Database::default_path()?).ok()??;
    let (before, after) = (scan(&database, before).ok()?.findings, scan(&database, after).ok()?.findings);
    Some(compare_findings(before, after))
}

fn compare_findings(before: Vec<Finding>, after: Vec<Finding>) -> VulnDiff {
    let key = |f: &Finding| (f.id.clone(), f.ecosystem, f.package.clone());
    let before_keys: BTreeSet<_> = before.iter().map(key).collect();
    let after_keys: BTreeSet<_> = after.iter().map(key).collect();
    let unchanged = before_keys.intersection(&after_keys).count();
    VulnDiff {
        fixed: before.into_iter().filter(|f| !after_keys.contains(&key(f))).collect(),
        introduced: after.into_iter().filter(|f| !before_keys.contains(&key(f))).collect(),
        unchanged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::Ecosystem;
    use crate::vulns::Severity;

    fn finding(id: &str, package: &str) -> Finding {
        Finding {
            id: id.into(),
            aliases: Vec::new(),
            summary: String::new(),
            severity: Severity::High,
            score: None,
            ecosystem: Ecosystem::Deb,
            package: package.into(),
            version: "1".into(),
            fixed: None,
            layer: 0,
        }
    }

    #[test]
    fn findings_only_before_are_fixed_and_only_after_introduced() {
        let diff = compare_findings(
            vec![finding("DSA-1", "libssl3"), finding("DSA-2", "zlib1g")],
            vec![finding("DSA-2", "zlib1g"), finding("DSA-1", "openssl"), finding("DSA-3", "curl")],
        );
        let ids = |list: &[Finding]| list.iter().map(|f| format!("{} {}", f.id, f.package)).collect::<Vec<_>>();
        assert_eq!(ids(&diff.fixed), ["DSA-1 libssl3"]);
        assert_eq!(ids(&diff.introduced), ["DSA-1 openssl", "DSA-3 curl"]);
        assert_eq!(diff.unchanged, 1);
    }
}
