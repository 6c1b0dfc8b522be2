//! The packages an image holds, read from the package databases in its final tree: dpkg's
//! `status` (and distroless images' `status.d/` paragraphs), apk's `installed`, Python's
//! `*.dist-info/METADATA` and `*.egg-info/PKG-INFO`, and Node's `node_modules/**/package.json`;
//! the Go modules and Rust crates its programs say they were built from ([`crate::binaries`]);
//! the OS from `os-release`. The layer reader keeps these files' content in the layer index
//! (`image::layer::is_package_database`), so a cached image is read again without an export.
//!
//! Each package carries the layer that installed or last changed it: for a database holding many
//! packages (dpkg, apk), the last layer whose copy of the database changed that package's entry;
//! for a file per package, the layer that last wrote the file.

use std::collections::BTreeMap;

use packageurl::PackageUrl;
use serde::{Deserialize, Serialize};

use crate::binaries::{BinaryFinding, BuiltWith, Module, Toolchain};
use crate::image::layer::{is_package_database, LayerChange, TreePath};
use crate::image::{FileTree, Image};

/// The package managers Strata reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Debian and Ubuntu's dpkg.
    Deb,
    /// Alpine's apk.
    Apk,
    /// Python distributions.
    Python,
    /// Node packages.
    Node,
    /// Fedora's, RHEL's and SUSE's rpm.
    Rpm,
    /// Go modules, read from the binaries they were built into.
    Go,
    /// Rust crates, read from binaries built with cargo-auditable.
    Cargo,
}

impl Ecosystem {
    /// Its short name: `deb`, `apk`, `python`, `node`, `rpm`, `go`, `cargo`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Deb => "deb",
            Ecosystem::Apk => "apk",
            Ecosystem::Python => "python",
            Ecosystem::Node => "node",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Go => "go",
            Ecosystem::Cargo => "cargo",
        }
    }
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InstalledPackage {
    /// Its package manager.
    pub ecosystem: Ecosystem,
    /// Its name, as the package manager writes it (Python's normalised: lower case, `-`).
    pub name: String,
    /// The installed version.
    pub version: String,
    /// The source package it was built from, where the database says (dpkg `Source:`, apk
    /// origin).
    pub source: Option<String>,
    /// Its licence, where the database declares one.
    pub licence: Option<String>,
    /// Its architecture, where the database says.
    pub architecture: Option<String>,
    /// Its package URL (`pkg:deb/debian/bash@5.2-1?arch=amd64&distro=debian-12`).
    pub purl: String,
    /// The files it owns, where the database lists them (apk's does); for a module built into a
    /// program, the program.
    pub files: Vec<String>,
    /// The layer that installed or last changed it (0 is the bottom layer).
    pub layer: usize,
    /// The database it was read from (`/var/lib/dpkg/status`), or the program it is built into
    /// (`/usr/local/bin/app`).
    pub database: String,
}

/// The OS an image is built on, from `os-release`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OsRelease {
    /// `debian`, `alpine`, `ubuntu`, …
    pub id: String,
    /// `12`, `3.19.1`, … (empty when the file gives none, as on Debian testing).
    pub version_id: String,
    /// `Debian GNU/Linux 12 (bookworm)`.
    pub pretty_name: String,
}

/// What an image has installed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Inventory {
    /// The OS, when the image has an `os-release`.
    pub os: Option<OsRelease>,
    /// Every package, by ecosystem, name and version.
    pub packages: Vec<InstalledPackage>,
    /// What could not be read in the databases (a cut or garbled entry), one line each: the
    /// packages listed may be incomplete.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A package as one database entry gives it, before its layer and URL are known.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    ecosystem: Ecosystem,
    name: String,
    version: String,
    source: Option<String>,
    licence: Option<String>,
    architecture: Option<String>,
    files: Vec<String>,
}

/// The inventory of an image whose final tree is `tree`.
pub fn inventory(image: &Image, tree: &FileTree) -> Inventory {
    // Each database path's copies, bottom layer first, of those still in the final tree.
    let mut copies: BTreeMap<TreePath, Vec<(usize, &[u8])>> = BTreeMap::new();
    for (index, layer) in image.layers.iter().enumerate() {
        for change in &layer.changes {
            let LayerChange::Entry(entry) = change else { continue };
            let Some(content) = &entry.captured else { continue };
            let last_layer = tree.node(&entry.path).map(|node| node.layer);
            if is_package_database(&entry.path) && last_layer.is_some_and(|last| index <= last) {
                copies.entry(entry.path.clone()).or_default().push((index, content));
            }
        }
    }
    let os = ["etc/os-release", "usr/lib/os-release"].iter().find_map(|path| {
        let path = TreePath::parse(path.as_bytes()).ok()?;
        copies.get(&path)?.last().map(|(_, content)| os_release(&String::from_utf8_lossy(content)))
    });
    let mut packages = Vec::new();
    let mut warnings = Vec::new();
    for (path, copies) in copies.iter().filter(|(path, _)| !is_dpkg_file_list(path)) {
        let (found, problems) = attributed(path, copies);
        let database = format!("/{}", String::from_utf8_lossy(path.as_bytes()));
        warnings.extend(problems.into_iter().map(|problem| format!("{database}: {problem}")));
        for (layer, entry) in found {
            let purl = purl(&entry, os.as_ref());
            packages.push(InstalledPackage {
                ecosystem: entry.ecosystem,
                name: entry.name,
                version: entry.version,
                source: entry.source,
                licence: entry.licence,
                architecture: entry.architecture,
                purl,
                files: entry.files,
                layer,
                database: database.clone(),
            });
        }
    }
    built_into_programs(image, tree, &mut packages, &mut warnings);
    packages.sort_by(|a, b| (a.ecosystem, &a.name, &a.version).cmp(&(b.ecosystem, &b.name, &b.version)));
    attach_dpkg_files(&mut packages, &copies);
    warnings.extend(unread_rpm_databases(tree));
    Inventory { os, packages, warnings }
}

/// The Go modules and Rust crates built into the programs of the final tree, each with the
/// program's layer; and a warning for each program whose list is there but not read.
fn built_into_programs(
    image: &Image,
    tree: &FileTree,
    packages: &mut Vec<InstalledPackage>,
    warnings: &mut Vec<String>,
) {
    for (index, layer) in image.layers.iter().enumerate() {
        for change in &layer.changes {
            let LayerChange::Entry(entry) = change else { continue };
            let Some(finding) = &entry.binary else { continue };
            if tree.node(&entry.path).map(|node| node.layer) != Some(index) {
                continue; // replaced or deleted by a layer above
            }
            let program = format!("/{}", String::from_utf8_lossy(entry.path.as_bytes()));
            match &**finding {
                BinaryFinding::NotRead(why) => warnings.push(format!("{program}: {why}")),
                BinaryFinding::Read(built) => {
                    for module in modules_of(built) {
                        let entry = Entry {
                            ecosystem: match built.toolchain {
                                Toolchain::Go => Ecosystem::Go,
                                Toolchain::Rust => Ecosystem::Cargo,
                            },
                            name: module.name,
                            version: module.version,
                            source: None,
                            licence: None,
                            architecture: None,
                            files: vec![program.clone()],
                        };
                        let purl = purl(&entry, None);
                        packages.push(InstalledPackage {
                            ecosystem: entry.ecosystem,
                            name: entry.name,
                            version: entry.version,
                            source: None,
                            licence: None,
                            architecture: None,
                            purl,
                            files: entry.files,
                            layer: index,
                            database: program.clone(),
                        });
                    }
                }
            }
        }
    }
}

/// What a program is built from, as packages: its own module (when it has a version), every
/// dependency, and for Go the standard library at the compiler's version (`stdlib` `1.19.8`, as
/// OSV names it).
fn modules_of(built: &BuiltWith) -> Vec<Module> {
    let main = built.main.iter().filter(|main| !main.version.is_empty() && main.version != "(devel)");
    let standard_library = built
        .toolchain_version
        .as_deref()
        .filter(|_| built.toolchain == Toolchain::Go)
        .and_then(|version| version.split_whitespace().next()?.strip_prefix("go"))
        .filter(|version| version.starts_with(|c: char| c.is_ascii_digit()))
        .map(|version| Module {
            name: "stdlib".into(),
            // `go1.19` is Go 1.19.0, as OSV's ranges write it.
            version: if version.matches('.').count() == 1 { format!("{version}.0") } else { version.to_string() },
        });
    // A module replaced by a local folder (`(devel)`) has no version to list or to match.
    let versioned = built.modules.iter().filter(|module| module.version != "(devel)");
    main.chain(versioned).cloned().chain(standard_library).filter(|module| !module.name.is_empty()).collect()
}

/// Whether `path` is dpkg's list of one package's files (`var/lib/dpkg/info/bash.list`, or
/// `libc6:amd64.list` for a package installed for one of several architectures).
fn is_dpkg_file_list(path: &TreePath) -> bool {
    path.as_bytes().starts_with(b"var/lib/dpkg/info/") && path.as_bytes().ends_with(b".list")
}

/// Gives each dpkg package the files its list names (as `dpkg -L` does, without `/.`).
fn attach_dpkg_files(packages: &mut [InstalledPackage], copies: &BTreeMap<TreePath, Vec<(usize, &[u8])>>) {
    for package in packages.iter_mut().filter(|p| p.ecosystem == Ecosystem::Deb && p.database == "/var/lib/dpkg/status")
    {
        let names = [format!("var/lib/dpkg/info/{}.list", package.name)]
            .into_iter()
            .chain(package.architecture.as_ref().map(|arch| format!("var/lib/dpkg/info/{}:{arch}.list", package.name)));
        let list = names
            .filter_map(|name| TreePath::parse(name.as_bytes()).ok())
            .find_map(|path| copies.get(&path)?.last().map(|(_, content)| *content));
        if let Some(list) = list {
            package.files = String::from_utf8_lossy(list)
                .lines()
                .filter(|line| !line.is_empty() && *line != "/.")
                .map(str::to_string)
                .collect();
        }
    }
}

/// The packages of a database's final copy, each with the layer whose copy last changed its
/// entry (a package no copy below the last one has, or had otherwise, belongs to that layer);
/// and what the final copy holds that cannot be read.
fn attributed(path: &TreePath, copies: &[(usize, &[u8])]) -> (Vec<(usize, Entry)>, Vec<String>) {
    let mut last_change: BTreeMap<(String, String), (usize, Entry)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (layer, content) in copies {
        let (entries, unread) = parse(path, content);
        problems = unread;
        let present: std::collections::BTreeSet<_> =
            entries.iter().map(|e| (e.name.clone(), e.version.clone())).collect();
        last_change.retain(|key, _| present.contains(key));
        for entry in entries {
            let key = (entry.name.clone(), entry.version.clone());
            match last_change.get(&key) {
                Some((_, known)) if *known == entry => {}
                _ => {
                    last_change.insert(key, (*layer, entry));
                }
            }
        }
    }
    (last_change.into_values().collect(), problems)
}

/// The packages one database file lists, and what in it cannot be read.
fn parse(path: &TreePath, content: &[u8]) -> (Vec<Entry>, Vec<String>) {
    let text = String::from_utf8_lossy(content);
    let bytes = path.as_bytes();
    match bytes {
        b"var/lib/dpkg/status" => dpkg(&text),
        b"lib/apk/db/installed" => apk(&text),
        b"var/lib/rpm/rpmdb.sqlite" | b"usr/lib/sysimage/rpm/rpmdb.sqlite" => rpm(content),
        b"etc/os-release" | b"usr/lib/os-release" => (Vec::new(), Vec::new()),
        _ if bytes.starts_with(b"var/lib/dpkg/status.d/") => dpkg(&text),
        _ if bytes.ends_with(b"/METADATA") || bytes.ends_with(b"/PKG-INFO") => {
            one(python(&text), "no Name or Version header")
        }
        _ => node(content),
    }
}

/// A one-package file's entry, or why it gives none.
fn one(entry: Option<Entry>, problem: &str) -> (Vec<Entry>, Vec<String>) {
    match entry {
        Some(entry) => (vec![entry], Vec::new()),
        None => (Vec::new(), vec![problem.to_string()]),
    }
}

/// How many unreadable entries are named per database (all are counted).
const PROBLEMS_NAMED: usize = 3;

/// One line per unreadable entry of a database, the first few named and the rest counted.
fn problems_of(unread: Vec<String>) -> Vec<String> {
    let count = unread.len();
    let mut named: Vec<String> = unread.into_iter().take(PROBLEMS_NAMED).collect();
    if count > PROBLEMS_NAMED {
        named.push(format!("and {} more entries that cannot be read", count - PROBLEMS_NAMED));
    }
    named
}

/// Paragraphs of `Field: value` lines (a line starting with a space continues the one before).
fn paragraphs(text: &str) -> impl Iterator<Item = BTreeMap<&str, String>> + '_ {
    text.split("\n\n").map(|paragraph| {
        let mut fields: BTreeMap<&str, String> = BTreeMap::new();
        let mut last: Option<&str> = None;
        for line in paragraph.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = last.and_then(|name| fields.get_mut(name)) {
                    value.push('\n');
                    value.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                fields.insert(name.trim(), value.trim().to_string());
                last = Some(name.trim());
            }
        }
        fields
    })
}

/// dpkg's status: only packages whose Status says installed. `Source: openssl (3.0.1-1)` names
/// the source package and, when it differs, its version.
fn dpkg(text: &str) -> (Vec<Entry>, Vec<String>) {
    let (mut entries, mut unread) = (Vec::new(), Vec::new());
    for (number, fields) in paragraphs(text).enumerate() {
        if fields.get("Status").is_some_and(|status| !status.ends_with(" installed")) {
            continue;
        }
        match (fields.get("Package"), fields.get("Version")) {
            (Some(name), Some(version)) => entries.push(Entry {
                ecosystem: Ecosystem::Deb,
                name: name.clone(),
                version: version.clone(),
                source: fields.get("Source").and_then(|s| s.split_whitespace().next()).map(str::to_string),
                licence: None,
                architecture: fields.get("Architecture").cloned(),
                files: Vec::new(),
            }),
            (name, _) if !fields.is_empty() || !paragraph_is_blank(text, number) => unread.push(match name {
                Some(name) => format!("{name} has no Version"),
                None => format!("entry {} has no Package", number + 1),
            }),
            _ => {}
        }
    }
    (entries, problems_of(unread))
}

/// Whether the `number`th paragraph of `text` holds nothing but white space.
fn paragraph_is_blank(text: &str, number: usize) -> bool {
    text.split("\n\n").nth(number).is_none_or(|paragraph| paragraph.trim().is_empty())
}

/// apk's database: one-letter fields; `P` name, `V` version, `A` architecture, `L` licence,
/// `o` origin, `F` a folder and `R` a file in it.
fn apk(text: &str) -> (Vec<Entry>, Vec<String>) {
    let mut unread = Vec::new();
    let entries = text
        .split("\n\n")
        .enumerate()
        .filter_map(|(number, paragraph)| {
            let mut entry = Entry {
                ecosystem: Ecosystem::Apk,
                name: String::new(),
                version: String::new(),
                source: None,
                licence: None,
                architecture: None,
                files: Vec::new(),
            };
            let mut folder = String::new();
            for line in paragraph.lines() {
                let Some((key, value)) = line.split_once(':') else { continue };
                match key {
                    "P" => entry.name = value.to_string(),
                    "V" => entry.version = value.to_string(),
                    "A" => entry.architecture = Some(value.to_string()),
                    "L" => entry.licence = Some(value.to_string()).filter(|l| !l.is_empty()),
                    "o" => entry.source = Some(value.to_string()),
                    "F" => folder = value.to_string(),
                    "R" => entry.files.push(format!("/{folder}/{value}").replace("//", "/")),
                    _ => {}
                }
            }
            let whole = !entry.name.is_empty() && !entry.version.is_empty();
            if !whole && !paragraph.trim().is_empty() {
                unread.push(format!("entry {} has no P (name) or V (version)", number + 1));
            }
            whole.then_some(entry)
        })
        .collect();
    (entries, problems_of(unread))
}

/// rpm's SQLite database ([`super::rpm`]).
fn rpm(content: &[u8]) -> (Vec<Entry>, Vec<String>) {
    let (packages, unread) = super::rpm::packages(content);
    let entries = packages
        .into_iter()
        .map(|package| Entry {
            ecosystem: Ecosystem::Rpm,
            name: package.name,
            version: package.version,
            source: package.source,
            licence: package.licence,
            architecture: package.architecture,
            files: package.files,
        })
        .collect();
    (entries, problems_of(unread))
}

/// The older rpm databases Strata does not read (BerkeleyDB's `Packages`, NDB's `Packages.db`).
const UNREAD_RPM_DATABASES: [&str; 4] = [
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
];

/// A warning for each older rpm database in the final tree: its packages are not listed.
fn unread_rpm_databases(tree: &FileTree) -> Vec<String> {
    UNREAD_RPM_DATABASES
        .iter()
        .filter(|path| TreePath::parse(path.as_bytes()).ok().is_some_and(|p| tree.node(&p).is_some()))
        .map(|path| format!("/{path}: rpm database not read (BerkeleyDB or NDB; only rpmdb.sqlite is)"))
        .collect()
}

/// A distribution's METADATA (or PKG-INFO): email-style headers before the first blank line.
fn python(text: &str) -> Option<Entry> {
    let headers = paragraphs(text).next()?;
    let licence = headers
        .get("License-Expression")
        .or(headers.get("License"))
        .filter(|l| !l.is_empty() && l.len() <= 100 && !l.contains('\n'))
        .cloned();
    Some(Entry {
        ecosystem: Ecosystem::Python,
        name: headers.get("Name")?.to_lowercase().replace(['_', '.'], "-"),
        version: headers.get("Version")?.clone(),
        source: None,
        licence,
        architecture: None,
        files: Vec::new(),
    })
}

/// A package's `package.json` (one without a name and version, as some folders' are, is no
/// package; one that is not JSON cannot be read).
fn node(content: &[u8]) -> (Vec<Entry>, Vec<String>) {
    match serde_json::from_slice::<serde_json::Value>(content) {
        Ok(manifest) => (node_entry(&manifest).into_iter().collect(), Vec::new()),
        Err(error) => (Vec::new(), vec![format!("not JSON ({error})")]),
    }
}

fn node_entry(manifest: &serde_json::Value) -> Option<Entry> {
    Some(Entry {
        ecosystem: Ecosystem::Node,
        name: manifest["name"].as_str()?.to_string(),
        version: manifest["version"].as_str()?.to_string(),
        source: None,
        licence: manifest["license"].as_str().map(str::to_string),
        architecture: None,
        files: Vec::new(),
    })
}

/// `os-release`: `KEY=value` lines, values maybe quoted.
fn os_release(text: &str) -> OsRelease {
    let field = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
            .map(|value| value.trim().trim_matches(['"', '\'']).to_string())
            .unwrap_or_default()
    };
    OsRelease { id: field("ID"), version_id: field("VERSION_ID"), pretty_name: field("PRETTY_NAME") }
}

/// The package URL of `entry`, as the purl specification writes each type: `deb` and `apk` with
/// the distribution as namespace and `arch`/`distro` qualifiers, `pypi`, `npm` (a scope is the
/// namespace), `golang` (the module path's folders are the namespace) and `cargo`.
fn purl(entry: &Entry, os: Option<&OsRelease>) -> String {
    let distro =
        os.map(|os| if os.version_id.is_empty() { os.id.clone() } else { format!("{}-{}", os.id, os.version_id) });
    let (kind, namespace, name) = match entry.ecosystem {
        Ecosystem::Deb => ("deb", Some(os.map_or("debian", |os| os.id.as_str()).to_string()), entry.name.clone()),
        Ecosystem::Apk => ("apk", Some(os.map_or("alpine", |os| os.id.as_str()).to_string()), entry.name.clone()),
        Ecosystem::Rpm => ("rpm", os.map(|os| os.id.clone()), entry.name.clone()),
        Ecosystem::Python => ("pypi", None, entry.name.clone()),
        Ecosystem::Node => match entry.name.split_once('/') {
            Some((scope, name)) if scope.starts_with('@') => ("npm", Some(scope.to_string()), name.to_string()),
            _ => ("npm", None, entry.name.clone()),
        },
        // A Go module's path is its namespace and name: `golang.org/x` and `text`.
        Ecosystem::Go => match entry.name.rsplit_once('/') {
            Some((namespace, name)) => ("golang", Some(namespace.to_string()), name.to_string()),
            None => ("golang", None, entry.name.clone()),
        },
        Ecosystem::Cargo => ("cargo", None, entry.name.clone()),
    };
    let Ok(mut url) = PackageUrl::new(kind, name.as_str()) else { return String::new() };
    // rpm's epoch is a qualifier of its own in a purl, not part of the version.
    let (epoch, version) = match (entry.ecosystem, entry.version.split_once(':')) {
        (Ecosystem::Rpm, Some((epoch, version))) => (Some(epoch), version),
        _ => (None, entry.version.as_str()),
    };
    if let Some(epoch) = epoch {
        let _ = url.add_qualifier("epoch", epoch);
    }
    if url.with_version(version).is_err() {
        return String::new();
    }
    if let Some(namespace) = namespace.filter(|n| !n.is_empty()) {
        if url.with_namespace(namespace).is_err() {
            return String::new();
        }
    }
    if matches!(entry.ecosystem, Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm) {
        if let Some(architecture) = &entry.architecture {
            let _ = url.add_qualifier("arch", architecture.as_str());
        }
        if let Some(distro) = distro {
            let _ = url.add_qualifier("distro", distro);
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\nDescription: shell\n more text\n\nPackage: curl\nStatus: deinstall ok config-files\nVersion: 7.88\n\nPackage: libssl3\nStatus: install ok installed\nSource: openssl (3.0.11-1~deb12u2)\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n\nPackage: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n";

    fn path(text: &str) -> TreePath {
        TreePath::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn dpkg_gives_installed_packages_with_their_source() {
        let (entries, _) = parse(&path("var/lib/dpkg/status"), STATUS.as_bytes());
        let names: Vec<_> = entries.iter().map(|e| (e.name.as_str(), e.version.as_str())).collect();
        assert_eq!(names, [("bash", "5.2.15-2+b2"), ("libssl3", "3.0.11-1~deb12u2"), ("zlib1g", "1:1.2.13.dfsg-1")]);
        assert_eq!(entries[1].source.as_deref(), Some("openssl"));
        assert_eq!(entries[0].source, None);
        let (distroless, _) =
            parse(&path("var/lib/dpkg/status.d/base"), b"Package: base-files\nVersion: 12.4\nArchitecture: amd64\n");
        assert_eq!(distroless[0].name, "base-files", "status.d paragraphs carry no Status field");
    }

    #[test]
    fn apk_python_and_node_entries() {
        let (apk, _) = parse(
            &path("lib/apk/db/installed"),
            b"C:Q1x\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r5\n",
        );
        assert_eq!(apk[0].files, ["/lib/ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1"]);
        assert_eq!((apk[0].licence.as_deref(), apk[0].source.as_deref()), (Some("MIT"), Some("musl")));
        assert_eq!(apk[1].name, "busybox");
        let (python, _) = parse(
            &path("usr/lib/python3/dist-packages/Foo_Bar-1.0.dist-info/METADATA"),
            b"Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0\nLicense: MIT\n\nVersion: 9\n",
        );
        assert_eq!((python[0].name.as_str(), python[0].version.as_str()), ("foo-bar", "1.0"));
        let (egg, _) =
            parse(&path("usr/lib/python3.11/site-packages/six.egg-info/PKG-INFO"), b"Name: six\nVersion: 1.16.0\n");
        assert_eq!(egg[0].name, "six");
        let (scoped, _) = parse(
            &path("app/node_modules/@types/node/package.json"),
            br#"{"name":"@types/node","version":"20.1.0","license":"MIT"}"#,
        );
        assert_eq!(scoped[0].licence.as_deref(), Some("MIT"));
        let (none, unread) = parse(&path("app/node_modules/y/package.json"), b"not json");
        assert!(none.is_empty() && unread[0].starts_with("not JSON"), "{unread:?}");
        let (folder, unread) = parse(&path("app/node_modules/z/package.json"), br#"{"type": "module"}"#);
        assert!(folder.is_empty() && unread.is_empty(), "a package.json without a name is no package");
    }

    #[test]
    fn cut_or_garbled_entries_are_told_and_the_rest_still_read() {
        // A status file cut in the middle of an entry, and a line that is no field.
        let cut = b"Package: bash\nVersion: 5.2\n\nGARBAGE \x00\x01\n\nPackage: libc6\nStatus: install ok installed\nArchitec";
        let (entries, unread) = parse(&path("var/lib/dpkg/status"), cut);
        assert_eq!(entries.len(), 1);
        assert_eq!(unread, ["entry 2 has no Package", "libc6 has no Version"]);
        let many = "Package: x\n\n".repeat(5);
        let (_, unread) = parse(&path("var/lib/dpkg/status"), many.as_bytes());
        assert_eq!(unread.len(), 4, "three named, the rest counted: {unread:?}");
        assert_eq!(unread[3], "and 2 more entries that cannot be read");
        let (_, unread) = parse(&path("lib/apk/db/installed"), b"P:musl\nV:1.2\n\nP:cut-off\n");
        assert_eq!(unread, ["entry 2 has no P (name) or V (version)"]);
        let (_, unread) = parse(&path("usr/lib/python3/dist-packages/x.dist-info/METADATA"), b"Name: x\n");
        assert_eq!(unread, ["no Name or Version header"]);
    }

    #[test]
    fn package_urls_follow_the_purl_types() {
        let debian = OsRelease { id: "debian".into(), version_id: "12".into(), pretty_name: String::new() };
        let (entries, _) = parse(&path("var/lib/dpkg/status"), STATUS.as_bytes());
        assert_eq!(
            purl(&entries[1], Some(&debian)),
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            purl(&entries[2], Some(&debian)),
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12"
        );
        let scoped = node_entry(&serde_json::json!({"name": "@types/node", "version": "20.1.0"})).unwrap();
        assert_eq!(purl(&scoped, None), "pkg:npm/%40types/node@20.1.0");
        let python = python("Name: Django\nVersion: 4.2\n").unwrap();
        assert_eq!(purl(&python, None), "pkg:pypi/django@4.2");
    }

    #[test]
    fn each_package_belongs_to_the_last_layer_that_changed_it() {
        let status = |text: &str| text.as_bytes().to_vec();
        let base = status("Package: a\nVersion: 1\n\nPackage: b\nVersion: 1\n");
        let upgraded = status("Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\n\nPackage: c\nVersion: 1\n");
        let copies = [(0, base.as_slice()), (3, upgraded.as_slice())];
        let layers: Vec<_> =
            attributed(&path("var/lib/dpkg/status"), &copies).0.into_iter().map(|(l, e)| (e.name, l)).collect();
        assert_eq!(layers, [("a".to_string(), 0), ("b".to_string(), 3), ("c".to_string(), 3)]);
    }

    #[test]
    fn os_release_values_may_be_quoted() {
        let os = os_release(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
        );
        assert_eq!(
            os,
            OsRelease {
                id: "debian".into(),
                version_id: "12".into(),
                pretty_name: "Debian GNU/Linux 12 (bookworm)".into()
            }
        );
    }
}
