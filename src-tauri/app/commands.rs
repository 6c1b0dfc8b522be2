//! The commands the window invokes. Each one calls the engine and maps its error to [`Failure`],
//! which carries what happened and what the user can do.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use futures_util::StreamExt;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::audit::tally::{self, AuditTally};
use crate::engine::Discovery;
use crate::image::IndexCache;
use crate::inventory::{containers, ContainerAction, ContainerRow, ImageQuery, ImageRow};
use crate::live::{Live, LiveState};
use crate::problem::Failure;

/// The endpoints found and the one in use.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct EndpointsView {
    #[serde(flatten)]
    pub discovery: Discovery,
    pub selected: String,
}

#[tauri::command]
pub fn endpoints(live: State<'_, Live>) -> EndpointsView {
    EndpointsView { discovery: live.discovery(), selected: live.selected() }
}

#[tauri::command]
pub fn rediscover_endpoints(live: State<'_, Live>) -> EndpointsView {
    live.rediscover();
    endpoints(live)
}

#[tauri::command]
pub fn select_endpoint(live: State<'_, Live>, name: String) -> Result<(), Failure> {
    Ok(live.select(&name)?)
}

/// Sends the current state now and again after every change, until the window goes away.
#[tauri::command]
pub fn watch_state(live: State<'_, Live>, on_change: Channel<LiveState>) {
    let mut changes = live.watch();
    tauri::async_runtime::spawn(async move {
        loop {
            let state = changes.borrow_and_update().clone();
            if on_change.send(state).is_err() || changes.changed().await.is_err() {
                break;
            }
        }
    });
}

#[tauri::command]
pub fn list_images(live: State<'_, Live>, query: ImageQuery) -> Vec<ImageRow> {
    live.images(&query)
}

/// The audit tallies kept for those of these images that were audited before (by id): the
/// Images list's Audit column. Reads only the cache.
#[tauri::command(async)]
pub fn audit_tallies(ids: Vec<String>) -> HashMap<String, AuditTally> {
    tally::remembered(&IndexCache::user(), &ids)
}

#[tauri::command]
pub fn list_containers(live: State<'_, Live>) -> Vec<ContainerRow> {
    live.containers()
}

/// Reads the container list again, so the statuses' times ("Up 3 seconds") move on.
#[tauri::command]
pub async fn reread_containers(live: State<'_, Live>) -> Result<(), Failure> {
    Ok(live.reread_containers().await?)
}

#[tauri::command]
pub async fn container_action(live: State<'_, Live>, id: String, action: ContainerAction) -> Result<(), Failure> {
    let docker = live.client()?;
    let acted = containers::act(&docker, &id, action).await;
    live.refresh_soon();
    Ok(acted?)
}

/// Log streams the window follows, by the number `follow_logs` handed out.
#[derive(Default)]
pub struct LogFollowers {
    next: AtomicU32,
    running: Mutex<HashMap<u32, tauri::async_runtime::JoinHandle<()>>>,
}

/// A batch of log lines, or the end of the stream with the reason.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LogEvent {
    Lines { lines: Vec<String> },
    Ended { error: Option<Failure> },
}

/// Streams the last `tail` lines of a container's output and then every new one.
#[tauri::command]
pub fn follow_logs(
    live: State<'_, Live>,
    followers: State<'_, LogFollowers>,
    id: String,
    tail: usize,
    on_event: Channel<LogEvent>,
) -> Result<u32, Failure> {
    let docker = live.client()?;
    let lines = containers::logs(&docker, &id, tail.min(10_000), true)?;
    let number = followers.next.fetch_add(1, Ordering::Relaxed);
    let task = tauri::async_runtime::spawn(async move {
        let mut batches = Box::pin(lines.ready_chunks(500));
        while let Some(batch) = batches.next().await {
            let (lines, errors): (Vec<_>, Vec<_>) = batch.into_iter().partition(Result::is_ok);
            let lines: Vec<String> = lines.into_iter().flatten().collect();
            if !lines.is_empty() && on_event.send(LogEvent::Lines { lines }).is_err() {
                return;
            }
            if let Some(Err(error)) = errors.into_iter().next() {
                let _ = on_event.send(LogEvent::Ended { error: Some(error.into()) });
                return;
            }
        }
        let _ = on_event.send(LogEvent::Ended { error: None });
    });
    followers.running.lock().expect("log followers lock").insert(number, task);
    Ok(number)
}

#[tauri::command]
pub fn stop_logs(followers: State<'_, LogFollowers>, follower: u32) {
    if let Some(task) = followers.running.lock().expect("log followers lock").remove(&follower) {
        task.abort();
    }
}
