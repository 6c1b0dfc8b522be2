//! The Cleanup screen's commands: survey the daemon (fast: lists and histories), count volumes and
//! the build cache in the background (the daemon's slow `/system/df`), re-plan on every change of
//! the policy without asking the daemon again, apply the plan with an event per item over a
//! Channel, and load an archive back. Everything is computed by the engine's [`cleanup`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::choices::{self, Ask, Chosen};
use crate::chart::treemap::Treemap;
use crate::chart::ChartTheme;
use crate::cleanup::{
    self, ApplyEvent, ApplyOptions, ApplyReport, Branch, Category, DaemonUsage, Facts, Plan, Policy, Space,
};
use crate::live::Live;
use crate::problem::{ErrorCode, Failure};
use crate::progress::Cancel;

/// What the screen last read of the daemon, and the apply under way. Image layers come from the
/// live view's cache ([`Live::layer_cache`]), shared with the Images screen.
#[derive(Default)]
pub struct Cleanup {
    facts: Mutex<Option<Facts>>,
    usage: Mutex<Option<DaemonUsage>>,
    applying: Mutex<Option<Cancel>>,
}

/// A category's name and colour, for the legend.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LegendEntry {
    pub category: Category,
    pub label: &'static str,
    pub colour: String,
}

/// Everything the screen shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "CleanupData")]
pub struct CleanupView {
    pub space: Space,
    pub plan: Plan,
    pub family: Vec<Branch>,
    pub treemap: Treemap,
    pub legend: Vec<LegendEntry>,
    /// Whether volumes and the build cache have been counted.
    pub counted: bool,
}

/// The policy, and the size and theme the treemap is drawn in.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct CleanupRequest {
    pub policy: Policy,
    /// Repositories' own rules as the user typed them, one per line: `app=keep-newest:3`.
    #[serde(default)]
    pub repository_rules: String,
    pub width: u32,
    pub height: u32,
    /// The theme the window shows.
    #[serde(default)]
    pub theme: ChartTheme,
}

impl CleanupRequest {
    /// The policy with the typed repository rules read into it.
    fn policy(&self) -> Result<Policy, Failure> {
        let mut policy = self.policy.clone();
        for line in self.repository_rules.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (repository, retention) = cleanup::parse_repository_rule(line)?;
            policy.repositories.insert(repository, retention);
        }
        Ok(policy)
    }
}

impl Cleanup {
    /// The facts last read, with the build cache as last counted.
    fn facts(&self) -> Result<(Facts, Option<DaemonUsage>), Failure> {
        let mut facts = self.facts.lock().expect("cleanup facts lock").clone().ok_or_else(|| {
            Failure::new(ErrorCode::NotFound, "the daemon has not been surveyed yet")
                .with_hint("Open the Cleanup screen again, or press Refresh.")
        })?;
        let usage = self.usage.lock().expect("cleanup usage lock").clone();
        facts.build_cache = usage.as_ref().map(|u| u.build_cache);
        Ok((facts, usage))
    }

    /// The plan the screen shows for `request`, and nothing else.
    fn plan(&self, request: &CleanupRequest) -> Result<Plan, Failure> {
        Ok(cleanup::plan(&self.facts()?.0, &request.policy()?, crate::format::now()))
    }

    fn view(&self, request: &CleanupRequest) -> Result<CleanupView, Failure> {
        let (facts, usage) = self.facts()?;
        let now = crate::format::now();
        let policy = request.policy()?;
        let space = cleanup::space(&facts, usage.as_ref().map(|u| u.volumes.clone()), &policy, now);
        let size = (request.width.clamp(200, 4000), request.height.clamp(120, 3000));
        let treemap = cleanup::space::treemap(&space, request.theme, size).map_err(|e| {
            Failure::new(ErrorCode::Internal, e.to_string()).with_hint("The rest of the screen still works.")
        })?;
        Ok(CleanupView {
            plan: cleanup::plan(&facts, &policy, now),
            family: cleanup::family_tree(&facts.images),
            treemap,
            legend: legend(&space),
            counted: usage.is_some(),
            space,
        })
    }
}

/// The legend of the categories the treemap shows (those with images, in [`Category::ALL`] order).
fn legend(space: &Space) -> Vec<LegendEntry> {
    space
        .categories
        .iter()
        .map(|counted| {
            let category = counted.category;
            let (r, g, b) = category.colour();
            LegendEntry { category, label: category.label(), colour: format!("#{r:02x}{g:02x}{b:02x}") }
        })
        .collect()
}

/// Reads images, containers and layers afresh (volumes and build cache as last counted).
#[tauri::command]
pub async fn cleanup_survey(
    live: State<'_, Live>,
    cleanup: State<'_, Cleanup>,
    request: CleanupRequest,
) -> Result<CleanupView, Failure> {
    let docker = live.client()?;
    let facts = cleanup::gather(&docker, live.layer_cache()).await?;
    *cleanup.facts.lock().expect("cleanup facts lock") = Some(facts);
    cleanup.view(&request)
}

/// Asks the daemon to count volumes and the build cache (it may take minutes), then shows them.
#[tauri::command]
pub async fn cleanup_count_all(
    live: State<'_, Live>,
    cleanup: State<'_, Cleanup>,
    request: CleanupRequest,
) -> Result<CleanupView, Failure> {
    let docker = live.client()?;
    let usage = cleanup::daemon_usage(&docker).await?;
    *cleanup.usage.lock().expect("cleanup usage lock") = Some(usage);
    cleanup.view(&request)
}

/// The same survey under another policy: no daemon call, so it follows every keystroke.
#[tauri::command]
pub fn cleanup_plan(cleanup: State<'_, Cleanup>, request: CleanupRequest) -> Result<CleanupView, Failure> {
    cleanup.view(&request)
}

/// Applies the plan the screen shows (each item checked against the daemon again first), saving
/// images to `save_to` first when given.
#[tauri::command]
pub async fn cleanup_apply(
    live: State<'_, Live>,
    cleanup: State<'_, Cleanup>,
    chosen: State<'_, Chosen>,
    request: CleanupRequest,
    save_to: Option<String>,
    on_event: Channel<ApplyEvent>,
) -> Result<ApplyReport, Failure> {
    let docker = live.client()?;
    let plan = cleanup.plan(&request)?;
    let save_to = match save_to.filter(|f| !f.trim().is_empty()) {
        Some(folder) => Some(archive_folder(&chosen.check(&folder)?)?),
        None => None,
    };
    let cancel = Cancel::new();
    *cleanup.applying.lock().expect("cleanup apply lock") = Some(cancel.clone());
    let mut send = |event: ApplyEvent| {
        let _ = on_event.send(event);
    };
    let report = cleanup::apply(&docker, &plan, &ApplyOptions { save_to }, &cancel, &mut send).await;
    *cleanup.applying.lock().expect("cleanup apply lock") = None;
    // The counts are stale now; the window surveys again once it has the report.
    *cleanup.usage.lock().expect("cleanup usage lock") = None;
    Ok(report)
}

/// Stops after the item under way; the rest is reported as not attempted.
#[tauri::command]
pub fn cleanup_cancel(cleanup: State<'_, Cleanup>) {
    if let Some(cancel) = cleanup.applying.lock().expect("cleanup apply lock").as_ref() {
        cancel.cancel();
    }
}

/// Asks for an archive saved before a removal (or any `docker save` archive) and loads it back;
/// `None` when the user cancelled.
#[tauri::command]
pub async fn cleanup_restore(app: AppHandle, live: State<'_, Live>) -> Result<Option<Vec<String>>, Failure> {
    let docker = live.client()?;
    let ask = Ask::OpenFile { title: "Restore images from an archive", kind: "Image archives", extensions: &["tar"] };
    let Some(path) = choices::ask(&app, ask).await? else {
        return Ok(None);
    };
    Ok(Some(cleanup::restore(&docker, &path).await?))
}

/// Where archives go unless the user picks another folder: `strata-archives` in Downloads (or
/// home). Strata's own suggestion, so it counts as chosen.
#[tauri::command]
pub fn cleanup_archive_folder(chosen: State<'_, Chosen>) -> String {
    let base = dirs::download_dir().filter(|d| d.is_dir()).or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir);
    let folder = base.join("strata-archives");
    chosen.remember(&folder);
    folder.display().to_string()
}

/// Asks for another folder to save archives in.
#[tauri::command]
pub async fn cleanup_choose_folder(app: AppHandle) -> Result<Option<String>, Failure> {
    let chosen = choices::ask(&app, Ask::Folder { title: "Save archives in" }).await?;
    Ok(chosen.map(|folder| folder.display().to_string()))
}

/// The chosen folder, created if needed; an error says why it cannot be used.
fn archive_folder(path: &Path) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(path).map_err(|e| {
        Failure::new(ErrorCode::FileSystem, format!("cannot use {} for archives: {e}", path.display()))
            .with_hint("Pick a folder you can write to, with room for the images.")
    })?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cleanup::facts::test_image;

    #[test]
    fn the_legend_names_only_the_categories_the_treemap_shows() {
        let facts = Facts {
            images: vec![test_image("a1", &["app:1"], 0, &[("a1", 10)]), test_image("d", &[], 0, &[("d", 5)])],
            containers: vec![],
            build_cache: None,
        };
        let space = cleanup::space(&facts, None, &Policy::default(), 0);
        let labels: Vec<_> = legend(&space).iter().map(|entry| entry.label).collect();
        assert_eq!(labels, ["unused", "dangling"]);
    }
}
