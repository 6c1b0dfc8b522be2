//! A project folder for the build tests: busybox, an app file, files `.dockerignore` keeps out
//! (and one it brings back), and a `.git` folder naming a commit and an origin.

use super::{Fixtures, BUSYBOX};

pub const HASH: &str = "89abcdef0123456789abcdef0123456789abcdef";
pub const ORIGIN: &str = "https://git.example.com/team/app.git";

/// A project folder: busybox, an app file, files `.dockerignore` keeps out (and one it brings
/// back), and a `.git` folder naming a commit and an origin. `run.txt` makes its first layer
/// unique to this test, so no other test shares (and removes) its build cache.
pub fn project(fixtures: &Fixtures) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    };
    write("run.txt", fixtures.run.as_bytes());
    write("busybox", &std::fs::read(BUSYBOX).expect("busybox-static is installed"));
    std::fs::set_permissions(dir.path().join("busybox"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    write("Dockerfile", b"FROM scratch\nCOPY run.txt /run.txt\nCOPY busybox /bin/busybox\nCOPY app/ /app/\n");
    write(".dockerignore", b"app/*.log\napp/secret\n!app/secret/public.txt\n");
    write("app/main.txt", b"v1\n");
    write("app/debug.log", b"noise\n");
    write("app/secret/key", b"do not ship\n");
    write("app/secret/public.txt", b"public\n");
    write(".git/HEAD", b"ref: refs/heads/main\n");
    write(".git/packed-refs", format!("{HASH} refs/heads/main\n").as_bytes());
    write(".git/config", format!("[remote \"origin\"]\n\turl = {ORIGIN}\n").as_bytes());
    dir
}
