//! A pair of fixture images where the second is the first plus one layer making every kind of
//! change: a file added and one removed, content changed at the same size, mode only, owner only,
//! a symlink retargeted, a file become a directory and a directory become a file — config changes
//! (an environment variable, a label, the user), and in dpkg's status file a package added and one
//! upgraded. Tagged `first` and `second` in the fixture set's repository.

use super::Fixtures;

pub const FIRST: &str = r#"FROM scratch
COPY busybox /bin/busybox
COPY data/ /data/
COPY data/status /var/lib/dpkg/status
RUN ["/bin/busybox", "ln", "-s", "same.txt", "/data/link"]
ENV MODE=dev
LABEL version=1
"#;

/// dpkg's status before: bash 5.1 and curl installed, a removed package's leftover config.
pub const OLD_STATUS: &str = "Package: bash\nStatus: install ok installed\nVersion: 5.1-2\n\nPackage: curl\nStatus: install ok installed\nVersion: 7.88.1-10\n\nPackage: vim\nStatus: deinstall ok config-files\nVersion: 2:9.0\n";
/// After: bash upgraded, jq added, curl unchanged (as printf writes it, `\n` read as newlines).
pub const NEW_STATUS: &str = r"Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2\n\nPackage: curl\nStatus: install ok installed\nVersion: 7.88.1-10\n\nPackage: jq\nStatus: install ok installed\nVersion: 1.6-2\n";

pub fn second(first: &str) -> String {
    format!(
        r#"FROM {first}
RUN ["/bin/busybox", "sh", "-c", "set -e; b=/bin/busybox; cd /data; $b printf BBBB > same.txt; $b chmod 600 mode.txt; $b chown 1000:1000 owner.txt; $b ln -sf mode.txt link; $b rm gone.txt; $b echo new > new.txt; $b rm swap; $b mkdir swap; $b echo in > swap/in.txt; $b rm -r dir; $b echo now-a-file > dir; $b printf '{NEW_STATUS}' > /var/lib/dpkg/status"]
ENV MODE=prod
LABEL version=2
USER 1000
"#,
        NEW_STATUS = NEW_STATUS
    )
}

/// Builds both images; returns their references.
pub async fn build(fixtures: &mut Fixtures) -> (String, String) {
    let files: [(&str, &[u8]); 8] = [
        ("status", OLD_STATUS.as_bytes()),
        ("same.txt", b"AAAA"),
        ("mode.txt", b"mode"),
        ("owner.txt", b"owner"),
        ("gone.txt", b"gone"),
        ("keep.txt", b"keep"),
        ("swap", b"file"),
        ("dir/x.txt", b"xx"),
    ];
    let first = fixtures.image_from("first", FIRST, &files).await;
    let second = fixtures.image_from("second", &second(&first), &[]).await;
    (first, second)
}
