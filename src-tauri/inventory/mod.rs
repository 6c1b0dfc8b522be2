//! What a daemon holds right now: its images and containers as rows ready to show, the sizes
//! shared between images, the container actions (start, stop, kill, remove, logs), and whether
//! the daemon's copy of a registry's tag is the registry's ([`local_copies`]), and pulling one
//! with each layer's progress ([`pull`]).
//!
//! Building rows, filtering and sorting are pure functions over the daemon's lists, so they are
//! tested on plain data; only [`fetch`] and the actions in [`containers`] call the daemon.

pub mod containers;
pub mod images;
pub mod local_copies;
pub mod pull;
pub mod shared;

use bollard::query_parameters::{ListContainersOptionsBuilder, ListImagesOptionsBuilder};
use bollard::Docker;
use serde::Serialize;

pub use containers::{ContainerAction, ContainerRow};
pub use images::{comparison_choices, ImageQuery, ImageRow, ImageSort};

use crate::engine::EngineError;

/// Images and containers of one daemon, read at one moment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// One row per tag (one for an untagged image), in the daemon's order.
    pub images: Vec<ImageRow>,
    /// Every container, running or not: newest first.
    pub containers: Vec<ContainerRow>,
}

/// Reads the container list alone (one quick call), rows as [`fetch`] makes them.
pub async fn fetch_containers(docker: &Docker) -> Result<Vec<ContainerRow>, EngineError> {
    let options = ListContainersOptionsBuilder::default().all(true).build();
    Ok(containers::container_rows(&docker.list_containers(Some(options)).await?))
}

/// Reads the image and container lists (two quick calls; shared sizes come later, see [`shared`]).
pub async fn fetch(docker: &Docker) -> Result<Inventory, EngineError> {
    let images_options = ListImagesOptionsBuilder::default().all(false).build();
    let containers_options = ListContainersOptionsBuilder::default().all(true).build();
    let (images, containers) =
        tokio::try_join!(docker.list_images(Some(images_options)), docker.list_containers(Some(containers_options)),)?;
    Ok(Inventory {
        images: images::image_rows(&images, &containers),
        containers: containers::container_rows(&containers),
    })
}

/// The first 12 hex digits of an id, as the docker CLI shows it.
pub fn short_id(id: &str) -> String {
    id.trim_start_matches("sha256:").chars().take(12).collect()
}
