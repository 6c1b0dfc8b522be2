//! An image read straight from a registry (`registry://HOST/REPOSITORY:TAG`), with no daemon and
//! nothing written to disk: the manifest and config first, then each layer's blob decompressed
//! and indexed as it arrives, by the same layer reader as an export. Layers the index cache holds
//! — read before from the daemon, an archive or a registry — are not fetched at all, so a second
//! look costs the manifest and the config.

use std::io::BufReader;

use tokio_util::io::{StreamReader, SyncIoBridge};

use super::archive::{classify, decompress, Body, Image, Layer, LAYER_BUFFER_BYTES};
use super::{read_layer, ImageError, IndexCache, LayerChange};
use crate::engine::Environment;
use crate::names::ImageReference;
use crate::progress::{ProgressReader, Reporter};
use crate::registry::{RegistryClient, RemoteImage};

/// Reads the image `text` (`HOST/REPOSITORY[:TAG|@DIGEST]`) from its registry, through `cache`.
pub async fn load_from_registry(text: &str, cache: &IndexCache, mut reporter: Reporter) -> Result<Image, ImageError> {
    let reference = ImageReference::parse(text)?;
    let host = reference.registry.clone().ok_or_else(|| {
        ImageError::NotFound(format!("`{text}` names no registry: write it as registry://HOST/REPOSITORY:TAG"))
    })?;
    let client = RegistryClient::new(&host, &Environment::from_process().docker_config_dir)?;
    let remote = client.image(&reference.path, reference.tag.as_deref(), reference.digest.as_deref()).await?;
    let mut config: serde_json::Value = serde_json::from_slice(&remote.config)
        .map_err(|e| ImageError::Archive(format!("the config of {text} is not JSON: {e}")))?;
    crate::secrets::redact_json(&mut config);
    let diff_ids = diff_ids_of(&config, &remote)?;
    let mut layers = Vec::with_capacity(diff_ids.len());
    for (index, (descriptor, diff_id)) in remote.layers.iter().zip(diff_ids).enumerate() {
        let changes = match cache.load_layer(&diff_id) {
            Some(changes) => changes,
            None => {
                let task = format!("Reading {text} from {host}: layer {} of {}", index + 1, remote.layers.len());
                reporter.start(&task, u64::try_from(descriptor.size).ok());
                let (changes, returned) = fetch_layer(&client, &remote, index, reporter).await?;
                reporter = returned;
                cache.store_layer(&diff_id, &changes);
                changes
            }
        };
        layers.push(Layer { diff_id, source: descriptor.digest.clone(), changes });
    }
    Ok(Image { id: remote.config_digest.clone(), repo_tags: vec![text.to_string()], config, layers })
}

/// The config's `rootfs.diff_ids`, one per layer of the manifest.
fn diff_ids_of(config: &serde_json::Value, remote: &RemoteImage) -> Result<Vec<String>, ImageError> {
    let listed = config["rootfs"]["diff_ids"].as_array().map(Vec::as_slice).unwrap_or_default();
    let diff_ids: Vec<String> = listed.iter().filter_map(|id| id.as_str().map(str::to_string)).collect();
    if diff_ids.len() != remote.layers.len() {
        return Err(ImageError::Archive(format!(
            "the manifest lists {} layers and the config {} diff ids",
            remote.layers.len(),
            diff_ids.len()
        )));
    }
    Ok(diff_ids)
}

/// Fetches layer `index` and reads its changes on a blocking thread as the blob arrives; gives
/// the reporter back.
async fn fetch_layer(
    client: &RegistryClient,
    remote: &RemoteImage,
    index: usize,
    mut reporter: Reporter,
) -> Result<(Vec<LayerChange>, Reporter), ImageError> {
    let stream = client.layer(remote, &remote.layers[index]).await?;
    let blob = SyncIoBridge::new(StreamReader::new(stream));
    tokio::task::spawn_blocking(move || {
        let counted = ProgressReader::new(BufReader::with_capacity(LAYER_BUFFER_BYTES, blob), &mut reporter);
        let changes = match classify(counted)? {
            (Body::Layer(compression), body) => read_layer(decompress(body, compression)?)?,
            _ => return Err(ImageError::Archive(format!("layer {index} is not a tar, gzip or zstd blob"))),
        };
        Ok((changes, reporter))
    })
    .await
    .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))?
}
