//! An image loaded and summed up: each layer with the command that made it, its digest, its
//! size and what it added, modified and removed; the dive-compatible efficiency figures; and the
//! hidden bytes — stored in a layer, invisible in the final filesystem — with the files behind
//! them.
//!
//! Loading goes through the index cache: an image whose config and layers are all cached is
//! rebuilt from the cache alone; otherwise the daemon's export (`GET /images/{name}/get`) is read
//! as it arrives — never held whole in memory or on disk — and what it taught is cached.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::archive::{archive_layout, read_archive, read_archive_file, read_archive_images, Image, Layer, Layout};
use super::cache::{ImageRecord, IndexCache, KeptForImage};
use super::container::{inspect_container, writable_layer, writable_layer_name, WRITABLE_LAYER};
use super::efficiency::{efficiency, layer_size, stacks_like_dive, EfficiencyTally, Inefficiency};
use super::export::export_reader;
use super::history::clean_command;
use super::remote::{load_from_registry, locate_in_registry, Remote};
use super::tree::{FileTree, HiddenFile};
use super::ImageError;
use crate::engine::{Connection, EngineError};
use crate::platform::{ListedImage, Platform};
use crate::progress::Reporter;

/// How many inefficiencies and hidden files a summary lists (largest first).
pub const TOP_FILES: usize = 200;

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// A reference or id the daemon knows.
    Daemon(String),
    /// A `docker save` or OCI archive file, and which platform when it holds several; no daemon needed.
    Archive(PathBuf, Option<Platform>),
    /// An image in a registry (`HOST/REPOSITORY:TAG`, written `registry://…`), and which platform
    /// when the tag is an index; no daemon needed.
    Registry(String, Option<Platform>),
    /// A container the daemon runs (written `container://NAME`): its image's layers and, on top,
    /// what the container has written.
    Container(String),
}

impl ImageSource {
    /// An image as a user names it: `registry://HOST/REPOSITORY:TAG` is in a registry; anything
    /// else is a reference or id the daemon knows.
    ///
    /// A registry image may end with its platform in brackets, as [`ImageSource::label`] writes
    /// it (`registry://HOST/app:1 [linux/arm64]`): how the Layers and Diff fields choose one.
    pub fn named(text: &str) -> ImageSource {
        let text = text.trim();
        if let Some(remote) = text.strip_prefix("registry://") {
            let bracketed = remote.strip_suffix(']').and_then(|rest| rest.rsplit_once(" ["));
            if let Some((reference, platform)) = bracketed {
                if let Ok(platform) = Platform::parse(platform) {
                    return ImageSource::Registry(reference.trim().to_string(), Some(platform));
                }
            }
            return ImageSource::Registry(remote.to_string(), None);
        }
        match text.strip_prefix("container://") {
            Some(container) => ImageSource::Container(container.to_string()),
            None => ImageSource::Daemon(text.to_string()),
        }
    }

    /// The same image, read as `platform` when it is an index of several (a daemon's image is
    /// one platform already).
    pub fn on_platform(self, platform: Option<Platform>) -> ImageSource {
        match self {
            ImageSource::Archive(path, _) => ImageSource::Archive(path, platform),
            ImageSource::Registry(reference, _) => ImageSource::Registry(reference, platform),
            on_the_daemon @ (ImageSource::Daemon(_) | ImageSource::Container(_)) => on_the_daemon,
        }
    }

    /// Whether reading it takes a daemon (archives and registries do not).
    pub fn needs_daemon(&self) -> bool {
        matches!(self, ImageSource::Daemon(_) | ImageSource::Container(_))
    }

    /// How the user named it, with the platform asked for.
    pub fn label(&self) -> String {
        let on = |platform: &Option<Platform>| platform.as_ref().map(|p| format!(" [{p}]")).unwrap_or_default();
        match self {
            ImageSource::Daemon(reference) => reference.clone(),
            ImageSource::Archive(path, platform) => format!("{}{}", path.display(), on(platform)),
            ImageSource::Registry(reference, platform) => format!("registry://{reference}{}", on(platform)),
            ImageSource::Container(name) => format!("container://{name}"),
        }
    }
}

/// One layer as the user sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct LayerSummary {
    /// Position in the image, 0 for the bottom (base) layer.
    pub index: usize,
    /// Digest of the uncompressed layer (`sha256:…`).
    pub digest: String,
    /// The Dockerfile step that made it, from the image history.
    pub command: String,
    /// Bytes of the files it writes.
    pub size_bytes: u64,
    /// How many paths it adds that the layers below lack (directories it implies included).
    pub added: usize,
    /// How many paths of the layers below it writes again (content or metadata).
    pub modified: usize,
    /// How many paths of the layers below it deletes; a deleted directory counts once, not its contents.
    pub removed: usize,
    /// Bytes this layer stores that later layers overwrite or delete.
    pub hidden_bytes: u64,
    /// Bytes of lower layers this layer overwrites or deletes.
    pub hides_bytes: u64,
}

/// A hidden file as the user sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "HiddenFile")]
pub struct HiddenFileSummary {
    /// The file's path in the image, as shown (`/etc/passwd`).
    pub path: String,
    /// Bytes of the file as the lower layer stored it.
    pub size_bytes: u64,
    /// The layer that stored it.
    pub layer: usize,
    /// The layer that overwrote or deleted it.
    pub hidden_by: usize,
}

/// An image summed up: its layers, its size, dive's efficiency figures and its hidden bytes.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct ImageAnalysis {
    /// What the user asked for: a reference or an archive path.
    pub reference: String,
    /// The image id: `sha256:` and the digest of its config.
    pub id: String,
    /// The image's tags (`name:tag`); empty for an untagged image.
    pub repo_tags: Vec<String>,
    /// Every layer, bottom first.
    pub layers: Vec<LayerSummary>,
    /// Bytes of every file every layer stores.
    pub size_bytes: u64,
    /// Bytes of the files in the final filesystem.
    pub visible_size_bytes: u64,
    /// dive's efficiency score, 0 to 1.
    pub efficiency: f64,
    /// dive's wasted bytes: every copy of every path seen in two or more layers.
    pub wasted_bytes: u64,
    /// Bytes of every layer but the first.
    pub user_size_bytes: u64,
    /// Wasted bytes as a percentage (0–100) of the user size, as dive computes it.
    pub user_wasted_percent: f64,
    /// Paths seen in two or more layers, largest first (at most [`TOP_FILES`]).
    pub inefficiencies: Vec<Inefficiency>,
    /// Bytes stored in the layers but invisible in the final filesystem:
    /// `size_bytes - visible_size_bytes`.
    pub hidden_bytes: u64,
    /// How many stored files are hidden.
    pub hidden_file_count: usize,
    /// The largest hidden files (at most [`TOP_FILES`]).
    pub hidden_files: Vec<HiddenFileSummary>,
    /// The platform the image is for, as its config says (`linux/amd64`); empty when it does not.
    pub platform: String,
    /// When it was read from an index of several platforms, each image listed there: its
    /// platform and its size as stored.
    pub platforms: Vec<ListedImage>,
}

/// What one look at an image tells before it is read: the daemon's `inspect`, or an archive
/// file's small JSON files. Both name the image id (the summary cache's key) and its layers.
enum Located {
    Daemon(Box<bollard::models::ImageInspect>),
    Archive(Layout),
    /// The registry's manifest.
    Registry(Box<Remote>),
    /// The container's id and its image as the daemon describes them.
    Container(String, Box<bollard::models::ImageInspect>),
}

impl Located {
    fn id(&self) -> &str {
        match self {
            Located::Daemon(inspected) => inspected.id.as_deref().unwrap_or_default(),
            Located::Archive(layout) => &layout.id,
            Located::Registry(remote) => remote.id(),
            // What a container wrote changes as it runs: nothing about it is kept by id.
            Located::Container(..) => "",
        }
    }

    /// The platforms of the index the image was chosen from: a summary kept by id (the same
    /// image read from the daemon, say) does not know them.
    fn platforms(&self) -> Vec<ListedImage> {
        match self {
            Located::Archive(layout) => layout.platforms.clone(),
            Located::Registry(remote) => remote.platforms(),
            Located::Daemon(_) | Located::Container(..) => Vec::new(),
        }
    }
}

async fn locate(daemon: Option<&Connection>, source: &ImageSource) -> Result<Located, ImageError> {
    match source {
        ImageSource::Daemon(reference) => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the image from".into()))?;
            crate::names::check_image(reference).map_err(ImageError::Engine)?;
            let inspected = daemon
                .docker
                .inspect_image(reference)
                .await
                .map_err(|e| ImageError::Engine(EngineError::from_api(e)))?;
            Ok(Located::Daemon(Box::new(inspected)))
        }
        ImageSource::Archive(path, platform) => {
            let (path, platform) = (path.clone(), platform.clone());
            let layout = tokio::task::spawn_blocking(move || archive_layout(&path, platform.as_ref()))
                .await
                .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))??;
            Ok(Located::Archive(layout))
        }
        ImageSource::Registry(reference, platform) => {
            Ok(Located::Registry(Box::new(locate_in_registry(reference, platform.as_ref()).await?)))
        }
        ImageSource::Container(name) => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the container from".into()))?;
            let container = inspect_container(daemon, name).await?;
            let (id, image) = (container.id.unwrap_or_default(), container.image.unwrap_or_default());
            let inspected =
                daemon.docker.inspect_image(&image).await.map_err(|e| ImageError::Engine(EngineError::from_api(e)))?;
            Ok(Located::Container(id, Box::new(inspected)))
        }
    }
}

/// Sums up an image, from the cache when it was summed up before (figures depend only on the
/// layers, and the image id names them all), else by loading it.
pub async fn inspect(
    daemon: Option<&Connection>,
    source: &ImageSource,
    cache: &IndexCache,
    reporter: Reporter,
) -> Result<ImageAnalysis, ImageError> {
    let cache = &cache_for(cache, source);
    let located = locate(daemon, source).await?;
    if let Some(mut analysis) = cache.load_record::<ImageAnalysis>(KeptForImage::Summary, located.id()) {
        analysis.reference = source.label();
        analysis.platforms = located.platforms();
        return Ok(analysis);
    }
    let started = std::time::Instant::now();
    let image = load_located(daemon, source, located, cache, reporter).await?;
    tracing::debug!("loaded {} layers in {:?}", image.layers.len(), started.elapsed());
    let analysis = summarize(&source.label(), &image);
    tracing::debug!("summed up in {:?}", started.elapsed());
    if !matches!(source, ImageSource::Container(_)) {
        cache.store_record(KeptForImage::Summary, &image.id, &analysis);
    }
    Ok(analysis)
}

/// Loads an image from where it is, through the cache.
pub async fn load(
    daemon: Option<&Connection>,
    source: &ImageSource,
    cache: &IndexCache,
    reporter: Reporter,
) -> Result<Image, ImageError> {
    let located = locate(daemon, source).await?;
    load_located(daemon, source, located, &cache_for(cache, source), reporter).await
}

/// The cache as `source` may use it: an archive's entries are kept apart ([`IndexCache::for_archive`]).
fn cache_for(cache: &IndexCache, source: &ImageSource) -> IndexCache {
    match source {
        ImageSource::Archive(path, _) => cache.for_archive(path),
        ImageSource::Daemon(_) | ImageSource::Registry(..) | ImageSource::Container(_) => cache.clone(),
    }
}

/// Loads several images, through the cache, each with a reporter `reporter_for` makes. Images
/// the daemon must export are exported together (`docker save A B`), so the layers they share
/// cross the socket, and are read, once.
pub async fn load_all(
    daemon: Option<&Connection>,
    sources: &[ImageSource],
    cache: &IndexCache,
    reporter_for: &(dyn Fn() -> Reporter + Sync),
) -> Result<Vec<Image>, ImageError> {
    let mut images: Vec<Option<Image>> = Vec::with_capacity(sources.len());
    let mut to_export: Vec<(usize, &str, bollard::models::ImageInspect)> = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        let located = locate(daemon, source).await?;
        images.push(match (source, located) {
            (ImageSource::Daemon(reference), Located::Daemon(inspected)) => {
                let diff_ids = inspected.root_fs.as_ref().and_then(|r| r.layers.clone()).unwrap_or_default();
                let cached = from_cache(cache, inspected.id.as_deref().unwrap_or_default(), &diff_ids);
                if cached.is_none() {
                    to_export.push((index, reference, *inspected));
                }
                cached
            }
            (_, located) => {
                Some(load_located(daemon, source, located, &cache_for(cache, source), reporter_for()).await?)
            }
        });
    }
    match to_export.len() {
        0 => {}
        1 => {
            let (index, reference, inspected) = to_export.remove(0);
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the image from".into()))?;
            images[index] = Some(load_from_daemon(daemon, reference, inspected, cache, reporter_for()).await?);
        }
        _ => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the image from".into()))?;
            let exported = export_together(daemon, &to_export, cache, reporter_for()).await?;
            for (index, _, inspected) in &to_export {
                // The same image asked for twice is in the export once.
                let id = inspected.id.as_deref().unwrap_or_default();
                let image = exported
                    .iter()
                    .find(|image| image.id == id)
                    .cloned()
                    .ok_or_else(|| ImageError::Archive(format!("the daemon's export lacks the image {id}")))?;
                images[*index] = Some(image);
            }
        }
    }
    Ok(images.into_iter().map(|image| image.expect("every image was loaded")).collect())
}

/// One export of several images (by reference), read as it arrives; their layers are cached.
async fn export_together(
    daemon: &Connection,
    images: &[(usize, &str, bollard::models::ImageInspect)],
    cache: &IndexCache,
    mut reporter: Reporter,
) -> Result<Vec<Image>, ImageError> {
    let references: Vec<&str> = images.iter().map(|(_, reference, _)| *reference).collect();
    let total = layer_bytes(daemon, images).await;
    let ids: Vec<&str> = images.iter().filter_map(|(_, _, inspected)| inspected.id.as_deref()).collect();
    reporter.start(&reading_task(cache, &references.join(" and "), &ids), total);
    let reader = export_reader(daemon, &references);
    let images = tokio::task::spawn_blocking(move || read_archive_images(reader, &mut reporter))
        .await
        .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))??;
    for image in &images {
        store_in_cache(cache, image);
    }
    Ok(images)
}

/// Roughly how many bytes an export of these images holds: each distinct layer's size, from the
/// images' histories (`None` when the daemon does not say).
async fn layer_bytes(daemon: &Connection, images: &[(usize, &str, bollard::models::ImageInspect)]) -> Option<u64> {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    for (_, reference, inspected) in images {
        let history = daemon.docker.image_history(reference).await.ok()?;
        let diff_ids = inspected.root_fs.as_ref().and_then(|r| r.layers.clone()).unwrap_or_default();
        for layer in super::history::chain_layers(&diff_ids, &history) {
            if seen.insert(layer.chain) {
                total += layer.size;
            }
        }
    }
    Some(total)
}

async fn load_located(
    daemon: Option<&Connection>,
    source: &ImageSource,
    located: Located,
    cache: &IndexCache,
    mut reporter: Reporter,
) -> Result<Image, ImageError> {
    match (source, located) {
        (ImageSource::Daemon(reference), Located::Daemon(inspected)) => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the image from".into()))?;
            load_from_daemon(daemon, reference, *inspected, cache, reporter).await
        }
        (ImageSource::Archive(path, _), Located::Archive(layout)) => {
            let (path, cache) = (path.clone(), cache.clone());
            tokio::task::spawn_blocking(move || read_archive_file(&path, layout, &cache, &mut reporter))
                .await
                .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))?
        }
        (ImageSource::Registry(reference, _), Located::Registry(remote)) => {
            load_from_registry(reference, *remote, cache, reporter).await
        }
        (ImageSource::Container(_), Located::Container(id, inspected)) => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the container from".into()))?;
            let image_id = inspected.id.clone().unwrap_or_default();
            let mut image = load_from_daemon(daemon, &image_id, *inspected, cache, reporter).await?;
            let changes = writable_layer(daemon, &id).await?;
            let name = writable_layer_name(&id);
            image.layers.push(Layer { diff_id: name.clone(), source: name, changes });
            Ok(image)
        }
        _ => unreachable!("an image is located where its source says"),
    }
}

/// Loads `reference` (as `inspect` described it) from the daemon: from the cache when it holds
/// the whole image, else by reading the export as it arrives (and caching what it held).
async fn load_from_daemon(
    daemon: &Connection,
    reference: &str,
    inspected: bollard::models::ImageInspect,
    cache: &IndexCache,
    mut reporter: Reporter,
) -> Result<Image, ImageError> {
    let id = inspected.id.clone().unwrap_or_default();
    let diff_ids = inspected.root_fs.and_then(|r| r.layers).unwrap_or_default();
    if let Some(image) = from_cache(cache, &id, &diff_ids) {
        return Ok(image);
    }
    reporter.start(&reading_task(cache, reference, &[&id]), inspected.size.map(|s| s.max(0) as u64));
    let reader = export_reader(daemon, &[reference]);
    let started = std::time::Instant::now();
    let image = tokio::task::spawn_blocking(move || read_archive(reader, &mut reporter))
        .await
        .map_err(|e| ImageError::Archive(format!("the reader stopped: {e}")))??;
    tracing::debug!("read the export in {:?}", started.elapsed());
    store_in_cache(cache, &image);
    Ok(image)
}

/// What the progress line says while `what` is read from the daemon: that it is read again when
/// the cache holds an index an older Strata made, whose secret rules were older.
fn reading_task(cache: &IndexCache, what: &str, image_ids: &[&str]) -> String {
    if image_ids.iter().any(|id| cache.has_older_index(id)) {
        tracing::info!("the cached index of {what} was made by an older Strata: reading it again");
        format!("Reading {what} from the daemon again (its cached index predates these secret rules)")
    } else {
        format!("Reading {what} from the daemon")
    }
}

/// Keeps an image read from an export: the layers the cache lacks, and the image's record.
fn store_in_cache(cache: &IndexCache, image: &Image) {
    for layer in image.layers.iter().filter(|layer| !cache.has_layer(&layer.diff_id)) {
        cache.store_layer(&layer.diff_id, &layer.changes);
    }
    let record = ImageRecord {
        repo_tags: image.repo_tags.clone(),
        config_json: image.config.to_string(),
        sources: image.layers.iter().map(|l| l.source.clone()).collect(),
    };
    cache.store_image(&image.id, &record);
}

fn from_cache(cache: &IndexCache, id: &str, diff_ids: &[String]) -> Option<Image> {
    let record = cache.load_image(id)?;
    if record.sources.len() != diff_ids.len() {
        return None;
    }
    let config = serde_json::from_str(&record.config_json).ok()?;
    let layers = diff_ids
        .iter()
        .zip(record.sources)
        .map(|(diff_id, source)| Some(Layer { diff_id: diff_id.clone(), source, changes: cache.load_layer(diff_id)? }))
        .collect::<Option<Vec<_>>>()?;
    Some(Image { id: id.to_string(), repo_tags: record.repo_tags, config, layers, platforms: Vec::new() })
}

/// Sums up an image already loaded.
pub fn summarize(reference: &str, image: &Image) -> ImageAnalysis {
    let commands = layer_commands(&image.config, image.layers.len());
    let changes: Vec<&[_]> = image.layers.iter().map(|l| l.changes.as_slice()).collect();
    let mut tree = FileTree::new();
    // Dive's figures are gathered on this tree as it grows when it is the one dive would stack.
    let mut tally = stacks_like_dive(&changes).then(|| EfficiencyTally::for_layers(&changes));
    let mut hidden: Vec<HiddenFile> = Vec::new();
    let mut layers: Vec<LayerSummary> = image
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            if let Some(tally) = tally.as_mut() {
                tally.weigh_layer(&layer.changes, &tree);
            }
            let counts = tree.apply_counted(index, &layer.changes);
            let hides_bytes = counts.hidden.iter().map(|h| h.size).sum();
            hidden.extend(counts.hidden);
            LayerSummary {
                index,
                digest: layer.diff_id.clone(),
                command: match layer.diff_id.starts_with(WRITABLE_LAYER) {
                    true => "(what the container has written)".into(),
                    false => commands[index].clone(),
                },
                size_bytes: layer_size(&layer.changes),
                added: counts.added,
                modified: counts.modified,
                removed: counts.removed,
                hidden_bytes: 0,
                hides_bytes,
            }
        })
        .collect();
    for file in &hidden {
        layers[file.layer].hidden_bytes += file.size;
    }
    let visible_size_bytes = tree.total_size();
    drop(tree); // when efficiency builds a tree of its own, hold one at a time
    let mut figures = match tally {
        Some(tally) => tally.finish(),
        None => efficiency(&changes),
    };
    figures.inefficiencies.truncate(TOP_FILES);
    let hidden_bytes = hidden.iter().map(|h| h.size).sum();
    let hidden_file_count = hidden.len();
    hidden.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    ImageAnalysis {
        reference: reference.to_string(),
        id: image.id.clone(),
        repo_tags: image.repo_tags.clone(),
        size_bytes: layers.iter().map(|l| l.size_bytes).sum(),
        layers,
        visible_size_bytes,
        efficiency: figures.score,
        wasted_bytes: figures.wasted_bytes,
        user_size_bytes: figures.user_size_bytes,
        user_wasted_percent: figures.wasted_user_fraction * 100.0,
        inefficiencies: figures.inefficiencies,
        hidden_bytes,
        hidden_file_count,
        hidden_files: hidden
            .into_iter()
            .take(TOP_FILES)
            .map(|h| HiddenFileSummary {
                path: h.path.display(),
                size_bytes: h.size,
                layer: h.layer,
                hidden_by: h.hidden_by,
            })
            .collect(),
        platform: Platform::of_config(&image.config).map(|p| p.to_string()).unwrap_or_default(),
        platforms: image.platforms.clone(),
    }
}

/// The commands that made each layer, bottom first.
pub fn layer_commands_of(image: &Image) -> Vec<String> {
    layer_commands(&image.config, image.layers.len())
}

/// The history steps that made layers (those not marked `empty_layer`), one per layer; steps
/// missing from the history read as empty.
fn layer_commands(config: &serde_json::Value, layers: usize) -> Vec<String> {
    let mut commands: Vec<String> = config["history"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .filter(|step| !step["empty_layer"].as_bool().unwrap_or(false))
                .map(|step| clean_command(step["created_by"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    commands.resize(layers, String::new());
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_named_in_the_daemon_or_in_a_registry() {
        assert_eq!(ImageSource::named(" app:1 "), ImageSource::Daemon("app:1".into()));
        let remote = ImageSource::named("registry://127.0.0.1:5000/team/app:1");
        assert_eq!(remote, ImageSource::Registry("127.0.0.1:5000/team/app:1".into(), None));
        assert_eq!(remote.label(), "registry://127.0.0.1:5000/team/app:1");
        assert!(!remote.needs_daemon() && ImageSource::named("app").needs_daemon());
        let arm = ImageSource::named("registry://127.0.0.1:5000/team/app:1 [linux/arm64]");
        let expected = Some(Platform::parse("linux/arm64").unwrap());
        assert_eq!(arm, ImageSource::Registry("127.0.0.1:5000/team/app:1".into(), expected));
        assert_eq!(ImageSource::named(&arm.label()), arm, "a label names its image again");
        assert_eq!(ImageSource::named("container://web"), ImageSource::Container("web".into()));
    }

    #[test]
    fn empty_layer_steps_are_skipped_when_pairing_commands_with_layers() {
        let config = serde_json::json!({"history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:1 in /"},
            {"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": true},
            {"created_by": "/bin/sh -c make"}
        ]});
        assert_eq!(layer_commands(&config, 3), ["ADD file:1 in /", "RUN make", ""]);
    }

    #[test]
    fn the_summary_gives_dives_figures_with_and_without_opaque_markers() {
        use crate::image::layer::tests::changes_of as layer;
        let base = layer(&[
            (b"var/cache/a", "file", &[0; 30]),
            (b"var/cache/b", "file", &[0; 20]),
            (b"etc/conf", "file", &[0; 10]),
        ]);
        let cleanup = layer(&[(b"var/.wh.cache", "file", b""), (b"etc/conf", "file", &[0; 4])]);
        let opaque = layer(&[(b"etc/.wh..wh..opq", "file", b""), (b"etc/conf", "file", &[0; 7])]);
        for stack in [vec![base.clone(), cleanup.clone()], vec![base, opaque, cleanup]] {
            let image = Image::of_layers(stack);
            let changes: Vec<&[_]> = image.layers.iter().map(|l| l.changes.as_slice()).collect();
            let expected = efficiency(&changes);
            let summary = summarize("test", &image);
            assert_eq!(summary.efficiency, expected.score);
            assert_eq!(summary.wasted_bytes, expected.wasted_bytes);
            assert_eq!(summary.user_size_bytes, expected.user_size_bytes);
            assert_eq!(summary.inefficiencies, expected.inefficiencies);
            assert!(summary.wasted_bytes > 0);
        }
    }
}
