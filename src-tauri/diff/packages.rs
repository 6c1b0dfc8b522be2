//! Which packages two images hold, and what changed: each image's packages as its SBOM
//! inventory reads them (`sbom::packages`: dpkg, apk, Python and Node), compared by ecosystem
//! and name.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::sbom::Inventory;

/// A package installed in an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Package {
    /// `deb`, `apk`, `python` or `node`.
    pub ecosystem: &'static str,
    /// The package's name, as its package manager writes it.
    pub name: String,
    /// The installed version; several installed versions read as `1.0, 2.0`.
    pub version: String,
}

/// A package in both images at other versions (an upgrade or a downgrade).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct VersionChange {
    /// `deb`, `apk`, `python` or `node`.
    pub ecosystem: &'static str,
    /// The package's name, as its package manager writes it.
    pub name: String,
    /// Its version in the first image.
    pub before: String,
    /// Its version in the second image.
    pub after: String,
}

/// The packages of two images compared, each list by ecosystem, then name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PackageDiff {
    /// Packages only the second image has.
    pub added: Vec<Package>,
    /// Packages only the first image has.
    pub removed: Vec<Package>,
    /// Packages both have, at other versions.
    pub upgraded: Vec<VersionChange>,
}

/// Packages by (ecosystem, name); several installed versions of one name read as `1.0, 2.0`.
pub type PackageSet = BTreeMap<(&'static str, String), String>;

/// The packages of an image, as its SBOM inventory lists them.
pub fn packages_of(inventory: &Inventory) -> PackageSet {
    let mut found: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
    for package in &inventory.packages {
        found.entry((package.ecosystem.as_str(), package.name.clone())).or_default().push(package.version.clone());
    }
    found
        .into_iter()
        .map(|(key, mut versions)| {
            versions.sort();
            versions.dedup();
            (key, versions.join(", "))
        })
        .collect()
}

/// Compares the packages of two images: what was added, removed or changed version.
pub fn diff_packages(before: &PackageSet, after: &PackageSet) -> PackageDiff {
    let mut diff = PackageDiff::default();
    for ((ecosystem, name), version) in before {
        match after.get(&(*ecosystem, name.clone())) {
            None => diff.removed.push(Package { ecosystem, name: name.clone(), version: version.clone() }),
            Some(newer) if newer != version => diff.upgraded.push(VersionChange {
                ecosystem,
                name: name.clone(),
                before: version.clone(),
                after: newer.clone(),
            }),
            Some(_) => {}
        }
    }
    for ((ecosystem, name), version) in after {
        if !before.contains_key(&(*ecosystem, name.clone())) {
            diff.added.push(Package { ecosystem, name: name.clone(), version: version.clone() });
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_removed_and_upgraded_packages() {
        let set = |items: &[(&'static str, &str, &str)]| -> PackageSet {
            items.iter().map(|(e, n, v)| ((*e, n.to_string()), v.to_string())).collect()
        };
        let before = set(&[("deb", "bash", "5.1"), ("deb", "curl", "7.88"), ("node", "x", "1.0")]);
        let after = set(&[("deb", "bash", "5.2"), ("deb", "jq", "1.6"), ("node", "x", "1.0")]);
        let diff = diff_packages(&before, &after);
        assert_eq!(diff.added, [Package { ecosystem: "deb", name: "jq".into(), version: "1.6".into() }]);
        assert_eq!(diff.removed[0].name, "curl");
        assert_eq!(
            diff.upgraded,
            [VersionChange { ecosystem: "deb", name: "bash".into(), before: "5.1".into(), after: "5.2".into() }]
        );
    }
}
