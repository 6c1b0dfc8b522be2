//! The merged file tree of a layer stack, built by applying layers bottom first, and what each
//! layer did to it. Follows the overlay rules Docker uses:
//! - a whiteout `.wh.NAME` deletes NAME and everything under it from the layers below;
//! - an opaque marker hides everything the layers below have in its directory, wherever the
//!   marker stands in the tar (so it is applied before the layer's own entries);
//! - a non-directory that replaces a directory hides that directory's whole subtree;
//! - a directory over a directory keeps the children and takes the new metadata.
//!
//! Every file a layer stores but a later layer overwrites or deletes is reported as hidden, with
//! the layer that hid it: those are the bytes an image carries that nobody can see.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{btree_map, BTreeMap};

use rustc_hash::FxHashMap;

use serde::Serialize;

use super::layer::{EntryKind, LayerChange, LayerEntry, TreePath};

/// One file or directory of the merged tree.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: EntryKind,
    pub(crate) size: u64,
    pub(crate) mode: u32,
    pub(crate) uid: u64,
    pub(crate) gid: u64,
    pub(crate) mtime: u64,
    pub(crate) hash: u128,
    /// Index of the layer that last set this node.
    pub(crate) layer: usize,
    pub(crate) children: BTreeMap<Box<[u8]>, Node>,
}

impl Node {
    fn directory(layer: usize) -> Node {
        Node {
            kind: EntryKind::Directory,
            size: 0,
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: 0,
            hash: 0,
            layer,
            children: BTreeMap::new(),
        }
    }

    fn from_entry(entry: &LayerEntry, layer: usize) -> Node {
        Node {
            kind: entry.kind.clone(),
            size: entry.size,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            mtime: entry.mtime,
            hash: entry.hash,
            layer,
            children: BTreeMap::new(),
        }
    }

    pub(crate) fn is_dir(&self) -> bool {
        self.kind == EntryKind::Directory
    }

    pub(crate) fn total_size(&self) -> u64 {
        self.size + self.children.values().map(Node::total_size).sum::<u64>()
    }

    fn descendants(&self, at: &TreePath, into: &mut Vec<TreePath>) {
        for (name, child) in &self.children {
            let path = at.join(name);
            child.descendants(&path, into);
            into.push(path);
        }
    }

    /// Calls `visit` with this node's path and every node under it, parents first.
    fn for_each(&self, at: &TreePath, visit: &mut impl FnMut(&TreePath, &Node)) {
        visit(at, self);
        for (name, child) in &self.children {
            child.for_each(&at.join(name), visit);
        }
    }
}

/// Bytes a layer stored that a later layer overwrote or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HiddenFile {
    /// Where the hidden file was, in the image.
    pub path: TreePath,
    /// Bytes of content the lower layer stored (files of 0 bytes are not reported).
    pub size: u64,
    /// The layer that stored the bytes.
    pub layer: usize,
    /// The layer that overwrote or deleted them.
    pub hidden_by: usize,
}

/// What one layer did, against the layers below it. Paths come in no particular order (sorting
/// 100k paths per layer would cost more than everything else; sort what you show).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerDiff {
    /// Paths this layer puts where the layers below have nothing, directories it implies included.
    pub added: Vec<TreePath>,
    /// Paths of the layers below this layer writes again (new content, new metadata or a new kind).
    pub modified: Vec<TreePath>,
    /// Paths of the layers below this layer deletes; a deleted directory is listed, not its contents.
    pub removed: Vec<TreePath>,
    /// Files of the layers below (with content) that this layer made invisible.
    pub hidden: Vec<HiddenFile>,
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
    /// What it is: file, directory, link or device.
    pub kind: EntryKind,
    /// Permission bits (`0o755`), without the file-type bits.
    pub mode: u32,
    /// Owner's user id, as a number.
    pub uid: u64,
    /// Owner's group id, as a number.
    pub gid: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
    /// xxh3-128 of a regular file's content; 0 for anything else.
    pub hash: u128,
    /// Index of the layer that last set it (0 is the bottom layer).
    pub layer: usize,
    /// Its own bytes plus, for a directory, everything under it.
    pub total_size: u64,
    /// How many entries a directory holds directly (0 for anything else).
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

/// How many paths one layer added, modified and removed, and the bytes it hid: what a summary
/// needs of a [`LayerDiff`], without a copy of every path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerCounts {
    /// How many paths it added, as [`LayerDiff::added`] lists them.
    pub added: usize,
    /// How many paths it modified, as [`LayerDiff::modified`] lists them.
    pub modified: usize,
    /// How many paths it removed, as [`LayerDiff::removed`] lists them.
    pub removed: usize,
    /// Files of the layers below (with content) that this layer made invisible.
    pub hidden: Vec<HiddenFile>,
}

/// What one `apply` has seen so far: each path's change and the bytes it hid — unless it only
/// builds the tree (`track` false), which saves a map entry per entry. The layer's own paths are
/// borrowed; only paths the layer implies (parents, dropped subtrees) are made.
struct Applying<'a> {
    layer: usize,
    track: bool,
    seen: FxHashMap<Cow<'a, TreePath>, Change>,
    hidden: Vec<HiddenFile>,
}

impl<'a> Applying<'a> {
    /// Marks `node` at `path` (and everything under it) as gone from the tree.
    fn dropped(&mut self, path: Cow<'a, TreePath>, node: &Node) {
        if !self.track {
            return;
        }
        node.for_each(&path, &mut |at, gone| {
            if gone.size > 0 {
                self.hidden.push(HiddenFile {
                    path: at.clone(),
                    size: gone.size,
                    layer: gone.layer,
                    hidden_by: self.layer,
                });
            }
        });
        self.seen.entry(path).or_insert(Change::Removed);
    }

    /// Records what the layer did to one of its own paths, after what it did before: a path
    /// removed then written again is modified; one added stays added.
    fn record(&mut self, path: &'a TreePath, change: Change) {
        if !self.track {
            return;
        }
        match self.seen.entry(Cow::Borrowed(path)) {
            Entry::Vacant(first) => {
                first.insert(change);
            }
            Entry::Occupied(mut seen) => match (*seen.get(), change) {
                (Change::Added, _) => {}
                (Change::Removed, Change::Added) => *seen.get_mut() = Change::Modified,
                (_, change) => *seen.get_mut() = change,
            },
        }
    }
}

impl FileTree {
    /// An empty filesystem: only the root directory, before any layer.
    pub fn new() -> FileTree {
        FileTree::default()
    }

    /// Applies layer number `layer` on top and says what it added, modified, removed and hid.
    /// `changes` is walked three times (opaque markers, whiteouts, entries), hence `Clone`.
    pub fn apply<'a, I>(&mut self, layer: usize, changes: I) -> LayerDiff
    where
        I: IntoIterator<Item = &'a LayerChange>,
        I::IntoIter: Clone,
    {
        let applied = self.apply_layer(layer, changes, true);
        let mut diff = LayerDiff { hidden: applied.hidden, ..LayerDiff::default() };
        for (path, change) in applied.seen {
            match change {
                Change::Added => diff.added.push(path.into_owned()),
                Change::Modified => diff.modified.push(path.into_owned()),
                Change::Removed => diff.removed.push(path.into_owned()),
            }
        }
        diff
    }

    /// Applies layer number `layer` on top and says how many paths it added, modified and
    /// removed, and what it hid: [`apply`](Self::apply) for a summary.
    pub fn apply_counted<'a, I>(&mut self, layer: usize, changes: I) -> LayerCounts
    where
        I: IntoIterator<Item = &'a LayerChange>,
        I::IntoIter: Clone,
    {
        let applied = self.apply_layer(layer, changes, true);
        let mut counts = LayerCounts { hidden: applied.hidden, ..LayerCounts::default() };
        for change in applied.seen.values() {
            match change {
                Change::Added => counts.added += 1,
                Change::Modified => counts.modified += 1,
                Change::Removed => counts.removed += 1,
            }
        }
        counts
    }

    /// Applies a layer without saying what it did: the same tree, built faster.
    pub fn apply_quietly<'a, I>(&mut self, layer: usize, changes: I)
    where
        I: IntoIterator<Item = &'a LayerChange>,
        I::IntoIter: Clone,
    {
        self.apply_layer(layer, changes, false);
    }

    fn apply_layer<'a, I>(&mut self, layer: usize, changes: I, track: bool) -> Applying<'a>
    where
        I: IntoIterator<Item = &'a LayerChange>,
        I::IntoIter: Clone,
    {
        let changes = changes.into_iter();
        // Sized for one change a path up front: growing a 100k-entry map rehashes it many times.
        let expected = if track { changes.size_hint().0 } else { 0 };
        let seen = FxHashMap::with_capacity_and_hasher(expected, Default::default());
        let mut applying = Applying { layer, track, seen, hidden: Vec::new() };
        for change in changes.clone() {
            if let LayerChange::Opaque(dir) = change {
                if let Some(node) = self.node_mut(dir).filter(|n| n.is_dir()) {
                    for (name, child) in std::mem::take(&mut node.children) {
                        applying.dropped(Cow::Owned(dir.join(&name)), &child);
                    }
                }
            }
        }
        for change in changes.clone() {
            if let LayerChange::Whiteout(path) = change {
                if let Some(gone) = self.remove(path) {
                    applying.dropped(Cow::Borrowed(path), &gone);
                }
            }
        }
        let mut entries = changes
            .filter_map(|change| match change {
                LayerChange::Entry(entry) if !entry.path.is_root() => Some(entry),
                _ => None,
            })
            .peekable();
        let mut siblings: Vec<&'a LayerEntry> = Vec::new();
        while let Some(first) = entries.next() {
            let (parent, _) = first.path.parent_and_name();
            let directory = self.directory_for(first, &mut applying);
            // Tar writers list a directory's entries one after another: they share one walk.
            siblings.clear();
            siblings.push(first);
            while let Some(sibling) = entries.next_if(|next| next.path.parent_and_name().0 == parent) {
                siblings.push(sibling);
            }
            if !fill_new_directory(directory, &siblings, &mut applying) {
                for entry in &siblings {
                    put_in(directory, entry, &mut applying);
                }
            }
        }
        applying
    }

    /// What is at `path` in the tree; `None` when nothing is.
    pub fn info(&self, path: &TreePath) -> Option<NodeInfo> {
        let node = self.node(path)?;
        Some(NodeInfo {
            kind: node.kind.clone(),
            mode: node.mode,
            uid: node.uid,
            gid: node.gid,
            mtime: node.mtime,
            hash: node.hash,
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

    pub(crate) fn root(&self) -> &Node {
        &self.root
    }

    pub(crate) fn node(&self, path: &TreePath) -> Option<&Node> {
        path.components().try_fold(&self.root, |node, name| node.children.get(name))
    }

    fn node_mut(&mut self, path: &TreePath) -> Option<&mut Node> {
        path.components().try_fold(&mut self.root, |node, name| node.children.get_mut(name))
    }

    fn remove(&mut self, path: &TreePath) -> Option<Node> {
        let (parent, name) = path.split_last()?;
        self.node_mut(&parent)?.children.remove(name)
    }

    /// The directory `entry` goes in, made (and recorded as added) where missing; a
    /// non-directory standing where a directory must be is replaced by one.
    fn directory_for<'a>(&mut self, entry: &'a LayerEntry, applying: &mut Applying<'a>) -> &mut Node {
        let layer = applying.layer;
        // Existing directories are looked up by the borrowed name, and paths are made only for
        // what is recorded: no allocation per directory level of every entry.
        let mut node = &mut self.root;
        let mut end = 0;
        for part in entry.path.parent_and_name().0.split(|b| *b == b'/') {
            end += part.len();
            let at_end = end;
            end += 1; // the slash
            if part.is_empty() {
                continue;
            }
            if !node.children.contains_key(part) {
                if applying.track {
                    applying.seen.entry(Cow::Owned(entry.path.ancestor(at_end))).or_insert(Change::Added);
                }
                node.children.insert(part.into(), Node::directory(layer));
            }
            let child = node.children.get_mut(part).expect("the directory was just made");
            if !child.is_dir() {
                let old = std::mem::replace(child, Node::directory(layer));
                if applying.track {
                    let at = entry.path.ancestor(at_end);
                    applying.dropped(Cow::Owned(at.clone()), &old);
                    applying.seen.insert(Cow::Owned(at), Change::Modified);
                }
            }
            node = child;
        }
        node
    }
}

/// Fills an empty `directory` with `entries` (its children, from one layer) at once, when their
/// names are in strictly increasing order — as tar writers list a new directory — so that each is
/// simply added. Built from sorted input, the B-tree's nodes come out full, where inserting in
/// order one by one leaves them half empty (half the memory the summary's tree takes, for the
/// usual image). Returns false, doing nothing, otherwise.
fn fill_new_directory<'a>(directory: &mut Node, entries: &[&'a LayerEntry], applying: &mut Applying<'a>) -> bool {
    if !directory.children.is_empty() || entries.len() < 2 {
        return false;
    }
    let names_increase =
        entries.windows(2).all(|pair| pair[0].path.parent_and_name().1 < pair[1].path.parent_and_name().1);
    if !names_increase {
        return false;
    }
    let layer = applying.layer;
    directory.children =
        entries.iter().map(|entry| (entry.path.parent_and_name().1.into(), Node::from_entry(entry, layer))).collect();
    for entry in entries {
        applying.record(&entry.path, Change::Added);
    }
    true
}

/// Puts `entry` in `directory`, the node of its parent, over whatever had its name.
fn put_in<'a>(directory: &mut Node, entry: &'a LayerEntry, applying: &mut Applying<'a>) {
    let layer = applying.layer;
    let (_, name) = entry.path.parent_and_name();
    let new = Node::from_entry(entry, layer);
    // One search of the directory: the name is made for the new node in any case.
    let change = match directory.children.entry(name.into()) {
        btree_map::Entry::Occupied(mut old) if old.get().is_dir() && new.is_dir() => {
            let old = old.get_mut();
            let children = std::mem::take(&mut old.children);
            *old = Node { children, ..new };
            Change::Modified
        }
        btree_map::Entry::Occupied(mut old) => {
            let old = std::mem::replace(old.get_mut(), new);
            for (child_name, child) in &old.children {
                applying.dropped(Cow::Owned(entry.path.join(child_name)), child);
            }
            if old.size > 0 && applying.track {
                applying.hidden.push(HiddenFile {
                    path: entry.path.clone(),
                    size: old.size,
                    layer: old.layer,
                    hidden_by: layer,
                });
            }
            Change::Modified
        }
        btree_map::Entry::Vacant(place) => {
            place.insert(new);
            Change::Added
        }
    };
    applying.record(&entry.path, change);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of as layer;

    fn p(text: &str) -> TreePath {
        TreePath::parse(text.as_bytes()).unwrap()
    }

    fn names(paths: &[TreePath]) -> Vec<String> {
        let mut sorted = paths.to_vec();
        sorted.sort();
        sorted.iter().map(TreePath::display).collect()
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

    #[test]
    fn bytes_overwritten_or_deleted_later_are_hidden_with_the_layer_that_hid_them() {
        let mut tree = base();
        let diff = tree.apply(
            1,
            &layer(&[(b"etc/motd", "file", b"hi"), (b".wh.var", "file", b""), (b"opt/tool/.wh..wh..opq", "file", b"")]),
        );
        let mut hidden: Vec<_> = diff.hidden.iter().map(|h| (h.path.display(), h.size, h.layer, h.hidden_by)).collect();
        hidden.sort();
        assert_eq!(
            hidden,
            [
                ("/etc/motd".to_string(), 5, 0, 1),
                ("/opt/tool/bin".to_string(), 6, 0, 1),
                ("/var/cache/a".to_string(), 4, 0, 1),
                ("/var/cache/sub/b".to_string(), 2, 0, 1),
            ]
        );
        let stored = 5 + 4 + 2 + 6 + 2;
        let hidden_bytes: u64 = diff.hidden.iter().map(|h| h.size).sum();
        assert_eq!(stored - hidden_bytes, tree.total_size(), "stored = visible + hidden");
    }

    #[test]
    fn a_quiet_apply_builds_the_same_tree() {
        let layers = [
            layer(&[(b"a/b/c", "file", b"1"), (b"x", "file", b"22")]),
            layer(&[(b"a/.wh.b", "file", b""), (b"x/y", "file", b"3"), (b"a/.wh..wh..opq", "file", b"")]),
        ];
        let (mut loud, mut quiet) = (FileTree::new(), FileTree::new());
        for (index, changes) in layers.iter().enumerate() {
            loud.apply(index, changes);
            quiet.apply_quietly(index, changes);
        }
        assert_eq!(loud.paths(), quiet.paths());
        assert_eq!(loud.total_size(), quiet.total_size());
    }

    /// A new directory whose entries come sorted is filled at once; unsorted, repeated or into
    /// a directory that has children, one by one. Both must build the same tree and say the same.
    #[test]
    fn a_new_directory_filled_at_once_is_the_same_as_one_filled_entry_by_entry() {
        let base = layer(&[(b"old/keep", "file", b"k"), (b"gone", "file", b"gg")]);
        let sorted: &[(&[u8], &str, &[u8])] = &[
            (b"new/a", "file", b"1"),
            (b"new/b", "dir", b""),
            (b"new/b/c", "file", b"22"),
            (b"new/d", "file", b"333"),
            (b"old/more", "file", b"4"),
            (b"old/zz", "file", b"55"),
        ];
        let mut unsorted = sorted.to_vec();
        unsorted.swap(0, 1); // new/b before new/a: not increasing
        unsorted.swap(4, 5);
        let mut repeated = sorted.to_vec();
        repeated.insert(1, (b"new/a", "file", b"1")); // one name twice in a row
        let mut readings = Vec::new();
        for entries in [sorted.to_vec(), unsorted.clone(), repeated.clone()] {
            let mut tree = FileTree::new();
            tree.apply(0, &base);
            let mut changes = layer(&entries);
            changes.push(LayerChange::Whiteout(TreePath::parse(b"gone").unwrap()));
            let counts = tree.apply_counted(1, &changes);
            let infos: Vec<_> = tree.paths().iter().map(|p| (p.display(), tree.info(p))).collect();
            readings.push((counts.added, counts.modified, counts.removed, infos));
        }
        assert_eq!(readings[0].0, 7, "six entries and the directory new/ they imply");
        // The sorted listing took the at-once path, the others did not.
        for (entries, at_once) in [(&sorted[..2], true), (&unsorted[..2], false), (&repeated[..2], false)] {
            let changes = layer(entries);
            let children: Vec<&LayerEntry> =
                changes.iter().filter_map(|c| if let LayerChange::Entry(e) = c { Some(e) } else { None }).collect();
            let mut applying = Applying { layer: 1, track: true, seen: FxHashMap::default(), hidden: Vec::new() };
            let mut directory = Node::directory(1);
            assert_eq!(fill_new_directory(&mut directory, &children, &mut applying), at_once);
            assert_eq!(directory.children.len(), if at_once { 2 } else { 0 });
        }
        assert_eq!(readings[0], readings[1], "unsorted");
        assert_eq!(readings[0].3, readings[2].3, "repeated: the same tree");
        assert_eq!((readings[2].0, readings[2].2), (readings[0].0, readings[0].2), "repeated: the same additions");
    }

    #[test]
    fn entries_of_one_directory_listed_together_replace_a_file_in_its_place_once() {
        let mut tree = FileTree::new();
        tree.apply(0, &layer(&[(b"d", "file", b"old"), (b"e/x", "file", b"1")]));
        let diff = tree.apply(1, &layer(&[(b"d/a", "file", b"a"), (b"d/b", "file", b"bb"), (b"e/y", "file", b"2")]));
        assert_eq!(names(&diff.added), ["/d/a", "/d/b", "/e/y"]);
        assert_eq!(names(&diff.modified), ["/d"]);
        let hidden: Vec<_> = diff.hidden.iter().map(|h| (h.path.display(), h.size)).collect();
        assert_eq!(hidden, [("/d".to_string(), 3)]);
        assert_eq!(names(&tree.paths()), ["/d", "/d/a", "/d/b", "/e", "/e/x", "/e/y"]);
    }

    #[test]
    fn counting_a_layer_gives_the_sizes_of_its_diff() {
        let layers = [
            layer(&[(b"a/b/c", "file", b"1"), (b"x", "file", b"22"), (b"d/e", "file", b"333")]),
            layer(&[
                (b"a/.wh.b", "file", b""),
                (b"x/y", "file", b"3"),
                (b"d/e", "file", b"4"),
                (b"d/.wh..wh..opq", "file", b""),
                (b"d/f", "file", b""),
            ]),
            layer(&[(b"a/b", "file", b"back as a file"), (b"x", "file", b"and x a file again")]),
        ];
        let (mut listed, mut counted) = (FileTree::new(), FileTree::new());
        for (index, changes) in layers.iter().enumerate() {
            let diff = listed.apply(index, changes);
            let counts = counted.apply_counted(index, changes);
            assert_eq!(
                (counts.added, counts.modified, counts.removed),
                (diff.added.len(), diff.modified.len(), diff.removed.len()),
                "layer {index}"
            );
            assert_eq!(counts.hidden, diff.hidden, "layer {index}");
        }
        assert_eq!(listed.paths(), counted.paths());
    }
}
