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

use serde::Serialize;

pub use config::{diff_config, ConfigChange};
pub use files::{diff_trees, FileChange, FileDiff};
pub use packages::{diff_packages, packages_of, Package, PackageDiff, VersionChange};
pub use tree::{ChangeQuery, ChangeRow, ChangeSort, ChangeStatus, ChangeTree, FolderDelta};

use crate::image::analysis::layer_commands_of;
use crate::image::Image;

/// A layer one image has and the other does not (above the shared base).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LayerRef {
    pub index: usize,
    pub digest: String,
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HistoryDiff {
    /// How many bottom layers the two images have in common (same digests, same order).
    pub shared_layers: usize,
    /// Those layers, with the commands that made them.
    pub shared: Vec<LayerRef>,
    pub only_before: Vec<LayerRef>,
    pub only_after: Vec<LayerRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageDiff {
    pub before: String,
    pub after: String,
    pub files: FileDiff,
    pub config: Vec<ConfigChange>,
    pub packages: PackageDiff,
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
    let packages = diff_packages(&packages_of(before, &before_tree), &packages_of(after, &after_tree));
    let tree = ChangeTree::build(&files);
    let diff = ImageDiff {
        packages,
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
