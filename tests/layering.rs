//! The engine's layering, checked over the sources: every module under `src-tauri/` sits in a row
//! of the table in `docs/ARCHITECTURE.md`, and a module may use only modules in its own row or
//! below, never one above, and never so that modules use each other round a cycle — neither
//! between top-level modules nor between the files of one module. The table in the document is
//! the one source: this test reads it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → its row (0 is the top).
fn rows_from_architecture_doc() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).expect("docs/ARCHITECTURE.md");
    let block = doc.split("```layers\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a ```layers block");
    let mut rows = BTreeMap::new();
    for (row, line) in block.lines().filter(|line| !line.trim().is_empty()).enumerate() {
        let (_, modules) = line.split_once(':').expect("`row name: module module …`");
        for module in modules.split_whitespace() {
            assert!(rows.insert(module.to_string(), row).is_none(), "{module} is in two rows");
        }
    }
    rows
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level modules: the folders and `.rs` files beside `lib.rs`.
fn top_level_modules() -> BTreeMap<String, Vec<PathBuf>> {
    let sources = root().join("src-tauri");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&sources).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            modules.insert(name, rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && !["lib", "main", "build"].contains(&name.as_str()) {
            modules.insert(name, vec![path]);
        }
    }
    modules
}

fn rust_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// A file's code without its unit tests (tests may reach anywhere to build their cases) and
/// without comments (a doc link to another module is no use of it).
fn code_of(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let tests = ["#[cfg(test)]\nmod tests", "#[cfg(test)]\npub mod tests", "#[cfg(test)]\npub(crate) mod tests"];
    let code = match tests.iter().filter_map(|start| text.find(start)).min() {
        Some(at) => &text[..at],
        None => &text,
    };
    code.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The names that follow `prefix` in `code`: `crate::image::…` and `crate::{image, engine::X}`
/// give `image` and `engine`.
fn paths_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(|item| first_name(item.trim())).filter(|n| !n.is_empty()));
        } else {
            found.insert(first_name(rest));
        }
    }
    found.remove("");
    found.remove("self");
    found
}

fn first_name(path: &str) -> String {
    path.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// The first cycle in `edges`, as the modules round it, if there is one.
fn a_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

fn uses_between_modules() -> BTreeMap<String, BTreeSet<String>> {
    let modules = top_level_modules();
    modules
        .iter()
        .map(|(module, files)| {
            let mut used: BTreeSet<String> = files.iter().flat_map(|f| paths_after(&code_of(f), "crate::")).collect();
            used.retain(|other| other != module && modules.contains_key(other));
            (module.clone(), used)
        })
        .collect()
}

#[test]
fn every_module_has_a_row_and_uses_only_its_row_or_below() {
    let rows = rows_from_architecture_doc();
    let uses = uses_between_modules();
    let unplaced: Vec<&String> = uses.keys().filter(|m| !rows.contains_key(*m)).collect();
    assert!(unplaced.is_empty(), "modules missing from docs/ARCHITECTURE.md's layers: {unplaced:?}");
    let upward: Vec<String> = uses
        .iter()
        .flat_map(|(module, used)| used.iter().map(move |other| (module, other)))
        .filter(|(module, other)| rows[*other] < rows[*module])
        .map(|(module, other)| format!("{module} uses {other}, a row above it"))
        .collect();
    assert!(upward.is_empty(), "imports pointing up: {upward:#?}");
}

#[test]
fn no_modules_use_each_other_round_a_cycle() {
    let uses = uses_between_modules();
    assert!(uses.values().any(|used| !used.is_empty()), "the scan found no use at all: it is broken");
    if let Some(cycle) = a_cycle(&uses) {
        panic!("modules using each other round a cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn no_files_of_one_module_use_each_other_round_a_cycle() {
    for (module, files) in top_level_modules().into_iter().filter(|(_, files)| files.len() > 1) {
        let folder = root().join("src-tauri").join(&module);
        let name_of = |file: &Path| {
            let relative = file.strip_prefix(&folder).unwrap().with_extension("");
            let name = relative.to_string_lossy().replace('\\', "/");
            name.strip_suffix("/mod").unwrap_or(&name).to_string()
        };
        let names: BTreeSet<String> = files.iter().map(|f| name_of(f)).collect();
        let uses: BTreeMap<String, BTreeSet<String>> = files
            .iter()
            .map(|file| {
                let code = code_of(file);
                let mut used = paths_after(&code, "super::");
                used.extend(paths_after(&code, &format!("crate::{module}::")));
                used.retain(|other| names.contains(other) && *other != name_of(file) && other != "mod");
                (name_of(file), used)
            })
            .collect();
        if let Some(cycle) = a_cycle(&uses) {
            panic!("files of {module}/ using each other round a cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_scanner_reads_uses_as_rust_writes_them() {
    let code = "use crate::engine::Os;\nuse crate::{image::cache, format};\nlet x = crate::names::check(y);";
    assert_eq!(paths_after(code, "crate::"), ["engine", "format", "image", "names"].map(String::from).into());
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    assert_eq!(a_cycle(&edges), None);
    edges.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(a_cycle(&edges).unwrap(), ["a", "b", "c", "a"]);
}
