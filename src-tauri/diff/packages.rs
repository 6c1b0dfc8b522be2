//! Which packages two images hold, and what changed: Debian/Ubuntu (`/var/lib/dpkg/status`),
//! Alpine (`/lib/apk/db/installed`), Python (`*.dist-info/METADATA`) and Node
//! (`node_modules/*/package.json`). The layer reader keeps these files' content in the index
//! (see `image::layer::is_package_database`), so no second read of the image is needed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::image::layer::{is_package_database, LayerChange, TreePath};
use crate::image::{FileTree, Image};

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

/// The packages of an image whose final tree is `tree`.
pub fn packages_of(image: &Image, tree: &FileTree) -> PackageSet {
    let mut files: BTreeMap<TreePath, &[u8]> = BTreeMap::new();
    for (index, layer) in image.layers.iter().enumerate() {
        for change in &layer.changes {
            let LayerChange::Entry(entry) = change else { continue };
            let Some(content) = &entry.captured else { continue };
            if is_package_database(&entry.path) && tree.node(&entry.path).is_some_and(|node| node.layer == index) {
                files.insert(entry.path.clone(), content);
            }
        }
    }
    let mut found: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
    for (path, content) in files {
        for (ecosystem, name, version) in parse(&path, content) {
            found.entry((ecosystem, name)).or_default().push(version);
        }
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

fn parse(path: &TreePath, content: &[u8]) -> Vec<(&'static str, String, String)> {
    let text = String::from_utf8_lossy(content);
    match path.as_bytes() {
        b"var/lib/dpkg/status" => dpkg(&text),
        b"lib/apk/db/installed" => apk(&text),
        bytes if bytes.ends_with(b"/METADATA") => python(&text).into_iter().collect(),
        _ => node(content).into_iter().collect(),
    }
}

/// dpkg's status file: paragraphs of `Field: value`; only packages whose Status says installed.
fn dpkg(text: &str) -> Vec<(&'static str, String, String)> {
    text.split("\n\n")
        .filter_map(|paragraph| {
            let field = |name: &str| {
                paragraph
                    .lines()
                    .find_map(|line| line.strip_prefix(name).and_then(|v| v.strip_prefix(':')).map(str::trim))
            };
            let installed = field("Status").is_some_and(|status| status.ends_with(" installed"));
            Some(("deb", field("Package")?.to_string(), field("Version")?.to_string())).filter(|_| installed)
        })
        .collect()
}

/// apk's database: paragraphs of one-letter fields, `P:` the name and `V:` the version.
fn apk(text: &str) -> Vec<(&'static str, String, String)> {
    text.split("\n\n")
        .filter_map(|paragraph| {
            let field = |key: &str| paragraph.lines().find_map(|line| line.strip_prefix(key)).map(str::trim);
            Some(("apk", field("P:")?.to_string(), field("V:")?.to_string()))
        })
        .collect()
}

/// A distribution's METADATA: email-style headers, `Name` and `Version`, before the first blank line.
fn python(text: &str) -> Option<(&'static str, String, String)> {
    let headers = text.split("\n\n").next()?;
    let field = |name: &str| headers.lines().find_map(|line| line.strip_prefix(name)).map(str::trim);
    Some(("python", field("Name:")?.to_lowercase().replace('_', "-"), field("Version:")?.to_string()))
}

fn node(content: &[u8]) -> Option<(&'static str, String, String)> {
    let manifest: serde_json::Value = serde_json::from_slice(content).ok()?;
    Some(("node", manifest["name"].as_str()?.to_string(), manifest["version"].as_str()?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Package: bash\nStatus: install ok installed\nVersion: 5.2-1\n\nPackage: curl\nStatus: deinstall ok config-files\nVersion: 7.88\n\nPackage: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13\n";

    #[test]
    fn each_database_format_reads_as_packages() {
        let p = |s: &str| TreePath::parse(s.as_bytes()).unwrap();
        assert_eq!(
            parse(&p("var/lib/dpkg/status"), STATUS.as_bytes()),
            [("deb", "bash".into(), "5.2-1".into()), ("deb", "zlib1g".into(), "1:1.2.13".into())],
            "configuration-only remnants are not installed"
        );
        assert_eq!(parse(&p("lib/apk/db/installed"), b"C:x\nP:musl\nV:1.2.4-r2\n\nP:busybox\nV:1.36\n").len(), 2);
        assert_eq!(
            parse(
                &p("usr/lib/python3/site-packages/Foo_Bar-1.0.dist-info/METADATA"),
                b"Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\n\nVersion: 9\n"
            ),
            [("python", "foo-bar".into(), "1.0".into())]
        );
        assert_eq!(
            parse(&p("app/node_modules/x/package.json"), br#"{"name":"x","version":"2.0.1"}"#),
            [("node", "x".into(), "2.0.1".into())]
        );
        assert!(parse(&p("app/node_modules/y/package.json"), b"not json").is_empty());
    }

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
