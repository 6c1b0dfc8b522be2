//! The host beside the containers (read with `sysinfo`): its CPU and memory, and the free space on
//! the filesystem that holds Docker's data (`DockerRootDir` from `/info`), with a warning when it
//! runs low — builds and pulls fail when that disk fills. For a daemon on another machine the
//! disk cannot be seen from here and is left out.

use std::path::Path;

use serde::Serialize;
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, RefreshKind, System};

/// Free space below this share of the disk is low…
const LOW_SHARE: f64 = 0.10;
/// …and so is less than this many bytes, whatever the disk's size.
const LOW_BYTES: u64 = 5_000_000_000;

/// The data disk's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataDisk {
    /// Docker's data root, as the daemon names it.
    pub docker_root: String,
    /// Where the filesystem holding it is mounted.
    pub mount_point: String,
    pub free_bytes: u64,
    pub total_bytes: u64,
    pub low: bool,
}

/// The host's figures at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostFigures {
    pub cpus: usize,
    pub cpu_percent: f32,
    pub memory_used_bytes: u64,
    pub memory_total_bytes: u64,
    /// `None` when the daemon's disk is not on this machine (or could not be found).
    pub data_disk: Option<DataDisk>,
}

/// Reads the host again and again (CPU use needs two readings apart).
pub struct HostProbe {
    system: System,
    disks: Disks,
}

impl Default for HostProbe {
    fn default() -> Self {
        let refresh = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_cpu_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram());
        HostProbe { system: System::new_with_specifics(refresh), disks: Disks::new_with_refreshed_list() }
    }
}

impl HostProbe {
    /// The figures now; `docker_root` is the daemon's data root when the daemon is local.
    pub fn read(&mut self, docker_root: Option<&str>) -> HostFigures {
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        self.disks.refresh(true);
        HostFigures {
            cpus: self.system.cpus().len(),
            cpu_percent: self.system.global_cpu_usage(),
            memory_used_bytes: self.system.used_memory(),
            memory_total_bytes: self.system.total_memory(),
            data_disk: docker_root.and_then(|root| self.data_disk(root)),
        }
    }

    /// The disk whose mount point is the longest one holding `docker_root`.
    fn data_disk(&self, docker_root: &str) -> Option<DataDisk> {
        let root = Path::new(docker_root);
        let disk = self
            .disks
            .list()
            .iter()
            .filter(|disk| root.starts_with(disk.mount_point()))
            .max_by_key(|disk| disk.mount_point().as_os_str().len())?;
        let (free, total) = (disk.available_space(), disk.total_space());
        Some(DataDisk {
            docker_root: docker_root.to_string(),
            mount_point: disk.mount_point().display().to_string(),
            free_bytes: free,
            total_bytes: total,
            low: is_low(free, total),
        })
    }
}

/// Whether free space is low: under a tenth of the disk, or under 5 GB.
pub fn is_low(free: u64, total: u64) -> bool {
    free < LOW_BYTES || (total > 0 && (free as f64) < total as f64 * LOW_SHARE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_means_under_a_tenth_or_under_five_gigabytes() {
        assert!(is_low(4_000_000_000, 1_000_000_000_000));
        assert!(is_low(90_000_000_000, 1_000_000_000_000));
        assert!(!is_low(200_000_000_000, 1_000_000_000_000));
    }

    #[test]
    fn the_host_and_the_disk_holding_a_folder_are_read() {
        let mut probe = HostProbe::default();
        let figures = probe.read(Some("/"));
        assert!(figures.cpus >= 1 && figures.memory_total_bytes > 0 && figures.memory_used_bytes > 0);
        let disk = figures.data_disk.expect("the root filesystem is mounted");
        assert_eq!(disk.mount_point, "/");
        assert!(disk.total_bytes >= disk.free_bytes && disk.total_bytes > 0);
    }
}
