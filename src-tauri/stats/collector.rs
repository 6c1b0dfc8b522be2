//! The stats streams of every running container, one a container (the daemon sends a reading a
//! second on each), started for containers that start and stopped for those that stop. Each
//! reading becomes a point of the container's [`History`]; a stopped container's history stays
//! until it is dismissed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bollard::query_parameters::StatsOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;
use tokio::task::JoinHandle;

use super::formulas::Reading;
use super::history::{History, Point};
use super::Running;

struct Tracked {
    name: String,
    history: History,
    stream: Option<JoinHandle<()>>,
}

/// A container's latest point and how much history it has.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Latest {
    /// The full container id.
    pub id: String,
    /// Its name, without the leading `/`.
    pub name: String,
    /// Whether its stats stream is open; false once it stopped (the history stays).
    pub running: bool,
    /// Its newest point; `None` before the first reading.
    pub point: Option<Point>,
    /// The last reading's totals (network and block I/O since the container started).
    pub reading: Option<Reading>,
    /// How many points its history holds (at most an hour's).
    pub points: usize,
}

/// Streams and histories, shared with the stream tasks.
#[derive(Clone, Default)]
pub struct Collector {
    tracked: Arc<Mutex<HashMap<String, Tracked>>>,
}

impl Collector {
    /// Starts streams for containers that run and have none; stops those of containers that no
    /// longer run (their history stays). Call it whenever the running set may have changed.
    pub fn sync(&self, docker: &Docker, running: &[Running]) {
        let mut tracked = self.tracked.lock().expect("collector lock");
        for (id, entry) in tracked.iter_mut() {
            if !running.iter().any(|r| &r.id == id) {
                if let Some(stream) = entry.stream.take() {
                    stream.abort();
                }
            }
        }
        for container in running {
            let entry = tracked.entry(container.id.clone()).or_insert_with(|| Tracked {
                name: container.name.clone(),
                history: History::default(),
                stream: None,
            });
            if entry.stream.is_none() {
                entry.stream = Some(tokio::spawn(follow(docker.clone(), container.id.clone(), self.tracked.clone())));
            }
        }
    }

    /// Every tracked container's latest point, running ones first, then by name.
    pub fn latest(&self) -> Vec<Latest> {
        let tracked = self.tracked.lock().expect("collector lock");
        let mut rows: Vec<Latest> = tracked
            .iter()
            .map(|(id, entry)| Latest {
                id: id.clone(),
                name: entry.name.clone(),
                running: entry.stream.is_some(),
                point: entry.history.latest().copied(),
                reading: entry.history.last_reading().copied(),
                points: entry.history.len(),
            })
            .collect();
        rows.sort_by(|a, b| b.running.cmp(&a.running).then_with(|| a.name.cmp(&b.name)));
        rows
    }

    /// A copy of one container's points of the last `seconds` (not of its whole hour).
    pub fn window(&self, id: &str, seconds: f64) -> Option<Vec<Point>> {
        let tracked = self.tracked.lock().expect("collector lock");
        Some(tracked.get(id)?.history.window(seconds).copied().collect())
    }

    /// A copy of one container's history.
    pub fn history(&self, id: &str) -> Option<History> {
        self.tracked.lock().expect("collector lock").get(id).map(|entry| entry.history.clone())
    }

    /// Forgets a stopped container's history.
    pub fn dismiss(&self, id: &str) {
        let mut tracked = self.tracked.lock().expect("collector lock");
        if tracked.get(id).is_some_and(|entry| entry.stream.is_none()) {
            tracked.remove(id);
        }
    }
}

/// Reads one container's stream into its history until it ends or is aborted.
async fn follow(docker: Docker, id: String, tracked: Arc<Mutex<HashMap<String, Tracked>>>) {
    let options = StatsOptionsBuilder::default().stream(true).build();
    let mut stream = docker.stats(&id, Some(options));
    while let Some(Ok(stats)) = stream.next().await {
        let reading = Reading::of(&stats);
        match tracked.lock().expect("collector lock").get_mut(&id) {
            Some(entry) => {
                entry.history.push(reading);
            }
            None => return,
        }
    }
    if let Some(entry) = tracked.lock().expect("collector lock").get_mut(&id) {
        entry.stream = None;
    }
}
