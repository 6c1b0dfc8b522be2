//! The window's stats: the engine's [`Collector`] kept in step with the running containers (the
//! live view's event-driven container list says when they start and stop), each container's
//! latest figures with a CPU sparkline, charts of one container over a window, its history as
//! CSV, and the host's figures.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};

use super::commands::UiError;
use crate::chart::{self, Series, Unit};
use crate::live::Live;
use crate::stats::collector::Latest;
use crate::stats::host::{HostFigures, HostProbe};
use crate::stats::{Collector, Running};

/// Points in a row's sparkline: the last minute.
const SPARK_SECONDS: f64 = 60.0;

/// The stats the window shows.
#[derive(Default)]
pub struct StatsBoard {
    collector: Collector,
    host: Mutex<Option<HostProbe>>,
}

/// One container's latest figures and its CPU over the last minute.
#[derive(Debug, Clone, Serialize)]
pub struct StatsRow {
    #[serde(flatten)]
    pub latest: Latest,
    pub cpu_sparkline: String,
}

/// What a chart shows.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    Cpu,
    Memory,
    Network,
    Block,
}

/// Follows the live view: whenever the daemon's containers change, the collector starts streams
/// for containers that run and stops those of containers that stopped.
pub fn follow_containers(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let live = app.state::<Live>();
        let mut changes = live.watch();
        loop {
            if let Ok(docker) = live.client() {
                let running: Vec<Running> = live
                    .containers()
                    .into_iter()
                    .filter(|c| c.state == "running")
                    .map(|c| Running { id: c.id, name: c.name })
                    .collect();
                app.state::<StatsBoard>().collector.sync(&docker, &running);
            }
            if changes.changed().await.is_err() {
                return;
            }
        }
    });
}

/// Every followed container's latest figures, running ones first.
#[tauri::command]
pub fn stats_rows(board: State<'_, StatsBoard>) -> Vec<StatsRow> {
    board
        .collector
        .latest()
        .into_iter()
        .map(|latest| {
            let values: Vec<f64> = board
                .collector
                .history(&latest.id)
                .map(|h| h.window(SPARK_SECONDS).map(|p| f64::from(p.cpu_percent)).collect())
                .unwrap_or_default();
            let cpu_sparkline = chart::sparkline(&values, Some(100.0), (90, 20)).unwrap_or_default();
            StatsRow { latest, cpu_sparkline }
        })
        .collect()
}

/// A chart of one container's `metric` over the last `seconds`, as SVG.
#[tauri::command]
pub fn stats_chart(board: State<'_, StatsBoard>, id: String, metric: Metric, seconds: f64) -> Result<String, UiError> {
    let history = board.collector.history(&id).ok_or_else(|| UiError {
        message: "no stats for that container".into(),
        hint: "Stats are kept for containers that ran while Strata was open.".into(),
    })?;
    let newest = history.latest().map_or(0.0, |p| p.at);
    let series = |label: &str, value: &dyn Fn(&crate::stats::Point) -> f64| Series {
        label: label.into(),
        points: history.window(seconds).map(|p| (p.at - newest, value(p))).collect(),
    };
    let limit = history.latest().map(|p| p.memory_limit_bytes as f64).filter(|l| *l > 0.0);
    let (title, lines, unit, ceiling) = match metric {
        Metric::Cpu => ("CPU", vec![series("cpu", &|p| f64::from(p.cpu_percent))], Unit::Percent, None),
        Metric::Memory => {
            ("Memory (of its limit)", vec![series("memory", &|p| p.memory_bytes as f64)], Unit::Bytes, limit)
        }
        Metric::Network => (
            "Network",
            vec![
                series("received", &|p| f64::from(p.net_rx_per_second)),
                series("sent", &|p| f64::from(p.net_tx_per_second)),
            ],
            Unit::BytesPerSecond,
            None,
        ),
        Metric::Block => (
            "Block I/O",
            vec![
                series("read", &|p| f64::from(p.block_read_per_second)),
                series("written", &|p| f64::from(p.block_write_per_second)),
            ],
            Unit::BytesPerSecond,
            None,
        ),
    };
    chart::line_chart(title, &lines, unit, seconds, ceiling, (560, 200))
        .map_err(|e| UiError { message: e.to_string(), hint: String::new() })
}

/// Writes one container's history as CSV to `destination` (a new file); says how many bytes.
#[tauri::command]
pub fn stats_export_csv(board: State<'_, StatsBoard>, id: String, destination: String) -> Result<u64, UiError> {
    let history = board
        .collector
        .history(&id)
        .ok_or_else(|| UiError { message: "no stats for that container".into(), hint: String::new() })?;
    let csv = history.to_csv();
    let refused = |e: std::io::Error| UiError {
        message: format!("{destination} cannot be written: {e}"),
        hint: "Choose another file name or folder.".into(),
    };
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&destination).map_err(refused)?;
    std::io::Write::write_all(&mut file, csv.as_bytes()).map_err(refused)?;
    Ok(csv.len() as u64)
}

/// Forgets a stopped container's history.
#[tauri::command]
pub fn stats_dismiss(board: State<'_, StatsBoard>, id: String) {
    board.collector.dismiss(&id);
}

/// The host's CPU, memory and Docker data disk (when the daemon is on this machine).
#[tauri::command]
pub async fn stats_host(live: State<'_, Live>, board: State<'_, StatsBoard>) -> Result<HostFigures, UiError> {
    let docker = live.client()?;
    let local = live.state().status.endpoint().host.starts_with("unix://");
    let root = if local { docker.info().await.ok().and_then(|info| info.docker_root_dir) } else { None };
    let mut probe = board.host.lock().expect("host lock");
    Ok(probe.get_or_insert_with(HostProbe::default).read(root.as_deref()))
}
