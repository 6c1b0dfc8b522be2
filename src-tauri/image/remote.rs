//! An image read straight from a registry (`registry://HOST/REPOSITORY:TAG`), with no daemon and
//! nothing written to disk: the manifest (an index resolved to the platform asked for) and the
//! config first, then the layers' blobs, a few at once, each decompressed and indexed as it
//! arrives by the same layer reader as an export. A layer must unpack to the diff id its config
//! names, or it is refused: the index cache is keyed by diff id and shared by every source.
//! Layers the cache holds — read before from the daemon, an archive or a registry — are not
//! fetched at all (the config's diff ids name them), so a second look costs the manifest and the
//! config, and a diff of two tags fetches only the layers they do not share.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use tokio_util::io::{StreamReader, SyncIoBridge};

use super::archive::{classify, decompress, Body, Image, Layer, LAYER_BUFFER_BYTES};
use super::cache::KeptForImage;
use super::{read_layer, ImageError, IndexCache, LayerChange};
use crate::engine::Environment;
use crate::names::ImageReference;
use crate::platform::{ListedImage, Platform};
use crate::progress::Reporter;
use crate::registry::{RegistryClient, RegistryError, RemoteImage};

/// Layers fetched and read at once: enough to keep both cores of a small machine decompressing
/// while the next blob arrives, few enough to hold little in memory.
const LAYERS_AT_ONCE: usize = 3;

/// An image found in its registry: the client signed in there, and the image's manifest.
pub struct Remote {
    client: RegistryClient,
    image: RemoteImage,
}

impl Remote {
    /// The image id: its config's digest.
    pub fn id(&self) -> &str {
        &self.image.config.digest
    }

    /// Every image of the index it was chosen from; none for a single image.
    pub fn platforms(&self) -> Vec<ListedImage> {
        self.image.platforms.as_ref().map(|(_, listed)| listed.clone()).unwrap_or_default()
    }
}

/// Finds the image `text` (`HOST/REPOSITORY[:TAG|@DIGEST]`) in its registry: one manifest
/// request (two for an index, resolved to `platform`).
pub async fn locate_in_registry(text: &str, platform: Option<&Platform>) -> Result<Remote, ImageError> {
    let reference = ImageReference::parse(text)?;
    let host = reference.registry.clone().ok_or_else(|| {
        ImageError::NotFound(format!("`{text}` names no registry: write it as registry://HOST/REPOSITORY:TAG"))
    })?;
    let client = RegistryClient::new(&host, &Environment::from_process().docker_config_dir)?;
    let image = client.image(&reference.path, reference.tag.as_deref(), reference.digest.as_deref(), platform).await?;
    Ok(Remote { client, image })
}

/// Reads the image `remote` (found as `text`), through `cache`: its config and the layers the
/// cache lacks are fetched.
pub async fn load_from_registry(
    text: &str,
    remote: Remote,
    cache: &IndexCache,
    mut reporter: Reporter,
) -> Result<Image, ImageError> {
    let Remote { client, image: remote } = remote;
    let config = config_of(text, &client, &remote, cache).await?;
    let diff_ids = diff_ids_of(&config, &remote)?;
    let mut cached: HashMap<usize, Vec<LayerChange>> =
        diff_ids.iter().enumerate().filter_map(|(i, id)| Some((i, cache.load_layer(id)?))).collect();
    let missing: Vec<usize> = (0..diff_ids.len()).filter(|i| !cached.contains_key(i)).collect();
    let total: u64 = missing.iter().map(|&i| u64::try_from(remote.layers[i].size).unwrap_or_default()).sum();
    let host = remote.reference.registry().to_string();
    if !missing.is_empty() {
        let layers = if missing.len() == 1 { "layer" } else { "layers" };
        reporter.start(&format!("Reading {text} from {host}: {} {layers}", missing.len()), Some(total));
    }
    let shared = SharedProgress::new(reporter);
    let fetched: Vec<(usize, Vec<LayerChange>)> = stream::iter(missing)
        .map(|index| {
            let blob = shared.count(client.layer(&remote, &remote.layers[index]));
            let diff_id = diff_ids[index].clone();
            async move { Ok::<_, ImageError>((index, read_blob(blob, diff_id, index).await?)) }
        })
        .buffer_unordered(LAYERS_AT_ONCE)
        .try_collect()
        .await
        .map_err(|e| if shared.cancelled() { ImageError::Cancelled } else { e })?;
    shared.finish();
    for (index, changes) in fetched {
        cache.store_layer(&diff_ids[index], &changes);
        cached.insert(index, changes);
    }
    let mut layers = Vec::with_capacity(diff_ids.len());
    for (index, (descriptor, diff_id)) in remote.layers.iter().zip(diff_ids).enumerate() {
        let changes = cached.remove(&index).expect("every layer was cached or fetched");
        layers.push(Layer { diff_id, source: descriptor.digest.clone(), changes });
    }
    let platforms = remote.platforms.map(|(_, listed)| listed).unwrap_or_default();
    Ok(Image { id: remote.config.digest.clone(), repo_tags: vec![text.to_string()], config, layers, platforms })
}

/// The blob of the layer `digest` in the image `text`, as it arrives (checked and resumed as
/// [`RegistryClient::layer`] does); for reading one file of it again. Call from async code, read
/// on a blocking thread.
pub(super) async fn layer_blob(
    text: &str,
    platform: Option<&Platform>,
    digest: &str,
) -> Result<Box<dyn io::Read + Send>, ImageError> {
    let Remote { client, image } = locate_in_registry(text, platform).await?;
    let descriptor = image
        .layers
        .iter()
        .find(|layer| layer.digest == digest)
        .ok_or_else(|| ImageError::NotFound(format!("the layer {digest} is no longer in registry://{text}")))?;
    Ok(Box::new(SyncIoBridge::new(StreamReader::new(client.layer(&image, descriptor)))))
}

/// The image's config, secrets redacted: from the cache, else fetched (and kept there).
async fn config_of(
    text: &str,
    client: &RegistryClient,
    remote: &RemoteImage,
    cache: &IndexCache,
) -> Result<serde_json::Value, ImageError> {
    let not_json = |e: serde_json::Error| ImageError::Archive(format!("the config of {text} is not JSON: {e}"));
    if let Some(kept) = cache.load_record::<String>(KeptForImage::Config, &remote.config.digest) {
        return serde_json::from_str(&kept).map_err(not_json);
    }
    let mut config: serde_json::Value = serde_json::from_slice(&client.config(remote).await?).map_err(not_json)?;
    crate::secrets::redact_json(&mut config);
    cache.store_record(KeptForImage::Config, &remote.config.digest, &config.to_string());
    Ok(config)
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

/// Reads layer `index`'s changes on a blocking thread as its blob arrives, and checks that it
/// unpacks to `diff_id`.
async fn read_blob(
    blob: BoxStream<'static, io::Result<Bytes>>,
    diff_id: String,
    index: usize,
) -> Result<Vec<LayerChange>, ImageError> {
    let blob = SyncIoBridge::new(StreamReader::new(blob));
    tokio::task::spawn_blocking(move || {
        let (compression, body) = match classify(BufReader::with_capacity(LAYER_BUFFER_BYTES, blob))? {
            (Body::Layer(compression), body) => (compression, body),
            _ => return Err(ImageError::Archive(format!("layer {index} is not a tar, gzip or zstd blob"))),
        };
        let mut tar = Digesting { inner: decompress(body, compression)?, hasher: Sha256::new() };
        let changes = read_layer(&mut tar)?;
        io::copy(&mut tar, &mut io::sink())?;
        let unpacked = format!("sha256:{}", hex::encode(tar.hasher.finalize()));
        if diff_id.starts_with("sha256:") && unpacked != diff_id {
            return Err(ImageError::Archive(format!(
                "layer {index} unpacks to {unpacked}, not to the {diff_id} its config names; it is refused"
            )));
        }
        Ok(changes)
    })
    .await
    .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))?
    .map_err(registry_cause)
}

/// A read that failed because of the registry says so, not that a tar is damaged.
fn registry_cause(error: ImageError) -> ImageError {
    match error {
        ImageError::Tar(io) if io.get_ref().is_some_and(|inner| inner.is::<RegistryError>()) => {
            let inner = io.into_inner().expect("checked above").downcast::<RegistryError>().expect("checked above");
            ImageError::Registry(*inner)
        }
        other => other,
    }
}

/// One reporter for blobs arriving side by side: their bytes are summed.
#[derive(Clone)]
struct SharedProgress {
    reporter: Arc<Mutex<(Reporter, u64)>>,
}

impl SharedProgress {
    fn new(reporter: Reporter) -> SharedProgress {
        SharedProgress { reporter: Arc::new(Mutex::new((reporter, 0))) }
    }

    /// `blob`, its bytes counted; it fails once the work is cancelled.
    fn count(&self, blob: BoxStream<'static, io::Result<Bytes>>) -> BoxStream<'static, io::Result<Bytes>> {
        let shared = self.clone();
        blob.map(move |chunk| {
            let chunk = chunk?;
            let mut guard = shared.reporter.lock().expect("progress lock");
            let (reporter, done) = &mut *guard;
            *done += chunk.len() as u64;
            reporter.update(*done).map_err(io::Error::other)?;
            Ok(chunk)
        })
        .boxed()
    }

    fn cancelled(&self) -> bool {
        self.reporter.lock().expect("progress lock").0.cancel_flag().is_cancelled()
    }

    fn finish(&self) {
        let mut guard = self.reporter.lock().expect("progress lock");
        let (reporter, done) = &mut *guard;
        reporter.finish(*done);
    }
}

/// A reader that hashes every byte read through it.
struct Digesting<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: BufRead> Read for Digesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        Ok(read)
    }
}

impl<R: BufRead> BufRead for Digesting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The bytes consumed are the front of what `fill_buf` just gave, still buffered.
        if let Ok(buffered) = self.inner.fill_buf() {
            self.hasher.update(&buffered[..amount.min(buffered.len())]);
        }
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_read_or_consumed_is_hashed_once() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut reader = Digesting { inner: BufReader::with_capacity(1000, data.as_slice()), hasher: Sha256::new() };
        let mut head = [0u8; 300];
        reader.read_exact(&mut head).unwrap();
        let buffered = reader.fill_buf().unwrap().len();
        reader.consume(buffered / 2);
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(reader.hasher.finalize().as_slice(), Sha256::digest(&data).as_slice());
    }
}
