//! The merged file tree of a layer stack, built by applying layers bottom first, and what each
//! layer did to it. Follows the overlay rules Docker uses:
//! - a whiteout `.wh.NAME` deletes NAME and everything under it from the layers below;
//! - an opaque marker hides everything the layers below have in its directory, wherever the
//!   marker stands in the tar (so it is applied before the layer's own entries);
//! - a non-directory that replaces a directory hides that directory's whole subtree;
//! - a directory over a directory keeps the children and takes the new metadata.

use std::collections::BTreeMap;

use super::layer::{EntryKind, LayerChange, LayerEntry, TreePath};

#[derive(Debug, Clone)]
struct Node {
    kind: EntryKind,
    size: u64,
    mode: u32,
    uid: u64,
    gid: u64,
    /// Index of the layer that last set this node.
    layer: usize,
    children: BTreeMap<Vec<u8>, Node>,
}

impl Node {
    fn directory(layer: usize) -> Node {
        Node { kind: EntryKind::Directory, size: 0, mode: 0o755, uid: 0, gid: 0, layer, children: BTreeMap::new() }
    }

    fn from_entry(entry: &LayerEntry, layer: usize) -> Node {
        Node {
            kind: entry.kind.clone(),
            size: entry.size,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            layer,
            children: BTreeMap::new(),
        }
    }

    fn is_dir(&self) -> bool {
        self.kind == EntryKind::Directory
    }

    fn total_size(&self) -> u64 {
        self.size + self.children.values().map(Node::total_size).sum::<u64>()
    }

    fn descendants(&self, at: &TreePath, into: &mut Vec<TreePath>) {
        for (name, child) in &self.children {
            let path = at.join(name);
            child.descendants(&path, into);
            into.push(path);
        }
    }
}

/// What one layer did, against the layers below it. Paths are sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerDiff {
    pub added: Vec<TreePath>,
    pub modified: Vec<TreePath>,
    pub removed: Vec<TreePath>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Added,
    Modified,
    Removed,
}

/// A node as seen from outside: what it is and what it weighs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    pub kind: EntryKind,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub layer: usize,
    /// Its own bytes plus, for a directory, everything under it.
    pub total_size: u64,
    pub children: usize,
}

/// The merged filesystem of the layers applied so far.
#[derive(Debug, Clone)]
pub struct FileTree {
    root: Node,
}

impl Default for FileTree {
    fn default() -> Self {
        FileTree { root: Node::directory(0) }
    }
}

impl FileTree {
    pub fn new() -> FileTree {
        FileTree::default()
    }

    /// Applies layer number `layer` on top and says what it added, modified and removed.
    /// `changes` is walked three times (opaque markers, whiteouts, entries), hence `Clone`.
    pub fn apply<'a, I>(&mut self, layer: usize, changes: I) -> LayerDiff
    where
        I: IntoIterator<Item = &'a LayerChange>,
        I::IntoIter: Clone,
    {
        let changes = changes.into_iter();
        let mut seen: BTreeMap<TreePath, Change> = BTreeMap::new();
        for change in changes.clone() {
            if let LayerChange::Opaque(dir) = change {
                if let Some(node) = self.node_mut(dir).filter(|n| n.is_dir()) {
                    for name in std::mem::take(&mut node.children).into_keys() {
                        seen.insert(dir.join(&name), Change::Removed);
                    }
                }
            }
        }
        for change in changes.clone() {
            if let LayerChange::Whiteout(path) = change {
                if self.remove(path) {
                    seen.insert(path.clone(), Change::Removed);
                }
            }
        }
        for change in changes {
            if let LayerChange::Entry(entry) = change {
                self.put(entry, layer, &mut seen);
            }
        }
        let mut diff = LayerDiff::default();
        for (path, change) in seen {
            match change {
                Change::Added => diff.added.push(path),
                Change::Modified => diff.modified.push(path),
                Change::Removed => diff.removed.push(path),
            }
        }
        diff
    }

    pub fn info(&self, path: &TreePath) -> Option<NodeInfo> {
        let node = self.node(path)?;
        Some(NodeInfo {
            kind: node.kind.clone(),
            mode: node.mode,
            uid: node.uid,
            gid: node.gid,
            layer: node.layer,
            total_size: node.total_size(),
            children: node.children.len(),
        })
    }

    /// Bytes of every file in the tree.
    pub fn total_size(&self) -> u64 {
        self.root.total_size()
    }

    /// Every path in the tree, sorted.
    pub fn paths(&self) -> Vec<TreePath> {
        let mut all = Vec::new();
        self.root.descendants(&TreePath::default(), &mut all);
        all.sort();
        all
    }

    fn node(&self, path: &TreePath) -> Option<&Node> {
        path.0.iter().try_fold(&self.root, |node, name| node.children.get(name))
    }

    fn node_mut(&mut self, path: &TreePath) -> Option<&mut Node> {
        path.0.iter().try_fold(&mut self.root, |node, name| node.children.get_mut(name))
    }

    fn remove(&mut self, path: &TreePath) -> bool {
        let Some((name, parents)) = path.0.split_last() else { return false };
        self.node_mut(&TreePath(parents.to_vec())).is_some_and(|parent| parent.children.remove(name).is_some())
    }

    fn put(&mut self, entry: &LayerEntry, layer: usize, seen: &mut BTreeMap<TreePath, Change>) {
        let Some((name, parents)) = entry.path.0.split_last() else { return };
        let mut node = &mut self.root;
        let mut at = TreePath::default();
        for part in parents {
            at = at.join(part);
            let child = node.children.entry(part.clone()).or_insert_with(|| {
                seen.entry(at.clone()).or_insert(Change::Added);
                Node::directory(layer)
            });
            if !child.is_dir() {
                *child = Node::directory(layer);
                seen.entry(at.clone()).or_insert(Change::Modified);
            }
            node = child;
        }
        let new = Node::from_entry(entry, layer);
        let change = match node.children.get_mut(name) {
            Some(old) if old.is_dir() && new.is_dir() => {
                let children = std::mem::take(&mut old.children);
                *old = Node { children, ..new };
                Change::Modified
            }
            Some(old) => {
                let mut hidden = Vec::new();
                old.descendants(&entry.path, &mut hidden);
                for path in hidden {
                    seen.entry(path).or_insert(Change::Removed);
                }
                *old = new;
                Change::Modified
            }
            None => {
                node.children.insert(name.clone(), new);
                match seen.get(&entry.path) {
                    Some(Change::Removed) => Change::Modified,
                    _ => Change::Added,
                }
            }
        };
        match seen.get(&entry.path) {
            Some(Change::Added) => {}
            _ => {
                seen.insert(entry.path.clone(), change);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of as layer;

    fn p(text: &str) -> TreePath {
        TreePath::parse(text.as_bytes()).unwrap()
    }

    fn names(paths: &[TreePath]) -> Vec<String> {
        paths.iter().map(TreePath::display).collect()
    }

    fn base() -> FileTree {
        let mut tree = FileTree::new();
        let diff = tree.apply(
            0,
            &layer(&[
                (b"etc/", "dir", b""),
                (b"etc/motd", "file", b"hello"),
                (b"var/cache/a", "file", b"aaaa"),
                (b"var/cache/sub/b", "file", b"bb"),
                (b"opt/tool/bin", "file", b"123456"),
            ]),
        );
        assert_eq!(diff.removed, vec![]);
        assert!(names(&diff.added).contains(&"/var/cache/sub/b".to_string()));
        tree
    }

    #[test]
    fn a_whiteout_deletes_a_file_from_below() {
        let mut tree = base();
        let diff = tree.apply(1, &layer(&[(b"etc/.wh.motd", "file", b"")]));
        assert_eq!(names(&diff.removed), ["/etc/motd"]);
        assert!(tree.info(&p("etc/motd")).is_none());
        assert!(tree.info(&p("etc")).is_some());
    }

    #[test]
    fn an_opaque_marker_hides_the_directory_below_wherever_it_stands_in_the_tar() {
        let mut tree = base();
        // the marker comes after the layer's own entry in the tar: the entry must survive
        let diff = tree.apply(1, &layer(&[(b"var/cache/new", "file", b"n"), (b"var/cache/.wh..wh..opq", "file", b"")]));
        assert_eq!(
            names(&tree.paths()).iter().filter(|n| n.starts_with("/var/cache/")).collect::<Vec<_>>(),
            ["/var/cache/new"]
        );
        assert_eq!(names(&diff.added), ["/var/cache/new"]);
        assert_eq!(names(&diff.removed), ["/var/cache/a", "/var/cache/sub"]);
    }

    #[test]
    fn a_file_replacing_a_directory_hides_its_subtree() {
        let mut tree = base();
        let diff = tree.apply(1, &layer(&[(b"opt/tool", "file", b"now a file")]));
        assert_eq!(names(&diff.modified), ["/opt/tool"]);
        assert_eq!(names(&diff.removed), ["/opt/tool/bin"]);
        assert_eq!(tree.info(&p("opt/tool")).unwrap().kind, EntryKind::File);
        assert!(tree.info(&p("opt/tool/bin")).is_none());
    }

    #[test]
    fn a_directory_over_a_directory_keeps_its_children_and_takes_new_metadata() {
        let mut tree = base();
        let diff = tree.apply(1, &layer(&[(b"etc/", "dir", b"")]));
        assert_eq!(names(&diff.modified), ["/etc"]);
        assert_eq!(tree.info(&p("etc")).unwrap().children, 1);
        assert_eq!(tree.info(&p("etc")).unwrap().layer, 1);
    }

    #[test]
    fn a_file_deleted_then_written_again_in_one_layer_is_modified() {
        let mut tree = base();
        let diff =
            tree.apply(1, &layer(&[(b"var/cache/.wh..wh..opq", "file", b""), (b"var/cache/a", "file", b"again")]));
        assert_eq!(names(&diff.modified), ["/var/cache/a"]);
        assert_eq!(names(&diff.removed), ["/var/cache/sub"]);
    }

    #[test]
    fn sizes_roll_up_per_directory() {
        let tree = base();
        assert_eq!(tree.info(&p("var")).unwrap().total_size, 6);
        assert_eq!(tree.total_size(), 5 + 4 + 2 + 6);
    }

    #[test]
    fn a_whiteout_of_something_missing_changes_nothing() {
        let mut tree = base();
        let diff = tree.apply(1, &layer(&[(b"nowhere/.wh.ghost", "file", b"")]));
        assert_eq!(diff, LayerDiff::default());
    }
}
