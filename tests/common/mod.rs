//! Test fixtures built through the real daemon: small images `FROM scratch` holding Debian's
//! static busybox and generated files, and containers started from them. Everything is named
//! `strata-test…` and labelled `strata.test=1` plus a per-run label, and a fixture set removes
//! exactly what it created when dropped — never anything else on the developer's daemon.
//!
//! No daemon is a failure here, never a skip: the first call panics and says how to start one.
#![allow(dead_code)] // each test binary uses a different part of the fixtures

pub mod debian;
pub mod diff_pair;
pub mod fake_registry;
pub mod oci_layout;
pub mod osv;
pub mod package_image;
pub mod programs;
pub mod project_folder;
pub mod proxy;
pub mod registry;
pub mod secured_registry;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    BuildImageOptionsBuilder, CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder,
};
use bollard::{body_full, Docker};
use futures_util::StreamExt;
use strata::problem::Problem;

pub const BUSYBOX: &str = "/bin/busybox";
pub const TEST_LABEL: &str = "strata.test";
pub const RUN_LABEL: &str = "strata.test.run";

static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// Connects to the daemon the docker CLI would use, or panics with what to do.
pub async fn docker() -> Docker {
    let discovery = strata::engine::discover(&strata::engine::Environment::from_process());
    match strata::engine::connect(discovery.preferred_endpoint()).await {
        Ok(connection) => connection.docker,
        Err(error) => panic!(
            "these tests need a running Docker daemon ({error}). {} `make test` starts one for you.",
            error.hint()
        ),
    }
}

/// The images and containers one test created, removed again on drop.
pub struct Fixtures {
    pub docker: Docker,
    /// Unique to this fixture set; part of every name and the value of the run label.
    pub run: String,
    images: Vec<String>,
    containers: Vec<String>,
}

impl Fixtures {
    pub async fn new(test: &str) -> Fixtures {
        Fixtures::on(docker().await, test)
    }

    /// A fixture set on another daemon (Podman, in the Podman test).
    pub fn on(docker: Docker, test: &str) -> Fixtures {
        let run = format!("{test}-{}-{}", std::process::id(), SEQUENCE.fetch_add(1, Ordering::Relaxed));
        Fixtures { docker, run, images: Vec::new(), containers: Vec::new() }
    }

    /// The repository every image of this set lives in.
    pub fn repository(&self) -> String {
        format!("strata-test/{}", self.run)
    }

    /// Builds `repository():tag` from scratch: busybox at /bin/busybox, `files` under /data, and a
    /// command that sleeps. Returns the reference.
    pub async fn image(&mut self, tag: &str, files: &[(&str, &[u8])]) -> String {
        self.image_from(tag, DOCKERFILE, files).await
    }

    /// Builds `repository():tag` from `dockerfile`, with busybox and `files` (under `data/`) in
    /// the context.
    pub async fn image_from(&mut self, tag: &str, dockerfile: &str, files: &[(&str, &[u8])]) -> String {
        let reference = format!("{}:{tag}", self.repository());
        let context = build_context(dockerfile, files);
        let labels: HashMap<String, String> =
            [(TEST_LABEL.to_string(), "1".to_string()), (RUN_LABEL.to_string(), self.run.clone())].into();
        // No build cache: tests build equal images at the same time and remove them when done, and
        // a cached step another test just removed would fail this build.
        let options = BuildImageOptionsBuilder::default()
            .t(&reference)
            .rm(true)
            .forcerm(true)
            .nocache(true)
            .labels(&labels)
            .build();
        let mut progress = self.docker.build_image(options, None, Some(body_full(context.into())));
        let mut log = String::new();
        while let Some(step) = progress.next().await {
            let step = step.unwrap_or_else(|e| panic!("building {reference} failed: {e}\n{log}"));
            if let Some(error) = step.error_detail.and_then(|d| d.message) {
                panic!("building {reference} failed: {error}\n{log}");
            }
            log.push_str(step.stream.as_deref().unwrap_or_default());
        }
        let id = self.docker.inspect_image(&reference).await.expect("the built image exists").id.expect("an id");
        self.images.push(id);
        reference
    }

    /// Creates and starts a container of `image` named `strata-test-<run>-<name>`; returns its name.
    pub async fn running_container(&mut self, image: &str, name: &str) -> String {
        self.running_container_with(image, name, None).await
    }

    /// Like [`Fixtures::running_container`], running `command` (a busybox applet line) instead
    /// of the image's sleep.
    pub async fn running_container_with(&mut self, image: &str, name: &str, command: Option<&str>) -> String {
        let name = self.create_container_with(image, name, command).await;
        self.docker.start_container(&name, None).await.expect("the fixture container starts");
        name
    }

    /// Creates (without starting) a container of `image`; returns its name.
    pub async fn create_container(&mut self, image: &str, name: &str) -> String {
        self.create_container_with(image, name, None).await
    }

    async fn create_container_with(&mut self, image: &str, name: &str, command: Option<&str>) -> String {
        let name = format!("strata-test-{}-{name}", self.run);
        let labels: HashMap<String, String> =
            [(TEST_LABEL.to_string(), "1".to_string()), (RUN_LABEL.to_string(), self.run.clone())].into();
        let cmd = command.map(|line| vec![BUSYBOX.to_string(), "sh".into(), "-c".into(), line.to_string()]);
        let body =
            ContainerCreateBody { image: Some(image.to_string()), labels: Some(labels), cmd, ..Default::default() };
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        let created =
            self.docker.create_container(Some(options), body).await.expect("the fixture container is created");
        self.containers.push(created.id);
        name
    }

    /// Adds `count` more tags to `image` in this set's repository (`many-0`, `many-1`, …): a cheap
    /// way to give a screen a thousand rows. Removing the image removes them all.
    pub async fn many_tags(&mut self, image: &str, count: usize) {
        let repository = self.repository();
        for i in 0..count {
            let options = bollard::query_parameters::TagImageOptionsBuilder::default()
                .repo(&repository)
                .tag(&format!("many-{i}"))
                .build();
            self.docker.tag_image(image, Some(options)).await.expect("tag the fixture image");
        }
    }

    /// The image archive the daemon exports for `image` (`docker save`), in memory: fixtures are small.
    pub async fn export(&self, image: &str) -> Vec<u8> {
        let mut export = self.docker.export_image(image);
        let mut bytes = Vec::new();
        while let Some(chunk) = export.next().await {
            bytes.extend_from_slice(&chunk.expect("the export streams"));
        }
        bytes
    }

    /// The labels that mark an image as this set's (`--label` arguments for `strata build`).
    pub fn label_args(&self) -> Vec<String> {
        vec!["--label".into(), format!("{TEST_LABEL}=1"), "--label".into(), format!("{RUN_LABEL}={}", self.run)]
    }

    /// Takes charge of every image carrying this set's run label (built by the code under test),
    /// so they are removed with the rest; returns how many there are.
    pub async fn adopt_labelled_images(&mut self) -> usize {
        let filters: HashMap<String, Vec<String>> =
            [("label".to_string(), vec![format!("{RUN_LABEL}={}", self.run)])].into();
        let options = bollard::query_parameters::ListImagesOptionsBuilder::default().filters(&filters).build();
        let images = self.docker.list_images(Some(options)).await.expect("the daemon lists images");
        for image in &images {
            if !self.images.contains(&image.id) {
                self.images.push(image.id.clone());
            }
        }
        images.len()
    }

    /// Removes what this set created, containers first.
    pub async fn remove_all(&mut self) {
        for id in self.containers.drain(..) {
            let options = RemoveContainerOptionsBuilder::default().force(true).build();
            let _ = self.docker.remove_container(&id, Some(options)).await;
        }
        for id in self.images.drain(..).rev() {
            let options = RemoveImageOptionsBuilder::default().force(true).build();
            let _ = self.docker.remove_image(&id, Some(options), None).await;
        }
    }
}

impl Drop for Fixtures {
    fn drop(&mut self) {
        if self.images.is_empty() && self.containers.is_empty() {
            return;
        }
        let mut leftovers = Fixtures {
            docker: self.docker.clone(),
            run: self.run.clone(),
            images: std::mem::take(&mut self.images),
            containers: std::mem::take(&mut self.containers),
        };
        // Drop may run inside the test's runtime, so clean up on a thread with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(leftovers.remove_all());
        })
        .join();
    }
}

/// The fixtures' usual Dockerfile: busybox, the generated files, and a command that sleeps.
pub const DOCKERFILE: &str =
    "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data/ /data/\nCMD [\"/bin/busybox\", \"sleep\", \"3600\"]\n";

/// An image with every case the layer reader must get right, in its third layer (index 2):
/// a file and a directory deleted (whiteouts), a directory emptied and refilled (an opaque
/// marker from overlay2), a file become a directory and a directory become a file, a hard link
/// and a symlink, a permission-only change, a name that is not UTF-8 and a 150-character name,
/// a character device and a FIFO;
/// then two steps that change nothing and an ENV (no layers, history entries only).
pub const EVERY_CASE: &str = r#"FROM scratch
COPY busybox /bin/busybox
COPY data/ /data/
RUN ["/bin/busybox", "sh", "-c", "set -e; b=/bin/busybox; cd /data; $b rm gone.txt; $b rm -r dir; $b rm -r opaque; $b mkdir opaque; $b echo fresh > opaque/new.txt; $b rm todir; $b mkdir todir; $b echo inside > todir/inside.txt; $b rm -r tofile; $b echo now-a-file > tofile; $b ln keep.txt hardlink.txt; $b ln -s keep.txt symlink.txt; $b chmod 600 perm.txt; $b touch \"$($b printf 'caf\\351')\"; $b mkdir long; $b touch long/$($b printf '%0150d' 7); $b mknod null c 1 3; $b mkfifo pipe"]
RUN ["/bin/busybox", "true"]
RUN ["/bin/busybox", "true"]
ENV STAGE=done
"#;

/// The files under `data/` that [`EVERY_CASE`] starts from (28 bytes in all).
pub const EVERY_CASE_FILES: [(&str, &[u8]); 8] = [
    ("keep.txt", b"keep"),
    ("gone.txt", b"gone!"),
    ("dir/a.txt", b"aaaa"),
    ("dir/b.txt", b"bb"),
    ("opaque/old.txt", b"old"),
    ("todir", b"file"),
    ("tofile/x.txt", b"xx"),
    ("perm.txt", b"perm"),
];

/// A build context: the Dockerfile, busybox, and the generated files, as an in-memory tar.
fn build_context(dockerfile: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let busybox = std::fs::read(BUSYBOX)
        .unwrap_or_else(|e| panic!("{BUSYBOX} is missing ({e}); install Debian's busybox-static (`make test` does)"));
    let mut tar = tar::Builder::new(Vec::new());
    append(&mut tar, "Dockerfile", dockerfile.as_bytes(), 0o644);
    append(&mut tar, "busybox", &busybox, 0o755);
    append(&mut tar, "data/.keep", b"", 0o644);
    for (path, content) in files {
        append(&mut tar, &Path::new("data").join(path).to_string_lossy(), content, 0o644);
    }
    tar.into_inner().expect("tar in memory")
}

pub fn append(tar: &mut tar::Builder<Vec<u8>>, path: &str, content: &[u8], mode: u32) {
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(mode);
    header.set_mtime(1_700_000_000); // fixed, so equal inputs give equal layers
    header.set_cksum();
    tar.append_data(&mut header, path, content).expect("tar entry");
}

/// Runs the `strata` binary with `args` and extra environment variables.
pub fn strata(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_strata"));
    command.args(args).env_remove("DOCKER_CONTEXT");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run strata")
}

/// The JSON a successful `strata … --json` printed.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "strata failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("strata printed JSON")
}

/// busybox with its applets linked into /bin (so `rm`, `touch` and `sh` are there), sleeping
/// until it is told to stop (a restart takes no grace period).
pub const WITH_APPLETS: &str =
    "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n\
CMD [\"/bin/busybox\", \"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 3600 & wait\"]\n";

/// The content and mode of the file at `path` in a container, read through the Engine API
/// (`GET /containers/{id}/archive`); `None` when it is not there.
pub async fn read_back(docker: &Docker, container: &str, path: &str) -> Option<(Vec<u8>, u32)> {
    use futures_util::TryStreamExt;
    let options = bollard::query_parameters::DownloadFromContainerOptionsBuilder::new().path(path).build();
    let bytes: Vec<u8> = docker
        .download_from_container(container, Some(options))
        .try_fold(Vec::new(), |mut all, piece| async move {
            all.extend_from_slice(&piece);
            Ok(all)
        })
        .await
        .ok()?;
    let mut archive = tar::Archive::new(bytes.as_slice());
    let mut entry = archive.entries().ok()?.next()?.ok()?;
    let mode = entry.header().mode().ok()?;
    let mut content = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut content).ok()?;
    Some((content, mode))
}

/// Ends a helper process when the test ends, however it ends; for a process group leader
/// (tauri-driver, which starts WebKitWebDriver, which starts the app) the whole group.
pub struct ChildGuard {
    pub child: std::process::Child,
    pub leads_group: bool,
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.leads_group {
            let group = format!("-{}", self.child.id());
            let _ = std::process::Command::new("kill")
                .args(["-TERM", "--", &group])
                .stderr(std::process::Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits up to 5 s for something to listen on `port`.
pub fn wait_for_port(port: u16) -> bool {
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// The daemon's Unix socket, for tests that put a proxy in front of it.
pub fn daemon_socket() -> std::path::PathBuf {
    let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
    let path = host.strip_prefix("unix://").expect("these tests reach the daemon through a unix socket");
    std::path::PathBuf::from(path)
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
///
/// Ports come from 20000–31999, below the ephemeral range Linux gives outgoing connections by
/// default (32768–60999), so they do not race the tests' own connections for a port between this
/// call and the server's start; one test process never hands out the same port twice, and each
/// starts at its own place in the range. A port any socket holds,
/// in any state (a closed connection waiting out TIME_WAIT too, which a server that does not
/// reuse addresses cannot bind), is passed over.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    static HANDED_OUT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id().wrapping_mul(7_919) % COUNT;
    let held = ports_held();
    loop {
        let n = HANDED_OUT.fetch_add(1, Ordering::Relaxed);
        assert!(n < COUNT, "no free port left in {FIRST}–{}", FIRST + COUNT - 1);
        let port = (FIRST + (start + n) % COUNT) as u16;
        if !held.contains(&port) && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// The local ports of every TCP socket on this machine, whatever its state (Linux's
/// `/proc/net/tcp` and `tcp6`: the second column is `ADDRESS:PORT`, the port in hex).
fn ports_held() -> std::collections::HashSet<u16> {
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .filter_map(|line| line.split_whitespace().nth(1)?.rsplit(':').next().map(str::to_string))
                .filter_map(|port| u16::from_str_radix(&port, 16).ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Waits up to `seconds` for `check` to hold, polling every 100 ms; panics with `what` if it never does.
pub async fn eventually<F: FnMut() -> bool>(seconds: u64, what: &str, mut check: F) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out after {seconds} s waiting for: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
