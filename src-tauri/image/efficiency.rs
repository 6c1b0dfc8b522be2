//! Image efficiency as dive 0.13.1 computes it, so the figures can be compared one to one:
//!
//! - each layer is looked at on its own, and only at its leaves (paths with nothing under them in
//!   that layer); opaque markers are not paths;
//! - a leaf weighs its size; a whiteout weighs the size of the whole subtree it deletes when that
//!   was a directory in the layers below (dive counts a deleted file as 0 bytes);
//! - a path seen in two or more layers is an inefficiency, and all its weights count as wasted;
//! - score = Σ over paths of the smallest weight seen ÷ Σ of every weight (1 when nothing weighs);
//! - user size = the layers' sizes but the first, and wasted-user % = wasted ÷ user size.
//!
//! The layers below a whiteout are stacked the way dive stacks them: without opaque markers.

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use super::layer::{EntryKind, LayerChange, TreePath};
use super::tree::FileTree;

/// A path that more than one layer wrote or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Inefficiency {
    /// The path in the image, as shown (`/var/cache/apt`).
    pub path: String,
    /// In how many layers it appears.
    pub count: usize,
    /// All its weights added up: the bytes it wastes.
    pub cumulative_size: u64,
}

/// An image's efficiency figures, computed as dive computes them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Efficiency {
    /// 0 to 1; 1 means no byte is stored twice or deleted later.
    pub score: f64,
    /// Bytes of every path seen in two or more layers, every copy counted.
    pub wasted_bytes: u64,
    /// Bytes of every layer but the first (the base).
    pub user_size_bytes: u64,
    /// `wasted_bytes / user_size_bytes`, 0 when there are no user bytes.
    pub wasted_user_fraction: f64,
    /// Largest first.
    pub inefficiencies: Vec<Inefficiency>,
}

#[derive(Default)]
struct PathWeights {
    count: usize,
    cumulative: u64,
    smallest: u64,
}

/// Bytes of the regular files a layer writes, which is what dive calls a layer's size.
pub fn layer_size(changes: &[LayerChange]) -> u64 {
    changes.iter().map(|c| if let LayerChange::Entry(e) = c { e.size } else { 0 }).sum()
}

/// Computes dive's efficiency figures for layers given bottom first.
pub fn efficiency(layers: &[&[LayerChange]]) -> Efficiency {
    let mut tally = EfficiencyTally::for_layers(layers);
    let mut below = FileTree::new();
    for (index, changes) in layers.iter().enumerate() {
        tally.weigh_layer(changes, &below);
        below.apply_quietly(index, changes.iter().filter(|c| !matches!(c, LayerChange::Opaque(_))));
    }
    tally.finish()
}

/// Whether a tree stacked with Docker's rules is also the tree dive stacks below each layer,
/// which holds when no layer has an opaque marker (dive ignores them). Then the caller's own
/// tree can be handed to [`EfficiencyTally::weigh_layer`] rather than a second one built.
pub fn stacks_like_dive(layers: &[&[LayerChange]]) -> bool {
    !layers.iter().flat_map(|l| l.iter()).any(|c| matches!(c, LayerChange::Opaque(_)))
}

/// Dive's figures gathered one layer at a time, bottom first. Paths are borrowed from the
/// layers weighed, so a 100k-file image costs no copy of its paths.
#[derive(Default)]
pub struct EfficiencyTally<'a> {
    weights: FxHashMap<&'a TreePath, PathWeights>,
    layers_seen: usize,
    user_size_bytes: u64,
}

impl<'a> EfficiencyTally<'a> {
    /// A tally sized for `layers` up front: growing a map of 100k paths layer by layer rehashes
    /// it again and again.
    pub fn for_layers(layers: &[&[LayerChange]]) -> EfficiencyTally<'a> {
        let paths = layers.iter().map(|changes| changes.len()).sum();
        EfficiencyTally {
            weights: FxHashMap::with_capacity_and_hasher(paths, Default::default()),
            ..Default::default()
        }
    }

    /// Weighs the leaves of the next layer up; `below` is the tree of the layers under it,
    /// stacked as dive stacks them (without opaque markers).
    pub fn weigh_layer(&mut self, changes: &'a [LayerChange], below: &FileTree) {
        let leaves = leaves(changes);
        self.weights.reserve(leaves.len());
        for (path, whiteout, size) in leaves {
            let weight = if whiteout { deleted_directory_size(below, path) } else { size };
            let entry = self.weights.entry(path).or_default();
            entry.smallest = if entry.count == 0 { weight } else { entry.smallest.min(weight) };
            entry.count += 1;
            entry.cumulative += weight;
        }
        if self.layers_seen > 0 {
            self.user_size_bytes += layer_size(changes);
        }
        self.layers_seen += 1;
    }

    /// The figures, once every layer has been weighed; inefficiencies come largest first.
    pub fn finish(self) -> Efficiency {
        let smallest: u64 = self.weights.values().map(|w| w.smallest).sum();
        let discovered: u64 = self.weights.values().map(|w| w.cumulative).sum();
        let mut inefficiencies: Vec<Inefficiency> = self
            .weights
            .iter()
            .filter(|(_, w)| w.count >= 2)
            .map(|(path, w)| Inefficiency { path: path.display(), count: w.count, cumulative_size: w.cumulative })
            .collect();
        inefficiencies.sort_by(|a, b| b.cumulative_size.cmp(&a.cumulative_size).then(a.path.cmp(&b.path)));
        let wasted_bytes = inefficiencies.iter().map(|i| i.cumulative_size).sum();
        let user_size_bytes = self.user_size_bytes;
        Efficiency {
            score: if discovered == 0 { 1.0 } else { smallest as f64 / discovered as f64 },
            wasted_bytes,
            user_size_bytes,
            wasted_user_fraction: if user_size_bytes == 0 { 0.0 } else { wasted_bytes as f64 / user_size_bytes as f64 },
            inefficiencies,
        }
    }
}

/// The leaves of one layer on its own: (path, is a whiteout, size). Parent directories a layer
/// implies without listing are not leaves, as they have children.
fn leaves(changes: &[LayerChange]) -> Vec<(&TreePath, bool, u64)> {
    let mut nodes: FxHashMap<&TreePath, (bool, u64)> =
        FxHashMap::with_capacity_and_hasher(changes.len(), Default::default());
    for change in changes {
        match change {
            LayerChange::Entry(entry) => {
                nodes.insert(&entry.path, (false, entry.size));
            }
            LayerChange::Whiteout(path) => {
                nodes.insert(path, (true, 0));
            }
            LayerChange::Opaque(_) => {}
        }
    }
    let parents = ancestors(nodes.keys().copied());
    let mut found: Vec<(&TreePath, bool, u64)> = nodes
        .into_iter()
        .filter(|(path, _)| !parents.contains(path.as_bytes()))
        .map(|(path, (whiteout, size))| (path, whiteout, size))
        .collect();
    if found.is_empty() {
        // An empty layer is a lone root, as in dive; it weighs nothing.
        found.push((TreePath::root(), false, 0));
    }
    found
}

/// Every directory above the given paths (the root included), as byte strings borrowed from
/// them: a path's ancestors are its prefixes that end before a `/`.
fn ancestors<'a>(paths: impl Iterator<Item = &'a TreePath>) -> FxHashSet<&'a [u8]> {
    // A directory for every few paths is usual; sizing for it saves rehashing a large set.
    let mut found: FxHashSet<&[u8]> = FxHashSet::with_capacity_and_hasher(paths.size_hint().0 / 4, Default::default());
    for path in paths {
        let mut rest = path.as_bytes();
        while !rest.is_empty() {
            let parent = &rest[..rest.iter().rposition(|b| *b == b'/').unwrap_or(0)];
            if !found.insert(parent) {
                break; // its ancestors are in already
            }
            rest = parent;
        }
    }
    found
}

fn deleted_directory_size(below: &FileTree, path: &TreePath) -> u64 {
    match below.info(path) {
        Some(info) if info.kind == EntryKind::Directory => info.total_size,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of as layer;

    #[test]
    fn a_clean_stack_scores_one_and_wastes_nothing() {
        let base = layer(&[(b"bin/sh", "file", &[1; 100])]);
        let app = layer(&[(b"app/main", "file", &[2; 50])]);
        let result = efficiency(&[&base, &app]);
        assert_eq!(result.score, 1.0);
        assert_eq!(result.wasted_bytes, 0);
        assert_eq!(result.user_size_bytes, 50);
        assert!(result.inefficiencies.is_empty());
    }

    #[test]
    fn a_file_written_twice_wastes_both_copies() {
        let base = layer(&[(b"etc/conf", "file", &[0; 100])]);
        let again = layer(&[(b"etc/conf", "file", &[0; 40])]);
        let result = efficiency(&[&base, &again]);
        assert_eq!(result.wasted_bytes, 140);
        assert_eq!(
            result.inefficiencies,
            vec![Inefficiency { path: "/etc/conf".into(), count: 2, cumulative_size: 140 }]
        );
        assert!((result.score - 40.0 / 140.0).abs() < 1e-12);
        assert!((result.wasted_user_fraction - 140.0 / 40.0).abs() < 1e-12);
    }

    #[test]
    fn deleting_a_directory_weighs_its_subtree_and_deleting_a_file_weighs_nothing() {
        let base =
            layer(&[(b"cache/a", "file", &[0; 30]), (b"cache/b", "file", &[0; 20]), (b"tmp.bin", "file", &[0; 70])]);
        let cleanup = layer(&[(b".wh.cache", "file", b""), (b".wh.tmp.bin", "file", b"")]);
        let result = efficiency(&[&base, &cleanup]);
        let cache = result.inefficiencies.iter().find(|i| i.path == "/cache");
        assert_eq!(cache, None, "/cache was not a leaf of the base layer, so it is seen once");
        let tmp = result.inefficiencies.iter().find(|i| i.path == "/tmp.bin").unwrap();
        assert_eq!(tmp.cumulative_size, 70, "the file's 70 bytes plus 0 for its whiteout");
        // /cache is weighed 50 as a whiteout leaf of the second layer
        assert!((result.score - (30.0 + 20.0 + 0.0 + 50.0) / (30.0 + 20.0 + 70.0 + 50.0)).abs() < 1e-12);
    }

    #[test]
    fn opaque_markers_are_not_paths() {
        let base = layer(&[(b"var/x", "file", &[0; 10])]);
        let opaque = layer(&[(b"var/.wh..wh..opq", "file", b""), (b"var/y", "file", &[0; 5])]);
        let result = efficiency(&[&base, &opaque]);
        assert_eq!(result.wasted_bytes, 0);
        assert_eq!(result.score, 1.0);
    }

    #[test]
    fn ancestors_are_every_directory_above_down_to_the_root() {
        let paths: Vec<TreePath> =
            ["usr/lib/x", "usr/bin", "etc"].iter().map(|p| TreePath::parse(p.as_bytes()).unwrap()).collect();
        let mut found: Vec<&[u8]> = ancestors(paths.iter()).into_iter().collect();
        found.sort();
        assert_eq!(found, [&b""[..], b"usr", b"usr/lib"]);
    }
}
