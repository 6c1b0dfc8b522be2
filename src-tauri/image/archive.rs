//! Reads an image archive — what `docker save` writes and the Engine API's export returns — as
//! a stream: every layer tar is read into its changes as it goes by (content is hashed, never
//! stored), small JSON files are kept, and at the end the manifest puts the layers in order.
//! Three layouts are understood: Docker's legacy one (`manifest.json`, `<id>/layer.tar`),
//! Docker 25+'s (`index.json`, `blobs/sha256/…` and `manifest.json`), and plain OCI layouts with
//! only `index.json`; layers plain, gzip- or zstd-compressed, told apart by their first bytes.
//!
//! An archive file can be read twice over cheaply (tar headers let the reader seek past
//! content): once for the layout, once for the layers the cache does not already hold.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Chain, Cursor, Read};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::cache::IndexCache;
use super::layer::{read_layer, LayerChange};
use super::tar_stream::TarStream;
use super::tree::FileTree;
use super::ImageError;
use crate::platform::{choose, listed_images, IndexEntry, ListedImage, Platform};
use crate::progress::{ProgressReader, Reporter};

/// JSON files bigger than this are not configs or manifests; they are skipped.
const MAX_JSON_BYTES: u64 = 16 * 1024 * 1024;
/// Bytes read at a time from a layer: its files are hashed in this buffer.
pub(crate) const LAYER_BUFFER_BYTES: usize = 64 * 1024;
/// Bytes enough to tell a JSON file, a tar and a compressed layer apart.
const HEAD_BYTES: u64 = 512;
/// How deep an OCI index may nest other indexes before the archive is refused.
const MAX_INDEX_DEPTH: usize = 4;

/// One layer of the image.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Digest of the uncompressed tar (`sha256:…`), from the config's `rootfs.diff_ids`: the key
    /// of the index cache.
    pub diff_id: String,
    /// Where it sits in the archive (`<id>/layer.tar` or `blobs/sha256/<digest>`).
    pub source: String,
    /// What the layer does to the layers below it, in its tar's order.
    pub changes: Vec<LayerChange>,
}

/// An image as its layers, bottom first, and its config.
#[derive(Debug, Clone)]
pub struct Image {
    /// The image id: `sha256:` and the digest of its config.
    pub id: String,
    /// The image's tags (`name:tag`); empty for an untagged image.
    pub repo_tags: Vec<String>,
    /// The image config (`history`, `rootfs`, `config`), as JSON.
    pub config: serde_json::Value,
    /// Every layer, bottom first.
    pub layers: Vec<Layer>,
    /// When it was read from an index of several platforms: each image platform listed there
    /// (the one read is in the config); empty otherwise.
    pub platforms: Vec<ListedImage>,
}

impl Image {
    /// The final filesystem: every layer applied, bottom first.
    pub fn merged_tree(&self) -> FileTree {
        self.tree_up_to(self.layers.len())
    }

    /// The filesystem made by the first `count` layers.
    pub fn tree_up_to(&self, count: usize) -> FileTree {
        let mut tree = FileTree::new();
        for (index, layer) in self.layers.iter().take(count).enumerate() {
            tree.apply_quietly(index, &layer.changes);
        }
        tree
    }

    /// An image of the given layers (named `l0`, `l1`, …) and an empty config, for tests.
    #[cfg(test)]
    pub(crate) fn of_layers(layers: impl IntoIterator<Item = Vec<LayerChange>>) -> Image {
        Image {
            id: "sha256:test".into(),
            repo_tags: vec![],
            config: serde_json::json!({}),
            layers: layers
                .into_iter()
                .enumerate()
                .map(|(i, changes)| Layer { diff_id: format!("l{i}"), source: format!("l{i}"), changes })
                .collect(),
            platforms: Vec::new(),
        }
    }
}

/// Which image an archive holds and where its layers are: what its small JSON files say.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The image id: `sha256:` and the digest of its config.
    pub id: String,
    /// The image's tags (`name:tag`) as the archive lists them; empty when it names none.
    pub repo_tags: Vec<String>,
    /// The image config (`history`, `rootfs`, `config`), as JSON.
    pub config: serde_json::Value,
    /// (source in the archive, diff id), bottom first.
    pub layers: Vec<(String, String)>,
    /// The image platforms of the index it was chosen from; empty for a single image.
    pub platforms: Vec<ListedImage>,
}

/// Reads the first image of an archive from a stream, every layer of it.
pub fn read_archive<R: BufRead>(reader: R, reporter: &mut Reporter) -> Result<Image, ImageError> {
    let images = read_archive_images(reader, reporter)?;
    images.into_iter().next().ok_or_else(|| ImageError::Archive("it lists no image".into()))
}

/// Reads every image of an archive from a stream, in place (see [`TarStream`]). An archive of
/// several images (`docker save A B`) stores the layers they share once, and each is read once.
pub fn read_archive_images<R: BufRead>(reader: R, reporter: &mut Reporter) -> Result<Vec<Image>, ImageError> {
    let cancel = reporter.cancel_flag();
    let mut counted = ProgressReader::new(reader, reporter);
    let scanned = Scan::of(TarStream::new(&mut counted), &|_| true);
    let scanned = scanned.map_err(|e| if cancel.is_cancelled() { ImageError::Cancelled } else { e })?;
    let done = counted.bytes_read();
    reporter.finish(done);
    scanned.into_images()
}

/// Reads an archive file, taking the layers `cache` holds from it and storing the others there.
/// `layout` is what [`archive_layout`] read of the same file.
pub fn read_archive_file(
    path: &Path,
    layout: Layout,
    cache: &IndexCache,
    reporter: &mut Reporter,
) -> Result<Image, ImageError> {
    let open =
        || File::open(path).map_err(|e| ImageError::Archive(format!("{} cannot be opened: {e}", path.display())));
    let total = open()?.metadata().map(|m| m.len()).ok();
    let mut cached: HashMap<&str, Vec<LayerChange>> =
        layout.layers.iter().filter_map(|(_, id)| Some((id.as_str(), cache.load_layer(id)?))).collect();
    let missing: HashSet<&str> =
        layout.layers.iter().filter(|(_, id)| !cached.contains_key(id.as_str())).map(|(s, _)| s.as_str()).collect();
    let mut scanned = None;
    if !missing.is_empty() {
        reporter.start(&format!("Reading {}", path.display()), total);
        let cancel = reporter.cancel_flag();
        let mut counted = ProgressReader::new(BufReader::new(open()?), reporter);
        let wanted = |source: &str| missing.contains(source);
        let scan = Scan::of(TarStream::seekable(&mut counted), &wanted).map_err(|e| {
            if cancel.is_cancelled() {
                ImageError::Cancelled
            } else {
                e
            }
        })?;
        let done = counted.bytes_read();
        reporter.finish(done);
        scanned = Some(scan);
    }
    // Each layer's changes are copied while a later listing still needs them, moved at the last:
    // by digest for what the cache held, by where the archive stores it for what was scanned.
    let diff_ids: Vec<&str> = layout.layers.iter().map(|(_, id)| id.as_str()).collect();
    let stored: Vec<Option<String>> = layout
        .layers
        .iter()
        .map(|(source, _)| scanned.as_ref().and_then(|scan| scan.stored_name(source).ok()).map(str::to_owned))
        .collect();
    let (id_again, stored_again) = (listed_again(&diff_ids), listed_again(&stored));
    let mut layers = Vec::with_capacity(layout.layers.len());
    for (index, (source, diff_id)) in layout.layers.iter().enumerate() {
        let changes = match take_or_copy(&mut cached, diff_id.as_str(), id_again[index]) {
            Some(changes) => changes,
            None => {
                let changes = scanned
                    .as_mut()
                    .zip(stored[index].as_deref())
                    .and_then(|(scan, at)| take_or_copy(&mut scan.layers, at, stored_again[index]))
                    .ok_or_else(|| missing_layer(source))?;
                cache.store_layer(diff_id, &changes);
                changes
            }
        };
        layers.push(Layer { diff_id: diff_id.clone(), source: source.clone(), changes });
    }
    Ok(Image { id: layout.id, repo_tags: layout.repo_tags, config: layout.config, layers, platforms: layout.platforms })
}

/// Reads only the small JSON files of an archive file (seeking past the layers): which image it
/// holds and where its layers are.
pub fn archive_layout(path: &Path, platform: Option<&Platform>) -> Result<Layout, ImageError> {
    let file =
        File::open(path).map_err(|e| ImageError::Archive(format!("{} cannot be opened: {e}", path.display())))?;
    let mut file = BufReader::new(file);
    let layouts = Scan::of(TarStream::seekable(&mut file), &|_| false)?.layouts(platform)?;
    layouts.into_iter().next().ok_or_else(|| ImageError::Archive("it lists no image".into()))
}

/// For each of `keys`, whether it comes again further on.
fn listed_again<K: std::hash::Hash + Eq>(keys: &[K]) -> Vec<bool> {
    let mut later = HashSet::new();
    let mut again: Vec<bool> = keys.iter().rev().map(|key| !later.insert(key)).collect();
    again.reverse();
    again
}

/// `map[key]`, moved out when it is not used again and copied when it is: a layer's changes
/// are copied only for a second use.
fn take_or_copy<K, Q, V>(map: &mut HashMap<K, V>, key: &Q, used_again: bool) -> Option<V>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    V: Clone,
{
    if used_again {
        map.get(key).cloned()
    } else {
        map.remove(key)
    }
}

fn missing_layer(source: &str) -> ImageError {
    ImageError::Archive(format!("the layer {source} is listed but missing"))
}

/// An image an archive lists: its config's name, its tags, and its layers' names, bottom first.
/// (config, tags, layer sources, the platforms of the index it was chosen from) of one image.
type ImageEntry = (String, Vec<String>, Vec<String>, Vec<ListedImage>);

/// What one pass over an archive found.
#[derive(Default)]
struct Scan {
    json: HashMap<String, Vec<u8>>,
    /// JSON files left unread for being over [`MAX_JSON_BYTES`], with their size: if one of them
    /// is needed, the error names the limit instead of saying the file is missing.
    oversized_json: HashMap<String, u64>,
    layers: HashMap<String, Vec<LayerChange>>,
    /// Legacy archives store a layer met twice once, and a symlink to it the second time.
    links: HashMap<String, String>,
}

impl Scan {
    /// Reads an archive, its layers in place; content it does not want is passed over (by
    /// seeking, when the stream is [`TarStream::seekable`]).
    fn of<R: BufRead>(mut stream: TarStream<R>, wanted: &dyn Fn(&str) -> bool) -> Result<Scan, ImageError> {
        let mut scan = Scan::default();
        while let Some(header) = stream.next_entry()? {
            let kind = tar::EntryType::new(header.kind);
            scan.take(archive_name(&header.name), kind, &header.link, header.size, stream.content(), wanted)?;
        }
        Ok(scan)
    }

    /// Keeps what one entry of the archive holds: a JSON file, a wanted layer's changes, or a link.
    fn take(
        &mut self,
        name: String,
        kind: tar::EntryType,
        link: &[u8],
        size: u64,
        body: impl BufRead,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<(), ImageError> {
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Symlink | tar::EntryType::Link if !link.is_empty() => {
                self.links.insert(name.clone(), resolve_link(&name, link, kind));
                return Ok(());
            }
            _ => return Ok(()),
        }
        match classify(body)? {
            (Body::Json, mut body) if size <= MAX_JSON_BYTES => {
                let mut bytes = Vec::with_capacity(size as usize);
                body.read_to_end(&mut bytes)?;
                self.json.insert(name, bytes);
            }
            (Body::Json, _) => {
                self.oversized_json.insert(name, size);
            }
            (Body::Layer(compression), body) if wanted(&name) => {
                let changes = read_layer(decompress(body, compression)?)
                    .map_err(|e| ImageError::Archive(format!("the layer {name} cannot be read: {e}")))?;
                self.layers.insert(name, changes);
            }
            _ => {}
        }
        Ok(())
    }

    /// Where the layer listed as `source` is stored, following a legacy archive's links.
    fn stored_name<'s>(&'s self, source: &'s str) -> Result<&'s str, ImageError> {
        let mut at = source;
        for _ in 0..8 {
            if self.layers.contains_key(at) {
                return Ok(at);
            }
            match self.links.get(at) {
                Some(target) => at = target,
                None => break,
            }
        }
        Err(missing_layer(source))
    }

    /// Every image the archive lists, with its layers' changes: copied while a later listing
    /// still needs them (images of one archive sharing a layer, one layer twice in an image),
    /// moved at the last, so that a 100k-file image is not copied whole.
    fn into_images(mut self) -> Result<Vec<Image>, ImageError> {
        let layouts = self.layouts(None)?;
        let mut stored = Vec::new();
        for (source, _) in layouts.iter().flat_map(|l| &l.layers) {
            stored.push(self.stored_name(source)?.to_owned());
        }
        let again = listed_again(&stored);
        let mut listings = stored.into_iter().zip(again);
        let mut images = Vec::with_capacity(layouts.len());
        for layout in layouts {
            let mut layers = Vec::with_capacity(layout.layers.len());
            for ((source, diff_id), (at, used_again)) in layout.layers.into_iter().zip(&mut listings) {
                let changes = take_or_copy(&mut self.layers, &at, used_again).ok_or_else(|| missing_layer(&source))?;
                layers.push(Layer { diff_id, source, changes });
            }
            images.push(Image {
                id: layout.id,
                repo_tags: layout.repo_tags,
                config: layout.config,
                layers,
                platforms: layout.platforms,
            });
        }
        Ok(images)
    }

    fn json_file(&self, name: &str) -> Result<&[u8], ImageError> {
        if let Some(size) = self.oversized_json.get(name) {
            return Err(ImageError::Archive(format!(
                "{name} is {size} bytes, over the {} limit Strata sets for an image's JSON files",
                crate::format::binary_size(MAX_JSON_BYTES)
            )));
        }
        self.json.get(name).map(Vec::as_slice).ok_or_else(|| ImageError::Archive(format!("{name} is missing")))
    }

    /// Every image the archive lists, in its order; only the one for `platform` when asked for
    /// one (Docker 25+ archives list every platform in their index).
    fn layouts(&self, platform: Option<&Platform>) -> Result<Vec<Layout>, ImageError> {
        let has_index = self.json.contains_key("index.json");
        let images = if self.json.contains_key("manifest.json") && !(platform.is_some() && has_index) {
            self.docker_manifest()?
        } else if has_index {
            self.oci_index(platform)?
        } else {
            return Err(ImageError::Archive("it has neither manifest.json nor index.json".into()));
        };
        images.into_iter().map(|entry| self.layout(entry)).collect()
    }

    fn layout(&self, (config_name, repo_tags, sources, platforms): ImageEntry) -> Result<Layout, ImageError> {
        let config_bytes = self.json_file(&config_name)?;
        let mut config: serde_json::Value = parse_json(&config_name, config_bytes)?;
        // Read once, kept and shown everywhere after: no secret of the config goes further.
        crate::secrets::redact_json(&mut config);
        let diff_ids: Vec<String> = config["rootfs"]["diff_ids"]
            .as_array()
            .map(|ids| ids.iter().filter_map(|id| id.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if diff_ids.len() != sources.len() {
            return Err(ImageError::Archive(format!(
                "its manifest lists {} layers but its config {}",
                sources.len(),
                diff_ids.len()
            )));
        }
        Ok(Layout {
            id: format!("sha256:{}", hex::encode(Sha256::digest(config_bytes))),
            repo_tags,
            config,
            layers: sources.into_iter().zip(diff_ids).collect(),
            platforms,
        })
    }

    /// `manifest.json`: `[{"Config": …, "RepoTags": […], "Layers": […]}, …]`: (config, tags,
    /// layer sources) of each image.
    fn docker_manifest(&self) -> Result<Vec<ImageEntry>, ImageError> {
        #[derive(Deserialize)]
        struct Entry {
            #[serde(rename = "Config")]
            config: String,
            #[serde(rename = "RepoTags", default)]
            repo_tags: Option<Vec<String>>,
            #[serde(rename = "Layers")]
            layers: Vec<String>,
        }
        let entries: Vec<Entry> = parse_json("manifest.json", self.json_file("manifest.json")?)?;
        if entries.is_empty() {
            return Err(ImageError::Archive("its manifest.json lists no image".into()));
        }
        Ok(entries
            .into_iter()
            .map(|entry| {
                let layers = entry.layers.iter().map(|l| archive_name(l.as_bytes())).collect();
                (archive_name(entry.config.as_bytes()), entry.repo_tags.unwrap_or_default(), layers, Vec::new())
            })
            .collect())
    }

    /// `index.json` → (an index →)* a manifest → its config and layer blobs: in an index of
    /// several platforms, the one for `platform` (by default this machine's); else the first
    /// image (archives of several images made by Docker also have a `manifest.json`).
    fn oci_index(&self, platform: Option<&Platform>) -> Result<Vec<ImageEntry>, ImageError> {
        let mut document: serde_json::Value = parse_json("index.json", self.json_file("index.json")?)?;
        let (mut tags, mut platforms) = (Vec::new(), Vec::new());
        for _ in 0..MAX_INDEX_DEPTH {
            if let Some(entries) = IndexEntry::all_in(&document) {
                let chosen = if entries.iter().any(|e| e.platform.is_some()) {
                    platforms = listed_images(&entries, |entry| {
                        let name = blob_name(&serde_json::Value::from(entry.digest.as_str())).ok()?;
                        serde_json::from_slice(self.json_file(&name).ok()?).ok()
                    });
                    choose(&entries, platform)?
                } else {
                    entries.first().ok_or_else(|| ImageError::Archive("its index lists no image".into()))?
                };
                let listed = document["manifests"].as_array().into_iter().flatten();
                let annotations =
                    listed.clone().find(|m| m["digest"] == chosen.digest.as_str()).map(|m| &m["annotations"]);
                for key in ["io.containerd.image.name", "org.opencontainers.image.ref.name"] {
                    if let Some(name) = annotations.and_then(|a| a[key].as_str()) {
                        tags.push(name.to_string());
                        break;
                    }
                }
                let name = blob_name(&serde_json::Value::from(chosen.digest.as_str()))?;
                document = parse_json(&name, self.json_file(&name)?)?;
                continue;
            }
            let config = blob_name(&document["config"]["digest"])?;
            let layers = document["layers"]
                .as_array()
                .ok_or_else(|| ImageError::Archive("its image manifest lists no layers".into()))?
                .iter()
                .map(|layer| blob_name(&layer["digest"]))
                .collect::<Result<_, _>>()?;
            return Ok(vec![(config, tags, layers, platforms)]);
        }
        Err(ImageError::Archive(format!("its index nests more than {MAX_INDEX_DEPTH} indexes deep")))
    }
}

/// A name inside the archive, without a leading `./`.
pub(super) fn archive_name(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).trim_start_matches("./").to_string()
}

/// Where a link in the archive points, as an archive name: symlinks are relative to their
/// directory (`../abc/layer.tar`), hard links to the archive's root.
fn resolve_link(name: &str, target: &[u8], kind: tar::EntryType) -> String {
    let target = String::from_utf8_lossy(target);
    if kind == tar::EntryType::Link {
        return archive_name(target.as_bytes());
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// `sha256:abc…` → `blobs/sha256/abc…`, refusing digests that are not plain names.
fn blob_name(digest: &serde_json::Value) -> Result<String, ImageError> {
    let text = digest.as_str().unwrap_or_default();
    match text.split_once(':') {
        Some((algorithm, hex))
            if !algorithm.is_empty()
                && !hex.is_empty()
                && algorithm.bytes().all(|b| b.is_ascii_alphanumeric())
                && hex.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(format!("blobs/{algorithm}/{hex}"))
        }
        _ => Err(ImageError::Archive(format!("its index names a blob by a digest that is not one: `{text}`"))),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| ImageError::Archive(format!("{name} cannot be read: {e}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

pub(crate) enum Body {
    Json,
    Layer(Compression),
    Other,
}

/// A file whose first bytes were read to tell its kind: those bytes, then the rest.
pub(crate) type Rejoined<R> = Chain<Cursor<Vec<u8>>, R>;

/// Tells a file's kind from its first bytes (up to 512 of them, however the reads come) and
/// gives the whole file back, those bytes first.
pub(crate) fn classify<R: BufRead>(mut body: R) -> Result<(Body, Rejoined<R>), ImageError> {
    let mut head = Vec::with_capacity(HEAD_BYTES as usize);
    (&mut body).take(HEAD_BYTES).read_to_end(&mut head)?;
    let kind = match head.as_slice() {
        [0x1f, 0x8b, ..] => Body::Layer(Compression::Gzip),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Body::Layer(Compression::Zstd),
        [b'{', ..] | [b'[', ..] => Body::Json,
        head if looks_like_tar(head) => Body::Layer(Compression::None),
        _ => Body::Other,
    };
    Ok((kind, Cursor::new(head).chain(body)))
}

/// A tar has "ustar" at byte 257 of its first header; an empty layer is 1024 zero bytes.
fn looks_like_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar" || head.len() >= 512 && head[..512].iter().all(|b| *b == 0)
}

/// The layer's tar, uncompressed, as a `BufRead` (an uncompressed layer is read in place).
pub(crate) fn decompress<'a, R: BufRead + 'a>(
    body: R,
    compression: Compression,
) -> Result<Box<dyn BufRead + 'a>, ImageError> {
    Ok(match compression {
        Compression::None => Box::new(body),
        Compression::Gzip => {
            Box::new(BufReader::with_capacity(LAYER_BUFFER_BYTES, flate2::bufread::MultiGzDecoder::new(body)))
        }
        Compression::Zstd => {
            Box::new(BufReader::with_capacity(LAYER_BUFFER_BYTES, zstd::stream::read::Decoder::with_buffer(body)?))
        }
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::image::layer::tests::tar_of;
    use crate::image::TreePath;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn archive(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let owned: Vec<(&[u8], &str, &[u8])> =
            files.iter().map(|(n, b)| (n.as_bytes(), "file", b.as_slice())).collect();
        tar_of(&owned)
    }

    fn digest(n: u8) -> String {
        format!("sha256:{}", hex::encode([n; 32]))
    }

    fn config(layers: u8) -> Vec<u8> {
        let ids: Vec<String> = (1..=layers).map(digest).collect();
        serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "linux",
            "history": [{"created_by": "COPY a /"}, {"created_by": "RUN rm /a"}],
            "rootfs": {"type": "layers", "diff_ids": ids},
        }))
        .unwrap()
    }

    fn read(bytes: &[u8]) -> Result<Image, ImageError> {
        read_archive(bytes, &mut Reporter::silent())
    }

    fn legacy_archive() -> Vec<u8> {
        let bottom = tar_of(&[(b"a", "file", b"aaaa"), (b"keep", "file", b"k")]);
        let top = tar_of(&[(b".wh.a", "file", b"")]);
        let manifest = br#"[{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["l1/layer.tar","l2/layer.tar"]}]"#;
        // Docker 20.10 writes the layers first and manifest.json at the end; order the layers
        // differently from the manifest to be sure the manifest decides.
        archive(&[
            ("l2/layer.tar", top),
            ("l1/layer.tar", bottom),
            ("cfg.json", config(2)),
            ("manifest.json", manifest.to_vec()),
        ])
    }

    #[test]
    fn reads_a_legacy_docker_save_archive_with_the_manifest_last() {
        let bytes = legacy_archive();
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = heard.clone();
        let mut reporter =
            Reporter::new("read", move |p| log.lock().unwrap().push(p.done_bytes), crate::progress::Cancel::new());
        let image = read_archive(bytes.as_slice(), &mut reporter).unwrap();
        assert_eq!(image.repo_tags, ["app:1"]);
        assert_eq!(image.config["os"], "linux");
        assert_eq!(image.id, format!("sha256:{}", hex::encode(Sha256::digest(config(2)))));
        assert_eq!(
            image.layers.iter().map(|l| l.source.as_str()).collect::<Vec<_>>(),
            ["l1/layer.tar", "l2/layer.tar"]
        );
        assert_eq!(image.layers[1].diff_id, digest(2));
        let heard = heard.lock().unwrap();
        assert!(heard.windows(2).all(|w| w[0] <= w[1]), "progress only grows: {heard:?}");
        assert!(*heard.last().unwrap() >= bytes.len() as u64 - 1024, "the end is reported: {heard:?}");
        assert_eq!(image.merged_tree().paths(), vec![TreePath::parse(b"keep").unwrap()]);
    }

    /// A daemon's export arrives in chunks cut anywhere, even a few bytes into a layer.
    #[test]
    fn a_config_over_the_json_limit_is_named_with_the_limit_not_called_missing() {
        let mut huge = br#"{"os": "linux", "padding": ""#.to_vec();
        huge.resize(MAX_JSON_BYTES as usize + 10, b'x');
        huge.extend_from_slice(b"\"}");
        let manifest = br#"[{"Config":"cfg.json","RepoTags":["app:1"],"Layers":[]}]"#;
        let bytes = archive(&[("cfg.json", huge), ("manifest.json", manifest.to_vec())]);
        let error = read_archive(bytes.as_slice(), &mut Reporter::silent()).unwrap_err().to_string();
        assert!(error.contains("cfg.json is 16777228 bytes, over the 16 MiB limit"), "{error}");
    }

    #[test]
    fn an_archive_arriving_a_few_bytes_at_a_time_reads_the_same() {
        let bytes = legacy_archive();
        let whole = read(&bytes).unwrap();
        for capacity in [1, 7, 300] {
            let trickle = std::io::BufReader::with_capacity(capacity, bytes.as_slice());
            let image = read_archive(trickle, &mut Reporter::silent()).unwrap();
            assert_eq!(image.layers.len(), 2, "read {capacity} bytes at a time");
            for (trickled, read_whole) in image.layers.iter().zip(&whole.layers) {
                assert_eq!(trickled.changes, read_whole.changes, "read {capacity} bytes at a time");
            }
        }
        let (kind, mut rejoined) = classify(std::io::BufReader::with_capacity(3, &b"[1, 2]"[..])).unwrap();
        let mut text = String::new();
        rejoined.read_to_string(&mut text).unwrap();
        assert!(matches!(kind, Body::Json) && text == "[1, 2]");
    }

    #[test]
    fn an_archive_of_two_images_stores_their_shared_layer_once_and_reads_both() {
        let shared = tar_of(&[(b"base", "file", b"base")]);
        let own = tar_of(&[(b"app", "file", b"app")]);
        let manifest = br#"[{"Config":"one.json","RepoTags":["app:1"],"Layers":["l1/layer.tar"]},
            {"Config":"two.json","RepoTags":["app:2"],"Layers":["l1/layer.tar","l2/layer.tar"]}]"#;
        let bytes = archive(&[
            ("l1/layer.tar", shared),
            ("l2/layer.tar", own),
            ("one.json", config(1)),
            ("two.json", config(2)),
            ("manifest.json", manifest.to_vec()),
        ]);
        let images = read_archive_images(bytes.as_slice(), &mut Reporter::silent()).unwrap();
        assert_eq!(images.iter().map(|i| i.repo_tags[0].as_str()).collect::<Vec<_>>(), ["app:1", "app:2"]);
        assert_eq!(images[0].layers[0].changes, images[1].layers[0].changes);
        assert_eq!(images[1].merged_tree().paths().len(), 2);
        assert_eq!(read(&bytes).unwrap().repo_tags, ["app:1"], "read_archive takes the first");
    }

    #[test]
    fn a_cancelled_read_stops_with_cancelled() {
        let cancel = crate::progress::Cancel::new();
        cancel.cancel();
        let mut reporter = Reporter::new("read", |_| {}, cancel);
        let error = read_archive(legacy_archive().as_slice(), &mut reporter).unwrap_err();
        assert!(matches!(error, ImageError::Cancelled), "{error}");
    }

    #[test]
    fn reads_oci_blobs_compressed_with_gzip_and_zstd() {
        let plain = tar_of(&[(b"etc/os-release", "file", b"debian")]);
        let zstd_layer = zstd::encode_all(tar_of(&[(b"usr/bin/tool", "file", b"12345")]).as_slice(), 1).unwrap();
        let manifest = br#"[{"Config":"blobs/sha256/c","RepoTags":null,"Layers":["blobs/sha256/g","blobs/sha256/z"]}]"#;
        let bytes = archive(&[
            ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
            ("blobs/sha256/g", gzip(&plain)),
            ("blobs/sha256/z", zstd_layer),
            ("blobs/sha256/c", config(2)),
            ("manifest.json", manifest.to_vec()),
        ]);
        let image = read(&bytes).unwrap();
        assert_eq!(image.layers.len(), 2);
        assert!(image.repo_tags.is_empty());
        assert_eq!(image.merged_tree().total_size(), 6 + 5);
    }

    #[test]
    fn reads_a_plain_oci_layout_with_only_an_index() {
        let layer = gzip(&tar_of(&[(b"hello", "file", b"hi")]));
        let (c, l, m) = ("c".repeat(64), "a".repeat(64), "b".repeat(64));
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "config": {"digest": format!("sha256:{c}")},
            "layers": [{"digest": format!("sha256:{l}"), "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip"}],
        });
        let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
            "digest": format!("sha256:{m}"), "annotations": {"org.opencontainers.image.ref.name": "v1"}}]});
        let bytes = archive(&[
            ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
            ("index.json", index.to_string().into_bytes()),
            (&format!("blobs/sha256/{m}"), manifest.to_string().into_bytes()),
            (&format!("blobs/sha256/{c}"), config(1)),
            (&format!("blobs/sha256/{l}"), layer),
        ]);
        let image = read(&bytes).unwrap();
        assert_eq!(image.repo_tags, ["v1"]);
        assert_eq!(image.layers[0].diff_id, digest(1));
        assert_eq!(image.merged_tree().total_size(), 2);
    }

    #[test]
    fn a_layer_stored_once_and_linked_again_is_read_for_both_places() {
        let layer = tar_of(&[(b"same", "file", b"x")]);
        let mut outer = tar::Builder::new(Vec::new());
        for (name, body) in [
            ("one/layer.tar", layer.clone()),
            ("cfg.json", config(2)),
            ("manifest.json", br#"[{"Config":"cfg.json","Layers":["one/layer.tar","two/layer.tar"]}]"#.to_vec()),
        ] {
            let mut header = tar::Header::new_gnu();
            header.set_size(body.len() as u64);
            header.set_mode(0o644);
            outer.append_data(&mut header, name, body.as_slice()).unwrap();
        }
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        outer.append_link(&mut header, "two/layer.tar", "../one/layer.tar").unwrap();
        let image = read(&outer.into_inner().unwrap()).unwrap();
        assert_eq!(image.layers[0].changes, image.layers[1].changes);
    }

    #[test]
    fn a_key_is_listed_again_until_its_last_place() {
        assert_eq!(listed_again(&["a", "b", "a", "c", "a"]), [true, false, true, false, false]);
        assert_eq!(listed_again::<&str>(&[]), Vec::<bool>::new());
    }

    /// Changes are moved out of a scan at their last use: a layer listed twice must still be
    /// there for its second place, read from a stream, from a file, and from the cache.
    #[test]
    fn a_layer_listed_twice_is_read_for_both_places_from_a_stream_a_file_and_the_cache() {
        let layer = tar_of(&[(b"twice", "file", b"xy")]);
        let config = serde_json::json!({"rootfs": {"type": "layers", "diff_ids": [digest(7), digest(7)]}});
        let manifest = br#"[{"Config":"blobs/sha256/c","Layers":["blobs/sha256/l","blobs/sha256/l"]}]"#;
        let bytes = archive(&[
            ("blobs/sha256/l", layer),
            ("blobs/sha256/c", config.to_string().into_bytes()),
            ("manifest.json", manifest.to_vec()),
        ]);
        let streamed = read(&bytes).unwrap();
        assert_eq!(streamed.layers.len(), 2);
        assert_eq!(streamed.layers[0].changes, streamed.layers[1].changes);
        assert_eq!(streamed.layers[1].changes.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("image.tar");
        std::fs::write(&path, &bytes).unwrap();
        let cache = IndexCache::at(&dir.path().join("cache"));
        for pass in ["scanned", "cached"] {
            let image = read_archive_file(&path, archive_layout(&path, None).unwrap(), &cache, &mut Reporter::silent());
            let image = image.unwrap();
            assert_eq!(image.layers.len(), 2, "{pass}");
            assert_eq!(image.layers[0].changes, streamed.layers[0].changes, "{pass}");
            assert_eq!(image.layers[1].changes, streamed.layers[1].changes, "{pass}");
        }
    }

    #[test]
    fn an_archive_file_is_read_once_then_served_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("image.tar");
        std::fs::write(&path, legacy_archive()).unwrap();
        let cache = IndexCache::at(&dir.path().join("cache"));
        let first =
            read_archive_file(&path, archive_layout(&path, None).unwrap(), &cache, &mut Reporter::silent()).unwrap();
        assert_eq!(cache.usage().layers, 2);
        // Damage every layer in the file: a second read must not need them.
        let mut bytes = legacy_archive();
        for layer_name in [&b"l1/layer.tar"[..], b"l2/layer.tar"] {
            let at = bytes.windows(layer_name.len()).position(|w| w == layer_name).unwrap();
            bytes[at + 512..at + 512 + 262].fill(b'Z'); // the layer's own tar header, past the outer header
        }
        std::fs::write(&path, &bytes).unwrap();
        let second =
            read_archive_file(&path, archive_layout(&path, None).unwrap(), &cache, &mut Reporter::silent()).unwrap();
        assert_eq!(first.layers[0].changes, second.layers[0].changes);
        assert_eq!(first.merged_tree().paths(), second.merged_tree().paths());
        assert!(
            read_archive_file(
                &path,
                archive_layout(&path, None).unwrap(),
                &IndexCache::disabled(),
                &mut Reporter::silent()
            )
            .is_err(),
            "damaged without the cache"
        );
    }

    #[test]
    fn a_missing_layer_or_manifest_is_a_clear_error() {
        let manifest = br#"[{"Config":"cfg.json","Layers":["gone/layer.tar"]}]"#;
        let bytes = archive(&[("cfg.json", config(1)), ("manifest.json", manifest.to_vec())]);
        let error = read(&bytes).unwrap_err().to_string();
        assert!(error.contains("gone/layer.tar is listed but missing"), "{error}");
        let bytes = archive(&[("cfg.json", config(1))]);
        assert!(read(&bytes).unwrap_err().to_string().contains("neither manifest.json nor index.json"));
        assert!(read(b"not a tar at all").is_err());
    }

    #[test]
    fn bad_json_and_mismatched_layer_counts_are_clear_errors() {
        let manifest = br#"[{"Config":"cfg.json","Layers":["l1/layer.tar"]}]"#;
        let layer = tar_of(&[(b"a", "file", b"1")]);
        let bytes = archive(&[
            ("l1/layer.tar", layer.clone()),
            ("cfg.json", b"{not json".to_vec()),
            ("manifest.json", manifest.to_vec()),
        ]);
        assert!(read(&bytes).unwrap_err().to_string().contains("cfg.json cannot be read"));
        let bytes = archive(&[("l1/layer.tar", layer), ("cfg.json", config(3)), ("manifest.json", manifest.to_vec())]);
        assert!(read(&bytes).unwrap_err().to_string().contains("lists 1 layers but its config 3"));
    }
}
