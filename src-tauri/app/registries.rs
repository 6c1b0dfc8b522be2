//! The Registries screen's commands: the registries the user works with (the docker config's and
//! those added here), a registry's repositories and a repository's tags, and signing in — checked
//! against the registry, then saved where the docker CLI would save it; and, for the Images screen,
//! whether each local image is its registry's.

use std::path::PathBuf;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::engine::environment::strata_config_dir;
use crate::engine::Environment;
use crate::inventory::local_copies::{against_registries, local_copies, LocalCopy, RegistryCopy};
use crate::inventory::pull::{pull, PullState};
use crate::live::Live;
use crate::problem::{ErrorCode, Failure};
use crate::project::publish::{tag_and_push, Published};
use crate::registry::known::{known_registries, remember_registry, repository_at, KnownRegistry};
use crate::registry::{Listed, RegistryClient, TagList};

fn docker_config() -> PathBuf {
    Environment::from_process().docker_config_dir
}

/// The registries to list, in name order.
#[tauri::command(async)]
pub fn registries_known() -> Vec<KnownRegistry> {
    known_registries(&docker_config(), strata_config_dir().as_deref())
}

/// Adds a registry to the list (kept for next time); the list as it now is.
#[tauri::command(async)]
pub fn registry_add(host: String) -> Result<Vec<KnownRegistry>, Failure> {
    let folder = strata_config_dir().ok_or_else(|| {
        Failure::new(ErrorCode::FileSystem, "this system names no folder for settings")
            .with_hint("Set STRATA_CONFIG_DIR to a folder Strata may write in")
    })?;
    remember_registry(&host, &folder)?;
    Ok(registries_known())
}

/// The repositories `host` lists (its catalog).
#[tauri::command]
pub async fn registry_repositories(host: String) -> Result<Listed, Failure> {
    Ok(RegistryClient::new(&host, &docker_config())?.repositories().await?)
}

/// A repository's tags, and how the daemon's copy of each compares.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RegistryTags {
    /// The tags, the first ones with their details.
    pub list: TagList,
    /// The daemon's copy of each detailed tag, in the same order; `None` with no daemon.
    pub here: Option<Vec<LocalCopy>>,
}

/// The tags of `repository` (`HOST/PATH`), the first ones with their details, each compared with
/// the daemon's copy when a daemon answers.
#[tauri::command]
pub async fn registry_tags(live: State<'_, Live>, repository: String) -> Result<RegistryTags, Failure> {
    let (host, path) = repository_at(&repository)?;
    let list = RegistryClient::new(&host, &docker_config())?.tag_list(&path).await?;
    let here = match live.client() {
        Ok(docker) => Some(local_copies(&docker, &repository, &list.tags).await),
        Err(_) => None,
    };
    Ok(RegistryTags { list, here })
}

/// For each of the daemon's images named after a registry in the list (`references`:
/// `HOST/PATH:TAG`), how it compares with that registry's tag; other names are left out.
#[tauri::command]
pub async fn images_against_registries(
    live: State<'_, Live>,
    references: Vec<String>,
) -> Result<Vec<RegistryCopy>, Failure> {
    let docker = live.client()?;
    let registries: Vec<String> = registries_known().into_iter().map(|known| known.host).collect();
    Ok(against_registries(&docker, &references, &registries, &docker_config()).await)
}

/// Where a sign-in was saved.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SignedIn {
    /// The registry.
    pub host: String,
    /// The credential helper that keeps it, or the docker config file.
    pub saved_in: String,
}

/// Signs in to `host`: the registry must take the user and password, then they are saved as
/// `docker login` would save them (the credential helper, else the config file).
#[tauri::command]
pub async fn registry_sign_in(host: String, username: String, password: String) -> Result<SignedIn, Failure> {
    let saved_in = RegistryClient::sign_in(&host, &username, &password, &docker_config()).await?;
    Ok(SignedIn { host, saved_in })
}

/// Pulls `reference` (`HOST/REPOSITORY:TAG`) into the daemon, signed in as the docker CLI is;
/// `on_progress` hears each layer's progress, a few times a second at most.
#[tauri::command]
pub async fn registry_pull(
    live: State<'_, Live>,
    reference: String,
    on_progress: Channel<PullState>,
) -> Result<PullState, Failure> {
    let docker = live.client()?;
    let mut last_sent = std::time::Instant::now() - PROGRESS_EVERY;
    let mut send = |state: &PullState| {
        if last_sent.elapsed() >= PROGRESS_EVERY {
            last_sent = std::time::Instant::now();
            let _ = on_progress.send(state.clone());
        }
    };
    Ok(pull(&docker, &reference, &docker_config(), &mut send).await?)
}

/// How often a pull's progress is sent to the window at most.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(150);

/// Tags the local `image` as `target` (`HOST/REPOSITORY:TAG`) and pushes it, signed in as the
/// docker CLI is; `on_status` hears the registry's progress lines.
#[tauri::command]
pub async fn registry_push(
    live: State<'_, Live>,
    image: String,
    target: String,
    on_status: Channel<String>,
) -> Result<Published, Failure> {
    let docker = live.client()?;
    let mut send = |line: String| {
        let _ = on_status.send(line);
    };
    Ok(tag_and_push(&docker, &image, &target, &docker_config(), &mut send).await?)
}
