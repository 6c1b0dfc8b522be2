//! One walk up an image's layers for the audit of its files: the merged tree at the top, every
//! file a later layer hid (deleted or overwritten, and by which layer), and each layer's files
//! that only change the permissions or owner of a file below (the same content copied again).

use rustc_hash::FxHashSet;

use crate::image::tree::FileTree;
use crate::image::{EntryKind, LayerChange, TreePath};

/// A file a later layer made invisible: its bytes still ship in the layer that stored them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// Where it was.
    pub path: TreePath,
    /// Its bytes of content (files of 0 bytes are not listed).
    pub size: u64,
    /// The layer that stored it.
    pub layer: usize,
    /// The later layer that hid it.
    pub hidden_by: usize,
    /// True when that layer deleted it; false when it wrote the path again.
    pub deleted: bool,
}

/// What one layer wrote over the files below it with the same content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewrites {
    /// Regular files the layer writes.
    pub files: usize,
    /// Of those, files the layers below already had with the same content, now with another
    /// mode or owner: a `chmod -R` or `chown -R` in its own step.
    pub metadata_only: usize,
    /// Bytes of those files, stored again.
    pub metadata_only_bytes: u64,
}

/// The walk's result.
pub struct Walk {
    /// The image's filesystem, every layer applied.
    pub top: FileTree,
    /// Every file a later layer hid, bottom layer first.
    pub hidden: Vec<Hidden>,
    /// Per layer, bottom first.
    pub rewrites: Vec<Rewrites>,
}

/// Applies `layers` (bottom first) one by one, noting what each hides and rewrites.
pub fn walk(layers: &[&[LayerChange]]) -> Walk {
    let mut top = FileTree::new();
    let mut hidden = Vec::new();
    let mut rewrites = Vec::with_capacity(layers.len());
    for (index, changes) in layers.iter().enumerate() {
        rewrites.push(rewrites_of(&top, changes));
        let counts = top.apply_counted(index, changes.iter());
        if counts.hidden.is_empty() {
            continue;
        }
        let written: FxHashSet<&TreePath> = changes
            .iter()
            .filter_map(|change| match change {
                LayerChange::Entry(entry) => Some(&entry.path),
                _ => None,
            })
            .collect();
        hidden.extend(counts.hidden.into_iter().map(|file| Hidden {
            deleted: !written.contains(&file.path),
            path: file.path,
            size: file.size,
            layer: file.layer,
            hidden_by: file.hidden_by,
        }));
    }
    Walk { top, hidden, rewrites }
}

/// The regular files `changes` writes, and those of them that only change the mode or owner of
/// a file `below` holds with the same content.
fn rewrites_of(below: &FileTree, changes: &[LayerChange]) -> Rewrites {
    let mut rewrites = Rewrites::default();
    for change in changes {
        let LayerChange::Entry(entry) = change else { continue };
        if entry.kind != EntryKind::File {
            continue;
        }
        rewrites.files += 1;
        let Some(before) = below.info(&entry.path) else { continue };
        let same_content = before.kind == EntryKind::File && before.hash == entry.hash;
        if same_content && (before.mode, before.uid, before.gid) != (entry.mode, entry.uid, entry.gid) {
            rewrites.metadata_only += 1;
            rewrites.metadata_only_bytes += entry.size;
        }
    }
    rewrites
}

impl Walk {
    /// The later layer that hid the file `path` of layer `layer`, and whether it deleted it.
    pub fn hider_of(&self, layer: usize, path: &TreePath) -> Option<&Hidden> {
        self.hidden.iter().find(|h| h.layer == layer && &h.path == path)
    }

    /// Whether layer `layer` does nothing but change modes or owners of files below.
    pub fn only_changes_metadata(&self, layer: usize) -> bool {
        self.rewrites.get(layer).is_some_and(|r| r.files > 0 && r.metadata_only == r.files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of;

    #[test]
    fn deleted_and_overwritten_files_and_a_chmod_layer_are_told_apart() {
        let base = changes_of(&[(b"app/big", "file", b"0123456789"), (b"app/run", "file", b"#!/bin/sh")]);
        let overwrite = changes_of(&[(b"app/big", "file", b"new")]);
        let delete = changes_of(&[(b"app/.wh.big", "file", b"")]);
        let mut chmod = changes_of(&[(b"app/run", "file", b"#!/bin/sh")]);
        if let LayerChange::Entry(entry) = &mut chmod[0] {
            entry.mode = 0o755;
        }
        let layers: Vec<&[LayerChange]> = vec![&base, &overwrite, &delete, &chmod];
        let walked = walk(&layers);
        let big = TreePath::parse(b"app/big").unwrap();
        assert_eq!(walked.hider_of(0, &big).map(|h| (h.hidden_by, h.deleted)), Some((1, false)));
        assert_eq!(walked.hider_of(1, &big).map(|h| (h.hidden_by, h.deleted)), Some((2, true)));
        assert!(walked.only_changes_metadata(3));
        assert!(!walked.only_changes_metadata(1), "new content is not a chmod");
        assert_eq!(walked.rewrites[3].metadata_only_bytes, 9);
    }
}
