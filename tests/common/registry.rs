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

/// A TCP proxy in front of a registry on 127.0.0.1 (plain HTTP, which Strata allows for loopback
/// registries), so a test can count the requests Strata makes and break a transfer mid-blob.
pub struct RegistryProxy {
    /// `127.0.0.1:PORT`, the registry's address through the proxy.
    pub address: String,
    sent: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    /// The next answer longer than this many bytes is cut there (once), as a network dropping
    /// mid-transfer would.
    cut_once_after: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RegistryProxy {
    /// A proxy to the registry at `target` (`127.0.0.1:PORT`), accepting connections.
    pub fn to(target: &str) -> RegistryProxy {
        use std::sync::atomic::{AtomicU64, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        // Its own thread and runtime, so it serves whatever runtime (or none) the test runs in; it
        // ends with the test process.
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let address = std_listener.local_addr().unwrap().to_string();
        let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let cut_once_after = std::sync::Arc::new(AtomicU64::new(u64::MAX));
        let (target, sent_by_clients, cut) = (target.to_string(), sent.clone(), cut_once_after.clone());
        let serve = async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            while let Ok((client, _)) = listener.accept().await {
                let (target, sent, cut) = (target.clone(), sent_by_clients.clone(), cut.clone());
                tokio::spawn(async move {
                    let Ok(registry) = tokio::net::TcpStream::connect(&target).await else { return };
                    let (mut client_reads, mut client_writes) = client.into_split();
                    let (mut registry_reads, mut registry_writes) = registry.into_split();
                    let upstream = async {
                        let mut buffer = vec![0u8; 16 * 1024];
                        while let Ok(read) = client_reads.read(&mut buffer).await {
                            if read == 0 || registry_writes.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                            sent.lock().unwrap().extend_from_slice(&buffer[..read]);
                        }
                    };
                    let downstream = async {
                        let mut buffer = vec![0u8; 16 * 1024];
                        let mut passed = 0u64;
                        while let Ok(read) = registry_reads.read(&mut buffer).await {
                            passed += read as u64;
                            let limit = cut.load(Ordering::SeqCst);
                            if read == 0 || passed > limit {
                                if passed > limit {
                                    cut.store(u64::MAX, Ordering::SeqCst);
                                }
                                break;
                            }
                            if client_writes.write_all(&buffer[..read]).await.is_err() {
                                break;
                            }
                        }
                    };
                    tokio::select! {
                        _ = async { tokio::join!(upstream, std::future::pending::<()>()) } => {}
                        _ = downstream => {}
                    }
                });
            }
        };
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            runtime.block_on(serve);
        });
        RegistryProxy { address, sent, cut_once_after }
    }

    /// Cuts the next connection whose answers pass `bytes`, once.
    pub fn cut_once_after(&self, bytes: u64) {
        self.cut_once_after.store(bytes, std::sync::atomic::Ordering::SeqCst);
    }

    /// The request lines sent so far (`GET /v2/team/app/blobs/sha256:… HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        String::from_utf8_lossy(&sent)
            .lines()
            .filter(|line| ["GET ", "HEAD ", "POST ", "PUT ", "PATCH "].iter().any(|m| line.starts_with(m)))
            .map(str::to_string)
            .collect()
    }

    /// How many blobs were asked for so far, and the range requests among them.
    pub fn blob_requests(&self) -> (usize, usize) {
        let sent = self.sent.lock().unwrap();
        let text = String::from_utf8_lossy(&sent);
        let blobs = text.lines().filter(|l| l.starts_with("GET ") && l.contains("/blobs/")).count();
        let ranges =
            text.lines().filter(|l| l.to_ascii_lowercase().starts_with("range: bytes=") && !l.ends_with("=0-")).count();
        (blobs, ranges)
    }

    /// Forgets the requests seen so far.
    pub fn clear(&self) {
        self.sent.lock().unwrap().clear();
    }
}
