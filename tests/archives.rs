//! Bad archives given to `strata inspect --archive`: each one gives one clear line and exit
//! code 1 — never a panic, never a hang — and a good archive next to them still reads. No daemon
//! is involved (DOCKER_HOST points nowhere).

mod common;

use std::io::Read;
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

/// A layer with one link entry (`kind`: hard or symbolic) named `name` pointing at `target`.
fn layer_with_link(kind: tar::EntryType, name: &str, target: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_size(0);
    header.set_mode(0o777);
    // Written by hand: the builder refuses link names that climb out, as an attacker's would not.
    header.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
    header.set_path(name).unwrap();
    header.set_cksum();
    builder.append(&header, &[][..]).unwrap();
    builder.into_inner().unwrap()
}

/// Runs `strata` and also returns the peak memory of the children this test process waited for.
fn tree_json(path: &Path, cache: &Path) -> (serde_json::Value, u64) {
    let output = strata(
        &["tree", "--archive", path.to_str().unwrap(), "--json"],
        &[("DOCKER_HOST", "unix:///nonexistent.sock"), ("STRATA_CACHE_DIR", cache.to_str().unwrap())],
    );
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    (common::json(&output), usage.ru_maxrss as u64 * 1024)
}

fn row<'a>(tree: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    tree.as_array().unwrap().iter().find(|r| r["path"] == path).unwrap_or_else(|| panic!("{path} in {tree}"))
}

#[test]
fn hostile_but_valid_layers_give_a_correct_bounded_result() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");

    // The same path twice in one layer: the later entry is the file, as extraction would leave it.
    let duplicate = tar_with(&[("etc/twice", b"first"), ("etc/twice", b"second!")]);
    let (tree, _) = tree_json(&write(dir.path(), "duplicate.tar", &archive_with_layer(&duplicate)), &cache);
    assert_eq!(row(&tree, "/etc/twice")["size_bytes"], 7, "{tree}");

    // Links that point out of the image are data, not directions: shown, never followed.
    let symlink = layer_with_link(tar::EntryType::Symlink, "etc/passwd-link", "../../../../etc/passwd");
    let (tree, _) = tree_json(&write(dir.path(), "symlink.tar", &archive_with_layer(&symlink)), &cache);
    assert_eq!(row(&tree, "/etc/passwd-link")["link_target"], "../../../../etc/passwd", "{tree}");

    // A gzip bomb: 1 GiB of zeros in a 1 MiB layer. Read as it streams, in bounded memory.
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    {
        let mut layer = tar::Builder::new(&mut bomb);
        let mut header = tar::Header::new_gnu();
        header.set_size(1 << 30);
        header.set_mode(0o644);
        header.set_cksum();
        layer.append_data(&mut header, "zeros", std::io::repeat(0).take(1 << 30)).unwrap();
        layer.finish().unwrap();
    }
    let bomb = bomb.finish().unwrap();
    assert!(bomb.len() * 100 < 1 << 30, "the bomb is small: {} bytes", bomb.len());
    let (tree, peak) = tree_json(&write(dir.path(), "bomb.tar", &archive_with_layer(&bomb)), &cache);
    assert_eq!(row(&tree, "/zeros")["size_bytes"], 1u64 << 30);
    assert!(peak < 128 << 20, "memory stays bounded: peak {} MiB", peak >> 20);
}

#[test]
fn a_hard_link_that_climbs_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hardlink = layer_with_link(tar::EntryType::Link, "etc/shadow-copy", "../../etc/shadow");
    let (code, stderr) = inspect(&write(dir.path(), "hardlink.tar", &archive_with_layer(&hardlink)));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("climbs out of the image"), "{stderr}");
}

#[test]
fn a_ten_gigabyte_sparse_file_is_read_as_its_size_in_bounded_memory() {
    // GNU tar writes a 10 GiB file that is one hole and five bytes as a 10 kB sparse entry.
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("big")).unwrap();
    big.set_len(10 << 30).unwrap();
    std::os::unix::fs::FileExt::write_at(&big, b"hello", 5_000_000_000).unwrap();
    let made = std::process::Command::new("tar")
        .args(["--sparse", "--format=gnu", "-cf", "layer.tar", "big"])
        .current_dir(dir.path())
        .status()
        .expect("GNU tar");
    assert!(made.success());
    std::fs::remove_file(dir.path().join("big")).unwrap();
    let layer = std::fs::read(dir.path().join("layer.tar")).unwrap();
    assert!(layer.len() < 64 << 10, "the layer is small: {} bytes", layer.len());

    let (tree, peak) =
        tree_json(&write(dir.path(), "sparse.tar", &archive_with_layer(&layer)), &dir.path().join("cache"));
    assert_eq!(row(&tree, "/big")["size_bytes"], 10u64 << 30, "{tree}");
    assert!(peak < 128 << 20, "memory stays bounded: peak {} MiB", peak >> 20);
}
