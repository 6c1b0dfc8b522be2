//! What cleanup knows of a daemon: its images with their layers, its containers with the bytes of
//! their writable layers, and (only when asked, since the daemon may take minutes to count them)
//! the build cache. Gathered from the image and container lists and each image's history, not from
//! `/system/df`; everything after [`gather`] is pure over these facts.

use std::collections::{BTreeMap, HashMap};

use bollard::models::{ContainerSummary, ContainerSummaryStateEnum, ImageSummary};
use bollard::query_parameters::{ListContainersOptionsBuilder, ListImagesOptionsBuilder};
use bollard::Docker;
use serde::Serialize;

use super::df::{daemon_usage, BuildCacheFacts, DaemonUsage};
use crate::engine::EngineError;
use crate::inventory::shared::{Layer, LayerCache};

/// One image (one id, all its tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageFacts {
    /// The full image id (`sha256:…`).
    pub id: String,
    /// `repository:tag` references; none for a dangling image.
    pub refs: Vec<String>,
    /// Seconds since 1970.
    pub created: i64,
    /// Bottom first, keyed by chain.
    #[serde(skip)]
    pub layers: Vec<Layer>,
    /// The image's labels, by key.
    pub labels: BTreeMap<String, String>,
}

/// One container, running or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerFacts {
    /// The full container id.
    pub id: String,
    /// Its name, without the leading `/`; empty when the daemon gave none.
    pub name: String,
    /// The id of the image it was created from (empty when the daemon did not say).
    pub image_id: String,
    /// Seconds since 1970.
    pub created: i64,
    /// Running, paused or restarting: never removed.
    pub running: bool,
    /// Bytes of its writable layer.
    pub size_rw: u64,
    /// The container's labels, by key.
    pub labels: BTreeMap<String, String>,
}

/// Everything a plan is made from, read at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Every image that is not an intermediate build layer.
    pub images: Vec<ImageFacts>,
    /// Every container, running or stopped.
    pub containers: Vec<ContainerFacts>,
    /// `None` when not asked for.
    pub build_cache: Option<BuildCacheFacts>,
}

impl Facts {
    /// How many containers (running or not) use each image id.
    pub fn users(&self) -> HashMap<&str, Vec<&ContainerFacts>> {
        let mut users: HashMap<&str, Vec<&ContainerFacts>> = HashMap::new();
        for container in &self.containers {
            users.entry(container.image_id.as_str()).or_default().push(container);
        }
        users
    }
}

/// Each layer (by chain) of `images`: its bytes and how many of them use it.
pub fn layer_users(images: &[ImageFacts]) -> HashMap<&str, (u64, usize)> {
    crate::inventory::shared::layer_users(images.iter().map(|image| image.layers.as_slice()))
}

/// Reads images, containers (with their writable-layer sizes) and every image's layers.
pub async fn gather(docker: &Docker, layers: &LayerCache) -> Result<Facts, EngineError> {
    let images_options = ListImagesOptionsBuilder::default().all(false).build();
    let containers_options = ListContainersOptionsBuilder::default().all(true).size(true).build();
    let (images, containers) =
        tokio::try_join!(docker.list_images(Some(images_options)), docker.list_containers(Some(containers_options)))?;
    let ids: Vec<String> = images.iter().map(|i| i.id.clone()).collect();
    let mut layers_by_id = layers.layers_for(docker, &ids).await?;
    Ok(Facts {
        images: images
            .iter()
            // An image removed while its layers were read is left out.
            .filter_map(|image| Some(image_facts(image, layers_by_id.remove(&image.id)?)))
            .collect(),
        containers: containers.iter().filter_map(container_facts).collect(),
        build_cache: None,
    })
}

fn image_facts(image: &ImageSummary, layers: Vec<Layer>) -> ImageFacts {
    let refs = image.repo_tags.iter().filter(|t| t.as_str() != "<none>:<none>").cloned().collect();
    let labels = image.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    ImageFacts { id: image.id.clone(), refs, created: image.created, layers, labels }
}

fn container_facts(container: &ContainerSummary) -> Option<ContainerFacts> {
    use ContainerSummaryStateEnum as State;
    let running = matches!(container.state, Some(State::RUNNING | State::PAUSED | State::RESTARTING | State::REMOVING));
    Some(ContainerFacts {
        id: container.id.clone()?,
        name: container
            .names
            .iter()
            .flatten()
            .next()
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_default(),
        image_id: container.image_id.clone().unwrap_or_default(),
        created: container.created.unwrap_or_default(),
        running,
        size_rw: container.size_rw.unwrap_or(0).max(0) as u64,
        labels: container.labels.iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect(),
    })
}

/// [`gather`], and with `count_all` also the daemon's own accounting (volumes, build cache),
/// which can take the daemon minutes.
pub async fn survey(
    docker: &Docker,
    layers: &LayerCache,
    count_all: bool,
) -> Result<(Facts, Option<DaemonUsage>), EngineError> {
    if !count_all {
        return Ok((gather(docker, layers).await?, None));
    }
    let (mut facts, usage) = tokio::try_join!(gather(docker, layers), daemon_usage(docker))?;
    facts.build_cache = Some(usage.build_cache);
    Ok((facts, Some(usage)))
}

/// Images for the cleanup modules' tests: `chains` are (chain, bytes) bottom first; each layer's
/// command is `make CHAIN`.
#[cfg(test)]
pub(crate) fn test_image(id: &str, refs: &[&str], created: i64, chains: &[(&str, u64)]) -> ImageFacts {
    ImageFacts {
        id: id.into(),
        refs: refs.iter().map(|r| r.to_string()).collect(),
        created,
        layers: chains
            .iter()
            .map(|(c, s)| Layer { chain: c.to_string(), size: *s, command: format!("make {c}") })
            .collect(),
        labels: BTreeMap::new(),
    }
}
