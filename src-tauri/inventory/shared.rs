//! Shared size: the bytes of an image's layers that at least one other local image also uses
//! (Docker's `SharedSize`), computed without `/system/df`, which can take minutes on a busy host.
//!
//! Two images share a layer exactly when their layer stacks agree up to and including it, so
//! each layer is keyed by the digest of its stack prefix (its "chain"). Per-layer sizes come from
//! the image history. Both are fixed for an image id (the id is the digest of the config that
//! lists them), so they are fetched once per id and cached: in memory, and for the user's cache
//! ([`LayerCache::user`]) also on disk, so a new `strata` process plans over a thousand images
//! without asking the daemon about each again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use bollard::Docker;
use futures_util::StreamExt;

use super::ImageRow;
use crate::engine::EngineError;
pub use crate::image::history::{chain_layers, Layer};

/// Layer lists by image id, filled as images are first seen.
#[derive(Debug, Default)]
pub struct LayerCache {
    by_image: Mutex<HashMap<String, Vec<Layer>>>,
    /// The file the lists are kept in between runs, if any.
    file: Option<PathBuf>,
}

/// The file's name; the number changes when [`Layer`] does.
const FILE_NAME: &str = "image-layers-v1.json";

impl LayerCache {
    /// A cache kept in the user's cache folder (the one the layer index uses).
    pub fn user() -> LayerCache {
        LayerCache::stored_at(crate::image::cache::user_cache_dir().map(|dir| dir.join(FILE_NAME)))
    }

    /// A cache read from and written to `file` (none: memory only). A missing or unreadable
    /// file is an empty cache: everything in it can be asked again.
    pub fn stored_at(file: Option<PathBuf>) -> LayerCache {
        let stored = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        LayerCache { by_image: Mutex::new(stored), file }
    }

    /// Writes the lists of `ids` (the images there are now) to the file; others are dropped.
    fn store(&self, ids: &[String]) {
        let Some(file) = &self.file else { return };
        let json = {
            let cache = self.by_image.lock().expect("layer cache lock");
            let kept: HashMap<&String, &Vec<Layer>> =
                ids.iter().filter_map(|id| cache.get(id).map(|layers| (id, layers))).collect();
            serde_json::to_vec(&kept)
        };
        let Ok(json) = json else { return };
        // Another strata writing at the same time never leaves half a file. Failing to write only
        // costs the next run some requests.
        let _ = crate::files::write_atomically(file, |out| out.write_all(&json));
    }

    /// Sets `shared_size` on every row, fetching layer lists for image ids not yet cached.
    /// An image that vanished meanwhile keeps `None`.
    pub async fn fill_shared_sizes(&self, docker: &Docker, rows: &mut [ImageRow]) -> Result<(), EngineError> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let layers = self.layers_for(docker, &ids).await?;
        let present: HashMap<&str, &[Layer]> = layers.iter().map(|(id, l)| (id.as_str(), l.as_slice())).collect();
        let shared = shared_sizes(&present);
        for row in rows.iter_mut() {
            row.shared_size = shared.get(row.id.as_str()).copied();
        }
        Ok(())
    }

    /// The layers of each image in `ids`, fetching those not yet cached; an image that vanished
    /// meanwhile is left out.
    pub async fn layers_for(
        &self,
        docker: &Docker,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<Layer>>, EngineError> {
        let mut ids: Vec<String> = ids.to_vec();
        ids.sort();
        ids.dedup();
        let missing: Vec<String> = {
            let cache = self.by_image.lock().expect("layer cache lock");
            ids.iter().filter(|id| !cache.contains_key(*id)).cloned().collect()
        };
        // A few requests in flight at once: the daemon answers each in about a millisecond, so
        // this keeps a first look at a thousand images to a fraction of a second.
        let fetching = !missing.is_empty();
        let mut fetched = futures_util::stream::iter(missing)
            .map(|id: String| async move {
                let layers = layers_of(docker, &id).await;
                (id, layers)
            })
            .buffer_unordered(16);
        while let Some((id, result)) = fetched.next().await {
            match result {
                Ok(layers) => {
                    self.by_image.lock().expect("layer cache lock").insert(id, layers);
                }
                Err(EngineError::Daemon { status: 404, .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        if fetching {
            self.store(&ids);
        }
        let cache = self.by_image.lock().expect("layer cache lock");
        Ok(ids.into_iter().filter_map(|id| cache.get(&id).map(|l| (id, l.clone()))).collect())
    }
}

/// Each layer (by chain) of the given images' layer lists: its bytes and how many images use it.
pub fn layer_users<'a>(images: impl IntoIterator<Item = &'a [Layer]>) -> HashMap<&'a str, (u64, usize)> {
    let mut users: HashMap<&str, (u64, usize)> = HashMap::new();
    for layers in images {
        for layer in layers {
            users.entry(layer.chain.as_str()).or_insert((layer.size, 0)).1 += 1;
        }
    }
    users
}

/// For each image, the summed size of its layers that another image in `images` also has.
pub fn shared_sizes<'a>(images: &HashMap<&'a str, &[Layer]>) -> HashMap<&'a str, u64> {
    let users = layer_users(images.values().copied());
    images
        .iter()
        .map(|(id, layers)| {
            let shared = layers.iter().filter(|l| users[l.chain.as_str()].1 > 1).map(|l| l.size).sum();
            (*id, shared)
        })
        .collect()
}

async fn layers_of(docker: &Docker, id: &str) -> Result<Vec<Layer>, EngineError> {
    let (inspect, history) = tokio::try_join!(docker.inspect_image(id), docker.image_history(id))?;
    let diff_ids = inspect.root_fs.and_then(|fs| fs.layers).unwrap_or_default();
    Ok(chain_layers(&diff_ids, &history))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(created_by: &str, size: i64) -> bollard::models::ImageHistoryResponseItem {
        bollard::models::ImageHistoryResponseItem { created_by: created_by.into(), size, ..Default::default() }
    }

    #[test]
    fn the_cache_file_keeps_the_lists_of_the_images_there_are() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("layers.json");
        let cache = LayerCache::stored_at(Some(file.clone()));
        let layers = chain_layers(&["d1".into()], &[step("COPY a /", 100)]);
        cache.by_image.lock().unwrap().insert("here".into(), layers.clone());
        cache.by_image.lock().unwrap().insert("gone".into(), layers.clone());
        cache.store(&["here".to_string()]);
        let again = LayerCache::stored_at(Some(file.clone()));
        let stored = again.by_image.lock().unwrap().clone();
        assert_eq!(stored, HashMap::from([("here".to_string(), layers)]), "the removed image is dropped");
        std::fs::write(&file, "{ not json").unwrap();
        assert!(
            LayerCache::stored_at(Some(file)).by_image.lock().unwrap().is_empty(),
            "a broken file is an empty cache"
        );
    }

    #[test]
    fn shared_size_counts_only_layers_another_image_has() {
        let base = chain_layers(&["base".into()], &[step("COPY a /", 100)]);
        let app = chain_layers(&["base".into(), "app".into()], &[step("COPY b /", 30), step("COPY a /", 100)]);
        let other = chain_layers(&["other".into(), "app".into()], &[step("COPY b /", 30), step("COPY c /", 7)]);
        let images: HashMap<&str, &[Layer]> = [("base", &base[..]), ("app", &app[..]), ("other", &other[..])].into();
        let shared = shared_sizes(&images);
        assert_eq!(shared["base"], 100);
        assert_eq!(shared["app"], 100, "the top layer has the same diff id as other's, but not the same chain");
        assert_eq!(shared["other"], 0);
    }
}
