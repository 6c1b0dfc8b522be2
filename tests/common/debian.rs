//! A real Debian image for the tests: a bookworm rootfs made by `debootstrap --variant=minbase`
//! from Debian's mirror, kept as a tar in the user's cache folder between runs (about 30 s to
//! make, once), and `docker import`ed under a test name with the test label.

use std::path::PathBuf;
use std::process::Command;

use super::Fixtures;

/// The cached rootfs tar, made first when it is not there.
fn rootfs_tar() -> PathBuf {
    let folder = dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join("strata-tests");
    std::fs::create_dir_all(&folder).unwrap();
    let tar = folder.join("bookworm-minbase.tar");
    if tar.exists() {
        return tar;
    }
    let rootfs = tempfile::tempdir_in(&folder).unwrap();
    let made = Command::new("debootstrap")
        .args(["--variant=minbase", "bookworm"])
        .arg(rootfs.path())
        .arg("http://deb.debian.org/debian")
        .output()
        .expect("debootstrap runs (make deps installs it)");
    assert!(made.status.success(), "debootstrap failed: {}", String::from_utf8_lossy(&made.stderr));
    let partial = folder.join(format!("bookworm-minbase.{}.partial", std::process::id()));
    let packed = Command::new("tar").arg("-C").arg(rootfs.path()).arg("-cf").arg(&partial).arg(".").status().unwrap();
    assert!(packed.success(), "the rootfs could not be packed");
    std::fs::rename(&partial, &tar).unwrap();
    tar
}

/// Imports the Debian rootfs as `fixtures`' repository with `tag`; the reference. The fixtures
/// remove it when they are dropped.
pub async fn import(fixtures: &mut Fixtures, tag: &str) -> String {
    let reference = format!("{}:{tag}", fixtures.repository());
    let imported = Command::new("docker")
        .args(["import", "--change", &format!("LABEL {}=1", super::TEST_LABEL)])
        .args(["--change", &format!("LABEL {}={}", super::RUN_LABEL, fixtures.run)])
        .arg(rootfs_tar())
        .arg(&reference)
        .output()
        .expect("docker import runs");
    assert!(imported.status.success(), "docker import failed: {}", String::from_utf8_lossy(&imported.stderr));
    assert!(fixtures.adopt_labelled_images().await >= 1, "the imported image carries the run label");
    reference
}
