//! The project screen's charts of build time, drawn from its history: the timeline of one
//! build's steps (the build asked for, else the latest timed one) and the trend of its last
//! [`TREND_BUILDS`] builds, with which build each trend column stands for.

use serde::Serialize;

use super::settings::BuildRecord;
use super::steps::cached_of;
use crate::chart::builds::{timeline, trend, StepBar, TrendChart, TrendPoint};
use crate::chart::{ChartError, ChartTheme};

/// Builds shown in the trend.
pub const TREND_BUILDS: usize = 30;
/// The trend's height, in pixels.
const TREND_HEIGHT: u32 = 260;

/// The charts of one project's build times.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BuildCharts {
    /// The build the timeline shows (its start, seconds since 1970; `None`: no build was timed).
    pub shown: Option<i64>,
    /// Its steps on a timeline, as an SVG document.
    pub timeline: Option<String>,
    /// How many of its steps came from the cache, and of how many (FROM not counted).
    pub cached_steps: (usize, usize),
    /// The last builds' duration, size and cache misses (`None`: fewer than two builds).
    pub trend: Option<TrendChart>,
    /// The build each trend column stands for (its start), in the columns' order.
    pub trend_builds: Vec<i64>,
}

/// The charts for `history` (oldest first), the timeline of the build that began at `shown`
/// (else the latest timed one), `width` pixels wide in `theme`.
pub fn build_charts(
    history: &[BuildRecord],
    shown: Option<i64>,
    theme: ChartTheme,
    width: u32,
) -> Result<BuildCharts, ChartError> {
    let builds: Vec<&BuildRecord> = history.iter().filter(|r| r.synced.is_none()).collect();
    let picked = shown
        .and_then(|started| builds.iter().rev().find(|r| r.started == started && !r.steps.is_empty()))
        .or_else(|| builds.iter().rev().find(|r| !r.steps.is_empty()));
    let bars: Vec<StepBar> = picked.map(|record| step_bars(record)).unwrap_or_default();
    let recent = &builds[builds.len().saturating_sub(TREND_BUILDS)..];
    let one_day = recent
        .iter()
        .map(|record| local_time(record.started).map(|at| at.date_naive()))
        .collect::<std::collections::HashSet<_>>()
        .len()
        <= 1;
    let points: Vec<TrendPoint> = recent.iter().map(|record| trend_point(record, one_day)).collect();
    Ok(BuildCharts {
        shown: picked.map(|r| r.started),
        timeline: if bars.is_empty() { None } else { Some(timeline(&bars, theme, width)?) },
        cached_steps: picked.map(|record| cached_of(&record.steps)).unwrap_or_default(),
        trend: if points.len() < 2 { None } else { Some(trend(&points, theme, (width, TREND_HEIGHT))?) },
        trend_builds: recent.iter().map(|r| r.started).collect(),
    })
}

fn step_bars(record: &BuildRecord) -> Vec<StepBar> {
    let first_miss = record.cache_miss.as_ref().map(|miss| (miss.step, &miss.stage));
    record
        .steps
        .iter()
        .map(|step| StepBar {
            label: step.label(),
            started: step.started,
            seconds: step.seconds,
            cached: step.cached,
            first_miss: Some((step.index, &step.stage)) == first_miss,
        })
        .collect()
}

fn trend_point(record: &BuildRecord, one_day: bool) -> TrendPoint {
    let (cached, counted) = cached_of(&record.steps);
    TrendPoint {
        seconds: record.seconds,
        size_bytes: record.size_bytes,
        misses: counted - cached,
        passed: record.passed,
        label: clock_time(record.started, one_day),
    }
}

/// When a build began, as this computer's clock said it: "14:05", or with the day ("Dec 6
/// 14:05") when the trend spans more than one.
fn clock_time(started: i64, one_day: bool) -> String {
    let format = if one_day { "%H:%M" } else { "%b %-d %H:%M" };
    local_time(started).map(|at| at.format(format).to_string()).unwrap_or_default()
}

fn local_time(seconds: i64) -> Option<chrono::DateTime<chrono::Local>> {
    use chrono::TimeZone;
    chrono::Local.timestamp_opt(seconds, 0).single()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::steps::{BuildStep, CacheMiss};

    fn record(started: i64, steps: Vec<BuildStep>) -> BuildRecord {
        BuildRecord {
            started,
            seconds: 3.0,
            passed: true,
            size_bytes: Some(1_000_000),
            steps,
            ..BuildRecord::default()
        }
    }

    fn step(index: usize, instruction: &str, cached: bool) -> BuildStep {
        BuildStep { index, instruction: instruction.into(), cached, seconds: 1.0, ..BuildStep::default() }
    }

    #[test]
    fn the_timeline_shows_the_build_asked_for_else_the_latest_timed_one() {
        let mut missed = record(20, vec![step(1, "COPY a /a", true), step(2, "RUN make", false)]);
        missed.cache_miss = Some(CacheMiss {
            step: 2,
            stage: None,
            instruction: "RUN make".into(),
            reason: String::new(),
            reran: 1,
            reran_seconds: 1.0,
            summary: String::new(),
        });
        let history = vec![record(10, vec![step(1, "COPY a /a", false)]), missed, record(30, Vec::new())];
        let latest = build_charts(&history, None, ChartTheme::Light, 640).unwrap();
        assert_eq!(latest.shown, Some(20), "the untimed build is passed over");
        assert_eq!(latest.cached_steps, (1, 2));
        assert!(latest.timeline.unwrap().contains("2 RUN make"));
        assert_eq!(latest.trend_builds, [10, 20, 30]);
        assert_eq!(latest.trend.unwrap().columns.len(), 3);
        let older = build_charts(&history, Some(10), ChartTheme::Dark, 640).unwrap();
        assert_eq!(older.shown, Some(10));
        let none = build_charts(&history[2..], None, ChartTheme::Light, 640).unwrap();
        assert_eq!((none.shown, none.timeline, none.trend), (None, None, None));
    }

    #[test]
    fn a_trend_point_counts_the_steps_that_ran_but_not_the_from() {
        let point = trend_point(
            &record(1, vec![step(1, "FROM x", false), step(2, "RUN a", false), step(3, "RUN b", true)]),
            true,
        );
        assert_eq!(point.misses, 1);
    }

    #[test]
    fn a_trend_column_is_named_by_its_clock_time_with_the_day_when_the_trend_spans_days() {
        let time = clock_time(1_765_000_000, true);
        assert!(time.len() == 5 && time.as_bytes()[2] == b':', "{time}");
        let with_day = clock_time(1_765_000_000, false);
        assert!(with_day.ends_with(&time) && with_day.starts_with("Dec "), "{with_day}");
    }
}
