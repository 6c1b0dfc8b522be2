//! A live view of one daemon, for the desktop app: which endpoint is in use, whether it answers,
//! and its images and containers kept fresh by the daemon's event stream (`/events`) — polling
//! only the container list, and only while the window shows it, since a status's age ("Up 3
//! seconds") changes with no event. When the daemon does not answer, or goes away, the state says so with the error and
//! a hint, and the view reconnects by itself; switching endpoints needs no restart.
//!
//! Consumers watch [`LiveState`] through a `tokio::sync::watch` channel; the app forwards it to
//! the window. Nothing here knows about the window.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use bollard::query_parameters::EventsOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::engine::{self, Connection, Discovery, Endpoint, EngineError, Environment, ServerInfo};
use crate::inventory::{self, shared::LayerCache, ContainerRow, ImageQuery, ImageRow, Inventory};
use crate::problem::Problem;

/// Wait between attempts when the daemon does not answer.
const RETRY_EVERY: Duration = Duration::from_secs(2);
/// Events that arrive close together cause one refresh, this long after the first.
const EVENT_SETTLE: Duration = Duration::from_millis(150);

/// Whether Strata is talking to its daemon.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    /// Trying to reach the daemon, for the first time or after switching endpoints.
    Connecting {
        /// The endpoint being tried.
        endpoint: Endpoint,
    },
    /// Talking to the daemon; the lists follow its events.
    Connected {
        /// The endpoint in use.
        endpoint: Endpoint,
        /// What the daemon said about itself.
        server: ServerInfo,
    },
    /// The daemon did not answer or went away; Strata tries again every few seconds.
    Disconnected {
        /// The endpoint that failed.
        endpoint: Endpoint,
        /// What went wrong, in one line.
        error: String,
        /// What the user can do about it, in one sentence.
        hint: String,
        /// How many attempts in a row have failed (1 after the first failure).
        attempts: u32,
        /// Seconds until the next attempt.
        retry_in_seconds: u64,
    },
}

impl Status {
    /// The endpoint this status is about.
    pub fn endpoint(&self) -> &Endpoint {
        match self {
            Status::Connecting { endpoint }
            | Status::Connected { endpoint, .. }
            | Status::Disconnected { endpoint, .. } => endpoint,
        }
    }
}

/// What the window shows about the daemon; `generation` grows with every change.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LiveState {
    /// 0 at start, one more with every change published.
    pub generation: u64,
    /// Whether the daemon answers, and which endpoint this is about.
    pub status: Status,
    /// How many image rows (one per tag) the inventory holds.
    pub image_count: usize,
    /// How many containers, running or stopped, the inventory holds.
    pub container_count: usize,
    /// The latest lists of images and containers (empty until the first read, and again after a
    /// switch; kept while disconnected). Not sent to the window.
    #[serde(skip)]
    pub inventory: Arc<Inventory>,
}

/// Handle to the live view; cheap to clone.
#[derive(Clone)]
pub struct Live {
    shared: Arc<Shared>,
}

struct Shared {
    discovery: RwLock<Discovery>,
    selected: RwLock<String>,
    connection: RwLock<Option<Connection>>,
    state: watch::Sender<LiveState>,
    switch: Notify,
    /// Asks for the lists again now (after an action of the user's), not only on events.
    refresh: Notify,
    layers: LayerCache,
}

/// Why a watch on a connected daemon ended.
enum Ended {
    Switched,
    Lost(EngineError),
}

impl Live {
    /// Discovers endpoints from the process environment and picks the preferred one (or `choice`).
    /// Returns the handle and the task to spawn on the async runtime; it runs until the program ends.
    pub fn new(choice: Option<String>) -> (Live, impl std::future::Future<Output = ()> + Send + 'static) {
        Live::with_discovery(engine::discover(&Environment::from_process()), choice)
    }

    /// Like [`Live::new`], over endpoints the caller found (tests use it to aim at a socket of
    /// their own).
    pub fn with_discovery(
        discovery: Discovery,
        choice: Option<String>,
    ) -> (Live, impl std::future::Future<Output = ()> + Send + 'static) {
        let selected = choice.unwrap_or_else(|| discovery.preferred.clone());
        let endpoint = discovery.find(&selected).unwrap_or(discovery.preferred_endpoint()).clone();
        let initial = LiveState {
            generation: 0,
            status: Status::Connecting { endpoint },
            image_count: 0,
            container_count: 0,
            inventory: Arc::default(),
        };
        let shared = Arc::new(Shared {
            discovery: RwLock::new(discovery),
            selected: RwLock::new(selected),
            connection: RwLock::new(None),
            state: watch::channel(initial).0,
            switch: Notify::new(),
            refresh: Notify::new(),
            layers: LayerCache::user(),
        });
        let live = Live { shared };
        let task = live.clone().supervise();
        (live, task)
    }

    /// A receiver that sees every new [`LiveState`] as it is published.
    pub fn watch(&self) -> watch::Receiver<LiveState> {
        self.shared.state.subscribe()
    }

    /// The latest state, copied.
    pub fn state(&self) -> LiveState {
        self.shared.state.borrow().clone()
    }

    /// The endpoints found (by the latest discovery) and the preferred one.
    pub fn discovery(&self) -> Discovery {
        self.shared.discovery.read().expect("discovery lock").clone()
    }

    /// The name of the endpoint in use or being tried.
    pub fn selected(&self) -> String {
        self.shared.selected.read().expect("selection lock").clone()
    }

    /// Reads the environment and context files again (after the user edited them).
    pub fn rediscover(&self) {
        *self.shared.discovery.write().expect("discovery lock") = engine::discover(&Environment::from_process());
    }

    /// Switches to the endpoint named `name`, dropping the current connection.
    pub fn select(&self, name: &str) -> Result<(), EngineError> {
        if self.discovery().find(name).is_none() {
            return Err(EngineError::UnusableEndpoint(format!("there is no endpoint named `{name}`")));
        }
        *self.shared.selected.write().expect("selection lock") = name.to_string();
        self.shared.switch.notify_one();
        Ok(())
    }

    /// The client of the current connection, for actions the user takes.
    pub fn client(&self) -> Result<Docker, EngineError> {
        Ok(self.connection()?.docker)
    }

    /// The current connection: its client and the endpoint it reaches.
    pub fn connection(&self) -> Result<Connection, EngineError> {
        self.shared
            .connection
            .read()
            .expect("connection lock")
            .clone()
            .ok_or_else(|| EngineError::NotConnected("Strata is not connected to a daemon right now".into()))
    }

    /// The images of the latest inventory that `query` keeps, in its order.
    pub fn images(&self, query: &ImageQuery) -> Vec<ImageRow> {
        query.apply(&self.shared.state.borrow().inventory.images)
    }

    /// Every container of the latest inventory, running or stopped.
    pub fn containers(&self) -> Vec<ContainerRow> {
        self.shared.state.borrow().inventory.containers.clone()
    }

    /// Every image's layers, as far as known: shared with the window's other screens (cleanup).
    pub fn layer_cache(&self) -> &LayerCache {
        &self.shared.layers
    }

    /// Reads the lists again soon, without waiting for the daemon's events: the window calls it
    /// after the user acts on a container, so the row shows the result even if events lag.
    pub fn refresh_soon(&self) {
        self.shared.refresh.notify_one();
    }

    /// Reads the container list again, outside the event stream: the daemon words a status
    /// relative to now ("Up 3 seconds"), and no event comes as that text ages. The window asks
    /// while it shows the list. A list that has not changed is not published again.
    pub async fn reread_containers(&self) -> Result<(), EngineError> {
        let docker = self.client()?;
        let containers = inventory::fetch_containers(&docker).await?;
        self.shared.state.send_if_modified(|state| {
            if state.inventory.containers == containers || !matches!(state.status, Status::Connected { .. }) {
                return false;
            }
            let mut inventory = (*state.inventory).clone();
            inventory.containers = containers;
            state.container_count = inventory.containers.len();
            state.inventory = Arc::new(inventory);
            state.generation += 1;
            true
        });
        Ok(())
    }

    fn current_endpoint(&self) -> Endpoint {
        let discovery = self.discovery();
        let selected = self.selected();
        discovery.find(&selected).unwrap_or(discovery.preferred_endpoint()).clone()
    }

    fn publish(&self, status: Status, inventory: Option<Inventory>) {
        self.shared.state.send_modify(|state| {
            state.generation += 1;
            state.status = status;
            if let Some(inventory) = inventory {
                state.image_count = inventory.images.len();
                state.container_count = inventory.containers.len();
                state.inventory = Arc::new(inventory);
            }
        });
    }

    async fn supervise(self) {
        let mut attempts = 0u32;
        loop {
            let endpoint = self.current_endpoint();
            // While retrying, the state stays "disconnected" (with the attempt count) so the
            // window does not flicker between the banner and "connecting" every few seconds.
            if attempts == 0 {
                self.publish(Status::Connecting { endpoint: endpoint.clone() }, None);
            }
            let failure = match engine::connect(&endpoint).await {
                Ok(connection) => {
                    attempts = 0;
                    match self.follow(connection).await {
                        Ended::Switched => continue,
                        Ended::Lost(error) => error,
                    }
                }
                Err(error) => error,
            };
            attempts += 1;
            tracing::info!(endpoint = %endpoint.name, %failure, attempts, "daemon not available");
            let status = Status::Disconnected {
                endpoint,
                hint: failure.hint(),
                error: failure.to_string(),
                attempts,
                retry_in_seconds: RETRY_EVERY.as_secs(),
            };
            // The lists stay until another daemon is chosen, shown as stale by the window.
            self.publish(status, None);
            tokio::select! {
                _ = tokio::time::sleep(RETRY_EVERY) => {}
                _ = self.shared.switch.notified() => {
                    attempts = 0;
                    self.publish(Status::Connecting { endpoint: self.current_endpoint() }, Some(Inventory::default()));
                }
            }
        }
    }

    /// Keeps the inventory fresh while the connection lasts.
    async fn follow(&self, connection: Connection) -> Ended {
        let docker = connection.docker.clone();
        let connected = Status::Connected { endpoint: connection.endpoint.clone(), server: connection.server.clone() };
        *self.shared.connection.write().expect("connection lock") = Some(connection);
        let ended = self.follow_events(&docker, connected).await;
        *self.shared.connection.write().expect("connection lock") = None;
        if matches!(ended, Ended::Switched) {
            self.publish(Status::Connecting { endpoint: self.current_endpoint() }, Some(Inventory::default()));
        }
        ended
    }

    async fn follow_events(&self, docker: &Docker, connected: Status) -> Ended {
        let filters = [("type".to_string(), vec!["image".to_string(), "container".to_string()])].into();
        let mut events = docker.events(Some(EventsOptionsBuilder::default().filters(&filters).build()));
        let mut refresh_at = Some(Instant::now());
        loop {
            let deadline = refresh_at.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                biased;
                _ = self.shared.switch.notified() => return Ended::Switched,
                _ = self.shared.refresh.notified() => { refresh_at.get_or_insert_with(|| Instant::now() + EVENT_SETTLE); }
                event = events.next() => match event {
                    Some(Ok(_)) => { refresh_at.get_or_insert_with(|| Instant::now() + EVENT_SETTLE); }
                    Some(Err(error)) => return Ended::Lost(EngineError::from_api(error)),
                    None => return Ended::Lost(EngineError::Transport("the daemon closed its event stream".into())),
                },
                _ = tokio::time::sleep_until(deadline), if refresh_at.is_some() => {
                    refresh_at = None;
                    if let Err(error) = self.refresh(docker, &connected).await {
                        return Ended::Lost(error);
                    }
                }
            }
        }
    }

    async fn refresh(&self, docker: &Docker, connected: &Status) -> Result<(), EngineError> {
        let mut fresh = inventory::fetch(docker).await?;
        let known = self.shared.state.borrow().inventory.clone();
        carry_shared_sizes(&known, &mut fresh);
        self.publish(connected.clone(), Some(fresh.clone()));
        self.shared.layers.fill_shared_sizes(docker, &mut fresh.images).await?;
        self.publish(connected.clone(), Some(fresh));
        Ok(())
    }
}

/// Keeps the shared sizes already known so rows do not flicker to "unknown" on each refresh.
fn carry_shared_sizes(known: &Inventory, fresh: &mut Inventory) {
    let by_key: std::collections::HashMap<&str, Option<u64>> =
        known.images.iter().map(|r| (r.key.as_str(), r.shared_size)).collect();
    for row in &mut fresh.images {
        row.shared_size = by_key.get(row.key.as_str()).copied().flatten();
    }
}
