//! What discovery looks at: the process's environment (`DOCKER_HOST`, `DOCKER_CONTEXT`, TLS
//! settings, `$DOCKER_CONFIG`, `$XDG_RUNTIME_DIR`, `$COLIMA_HOME`), the home folder, the named
//! pipes open on Windows, and the Podman machines `podman machine inspect` tells of on macOS and
//! Windows. Read once into an [`Environment`] value, so discovery itself is plain logic that tests
//! can give any machine.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::endpoint::pipe_host;
use super::platform::Os;

/// What discovery looks at: the process environment, where the docker CLI keeps its files, and
/// which system's products to look for.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The system whose products and default address apply.
    pub os: Os,
    /// The user's home folder, where desktop products keep their sockets (empty: unknown).
    pub home: PathBuf,
    /// `$DOCKER_HOST`, the address that overrides every context (`None`: unset or empty).
    pub docker_host: Option<String>,
    /// `$DOCKER_CONTEXT`, the context to use instead of the current one (`None`: unset or empty).
    pub docker_context: Option<String>,
    /// Whether `$DOCKER_TLS_VERIFY` (or `$DOCKER_TLS`) is set: a `DOCKER_HOST` over TCP uses TLS.
    pub docker_tls_verify: bool,
    /// `$DOCKER_CERT_PATH`, the folder of `ca.pem`, `cert.pem` and `key.pem` (`None`: the docker
    /// config folder).
    pub docker_cert_path: Option<PathBuf>,
    /// `$DOCKER_CONFIG`, or `~/.docker`.
    pub docker_config_dir: PathBuf,
    /// `$XDG_RUNTIME_DIR`, where rootless Docker and rootless Podman put their sockets (Linux).
    pub xdg_runtime_dir: Option<PathBuf>,
    /// Rootful Podman's socket, normally `/run/podman/podman.sock`.
    pub podman_system_socket: PathBuf,
    /// `$COLIMA_HOME`, where Colima keeps its profiles instead of `~/.colima`.
    pub colima_home: Option<PathBuf>,
    /// The named pipes open on this computer (Windows).
    pub named_pipes: Vec<String>,
    /// The Podman machines `podman machine inspect` told of (macOS, Windows).
    pub podman_machines: Vec<PodmanMachine>,
}

impl Default for Environment {
    /// An environment with nothing set, for this build's system.
    fn default() -> Self {
        Environment {
            os: Os::CURRENT,
            home: PathBuf::new(),
            docker_host: None,
            docker_context: None,
            docker_tls_verify: false,
            docker_cert_path: None,
            docker_config_dir: PathBuf::new(),
            xdg_runtime_dir: None,
            podman_system_socket: PathBuf::new(),
            colima_home: None,
            named_pipes: Vec::new(),
            podman_machines: Vec::new(),
        }
    }
}

impl Environment {
    /// Reads the real process environment and home directory, the pipes open on Windows, and
    /// Podman's machines where Podman runs in one.
    pub fn from_process() -> Environment {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let home = dirs::home_dir().unwrap_or_default();
        let os = Os::CURRENT;
        Environment {
            os,
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            docker_tls_verify: var("DOCKER_TLS_VERIFY").is_some() || var("DOCKER_TLS").is_some(),
            docker_cert_path: var("DOCKER_CERT_PATH").map(PathBuf::from),
            docker_config_dir: var("DOCKER_CONFIG").map(PathBuf::from).unwrap_or_else(|| home.join(".docker")),
            xdg_runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
            podman_system_socket: PathBuf::from("/run/podman/podman.sock"),
            colima_home: var("COLIMA_HOME").map(PathBuf::from),
            named_pipes: named_pipes_of_this_computer(os),
            podman_machines: podman_machines_of_this_computer(os),
            home,
        }
    }
}

/// A Podman machine, as `podman machine inspect` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodmanMachine {
    /// The machine's name, such as `podman-machine-default`.
    pub name: String,
    /// `unix:///…/podman.sock` or `npipe:////./pipe/podman-machine-default`.
    pub host: String,
}

/// The Podman machines `podman machine inspect` describes (its JSON, an array of machines),
/// with the address the Docker-compatible API listens on: the socket on macOS and Linux, the
/// pipe on Windows. Anything unreadable is no machine, never an error: discovery goes on.
pub fn podman_machines_from_inspect(json: &str, os: Os) -> Vec<PodmanMachine> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Machine {
        name: String,
        #[serde(default)]
        connection_info: Connection,
    }
    #[derive(Deserialize, Default)]
    #[serde(rename_all = "PascalCase")]
    struct Connection {
        podman_socket: Option<Place>,
        podman_pipe: Option<Place>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Place {
        path: Option<String>,
    }
    let machines: Vec<Machine> = serde_json::from_str(json).unwrap_or_default();
    machines
        .into_iter()
        .filter_map(|machine| {
            let place = match os {
                Os::Windows => machine.connection_info.podman_pipe,
                Os::Linux | Os::MacOs => machine.connection_info.podman_socket,
            };
            let path = place?.path.filter(|path| !path.is_empty())?;
            let host = match os {
                Os::Windows => pipe_host(path.trim_start_matches(r"\\.\pipe\")),
                Os::Linux | Os::MacOs => format!("unix://{path}"),
            };
            Some(PodmanMachine { name: machine.name, host })
        })
        .collect()
}

/// Longest wait for `podman machine inspect`, which only reads Podman's files.
const PODMAN_INSPECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Asks `podman machine inspect` which machines there are, where a Podman machine is how Podman
/// runs (macOS and Windows) and `podman` is installed; nothing otherwise, or when it does not
/// answer within a few seconds. On Windows no console window flashes up for it.
pub fn podman_machines_of_this_computer(os: Os) -> Vec<PodmanMachine> {
    if !os.runs_linux_daemons_in_a_vm() {
        return Vec::new();
    }
    let mut command = Command::new("podman");
    command.args(["machine", "inspect"]).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    #[cfg(windows)]
    {
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        std::os::windows::process::CommandExt::creation_flags(&mut command, CREATE_NO_WINDOW);
    }
    let Ok(mut child) = command.spawn() else { return Vec::new() };
    let Some(mut stdout) = child.stdout.take() else { return Vec::new() };
    let reader = std::thread::spawn(move || {
        let mut json = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut json);
        json
    });
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => {
                return podman_machines_from_inspect(&reader.join().unwrap_or_default(), os)
            }
            Ok(None) if started.elapsed() < PODMAN_INSPECT_TIMEOUT => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Vec::new();
            }
        }
    }
}

/// The pipes present on this computer (`\\.\pipe\` listed), on Windows; none elsewhere.
pub fn named_pipes_of_this_computer(os: Os) -> Vec<String> {
    if os != Os::Windows {
        return Vec::new();
    }
    let Ok(pipes) = std::fs::read_dir(r"\\.\pipe\") else { return Vec::new() };
    pipes.flatten().map(|pipe| pipe.file_name().to_string_lossy().into_owned()).collect()
}

/// Where Strata keeps its own settings (projects, registries): `$STRATA_CONFIG_DIR`, else the
/// user's config folder + `strata` (`~/.config/strata` on Linux).
pub fn strata_config_dir() -> Option<PathBuf> {
    std::env::var_os("STRATA_CONFIG_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|dir| dir.join("strata")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podman_machine_inspect_gives_the_socket_or_the_pipe() {
        let json = r#"[{"Name":"podman-machine-default","State":"running",
            "ConnectionInfo":{"PodmanSocket":{"Path":"/Users/me/.local/share/containers/podman/machine/podman.sock"},
                              "PodmanPipe":{"Path":"\\\\.\\pipe\\podman-machine-default"}}},
            {"Name":"no-socket","ConnectionInfo":{}}]"#;
        assert_eq!(
            podman_machines_from_inspect(json, Os::MacOs),
            [PodmanMachine {
                name: "podman-machine-default".into(),
                host: "unix:///Users/me/.local/share/containers/podman/machine/podman.sock".into()
            }]
        );
        assert_eq!(podman_machines_from_inspect(json, Os::Windows)[0].host, "npipe:////./pipe/podman-machine-default");
        assert!(podman_machines_from_inspect("podman: command not found", Os::MacOs).is_empty());
        assert!(podman_machines_from_inspect("[]", Os::MacOs).is_empty());
    }
}
