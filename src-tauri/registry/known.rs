//! The registries the user works with, as the window lists them: every registry the docker config
//! has a sign-in or a helper for, and those the user added in Strata (kept in `registries.json`
//! in Strata's config folder), each once, in name order. One added as `http://HOST` is marked
//! insecure: it is reached over plain HTTP, as a loopback registry is.

use std::path::Path;

use serde::Serialize;

use super::credentials::{configured_registries, DOCKER_HUB};
use crate::names::ImageReference;

/// A registry the window lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct KnownRegistry {
    /// Its host, with the port when it has one (`127.0.0.1:5000`, `docker.io`).
    pub host: String,
    /// Whether the docker config keeps a sign-in (or names a helper) for it.
    pub signed_in: bool,
    /// Marked insecure (added as `http://HOST`): reached over plain HTTP.
    pub insecure: bool,
}

/// Why a registry could not be added.
#[derive(Debug, thiserror::Error)]
pub enum KnownError {
    /// Not a registry host.
    #[error("`{0}` is not a registry's address: write its host, with the port if it has one (registry.example.com, 127.0.0.1:5000)")]
    NotAHost(String),
    /// Not a repository in a registry.
    #[error(
        "`{0}` is not a repository in a registry: write the registry first, as in 127.0.0.1:5000/team/app, with no tag"
    )]
    NotARepository(String),
    /// `registries.json` could not be read or written.
    #[error("{path}: {reason}")]
    Store {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

impl crate::problem::Problem for KnownError {
    fn code(&self) -> crate::problem::ErrorCode {
        match self {
            KnownError::NotAHost(_) | KnownError::NotARepository(_) => crate::problem::ErrorCode::InvalidInput,
            KnownError::Store { .. } => crate::problem::ErrorCode::FileSystem,
        }
    }

    fn hint(&self) -> String {
        match self {
            KnownError::NotAHost(_) => "Leave out https:// and any path".into(),
            KnownError::NotARepository(_) => "`strata registry repos HOST` lists a registry's repositories".into(),
            KnownError::Store { .. } => "Fix or delete the file; Strata writes it again".into(),
        }
    }
}

/// The host `text` names, checked with the one reference parser (`https://` and a trailing `/`
/// are forgiven); Docker Hub, however named (its config key too), is `docker.io`.
pub fn registry_host(text: &str) -> Result<String, KnownError> {
    let trimmed = text.trim().trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
    if text.trim() == DOCKER_HUB || trimmed == "docker.io" || trimmed == "index.docker.io" {
        return Ok("docker.io".into());
    }
    let parsed = ImageReference::parse(&format!("{trimmed}/strata")).ok().and_then(|r| r.registry);
    parsed.filter(|host| host == trimmed).ok_or_else(|| KnownError::NotAHost(text.trim().to_string()))
}

/// `127.0.0.1:5000/team/app` → (`127.0.0.1:5000`, `team/app`), with the one reference parser; a
/// name with no registry (Docker Hub is not browsed this way) or with a tag is refused.
pub fn repository_at(text: &str) -> Result<(String, String), KnownError> {
    let refused = || KnownError::NotARepository(text.trim().to_string());
    let reference = ImageReference::parse(text.trim()).map_err(|_| refused())?;
    if reference.tag.is_some() || reference.digest.is_some() {
        return Err(refused());
    }
    let host = reference.registry.clone().ok_or_else(refused)?;
    Ok((host, reference.path))
}

/// Every registry to list: the docker config's and the ones added in Strata.
pub fn known_registries(docker_config: &Path, strata_config: Option<&Path>) -> Vec<KnownRegistry> {
    let configured: Vec<String> =
        configured_registries(docker_config).iter().filter_map(|key| registry_host(key).ok()).collect();
    let added = strata_config.map(added_registries).unwrap_or_default();
    let insecure = insecure_among(&added);
    let added: Vec<String> = added.iter().filter_map(|entry| registry_host(entry).ok()).collect();
    let mut hosts: Vec<String> = configured.iter().chain(&added).cloned().collect();
    hosts.sort();
    hosts.dedup();
    hosts
        .into_iter()
        .map(|host| KnownRegistry { signed_in: configured.contains(&host), insecure: insecure.contains(&host), host })
        .collect()
}

/// The registries the user marked insecure (added as `http://HOST`) in Strata's config folder.
pub fn insecure_registries(strata_config: &Path) -> Vec<String> {
    insecure_among(&added_registries(strata_config))
}

fn insecure_among(added: &[String]) -> Vec<String> {
    added.iter().filter(|entry| entry.starts_with("http://")).filter_map(|entry| registry_host(entry).ok()).collect()
}

/// Adds `text` (a host, or `http://HOST` for a registry reached over plain HTTP) to the
/// registries Strata lists (it is checked first); gives the host.
pub fn remember_registry(text: &str, strata_config: &Path) -> Result<String, KnownError> {
    let host = registry_host(text)?;
    // Kept as written for an insecure one (`http://HOST`), else as its host.
    let entry = if text.trim().starts_with("http://") { format!("http://{host}") } else { host.clone() };
    let mut added = added_registries(strata_config);
    if !added.contains(&entry) {
        added.retain(|known| registry_host(known).ok().as_deref() != Some(host.as_str()));
        added.push(entry);
        let path = strata_config.join("registries.json");
        let failed = |e: std::io::Error| KnownError::Store { path: path.display().to_string(), reason: e.to_string() };
        std::fs::create_dir_all(strata_config).map_err(failed)?;
        crate::files::write_atomically(&path, |file| serde_json::to_writer_pretty(file, &added).map_err(Into::into))
            .map_err(failed)?;
    }
    Ok(host)
}

/// The registries added in Strata; none when the file is missing or damaged.
fn added_registries(strata_config: &Path) -> Vec<String> {
    std::fs::read(strata_config.join("registries.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_as_users_write_them() {
        assert_eq!(registry_host("127.0.0.1:5000").unwrap(), "127.0.0.1:5000");
        assert_eq!(registry_host(" https://registry.example.com/ ").unwrap(), "registry.example.com");
        assert_eq!(registry_host(DOCKER_HUB).unwrap(), "docker.io");
        for bad in ["", "team/app", "registry.example.com/team", "a b", "http://"] {
            assert!(registry_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_docker_configs_registries_and_the_added_ones_are_listed_once() {
        let docker = tempfile::tempdir().unwrap();
        let strata = tempfile::tempdir().unwrap();
        std::fs::write(
            docker.path().join("config.json"),
            format!(r#"{{"auths": {{"{DOCKER_HUB}": {{}}, "ghcr.io": {{}}}}, "credHelpers": {{"registry.example.com": "pass"}}}}"#),
        )
        .unwrap();
        assert_eq!(remember_registry("127.0.0.1:5000", strata.path()).unwrap(), "127.0.0.1:5000");
        remember_registry("ghcr.io", strata.path()).unwrap();
        let listed = known_registries(docker.path(), Some(strata.path()));
        let hosts: Vec<(&str, bool)> = listed.iter().map(|r| (r.host.as_str(), r.signed_in)).collect();
        assert_eq!(
            hosts,
            [("127.0.0.1:5000", false), ("docker.io", true), ("ghcr.io", true), ("registry.example.com", true)]
        );
        assert!(remember_registry("not a host", strata.path()).is_err());
        // Marked insecure by its scheme, once; marked again as secure, it is not.
        assert_eq!(remember_registry("http://registry.lan:5000", strata.path()).unwrap(), "registry.lan:5000");
        assert_eq!(insecure_registries(strata.path()), ["registry.lan:5000"]);
        let lan =
            known_registries(docker.path(), Some(strata.path())).into_iter().find(|r| r.host == "registry.lan:5000");
        assert!(lan.is_some_and(|r| r.insecure));
        remember_registry("registry.lan:5000", strata.path()).unwrap();
        assert!(insecure_registries(strata.path()).is_empty());
    }
}
