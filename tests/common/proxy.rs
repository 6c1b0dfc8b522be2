//! A Unix-socket proxy in front of the real daemon, so a test can make "the daemon" vanish and
//! come back without touching the daemon every other program on the machine uses.

use std::path::{Path, PathBuf};

use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinSet;

pub struct DaemonProxy {
    pub socket: PathBuf,
    target: PathBuf,
    tasks: Option<JoinSet<()>>,
}

impl DaemonProxy {
    /// A proxy that will listen on `socket` and forward to the daemon's socket `target`; not yet up.
    pub fn new(socket: &Path, target: &Path) -> DaemonProxy {
        DaemonProxy { socket: socket.to_path_buf(), target: target.to_path_buf(), tasks: None }
    }

    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Starts accepting connections.
    pub fn up(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
        let listener = UnixListener::bind(&self.socket).expect("bind the proxy socket");
        let target = self.target.clone();
        let mut tasks = JoinSet::new();
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                connections.spawn(async move {
                    if let Ok(mut daemon) = UnixStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut daemon).await;
                    }
                });
            }
        });
        self.tasks = Some(tasks);
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
