//! Pulling a registry's tag into the daemon (`POST /images/create`), signed in as the docker CLI
//! would be, with each layer's progress as the daemon tells it: waiting, downloading (bytes of
//! bytes), extracting, done. The daemon does the work; this reads its stream into one state per
//! layer, so the window draws a bar for each.

use std::path::Path;

use bollard::query_parameters::CreateImageOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;

use crate::engine::EngineError;
use crate::names::split_reference;
use crate::registry::{credentials_for, registry_of, RegistryError};

/// One layer's progress in a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LayerPull {
    /// The daemon's short id for the layer (the first 12 digits of its blob's digest).
    pub layer: String,
    /// The daemon's word for where it is: "Waiting", "Downloading", "Extracting", "Pull complete"…
    pub status: String,
    /// Bytes done of this step, when the daemon counts them.
    pub current: u64,
    /// Bytes of this step in all, when known.
    pub total: Option<u64>,
}

/// What a pull has done so far: each layer, in the order the daemon first named them, and its
/// last word on the image ("Digest: …", "Status: Downloaded newer image for …").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PullState {
    /// The layers.
    pub layers: Vec<LayerPull>,
    /// The daemon's latest line about the whole image.
    pub status: String,
}

impl PullState {
    /// Takes one line of the daemon's stream in.
    fn take(&mut self, id: Option<String>, status: Option<String>, current: Option<i64>, total: Option<i64>) {
        let status = status.unwrap_or_default();
        let Some(layer) = id.filter(|id| id.len() == 12 && id.chars().all(|c| c.is_ascii_hexdigit())) else {
            self.status = status;
            return;
        };
        let (current, total) =
            (current.and_then(|c| u64::try_from(c).ok()).unwrap_or(0), total.and_then(|t| u64::try_from(t).ok()));
        match self.layers.iter_mut().find(|l| l.layer == layer) {
            Some(known) => *known = LayerPull { layer, status, current, total: total.or(known.total) },
            None => self.layers.push(LayerPull { layer, status, current, total }),
        }
    }
}

/// Pulls `reference` (`HOST/REPOSITORY:TAG`) into the daemon; `on_progress` hears the state after
/// each line of the daemon's stream. A refusal or failure is the daemon's words.
pub async fn pull(
    docker: &Docker,
    reference: &str,
    docker_config: &Path,
    on_progress: &mut (dyn FnMut(&PullState) + Send),
) -> Result<PullState, PullError> {
    crate::names::check_image(reference).map_err(PullError::Engine)?;
    let (repository, tag) = split_reference(reference);
    let registry = registry_of(&repository);
    let credential = credentials_for(&registry, docker_config).map_err(RegistryError::from)?;
    let credentials = credential.map(|credential| credential.for_daemon(&registry));
    // A reference pinned by digest is pulled as it is written; the daemon takes `repo@sha256:…`.
    let options = match reference.contains('@') {
        true => CreateImageOptionsBuilder::default().from_image(reference).build(),
        false => CreateImageOptionsBuilder::default().from_image(&repository).tag(&tag).build(),
    };
    let mut stream = docker.create_image(Some(options), None, credentials);
    let mut state = PullState::default();
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| match e {
            bollard::errors::Error::DockerStreamError { error } => PullError::Refused(error),
            other => PullError::Engine(EngineError::from_api(other)),
        })?;
        if let Some(message) = info.error_detail.and_then(|d| d.message) {
            return Err(PullError::Refused(message));
        }
        let (current, total) = info.progress_detail.map(|p| (p.current, p.total)).unwrap_or_default();
        state.take(info.id, info.status, current, total);
        on_progress(&state);
    }
    Ok(state)
}

/// Why a pull failed.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// The daemon could not be asked.
    #[error(transparent)]
    Engine(EngineError),
    /// The saved sign-in could not be read.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The daemon or the registry refused, in their words.
    #[error("the pull failed: {0}")]
    Refused(String),
}

impl crate::problem::Problem for PullError {
    fn code(&self) -> crate::problem::ErrorCode {
        match self {
            PullError::Engine(error) => error.code(),
            PullError::Registry(error) => error.code(),
            PullError::Refused(_) => crate::problem::ErrorCode::RegistryFailed,
        }
    }

    fn hint(&self) -> String {
        match self {
            PullError::Engine(error) => error.hint(),
            PullError::Registry(error) => error.hint(),
            PullError::Refused(_) => {
                "The daemon pulls on its own: it must reach the registry, trust its certificate (/etc/docker/certs.d) and have your sign-in".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layer_keeps_its_last_step_and_the_image_its_last_line() {
        let mut state = PullState::default();
        let line = |s: &mut PullState, id: &str, status: &str, current: Option<i64>, total: Option<i64>| {
            s.take(Some(id.to_string()), Some(status.to_string()), current, total)
        };
        line(&mut state, "1", "Pulling from team/app", None, None);
        line(&mut state, "aaaaaaaaaaaa", "Pulling fs layer", None, None);
        line(&mut state, "bbbbbbbbbbbb", "Waiting", None, None);
        line(&mut state, "aaaaaaaaaaaa", "Downloading", Some(512), Some(2048));
        line(&mut state, "aaaaaaaaaaaa", "Pull complete", None, None);
        state.take(None, Some("Status: Downloaded newer image for 127.0.0.1:5000/team/app:1".into()), None, None);
        assert_eq!(state.layers.len(), 2, "{state:?}");
        assert_eq!(
            state.layers[0],
            LayerPull { layer: "aaaaaaaaaaaa".into(), status: "Pull complete".into(), current: 0, total: Some(2048) }
        );
        assert_eq!(state.layers[1].status, "Waiting");
        assert!(state.status.starts_with("Status: Downloaded newer image"));
    }
}
