//! The host beside the containers (read with `sysinfo`): its CPU and memory, and the free space on
//! the filesystem that holds Docker's data (`DockerRootDir` from `/info`), with a warning when it
//! runs low — builds and pulls fail when that disk fills.
//!
//! That disk is this computer's only when the daemon runs here. On macOS and Windows (Docker
//! Desktop, Colima, OrbStack, Podman machine…), and with Docker Desktop on Linux, the daemon and
//! its data live in a virtual machine whose disk cannot be seen from here; a daemon reached over
//! TCP or SSH is on another machine. Then no disk is shown as Docker's: the figures say where the
//! data is instead ([`DataPlace`]), with the VM's CPUs and memory from `/info`.

use std::path::Path;

use bollard::models::SystemInfo;
use serde::Serialize;
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, RefreshKind, System};

use crate::engine::endpoint::Address;
use crate::engine::{Connection, EngineError, Os};

/// Free space below this share of the disk is low…
const LOW_SHARE: f64 = 0.10;
/// …and so is less than this many bytes, whatever the disk's size.
const LOW_BYTES: u64 = 5_000_000_000;

/// The data disk's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DataDisk {
    /// Docker's data root, as the daemon names it.
    pub docker_root: String,
    /// Where the filesystem holding it is mounted.
    pub mount_point: String,
    /// Bytes still free for Docker's data (what a non-root user could write).
    pub free_bytes: u64,
    /// The filesystem's size, in bytes.
    pub total_bytes: u64,
    /// Free space is under a tenth of the disk or under 5 GB: builds and pulls may soon fail.
    pub low: bool,
}

/// The host's figures at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct HostFigures {
    /// How many CPUs this computer has.
    pub cpus: usize,
    /// How busy this computer's CPUs are together, in percent (0 to 100).
    pub cpu_percent: f32,
    /// This computer's memory in use, in bytes.
    pub memory_used_bytes: u64,
    /// This computer's memory, in bytes.
    pub memory_total_bytes: u64,
    /// `None` when the daemon's disk is not on this machine (or could not be found).
    pub data_disk: Option<DataDisk>,
    /// Where Docker's data is when its disk is not shown, in words: "inside Docker Desktop's
    /// virtual machine (4 CPUs, 7.7 GiB): its disk cannot be seen from here".
    pub data_elsewhere: Option<String>,
}

/// Where a daemon keeps its data, as seen from this computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataPlace {
    /// On this computer's disks, under this data root.
    ThisComputer {
        /// Docker's data root, as the daemon names it (`/var/lib/docker`).
        docker_root: String,
    },
    /// In a virtual machine on this computer, described by the daemon's `/info`.
    VirtualMachine {
        /// The system in the VM as the daemon names it ("Docker Desktop"), else its host name.
        system: String,
        /// How many CPUs the VM has (0 when the daemon did not say).
        cpus: u64,
        /// The VM's memory, in bytes (0 when the daemon did not say).
        memory_bytes: u64,
    },
    /// On another machine, reached over the network.
    OtherMachine {
        /// The daemon's host name; empty when it did not say.
        name: String,
    },
    /// The daemon did not say.
    Unknown,
}

impl DataPlace {
    /// Words for a place whose disk is not shown.
    pub fn elsewhere(&self) -> Option<String> {
        match self {
            DataPlace::ThisComputer { .. } => None,
            DataPlace::VirtualMachine { system, cpus, memory_bytes } => Some(format!(
                "inside the virtual machine running {system} ({cpus} CPUs, {}): its disk cannot be seen from here",
                crate::format::binary_size(*memory_bytes)
            )),
            DataPlace::OtherMachine { name } => {
                Some(format!("on the daemon's machine{}, not this one", in_words(name)))
            }
            DataPlace::Unknown => Some("not known: the daemon did not say where its data is".into()),
        }
    }
}

fn in_words(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" ({name})")
    }
}

/// Asks the daemon where it keeps its data (one `/info`).
pub async fn data_place_of(connection: &Connection) -> Result<DataPlace, EngineError> {
    let info = connection.docker.info().await.map_err(EngineError::from_api)?;
    let local = matches!(Address::parse(&connection.endpoint.host), Ok(Address::Unix(_) | Address::NamedPipe(_)));
    Ok(data_place(Os::CURRENT, System::host_name().as_deref(), local, &info))
}

/// Where the daemon that answered `info` keeps its data, from this computer's point of view:
/// `local` when it is reached over a Unix socket or named pipe of this computer.
pub fn data_place(os: Os, this_host: Option<&str>, local: bool, info: &SystemInfo) -> DataPlace {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let (name, system) = (text(&info.name), text(&info.operating_system));
    if !local {
        return DataPlace::OtherMachine { name };
    }
    let linux_daemon = info.os_type.as_deref().is_none_or(|t| t == "linux");
    let in_a_vm = (os.runs_linux_daemons_in_a_vm() && linux_daemon) || system.contains("Docker Desktop");
    // A socket of this computer that another system answers on (a VM's forwarded socket, or
    // Strata itself in a container sharing the host's socket): its disk is not the one seen here.
    let another_system = this_host.is_some_and(|host| !name.is_empty() && !host.eq_ignore_ascii_case(&name));
    if another_system && !in_a_vm {
        return DataPlace::OtherMachine { name };
    }
    if in_a_vm {
        let count = |value: Option<i64>| value.and_then(|v| u64::try_from(v).ok()).unwrap_or_default();
        let system = if system.is_empty() { name } else { system };
        return DataPlace::VirtualMachine { system, cpus: count(info.ncpu), memory_bytes: count(info.mem_total) };
    }
    match &info.docker_root_dir {
        Some(root) if !root.is_empty() => DataPlace::ThisComputer { docker_root: root.clone() },
        _ => DataPlace::Unknown,
    }
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
    /// The figures now, with the disk of the daemon's data when it is on this computer.
    pub fn read(&mut self, place: &DataPlace) -> HostFigures {
        self.system.refresh_cpu_usage();
        self.system.refresh_memory();
        self.disks.refresh(true);
        let data_disk = match place {
            DataPlace::ThisComputer { docker_root } => self.data_disk(docker_root),
            _ => None,
        };
        HostFigures {
            cpus: self.system.cpus().len(),
            cpu_percent: self.system.global_cpu_usage(),
            memory_used_bytes: self.system.used_memory(),
            memory_total_bytes: self.system.total_memory(),
            data_elsewhere: if data_disk.is_some() { None } else { place.elsewhere() },
            data_disk,
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

    fn info(os_type: &str, system: &str, name: &str) -> SystemInfo {
        SystemInfo {
            os_type: Some(os_type.into()),
            operating_system: Some(system.into()),
            name: Some(name.into()),
            docker_root_dir: Some("/var/lib/docker".into()),
            ncpu: Some(4),
            mem_total: Some(8_268_038_144),
            ..SystemInfo::default()
        }
    }

    #[test]
    fn a_local_linux_daemon_keeps_its_data_on_this_computer() {
        let place = data_place(Os::Linux, Some("build-box"), true, &info("linux", "Debian GNU/Linux 12", "build-box"));
        assert_eq!(place, DataPlace::ThisComputer { docker_root: "/var/lib/docker".into() });
        assert_eq!(place.elsewhere(), None);
        let windows_containers = data_place(Os::Windows, Some("PC"), true, &info("windows", "Windows 11 Pro", "pc"));
        assert!(matches!(windows_containers, DataPlace::ThisComputer { .. }), "Windows containers run on the host");
    }

    #[test]
    fn desktop_products_keep_their_data_in_a_vm_whose_disk_is_not_shown() {
        for (os, system, name) in [
            (Os::MacOs, "Docker Desktop", "docker-desktop"),
            (Os::MacOs, "Ubuntu 24.04 LTS", "colima"),
            (Os::Windows, "Docker Desktop", "docker-desktop"),
            (Os::Linux, "Docker Desktop", "docker-desktop"),
        ] {
            let place = data_place(os, Some("my-laptop"), true, &info("linux", system, name));
            assert!(matches!(place, DataPlace::VirtualMachine { cpus: 4, .. }), "{os:?} {system}: {place:?}");
            let words = place.elsewhere().unwrap();
            assert!(words.contains(system) && words.contains("4 CPUs") && words.contains("cannot be seen"), "{words}");
        }
    }

    #[test]
    fn a_daemon_over_the_network_or_answering_as_another_system_is_on_another_machine() {
        let place = data_place(Os::Linux, Some("laptop"), false, &info("linux", "Debian", "build-server"));
        assert_eq!(place, DataPlace::OtherMachine { name: "build-server".into() });
        assert_eq!(place.elsewhere().unwrap(), "on the daemon's machine (build-server), not this one");
        // A local socket answered by another system: a VM's forwarded socket, or Strata in a container.
        let forwarded = data_place(Os::Linux, Some("laptop"), true, &info("linux", "Ubuntu 24.04 LTS", "lima-default"));
        assert_eq!(forwarded, DataPlace::OtherMachine { name: "lima-default".into() });
    }

    #[test]
    fn a_disk_is_shown_only_for_data_on_this_computer() {
        let mut probe = HostProbe::default();
        let elsewhere = probe.read(&DataPlace::OtherMachine { name: "far".into() });
        assert!(elsewhere.data_disk.is_none() && elsewhere.data_elsewhere.unwrap().contains("far"));
    }

    #[test]
    fn the_host_and_the_disk_holding_a_folder_are_read() {
        let mut probe = HostProbe::default();
        let root = if cfg!(windows) { "C:\\" } else { "/" };
        let figures = probe.read(&DataPlace::ThisComputer { docker_root: root.into() });
        assert!(figures.cpus >= 1 && figures.memory_total_bytes > 0 && figures.memory_used_bytes > 0);
        let disk = figures.data_disk.expect("the root filesystem is mounted");
        assert_eq!(disk.mount_point, root);
        assert!(disk.total_bytes >= disk.free_bytes && disk.total_bytes > 0);
    }
}
