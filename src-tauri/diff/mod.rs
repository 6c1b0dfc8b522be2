//! Two images compared: their final files (added, removed, modified, and what about each
//! modification), their configs, their packages, and their histories (which layers they share). Built on the
//! layer reader and its cache: layers both images share are read once, and files both took from
//! the shared base layers are equal without comparing further.
//! The changed paths also come as a tree with size changes rolled up per folder ([`tree`]), and
//! one text file's two versions as a unified diff ([`text`]).

pub mod config;
pub mod files;
pub mod packages;
pub mod text;
pub mod tree;
pub mod vulns;

use serde::Serialize;

pub use config::{diff_config, ConfigChange};
pub use files::{diff_trees, FileChange, FileDiff};
pub use packages::{diff_packages, packages_of, Package, PackageDiff, VersionChange};
pub use tree::{ChangeQuery, ChangeRow, ChangeSort, ChangeStatus, ChangeTree, FolderDelta};
pub use vulns::{diff_vulnerabilities, VulnDiff};

use crate::image::analysis::layer_commands_of;
use crate::image::Image;
use crate::sbom::inventory;

/// A layer one image has and the other does not (above the shared base).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LayerRef {
    /// Its position in the image's layers, from 0 at the bottom.
    pub index: usize,
    /// The layer's diff id: the `sha256:` digest of its uncompressed content.
    pub digest: String,
    /// The history step that made it; empty when the history does not say.
    pub command: String,
}

/// The two images' layer stacks compared: the common base and what each adds on top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HistoryDiff {
    /// How many bottom layers the two images have in common (same digests, same order).
    pub shared_layers: usize,
    /// Those layers, with the commands that made them.
    pub shared: Vec<LayerRef>,
    /// The first image's layers above the shared ones, bottom first.
    pub only_before: Vec<LayerRef>,
    /// The second image's layers above the shared ones, bottom first.
    pub only_after: Vec<LayerRef>,
}

/// Everything that differs between two images.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageDiff {
    /// The name the first image is reported by.
    pub before: String,
    /// The name the second image is reported by.
    pub after: String,
    /// Paths added, removed and modified.
    pub files: FileDiff,
    /// Config fields that differ, one change per key of a map or set.
    pub config: Vec<ConfigChange>,
    /// Packages added, removed and at another version.
    pub packages: PackageDiff,
    /// Known vulnerabilities fixed and introduced; `None` when there is no vulnerability database.
    pub vulnerabilities: Option<VulnDiff>,
    /// Which layers the images share, and which each has alone.
    pub history: HistoryDiff,
    /// How many bytes the second image's files weigh more than the first's (negative: less).
    pub size_delta_bytes: i64,
    /// Every folder holding changes with its rolled-up size change, largest change first.
    pub folders: Vec<FolderDelta>,
}

/// Compares two loaded images; `before` and `after` are the names to report them by.
pub fn compare(before_name: &str, before: &Image, after_name: &str, after: &Image) -> ImageDiff {
    compare_with_tree(before_name, before, after_name, after).0
}

/// [`compare`], with the tree of changed paths it rolled the folders up from (the window pages
/// through it).
pub fn compare_with_tree(
    before_name: &str,
    before: &Image,
    after_name: &str,
    after: &Image,
) -> (ImageDiff, ChangeTree) {
    let history = history(before, after);
    // The two trees are independent: build them on two threads.
    let (before_tree, after_tree) = std::thread::scope(|scope| {
        let first = scope.spawn(|| before.merged_tree());
        let second = after.merged_tree();
        (first.join().expect("building a tree does not panic"), second)
    });
    let files = diff_trees(&before_tree, &after_tree, history.shared_layers);
    let (before_packages, after_packages) = (inventory(before, &before_tree), inventory(after, &after_tree));
    let packages = diff_packages(&packages_of(&before_packages), &packages_of(&after_packages));
    let vulnerabilities = diff_vulnerabilities(&before_packages, &after_packages);
    let tree = ChangeTree::build(&files);
    let diff = ImageDiff {
        packages,
        vulnerabilities,
        before: before_name.to_string(),
        after: after_name.to_string(),
        size_delta_bytes: files.size_delta(),
        folders: tree.folders(),
        files,
        config: diff_config(&before.config, &after.config),
        history,
    };
    (diff, tree)
}

fn history(before: &Image, after: &Image) -> HistoryDiff {
    let shared_layers = before.layers.iter().zip(&after.layers).take_while(|(a, b)| a.diff_id == b.diff_id).count();
    let layers = |image: &Image, range: std::ops::Range<usize>| {
        let commands = layer_commands_of(image);
        range
            .map(|index| LayerRef {
                index,
                digest: image.layers[index].diff_id.clone(),
                command: commands[index].clone(),
            })
            .collect()
    };
    HistoryDiff {
        shared_layers,
        shared: layers(after, 0..shared_layers),
        only_before: layers(before, shared_layers..before.layers.len()),
        only_after: layers(after, shared_layers..after.layers.len()),
    }
}
