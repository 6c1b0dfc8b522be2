//! A project's builds as the window and the CLI both run them: one pipeline run kept in the
//! project's history ([`build_and_record`]), the watch loop that runs one per change
//! ([`rebuild_on_change`]) until the folder goes away, the watcher fails or the watch stops, and
//! for a project with live-sync rules the choice between copying an edit into the running
//! container and rebuilding ([`sync_or_rebuild`]). Both transports only say what happens; what
//! happens is decided here, once.

use std::future::Future;
use std::path::Path;

use tokio::sync::mpsc::Receiver;

use super::ignore::IgnoreRules;
use super::pipeline::{run_pipeline, PipelineEvent, PipelineOutcome, PipelineRequest};
use super::settings::{BuildRecord, Project, ProjectStore};
use super::steps::{explain, LastBuild};
use super::sync::{sync_batch, SyncFailure, SyncReport};
use super::sync_rules::{SyncBatch, SyncRules};
use super::watch::{is_noise, merge_waiting, Trigger, WatchEvent};
use super::BuildError;
use crate::engine::Connection;
use crate::progress::Cancel;

/// One build, and what the history kept of it.
pub struct Recorded {
    /// What the pipeline did, or why it failed.
    pub outcome: Result<PipelineOutcome, BuildError>,
    /// The record as kept (with its comparison to the last good build), or as made when it could
    /// not be kept.
    pub record: BuildRecord,
    /// Why the record could not be kept in the history, if it could not.
    pub not_kept: Option<BuildError>,
}

/// Runs the pipeline for the project in `folder` and keeps the record in its history (when
/// there is a store to keep it in).
pub async fn build_and_record(
    connection: &Connection,
    request: &PipelineRequest,
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(PipelineEvent) + Send),
    folder: &Path,
    trigger: Option<Trigger>,
    store: Option<&ProjectStore>,
) -> Recorded {
    let started = chrono::Utc::now().timestamp();
    let outcome = run_pipeline(connection, request, cancel, on_event).await;
    keep(outcome, started, folder, trigger, store)
}

/// Keeps the record of a build that started at `started` (or could not start) in the history,
/// its steps explained against the last good build's.
pub fn keep(
    mut outcome: Result<PipelineOutcome, BuildError>,
    started: i64,
    folder: &Path,
    trigger: Option<Trigger>,
    store: Option<&ProjectStore>,
) -> Recorded {
    if let Ok(built) = &mut outcome {
        explain_steps(built, folder, store);
    }
    let record = BuildRecord::of(started, &outcome, trigger);
    let kept = store.map(|store| {
        let kept = store.record(folder, record.clone())?;
        // The manifest only names the files the next build's cache miss took; without it that
        // build says less, and its record is still whole.
        if let Some(Err(error)) = outcome.as_ref().ok().map(|built| store.keep_manifest(folder, &built.manifest)) {
            tracing::warn!("the context manifest of {} was not kept: {error}", folder.display());
        }
        Ok(kept)
    });
    let (record, not_kept) = match kept {
        Some(Ok(kept)) => (kept, None),
        Some(Err(error)) => (record, Some(error)),
        None => (record, None),
    };
    Recorded { outcome, record, not_kept }
}

/// Names the changed files each missed COPY took and why the cache missed, against the last good
/// build the history keeps (with no history, only what the steps alone tell).
fn explain_steps(built: &mut PipelineOutcome, folder: &Path, store: Option<&ProjectStore>) {
    let history = store.and_then(|store| store.history(folder).ok()).unwrap_or_default();
    let manifest = store.and_then(|store| store.last_manifest(folder).ok().flatten());
    let last_steps = history
        .iter()
        .rev()
        .find(|record| record.passed && record.synced.is_none() && !record.steps.is_empty())
        .map_or(&[][..], |record| record.steps.as_slice());
    let last = LastBuild { manifest: manifest.as_ref(), steps: last_steps };
    let story = explain(&mut built.steps, &built.manifest, last);
    built.cache_miss = story.miss;
    built.hint = story.hint;
}

/// Keeps a live sync in the project's history (when there is a store): the record as kept, and
/// why it could not be kept, if it could not.
pub fn keep_sync(
    report: SyncReport,
    trigger: &Trigger,
    folder: &Path,
    store: Option<&ProjectStore>,
) -> (BuildRecord, Option<BuildError>) {
    let record = BuildRecord::of_sync(chrono::Utc::now().timestamp(), report, trigger.clone());
    match store.map(|store| store.record(folder, record.clone())) {
        Some(Ok(kept)) => (kept, None),
        Some(Err(error)) => (record, Some(error)),
        None => (record, None),
    }
}

/// What a burst of edits does in a project with live-sync rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// Copied into the running container: one report per rule that took files.
    Synced(Vec<SyncReport>),
    /// Every edited file is one the rules covering it ignore: nothing to do.
    Ignored,
    /// The image must be rebuilt, and why (`package.json changed`, `the container web is not
    /// running`).
    Rebuild(String),
}

/// Routes `trigger`'s edits by `rules` and copies them into the project's container (the one
/// picked for sync, else the one it restarts); when a rule says rebuild, a file is under no rule, or the container refuses a
/// copy, the answer is a rebuild with the reason.
pub async fn sync_or_rebuild(
    docker: &bollard::Docker,
    project: &Project,
    rules: &SyncRules,
    trigger: &Trigger,
) -> EditOutcome {
    // The watcher names files from the build context's root; the rules, from the project folder.
    let prefix = context_prefix(project);
    let changed: Vec<String> = trigger
        .every
        .iter()
        .map(|path| if prefix.is_empty() { path.clone() } else { format!("{prefix}/{path}") })
        .collect();
    let routing = rules.route(&changed);
    if let Some(reason) = routing.rebuild {
        return EditOutcome::Rebuild(reason);
    }
    if routing.batches.is_empty() {
        return EditOutcome::Ignored;
    }
    let Some(container) = project.sync_into() else {
        return EditOutcome::Rebuild("the project names no container to sync into".into());
    };
    match copy_batches(docker, container, project, rules, &routing.batches).await {
        Ok(reports) => EditOutcome::Synced(reports),
        Err(failure) => EditOutcome::Rebuild(failure.to_string()),
    }
}

/// The copies the rules marked `initial_sync` make when watching starts: each rule's whole path
/// (what its ignore list and `.dockerignore` leave) into the project's container. Nothing when
/// no rule asks, or the project names no container.
pub async fn initial_sync(
    docker: &bollard::Docker,
    project: &Project,
    rules: &SyncRules,
) -> Result<Vec<SyncReport>, SyncFailure> {
    let batches = rules.initial_batches();
    match project.sync_into() {
        Some(container) if !batches.is_empty() => copy_batches(docker, container, project, rules, &batches).await,
        _ => Ok(Vec::new()),
    }
}

/// Copies each batch in turn; the first the container refuses stops the rest.
async fn copy_batches(
    docker: &bollard::Docker,
    container: &str,
    project: &Project,
    rules: &SyncRules,
    batches: &[SyncBatch],
) -> Result<Vec<SyncReport>, SyncFailure> {
    // What `.dockerignore` leaves out stays out of a copied folder too, as out of the build.
    // (A `.dockerignore` that cannot be read stops the build with its own message; here it
    // leaves nothing out.)
    let ignored = IgnoreRules::for_build(&project.context_folder(), &project.dockerfile_path()).unwrap_or_default();
    let prefix = context_prefix(project);
    let in_context = |relative: &str| -> Option<String> {
        match prefix.as_str() {
            "" => Some(relative.to_string()),
            prefix => relative.strip_prefix(prefix)?.strip_prefix('/').map(str::to_string),
        }
    };
    let built = |relative: &str| in_context(relative).is_none_or(|inside| !ignored.is_excluded(&inside));
    let mut reports = Vec::new();
    for batch in batches {
        // `.git/` and editors' files stay out, as the watcher leaves them out.
        let takes = |relative: &str| rules.takes(batch.rule, relative) && built(relative) && !is_noise(relative);
        reports.push(sync_batch(docker, container, &project.folder, rules.rule(batch.rule), batch, &takes).await?);
    }
    Ok(reports)
}

/// The build context's folder relative to the project folder (`""` when they are the same).
fn context_prefix(project: &Project) -> String {
    let context = project.context_folder();
    context.strip_prefix(&project.folder).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default()
}

/// Why a watch loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEnd {
    /// The watch was dropped: the user stopped it.
    Stopped,
    /// The folder was deleted or moved away.
    Gone {
        /// The folder's absolute path, as displayed.
        folder: String,
    },
    /// The watcher hit an error it cannot go on from.
    Failed {
        /// The error, in words for the user.
        message: String,
    },
}

impl WatchEnd {
    /// What to tell the user; nothing when they stopped it themselves.
    pub fn reason(&self) -> Option<String> {
        match self {
            WatchEnd::Stopped => None,
            WatchEnd::Gone { folder } => Some(format!("{folder} is gone")),
            WatchEnd::Failed { message } => Some(message.clone()),
        }
    }
}

/// The watch loop: one `rebuild` per change, the changes that came during a build merged into
/// the next trigger. A folder that goes away or a watcher that fails — even while changes were
/// being merged — ends the loop, and the end says which.
pub async fn rebuild_on_change<F, Fut>(events: &mut Receiver<WatchEvent>, mut rebuild: F) -> WatchEnd
where
    F: FnMut(Trigger) -> Fut,
    Fut: Future<Output = ()>,
{
    while let Some(event) = events.recv().await {
        let first = match event {
            WatchEvent::Changed(trigger) => trigger,
            other => return end_of(other),
        };
        match merge_waiting(first, events) {
            Ok(trigger) => rebuild(trigger).await,
            Err(other) => return end_of(other),
        }
    }
    WatchEnd::Stopped
}

fn end_of(event: WatchEvent) -> WatchEnd {
    match event {
        WatchEvent::Gone { folder } => WatchEnd::Gone { folder },
        WatchEvent::Failed { message } => WatchEnd::Failed { message },
        // `merge_waiting` merges every change; only the other events end a loop.
        WatchEvent::Changed(_) => WatchEnd::Failed { message: "the watch ended unexpectedly".into() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(path: &str) -> WatchEvent {
        WatchEvent::Changed(Trigger::of([path.to_string()]))
    }

    #[tokio::test]
    async fn changes_during_a_build_become_one_trigger_and_a_vanished_folder_ends_the_loop() {
        let (sender, mut events) = tokio::sync::mpsc::channel(16);
        sender.send(changed("a")).await.unwrap();
        sender.send(changed("b")).await.unwrap();
        sender.send(changed("c")).await.unwrap();
        let mut builds = Vec::new();
        let feeder = sender.clone();
        let end = rebuild_on_change(&mut events, |trigger| {
            builds.push(trigger.paths.clone());
            let feeder = feeder.clone();
            let first = builds.len() == 1;
            async move {
                if first {
                    feeder.send(changed("d")).await.unwrap();
                    feeder.send(WatchEvent::Gone { folder: "/work/app".into() }).await.unwrap();
                }
            }
        })
        .await;
        assert_eq!(builds, [vec!["a", "b", "c"]], "one build for the first burst");
        assert_eq!(end, WatchEnd::Gone { folder: "/work/app".into() }, "a folder gone while merging ends the loop");
        assert_eq!(end.reason().as_deref(), Some("/work/app is gone"));
    }

    #[test]
    fn a_build_the_history_cannot_keep_is_still_recorded_and_says_why() {
        use crate::problem::{ErrorCode, Problem};
        let config = tempfile::tempdir().unwrap();
        // Where the history folder should be, a file: nothing can be written under it.
        std::fs::write(config.path().join("history"), b"").unwrap();
        let store = ProjectStore::at(config.path());
        let recorded = keep(Err(BuildError::Cancelled), 1_700_000_000, Path::new("/work/app"), None, Some(&store));
        assert!(!recorded.record.passed, "the record is made all the same");
        let why = recorded.not_kept.expect("the history could not be written");
        assert_eq!(why.code(), ErrorCode::FileSystem);
        assert!(why.to_string().contains("history") && why.to_string().contains("cannot be"), "{why}");
        assert!(why.hint().contains("config folder"), "{}", why.hint());
    }

    #[tokio::test]
    async fn a_failed_watcher_ends_the_loop_and_a_dropped_watch_stops_it_quietly() {
        let (sender, mut events) = tokio::sync::mpsc::channel(4);
        sender.send(WatchEvent::Failed { message: "too many files".into() }).await.unwrap();
        let end = rebuild_on_change(&mut events, |_| async {}).await;
        assert_eq!(end.reason().as_deref(), Some("too many files"));
        drop(sender);
        assert_eq!(rebuild_on_change(&mut events, |_| async {}).await, WatchEnd::Stopped);
    }
}
