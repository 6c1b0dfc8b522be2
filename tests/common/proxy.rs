//! A Unix-socket proxy in front of the real daemon, so a test can make "the daemon" vanish and
//! come back without touching the daemon every other program on the machine uses.

use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinSet;

pub struct DaemonProxy {
    pub socket: PathBuf,
    target: PathBuf,
    tasks: Option<JoinSet<()>>,
    /// What clients sent, so a test can tell which requests were made.
    sent: Arc<Mutex<Vec<u8>>>,
    /// Each connection's answer is cut (the connection closed) after this many bytes, as a daemon
    /// stopping mid-stream would.
    cut_after: Arc<AtomicU64>,
}

impl DaemonProxy {
    /// A proxy that will listen on `socket` and forward to the daemon's socket `target`; not yet up.
    pub fn new(socket: &Path, target: &Path) -> DaemonProxy {
        DaemonProxy {
            socket: socket.to_path_buf(),
            target: target.to_path_buf(),
            tasks: None,
            sent: Arc::default(),
            cut_after: Arc::new(AtomicU64::new(u64::MAX)),
        }
    }

    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// From now on, answers longer than `bytes` are cut there: the connection closes mid-body.
    pub fn cut_answers_after(&self, bytes: u64) {
        self.cut_after.store(bytes, Ordering::SeqCst);
    }

    /// Starts accepting connections.
    pub fn up(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
        let listener = UnixListener::bind(&self.socket).expect("bind the proxy socket");
        let target = self.target.clone();
        let sent = self.sent.clone();
        let cut_after = self.cut_after.clone();
        let mut tasks = JoinSet::new();
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((client, _)) = listener.accept().await {
                let target = target.clone();
                let sent = sent.clone();
                let limit = cut_after.load(Ordering::SeqCst);
                connections.spawn(async move {
                    if let Ok(daemon) = UnixStream::connect(&target).await {
                        let (mut client_reads, mut client_writes) = tokio::io::split(client);
                        let (mut daemon_reads, mut daemon_writes) = tokio::io::split(daemon);
                        let upstream = async {
                            let mut buffer = vec![0u8; 16 * 1024];
                            while let Ok(read) = client_reads.read(&mut buffer).await {
                                if read == 0 || daemon_writes.write_all(&buffer[..read]).await.is_err() {
                                    break;
                                }
                                sent.lock().unwrap().extend_from_slice(&buffer[..read]);
                            }
                            let _ = daemon_writes.shutdown().await;
                        };
                        let downstream = async {
                            let mut answered = (&mut daemon_reads).take(limit);
                            let _ = tokio::io::copy(&mut answered, &mut client_writes).await;
                            let _ = client_writes.shutdown().await;
                        };
                        // A cut answer ends the connection, whatever the client still sends.
                        tokio::select! {
                            _ = async { tokio::join!(upstream, std::future::pending::<()>()) } => {}
                            _ = downstream => {}
                        }
                    }
                });
            }
        });
        self.tasks = Some(tasks);
    }

    /// The request lines clients sent so far (`GET /v1.41/images/json HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        String::from_utf8_lossy(&sent)
            .lines()
            .filter(|line| ["GET ", "POST ", "DELETE ", "HEAD ", "PUT "].iter().any(|m| line.starts_with(m)))
            .map(str::to_string)
            .collect()
    }

    /// Closes the socket and every open connection, as a stopped daemon would.
    pub fn down(&mut self) {
        if let Some(mut tasks) = self.tasks.take() {
            tasks.abort_all();
        }
        let _ = std::fs::remove_file(&self.socket);
    }
}

impl Drop for DaemonProxy {
    fn drop(&mut self) {
        self.down();
    }
}
