//! The Diff screen's commands: compare two images (each from the daemon or an archive file) with
//! progress over a Channel, then page through the changed paths the engine lists, filtered,
//! searched and sorted. The window holds one comparison at a time.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;

use super::commands::UiError;
use super::explorer::SourceChoice;
use crate::diff::{compare, ConfigChange, FileChange, HistoryDiff, ImageDiff, PackageDiff};
use crate::image::{self, ImageSource, IndexCache};
use crate::live::Live;
use crate::progress::{Cancel, Progress, Reporter};

/// The comparison the Diff screen shows.
#[derive(Default)]
pub struct Comparison {
    current: Mutex<Option<ImageDiff>>,
}

/// Everything but the file lists, which the window pages through with [`diff_rows`].
#[derive(Debug, Clone, Serialize)]
pub struct DiffSummary {
    pub before: String,
    pub after: String,
    pub added: usize,
    pub removed: usize,
    pub modified: usize,
    pub size_delta_bytes: i64,
    pub config: Vec<ConfigChange>,
    pub packages: PackageDiff,
    pub history: HistoryDiff,
}

/// Which changed paths to list, and in which order.
#[derive(Debug, Clone, Deserialize)]
pub struct RowQuery {
    pub added: bool,
    pub removed: bool,
    pub modified: bool,
    /// Keep paths containing this text.
    pub search: String,
    /// `path`, or `delta` (largest size change first).
    pub sort: String,
}

/// One changed path as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DiffRow {
    pub status: &'static str,
    #[serde(flatten)]
    pub change: FileChange,
    pub delta_bytes: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffPage {
    pub total: usize,
    pub rows: Vec<DiffRow>,
}

/// Reads both images (through the index cache) and compares them.
#[tauri::command]
pub async fn compare_images(
    live: State<'_, Live>,
    comparison: State<'_, Comparison>,
    before: SourceChoice,
    after: SourceChoice,
    on_progress: Channel<Progress>,
) -> Result<DiffSummary, UiError> {
    let (before, after) = (before.into_source()?, after.into_source()?);
    let needs_daemon = [&before, &after].iter().any(|s| matches!(s, ImageSource::Daemon(_)));
    let docker = if needs_daemon { Some(live.client()?) } else { None };
    let mut loaded = Vec::new();
    for source in [&before, &after] {
        let channel = on_progress.clone();
        let reporter = Reporter::new("", move |p| drop(channel.send(p.clone())), Cancel::new());
        loaded.push(image::load(docker.as_ref(), source, &IndexCache::user(), reporter).await?);
    }
    let (before_label, after_label) = (before.label(), after.label());
    let diff =
        tauri::async_runtime::spawn_blocking(move || compare(&before_label, &loaded[0], &after_label, &loaded[1]))
            .await
            .map_err(|e| UiError { message: format!("the comparison stopped: {e}"), hint: String::new() })?;
    let summary = DiffSummary {
        before: diff.before.clone(),
        after: diff.after.clone(),
        added: diff.files.added.len(),
        removed: diff.files.removed.len(),
        modified: diff.files.modified.len(),
        size_delta_bytes: diff.size_delta_bytes,
        config: diff.config.clone(),
        packages: diff.packages.clone(),
        history: diff.history.clone(),
    };
    *comparison.current.lock().expect("comparison lock") = Some(diff);
    Ok(summary)
}

/// A page of the changed paths that `query` keeps, in its order.
#[tauri::command]
pub fn diff_rows(
    comparison: State<'_, Comparison>,
    query: RowQuery,
    offset: usize,
    count: usize,
) -> Result<DiffPage, UiError> {
    let current = comparison.current.lock().expect("comparison lock");
    let diff = current.as_ref().ok_or_else(|| UiError {
        message: "no comparison yet".into(),
        hint: "Choose two images and press Compare.".into(),
    })?;
    let rows = crate::diff::rows(&diff.files, query.added, query.removed, query.modified, &query.search, &query.sort);
    let total = rows.len();
    let rows = rows
        .into_iter()
        .skip(offset)
        .take(count.min(2_000))
        .map(|(status, change, delta_bytes)| DiffRow { status, change: change.clone(), delta_bytes })
        .collect();
    Ok(DiffPage { total, rows })
}
