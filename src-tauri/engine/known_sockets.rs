//! The daemons that desktop products lay out where their users never type an address: Docker
//! Desktop, Colima, OrbStack, Rancher Desktop and Podman machines on macOS; Docker Desktop's and
//! Podman's named pipes on Windows; rootless Docker, Docker Desktop for Linux and Podman's service
//! sockets on Linux. Each found one is offered under the name its users know ("Colima (default)").
//!
//! Everything here is decided from an [`Environment`] — a home folder, the pipes present, what
//! `podman machine inspect` said — so each product's layout is tested on any system.

use std::path::{Path, PathBuf};

use super::endpoint::{pipe_host, Address, Endpoint, EndpointSource};
use super::environment::Environment;
use super::platform::Os;

/// Every product daemon present in `env`, for its operating system.
pub fn known_endpoints(env: &Environment) -> Vec<Endpoint> {
    let mut found = match env.os {
        Os::Linux => linux(env),
        Os::MacOs => macos(env),
        Os::Windows => windows(env),
    };
    found.extend(env.podman_machines.iter().map(|machine| {
        endpoint(
            &machine.name,
            &format!("Podman machine ({})", short_machine_name(&machine.name)),
            machine.host.clone(),
            "from `podman machine inspect`".into(),
        )
    }));
    found
}

/// The address of the platform's default daemon, as the docker CLI has it.
pub fn default_host(os: Os) -> &'static str {
    match os {
        Os::Windows => "npipe:////./pipe/docker_engine",
        Os::Linux | Os::MacOs => "unix:///var/run/docker.sock",
    }
}

/// What the default address is, in words a user of that system knows.
pub fn default_label(os: Os) -> &'static str {
    match os {
        Os::Linux => "Docker Engine (system socket)",
        Os::MacOs => "Docker (/var/run/docker.sock)",
        Os::Windows => "Docker Desktop, Rancher Desktop or Docker Engine (docker_engine pipe)",
    }
}

fn linux(env: &Environment) -> Vec<Endpoint> {
    let mut found = Vec::new();
    if let Some(runtime) = &env.xdg_runtime_dir {
        found.extend(socket(runtime.join("docker.sock"), "rootless", "Docker (rootless)"));
        found.extend(socket(runtime.join("podman/podman.sock"), "podman", "Podman (rootless)"));
    }
    found.extend(socket(env.podman_system_socket.clone(), "podman-root", "Podman (root)"));
    if let Some(home) = home(env) {
        found.extend(socket(home.join(".docker/desktop/docker.sock"), "docker-desktop", "Docker Desktop"));
    }
    found
}

fn macos(env: &Environment) -> Vec<Endpoint> {
    let Some(home) = home(env) else { return Vec::new() };
    let mut found: Vec<Endpoint> = [
        (".docker/run/docker.sock", "docker-desktop", "Docker Desktop"),
        (".orbstack/run/docker.sock", "orbstack", "OrbStack"),
        (".rd/docker.sock", "rancher-desktop", "Rancher Desktop"),
    ]
    .into_iter()
    .filter_map(|(path, name, label)| socket(home.join(path), name, label))
    .collect();
    let colima_home = env.colima_home.clone().unwrap_or_else(|| home.join(".colima"));
    found.extend(colima_profiles(&colima_home).into_iter().filter_map(|(profile, path)| {
        let name = if profile == "default" { "colima".to_string() } else { format!("colima-{profile}") };
        socket(path, &name, &format!("Colima ({profile})"))
    }));
    found
}

fn windows(env: &Environment) -> Vec<Endpoint> {
    let mut found: Vec<Endpoint> = [
        ("dockerDesktopLinuxEngine", "desktop-linux", "Docker Desktop (Linux containers)"),
        ("dockerDesktopWindowsEngine", "desktop-windows", "Docker Desktop (Windows containers)"),
    ]
    .into_iter()
    .filter(|(pipe, _, _)| env.named_pipes.iter().any(|present| present == pipe))
    .map(|(pipe, name, label)| endpoint(name, label, pipe_host(pipe), format!("named pipe {}", pipe_path(pipe))))
    .collect();
    // A Podman machine's pipe is named after the machine; `podman machine inspect` may not have
    // run (podman not on PATH), so the pipes themselves are looked at too.
    found.extend(env.named_pipes.iter().filter(|pipe| pipe.starts_with("podman-")).map(|pipe| {
        endpoint(
            pipe,
            &format!("Podman machine ({})", short_machine_name(pipe)),
            pipe_host(pipe),
            format!("named pipe {}", pipe_path(pipe)),
        )
    }));
    found
}

/// Colima's profiles that have a Docker socket: `<colima home>/<profile>/docker.sock`, sorted.
fn colima_profiles(colima_home: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(colima_home) else { return Vec::new() };
    let mut profiles: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path().join("docker.sock")))
        .filter(|(profile, socket)| !profile.starts_with('_') && socket.exists())
        .collect();
    profiles.sort();
    profiles
}

/// `\\.\pipe\NAME`, the way Windows writes it.
fn pipe_path(pipe: &str) -> String {
    Address::NamedPipe(pipe_host(pipe)).pipe_path().unwrap_or_default()
}

/// `default` for Podman's `podman-machine-default`, other names as they are.
fn short_machine_name(name: &str) -> &str {
    name.strip_prefix("podman-machine-").unwrap_or(name)
}

/// The home folder, unless unknown (never a relative path that would look in the working folder).
fn home(env: &Environment) -> Option<&Path> {
    Some(env.home.as_path()).filter(|home| home.is_absolute())
}

/// A product's socket, if it is there.
fn socket(path: PathBuf, name: &str, label: &str) -> Option<Endpoint> {
    path.exists().then(|| {
        let origin = format!("{label}'s socket at {}", path.display());
        endpoint(name, label, format!("unix://{}", path.display()), origin)
    })
}

fn endpoint(name: &str, label: &str, host: String, origin: String) -> Endpoint {
    Endpoint {
        name: name.into(),
        label: label.into(),
        host,
        source: EndpointSource::Product,
        tls: None,
        origin,
        problem: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A home folder with empty files where `paths` say (a socket is enough as a file here).
    fn home_with(paths: &[&str]) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        for path in paths {
            let full = home.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, "").unwrap();
        }
        home
    }

    fn env(os: Os, home: &Path) -> Environment {
        Environment {
            os,
            home: home.to_path_buf(),
            podman_system_socket: home.join("no-podman.sock"),
            ..Environment::default()
        }
    }

    fn names_and_labels(found: &[Endpoint]) -> Vec<(&str, &str)> {
        found.iter().map(|e| (e.name.as_str(), e.label.as_str())).collect()
    }

    #[test]
    fn macos_products_are_found_where_each_lays_its_socket() {
        let home = home_with(&[
            ".docker/run/docker.sock",
            ".orbstack/run/docker.sock",
            ".rd/docker.sock",
            ".colima/default/docker.sock",
            ".colima/work/docker.sock",
            ".colima/_lima/colima/ssh.sock",
            ".colima/stopped/colima.yaml",
        ]);
        let found = known_endpoints(&env(Os::MacOs, home.path()));
        assert_eq!(
            names_and_labels(&found),
            [
                ("docker-desktop", "Docker Desktop"),
                ("orbstack", "OrbStack"),
                ("rancher-desktop", "Rancher Desktop"),
                ("colima", "Colima (default)"),
                ("colima-work", "Colima (work)"),
            ]
        );
        let colima = &found[3];
        let socket = home.path().join(".colima").join("default").join("docker.sock");
        assert_eq!(colima.host, format!("unix://{}", socket.display()));
        assert!(colima.origin.contains("Colima (default)'s socket at"));
        assert!(found.iter().all(|e| e.source == EndpointSource::Product && e.problem.is_none()));
    }

    #[test]
    fn colima_home_moves_colimas_profiles() {
        let home = home_with(&["elsewhere/dev/docker.sock", ".colima/default/docker.sock"]);
        let environment =
            Environment { colima_home: Some(home.path().join("elsewhere")), ..env(Os::MacOs, home.path()) };
        assert_eq!(names_and_labels(&known_endpoints(&environment)), [("colima-dev", "Colima (dev)")]);
    }

    #[test]
    fn nothing_is_offered_for_a_product_that_is_not_there_or_another_systems() {
        let home = home_with(&[".docker/run/docker.sock"]);
        assert!(known_endpoints(&env(Os::Linux, home.path())).is_empty(), "Docker Desktop's macOS socket on Linux");
        assert!(known_endpoints(&env(Os::Windows, home.path())).is_empty());
        let empty = tempfile::tempdir().unwrap();
        assert!(known_endpoints(&env(Os::MacOs, empty.path())).is_empty());
        let nowhere = Environment { home: PathBuf::new(), ..env(Os::MacOs, empty.path()) };
        assert!(known_endpoints(&nowhere).is_empty(), "an unknown home is not the working folder");
    }

    #[test]
    fn linux_offers_rootless_docker_podman_and_docker_desktop() {
        let home =
            home_with(&["run/docker.sock", "run/podman/podman.sock", ".docker/desktop/docker.sock", "podman.sock"]);
        let environment = Environment {
            xdg_runtime_dir: Some(home.path().join("run")),
            podman_system_socket: home.path().join("podman.sock"),
            ..env(Os::Linux, home.path())
        };
        let found = known_endpoints(&environment);
        assert_eq!(
            names_and_labels(&found),
            [
                ("rootless", "Docker (rootless)"),
                ("podman", "Podman (rootless)"),
                ("podman-root", "Podman (root)"),
                ("docker-desktop", "Docker Desktop"),
            ]
        );
        assert_eq!(found[0].host, format!("unix://{}", home.path().join("run").join("docker.sock").display()));
    }

    #[test]
    fn windows_offers_the_pipes_that_are_open() {
        let home = tempfile::tempdir().unwrap();
        let environment = Environment {
            named_pipes: ["docker_engine", "dockerDesktopLinuxEngine", "podman-machine-default", "other", "podman-dev"]
                .map(String::from)
                .to_vec(),
            ..env(Os::Windows, home.path())
        };
        let found = known_endpoints(&environment);
        assert_eq!(
            names_and_labels(&found),
            [
                ("desktop-linux", "Docker Desktop (Linux containers)"),
                ("podman-machine-default", "Podman machine (default)"),
                ("podman-dev", "Podman machine (podman-dev)"),
            ]
        );
        assert_eq!(found[1].host, "npipe:////./pipe/podman-machine-default");
        assert_eq!(found[1].origin, r"named pipe \\.\pipe\podman-machine-default");
    }

    #[test]
    fn a_podman_machine_is_offered_under_its_name() {
        use crate::engine::environment::PodmanMachine;
        let home = tempfile::tempdir().unwrap();
        let machine = PodmanMachine { name: "podman-machine-default".into(), host: "unix:///tmp/podman.sock".into() };
        let environment = Environment { podman_machines: vec![machine], ..env(Os::MacOs, home.path()) };
        let found = known_endpoints(&environment);
        assert_eq!(names_and_labels(&found), [("podman-machine-default", "Podman machine (default)")]);
        assert_eq!(found[0].host, "unix:///tmp/podman.sock");
    }
}
