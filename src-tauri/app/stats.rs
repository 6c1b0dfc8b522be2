//! The window's stats: the engine's [`Collector`] kept in step with the running containers (the
//! live view's event-driven container list says when they start and stop), each container's
//! latest figures with a CPU sparkline, charts of one container over a window, its history as
//! CSV, and the host's figures.

use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use super::choices::{self, Saved};
use crate::chart::{self, ChartTheme, LineChart};
use crate::image::content;
use crate::live::Live;
use crate::problem::{ErrorCode, Failure};
use crate::stats::charts::{container_chart, overview_chart, ChartEnd, ChartPlan, Metric};
use crate::stats::collector::Latest;
use crate::stats::host::{data_place_of, DataPlace, HostFigures, HostProbe};
use crate::stats::{Collector, Running};

/// Points in a row's sparkline: the last minute.
const SPARK_SECONDS: f64 = 60.0;

/// The stats the window shows.
#[derive(Default)]
pub struct StatsBoard {
    collector: Collector,
    host: Mutex<Option<HostProbe>>,
    /// Where Docker's data is, asked of the daemon once per endpoint (by host).
    data_place: Mutex<Option<(String, DataPlace)>>,
}

/// One container's latest figures and its CPU over the last minute.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct StatsRow {
    #[serde(flatten)]
    pub latest: Latest,
    pub cpu_sparkline: String,
}

/// How often the collector is put in step with the running containers even when nothing changed:
/// a stream the daemon broke off (a remote daemon's hiccup) is opened again within this time.
const RESYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Follows the live view: whenever the daemon's containers change (and every few seconds), the
/// collector starts streams for containers that run and have none, and stops those of containers
/// that stopped.
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
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(RESYNC_EVERY) => {}
            }
        }
    });
}

/// Every followed container's latest figures, running ones first, the sparklines drawn for
/// `theme` (the one the window shows).
#[tauri::command]
pub fn stats_rows(board: State<'_, StatsBoard>, theme: ChartTheme) -> Vec<StatsRow> {
    board
        .collector
        .latest()
        .into_iter()
        .map(|latest| {
            let values: Vec<f64> = board
                .collector
                .window(&latest.id, SPARK_SECONDS)
                .map(|points| points.iter().map(|p| f64::from(p.cpu_percent)).collect())
                .unwrap_or_default();
            let cpu_sparkline = chart::sparkline(&values, Some(100.0), theme, (90, 20)).unwrap_or_default();
            StatsRow { latest, cpu_sparkline }
        })
        .collect()
}

/// What the chart of one container's `metric` over the last `seconds` shows.
fn plan(board: &StatsBoard, id: &str, metric: Metric, seconds: f64) -> Result<ChartPlan, Failure> {
    let points = board.collector.window(id, seconds).ok_or_else(|| {
        Failure::new(ErrorCode::NotFound, "no stats for that container")
            .with_hint("Stats are kept for containers that ran while Strata was open.")
    })?;
    let running = board.collector.latest().iter().any(|latest| latest.id == id && latest.running);
    let end = if running { ChartEnd::NewestPoint } else { ChartEnd::StoppedBy(seconds_since_1970()) };
    Ok(container_chart(&points, metric, end))
}

fn seconds_since_1970() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// The chart `plan` describes, over the last `seconds`, in `theme`.
fn line_chart(plan: &ChartPlan, seconds: f64, theme: ChartTheme) -> LineChart<'_> {
    LineChart {
        title: &plan.title,
        series: &plan.lines,
        unit: plan.unit,
        window_seconds: seconds,
        ceiling: plan.ceiling,
        theme,
    }
}

/// How wide a chart is drawn: the width the window shows it at (CSS pixels, so its text is shown
/// at its true size), within reason.
fn drawn_width(shown: u32) -> u32 {
    shown.clamp(320, 2400)
}

/// A chart of one container's `metric` over the last `seconds`, as SVG drawn for `theme`, `width`
/// pixels wide (the width the window shows it at).
// Off the window's thread: drawn at up to 2400 px, every second.
#[tauri::command(async)]
pub fn stats_chart(
    board: State<'_, StatsBoard>,
    id: String,
    metric: Metric,
    seconds: f64,
    theme: ChartTheme,
    width: u32,
) -> Result<String, Failure> {
    let plan = plan(&board, &id, metric, seconds)?;
    chart::line_chart(&line_chart(&plan, seconds, theme), (drawn_width(width), 200)).map_err(Failure::from)
}

/// Every running container's CPU (or memory) stacked, over the last `seconds`, as SVG drawn for
/// `theme`, `width` pixels wide.
// Off the window's thread: drawn at up to 2400 px, every second.
#[tauri::command(async)]
pub fn stats_overview(
    board: State<'_, StatsBoard>,
    metric: Metric,
    seconds: f64,
    theme: ChartTheme,
    width: u32,
) -> Result<String, Failure> {
    let running: Vec<Latest> = board.collector.latest().into_iter().filter(|row| row.running).collect();
    let windows: Vec<(String, Vec<crate::stats::Point>)> =
        running.into_iter().filter_map(|row| Some((row.name, board.collector.window(&row.id, seconds)?))).collect();
    let plan = overview_chart(&windows, metric);
    chart::stacked_chart(&line_chart(&plan, seconds, theme), (drawn_width(width), 260)).map_err(Failure::from)
}

/// Asks where to save the same chart as a PNG image (offered as `name`), then writes it there;
/// the image is always light, to print or paste anywhere.
#[tauri::command]
pub async fn stats_export_png(
    app: AppHandle,
    board: State<'_, StatsBoard>,
    id: String,
    metric: Metric,
    seconds: f64,
    name: String,
) -> Result<Option<Saved>, Failure> {
    let plan = plan(&board, &id, metric, seconds)?;
    let png =
        chart::line_chart_png(&line_chart(&plan, seconds, ChartTheme::Light), (1120, 400)).map_err(Failure::from)?;
    let name = choices::file_name(&name, "chart.png");
    choices::save(&app, "Save the chart", &name, |partial| async move {
        Ok(content::write_new_file(png.as_slice(), &partial)?)
    })
    .await
}

/// Asks where to save one container's history as CSV (offered as `name`), then writes it there.
#[tauri::command]
pub async fn stats_export_csv(
    app: AppHandle,
    board: State<'_, StatsBoard>,
    id: String,
    name: String,
) -> Result<Option<Saved>, Failure> {
    let history =
        board.collector.history(&id).ok_or_else(|| Failure::new(ErrorCode::NotFound, "no stats for that container"))?;
    let csv = history.to_csv();
    let name = choices::file_name(&name, "stats.csv");
    choices::save(&app, "Save the stats", &name, |partial| async move {
        Ok(content::write_new_file(csv.as_bytes(), &partial)?)
    })
    .await
}

/// Forgets a stopped container's history.
#[tauri::command]
pub fn stats_dismiss(board: State<'_, StatsBoard>, id: String) {
    board.collector.dismiss(&id);
}

/// The host's CPU, memory and Docker data disk (when the daemon is on this machine).
#[tauri::command]
pub async fn stats_host(live: State<'_, Live>, board: State<'_, StatsBoard>) -> Result<HostFigures, Failure> {
    let host = live.state().status.endpoint().host.clone();
    let known = board.data_place.lock().expect("data place lock").clone().filter(|(for_host, _)| *for_host == host);
    let place = match (known, live.connection()) {
        (Some((_, place)), _) => place,
        // Asked again once connected; the host's own figures are shown meanwhile.
        (None, Err(_)) => DataPlace::Unknown,
        (None, Ok(connection)) => {
            let place = data_place_of(&connection).await.unwrap_or(DataPlace::Unknown);
            *board.data_place.lock().expect("data place lock") = Some((host, place.clone()));
            place
        }
    };
    let mut probe = board.host.lock().expect("host lock");
    Ok(probe.get_or_insert_with(HostProbe::default).read(&place))
}
