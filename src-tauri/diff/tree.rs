//! The changed paths of a diff as a tree: each added, removed or modified path in its folder, and
//! each folder with the size change of everything under it rolled up, so "where did the 40 MB
//! come from?" is answered by unfolding the largest folder. Folders that are themselves the same
//! but hold changes are there too, marked `changed`. Filtered by kind of change and by a path
//! search, sorted by name or by the size of the change, folded and unfolded like the explorer.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::files::{FileChange, FileDiff};
use crate::image::outline::{Outline, Outlined, ROOT};

/// Trees with more nodes than this start with only the top level unfolded.
const UNFOLD_ALL_UP_TO: usize = 5_000;

/// How a path of the tree changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "DiffStatus")]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    /// Only the second image has it.
    Added,
    /// Only the first image has it.
    Removed,
    /// Both images have it, but not the same.
    Modified,
    /// A folder that is the same in both images but holds changes.
    Changed,
}

/// The order of the rows under each folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ChangeSort {
    /// By name.
    #[default]
    Path,
    /// Largest size change (up or down) first.
    Delta,
}

/// Which changed paths to show, and in which order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "DiffQuery")]
pub struct ChangeQuery {
    /// Show paths only the second image has.
    pub added: bool,
    /// Show paths only the first image has.
    pub removed: bool,
    /// Show paths both images have, but not the same.
    pub modified: bool,
    /// Keep paths containing this text.
    pub search: String,
    /// The order of the rows under each folder.
    pub sort: ChangeSort,
}

impl Default for ChangeQuery {
    fn default() -> Self {
        ChangeQuery { added: true, removed: true, modified: true, search: String::new(), sort: ChangeSort::Path }
    }
}

impl ChangeQuery {
    fn allows(&self, status: ChangeStatus) -> bool {
        match status {
            ChangeStatus::Added => self.added,
            ChangeStatus::Removed => self.removed,
            ChangeStatus::Modified => self.modified,
            ChangeStatus::Changed => false,
        }
    }
}

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "DiffRow")]
pub struct ChangeRow {
    /// The path's id in this tree, to fold or unfold it by.
    pub id: u32,
    /// How deep it is: 0 for what is right under `/`.
    pub depth: u16,
    /// The last part of the path.
    pub name: String,
    /// The full path, from `/`.
    pub path: String,
    /// How it changed; `changed` for a folder that is the same but holds changes.
    pub status: ChangeStatus,
    /// `ls -l`'s letter for what the path is (in the second image, or the first when removed).
    pub kind: char,
    /// The size change of this path and everything under it.
    pub delta_bytes: i64,
    /// Bytes in the first image (its own, or all under a folder); 0 when absent or unchanged.
    pub size_before: u64,
    /// Bytes in the second image (its own, or all under a folder); 0 when absent or unchanged.
    pub size_after: u64,
    /// What differs, for a modified path (`content`, `mode`, …).
    pub changes: Vec<&'static str>,
    /// Changed paths under this one.
    pub changed_below: usize,
    /// It has rows under it to unfold.
    pub expandable: bool,
    /// It is unfolded: the rows under it are shown.
    pub expanded: bool,
}

/// A folder's rolled-up size change, for the command line and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FolderDelta {
    /// The folder's full path, from `/`.
    pub path: String,
    /// The size change of everything under it, in bytes (negative: smaller).
    pub delta_bytes: i64,
    /// Changed paths under it.
    pub changed_paths: usize,
}

struct ChangeNode {
    status: ChangeStatus,
    change: Option<FileChange>,
    delta: i64,
    changed_below: usize,
}

/// The changed paths of one comparison, ready to be shown.
pub struct ChangeTree {
    outline: Outline,
    /// Indexed by outline id.
    nodes: Vec<ChangeNode>,
    query: ChangeQuery,
}

impl Outlined for ChangeTree {
    type Row = ChangeRow;

    fn outline(&self) -> &Outline {
        &self.outline
    }

    fn outline_mut(&mut self) -> &mut Outline {
        &mut self.outline
    }

    fn row(&self, id: u32) -> ChangeRow {
        self.row_of(id)
    }
}

impl ChangeTree {
    /// The tree of `files`' changes, all kinds shown, sorted by path; with more than 5,000 nodes only
    /// the top level starts unfolded.
    pub fn build(files: &FileDiff) -> ChangeTree {
        let mut tree = ChangeTree {
            outline: Outline::default(),
            nodes: vec![ChangeNode { status: ChangeStatus::Changed, change: None, delta: 0, changed_below: 0 }],
            query: ChangeQuery::default(),
        };
        let mut ids: FxHashMap<String, u32> = FxHashMap::default();
        for (status, list) in [
            (ChangeStatus::Added, &files.added),
            (ChangeStatus::Removed, &files.removed),
            (ChangeStatus::Modified, &files.modified),
        ] {
            for change in list {
                let id = tree.node_for(change.path.trim_start_matches('/'), &mut ids);
                tree.nodes[id as usize].status = status;
                tree.nodes[id as usize].change = Some(change.clone());
            }
        }
        tree.roll_up();
        tree.sort();
        tree.outline.unfold_initially(UNFOLD_ALL_UP_TO);
        tree.refresh();
        tree
    }

    /// The filter, search and order the tree now shows.
    pub fn query(&self) -> &ChangeQuery {
        &self.query
    }

    /// Changes the filter, the search or the order.
    pub fn set_query(&mut self, query: ChangeQuery) {
        let resort = query.sort != self.query.sort;
        self.query = query;
        if resort {
            self.sort();
        }
        self.refresh();
    }

    /// Every folder holding changes, largest size change first.
    pub fn folders(&self) -> Vec<FolderDelta> {
        let mut folders: Vec<FolderDelta> = (1..self.nodes.len() as u32)
            .filter(|id| !self.outline.children(*id).is_empty())
            .map(|id| FolderDelta {
                path: self.path_of(id),
                delta_bytes: self.nodes[id as usize].delta,
                changed_paths: self.nodes[id as usize].changed_below,
            })
            .collect();
        folders
            .sort_by(|a, b| b.delta_bytes.unsigned_abs().cmp(&a.delta_bytes.unsigned_abs()).then(a.path.cmp(&b.path)));
        folders
    }

    fn path_of(&self, id: u32) -> String {
        format!("/{}", String::from_utf8_lossy(&self.outline.path_of(id).unwrap_or_default()))
    }

    fn row_of(&self, id: u32) -> ChangeRow {
        let node = &self.nodes[id as usize];
        let change = node.change.as_ref();
        let expandable = self.outline.is_expandable(id);
        ChangeRow {
            id,
            depth: self.outline.depth(id),
            name: String::from_utf8_lossy(self.outline.name(id)).into_owned(),
            path: self.path_of(id),
            status: node.status,
            kind: change.and_then(|c| c.kind_after.or(c.kind_before)).unwrap_or('d'),
            delta_bytes: node.delta,
            size_before: change.map_or(0, |c| c.size_before),
            size_after: change.map_or(0, |c| c.size_after),
            changes: change.map(|c| c.changes.clone()).unwrap_or_default(),
            changed_below: node.changed_below,
            expandable,
            expanded: expandable && self.outline.is_open(id),
        }
    }

    /// The node for a path (`a/b/c`), made — with any missing folders above it — when new.
    fn node_for(&mut self, path: &str, ids: &mut FxHashMap<String, u32>) -> u32 {
        if let Some(id) = ids.get(path) {
            return *id;
        }
        let (parent, name) = match path.rsplit_once('/') {
            Some((folder, name)) => (self.node_for(folder, ids), name),
            None => (ROOT, path),
        };
        let id = self.outline.add(parent, name.as_bytes());
        self.nodes.push(ChangeNode { status: ChangeStatus::Changed, change: None, delta: 0, changed_below: 0 });
        ids.insert(path.to_string(), id);
        id
    }

    /// Each node's own size change plus its children's; children have higher ids than their
    /// parents, so one pass from the last id up carries every figure to the root.
    fn roll_up(&mut self) {
        for node in &mut self.nodes {
            node.delta = node.change.as_ref().map_or(0, FileChange::delta);
        }
        for id in (1..self.nodes.len()).rev() {
            let parent = self.outline.parent(id as u32) as usize;
            let (delta, below) = (self.nodes[id].delta, self.nodes[id].changed_below);
            let own = usize::from(self.nodes[id].change.is_some());
            self.nodes[parent].delta += delta;
            self.nodes[parent].changed_below += below + own;
        }
    }

    fn sort(&mut self) {
        let nodes = &self.nodes;
        let change = |id: u32| nodes[id as usize].delta.unsigned_abs();
        match self.query.sort {
            ChangeSort::Path => self.outline.sort_children(None),
            ChangeSort::Delta => self.outline.sort_children(Some(&change)),
        }
    }

    fn refresh(&mut self) {
        let (nodes, query) = (&self.nodes, &self.query);
        let search = query.search.trim_start_matches('/').as_bytes();
        self.outline.filter(!search.is_empty(), |id, path| {
            query.allows(nodes[id as usize].status) && (search.is_empty() || contains(path, search))
        });
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        path: &str,
        before: Option<(char, u64)>,
        after: Option<(char, u64)>,
        changes: &[&'static str],
    ) -> FileChange {
        FileChange {
            path: path.into(),
            kind_before: before.map(|b| b.0),
            kind_after: after.map(|a| a.0),
            size_before: before.map_or(0, |b| b.1),
            size_after: after.map_or(0, |a| a.1),
            changes: changes.to_vec(),
        }
    }

    fn files() -> FileDiff {
        FileDiff {
            added: vec![
                change("/app", None, Some(('d', 1500)), &[]),
                change("/app/big.bin", None, Some(('-', 1000)), &[]),
                change("/app/small.txt", None, Some(('-', 500)), &[]),
                change("/usr/lib/new.so", None, Some(('-', 300)), &[]),
            ],
            removed: vec![change("/usr/lib/old.so", Some(('-', 700)), None, &[])],
            modified: vec![change("/etc/motd", Some(('-', 10)), Some(('-', 12)), &["size", "content"])],
        }
    }

    fn lines(tree: &ChangeTree) -> Vec<String> {
        tree.rows(0, usize::MAX)
            .iter()
            .map(|r| format!("{}{} {:?} {}", "  ".repeat(r.depth as usize), r.name, r.status, r.delta_bytes))
            .collect()
    }

    #[test]
    fn folders_roll_up_the_size_changes_beneath_them() {
        let tree = ChangeTree::build(&files());
        assert_eq!(
            lines(&tree),
            [
                "app Added 1500",
                "  big.bin Added 1000",
                "  small.txt Added 500",
                "etc Changed 2",
                "  motd Modified 2",
                "usr Changed -400",
                "  lib Changed -400",
                "    new.so Added 300",
                "    old.so Removed -700",
            ]
        );
        let folders = tree.folders();
        assert_eq!((folders[0].path.as_str(), folders[0].delta_bytes, folders[0].changed_paths), ("/app", 1500, 2));
        assert_eq!(folders.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["/app", "/usr", "/usr/lib", "/etc"]);
    }

    #[test]
    fn filters_search_and_sort_by_size_change() {
        let mut tree = ChangeTree::build(&files());
        tree.set_query(ChangeQuery { added: false, modified: false, ..Default::default() });
        assert_eq!(lines(&tree), ["usr Changed -400", "  lib Changed -400", "    old.so Removed -700"]);
        tree.set_query(ChangeQuery { search: "/motd".into(), ..Default::default() });
        assert_eq!(lines(&tree), ["etc Changed 2", "  motd Modified 2"]);
        tree.set_query(ChangeQuery { sort: ChangeSort::Delta, ..Default::default() });
        assert_eq!(
            tree.rows(0, 3).iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["app", "big.bin", "small.txt"]
        );
        tree.collapse_all();
        assert_eq!(lines(&tree), ["app Added 1500", "usr Changed -400", "etc Changed 2"]);
        let row = tree.rows(1, 1).remove(0);
        assert!(row.expandable && !row.expanded);
        tree.toggle(row.id);
        assert_eq!(tree.len(), 4);
    }
}
