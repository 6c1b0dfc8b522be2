//! Publishing: pushing a project's tags to their registry, signed in with the credentials the
//! docker CLI saved (`auths` in `~/.docker/config.json`, or `$DOCKER_CONFIG`). Credential helpers
//! (`credsStore`, `credHelpers`) are programs Strata does not run; a registry that needs one is
//! pushed to without credentials, and its refusal is reported as it comes.

use std::path::Path;

use base64::Engine as _;
use bollard::auth::DockerCredentials;
use bollard::query_parameters::PushImageOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::BuildError;
use crate::engine::EngineError;
use crate::names::{split_reference, ImageReference};

/// Where Docker Hub's credentials are kept in `config.json`.
const DOCKER_HUB: &str = "https://index.docker.io/v1/";

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
    let credentials = credentials_for(&registry_of(&repository), docker_config);
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

/// The registry a repository lives on: its first part when that names a host (has a `.` or a
/// `:`, or is `localhost`), else Docker Hub.
pub fn registry_of(repository: &str) -> String {
    let named = ImageReference::parse(repository).ok().and_then(|reference| reference.registry);
    // Docker Hub's credentials are filed under its old address, however the name spells it.
    let named = named.filter(|registry| !matches!(registry.as_str(), "docker.io" | "index.docker.io"));
    named.unwrap_or_else(|| DOCKER_HUB.to_string())
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    auths: std::collections::HashMap<String, AuthEntry>,
}

#[derive(Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// The saved credentials for `registry`, if the docker CLI saved any in `config.json`.
pub fn credentials_for(registry: &str, docker_config: &Path) -> Option<DockerCredentials> {
    let text = std::fs::read_to_string(docker_config.join("config.json")).ok()?;
    let config: ConfigFile = serde_json::from_str(&text).ok()?;
    let bare =
        |key: &str| key.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_string();
    let entry = config.auths.iter().find(|(key, _)| *key == registry || bare(key) == bare(registry))?.1;
    let decoded = base64::engine::general_purpose::STANDARD.decode(entry.auth.as_deref()?.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some(DockerCredentials {
        username: Some(username.to_string()),
        password: Some(password.to_string()),
        serveraddress: Some(registry.to_string()),
        identitytoken: entry.identitytoken.clone(),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_name_their_registry_or_docker_hub() {
        assert_eq!(registry_of("127.0.0.1:5000/team/app"), "127.0.0.1:5000");
        assert_eq!(registry_of("ghcr.io/me/app"), "ghcr.io");
        assert_eq!(registry_of("localhost/app"), "localhost");
        assert_eq!(registry_of("team/app"), DOCKER_HUB);
        assert_eq!(registry_of("app"), DOCKER_HUB);
        assert_eq!(registry_of("docker.io/library/app"), DOCKER_HUB);
    }

    #[test]
    fn saved_credentials_are_read_from_the_docker_config() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("me:s3cret:with-colon");
        std::fs::write(
            dir.path().join("config.json"),
            format!(r#"{{"auths": {{"https://registry.example.com/": {{"auth": "{auth}"}}, "{DOCKER_HUB}": {{}}}}}}"#),
        )
        .unwrap();
        let found = credentials_for("registry.example.com", dir.path()).unwrap();
        assert_eq!((found.username.as_deref(), found.password.as_deref()), (Some("me"), Some("s3cret:with-colon")));
        assert!(credentials_for(DOCKER_HUB, dir.path()).is_none(), "an entry without auth (a helper's) gives none");
        assert!(credentials_for("other.example.com", dir.path()).is_none());
    }
}
