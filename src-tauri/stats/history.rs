//! A container's recent stats, one point a second, in a ring of fixed size: an hour by default,
//! about 50 bytes a point, so an hour of 50 containers stays under 10 MB. The oldest point goes
//! when a new one comes; nothing grows while the app runs.

use std::collections::VecDeque;
use std::fmt::Write;

use serde::Serialize;

use super::formulas::{Rates, Reading};

/// Points kept per container: one hour at one a second.
pub const POINTS_KEPT: usize = 3600;

/// One second of one container.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "StatsPoint")]
pub struct Point {
    /// Seconds since 1970.
    pub at: f64,
    /// CPU use in percent of one CPU (200: two CPUs busy).
    pub cpu_percent: f32,
    /// Memory in use, without the inactive page cache.
    pub memory_bytes: u64,
    /// The memory limit in bytes (the host's memory when none is set); 0 when unknown.
    pub memory_limit_bytes: u64,
    /// Bytes received a second since the point before (0 for the first point).
    pub net_rx_per_second: f32,
    /// Bytes sent a second since the point before (0 for the first point).
    pub net_tx_per_second: f32,
    /// Bytes read from disk a second since the point before (0 for the first point).
    pub block_read_per_second: f32,
    /// Bytes written to disk a second since the point before (0 for the first point).
    pub block_write_per_second: f32,
    /// How many processes and threads run in the container.
    pub pids: u32,
}

impl Point {
    /// The point of `reading`, with `rates` since the reading before it.
    pub fn of(reading: &Reading, rates: &Rates) -> Point {
        Point {
            at: reading.at,
            cpu_percent: reading.cpu_percent as f32,
            memory_bytes: reading.memory_bytes,
            memory_limit_bytes: reading.memory_limit_bytes,
            net_rx_per_second: rates.net_rx_per_second as f32,
            net_tx_per_second: rates.net_tx_per_second as f32,
            block_read_per_second: rates.block_read_per_second as f32,
            block_write_per_second: rates.block_write_per_second as f32,
            pids: reading.pids.min(u32::MAX as u64) as u32,
        }
    }
}

/// The points of one container, oldest first.
#[derive(Debug, Clone)]
pub struct History {
    points: VecDeque<Point>,
    capacity: usize,
    /// The last reading, to compute the next point's rates.
    last: Option<Reading>,
}

impl Default for History {
    fn default() -> Self {
        History::with_capacity(POINTS_KEPT)
    }
}

impl History {
    /// An empty history that keeps the newest `capacity` points (at least one).
    pub fn with_capacity(capacity: usize) -> History {
        History { points: VecDeque::with_capacity(capacity.min(POINTS_KEPT)), capacity: capacity.max(1), last: None }
    }

    /// Adds a reading; returns the point it made.
    pub fn push(&mut self, reading: Reading) -> Point {
        let rates = self.last.as_ref().map(|last| reading.rates_since(last)).unwrap_or_default();
        let point = Point::of(&reading, &rates);
        if self.points.len() == self.capacity {
            self.points.pop_front();
        }
        self.points.push_back(point);
        self.last = Some(reading);
        point
    }

    /// How many points it holds.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether it holds no point yet.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The newest point; `None` before the first reading.
    pub fn latest(&self) -> Option<&Point> {
        self.points.back()
    }

    /// The last reading as the daemon gave it (totals, not rates).
    pub fn last_reading(&self) -> Option<&Reading> {
        self.last.as_ref()
    }

    /// The points of the last `seconds` before the newest one.
    pub fn window(&self, seconds: f64) -> impl Iterator<Item = &Point> {
        let newest = self.points.back().map_or(0.0, |p| p.at);
        self.points.iter().filter(move |p| p.at >= newest - seconds)
    }

    /// The points as CSV, one row a second, with a header.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from(
            "time,cpu_percent,memory_bytes,memory_limit_bytes,net_rx_per_second,net_tx_per_second,\
             block_read_per_second,block_write_per_second,pids\n",
        );
        for p in &self.points {
            let time = chrono::DateTime::from_timestamp(p.at.floor() as i64, 0)
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default();
            let _ = writeln!(
                csv,
                "{time},{:.2},{},{},{:.0},{:.0},{:.0},{:.0},{}",
                p.cpu_percent,
                p.memory_bytes,
                p.memory_limit_bytes,
                p.net_rx_per_second,
                p.net_tx_per_second,
                p.block_read_per_second,
                p.block_write_per_second,
                p.pids
            );
        }
        csv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(at: f64, rx: u64) -> Reading {
        Reading { at, cpu_percent: 1.5, memory_bytes: 1000, net_rx_bytes: rx, ..Default::default() }
    }

    #[test]
    fn the_ring_keeps_the_newest_points_with_their_rates() {
        let mut history = History::with_capacity(3);
        for second in 0..5 {
            history.push(reading(second as f64, second * 100));
        }
        assert_eq!(history.len(), 3);
        assert_eq!(history.latest().unwrap().at, 4.0);
        assert_eq!(history.latest().unwrap().net_rx_per_second, 100.0);
        assert_eq!(history.window(1.0).count(), 2);
        let csv = history.to_csv();
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.lines().nth(1).unwrap().starts_with("1970-01-01T00:00:02Z,1.50,1000,0,100,"), "{csv}");
    }

    #[test]
    fn an_hour_of_fifty_containers_stays_small() {
        let bytes = std::mem::size_of::<Point>() * POINTS_KEPT * 50;
        assert!(bytes < 50 * 1024 * 1024, "{bytes} bytes");
    }
}
