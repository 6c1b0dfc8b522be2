//! Live container stats: the daemon's stats streams read into the figures `docker stats` prints
//! ([`formulas`]), an hour of them kept per container ([`history`]), the streams started and
//! stopped as containers start and stop ([`collector`]), and what each chart of them shows
//! ([`charts`]).

pub mod charts;
pub mod collector;
pub mod formulas;
pub mod history;
pub mod host;

use bollard::query_parameters::{ListContainersOptionsBuilder, StatsOptionsBuilder};
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;

pub use collector::Collector;
pub use formulas::{Rates, Reading};
pub use history::{History, Point};

use crate::engine::EngineError;

/// A running container, as the stats know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Running {
    /// The full container id.
    pub id: String,
    /// Its name, without the leading `/`.
    pub name: String,
}

/// One container's figures at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerStats {
    /// The full container id.
    pub id: String,
    /// Its name, without the leading `/`.
    pub name: String,
    /// Its figures; in JSON they sit beside `id` and `name`.
    #[serde(flatten)]
    pub reading: Reading,
}

/// The running containers, by name.
pub async fn running(docker: &Docker) -> Result<Vec<Running>, EngineError> {
    let options = ListContainersOptionsBuilder::default().all(false).build();
    let mut found: Vec<Running> = docker
        .list_containers(Some(options))
        .await?
        .into_iter()
        .filter_map(|c| {
            let name = c.names.unwrap_or_default().first()?.trim_start_matches('/').to_string();
            Some(Running { id: c.id?, name })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// One reading of every running container, taken side by side (the daemon spends about a second
/// on each, to measure the CPU between two of its own readings), as `docker stats --no-stream`.
pub async fn snapshot(docker: &Docker) -> Result<Vec<ContainerStats>, EngineError> {
    let containers = running(docker).await?;
    let readings = futures_util::future::join_all(containers.iter().map(|c| one_reading(docker, &c.id))).await;
    Ok(containers
        .into_iter()
        .zip(readings)
        // A container that stopped in between has no reading: it is not running any more.
        .filter_map(|(container, reading)| {
            Some(ContainerStats { id: container.id, name: container.name, reading: reading? })
        })
        .collect())
}

async fn one_reading(docker: &Docker, id: &str) -> Option<Reading> {
    let options = StatsOptionsBuilder::default().stream(false).build();
    let stats = docker.stats(id, Some(options)).next().await?.ok()?;
    Some(Reading::of(&stats))
}
