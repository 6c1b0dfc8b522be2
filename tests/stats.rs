//! `strata stats` against the real daemon: its figures side by side with `docker stats
//! --no-stream` on running fixture containers, and the live mode following containers as they
//! start and stop, and waiting out a daemon that stops.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::proxy::DaemonProxy;
use common::{daemon_socket, json, strata, ChildGuard, Fixtures};
use serde_json::Value;

/// `docker stats --no-stream` as JSON rows, by container name.
fn docker_stats() -> Vec<Value> {
    let output = Command::new("docker")
        .args(["stats", "--no-stream", "--format", "{{json .}}"])
        .output()
        .expect("the docker CLI runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// "1.465MiB" as bytes.
fn binary_bytes(text: &str) -> f64 {
    let units = [("KiB", 1024.0), ("MiB", 1024.0 * 1024.0), ("GiB", 1024.0 * 1024.0 * 1024.0), ("B", 1.0)];
    let (unit, factor) = units.iter().find(|(unit, _)| text.ends_with(unit)).expect("a size with a unit");
    text.trim_end_matches(unit).parse::<f64>().unwrap() * factor
}

#[tokio::test]
async fn once_agrees_with_docker_stats() {
    let mut fixtures = Fixtures::new("stats").await;
    let image = fixtures.image("stats", &[]).await;
    let idle = fixtures.running_container(&image, "idle").await;
    let busy = fixtures
        .running_container_with(&image, "pids", Some("/bin/busybox sleep 600 & /bin/busybox sleep 600 & wait"))
        .await;

    let ours = json(&strata(&["stats", "--once", "--json"], &[]));
    let theirs = docker_stats();
    for name in [&idle, &busy] {
        let mine = ours.as_array().unwrap().iter().find(|row| row["name"] == name.as_str()).expect("our row");
        let docker = theirs.iter().find(|row| row["Name"] == name.as_str()).expect("docker's row");
        assert_eq!(mine["pids"].to_string(), docker["PIDs"].as_str().unwrap(), "{name}: pids");
        let (usage, limit) = docker["MemUsage"].as_str().unwrap().split_once(" / ").unwrap();
        assert!(
            (binary_bytes(limit) - mine["memory_limit_bytes"].as_f64().unwrap()).abs() / binary_bytes(limit) < 0.001
        );
        // Two readings a second apart: an idle busybox's memory moves by a few pages at most.
        let difference = (binary_bytes(usage) - mine["memory_bytes"].as_f64().unwrap()).abs();
        assert!(difference < 512.0 * 1024.0, "{name}: memory {usage} against {}", mine["memory_bytes"]);
        let cpu: f64 = docker["CPUPerc"].as_str().unwrap().trim_end_matches('%').parse().unwrap();
        assert!(cpu < 1.0 && mine["cpu_percent"].as_f64().unwrap() < 1.0, "{name}: idle CPU");
    }
    let busy_row = ours.as_array().unwrap().iter().find(|row| row["name"] == busy.as_str()).unwrap();
    assert_eq!(busy_row["pids"], 3, "the shell and its two sleeps");

    let table = String::from_utf8_lossy(&strata(&["stats", "--once"], &[]).stdout).to_string();
    let header = table.lines().next().unwrap();
    for column in ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(table.contains(&idle), "{table}");
}

#[tokio::test]
async fn the_live_mode_follows_containers_as_they_start_and_stop() {
    let mut fixtures = Fixtures::new("stats-live").await;
    let image = fixtures.image("stats", &[]).await;
    let first = fixtures.running_container(&image, "first").await;
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command.args(["stats", "--json"]).env_remove("DOCKER_CONTEXT").stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = ChildGuard { child: command.spawn().unwrap(), leads_group: false };
    let mut lines = BufReader::new(child.child.stdout.take().unwrap()).lines();
    let mut next = move || -> Vec<Value> { serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap() };
    let row = |rows: &[Value], name: &str| rows.iter().find(|row| row["name"] == name).cloned();

    // A second a line; the running container gains a point each second.
    let mut points = 0;
    for _ in 0..30 {
        let rows = next();
        if let Some(found) = row(&rows, &first) {
            points = found["points"].as_u64().unwrap();
            if points >= 3 {
                assert_eq!(found["running"], true);
                assert!(found["point"]["memory_bytes"].as_u64().unwrap() > 0);
                break;
            }
        }
    }
    assert!(points >= 3, "the container's history grows");

    let second = fixtures.running_container(&image, "second").await;
    let stop = bollard::query_parameters::StopContainerOptionsBuilder::default().t(0).build();
    fixtures.docker.stop_container(&first, Some(stop)).await.unwrap();
    let mut seen = (false, false);
    for _ in 0..30 {
        let rows = next();
        let started = row(&rows, &second).is_some_and(|r| r["running"] == true && r["points"].as_u64() > Some(0));
        let stopped = row(&rows, &first).is_some_and(|r| r["running"] == false);
        seen = (started, stopped);
        if started && stopped {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(seen, (true, true), "the new container is followed; the stopped one keeps its history, not running");
}

#[test]
fn the_host_panel_names_dockers_data_disk_and_its_free_space() {
    let figures = json(&strata(&["stats", "--host", "--json"], &[]));
    let root = Command::new("docker").args(["info", "--format", "{{.DockerRootDir}}"]).output().unwrap();
    let root = String::from_utf8_lossy(&root.stdout).trim().to_string();
    let disk = &figures["data_disk"];
    assert_eq!(disk["docker_root"], root.as_str(), "the daemon here is local: its data disk is read");
    assert!(root.starts_with(disk["mount_point"].as_str().unwrap()), "{disk}");
    assert!(disk["total_bytes"].as_u64().unwrap() >= disk["free_bytes"].as_u64().unwrap());
    assert!(figures["cpus"].as_u64().unwrap() >= 1 && figures["memory_total_bytes"].as_u64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_live_mode_waits_for_a_daemon_that_stops_and_resumes_with_the_history_kept() {
    let mut fixtures = Fixtures::new("stats-resume").await;
    let image = fixtures.image("stats", &[]).await;
    let container = fixtures.running_container(&image, "steady").await;
    let sockets = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&sockets.path().join("docker.sock"), &daemon_socket());
    proxy.up();
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command
        .args(["stats", "--json"])
        .env("DOCKER_HOST", proxy.host())
        .env_remove("DOCKER_CONTEXT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = ChildGuard { child: command.spawn().unwrap(), leads_group: false };
    let lines = BufReader::new(child.child.stdout.take().unwrap()).lines();
    let stderr = BufReader::new(child.child.stderr.take().unwrap()).lines();
    // Lines are read on threads of their own, so the test never blocks on a quiet pipe.
    let (rows_sent, rows) = std::sync::mpsc::channel::<Vec<Value>>();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if rows_sent.send(serde_json::from_str(&line).unwrap()).is_err() {
                return;
            }
        }
    });
    let (said_sent, said) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || stderr.map_while(Result::ok).for_each(|line| drop(said_sent.send(line))));
    let points_of = |rows: &[Value]| {
        rows.iter()
            .find(|row| row["name"] == container.as_str())
            .and_then(|row| (row["running"] == true).then(|| row["points"].as_u64().unwrap()))
    };
    let wait_for_points = |at_least: u64| {
        for _ in 0..60 {
            let next = rows.recv_timeout(Duration::from_secs(30)).expect("a line a second");
            if let Some(points) = points_of(&next).filter(|p| *p >= at_least) {
                return points;
            }
        }
        panic!("the container did not reach {at_least} points");
    };

    let before = wait_for_points(3);
    proxy.down();
    let waiting = said.recv_timeout(Duration::from_secs(30)).expect("a word about the daemon");
    assert!(waiting.contains("the daemon stopped answering; waiting for it"), "{waiting}");
    std::thread::sleep(Duration::from_secs(2));
    proxy.up();
    let back = said.recv_timeout(Duration::from_secs(30)).expect("a word about the daemon's return");
    assert!(back.contains("the daemon is back"), "{back}");
    // The stream resumed and the points from before the outage are still there.
    let after = wait_for_points(before + 2);
    assert!(after >= before + 2, "{before} points before, {after} after");
    assert!(child.child.try_wait().unwrap().is_none(), "still running");
}
