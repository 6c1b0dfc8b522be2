//! The layer explorer's engine and CLI against images the real daemon built: every layer case
//! (whiteouts, opaque directories, type changes, links, odd names, permission-only changes,
//! empty steps) read as overlay2 made it, hidden bytes, the index cache that spares a second
//! export, archives read with no daemon, and the CI gate.
//!
//! The expectations below are written from what the Dockerfile does, not from the reader.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::proxy::DaemonProxy;
use common::{daemon_socket, json, strata, Fixtures, EVERY_CASE, EVERY_CASE_FILES};
use serde_json::Value;

/// Runs strata with its own, empty index cache.
fn strata_cached(cache: &Path, args: &[&str]) -> std::process::Output {
    strata(args, &[("STRATA_CACHE_DIR", cache.to_str().unwrap())])
}

fn statuses(tree: &Value) -> BTreeMap<String, String> {
    tree.as_array()
        .unwrap()
        .iter()
        .map(|row| (row["path"].as_str().unwrap().to_string(), row["status"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn every_layer_case_reads_as_overlay2_wrote_it() {
    let mut fixtures = Fixtures::new("every").await;
    let image = fixtures.image_from("every", EVERY_CASE, &EVERY_CASE_FILES).await;
    let cache = tempfile::tempdir().unwrap();

    let analysis = json(&strata_cached(cache.path(), &["inspect", &image, "--json"]));
    let layers = analysis["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3, "RUN steps that change nothing and ENV make no layer: {analysis:#}");
    assert!(layers[2]["command"].as_str().unwrap().starts_with("RUN /bin/busybox sh -c set -e;"), "{}", layers[2]);
    assert!(layers.iter().all(|l| l["digest"].as_str().unwrap().starts_with("sha256:")));
    assert_eq!(layers[1]["size_bytes"], 28);
    // keep.txt 4 (copied up by `ln`), perm.txt 4, opaque/new.txt 6, todir/inside.txt 7, tofile 11
    assert_eq!(layers[2]["size_bytes"], 32);
    // Hidden: everything layer 1 stored, as each of its files was deleted, replaced or copied up.
    assert_eq!(analysis["hidden_bytes"], 28);
    assert_eq!(analysis["hidden_file_count"], 8);
    assert_eq!(layers[1]["hidden_bytes"], 28);
    assert_eq!(layers[2]["hides_bytes"], 28);
    let size = analysis["size_bytes"].as_u64().unwrap();
    assert_eq!(size - analysis["visible_size_bytes"].as_u64().unwrap(), 28);
    let hidden: Vec<&str> =
        analysis["hidden_files"].as_array().unwrap().iter().map(|h| h["path"].as_str().unwrap()).collect();
    assert_eq!(hidden[0], "/data/gone.txt", "largest first");
    assert!(hidden.contains(&"/data/tofile/x.txt") && hidden.contains(&"/data/todir"), "{hidden:?}");

    let layer = statuses(&json(&strata_cached(cache.path(), &["tree", &image, "--layer", "2", "--json"])));
    let long = format!("/data/long/{}7", "0".repeat(149));
    let expected: BTreeMap<String, String> = [
        ("/data", "modified"),
        ("/data/caf\\xe9", "added"),
        ("/data/dir", "removed"),
        ("/data/dir/a.txt", "removed"),
        ("/data/dir/b.txt", "removed"),
        ("/data/gone.txt", "removed"),
        ("/data/hardlink.txt", "added"),
        ("/data/keep.txt", "modified"),
        ("/data/long", "added"),
        (long.as_str(), "added"),
        ("/data/opaque", "modified"),
        ("/data/opaque/new.txt", "added"),
        ("/data/opaque/old.txt", "removed"),
        ("/data/null", "added"),
        ("/data/perm.txt", "modified"),
        ("/data/pipe", "added"),
        ("/data/symlink.txt", "added"),
        ("/data/todir", "modified"),
        ("/data/todir/inside.txt", "added"),
        ("/data/tofile", "modified"),
        ("/data/tofile/x.txt", "removed"),
    ]
    .into_iter()
    .map(|(p, s)| (p.to_string(), s.to_string()))
    .collect();
    assert_eq!(layer, expected);

    let merged = json(&strata_cached(cache.path(), &["tree", &image, "--aggregated", "--json"]));
    let present: Vec<String> = merged
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["status"] != "removed")
        .map(|row| row["path"].as_str().unwrap().to_string())
        .collect();
    let mut final_files = vec![
        "/bin",
        "/bin/busybox",
        "/data",
        "/data/.keep",
        "/data/caf\\xe9",
        "/data/hardlink.txt",
        "/data/keep.txt",
        "/data/long",
        &long,
        "/data/null",
        "/data/opaque",
        "/data/opaque/new.txt",
        "/data/perm.txt",
        "/data/pipe",
        "/data/symlink.txt",
        "/data/todir",
        "/data/todir/inside.txt",
        "/data/tofile",
    ];
    final_files.sort();
    assert_eq!(present, final_files);
    let rows = merged.as_array().unwrap();
    let row = |path: &str| rows.iter().find(|r| r["path"] == path).unwrap().clone();
    assert_eq!(row("/data/symlink.txt")["link_target"], "keep.txt");
    assert_eq!(row("/data/keep.txt")["kind"], "h", "the tar stores keep.txt as a hard link to hardlink.txt");
    assert_eq!(row("/data/tofile")["size_bytes"], 11);
    assert_eq!(row("/data/todir")["kind"], "d");
    assert_eq!(row("/data/null")["kind"], "c");
    assert_eq!(
        (row("/data/perm.txt")["mode"].as_u64(), row("/data/perm.txt")["permissions"].as_str()),
        (Some(0o600), Some("-rw-------"))
    );
    assert_eq!(row("/data/perm.txt")["layer"], 2);
    assert_eq!(row("/data/tofile")["content_hash"].as_str().unwrap().len(), 32);
    assert_eq!(row("/data/pipe")["kind"], "p");

    let table = String::from_utf8_lossy(&strata_cached(cache.path(), &["inspect", &image]).stdout).to_string();
    assert!(table.contains("Hidden 28 B in 8 files") && table.contains("/data/gone.txt"), "{table}");
    let tree =
        String::from_utf8_lossy(&strata_cached(cache.path(), &["tree", &image, "--layer", "2"]).stdout).to_string();
    assert!(
        tree.contains("- -       5 B    gone.txt") && tree.contains("+ l       0 B    symlink.txt → keep.txt"),
        "{tree}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_look_comes_from_the_cache_without_exporting_again() {
    let mut fixtures = Fixtures::new("cache").await;
    let first = fixtures.image("first", &[("a.txt", b"aaaa")]).await;
    let on_first = format!("FROM {first}\nCOPY data/b.txt /data/b.txt\n");
    let second = fixtures.image_from("second", &on_first, &[("b.txt", b"bb")]).await;
    let cache = tempfile::tempdir().unwrap();
    let sockets = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&sockets.path().join("docker.sock"), &daemon_socket());
    proxy.up();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap()), ("DOCKER_HOST", &proxy.host())];
    let exports = |proxy: &DaemonProxy| proxy.requests().iter().filter(|r| r.contains("/images/get")).count();

    let cold = json(&strata(&["inspect", &first, "--json"], &env));
    assert_eq!(exports(&proxy), 1);
    let inspects = proxy.requests().iter().filter(|r| r.contains("/images/") && r.contains("/json ")).count();
    assert_eq!(inspects, 1, "one inspect serves both the summary cache and the export: {:?}", proxy.requests());
    let warm = json(&strata(&["inspect", &first, "--json"], &env));
    assert_eq!(exports(&proxy), 1, "the second look needs no export: {:?}", proxy.requests());
    assert_eq!(cold, warm);

    // The second image is the first plus a layer: one more export, one more layer cached.
    json(&strata(&["inspect", &second, "--json"], &env));
    assert_eq!(exports(&proxy), 2);
    let usage = json(&strata(&["cache", "--json"], &env));
    assert_eq!(usage["layers"], 3, "busybox, data, and the second image's own layer: {usage}");
    assert_eq!(usage["images"], 2);
    assert!(usage["bytes"].as_u64().unwrap() > 0);
    let cleared = json(&strata(&["cache", "--clear", "--json"], &env));
    assert_eq!(cleared["freed_bytes"], usage["bytes"]);
    assert_eq!(json(&strata(&["cache", "--json"], &env))["layers"], 0);
}

#[tokio::test]
async fn an_archive_reads_with_no_daemon_and_agrees_with_the_daemon() {
    let mut fixtures = Fixtures::new("archive").await;
    let image = fixtures.image_from("every", EVERY_CASE, &EVERY_CASE_FILES).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("every.tar");
    std::fs::write(&archive, fixtures.export(&image).await).unwrap();
    let from_daemon = json(&strata_cached(&dir.path().join("c1"), &["inspect", &image, "--json"]));
    let offline =
        [("STRATA_CACHE_DIR", dir.path().join("c2")), ("DOCKER_HOST", "unix:///nonexistent/docker.sock".into())];
    let offline: Vec<(&str, &str)> = offline.iter().map(|(k, v)| (*k, v.to_str().unwrap())).collect();
    let from_file = json(&strata(&["inspect", "--archive", archive.to_str().unwrap(), "--json"], &offline));
    for key in ["id", "layers", "efficiency", "wasted_bytes", "user_wasted_percent", "hidden_bytes", "hidden_files"] {
        assert_eq!(from_daemon[key], from_file[key], "{key}");
    }
    assert_eq!(from_file["repo_tags"][0], image.as_str());
}

#[tokio::test]
async fn check_fails_with_a_report_when_a_rule_fails() {
    let mut fixtures = Fixtures::new("check").await;
    let image = fixtures.image_from("every", EVERY_CASE, &EVERY_CASE_FILES).await;
    let dir = tempfile::tempdir().unwrap();
    let strict = dir.path().join("strict.dive-ci");
    std::fs::write(&strict, "rules:\n  lowest-efficiency: 0.9\n  highest-wasted-bytes: 1MB\n  highest-user-wasted-percent: disabled\n  highest-hidden-bytes: 10\n").unwrap();
    let cache = dir.path().join("cache");
    let failed = strata_cached(&cache, &["check", &image, "--ci-config", strict.to_str().unwrap()]);
    let report = String::from_utf8_lossy(&failed.stdout);
    assert_eq!(failed.status.code(), Some(1), "{report}");
    let outcome = |rule: &str| {
        let line = report.lines().find(|l| l.contains(rule)).unwrap_or_else(|| panic!("{rule} in {report}"));
        line.split_whitespace().next().unwrap().to_string()
    };
    assert_eq!(outcome("highest-hidden-bytes"), "FAIL", "{report}");
    assert_eq!(outcome("highest-user-wasted-percent"), "SKIP", "{report}");
    assert_eq!(outcome("lowest-efficiency"), "PASS", "{report}");
    assert!(report.contains("FAILED") && report.contains("/data/gone.txt"), "{report}");

    let lenient = dir.path().join("lenient.dive-ci");
    std::fs::write(&lenient, "rules:\n  highest-user-wasted-percent: 0.5\n  highest-hidden-bytes: 1KB\n").unwrap();
    let passed = strata_cached(&cache, &["check", &image, "--ci-config", lenient.to_str().unwrap(), "--json"]);
    assert_eq!(passed.status.code(), Some(0));
    assert_eq!(json(&passed)["passed"], true);

    // dive's defaults (10 % user waste) fail this image, whose user layers waste 28 %.
    let defaults = strata_cached(&cache, &["check", &image, "--ci-config", "/nonexistent/.dive-ci"]);
    assert_eq!(defaults.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&defaults.stderr).contains("cannot read /nonexistent/.dive-ci"));
}

#[tokio::test]
async fn a_missing_image_or_layer_is_one_clear_line() {
    let cache = tempfile::tempdir().unwrap();
    common::docker().await;
    let missing = strata_cached(cache.path(), &["inspect", "strata-test/no-such-image:0"]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr.contains("No such image") && stderr.lines().count() == 1, "{stderr}");

    // A name that would change the request (a query, a path climbing up) never reaches the daemon.
    for bad in ["app?force=1", "../containers/x/kill"] {
        let refused = strata_cached(cache.path(), &["inspect", bad]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("is not a valid name for an image"), "{stderr}");
    }

    let mut fixtures = Fixtures::new("badlayer").await;
    let image = fixtures.image("one", &[]).await;
    let wrong = strata_cached(cache.path(), &["tree", &image, "--layer", "9"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("there is no layer 9"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daemon_gone_mid_export_is_one_clear_line_and_caches_nothing() {
    let mut fixtures = Fixtures::new("export-cut").await;
    let bulk: Vec<u8> = (0..4_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let image = fixtures.image("bulky", &[("bulk.bin", &bulk)]).await;
    let cache = tempfile::tempdir().unwrap();
    let sockets = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&sockets.path().join("docker.sock"), &daemon_socket());
    proxy.up();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap()), ("DOCKER_HOST", &proxy.host())];

    // The export stops a megabyte in, as when dockerd is stopped mid-way.
    proxy.cut_answers_after(1_000_000);
    let cut = strata(&["inspect", &image, "--json"], &env);
    let stderr = String::from_utf8_lossy(&cut.stderr);
    assert_eq!(cut.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("the daemon closed the connection before the end of the export"), "{stderr}");
    assert!(cut.stdout.is_empty(), "no half figures are printed");
    assert_eq!(json(&strata(&["cache", "--json"], &env))["layers"], 0, "nothing half-read is cached");

    // The daemon back in full: the same command reads the whole image.
    proxy.cut_answers_after(u64::MAX);
    let whole = json(&strata(&["inspect", &image, "--json"], &env));
    assert_eq!(whole["layers"].as_array().unwrap().len(), 2, "{whole}");
    assert!(whole["size_bytes"].as_u64().unwrap() > 4_000_000);
}
