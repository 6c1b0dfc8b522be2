//! The Diff screen's commands: compare two images (each from the daemon or an archive file) with
//! progress over a Channel and a way to cancel, page through the tree of changed paths the
//! engine's [`ChangeTree`] lays out, and show one text file's unified diff. The window holds one
//! comparison at a time.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use super::background::in_background;
use super::choices::Chosen;
use super::explorer::{FileReads, SourceChoice};
use crate::diff::text::{file_diff, PathComparison, Side};
use crate::diff::{
    compare_with_tree, ChangeQuery, ChangeRow, ChangeTree, ConfigChange, FolderDelta, HistoryDiff, PackageDiff,
    VulnDiff,
};
use crate::image::outline::Outlined;
use crate::image::{self, Image, ImageError, ImageSource, IndexCache};
use crate::inventory::{comparison_choices, ImageQuery};
use crate::live::Live;
use crate::problem::{ErrorCode, Failure};
use crate::progress::{LatestWork, Progress, Reporter};

/// The comparison the Diff screen shows, and the one being read.
#[derive(Default)]
pub struct Comparison {
    current: Mutex<Option<Compared>>,
    loading: LatestWork,
}

struct Compared {
    tree: ChangeTree,
    sides: [(String, ImageSource, Arc<Image>); 2],
}

/// Everything but the changed paths, which the window pages through with [`diff_rows`].
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DiffSummary {
    pub before: String,
    pub after: String,
    pub added: usize,
    pub removed: usize,
    pub modified: usize,
    pub size_delta_bytes: i64,
    pub config: Vec<ConfigChange>,
    pub packages: PackageDiff,
    /// Known vulnerabilities fixed and introduced; `null` when there is no vulnerability database.
    pub vulnerabilities: Option<VulnDiff>,
    pub history: HistoryDiff,
    /// The folders whose contents changed size the most (the first few).
    pub folders: Vec<FolderDelta>,
    pub tree: TreeInfo,
}

/// The changed-paths tree's shape after a change.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "DiffTreeInfo")]
pub struct TreeInfo {
    pub query: ChangeQuery,
    pub rows: usize,
}

impl Comparison {
    fn with_current<T>(&self, act: impl FnOnce(&mut Compared) -> T) -> Result<T, Failure> {
        let mut current = self.current.lock().expect("comparison lock");
        let current = current.as_mut().ok_or_else(|| {
            Failure::new(ErrorCode::NotFound, "no comparison yet").with_hint("Choose two images and press Compare.")
        })?;
        Ok(act(current))
    }
}

fn tree_info(tree: &ChangeTree) -> TreeInfo {
    TreeInfo { query: tree.query().clone(), rows: tree.len() }
}

/// Reads both images (through the index cache: layers they share are read once) and compares them.
/// The images to offer for a comparison, newest first; with `reference`, its repository's other
/// tags first and itself left out.
#[tauri::command]
pub fn diff_choices(live: State<'_, Live>, reference: Option<String>) -> Vec<String> {
    comparison_choices(&live.images(&ImageQuery::default()), reference.as_deref())
}

#[tauri::command]
pub async fn compare_images(
    live: State<'_, Live>,
    comparison: State<'_, Comparison>,
    chosen: State<'_, Chosen>,
    before: SourceChoice,
    after: SourceChoice,
    on_progress: Channel<Progress>,
) -> Result<DiffSummary, Failure> {
    let (before, after) = (before.into_source(&chosen)?, after.into_source(&chosen)?);
    let needs_daemon = [&before, &after].iter().any(|s| s.needs_daemon());
    let daemon = if needs_daemon { Some(live.connection()?) } else { None };
    let cancel = comparison.loading.start();
    let reporter_for = || {
        let channel = on_progress.clone();
        Reporter::new("", move |p| drop(channel.send(p.clone())), cancel.clone())
    };
    let sources = [before.clone(), after.clone()];
    let loaded = image::load_all(daemon.as_ref(), &sources, &IndexCache::user(), &reporter_for).await;
    let mut loaded = loaded.inspect_err(|_| {
        comparison.loading.finish(&cancel);
    })?;
    let (second, first) = (Arc::new(loaded.remove(1)), Arc::new(loaded.remove(0)));
    let sides = [(before.label(), before, first), (after.label(), after, second)];
    let (summary, compared) = in_background("the comparison", move || summarize(sides)).await?;
    // A comparison asked for later has the screen now: this one's result is dropped.
    if !comparison.loading.finish(&cancel) {
        return Err(ImageError::Cancelled.into());
    }
    *comparison.current.lock().expect("comparison lock") = Some(compared);
    Ok(summary)
}

fn summarize(sides: [(String, ImageSource, Arc<Image>); 2]) -> (DiffSummary, Compared) {
    const FOLDERS_SHOWN: usize = 8;
    let [(before_name, _, before), (after_name, _, after)] = &sides;
    let (diff, tree) = compare_with_tree(before_name, before, after_name, after);
    let summary = DiffSummary {
        added: diff.files.added.len(),
        removed: diff.files.removed.len(),
        modified: diff.files.modified.len(),
        size_delta_bytes: diff.size_delta_bytes,
        folders: diff.folders.into_iter().filter(|f| f.delta_bytes != 0).take(FOLDERS_SHOWN).collect(),
        tree: tree_info(&tree),
        before: diff.before,
        after: diff.after,
        config: diff.config,
        packages: diff.packages,
        vulnerabilities: diff.vulnerabilities,
        history: diff.history,
    };
    (summary, Compared { tree, sides })
}

/// Stops the comparison being read, if any.
#[tauri::command]
pub fn cancel_compare(comparison: State<'_, Comparison>) {
    comparison.loading.cancel();
}

/// Changes which changed paths are shown, and in which order.
#[tauri::command]
pub fn diff_set_query(comparison: State<'_, Comparison>, query: ChangeQuery) -> Result<TreeInfo, Failure> {
    comparison.with_current(|current| {
        current.tree.set_query(query);
        tree_info(&current.tree)
    })
}

/// A window of the visible rows.
#[tauri::command]
pub fn diff_rows(comparison: State<'_, Comparison>, offset: usize, count: usize) -> Result<Vec<ChangeRow>, Failure> {
    comparison.with_current(|current| current.tree.rows(offset, count.min(2_000)))
}

/// Unfolds (`Some(true)`), folds (`Some(false)`) or toggles (`None`) a folder.
#[tauri::command]
pub fn diff_set_expanded(
    comparison: State<'_, Comparison>,
    id: u32,
    expanded: Option<bool>,
) -> Result<TreeInfo, Failure> {
    comparison.with_current(|current| {
        match expanded {
            Some(expanded) => current.tree.set_expanded(id, expanded),
            None => current.tree.toggle(id),
        }
        tree_info(&current.tree)
    })
}

#[tauri::command]
pub fn diff_expand_all(comparison: State<'_, Comparison>, expanded: bool) -> Result<TreeInfo, Failure> {
    comparison.with_current(|current| {
        if expanded {
            current.tree.expand_all()
        } else {
            current.tree.collapse_all()
        }
        tree_info(&current.tree)
    })
}

/// One path compared between the two images: the attributes that differ and, for a text file
/// whose content changed, its unified diff.
#[tauri::command]
pub async fn diff_file(
    live: State<'_, Live>,
    comparison: State<'_, Comparison>,
    reads: State<'_, FileReads>,
    path: String,
) -> Result<PathComparison, Failure> {
    // Take the images out while reading, so the lock is not held across the reads.
    let sides = comparison.with_current(|current| current.sides.clone())?;
    let needs_daemon = sides.iter().any(|(_, source, _)| matches!(source, ImageSource::Daemon(_)));
    let daemon = if needs_daemon { Some(live.connection()?) } else { None };
    let [(before_name, before_source, before), (after_name, after_source, after)] = &sides;
    let before = Side { name: before_name, source: before_source, image: before };
    let after = Side { name: after_name, source: after_source, image: after };
    let reading = reads.start();
    let compared = file_diff(daemon.as_ref(), before, after, &path, &reading).await;
    reads.finish(&reading);
    Ok(compared?)
}
