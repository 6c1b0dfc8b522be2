//! Publishing: pushing a project's tags to their registry through the daemon, signed in as the
//! docker CLI would be (`~/.docker/config.json` or `$DOCKER_CONFIG`: its credential helpers, then
//! `auths`; [`crate::registry::credentials`]); and any local image tagged for a registry and
//! pushed there, from the Registries screen.

use std::path::Path;

use bollard::query_parameters::{PushImageOptionsBuilder, TagImageOptionsBuilder};
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;

use super::BuildError;
use crate::engine::EngineError;
use crate::names::split_reference;
use crate::registry::{credentials_for, registry_of};

/// A pushed tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Published {
    /// The reference pushed, as given (`name:tag`).
    pub reference: String,
    /// The manifest digest the registry stored, when it said.
    pub digest: Option<String>,
}

/// Pushes `reference`; `on_status` hears the registry's progress lines.
pub async fn push(
    docker: &Docker,
    reference: &str,
    docker_config: &Path,
    on_status: &mut (dyn FnMut(String) + Send),
) -> Result<Published, BuildError> {
    let (repository, tag) = split_reference(reference);
    let registry = registry_of(&repository);
    let credential = credentials_for(&registry, docker_config).map_err(|e| BuildError::PushFailed(e.to_string()))?;
    let credentials = credential.map(|credential| credential.for_daemon(&registry));
    let options = PushImageOptionsBuilder::default().tag(&tag).build();
    let mut stream = docker.push_image(&repository, Some(options), credentials);
    let mut digest = None;
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| match e {
            bollard::errors::Error::DockerStreamError { error } => BuildError::PushFailed(error),
            other => BuildError::Engine(EngineError::from_api(other)),
        })?;
        if let Some(message) = info.error_detail.and_then(|d| d.message) {
            return Err(BuildError::PushFailed(message));
        }
        if let Some(status) = info.status {
            if let Some(found) = status.split("digest: ").nth(1).and_then(|rest| rest.split_whitespace().next()) {
                digest = Some(found.to_string());
            }
            on_status(status);
        }
    }
    Ok(Published { reference: reference.to_string(), digest })
}

/// Tags the local image `image` as `target` (`HOST/REPOSITORY:TAG`, which must name its registry)
/// and pushes it, as the Registries screen's *Push* does.
pub async fn tag_and_push(
    docker: &Docker,
    image: &str,
    target: &str,
    docker_config: &Path,
    on_status: &mut (dyn FnMut(String) + Send),
) -> Result<Published, BuildError> {
    crate::names::check_image(image).map_err(BuildError::Engine)?;
    let named = crate::names::ImageReference::parse(target).map_err(BuildError::Engine)?;
    if named.registry.is_none() || named.digest.is_some() {
        return Err(BuildError::PushFailed(format!(
            "`{target}` must name a registry and a tag, as in 127.0.0.1:5000/team/app:1"
        )));
    }
    let (repository, tag) = split_reference(target);
    let options = TagImageOptionsBuilder::default().repo(&repository).tag(&tag).build();
    docker.tag_image(image, Some(options)).await.map_err(|e| BuildError::Engine(EngineError::from_api(e)))?;
    push(docker, target, docker_config, on_status).await
}
