//! The file tree the layer explorer shows, as a list of rows: one layer's tree (what that layer
//! holds) or the aggregated tree (everything up to it), each node marked added, modified,
//! removed or unmodified against the layers below, directory sizes rolled up, filtered by change
//! and by a path search, sorted by name or size, with directories expanded and collapsed.
//!
//! The window asks for rows by window (offset, count) and draws them; every decision — what is
//! visible, in which order, at which depth — is made here, so 100k-node trees scroll without the
//! window computing anything.

use rustc_hash::FxHashSet;

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

use super::archive::Image;
use super::layer::{escape_bytes, EntryKind, TreePath};
use super::outline::{Outline, Outlined, ROOT};
use super::tree::{FileTree, Node};
use super::ImageError;

/// Trees with more nodes than this start with only the top level expanded.
const EXPAND_ALL_UP_TO: usize = 5_000;

/// What the layer shown did to a node, against the layers below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ChangeStatus")]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The layer put it where the layers below had nothing.
    Added,
    /// The layer wrote it again over what the layers below had (content, metadata or kind).
    Modified,
    /// The layer deleted it; it is shown as the layers below had it.
    Removed,
    /// The layer left it as the layers below had it.
    Unmodified,
}

/// The order of each directory's children in the explorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By name, in byte order.
    #[default]
    Name,
    /// Largest first.
    Size,
}

/// Which changes to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StatusFilter {
    /// Show nodes the layer added.
    pub added: bool,
    /// Show nodes the layer modified.
    pub modified: bool,
    /// Show nodes the layer removed.
    pub removed: bool,
    /// Show nodes the layer left unmodified.
    pub unmodified: bool,
}

impl Default for StatusFilter {
    fn default() -> Self {
        StatusFilter { added: true, modified: true, removed: true, unmodified: true }
    }
}

impl StatusFilter {
    fn allows(&self, status: Status) -> bool {
        match status {
            Status::Added => self.added,
            Status::Modified => self.modified,
            Status::Removed => self.removed,
            Status::Unmodified => self.unmodified,
        }
    }
}

/// What the explorer shows: which layer, how, and which nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ViewOptions {
    /// The layer shown, 0 for the bottom one; a number past the last layer shows the last.
    pub layer: usize,
    /// Everything up to `layer` (true) or only what `layer` holds (false).
    pub aggregated: bool,
    /// Which changes to show; the directories on the way to a shown node are shown too.
    pub filter: StatusFilter,
    /// Keep nodes whose full path contains this text (or matches it, with `regex`).
    pub search: String,
    /// Read `search` as a regular expression (on paths like `etc/passwd`) instead of plain text.
    pub regex: bool,
    /// The order of each directory's children.
    pub sort: SortBy,
}

/// One visible line of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "TreeRow")]
pub struct Row {
    /// The node's id in this view, to unfold it or ask for its details; valid until the view is rebuilt.
    pub id: u32,
    /// How deep it is: 0 for the top level, one more per directory down.
    pub depth: u16,
    /// Its own name, not its path; bytes that are not UTF-8 are escaped as `\xNN`.
    pub name: String,
    /// `ls -l`'s letter: `-`, `d`, `l`, `h`, `p`, `c`, `b`.
    pub kind: char,
    /// Own size, plus everything under it for a directory.
    pub size_bytes: u64,
    /// What the layer did to it.
    pub status: Status,
    /// Whether it has visible children to unfold.
    pub expandable: bool,
    /// Whether its children are listed below it (unfolded, or on the way to a search match).
    pub expanded: bool,
    /// Where a symbolic or hard link points; `None` for anything else.
    pub link_target: Option<String>,
}

/// Everything known of one node, for the attributes panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NodeDetails {
    /// The node's full path, as shown (`/etc/passwd`).
    pub path: String,
    /// `ls -l`'s letter: `-`, `d`, `l`, `h`, `p`, `c`, `b`.
    pub kind: char,
    /// What the layer did to it.
    pub status: Status,
    /// Own size, plus everything under it for a directory (children the layer removed not counted).
    pub size_bytes: u64,
    /// `-rwxr-xr-x`, with setuid/setgid/sticky bits.
    pub permissions: String,
    /// Permission bits as a number (`0o755`), without the file-type bits.
    pub mode: u32,
    /// Owner's user id, as a number.
    pub uid: u64,
    /// Owner's group id, as a number.
    pub gid: u64,
    /// Modification time, seconds since the epoch (0 when the tar gives none).
    pub mtime: u64,
    /// xxh3-128 of a regular file's content, hex; empty otherwise.
    pub content_hash: String,
    /// The layer whose version of this node is shown.
    pub layer: usize,
    /// Where a symbolic or hard link points; `None` for anything else.
    pub link_target: Option<String>,
    /// How many nodes are directly under it in this view, hidden and removed ones included.
    pub children: usize,
}

/// How many visible nodes of each kind of change the view has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StatusCounts {
    /// Visible nodes the layer added.
    pub added: usize,
    /// Visible nodes the layer modified.
    pub modified: usize,
    /// Visible nodes the layer removed.
    pub removed: usize,
    /// Visible nodes the layer left unmodified.
    pub unmodified: usize,
}

/// What the explorer knows of one node besides its place in the outline.
struct ViewNode {
    kind: EntryKind,
    size: u64,
    total: u64,
    status: Status,
    mode: u32,
    uid: u64,
    gid: u64,
    mtime: u64,
    hash: u128,
    layer: usize,
}

/// A tree ready to be shown, with its expansion state and the rows it makes.
pub struct TreeView {
    options: ViewOptions,
    outline: Outline,
    /// Indexed by outline id.
    nodes: Vec<ViewNode>,
}

impl Outlined for TreeView {
    type Row = Row;

    fn outline(&self) -> &Outline {
        &self.outline
    }

    fn outline_mut(&mut self) -> &mut Outline {
        &mut self.outline
    }

    fn row(&self, id: u32) -> Row {
        self.row_of(id)
    }
}

impl TreeView {
    /// Builds the view of `image` that `options` asks for.
    pub fn build(image: &Image, options: ViewOptions) -> Result<TreeView, ImageError> {
        if image.layers.is_empty() {
            return Err(ImageError::Archive("the image has no layers".into()));
        }
        let layer = options.layer.min(image.layers.len() - 1);
        let below = image.tree_up_to(layer);
        let mut merged = below.clone();
        let diff = merged.apply(layer, &image.layers[layer].changes);
        let shown_tree = if options.aggregated {
            merged
        } else {
            let mut own = FileTree::new();
            own.apply(layer, &image.layers[layer].changes);
            own
        };
        let mut view =
            TreeView { options: ViewOptions { layer, ..options }, outline: Outline::default(), nodes: Vec::new() };
        let added: FxHashSet<&TreePath> = diff.added.iter().collect();
        let modified: FxHashSet<&TreePath> = diff.modified.iter().collect();
        let status_of = |path: &TreePath| {
            if added.contains(path) {
                Status::Added
            } else if modified.contains(path) {
                Status::Modified
            } else {
                Status::Unmodified
            }
        };
        view.nodes.push(view_node(shown_tree.root(), Status::Unmodified));
        view.copy_children(ROOT, shown_tree.root(), &TreePath::default(), &|path| status_of(path));
        let mut removed = diff.removed;
        removed.sort_unstable(); // parents before their children
        for path in &removed {
            view.add_removed(path, &below);
        }
        view.roll_up();
        view.sort_children();
        view.outline.unfold_initially(EXPAND_ALL_UP_TO);
        view.refresh()?;
        Ok(view)
    }

    /// The options the view shows; its `layer` is the one shown, brought within the image's layers.
    pub fn options(&self) -> &ViewOptions {
        &self.options
    }

    /// Applies `options` to this view when they keep its layer and aggregation (a new filter,
    /// search or sort) and says `true`; otherwise leaves it and says `false`: a view of another
    /// layer, or of the layer alone, is built anew ([`TreeView::build`]).
    pub fn set_options_in_place(&mut self, options: ViewOptions) -> Result<bool, ImageError> {
        if options.layer != self.options.layer || options.aggregated != self.options.aggregated {
            return Ok(false);
        }
        self.set_options(options)?;
        Ok(true)
    }

    /// Changes the filter, the search or the sort (not the layer: build a new view for that).
    pub fn set_options(&mut self, options: ViewOptions) -> Result<(), ImageError> {
        let resort = options.sort != self.options.sort;
        self.options = ViewOptions { layer: self.options.layer, aggregated: self.options.aggregated, ..options };
        if resort {
            self.sort_children();
        }
        self.refresh()
    }

    /// Counts of the nodes the filter and search let through.
    pub fn counts(&self) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for (id, node) in self.nodes.iter().enumerate().skip(1) {
            if !self.outline.is_shown(id as u32) {
                continue;
            }
            match node.status {
                Status::Added => counts.added += 1,
                Status::Modified => counts.modified += 1,
                Status::Removed => counts.removed += 1,
                Status::Unmodified => counts.unmodified += 1,
            }
        }
        counts
    }

    /// The path of a node, or `None` for an id the view does not have.
    pub fn path_of(&self, id: u32) -> Option<TreePath> {
        self.outline.path_of(id).and_then(|path| TreePath::parse(&path).ok())
    }

    /// Everything known of the node `id`, for the attributes panel; `None` for an id the view does not
    /// have.
    pub fn details(&self, id: u32) -> Option<NodeDetails> {
        let node = self.nodes.get(id as usize)?;
        Some(NodeDetails {
            path: self.path_of(id)?.display(),
            kind: node.kind.letter(),
            status: node.status,
            size_bytes: node.total,
            permissions: permissions(&node.kind, node.mode),
            mode: node.mode,
            uid: node.uid,
            gid: node.gid,
            mtime: node.mtime,
            content_hash: if node.kind == EntryKind::File { format!("{:032x}", node.hash) } else { String::new() },
            layer: node.layer,
            link_target: node.kind.link_target(),
            children: self.outline.children(id).len(),
        })
    }

    /// Where the content of a node is: the path to read and the layer whose tar holds it (for a
    /// hard link, its target, which the same layer's tar holds).
    pub fn content_path(&self, id: u32) -> Option<(TreePath, usize)> {
        let node = self.nodes.get(id as usize)?;
        match &node.kind {
            EntryKind::Hardlink { target } => Some((target.clone(), node.layer)),
            _ => Some((self.path_of(id)?, node.layer)),
        }
    }

    /// Every node's path and row, depth first, whatever is expanded (for the CLI).
    pub fn all_rows(&mut self) -> Vec<(String, Row)> {
        self.outline.expand_all();
        let ids = self.outline.rows(0, usize::MAX).to_vec();
        ids.into_iter().map(|id| (self.path_of(id).map(|p| p.display()).unwrap_or_default(), self.row_of(id))).collect()
    }

    fn row_of(&self, id: u32) -> Row {
        let node = &self.nodes[id as usize];
        let expandable = self.outline.is_expandable(id);
        Row {
            id,
            depth: self.outline.depth(id),
            name: escape_bytes(self.outline.name(id)),
            kind: node.kind.letter(),
            size_bytes: node.total,
            status: node.status,
            expandable,
            expanded: expandable && self.outline.is_open(id),
            link_target: node.kind.link_target(),
        }
    }

    fn add_node(&mut self, parent: u32, name: &[u8], node: ViewNode) -> u32 {
        self.nodes.push(node);
        self.outline.add(parent, name)
    }

    fn copy_children(&mut self, parent: u32, node: &Node, at: &TreePath, status_of: &dyn Fn(&TreePath) -> Status) {
        for (name, child) in &node.children {
            let path = at.join(name);
            let id = self.add_node(parent, name, view_node(child, status_of(&path)));
            self.copy_children(id, child, &path, status_of);
        }
    }

    /// Adds a node the layer removed (and what was under it), as the layers below had it.
    fn add_removed(&mut self, path: &TreePath, below: &FileTree) {
        let (Some((parent_path, name)), Some(old)) = (path.split_last(), below.node(path)) else { return };
        let parent = self.find_or_make_parent(&parent_path);
        if self.outline.child_named(parent, name).is_some() {
            return;
        }
        let id = self.add_node(parent, name, view_node(old, Status::Removed));
        self.copy_children(id, old, path, &|_| Status::Removed);
    }

    fn find_or_make_parent(&mut self, path: &TreePath) -> u32 {
        let mut at = ROOT;
        for name in path.components() {
            at = match self.outline.child_named(at, name) {
                Some(child) => child,
                None => self.add_node(at, name, view_node(&directory_placeholder(), Status::Unmodified)),
            };
        }
        at
    }

    /// Directory totals: own size plus every child that is still there (removed nodes keep
    /// their own size but do not count in their parent's). Children have higher ids than their
    /// parents, so one pass from the last id up adds each total into its parent's.
    fn roll_up(&mut self) {
        for node in &mut self.nodes {
            node.total = node.size;
        }
        for id in (1..self.nodes.len()).rev() {
            let parent = self.outline.parent(id as u32) as usize;
            let counts = self.nodes[id].status != Status::Removed || self.nodes[parent].status == Status::Removed;
            if counts {
                self.nodes[parent].total += self.nodes[id].total;
            }
        }
    }

    fn sort_children(&mut self) {
        let nodes = &self.nodes;
        let total = |id: u32| nodes[id as usize].total;
        match self.options.sort {
            SortBy::Name => self.outline.sort_children(None),
            SortBy::Size => self.outline.sort_children(Some(&total)),
        }
    }

    /// Decides which nodes pass the filter and search, then lists the visible rows.
    fn refresh(&mut self) -> Result<(), ImageError> {
        let matcher = PathMatcher::new(&self.options.search, self.options.regex)?;
        let (nodes, filter) = (&self.nodes, self.options.filter);
        self.outline.filter(!self.options.search.is_empty(), |id, path| {
            filter.allows(nodes[id as usize].status) && matcher.matches(path)
        });
        Ok(())
    }
}

/// The path search: a plain substring or a regular expression, on `a/b/c` paths (no leading `/`
/// is needed, but one in the query is allowed).
enum PathMatcher {
    Everything,
    Text(Vec<u8>),
    Pattern(Regex),
}

impl PathMatcher {
    fn new(query: &str, regex: bool) -> Result<PathMatcher, ImageError> {
        if query.is_empty() {
            return Ok(PathMatcher::Everything);
        }
        if regex {
            return Regex::new(query)
                .map(PathMatcher::Pattern)
                .map_err(|e| ImageError::BadSearch(e.to_string().lines().last().unwrap_or_default().to_string()));
        }
        Ok(PathMatcher::Text(query.trim_start_matches('/').as_bytes().to_vec()))
    }

    fn matches(&self, path: &[u8]) -> bool {
        match self {
            PathMatcher::Everything => true,
            PathMatcher::Text(text) => path.windows(text.len().max(1)).any(|w| w == text.as_slice()),
            PathMatcher::Pattern(regex) => regex.is_match(path) || regex.is_match(&[b"/", path].concat()),
        }
    }
}

fn view_node(node: &Node, status: Status) -> ViewNode {
    ViewNode {
        kind: node.kind.clone(),
        size: node.size,
        total: 0,
        status,
        mode: node.mode,
        uid: node.uid,
        gid: node.gid,
        mtime: node.mtime,
        hash: node.hash,
        layer: node.layer,
    }
}

fn directory_placeholder() -> Node {
    FileTree::new().root().clone()
}

/// `drwxr-xr-x`, as `ls -l` prints it.
pub fn permissions(kind: &EntryKind, mode: u32) -> String {
    let mut text = String::with_capacity(10);
    text.push(match kind.letter() {
        'h' => '-',
        letter => letter,
    });
    let special = [(0o4000, 's', 'S'), (0o2000, 's', 'S'), (0o1000, 't', 'T')];
    for (who, (bit, set, unset)) in special.iter().enumerate() {
        let shift = 6 - who * 3;
        let bits = (mode >> shift) & 0o7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        let execute = bits & 1 != 0;
        text.push(match (mode & bit != 0, execute) {
            (true, true) => *set,
            (true, false) => *unset,
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of as layer;

    fn image() -> Image {
        let layers = [
            layer(&[
                (b"etc/motd", "file", b"hello"),
                (b"var/cache/a", "file", b"aaaa"),
                (b"bin/sh", "file", &[0; 100]),
            ]),
            layer(&[(b"etc/motd", "file", b"bye"), (b"var/.wh.cache", "file", b""), (b"app/main", "file", &[1; 50])]),
        ];
        Image::of_layers(layers)
    }

    fn lines(view: &TreeView) -> Vec<String> {
        view.rows(0, usize::MAX)
            .iter()
            .map(|r| format!("{}{} {:?} {}", "  ".repeat(r.depth as usize), r.name, r.status, r.size_bytes))
            .collect()
    }

    #[test]
    fn the_aggregated_view_marks_changes_against_the_layers_below_and_keeps_removed_nodes() {
        let view = TreeView::build(&image(), ViewOptions { layer: 1, aggregated: true, ..Default::default() }).unwrap();
        assert_eq!(
            lines(&view),
            [
                "app Added 50",
                "  main Added 50",
                "bin Unmodified 100",
                "  sh Unmodified 100",
                "etc Unmodified 3",
                "  motd Modified 3",
                "var Unmodified 0",
                "  cache Removed 4",
                "    a Removed 4",
            ]
        );
        assert_eq!(view.counts(), StatusCounts { added: 2, modified: 1, removed: 2, unmodified: 4 });
    }

    #[test]
    fn a_new_filter_updates_the_view_and_another_layer_asks_for_a_new_one() {
        let options = ViewOptions { layer: 1, aggregated: true, ..Default::default() };
        let mut view = TreeView::build(&image(), options.clone()).unwrap();
        let searched = ViewOptions { search: "etc".into(), ..options.clone() };
        assert!(view.set_options_in_place(searched).unwrap(), "a search changes this view");
        assert_eq!(view.options().search, "etc");
        assert!(!view.set_options_in_place(ViewOptions { layer: 0, ..options.clone() }).unwrap());
        assert!(!view.set_options_in_place(ViewOptions { aggregated: false, ..options }).unwrap());
        assert_eq!((view.options().layer, view.options().search.as_str()), (1, "etc"), "left as it was");
    }

    #[test]
    fn the_layer_view_shows_only_what_the_layer_holds() {
        let view = TreeView::build(&image(), ViewOptions { layer: 1, ..Default::default() }).unwrap();
        let names: Vec<String> = lines(&view);
        assert!(!names.iter().any(|l| l.contains("bin")), "{names:?}");
        assert!(names.contains(&"  cache Removed 4".to_string()), "{names:?}");
    }

    #[test]
    fn filters_search_sort_and_collapse_change_the_rows() {
        let mut view =
            TreeView::build(&image(), ViewOptions { layer: 1, aggregated: true, ..Default::default() }).unwrap();
        let only_added = StatusFilter { added: true, modified: false, removed: false, unmodified: false };
        view.set_options(ViewOptions { filter: only_added, ..view.options().clone() }).unwrap();
        assert_eq!(lines(&view), ["app Added 50", "  main Added 50"]);
        view.set_options(ViewOptions { search: "motd".into(), ..Default::default() }).unwrap();
        assert_eq!(lines(&view), ["etc Unmodified 3", "  motd Modified 3"]);
        view.set_options(ViewOptions { search: "^/?(bin|app)/".into(), regex: true, ..Default::default() }).unwrap();
        assert_eq!(view.len(), 4);
        assert!(view.set_options(ViewOptions { search: "(".into(), regex: true, ..Default::default() }).is_err());
        view.set_options(ViewOptions { sort: SortBy::Size, ..Default::default() }).unwrap();
        assert_eq!(view.rows(0, 1)[0].name, "bin");
        view.collapse_all();
        assert_eq!(view.len(), 4);
        let etc = view.rows(0, 4).into_iter().find(|r| r.name == "etc").unwrap();
        view.toggle(etc.id);
        assert_eq!(view.len(), 5);
        let motd = view.rows(0, 5).into_iter().find(|r| r.name == "motd").unwrap();
        let details = view.details(motd.id).unwrap();
        assert_eq!(
            (details.path.as_str(), details.permissions.as_str(), details.layer),
            ("/etc/motd", "-rw-r--r--", 1)
        );
        assert_eq!(details.content_hash.len(), 32);
    }

    #[test]
    fn permissions_read_as_ls_prints_them() {
        assert_eq!(permissions(&EntryKind::Directory, 0o1777), "drwxrwxrwt");
        assert_eq!(permissions(&EntryKind::File, 0o4755), "-rwsr-xr-x");
        assert_eq!(permissions(&EntryKind::File, 0o2644), "-rw-r-Sr--");
    }
}
