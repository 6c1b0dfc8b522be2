//! Bad archives given to `strata inspect --archive`: each one gives one clear line and exit
//! code 1 — never a panic, never a hang — and a good archive next to them still reads. No daemon
//! is involved (DOCKER_HOST points nowhere).

mod common;

use std::path::{Path, PathBuf};

use common::strata;

const CONFIG_ONE_LAYER: &str = r#"{"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:1111111111111111111111111111111111111111111111111111111111111111"]},"history":[{"created_by":"COPY x /"}]}"#;
const MANIFEST: &str = r#"[{"Config":"config.json","RepoTags":["bad:1"],"Layers":["layer/layer.tar"]}]"#;

fn tar_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, body) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *body).unwrap();
    }
    builder.into_inner().unwrap()
}

/// A docker-save archive whose one layer is `layer`.
fn archive_with_layer(layer: &[u8]) -> Vec<u8> {
    tar_with(&[
        ("layer/layer.tar", layer),
        ("config.json", CONFIG_ONE_LAYER.as_bytes()),
        ("manifest.json", MANIFEST.as_bytes()),
    ])
}

/// A layer tar whose one entry has the raw name `name` (written into the header by hand, so
/// names the tar builder refuses, like `../x`, can be made).
fn layer_named(name: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_ustar();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_size(2);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut bytes = header.as_bytes().to_vec();
    bytes.extend_from_slice(b"hi");
    bytes.resize(1024, 0);
    bytes.extend_from_slice(&[0; 1024]);
    bytes
}

/// A layer whose PAX header says its file is far larger than the data that follows.
fn layer_with_lying_pax_size() -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.append_pax_extensions([("size", &b"999999999"[..])]).unwrap();
    let mut header = tar::Header::new_ustar();
    header.set_path("file").unwrap();
    header.set_size(4);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append(&header, &b"abcd"[..]).unwrap();
    builder.into_inner().unwrap()
}

fn inspect(path: &Path) -> (Option<i32>, String) {
    let cache = path.with_extension("cache");
    let output = strata(
        &["inspect", "--archive", path.to_str().unwrap()],
        &[("DOCKER_HOST", "unix:///nonexistent.sock"), ("STRATA_CACHE_DIR", cache.to_str().unwrap())],
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code(), stderr)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn bad_archives_give_one_clear_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let good_layer = tar_with(&[("etc/hello", b"hello")]);
    let good = archive_with_layer(&good_layer);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", good[..good.len() / 2].to_vec(), "damaged or cut short"),
        ("empty", Vec::new(), "neither manifest.json nor index.json"),
        ("not-a-tar", b"this is not an archive at all, just some text".repeat(20), "not a readable tar"),
        (
            "bad-json",
            tar_with(&[
                ("layer/layer.tar", &good_layer),
                ("config.json", CONFIG_ONE_LAYER.as_bytes()),
                ("manifest.json", b"[{\"Config\": "),
            ]),
            "manifest.json cannot be read",
        ),
        (
            "missing-layer",
            tar_with(&[("config.json", CONFIG_ONE_LAYER.as_bytes()), ("manifest.json", MANIFEST.as_bytes())]),
            "layer/layer.tar is listed but missing",
        ),
        ("climbing-path", archive_with_layer(&layer_named(b"../../etc/evil")), "climbs out of the image"),
        ("lying-pax-size", archive_with_layer(&layer_with_lying_pax_size()), "cannot be read"),
    ];
    for (name, bytes, expected) in cases {
        let path = write(dir.path(), &format!("{name}.tar"), &bytes);
        let (code, stderr) = inspect(&path);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: expected `{expected}` in: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: one line: {stderr}");
    }
    let (code, stderr) = inspect(&dir.path().join("does-not-exist.tar"));
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot be opened"), "{stderr}");
}

#[test]
fn absolute_names_are_read_inside_the_image_and_a_good_archive_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "absolute.tar", &archive_with_layer(&layer_named(b"/etc/absolute")));
    let output = strata(
        &["tree", "--archive", path.to_str().unwrap(), "--json"],
        &[("STRATA_CACHE_DIR", dir.path().join("cache").to_str().unwrap())],
    );
    let tree = common::json(&output);
    let paths: Vec<&str> = tree.as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/etc", "/etc/absolute"]);
}
