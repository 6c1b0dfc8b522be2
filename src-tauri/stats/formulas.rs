//! One stats reading of a container turned into the figures `docker stats` prints, computed the
//! way the docker CLI computes them, so the two always agree:
//!
//! - CPU % = (Δ container CPU time / Δ host CPU time) × online CPUs × 100, both deltas between
//!   the reading and the one the daemon sends beside it (`precpu_stats`); 0 when either is not
//!   positive. Online CPUs from `online_cpus`, else the length of `percpu_usage`.
//! - memory = usage − `total_inactive_file` (cgroup v1, when it is below usage), else usage −
//!   `inactive_file` (cgroup v2, when below usage), else usage; % of the limit (0 without one).
//! - network: received and sent bytes summed over the interfaces.
//! - block I/O: `io_service_bytes_recursive` entries whose operation starts with `r`/`R` (read)
//!   or `w`/`W` (write), summed.
//! - pids: `pids_stats.current`.
//!
//! Rates (bytes per second) come from two readings of the same container.

use bollard::models::ContainerStatsResponse;
use serde::{Deserialize, Serialize};

/// The figures of one reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Reading {
    /// Seconds since 1970 (with fractions) when the daemon took it.
    pub at: f64,
    /// CPU use in percent of one CPU, as `docker stats` shows it (200: two CPUs busy).
    pub cpu_percent: f64,
    /// Memory in use, without the inactive page cache, as `docker stats` counts it.
    pub memory_bytes: u64,
    /// The memory limit in bytes (the host's memory when none is set); 0 when unknown.
    pub memory_limit_bytes: u64,
    /// `memory_bytes` in percent of the limit; 0 without a limit.
    pub memory_percent: f64,
    /// Totals since the container started.
    pub net_rx_bytes: u64,
    /// Bytes sent over all its network interfaces since it started.
    pub net_tx_bytes: u64,
    /// Bytes read from block devices (disks) since it started.
    pub block_read_bytes: u64,
    /// Bytes written to block devices (disks) since it started.
    pub block_write_bytes: u64,
    /// How many processes and threads run in it.
    pub pids: u64,
}

/// Per-second rates between two readings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Bytes received a second, over all network interfaces.
    pub net_rx_per_second: f64,
    /// Bytes sent a second, over all network interfaces.
    pub net_tx_per_second: f64,
    /// Bytes read a second from block devices (disks).
    pub block_read_per_second: f64,
    /// Bytes written a second to block devices (disks).
    pub block_write_per_second: f64,
}

impl Reading {
    /// Reads the figures out of one stats response.
    pub fn of(stats: &ContainerStatsResponse) -> Reading {
        let memory = stats.memory_stats.as_ref();
        let memory_bytes = memory.map(memory_without_cache).unwrap_or(0);
        let memory_limit_bytes = memory.and_then(|m| m.limit).unwrap_or(0);
        let (net_rx_bytes, net_tx_bytes) = network_totals(stats);
        let (block_read_bytes, block_write_bytes) = block_totals(stats);
        Reading {
            at: stats.read.as_ref().map(seconds_of).unwrap_or(0.0),
            cpu_percent: cpu_percent(stats),
            memory_bytes,
            memory_limit_bytes,
            memory_percent: if memory_limit_bytes == 0 {
                0.0
            } else {
                memory_bytes as f64 / memory_limit_bytes as f64 * 100.0
            },
            net_rx_bytes,
            net_tx_bytes,
            block_read_bytes,
            block_write_bytes,
            pids: stats.pids_stats.as_ref().and_then(|p| p.current).unwrap_or(0),
        }
    }

    /// Rates from `earlier` to this reading (zero when the clock did not move forward, and a
    /// counter that went down — a restarted container — counts from zero).
    pub fn rates_since(&self, earlier: &Reading) -> Rates {
        let seconds = self.at - earlier.at;
        if seconds <= 0.0 {
            return Rates::default();
        }
        let rate = |now: u64, before: u64| now.checked_sub(before).unwrap_or(now) as f64 / seconds;
        Rates {
            net_rx_per_second: rate(self.net_rx_bytes, earlier.net_rx_bytes),
            net_tx_per_second: rate(self.net_tx_bytes, earlier.net_tx_bytes),
            block_read_per_second: rate(self.block_read_bytes, earlier.block_read_bytes),
            block_write_per_second: rate(self.block_write_bytes, earlier.block_write_bytes),
        }
    }
}

fn cpu_percent(stats: &ContainerStatsResponse) -> f64 {
    let (Some(now), Some(before)) = (stats.cpu_stats.as_ref(), stats.precpu_stats.as_ref()) else { return 0.0 };
    let total =
        |cpu: &bollard::models::ContainerCpuStats| cpu.cpu_usage.as_ref().and_then(|u| u.total_usage).unwrap_or(0);
    let cpu_delta = total(now) as f64 - total(before) as f64;
    let system_delta = now.system_cpu_usage.unwrap_or(0) as f64 - before.system_cpu_usage.unwrap_or(0) as f64;
    let online = match now.online_cpus {
        Some(count) if count > 0 => count as f64,
        _ => now.cpu_usage.as_ref().and_then(|u| u.percpu_usage.as_ref()).map_or(0, Vec::len) as f64,
    };
    if system_delta > 0.0 && cpu_delta > 0.0 {
        cpu_delta / system_delta * online * 100.0
    } else {
        0.0
    }
}

fn memory_without_cache(memory: &bollard::models::ContainerMemoryStats) -> u64 {
    let usage = memory.usage.unwrap_or(0);
    let stats = memory.stats.as_ref();
    if let Some(inactive) = stats.and_then(|s| s.get("total_inactive_file")) {
        if *inactive < usage {
            return usage - inactive;
        }
    }
    let inactive = stats.and_then(|s| s.get("inactive_file")).copied().unwrap_or(0);
    if inactive < usage {
        usage - inactive
    } else {
        usage
    }
}

fn network_totals(stats: &ContainerStatsResponse) -> (u64, u64) {
    stats
        .networks
        .iter()
        .flat_map(|networks| networks.values())
        .fold((0, 0), |(rx, tx), network| (rx + network.rx_bytes.unwrap_or(0), tx + network.tx_bytes.unwrap_or(0)))
}

fn block_totals(stats: &ContainerStatsResponse) -> (u64, u64) {
    let entries = stats.blkio_stats.as_ref().and_then(|b| b.io_service_bytes_recursive.as_ref());
    entries.into_iter().flatten().fold((0, 0), |(read, write), entry| {
        let value = entry.value.unwrap_or(0);
        match entry.op.as_deref().and_then(|op| op.chars().next()) {
            Some('r' | 'R') => (read + value, write),
            Some('w' | 'W') => (read, write + value),
            _ => (read, write),
        }
    })
}

fn seconds_of(date: &bollard::models::BollardDate) -> f64 {
    serde_json::to_value(date)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .and_then(|text| chrono::DateTime::parse_from_rfc3339(&text).ok())
        .map(|time| time.timestamp() as f64 + f64::from(time.timestamp_subsec_nanos()) / 1e9)
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ContainerStatsResponse {
        serde_json::from_str(json).expect("recorded stats parse")
    }

    /// A reading from a cgroup v1 host (Docker 20.10), trimmed to the fields the figures use.
    const CGROUP_V1: &str = r#"{
        "read": "2026-11-23T04:00:01.5Z", "preread": "2026-11-23T04:00:00.5Z",
        "pids_stats": {"current": 3},
        "blkio_stats": {"io_service_bytes_recursive": [
            {"major": 8, "minor": 0, "op": "Read", "value": 4096},
            {"major": 8, "minor": 0, "op": "Write", "value": 8192},
            {"major": 8, "minor": 0, "op": "Sync", "value": 12288},
            {"major": 8, "minor": 0, "op": "Total", "value": 12288}]},
        "cpu_stats": {"cpu_usage": {"total_usage": 300000000, "percpu_usage": [150000000, 150000000]},
                      "system_cpu_usage": 2000000000, "online_cpus": 2},
        "precpu_stats": {"cpu_usage": {"total_usage": 200000000}, "system_cpu_usage": 1000000000, "online_cpus": 2},
        "memory_stats": {"usage": 10485760, "limit": 104857600,
                         "stats": {"total_inactive_file": 2097152, "inactive_file": 1048576, "cache": 3000000}},
        "networks": {"eth0": {"rx_bytes": 1000, "tx_bytes": 500}, "eth1": {"rx_bytes": 24, "tx_bytes": 12}}
    }"#;

    /// The same from a cgroup v2 host: no `total_*` keys, lower-case operations, no percpu list.
    const CGROUP_V2: &str = r#"{
        "read": "2026-11-23T04:00:01Z",
        "pids_stats": {"current": 7},
        "blkio_stats": {"io_service_bytes_recursive": [
            {"major": 254, "minor": 0, "op": "read", "value": 100},
            {"major": 254, "minor": 0, "op": "write", "value": 200}]},
        "cpu_stats": {"cpu_usage": {"total_usage": 50000000}, "system_cpu_usage": 4000000000, "online_cpus": 4},
        "precpu_stats": {"cpu_usage": {"total_usage": 0}, "system_cpu_usage": 0},
        "memory_stats": {"usage": 8388608, "limit": 0, "stats": {"inactive_file": 4194304, "anon": 1000}}
    }"#;

    #[test]
    fn cgroup_v1_figures_are_the_docker_clis() {
        let reading = Reading::of(&parse(CGROUP_V1));
        // (100 ms / 1 s of host time) × 2 CPUs × 100
        assert!((reading.cpu_percent - 20.0).abs() < 1e-9, "{}", reading.cpu_percent);
        assert_eq!(reading.memory_bytes, 10485760 - 2097152, "usage − total_inactive_file");
        assert!((reading.memory_percent - 8.0).abs() < 1e-9);
        assert_eq!((reading.net_rx_bytes, reading.net_tx_bytes), (1024, 512));
        assert_eq!((reading.block_read_bytes, reading.block_write_bytes), (4096, 8192));
        assert_eq!(reading.pids, 3);
        assert!((reading.at - 1_795_406_401.5).abs() < 1e-3, "{}", reading.at);
    }

    #[test]
    fn cgroup_v2_figures_are_the_docker_clis() {
        let reading = Reading::of(&parse(CGROUP_V2));
        // 50 ms / 4 s of host time × 4 CPUs × 100; the first reading's precpu is all zero.
        assert!((reading.cpu_percent - 5.0).abs() < 1e-9, "{}", reading.cpu_percent);
        assert_eq!(reading.memory_bytes, 8388608 - 4194304, "usage − inactive_file");
        assert_eq!(reading.memory_percent, 0.0, "no limit, no percentage");
        assert_eq!((reading.block_read_bytes, reading.block_write_bytes), (100, 200));
        assert_eq!((reading.net_rx_bytes, reading.pids), (0, 7));
    }

    #[test]
    fn rates_come_from_two_readings() {
        let earlier = Reading { at: 10.0, net_rx_bytes: 1000, block_write_bytes: 500, ..Default::default() };
        let later = Reading { at: 12.0, net_rx_bytes: 3000, block_write_bytes: 100, ..Default::default() };
        let rates = later.rates_since(&earlier);
        assert_eq!(rates.net_rx_per_second, 1000.0);
        assert_eq!(rates.block_write_per_second, 50.0, "a counter that went down restarted from zero");
        assert_eq!(earlier.rates_since(&later), Rates::default());
    }
}
