//! What changed between two final filesystems: paths added, removed and modified, and for a
//! modification which attributes differ (type, size, content, mode, owner, group, link target).
//! The two trees are walked side by side, children in order, so the comparison is one pass over
//! both; nodes both images took from a shared base layer are equal without looking further.

use serde::Serialize;

use crate::image::layer::{escape_bytes, TreePath};
use crate::image::tree::{FileTree, Node};

/// One path that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FileChange {
    /// The path from the root (`/etc/passwd`); bytes that are not UTF-8 written as `\xNN`.
    pub path: String,
    /// `ls -l`'s letter for what the path is in each image (`None` where it is absent).
    pub kind_before: Option<char>,
    /// `ls -l`'s letter for what the path is in the second image (`None` where it is absent).
    pub kind_after: Option<char>,
    /// Own bytes (files) or everything under it (directories), in each image.
    pub size_before: u64,
    /// Bytes in the second image: its own (files) or everything under it (directories).
    pub size_after: u64,
    /// For a modified path, what differs: `type`, `size`, `content`, `mode`, `uid`, `gid`,
    /// `link_target`. Empty for added and removed paths.
    pub changes: Vec<&'static str>,
}

/// The files of two images compared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// Paths only the second image has, a folder before what is in it.
    pub added: Vec<FileChange>,
    /// Paths only the first image has, a folder before what is in it.
    pub removed: Vec<FileChange>,
    /// Paths both images have, but not the same.
    pub modified: Vec<FileChange>,
}

impl FileDiff {
    /// Bytes the second image's files weigh more (or less) than the first's. Directories carry
    /// no bytes of their own here: their files are listed, and counted, one by one.
    pub fn size_delta(&self) -> i64 {
        self.added.iter().chain(&self.removed).chain(&self.modified).map(FileChange::delta).sum()
    }
}

impl FileChange {
    /// How many bytes this change adds (negative: removes); a directory's own entry carries none.
    pub fn delta(&self) -> i64 {
        let own = |kind: Option<char>, size: u64| if kind == Some('d') { 0 } else { size as i64 };
        own(self.kind_after, self.size_after) - own(self.kind_before, self.size_before)
    }
}

/// Compares two final trees. `shared_layers` is how many bottom layers the images have in
/// common: a node both trees took from one of those layers is the same node.
pub fn diff_trees(before: &FileTree, after: &FileTree, shared_layers: usize) -> FileDiff {
    let mut diff = FileDiff::default();
    compare_children(before.root(), after.root(), &TreePath::default(), shared_layers, &mut diff);
    diff
}

fn compare_children(before: &Node, after: &Node, at: &TreePath, shared: usize, diff: &mut FileDiff) {
    let mut left = before.children.iter().peekable();
    let mut right = after.children.iter().peekable();
    loop {
        match (left.peek(), right.peek()) {
            (None, None) => return,
            (Some((name, node)), None) => {
                removed(&at.join(name), node, diff);
                left.next();
            }
            (None, Some((name, node))) => {
                added(&at.join(name), node, diff);
                right.next();
            }
            (Some((a_name, a)), Some((b_name, b))) => match a_name.cmp(b_name) {
                std::cmp::Ordering::Less => {
                    removed(&at.join(a_name), a, diff);
                    left.next();
                }
                std::cmp::Ordering::Greater => {
                    added(&at.join(b_name), b, diff);
                    right.next();
                }
                std::cmp::Ordering::Equal => {
                    // Checked before the path is made: most files of two related images are these.
                    if !same_file_from_shared_base(a, b, shared) {
                        compare_nodes(&at.join(a_name), a, b, shared, diff);
                    }
                    left.next();
                    right.next();
                }
            },
        }
    }
}

/// A file (not a folder: what is under it may differ) both images take from the same one of
/// the bottom layers they share is the same file, without looking.
fn same_file_from_shared_base(a: &Node, b: &Node, shared: usize) -> bool {
    a.layer < shared && a.layer == b.layer && !a.is_dir()
}

fn compare_nodes(path: &TreePath, a: &Node, b: &Node, shared: usize, diff: &mut FileDiff) {
    let changes = differences(a, b);
    if !changes.is_empty() {
        diff.modified.push(change(path, Some(a), Some(b), changes));
    }
    if a.is_dir() && b.is_dir() {
        compare_children(a, b, path, shared, diff);
    } else if a.is_dir() {
        for (name, child) in &a.children {
            removed(&path.join(name), child, diff);
        }
    } else if b.is_dir() {
        for (name, child) in &b.children {
            added(&path.join(name), child, diff);
        }
    }
}

/// What differs between two versions of one path.
fn differences(a: &Node, b: &Node) -> Vec<&'static str> {
    let mut changes = Vec::new();
    if std::mem::discriminant(&a.kind) != std::mem::discriminant(&b.kind) {
        changes.push("type");
    }
    if !a.is_dir() && !b.is_dir() {
        if a.size != b.size {
            changes.push("size");
        }
        if a.hash != b.hash {
            changes.push("content");
        }
    }
    if a.mode != b.mode {
        changes.push("mode");
    }
    if a.uid != b.uid {
        changes.push("uid");
    }
    if a.gid != b.gid {
        changes.push("gid");
    }
    if a.kind.link_target().is_some() && a.kind.link_target() != b.kind.link_target() && !changes.contains(&"type") {
        changes.push("link_target");
    }
    changes
}

fn added(path: &TreePath, node: &Node, diff: &mut FileDiff) {
    diff.added.push(change(path, None, Some(node), Vec::new()));
    for (name, child) in &node.children {
        added(&path.join(name), child, diff);
    }
}

fn removed(path: &TreePath, node: &Node, diff: &mut FileDiff) {
    diff.removed.push(change(path, Some(node), None, Vec::new()));
    for (name, child) in &node.children {
        removed(&path.join(name), child, diff);
    }
}

fn change(path: &TreePath, before: Option<&Node>, after: Option<&Node>, changes: Vec<&'static str>) -> FileChange {
    let size = |node: Option<&Node>| node.map(|n| if n.is_dir() { n.total_size() } else { n.size }).unwrap_or(0);
    FileChange {
        path: format!("/{}", escape_bytes(path.as_bytes())),
        kind_before: before.map(|n| n.kind.letter()),
        kind_after: after.map(|n| n.kind.letter()),
        size_before: size(before),
        size_after: size(after),
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of as layer;

    fn tree(entries: &[(&[u8], &str, &[u8])]) -> FileTree {
        let mut tree = FileTree::new();
        tree.apply(0, &layer(entries));
        tree
    }

    fn summary(diff: &FileDiff) -> Vec<String> {
        let mut lines = Vec::new();
        for (sign, list) in [("+", &diff.added), ("-", &diff.removed), ("~", &diff.modified)] {
            for c in list {
                lines.push(format!("{sign}{} {}", c.path, c.changes.join(",")).trim_end().to_string());
            }
        }
        lines
    }

    #[test]
    fn finds_added_removed_and_each_kind_of_modification() {
        let before = tree(&[
            (b"etc/conf", "file", b"aaaa"),
            (b"etc/same", "file", b"same"),
            (b"gone/x", "file", b"x"),
            (b"link", "symlink:etc/conf", b""),
            (b"swap", "file", b"file"),
        ]);
        let after = tree(&[
            (b"etc/conf", "file", b"bbbb"),
            (b"etc/same", "file", b"same"),
            (b"new.txt", "file", b"new"),
            (b"link", "symlink:etc/same", b""),
            (b"swap/inside", "file", b"i"),
        ]);
        let diff = diff_trees(&before, &after, 0);
        assert_eq!(
            summary(&diff),
            [
                "+/new.txt",
                "+/swap/inside",
                "-/gone",
                "-/gone/x",
                "~/etc/conf content",
                "~/link link_target",
                "~/swap type,mode",
            ]
        );
        // before: conf 4 + same 4 + gone/x 1 + swap 4; after: conf 4 + same 4 + new 3 + swap/inside 1
        assert_eq!(diff.size_delta(), 12 - 13);
    }
}
