//! What each stats chart shows, decided once for the window and its PNG export: the title, the
//! lines (seconds before the newest point, value), the unit and the ceiling, for one container's
//! metric ([`container_chart`]) or every running container's stacked ([`overview_chart`]).
//! Drawing them is the chart module's job.

use serde::Deserialize;

use super::history::Point;
use crate::chart::{value_label, Series, Unit};

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[ts(rename = "StatsMetric")]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// CPU use, in percent of one CPU.
    Cpu,
    /// Memory in use, in bytes, under the container's limit.
    Memory,
    /// Bytes received and sent a second.
    Network,
    /// Bytes read from and written to disk a second (block I/O).
    Block,
}

/// A chart ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPlan {
    /// The chart's heading with its figures now: "Memory — now 332 kB, peak 410 kB".
    pub title: String,
    /// One line per series; x is seconds before the newest point (0 or less).
    pub lines: Vec<Series>,
    /// What the values are (percent, bytes, bytes a second), for the axis and labels.
    pub unit: Unit,
    /// A line the values cannot pass (the memory limit).
    pub ceiling: Option<f64>,
}

/// Where a container's chart ends, at its right edge ("now" on the axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChartEnd {
    /// A running container: its newest point (a second old at most).
    NewestPoint,
    /// A stopped container: this moment (seconds since 1970), so its line stops where the
    /// container did, short of "now", and the title's figures are its last.
    StoppedBy(f64),
}

/// One container's `metric` over its `points`, oldest first, ending at `end`.
pub fn container_chart(points: &[Point], metric: Metric, end: ChartEnd) -> ChartPlan {
    let newest = match end {
        ChartEnd::NewestPoint => points.last().map_or(0.0, |p| p.at),
        ChartEnd::StoppedBy(now) => now,
    };
    let series = |label: &str, value: &dyn Fn(&Point) -> f64| Series {
        label: label.into(),
        points: points.iter().map(|p| (p.at - newest, value(p))).collect(),
    };
    let limit = points.last().map(|p| p.memory_limit_bytes as f64).filter(|l| *l > 0.0);
    let plan = match metric {
        Metric::Cpu => ChartPlan {
            title: "CPU".into(),
            lines: vec![series("cpu", &|p| f64::from(p.cpu_percent))],
            unit: Unit::Percent,
            ceiling: None,
        },
        Metric::Memory => ChartPlan {
            title: "Memory".into(),
            lines: vec![series("memory", &|p| p.memory_bytes as f64)],
            unit: Unit::Bytes,
            ceiling: limit,
        },
        Metric::Network => ChartPlan {
            title: "Network".into(),
            lines: vec![
                series("received", &|p| f64::from(p.net_rx_per_second)),
                series("sent", &|p| f64::from(p.net_tx_per_second)),
            ],
            unit: Unit::BytesPerSecond,
            ceiling: None,
        },
        Metric::Block => ChartPlan {
            title: "Block I/O".into(),
            lines: vec![
                series("read", &|p| f64::from(p.block_read_per_second)),
                series("written", &|p| f64::from(p.block_write_per_second)),
            ],
            unit: Unit::BytesPerSecond,
            ceiling: None,
        },
    };
    let when = match end {
        ChartEnd::NewestPoint => "now",
        ChartEnd::StoppedBy(_) => "last",
    };
    ChartPlan { title: with_figures(&plan.title, &plan.lines, plan.unit, when), ..plan }
}

/// The title with each line's figure `when` ("now", or "last" for a stopped container) and its
/// peak, for a single line: "CPU — now 3 %, peak 41 %", "Network — received 1.2 kB/s, sent 300
/// B/s now".
fn with_figures(title: &str, lines: &[Series], unit: Unit, when: &str) -> String {
    let now = |line: &Series| line.points.last().map_or(0.0, |p| p.1);
    match lines {
        [] => title.to_string(),
        [line] if line.points.is_empty() => title.to_string(),
        [line] => {
            let peak = line.points.iter().map(|p| p.1).fold(0.0, f64::max);
            format!("{title} — {when} {}, peak {}", value_label(now(line), unit), value_label(peak, unit))
        }
        lines => {
            let figures: Vec<String> =
                lines.iter().map(|line| format!("{} {}", line.label, value_label(now(line), unit))).collect();
            format!("{title} — {} {when}", figures.join(", "))
        }
    }
}

/// Every named container's `metric` (both directions added up for network and block I/O), on
/// one time axis that ends at the newest point of any of them.
pub fn overview_chart(windows: &[(String, Vec<Point>)], metric: Metric) -> ChartPlan {
    let newest = windows.iter().filter_map(|(_, points)| points.last().map(|p| p.at)).fold(0.0, f64::max);
    let value = |p: &Point| match metric {
        Metric::Memory => p.memory_bytes as f64,
        Metric::Network => f64::from(p.net_rx_per_second + p.net_tx_per_second),
        Metric::Block => f64::from(p.block_read_per_second + p.block_write_per_second),
        Metric::Cpu => f64::from(p.cpu_percent),
    };
    let lines = windows
        .iter()
        .map(|(name, points)| Series {
            label: name.clone(),
            points: points.iter().map(|p| (p.at - newest, value(p))).collect(),
        })
        .collect();
    let (title, unit) = match metric {
        Metric::Cpu => ("CPU of every running container", Unit::Percent),
        Metric::Memory => ("Memory of every running container", Unit::Bytes),
        Metric::Network => ("Network of every running container", Unit::BytesPerSecond),
        Metric::Block => ("Block I/O of every running container", Unit::BytesPerSecond),
    };
    ChartPlan { title: title.into(), lines, unit, ceiling: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at: f64, cpu: f32, memory: u64, limit: u64) -> Point {
        Point { at, cpu_percent: cpu, memory_bytes: memory, memory_limit_bytes: limit, ..Point::default() }
    }

    #[test]
    fn a_stopped_containers_line_ends_where_it_stopped_with_its_last_figures() {
        let points = [point(100.0, 5.0, 1_000, 0), point(102.0, 7.5, 2_000, 0)];
        let cpu = container_chart(&points, Metric::Cpu, ChartEnd::StoppedBy(160.0));
        assert_eq!(cpu.lines[0].points, [(-60.0, 5.0), (-58.0, 7.5)], "a minute of nothing before now");
        assert_eq!(cpu.title, "CPU — last 7.5 %, peak 7.5 %");
    }

    #[test]
    fn a_containers_chart_counts_back_from_its_newest_point() {
        let points = [point(100.0, 5.0, 1_000, 4_000), point(102.0, 7.5, 2_000, 4_000)];
        let cpu = container_chart(&points, Metric::Cpu, ChartEnd::NewestPoint);
        assert_eq!(cpu.lines[0].points, [(-2.0, 5.0), (0.0, 7.5)]);
        assert_eq!((cpu.unit, cpu.ceiling), (Unit::Percent, None));
        let memory = container_chart(&points, Metric::Memory, ChartEnd::NewestPoint);
        assert_eq!(memory.ceiling, Some(4_000.0), "the limit is the ceiling");
        assert_eq!(
            container_chart(&[point(1.0, 0.0, 5, 0)], Metric::Memory, ChartEnd::NewestPoint).ceiling,
            None,
            "no limit, no ceiling"
        );
        assert_eq!(container_chart(&points, Metric::Network, ChartEnd::NewestPoint).lines.len(), 2);
        assert_eq!(cpu.title, "CPU — now 7.5 %, peak 7.5 %");
        assert_eq!(memory.title, "Memory — now 2 kB, peak 2 kB");
        assert_eq!(
            container_chart(&points, Metric::Network, ChartEnd::NewestPoint).title,
            "Network — received 0 B/s, sent 0 B/s now"
        );
    }

    #[test]
    fn the_overview_puts_every_container_on_one_time_axis() {
        let windows = vec![
            ("web".to_string(), vec![point(10.0, 1.0, 0, 0), point(12.0, 2.0, 0, 0)]),
            ("db".to_string(), vec![point(11.0, 3.0, 0, 0)]),
        ];
        let plan = overview_chart(&windows, Metric::Cpu);
        assert_eq!(plan.title, "CPU of every running container");
        assert_eq!(plan.lines[0].points, [(-2.0, 1.0), (0.0, 2.0)]);
        assert_eq!(plan.lines[1].points, [(-1.0, 3.0)], "db's point is a second before web's newest");
    }
}
