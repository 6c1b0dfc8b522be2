//! OSV records, as osv.dev publishes them (the Open Source Vulnerability schema): read from JSON
//! into the few fields matching needs, and asked whether a version is affected.
//!
//! A record names affected packages by ecosystem (`Debian:12`, `Alpine:v3.19`, `PyPI`, `npm`)
//! and name, each with `ranges` of events — `introduced`, `fixed`, `last_affected`, `limit` —
//! and an explicit `versions` list. A version is affected when it is listed, or when, walking a
//! range's events in version order, the last `introduced` at or below it is not followed by a
//! `fixed` at or below it or a `last_affected` below it (and it is below a `limit`, if any).
//! The record's severity is kept as one level: the CVSS vector's base score where the record
//! gives one, else the level its database writes.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::version_order::VersionOrder;
use super::Severity;

/// The longest summary kept, in characters (Debian's records have only details: their first
/// line, cut here).
const SUMMARY_CHARS: usize = 200;

/// A record as the OSV schema writes it, with only the fields matching reads; others are ignored.
#[derive(Debug, Deserialize)]
struct OsvRecord {
    id: String,
    #[serde(default)]
    modified: String,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    upstream: Vec<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    #[serde(default)]
    affected: Vec<OsvAffected>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Debug, Deserialize)]
struct OsvAffected {
    #[serde(default)]
    package: Option<OsvPackage>,
    #[serde(default)]
    ranges: Vec<Range>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    severity: Vec<OsvSeverity>,
    #[serde(default)]
    ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
}

/// One advisory as Strata keeps it: what a finding shows, and the packages it affects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The OSV id (`DSA-5532-1`, `GHSA-…`, `PYSEC-…`).
    pub id: String,
    /// Other ids for the same flaw, CVE ids first.
    pub aliases: Vec<String>,
    /// One line on what is wrong.
    pub summary: String,
    /// How bad it is.
    pub severity: Severity,
    /// The CVSS base score, when the record gives a vector.
    pub score: Option<f64>,
    /// When the record last changed (RFC 3339).
    pub modified: String,
    /// The packages it affects.
    pub affected: Vec<AffectedPackage>,
}

/// A package an advisory affects, and which of its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedPackage {
    /// The ecosystem without its release (`Debian`, `PyPI`).
    pub ecosystem: String,
    /// The release the ecosystem names after a colon (`12` of `Debian:12`), or empty.
    pub release: String,
    /// The package's name (Debian's and Alpine's: the source package).
    pub name: String,
    /// Version ranges.
    pub ranges: Vec<Range>,
    /// Versions affected, listed one by one.
    pub versions: Vec<String>,
}

/// One version range of an affected package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// `ECOSYSTEM`, `SEMVER` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its events, in any order.
    pub events: Vec<Event>,
}

/// A point in a range where being affected starts or stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Affected from this version on (`0`: from the first).
    Introduced(String),
    /// Not affected from this version on.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// Nothing at or after this version is affected by this range.
    Limit(String),
}

/// What reading one record gave.
#[derive(Debug)]
pub enum Read {
    /// An advisory to keep.
    Advisory(Advisory),
    /// A withdrawn record: it no longer applies.
    Withdrawn,
}

/// Reads one OSV record from its JSON. An error says why the record cannot be used (not JSON,
/// not the schema, a range whose events are not the schema's).
pub fn read_record(json: &[u8]) -> Result<Read, serde_json::Error> {
    let record: OsvRecord = serde_json::from_slice(json)?;
    if record.withdrawn.as_deref().is_some_and(|when| !when.is_empty()) {
        return Ok(Read::Withdrawn);
    }
    let (severity, score) = severity_of(&record);
    let summary = summary_of(&record);
    let affected = record.affected.into_iter().filter_map(AffectedPackage::from_osv).collect();
    let mut aliases: Vec<String> =
        record.aliases.into_iter().chain(record.upstream).filter(|a| *a != record.id).collect();
    aliases.sort_by_key(|alias| (!alias.starts_with("CVE-"), alias.clone()));
    aliases.dedup();
    Ok(Read::Advisory(Advisory {
        id: record.id,
        aliases,
        summary,
        severity,
        score,
        modified: record.modified,
        affected,
    }))
}

impl AffectedPackage {
    fn from_osv(affected: OsvAffected) -> Option<AffectedPackage> {
        let package = affected.package?;
        let (ecosystem, release) = match package.ecosystem.split_once(':') {
            Some((ecosystem, release)) => (ecosystem.to_string(), release.to_string()),
            None => (package.ecosystem, String::new()),
        };
        let name = package_key(&ecosystem, &package.name);
        Some(AffectedPackage { ecosystem, release, name, ranges: affected.ranges, versions: affected.versions })
    }

    /// The order this package's versions are compared in for `range`, if Strata knows it.
    fn order_for(&self, range: &Range) -> Option<VersionOrder> {
        match range.kind.as_str() {
            "SEMVER" => Some(VersionOrder::SemVer),
            "ECOSYSTEM" => ecosystem_order(&self.ecosystem),
            _ => None,
        }
    }

    /// Whether `version` is affected: `Some(fixed)` when it is, with the version that fixes it if
    /// one does; `Err` when a range cannot be read in its order (the version or an event's).
    pub fn affects(&self, version: &str) -> Result<Option<Option<String>>, Unreadable> {
        if self.versions.iter().any(|listed| listed == version) {
            return Ok(Some(self.first_fix_after(version)));
        }
        for range in &self.ranges {
            let Some(order) = self.order_for(range) else { continue };
            if range_affects(order, &range.events, version)? {
                return Ok(Some(fix_in(order, &range.events, version)));
            }
        }
        Ok(None)
    }

    fn first_fix_after(&self, version: &str) -> Option<String> {
        self.ranges.iter().find_map(|range| fix_in(self.order_for(range)?, &range.events, version))
    }
}

/// A range whose versions its order cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable;

/// The version order an OSV ecosystem's `ECOSYSTEM` ranges use, where Strata knows it.
pub fn ecosystem_order(ecosystem: &str) -> Option<VersionOrder> {
    match ecosystem {
        "Debian" | "Ubuntu" => Some(VersionOrder::Dpkg),
        "Alpine" => Some(VersionOrder::Apk),
        "PyPI" => Some(VersionOrder::Pep440),
        "npm" | "Go" | "crates.io" => Some(VersionOrder::SemVer),
        _ => None,
    }
}

/// A package's name as it is looked up: PyPI's normalised as PEP 503 says (lower case, runs of
/// `-`, `_`, `.` as one `-`), others as written.
pub fn package_key(ecosystem: &str, name: &str) -> String {
    if ecosystem != "PyPI" {
        return name.to_string();
    }
    let mut key = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !key.ends_with('-') {
                key.push('-');
            }
        } else {
            key.push(c.to_ascii_lowercase());
        }
    }
    key
}

/// Whether `version` falls in the range `events` describe, walking them in version order.
fn range_affects(order: VersionOrder, events: &[Event], version: &str) -> Result<bool, Unreadable> {
    let compare = |a: &str, b: &str| order.compare(a, b).ok_or(Unreadable);
    let mut sorted: Vec<&Event> = events.iter().filter(|e| !matches!(e, Event::Limit(_))).collect();
    let mut failure = None;
    sorted.sort_by(|a, b| match (a.version(), b.version()) {
        ("0", "0") => Ordering::Equal,
        ("0", _) if matches!(a, Event::Introduced(_)) => Ordering::Less,
        (_, "0") if matches!(b, Event::Introduced(_)) => Ordering::Greater,
        (x, y) => order.compare(x, y).unwrap_or_else(|| {
            failure = Some(Unreadable);
            Ordering::Equal
        }),
    });
    if let Some(failure) = failure {
        return Err(failure);
    }
    let mut affected = false;
    for event in sorted {
        match event {
            Event::Introduced(at) => affected |= at == "0" || compare(version, at)? != Ordering::Less,
            Event::Fixed(at) if compare(version, at)? != Ordering::Less => affected = false,
            Event::LastAffected(at) if compare(version, at)? == Ordering::Greater => affected = false,
            _ => {}
        }
    }
    let limits: Vec<&str> =
        events.iter().filter_map(|e| if let Event::Limit(at) = e { Some(at.as_str()) } else { None }).collect();
    if affected && !limits.is_empty() && !limits.contains(&"*") {
        let mut below_a_limit = false;
        for limit in limits {
            below_a_limit |= compare(version, limit)? == Ordering::Less;
        }
        affected = below_a_limit;
    }
    Ok(affected)
}

/// The lowest `fixed` version above `version` in a range, if any.
fn fix_in(order: VersionOrder, events: &[Event], version: &str) -> Option<String> {
    events
        .iter()
        .filter_map(|e| if let Event::Fixed(at) = e { Some(at) } else { None })
        .filter(|fixed| order.compare(version, fixed) == Some(Ordering::Less))
        .min_by(|a, b| order.compare(a, b).unwrap_or(Ordering::Equal))
        .cloned()
}

impl Event {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// The summary, or the details' first line when there is none, cut to [`SUMMARY_CHARS`].
fn summary_of(record: &OsvRecord) -> String {
    let text = if record.summary.trim().is_empty() {
        record.details.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
    } else {
        &record.summary
    };
    let text = text.trim();
    match text.char_indices().nth(SUMMARY_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The record's severity: the highest CVSS base score among its vectors (the record's, else its
/// packages'), else the highest level its database writes (`severity`, Debian's `urgency`).
fn severity_of(record: &OsvRecord) -> (Severity, Option<f64>) {
    let vectors = record.severity.iter().chain(record.affected.iter().flat_map(|a| &a.severity));
    let best_score = vectors
        .filter(|s| s.kind.starts_with("CVSS"))
        .filter_map(|s| s.score.parse::<cvss::Cvss>().ok())
        .map(|vector| vector.score())
        .fold(None, |best: Option<f64>, score| Some(best.map_or(score, |b| b.max(score))));
    if let Some(score) = best_score {
        return (Severity::from_score(score), Some(score));
    }
    let written = std::iter::once(&record.database_specific)
        .chain(record.affected.iter().flat_map(|a| [&a.database_specific, &a.ecosystem_specific]))
        .flatten()
        .flat_map(|extra| ["severity", "urgency"].map(|key| extra.get(key).and_then(|v| v.as_str())))
        .flatten()
        .map(Severity::from_word)
        .max()
        .unwrap_or(Severity::Unknown);
    (written, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(ecosystem: &str, ranges: serde_json::Value, versions: &[&str]) -> AffectedPackage {
        AffectedPackage {
            ecosystem: ecosystem.into(),
            release: String::new(),
            name: "p".into(),
            ranges: serde_json::from_value(ranges).unwrap(),
            versions: versions.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn introduced_and_fixed_bound_the_affected_versions() {
        let p = package(
            "PyPI",
            serde_json::json!([{"type": "ECOSYSTEM", "events": [{"fixed": "1.5"}, {"introduced": "1.0"}, {"introduced": "2.0"}, {"fixed": "2.3"}]}]),
            &[],
        );
        assert_eq!(p.affects("0.9"), Ok(None));
        assert_eq!(p.affects("1.0"), Ok(Some(Some("1.5".into()))));
        assert_eq!(p.affects("1.7"), Ok(None));
        assert_eq!(p.affects("2.1"), Ok(Some(Some("2.3".into()))));
        assert_eq!(p.affects("2.3"), Ok(None));
    }

    #[test]
    fn last_affected_includes_its_version_and_limit_bounds_the_range() {
        let p = package(
            "npm",
            serde_json::json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"last_affected": "1.2.3"}]}]),
            &[],
        );
        assert_eq!(p.affects("1.2.3"), Ok(Some(None)));
        assert_eq!(p.affects("1.2.4"), Ok(None));
        let limited = package(
            "npm",
            serde_json::json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "2.0.0"}]}]),
            &[],
        );
        assert_eq!(limited.affects("1.9.9"), Ok(Some(None)));
        assert_eq!(limited.affects("2.0.0"), Ok(None));
    }

    #[test]
    fn debian_ranges_use_dpkg_order_with_epochs_and_tildes() {
        let p = package(
            "Debian",
            serde_json::json!([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:3.0.11-1~deb12u2"}]}]),
            &[],
        );
        assert_eq!(p.affects("1:3.0.11-1~deb12u1"), Ok(Some(Some("1:3.0.11-1~deb12u2".into()))));
        assert_eq!(p.affects("1:3.0.11-1"), Ok(None), "1 is after 1~deb12u2");
        assert_eq!(p.affects("3.0.20-1"), Ok(Some(Some("1:3.0.11-1~deb12u2".into()))), "no epoch is before epoch 1");
    }

    #[test]
    fn listed_versions_are_affected_and_unreadable_ranges_are_said() {
        let p = package("PyPI", serde_json::json!([{"type": "GIT", "events": [{"introduced": "abc"}]}]), &["1.0"]);
        assert_eq!(p.affects("1.0"), Ok(Some(None)));
        assert_eq!(p.affects("1.1"), Ok(None), "GIT ranges are not versions");
        let bad = package(
            "npm",
            serde_json::json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "not-semver"}]}]),
            &[],
        );
        assert_eq!(bad.affects("1.0.0"), Err(Unreadable));
    }

    #[test]
    fn a_record_gives_its_severity_aliases_and_summary() {
        let json = serde_json::json!({
            "id": "GHSA-xxxx", "modified": "2026-01-01T00:00:00Z", "aliases": ["PYSEC-1", "CVE-2026-1"],
            "details": "\nFirst line.\nMore.", "unknown_field": {"kept": false},
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "Py_Yaml"}, "ranges": []}]
        });
        let Read::Advisory(advisory) = read_record(json.to_string().as_bytes()).unwrap() else { panic!("withdrawn") };
        assert_eq!(advisory.aliases, ["CVE-2026-1", "PYSEC-1"]);
        assert_eq!(advisory.summary, "First line.");
        assert_eq!((advisory.severity, advisory.score), (Severity::Critical, Some(9.8)));
        assert_eq!(advisory.affected[0].name, "py-yaml");
        let debian = serde_json::json!({"id": "DSA-1", "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"}, "ecosystem_specific": {"urgency": "high"}}]});
        let Read::Advisory(debian) = read_record(debian.to_string().as_bytes()).unwrap() else { panic!() };
        assert_eq!((debian.severity, debian.affected[0].release.as_str()), (Severity::High, "12"));
        let withdrawn = serde_json::json!({"id": "X", "withdrawn": "2026-01-01T00:00:00Z"});
        assert!(matches!(read_record(withdrawn.to_string().as_bytes()), Ok(Read::Withdrawn)));
        assert!(read_record(
            br#"{"id": "Y", "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [{"sometime": "1"}]}]}]}"#
        )
        .is_err());
    }
}
