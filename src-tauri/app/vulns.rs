//! The window's vulnerability commands: the open image's known vulnerabilities from the local
//! OSV database (or that there is none yet), and downloading the advisories with progress.

use std::collections::HashMap;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use super::background::in_background;
use super::explorer::Explorer;
use crate::image::IndexCache;
use crate::problem::{ErrorCode, Failure};
use crate::progress::{Cancel, Progress, Reporter};
use crate::vulns::download::{osv_base_url, update};
use crate::vulns::tally::{tallies, VulnTally};
use crate::vulns::{scan, Database, DatabaseStatus, ImportSummary, VulnReport};

/// The open image against the vulnerability database.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImageVulnerabilities {
    /// What the database holds; `None` when there is none yet (then there is no report).
    pub database: Option<DatabaseStatus>,
    /// What the scan found.
    pub report: Option<VulnReport>,
}

fn database_path() -> Result<std::path::PathBuf, Failure> {
    Database::default_path().ok_or_else(|| {
        Failure::new(ErrorCode::FileSystem, "this system names no cache folder for the vulnerability database")
            .with_hint("Set STRATA_CACHE_DIR to a folder Strata may write in.")
    })
}

/// The open image's known vulnerabilities (its packages read from the layer index: no export).
#[tauri::command]
pub async fn image_vulnerabilities(explorer: State<'_, Explorer>) -> Result<ImageVulnerabilities, Failure> {
    let packages = explorer.open_packages()?;
    let path = database_path()?;
    in_background("the scan", move || {
        let Some(database) = Database::open_existing(&path)? else {
            return Ok(ImageVulnerabilities { database: None, report: None });
        };
        let report = scan(&database, packages.get())?;
        Ok(ImageVulnerabilities { database: Some(database.status()?), report: Some(report) })
    })
    .await?
}

/// The vulnerability counts of those of these images whose packages were read before (opened in
/// Layers, scanned, built): the Images list's column. Empty with no database.
#[tauri::command]
pub async fn vuln_tallies(ids: Vec<String>) -> Result<HashMap<String, VulnTally>, Failure> {
    let path = database_path()?;
    in_background("the count", move || {
        let Some(database) = Database::open_existing(&path)? else { return Ok(HashMap::new()) };
        Ok(tallies(&IndexCache::user(), &database, &ids))
    })
    .await?
}

/// Downloads OSV's advisories for the ecosystems Strata reads and replaces the database's.
#[tauri::command]
pub async fn vulns_update(on_progress: Channel<Progress>) -> Result<ImportSummary, Failure> {
    let path = database_path()?;
    let mut reporter = Reporter::new("", move |p| drop(on_progress.send(p.clone())), Cancel::new());
    Ok(update(&path, &osv_base_url(), &[], &mut reporter).await?)
}
