//! Replacing a project's container with one of its new image, as `docker compose up` does after a
//! build: the container is stopped and removed, and made again under the same name with the same
//! settings (command, environment, ports, mounts, restart policy, network mode) from the new
//! image, then started.

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use bollard::Docker;

use super::BuildError;
use crate::engine::EngineError;

/// Seconds a container has to stop before it is killed.
const STOP_SECONDS: i32 = 10;

/// Recreates the container `name` from `image`; returns the new container's id.
pub async fn restart_with(docker: &Docker, name: &str, image: &str) -> Result<String, BuildError> {
    let engine = |e| BuildError::Engine(EngineError::from_api(e));
    let current = docker.inspect_container(name, None).await.map_err(|e| BuildError::NoContainerToRestart {
        name: name.to_string(),
        reason: EngineError::from_api(e).to_string(),
    })?;
    let mut body: ContainerCreateBody = match &current.config {
        // The inspected config and the create body share their fields (and their JSON names).
        Some(config) => serde_json::to_value(config).and_then(serde_json::from_value).unwrap_or_default(),
        None => ContainerCreateBody::default(),
    };
    body.image = Some(image.to_string());
    body.host_config = current.host_config.clone();
    let stop = StopContainerOptionsBuilder::default().t(STOP_SECONDS).build();
    let _ = docker.stop_container(name, Some(stop)).await;
    docker
        .remove_container(name, Some(RemoveContainerOptionsBuilder::default().force(true).build()))
        .await
        .map_err(engine)?;
    let options = CreateContainerOptionsBuilder::default().name(name.trim_start_matches('/')).build();
    let created = docker.create_container(Some(options), body).await.map_err(engine)?;
    docker
        .start_container(&created.id, None::<bollard::query_parameters::StartContainerOptions>)
        .await
        .map_err(engine)?;
    Ok(created.id)
}
