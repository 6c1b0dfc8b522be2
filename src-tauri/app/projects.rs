//! The Projects screen's commands: the project folders Strata keeps (added by path or by dropping
//! a folder or Dockerfile on the window), their settings, builds run through the engine's
//! pipeline, watching, and build histories. Everything a build says reaches the window through
//! one Channel the window opens with [`project_events`], whether the user or the watcher
//! started the build.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::choices::{self, Ask, Chosen};
use crate::chart::ChartTheme;
use crate::live::Live;
use crate::problem::{ErrorCode, Failure, Problem};
use crate::progress::Cancel;
use crate::project::build_charts::{build_charts, BuildCharts};
use crate::project::pipeline::{PipelineEvent, PipelineOutcome};
use crate::project::session::{self, EditOutcome, Recorded};
use crate::project::settings::{BuildRecord, Project, ProjectStore};
use crate::project::sync_rules::SyncRules;
use crate::project::watch::{watch, FolderWatch, Trigger, WatchEvent, WatchTiming};
use crate::project::watch_rules::{RulesRead, WatchRules};
use crate::project::BuildError;
use crate::project::BuildEvent;

/// What the window hears about builds and watches.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ProjectEvent {
    Started {
        folder: String,
        trigger: Option<Trigger>,
    },
    Stage {
        folder: String,
        name: &'static str,
    },
    Step {
        folder: String,
        number: usize,
        total: usize,
        instruction: String,
    },
    Line {
        folder: String,
        line: String,
    },
    Finished {
        folder: String,
        record: Box<BuildRecord>,
        outcome: Option<Box<PipelineOutcome>>,
        hint: Option<String>,
        /// Why the record could not be kept in the project's history, if it could not.
        not_saved: Option<Failure>,
    },
    /// An edit copied into the running container (live sync), as the history keeps it.
    Synced {
        folder: String,
        record: Box<BuildRecord>,
        /// Why the record could not be kept in the project's history, if it could not.
        not_saved: Option<Failure>,
    },
    /// Watching started or stopped; `sync` says where live-sync rules come from, when it has any.
    Watching {
        folder: String,
        on: bool,
        reason: Option<String>,
        sync: Option<String>,
    },
}

/// A project as the list shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ProjectSummary {
    pub project: Project,
    pub building: bool,
    pub watching: bool,
    pub last: Option<BuildRecord>,
}

/// The projects' running builds and watches.
#[derive(Default)]
pub struct Workshop {
    inner: Arc<WorkshopInner>,
}

#[derive(Default)]
struct WorkshopInner {
    events: Mutex<Option<Channel<ProjectEvent>>>,
    building: Mutex<HashMap<PathBuf, Cancel>>,
    watching: Mutex<HashMap<PathBuf, FolderWatch>>,
    /// One build at a time per project: a watch trigger waits for a build the user started.
    turns: Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
}

impl WorkshopInner {
    fn send(&self, event: ProjectEvent) {
        if let Some(channel) = self.events.lock().expect("workshop lock").as_ref() {
            let _ = channel.send(event);
        }
    }

    fn turn(&self, folder: &Path) -> Arc<tokio::sync::Mutex<()>> {
        self.turns.lock().expect("workshop lock").entry(folder.to_path_buf()).or_default().clone()
    }
}

fn store() -> Result<ProjectStore, Failure> {
    ProjectStore::user().ok_or_else(|| {
        Failure::new(ErrorCode::FileSystem, "there is no config folder to keep projects in")
            .with_hint("Set STRATA_CONFIG_DIR or HOME.")
    })
}

fn find(folder: &str) -> Result<Project, Failure> {
    store()?.find(Path::new(folder))?.ok_or_else(|| {
        Failure::new(ErrorCode::NotFound, format!("{folder} is not a project any more"))
            .with_hint("Add the folder again.")
    })
}

/// Where build and watch events go from now on.
#[tauri::command]
pub fn project_events(workshop: State<'_, Workshop>, on_event: Channel<ProjectEvent>) {
    *workshop.inner.events.lock().expect("workshop lock") = Some(on_event);
}

/// Every project, with whether it is building or watched and how its last build went.
#[tauri::command(async)]
pub fn project_list(workshop: State<'_, Workshop>) -> Result<Vec<ProjectSummary>, Failure> {
    let store = store()?;
    let building = workshop.inner.building.lock().expect("workshop lock");
    let watching = workshop.inner.watching.lock().expect("workshop lock");
    store
        .projects()?
        .into_iter()
        .map(|project| {
            // The last build, not a live sync: the list says how the image last came out.
            let last = store.history(&project.folder)?.into_iter().rev().find(|record| record.synced.is_none());
            Ok(ProjectSummary {
                building: building.contains_key(&project.folder),
                watching: watching.contains_key(&project.folder),
                last,
                project,
            })
        })
        .collect()
}

/// Adds a folder (or the folder of a Dockerfile) dropped on the window as a project, or returns
/// the one it already is.
#[tauri::command(async)]
pub fn project_add(chosen: State<'_, Chosen>, path: String) -> Result<Project, Failure> {
    add(&chosen.check(&path)?)
}

/// Asks for a folder and adds it as a project; `None` when the user cancelled.
#[tauri::command]
pub async fn project_choose(app: AppHandle) -> Result<Option<Project>, Failure> {
    match choices::ask(&app, Ask::Folder { title: "Add a project folder" }).await? {
        Some(folder) => add(&folder).map(Some),
        None => Ok(None),
    }
}

fn add(path: &Path) -> Result<Project, Failure> {
    let store = store()?;
    let project = Project::for_path(path);
    if let Some(existing) = store.find(&project.folder)? {
        return Ok(existing);
    }
    project.context()?; // a folder with a Dockerfile, and a readable .dockerignore
    store.save(&project)?;
    Ok(project)
}

/// Saves the settings of a project the user added, once they describe a buildable folder whose
/// Dockerfile and context stay inside it.
#[tauri::command(async)]
pub fn project_save(project: Project) -> Result<(), Failure> {
    find(&project.folder.display().to_string())?;
    for (what, path) in [("Dockerfile", &project.dockerfile), ("build context", &project.context)] {
        if let Some(path) = path {
            stays_inside(what, path)?;
        }
    }
    project.context()?;
    // The project's own watch rules must work before they are kept (a compose file's are
    // checked when watching starts: a broken one must not stop other settings being saved).
    if !project.watch_rules.is_empty() {
        project.sync_rules()?;
    }
    if let Some(name) = &project.sync_container {
        crate::names::check_container(name)?;
    }
    Ok(store()?.save(&project)?)
}

/// A path relative to the project folder that does not climb out of it.
fn stays_inside(what: &str, path: &Path) -> Result<(), Failure> {
    if path.components().all(|part| matches!(part, Component::Normal(_) | Component::CurDir)) {
        return Ok(());
    }
    Err(Failure::new(ErrorCode::InvalidInput, format!("the {what} {} is outside the project folder", path.display()))
        .with_hint("Give a path inside the folder, or add the wider folder as the project."))
}

/// Forgets a project; its folder and images stay as they are.
#[tauri::command(async)]
pub fn project_remove(workshop: State<'_, Workshop>, folder: String) -> Result<(), Failure> {
    workshop.inner.watching.lock().expect("workshop lock").remove(Path::new(&folder));
    Ok(store()?.remove(Path::new(&folder))?)
}

#[tauri::command(async)]
pub fn project_history(folder: String) -> Result<Vec<BuildRecord>, Failure> {
    Ok(store()?.history(Path::new(&folder))?)
}

/// The charts of a project's build times: the timeline of the build that began at `shown` (else
/// the latest timed one) and the trend of its last builds, `width` pixels wide in `theme`.
#[tauri::command(async)]
pub fn project_build_charts(
    folder: String,
    shown: Option<i64>,
    theme: ChartTheme,
    width: u32,
) -> Result<BuildCharts, Failure> {
    let history = store()?.history(Path::new(&folder))?;
    Ok(build_charts(&history, shown, theme, width.clamp(320, 2400))?)
}

/// Builds a project now (pushing its tags too with `publish`); the record says how it went.
#[tauri::command]
pub async fn project_build(
    app: AppHandle,
    workshop: State<'_, Workshop>,
    folder: String,
    publish: bool,
) -> Result<BuildRecord, Failure> {
    let project = find(&folder)?;
    Ok(run_build(&app, &workshop.inner, &project, None, publish).await)
}

/// Stops a project's running build.
#[tauri::command]
pub fn project_cancel(workshop: State<'_, Workshop>, folder: String) {
    if let Some(cancel) = workshop.inner.building.lock().expect("workshop lock").get(Path::new(&folder)) {
        cancel.cancel();
    }
}

/// Starts or stops rebuilding a project on every change.
#[tauri::command]
pub fn project_watch(app: AppHandle, workshop: State<'_, Workshop>, folder: String, on: bool) -> Result<(), Failure> {
    let inner = workshop.inner.clone();
    let path = PathBuf::from(&folder);
    if !on {
        inner.watching.lock().expect("workshop lock").remove(&path);
        inner.send(ProjectEvent::Watching { folder, on: false, reason: None, sync: None });
        return Ok(());
    }
    let project = find(&folder)?;
    // Rules that cannot be used are said, and every edit rebuilds meanwhile.
    let (rules, read) = WatchRules::read(&project);
    let sync = match &read {
        RulesRead::From(from) => Some(from.clone()),
        _ => None,
    };
    let timing = if sync.is_some() { WatchTiming::for_sync() } else { WatchTiming::default() };
    let (handle, events) = watch(project.context()?, timing)?;
    inner.watching.lock().expect("workshop lock").insert(path, handle);
    inner.send(ProjectEvent::Watching { folder: folder.clone(), on: true, reason: None, sync });
    if let RulesRead::Unusable(line) = read {
        inner.send(ProjectEvent::Line { folder, line });
    }
    tauri::async_runtime::spawn(rebuild_on_change(app, inner, project, rules, events));
    Ok(())
}

/// Rebuilds (or, with live-sync rules, syncs) on every change — the engine's loop — until the
/// watch ends, then says why. The rules are read again when the compose file changes.
async fn rebuild_on_change(
    app: AppHandle,
    inner: Arc<WorkshopInner>,
    project: Project,
    rules: WatchRules,
    mut events: tokio::sync::mpsc::Receiver<WatchEvent>,
) {
    let (app_ref, inner_ref, project_ref, rules_ref) = (&app, &inner, &project, &rules);
    if let (Some(first), _) = rules.current() {
        first_sync(app_ref, inner_ref, project_ref, &first).await;
    }
    let end = session::rebuild_on_change(&mut events, |mut trigger| async move {
        let (current, read) = rules_ref.current();
        if let Some(read) = read {
            let folder = project_ref.folder.display().to_string();
            inner_ref.send(ProjectEvent::Line { folder, line: read.said_again() });
        }
        if let Some(current) = &current {
            match sync_edits(app_ref, inner_ref, project_ref, current, &trigger).await {
                Some(EditOutcome::Rebuild(reason)) => trigger.reason = Some(reason),
                Some(_) => return,
                None => {}
            }
        }
        run_build(app_ref, inner_ref, project_ref, Some(trigger), false).await;
    })
    .await;
    let Some(reason) = end.reason() else { return };
    inner.watching.lock().expect("workshop lock").remove(&project.folder);
    let folder = project.folder.display().to_string();
    inner.send(ProjectEvent::Watching { folder, on: false, reason: Some(reason), sync: None });
}

/// The rules' `initial_sync` copies when watching starts, kept and sent as any sync; a refusal is
/// said in the project's log.
async fn first_sync(app: &AppHandle, inner: &Arc<WorkshopInner>, project: &Project, rules: &SyncRules) {
    let Ok(connection) = app.state::<Live>().connection() else { return };
    let folder = project.folder.display().to_string();
    match session::initial_sync(&connection.docker, project, rules).await {
        Ok(reports) => keep_syncs(inner, project, reports, &Trigger::of([])),
        Err(failure) => inner.send(ProjectEvent::Line { folder, line: format!("The initial sync failed: {failure}") }),
    }
}

/// Copies the edits into the project's container when the rules say so, each copy kept in the
/// history and sent to the window; `None` when the daemon cannot be reached (then it rebuilds,
/// and the build says why).
async fn sync_edits(
    app: &AppHandle,
    inner: &Arc<WorkshopInner>,
    project: &Project,
    rules: &SyncRules,
    trigger: &Trigger,
) -> Option<EditOutcome> {
    let connection = app.state::<Live>().connection().ok()?;
    let outcome = session::sync_or_rebuild(&connection.docker, project, rules, trigger).await;
    match &outcome {
        EditOutcome::Synced(reports) => keep_syncs(inner, project, reports.clone(), trigger),
        EditOutcome::Ignored => {
            let line = format!("Ignored by the watch rules: {}", trigger.paths.join(", "));
            inner.send(ProjectEvent::Line { folder: project.folder.display().to_string(), line });
        }
        EditOutcome::Rebuild(_) => {}
    }
    Some(outcome)
}

/// Each copy kept in the project's history and sent to the window.
fn keep_syncs(
    inner: &Arc<WorkshopInner>,
    project: &Project,
    reports: Vec<crate::project::sync::SyncReport>,
    trigger: &Trigger,
) {
    let store = store().ok();
    let folder = project.folder.display().to_string();
    for report in reports {
        let (record, not_kept) = session::keep_sync(report, trigger, &project.folder, store.as_ref());
        if let Some(error) = &not_kept {
            tracing::warn!("the history of {folder} was not saved: {error}");
        }
        let not_saved = not_kept.map(Failure::from);
        inner.send(ProjectEvent::Synced { folder: folder.clone(), record: Box::new(record), not_saved });
    }
}

/// One pipeline run, its events sent to the window and its record kept in the history.
async fn run_build(
    app: &AppHandle,
    inner: &Arc<WorkshopInner>,
    project: &Project,
    trigger: Option<Trigger>,
    publish: bool,
) -> BuildRecord {
    let turn = inner.turn(&project.folder);
    let _turn = turn.lock().await;
    let folder = project.folder.display().to_string();
    let cancel = Cancel::new();
    inner.building.lock().expect("workshop lock").insert(project.folder.clone(), cancel.clone());
    inner.send(ProjectEvent::Started { folder: folder.clone(), trigger: trigger.clone() });
    let recorded = pipeline(app, inner, project, publish, &cancel, &folder, trigger).await;
    inner.building.lock().expect("workshop lock").remove(&project.folder);
    if let Some(error) = &recorded.not_kept {
        tracing::warn!("the build history of {folder} was not saved: {error}");
    }
    let (result, record) = (recorded.outcome, recorded.record);
    let hint = result.as_ref().err().map(BuildError::hint);
    inner.send(ProjectEvent::Finished {
        folder,
        record: Box::new(record.clone()),
        outcome: result.ok().map(Box::new),
        hint,
        not_saved: recorded.not_kept.map(Failure::from),
    });
    record
}

/// The pipeline run and recorded by the engine, its events turned into the window's.
async fn pipeline(
    app: &AppHandle,
    inner: &Arc<WorkshopInner>,
    project: &Project,
    publish: bool,
    cancel: &Cancel,
    folder: &str,
    trigger: Option<Trigger>,
) -> Recorded {
    let store = store().ok();
    let not_started = |error: BuildError| {
        let now = chrono::Utc::now().timestamp();
        session::keep(Err(error), now, &project.folder, trigger.clone(), store.as_ref())
    };
    let context = match project.context() {
        Ok(context) => context,
        Err(error) => return not_started(error),
    };
    let connection = match app.state::<Live>().connection() {
        Ok(connection) => connection,
        Err(error) => return not_started(BuildError::Engine(error)),
    };
    let publish_with = publish.then(|| crate::engine::Environment::from_process().docker_config_dir);
    let request = project.pipeline_request(&context, None, publish_with);
    let folder = folder.to_string();
    let sender = inner.clone();
    let on_event = &mut move |event| {
        let folder = folder.clone();
        sender.send(match event {
            PipelineEvent::Stage { name } => ProjectEvent::Stage { folder, name },
            PipelineEvent::Build(BuildEvent::Step { number, total, instruction }) => {
                ProjectEvent::Step { folder, number, total, instruction }
            }
            PipelineEvent::Build(BuildEvent::Output { line }) | PipelineEvent::Note { line } => {
                ProjectEvent::Line { folder, line }
            }
        })
    };
    session::build_and_record(&connection, &request, cancel, on_event, &project.folder, trigger, store.as_ref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dockerfile_or_context_may_not_leave_the_project_folder() {
        for inside in ["Dockerfile", "docker/Dockerfile.dev", "./app", "."] {
            assert!(stays_inside("Dockerfile", Path::new(inside)).is_ok(), "{inside}");
        }
        for outside in ["../Dockerfile", "app/../../etc", "/", "/etc/passwd"] {
            let refused = stays_inside("build context", Path::new(outside)).unwrap_err();
            assert!(refused.message.contains("outside the project folder"), "{outside}: {}", refused.message);
        }
    }
}
