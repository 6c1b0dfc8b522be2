//! A container as a source (`container://NAME`): what it has written — added, changed and
//! deleted against its image — read as one more layer on top of the image's. The daemon names the
//! paths (`GET /containers/{id}/changes`); their entries are taken from the container's export
//! (`GET /containers/{id}/export`, its whole filesystem, read as it arrives and passed over where
//! nothing changed), so a changed file is hashed, scanned and shown like any layer's; a deleted
//! path becomes a whiteout.

use std::collections::HashSet;

use bollard::models::{ChangeType, ContainerInspectResponse};

use super::export::container_export_reader;
use super::layer::read_layer_where;
use super::{ImageError, LayerChange, TreePath};
use crate::engine::{Connection, EngineError};

/// The prefix of the writable layer's digest and source: it has no digest of its own.
pub const WRITABLE_LAYER: &str = "container:";

/// The container `name` as the daemon describes it (its id and its image's id).
pub async fn inspect_container(daemon: &Connection, name: &str) -> Result<ContainerInspectResponse, ImageError> {
    crate::names::check_container(name).map_err(ImageError::Engine)?;
    daemon.docker.inspect_container(name, None).await.map_err(|e| ImageError::Engine(EngineError::from_api(e)))
}

/// What the container `id` wrote, as a layer: entries for what it added or changed, whiteouts for
/// what it deleted.
pub async fn writable_layer(daemon: &Connection, id: &str) -> Result<Vec<LayerChange>, ImageError> {
    crate::names::check_container(id).map_err(ImageError::Engine)?;
    let changed =
        daemon.docker.container_changes(id).await.map_err(|e| ImageError::Engine(EngineError::from_api(e)))?;
    let mut wanted = HashSet::new();
    let mut deleted = Vec::new();
    for change in changed.unwrap_or_default() {
        let path = TreePath::parse(change.path.as_bytes())?;
        match change.kind {
            ChangeType::_2 => deleted.push(LayerChange::Whiteout(path)),
            ChangeType::_0 | ChangeType::_1 => {
                wanted.insert(path);
            }
        }
    }
    let mut layer = Vec::new();
    if !wanted.is_empty() {
        let export = container_export_reader(daemon, id);
        layer = tokio::task::spawn_blocking(move || read_layer_where(export, |path| wanted.contains(path)))
            .await
            .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))??;
    }
    layer.extend(deleted);
    Ok(layer)
}

/// The digest and source names of container `id`'s writable layer.
pub fn writable_layer_name(id: &str) -> String {
    format!("{WRITABLE_LAYER}{id}")
}
