//! Debian's `docker-registry` on 127.0.0.1 for the tests that push and read images: plain HTTP,
//! which the daemon allows for loopback registries with no configuration.

use std::process::{Command, Stdio};

use super::ChildGuard;

/// Starts a registry on a free port; returns its address (`127.0.0.1:PORT`), the guard that stops
/// it, and the folder that holds its storage.
pub fn start() -> (String, ChildGuard, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let port = super::free_port();
    let config = dir.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let child = Command::new("docker-registry")
        .args(["serve", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("docker-registry is installed (make test installs Debian's docker-registry)");
    let guard = ChildGuard { child, leads_group: false };
    assert!(super::wait_for_port(port), "the registry listens on {port}");
    (format!("127.0.0.1:{port}"), guard, dir)
}
