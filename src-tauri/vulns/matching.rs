//! An image's packages checked against the vulnerability database: each package is looked up
//! under OSV's name for its ecosystem — Debian's, Ubuntu's and Alpine's by source package and
//! only in advisories for the image's release, PyPI's by its normalised name, npm's, Go's and
//! crates.io's as written —
//! and every advisory whose ranges hold the installed version is a finding, with the layer that
//! installed the package.

use std::collections::HashMap;

use serde::Serialize;

use super::database::Database;
use super::osv::{package_key, Advisory, AffectedPackage, Unreadable};
use super::{Severity, VulnError};
use crate::sbom::{Ecosystem, InstalledPackage, Inventory, OsRelease};

/// One installed package with one known vulnerability.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "VulnFinding")]
pub struct Finding {
    /// The advisory's OSV id.
    pub id: String,
    /// Its other ids, CVE ids first.
    pub aliases: Vec<String>,
    /// One line on what is wrong.
    pub summary: String,
    /// How bad it is.
    pub severity: Severity,
    /// The CVSS base score, when the advisory gives a vector.
    pub score: Option<f64>,
    /// The package's ecosystem.
    pub ecosystem: Ecosystem,
    /// The installed package's name.
    pub package: String,
    /// The installed version.
    pub version: String,
    /// The version that fixes it, when there is one.
    pub fixed: Option<String>,
    /// The layer that installed or last changed the package.
    pub layer: usize,
}

/// A package whose version could not be compared with an advisory's ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NotCompared {
    /// The package's name.
    pub package: String,
    /// Its installed version.
    pub version: String,
    /// The advisory whose ranges could not be read against it.
    pub advisory: String,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VulnReport {
    /// The findings, worst first.
    pub findings: Vec<Finding>,
    /// How many packages were looked up.
    pub packages_checked: usize,
    /// Packages the database has no advisories source for (an OS it does not know), by ecosystem.
    pub not_covered: Vec<String>,
    /// Versions no ordering could place in an advisory's ranges.
    pub not_compared: Vec<NotCompared>,
}

impl VulnReport {
    /// How many findings are at or above `severity`.
    pub fn at_or_above(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity >= severity).count()
    }
}

/// Where a package is looked up: OSV's ecosystem, the release advisories must be for (empty:
/// any), and the name.
struct Lookup {
    ecosystem: &'static str,
    release: Option<String>,
    name: String,
}

/// What one advisory says of one installed version: affected (with the fix, if any), or its
/// ranges could not be read against it.
type Verdict = Result<Option<Option<String>>, Unreadable>;

/// Checks every package of `inventory` against `database`.
pub fn scan(database: &Database, inventory: &Inventory) -> Result<VulnReport, VulnError> {
    let mut entries: HashMap<(&'static str, String), Vec<(String, AffectedPackage)>> = HashMap::new();
    let mut advisories: HashMap<String, Option<Advisory>> = HashMap::new();
    let mut report =
        VulnReport { findings: Vec::new(), packages_checked: 0, not_covered: Vec::new(), not_compared: Vec::new() };
    for package in &inventory.packages {
        let Some(lookup) = lookup_for(package, inventory.os.as_ref()) else {
            let os = inventory.os.as_ref().map_or("an unknown OS", |os| os.id.as_str());
            let what = format!("{} packages on {os}", package.ecosystem.as_str());
            if !report.not_covered.contains(&what) {
                report.not_covered.push(what);
            }
            continue;
        };
        report.packages_checked += 1;
        let key = (lookup.ecosystem, lookup.name.clone());
        if !entries.contains_key(&key) {
            entries.insert(
                key.clone(),
                database.affected_entries(lookup.ecosystem, &lookup.name, |release| lookup.takes(release))?,
            );
        }
        for (id, verdict) in verdicts(&entries[&key], &package.version) {
            if !advisories.contains_key(id) {
                advisories.insert(id.to_string(), database.advisory(id)?);
            }
            if let Some(advisory) = &advisories[id] {
                report_verdict(package, advisory, verdict, &mut report);
            }
        }
    }
    report.findings.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| a.package.cmp(&b.package)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(report)
}

/// Each advisory's verdict on `version`, from its entries for the package (the database gives
/// only the package's entries for the image's release; an advisory may list the package more
/// than once: affected by any entry is affected). Advisories that leave the version alone are
/// left out.
fn verdicts<'e>(entries: &'e [(String, AffectedPackage)], version: &str) -> Vec<(&'e str, Verdict)> {
    let mut found: Vec<(&str, Verdict)> = Vec::new();
    for (id, entry) in entries {
        let verdict = entry.affects(version);
        match found.iter_mut().find(|(seen, _)| *seen == id) {
            Some((_, Ok(Some(_)))) => {}
            Some((_, earlier)) => {
                if !matches!(verdict, Ok(None)) {
                    *earlier = verdict;
                }
            }
            None => found.push((id, verdict)),
        }
    }
    found.retain(|(_, verdict)| !matches!(verdict, Ok(None)));
    found
}

fn report_verdict(package: &InstalledPackage, advisory: &Advisory, verdict: Verdict, report: &mut VulnReport) {
    match verdict {
        Ok(None) => {}
        Ok(Some(fixed)) => report.findings.push(Finding {
            id: advisory.id.clone(),
            aliases: advisory.aliases.clone(),
            summary: advisory.summary.clone(),
            severity: advisory.severity,
            score: advisory.score,
            ecosystem: package.ecosystem,
            package: package.name.clone(),
            version: package.version.clone(),
            fixed,
            layer: package.layer,
        }),
        Err(Unreadable) => report.not_compared.push(NotCompared {
            package: package.name.clone(),
            version: package.version.clone(),
            advisory: advisory.id.clone(),
        }),
    }
}

impl Lookup {
    /// Whether an advisory for OSV's release `release` (empty: any) concerns the image.
    fn takes(&self, release: &str) -> bool {
        match &self.release {
            None => true,
            Some(image_release) => release.is_empty() || release_matches(release, image_release),
        }
    }
}

/// Whether OSV's release (`12`, `v3.19`, `22.04:LTS`) is the image's.
fn release_matches(osv_release: &str, image_release: &str) -> bool {
    osv_release == image_release || osv_release.strip_prefix(image_release).is_some_and(|rest| rest.starts_with(':'))
}

/// Where `package` is looked up, or `None` when OSV has no ecosystem for it.
fn lookup_for(package: &InstalledPackage, os: Option<&OsRelease>) -> Option<Lookup> {
    let by_source = || package.source.clone().unwrap_or_else(|| package.name.clone());
    let os_id = os.map_or("", |os| os.id.as_str());
    let version_id = os.map_or("", |os| os.version_id.as_str());
    let (ecosystem, release, name) = match (package.ecosystem, os_id) {
        (Ecosystem::Deb, "debian") => ("Debian", version_id.split('.').next().unwrap_or("").to_string(), by_source()),
        (Ecosystem::Deb, "ubuntu") => ("Ubuntu", version_id.to_string(), by_source()),
        (Ecosystem::Apk, "alpine") => {
            let minor: Vec<&str> = version_id.split('.').take(2).collect();
            ("Alpine", format!("v{}", minor.join(".")), by_source())
        }
        (Ecosystem::Python, _) => ("PyPI", String::new(), package_key("PyPI", &package.name)),
        (Ecosystem::Node, _) => ("npm", String::new(), package.name.clone()),
        (Ecosystem::Go, _) => ("Go", String::new(), package.name.clone()),
        (Ecosystem::Cargo, _) => ("crates.io", String::new(), package.name.clone()),
        _ => return None,
    };
    // An OS package on a release the image does not name (Debian testing) is matched only by
    // advisories for no particular release.
    let release = match ecosystem {
        "PyPI" | "npm" | "Go" | "crates.io" => None,
        _ if release.is_empty() || release == "v" => Some(String::from("\u{0}none")),
        _ => Some(release),
    };
    Some(Lookup { ecosystem, release, name })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed(ecosystem: Ecosystem, name: &str, source: Option<&str>) -> InstalledPackage {
        InstalledPackage {
            ecosystem,
            name: name.into(),
            version: "1".into(),
            source: source.map(str::to_string),
            licence: None,
            architecture: None,
            purl: String::new(),
            files: Vec::new(),
            layer: 0,
            database: String::new(),
        }
    }

    fn os(id: &str, version_id: &str) -> OsRelease {
        OsRelease { id: id.into(), version_id: version_id.into(), pretty_name: String::new() }
    }

    #[test]
    fn os_packages_are_looked_up_by_source_package_and_release() {
        let debian =
            lookup_for(&installed(Ecosystem::Deb, "libssl3", Some("openssl")), Some(&os("debian", "12"))).unwrap();
        assert_eq!(
            (debian.ecosystem, debian.name.as_str(), debian.release.as_deref()),
            ("Debian", "openssl", Some("12"))
        );
        let alpine =
            lookup_for(&installed(Ecosystem::Apk, "libcrypto3", Some("openssl")), Some(&os("alpine", "3.19.1")))
                .unwrap();
        assert_eq!(alpine.release.as_deref(), Some("v3.19"));
        let python = lookup_for(&installed(Ecosystem::Python, "PyYAML", None), None).unwrap();
        assert_eq!((python.name.as_str(), python.release), ("pyyaml", None));
        assert!(lookup_for(&installed(Ecosystem::Deb, "bash", None), Some(&os("devuan", "5"))).is_none());
        assert!(release_matches("22.04:LTS", "22.04"));
        assert!(!release_matches("11", "1"));
    }
}
