//! A tree shown as rows, the way a file browser shows one: nodes with names, folded and unfolded,
//! some of them kept by a filter or a search (with the folders on the way to them), listed depth
//! first. Both trees the window pages through — an image's files and a diff's changed paths — are
//! an outline plus what each node carries; the rules of what is visible live here once.

use std::cmp::Ordering;

/// The root's id; it is never listed as a row.
pub const ROOT: u32 = 0;

struct OutlineNode {
    name: Box<[u8]>,
    parent: u32,
    depth: u16,
    children: Vec<u32>,
}

/// The shape of a tree and which of its nodes are visible.
pub struct Outline {
    nodes: Vec<OutlineNode>,
    expanded: Vec<bool>,
    /// Nodes the filter keeps, or that lead to one that it keeps.
    shown: Vec<bool>,
    /// Nodes with a kept node below them: drawn unfolded while a search is on.
    leads_to_match: Vec<bool>,
    searching: bool,
    rows: Vec<u32>,
}

impl Default for Outline {
    fn default() -> Self {
        Outline {
            nodes: vec![OutlineNode { name: Box::default(), parent: ROOT, depth: 0, children: Vec::new() }],
            expanded: vec![true],
            shown: vec![true],
            leads_to_match: vec![false],
            searching: false,
            rows: Vec::new(),
        }
    }
}

impl Outline {
    /// Adds a node under `parent` and returns its id (ids grow: a parent's is below its children's).
    pub fn add(&mut self, parent: u32, name: &[u8]) -> u32 {
        let id = self.nodes.len() as u32;
        let depth = self.nodes[parent as usize].depth + 1;
        self.nodes.push(OutlineNode { name: name.into(), parent, depth, children: Vec::new() });
        self.nodes[parent as usize].children.push(id);
        self.expanded.push(false);
        self.shown.push(true);
        self.leads_to_match.push(false);
        id
    }

    /// A node's own name (not its path); the id must be the outline's.
    pub fn name(&self, id: u32) -> &[u8] {
        &self.nodes[id as usize].name
    }

    /// A node's parent's id ([`ROOT`] for a top-level node); the id must be the outline's.
    pub fn parent(&self, id: u32) -> u32 {
        self.nodes[id as usize].parent
    }

    /// 0 for the root's children.
    pub fn depth(&self, id: u32) -> u16 {
        self.nodes[id as usize].depth.saturating_sub(1)
    }

    /// A node's children's ids, in the order they are listed; the id must be the outline's.
    pub fn children(&self, id: u32) -> &[u32] {
        &self.nodes[id as usize].children
    }

    /// The child of `parent` called `name`; `None` when it has none.
    pub fn child_named(&self, parent: u32, name: &[u8]) -> Option<u32> {
        self.children(parent).iter().copied().find(|c| self.name(*c) == name)
    }

    /// `a/b/c` for a node, empty for the root; `None` for an id the outline does not have.
    pub fn path_of(&self, id: u32) -> Option<Vec<u8>> {
        let mut names = Vec::new();
        let mut at = id;
        while at != ROOT {
            let node = self.nodes.get(at as usize)?;
            names.push(&node.name);
            at = node.parent;
        }
        let mut path = Vec::new();
        for name in names.iter().rev() {
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(name);
        }
        Some(path)
    }

    /// Orders every node's children by name, or largest first by `size` (then by name).
    pub fn sort_children(&mut self, size: Option<&dyn Fn(u32) -> u64>) {
        for id in 0..self.nodes.len() {
            let mut children = std::mem::take(&mut self.nodes[id].children);
            let nodes = &self.nodes;
            children.sort_by(|a, b| {
                let by_size = size.map_or(Ordering::Equal, |size| size(*b).cmp(&size(*a)));
                by_size.then_with(|| nodes[*a as usize].name.cmp(&nodes[*b as usize].name))
            });
            self.nodes[id].children = children;
        }
    }

    /// Unfolds everything when the tree is small, else only the top level.
    pub fn unfold_initially(&mut self, everything_up_to: usize) {
        let everything = self.nodes.len() <= everything_up_to;
        self.expanded = self.nodes.iter().map(|n| everything || n.depth <= 1).collect();
    }

    /// Decides which nodes are visible: those `keep` accepts (given `a/b/c` paths) and those on the
    /// way to them. While `searching`, folders on the way are drawn unfolded.
    pub fn filter(&mut self, searching: bool, mut keep: impl FnMut(u32, &[u8]) -> bool) {
        self.searching = searching;
        self.shown = vec![false; self.nodes.len()];
        self.leads_to_match = vec![false; self.nodes.len()];
        self.shown[ROOT as usize] = true;
        let mut path = Vec::new();
        self.mark(ROOT, &mut path, &mut keep);
        self.flatten();
    }

    /// Marks what is visible under `id`; says whether anything there (or `id` itself) is.
    fn mark(&mut self, id: u32, path: &mut Vec<u8>, keep: &mut impl FnMut(u32, &[u8]) -> bool) -> bool {
        let mut any_child = false;
        for index in 0..self.nodes[id as usize].children.len() {
            let child = self.nodes[id as usize].children[index];
            let before = path.len();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(&self.nodes[child as usize].name);
            any_child |= self.mark(child, path, keep);
            path.truncate(before);
        }
        let own = id != ROOT && keep(id, path);
        self.leads_to_match[id as usize] = any_child;
        self.shown[id as usize] = id == ROOT || own || any_child;
        own || any_child
    }

    /// Whether the last [`filter`](Self::filter) kept the node, or something under it; `false` for an
    /// id the outline does not have.
    pub fn is_shown(&self, id: u32) -> bool {
        self.shown.get(id as usize).copied().unwrap_or(false)
    }

    /// Has visible children to unfold.
    pub fn is_expandable(&self, id: u32) -> bool {
        self.children(id).iter().any(|child| self.shown[*child as usize])
    }

    /// Whether the node's children are listed: unfolded, or on the way to a match while searching.
    pub fn is_open(&self, id: u32) -> bool {
        self.expanded[id as usize] || (self.searching && self.leads_to_match[id as usize])
    }

    /// Folds an unfolded node or unfolds a folded one.
    pub fn toggle(&mut self, id: u32) {
        if let Some(expanded) = self.expanded.get(id as usize).copied() {
            self.set_expanded(id, !expanded);
        }
    }

    /// Unfolds (`true`) or folds (`false`) a node; an id the outline does not have is ignored.
    pub fn set_expanded(&mut self, id: u32, expanded: bool) {
        if let Some(state) = self.expanded.get_mut(id as usize) {
            *state = expanded;
            self.flatten();
        }
    }

    /// Unfolds every node.
    pub fn expand_all(&mut self) {
        self.expanded.iter_mut().for_each(|e| *e = true);
        self.flatten();
    }

    /// Folds every node, leaving only the top level listed (folders on the way to a search match stay
    /// open while searching).
    pub fn collapse_all(&mut self) {
        self.expanded.iter_mut().for_each(|e| *e = false);
        self.expanded[ROOT as usize] = true;
        self.flatten();
    }

    /// How many rows are visible.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is visible.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The ids of the visible rows from `offset`, at most `count` of them.
    pub fn rows(&self, offset: usize, count: usize) -> &[u32] {
        let end = offset.saturating_add(count).min(self.rows.len());
        self.rows.get(offset.min(end)..end).unwrap_or_default()
    }

    fn flatten(&mut self) {
        let mut rows = Vec::new();
        let mut stack: Vec<u32> = self.visible_children(ROOT).rev().collect();
        while let Some(id) = stack.pop() {
            rows.push(id);
            if self.is_open(id) {
                stack.extend(self.visible_children(id).rev());
            }
        }
        self.rows = rows;
    }

    fn visible_children(&self, id: u32) -> impl DoubleEndedIterator<Item = u32> + '_ {
        self.nodes[id as usize].children.iter().copied().filter(|c| self.shown[*c as usize])
    }
}

/// A tree shown through an [`Outline`], with what each node carries: paging and folding come
/// with the outline, the rows are the tree's own.
pub trait Outlined {
    /// One row as the tree shows it.
    type Row;

    /// The outline that shapes the tree.
    fn outline(&self) -> &Outline;
    /// The outline, to fold and unfold it.
    fn outline_mut(&mut self) -> &mut Outline;
    /// The row of one visible node.
    fn row(&self, id: u32) -> Self::Row;

    /// How many rows are visible.
    fn len(&self) -> usize {
        self.outline().len()
    }

    /// Whether no row is visible.
    fn is_empty(&self) -> bool {
        self.outline().is_empty()
    }

    /// The visible rows from `offset`, at most `count` of them.
    fn rows(&self, offset: usize, count: usize) -> Vec<Self::Row> {
        self.outline().rows(offset, count).iter().map(|id| self.row(*id)).collect()
    }

    /// Unfolds a folded node or folds an unfolded one.
    fn toggle(&mut self, id: u32) {
        self.outline_mut().toggle(id);
    }

    /// Unfolds (`true`) or folds (`false`) a node; an id the outline does not have is ignored.
    fn set_expanded(&mut self, id: u32, expanded: bool) {
        self.outline_mut().set_expanded(id, expanded);
    }

    /// Unfolds every node.
    fn expand_all(&mut self) {
        self.outline_mut().expand_all();
    }

    /// Folds every node, leaving only the top level listed (folders on the way to a search match stay
    /// open while searching).
    fn collapse_all(&mut self) {
        self.outline_mut().collapse_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline() -> Outline {
        let mut outline = Outline::default();
        let etc = outline.add(ROOT, b"etc");
        outline.add(etc, b"motd");
        outline.add(etc, b"hosts");
        let var = outline.add(ROOT, b"var");
        outline.add(var, b"log");
        outline.sort_children(None);
        outline
    }

    fn names(outline: &Outline) -> Vec<String> {
        outline
            .rows(0, usize::MAX)
            .iter()
            .map(|id| {
                format!("{}{}", "  ".repeat(outline.depth(*id) as usize), String::from_utf8_lossy(outline.name(*id)))
            })
            .collect()
    }

    #[test]
    fn folds_filters_and_unfolds_the_way_to_a_search_match() {
        let mut outline = outline();
        outline.unfold_initially(100);
        outline.filter(false, |_, _| true);
        assert_eq!(names(&outline), ["etc", "  hosts", "  motd", "var", "  log"]);
        outline.collapse_all();
        assert_eq!(names(&outline), ["etc", "var"]);
        outline.filter(true, |_, path| path == b"etc/motd");
        assert_eq!(names(&outline), ["etc", "  motd"]);
        assert_eq!(outline.path_of(2).unwrap(), b"etc/motd");
        outline.filter(false, |_, path| path.starts_with(b"var"));
        assert_eq!(names(&outline), ["var"]);
        outline.toggle(4);
        assert_eq!(names(&outline), ["var", "  log"]);
        assert!(outline.rows(10, 5).is_empty());
    }
}
