//! The layer explorer's commands: open an image (from the daemon or an archive file) with
//! progress over a Channel and a way to cancel, then page through the tree the engine's
//! [`TreeView`] lays out, look at a node, show or extract a file, export a layer. The window
//! holds one open image at a time; everything it shows is computed by the engine.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::background::in_background;
use super::choices::{self, Ask, Chosen, Saved};
use crate::audit::{audit_and_remember, Audit};
use crate::engine::Connection;
use crate::image::content::{self, FileContent, LayerLocation, Reading};
use crate::image::explorer::StatusCounts;
use crate::image::layer_copies::LayerCopies;
use crate::image::outline::Outlined;
use crate::image::{
    self, CacheUsage, Image, ImageAnalysis, ImageError, ImageSource, IndexCache, NodeDetails, Row, TreeView,
    ViewOptions,
};
use crate::live::Live;
use crate::problem::{ErrorCode, Failure};
use crate::progress::{LatestWork, Progress, Reporter};
use crate::sbom::{self, inventory, Inventory, SbomFormat};
use crate::vulns::tally::remember_inventory;

/// The image the explorer has open, and the load in progress.
#[derive(Default)]
pub struct Explorer {
    open: Mutex<Option<OpenImage>>,
    loading: LatestWork,
    /// How many views were asked to be built; only the latest one is kept.
    view_asked: AtomicU64,
}

struct OpenImage {
    source: ImageSource,
    image: Arc<Image>,
    view: TreeView,
    packages: Arc<OnceLock<Inventory>>,
}

/// The open image's packages, read from it once however many panels ask (the audit, the
/// Packages tab, the vulnerability scan, the SBOM), and remembered for the Images list's counts.
#[derive(Clone)]
pub(super) struct OpenPackages {
    image: Arc<Image>,
    read: Arc<OnceLock<Inventory>>,
}

impl OpenPackages {
    fn of(open: &OpenImage) -> Self {
        OpenPackages { image: open.image.clone(), read: open.packages.clone() }
    }

    pub fn image(&self) -> &Arc<Image> {
        &self.image
    }

    /// Reads them the first time it is asked (a caller asking meanwhile waits for that read).
    pub fn get(&self) -> &Inventory {
        self.read.get_or_init(|| {
            let packages = inventory(&self.image, &self.image.merged_tree());
            // Kept for the Images list's vulnerability counts, which a newer database updates.
            remember_inventory(&IndexCache::user(), &self.image.id, &packages);
            packages
        })
    }
}

/// What the user asked to open: a reference the daemon knows, or an archive file.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(rename = "ImageSourceChoice")]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum SourceChoice {
    Daemon(String),
    Archive(String),
}

impl SourceChoice {
    /// The image source the user means; an empty name, or an archive not chosen in a file dialog
    /// or dropped on the window, is refused.
    pub fn into_source(self, chosen: &Chosen) -> Result<ImageSource, Failure> {
        match self {
            SourceChoice::Daemon(reference) if reference.trim().is_empty() => {
                Err(Failure::new(ErrorCode::InvalidInput, "no image named")
                    .with_hint("Type a name:tag or an id, or open an archive with Open archive… (Ctrl+O)."))
            }
            SourceChoice::Daemon(reference) => Ok(ImageSource::named(&reference)),
            SourceChoice::Archive(path) => Ok(ImageSource::Archive(chosen.check(&path)?, None)),
        }
    }
}

/// The tree's shape after a change: how many rows, of which kinds.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ViewInfo {
    pub options: ViewOptions,
    pub rows: usize,
    pub counts: StatusCounts,
}

impl Explorer {
    /// The open image's packages, read once per image opened.
    pub(super) fn open_packages(&self) -> Result<OpenPackages, Failure> {
        self.with_open(|open| Ok(OpenPackages::of(open)))
    }

    fn with_open<T>(&self, act: impl FnOnce(&mut OpenImage) -> Result<T, Failure>) -> Result<T, Failure> {
        let mut open = self.open.lock().expect("explorer lock");
        let open = open.as_mut().ok_or_else(|| {
            Failure::new(ErrorCode::NotFound, "no image is open")
                .with_hint("Open an image from the Images screen or by name.")
        })?;
        act(open)
    }
}

/// A node id the open view no longer has (the window asked about an older view).
fn gone() -> Failure {
    Failure::new(ErrorCode::NotFound, "that entry is gone").with_hint("Select it again in the tree.")
}

fn info(view: &TreeView) -> ViewInfo {
    ViewInfo { options: view.options().clone(), rows: view.len(), counts: view.counts() }
}

/// Reads an image (through the index cache) and opens it, reporting progress as it streams.
#[tauri::command]
pub async fn open_image(
    live: State<'_, Live>,
    explorer: State<'_, Explorer>,
    chosen: State<'_, Chosen>,
    source: SourceChoice,
    on_progress: Channel<Progress>,
) -> Result<ImageAnalysis, Failure> {
    let source = source.into_source(&chosen)?;
    let daemon = if source.needs_daemon() { Some(live.connection()?) } else { None };
    let cancel = explorer.loading.start();
    let reporter = Reporter::new("", move |progress| drop(on_progress.send(progress.clone())), cancel.clone());
    let image = image::load(daemon.as_ref(), &source, &IndexCache::user(), reporter).await;
    let image = Arc::new(image.inspect_err(|_| {
        explorer.loading.finish(&cancel);
    })?);
    let label = source.label();
    let (analysis, view) = in_background("reading the image", {
        let image = image.clone();
        move || -> Result<_, ImageError> {
            let top = image.layers.len().saturating_sub(1);
            let view = TreeView::build(&image, ViewOptions { layer: top, aggregated: true, ..ViewOptions::default() })?;
            Ok((image::summarize(&label, &image), view))
        }
    })
    .await??;
    // An image asked for later has the screen now: this one is dropped.
    if !explorer.loading.finish(&cancel) {
        return Err(ImageError::Cancelled.into());
    }
    *explorer.open.lock().expect("explorer lock") = Some(OpenImage { source, image, view, packages: Arc::default() });
    Ok(analysis)
}

/// Stops the image being read, if any.
#[tauri::command]
pub fn cancel_open(explorer: State<'_, Explorer>) {
    explorer.loading.cancel();
}

/// Shows another layer, switches between layer-only and aggregated, or changes the filter,
/// search or sort.
#[tauri::command]
pub async fn set_view(explorer: State<'_, Explorer>, options: ViewOptions) -> Result<ViewInfo, Failure> {
    let rebuild = explorer.with_open(|open| match open.view.set_options_in_place(options.clone())? {
        true => Ok(None),
        false => Ok(Some(open.image.clone())),
    })?;
    let Some(image) = rebuild else { return explorer.with_open(|open| Ok(info(&open.view))) };
    let asked = explorer.view_asked.fetch_add(1, Ordering::SeqCst) + 1;
    let built_for = image.clone();
    let view = in_background("building the tree", move || TreeView::build(&image, options)).await??;
    explorer.with_open(|open| {
        // A view built for an image since replaced, or overtaken by a later request, is dropped:
        // the window shows what it asked for last, of the image open now.
        if Arc::ptr_eq(&open.image, &built_for) && explorer.view_asked.load(Ordering::SeqCst) == asked {
            open.view = view;
        }
        Ok(info(&open.view))
    })
}

#[tauri::command]
pub fn tree_rows(explorer: State<'_, Explorer>, offset: usize, count: usize) -> Result<Vec<Row>, Failure> {
    explorer.with_open(|open| Ok(open.view.rows(offset, count.min(2_000))))
}

#[tauri::command]
pub fn tree_toggle(explorer: State<'_, Explorer>, id: u32) -> Result<ViewInfo, Failure> {
    explorer.with_open(|open| {
        open.view.toggle(id);
        Ok(info(&open.view))
    })
}

#[tauri::command]
pub fn tree_set_expanded(explorer: State<'_, Explorer>, id: u32, expanded: bool) -> Result<ViewInfo, Failure> {
    explorer.with_open(|open| {
        open.view.set_expanded(id, expanded);
        Ok(info(&open.view))
    })
}

#[tauri::command]
pub fn tree_expand_all(explorer: State<'_, Explorer>, expanded: bool) -> Result<ViewInfo, Failure> {
    explorer.with_open(|open| {
        if expanded {
            open.view.expand_all()
        } else {
            open.view.collapse_all()
        }
        Ok(info(&open.view))
    })
}

#[tauri::command]
pub fn node_details(explorer: State<'_, Explorer>, id: u32) -> Result<NodeDetails, Failure> {
    explorer.with_open(|open| open.view.details(id).ok_or_else(gone))
}

/// Where a node's content is: the layer to read and the path in it (a hard link's target).
fn content_of(explorer: &Explorer, id: u32) -> Result<(LayerLocation, image::TreePath), Failure> {
    explorer.with_open(|open| {
        let (path, layer) = open.view.content_path(id).ok_or_else(gone)?;
        let location = LayerLocation::of(&open.source, &open.image, layer).ok_or_else(gone)?;
        Ok((location, path))
    })
}

fn daemon_for(live: &Live, location: &LayerLocation) -> Result<Option<Connection>, Failure> {
    Ok(if location.image.needs_daemon() { Some(live.connection()?) } else { None })
}

/// The file read the window waits for (View, Show diff, Extract, Export layer): starting one
/// cancels the one before, and *Cancel* stops it. Daemon layers read for a file are copied into
/// the cache for the next look.
#[derive(Default)]
pub struct FileReads(LatestWork);

impl FileReads {
    /// A new read, cancelling the one before.
    pub fn start(&self) -> Reading {
        Reading { copies: Some(LayerCopies::in_cache(IndexCache::user())), cancel: self.0.start() }
    }

    /// `reading` is over: forgotten if it is the latest.
    pub fn finish(&self, reading: &Reading) {
        self.0.finish(&reading.cancel);
    }
}

/// Stops the file being read for View, Show diff, Extract or Export layer, if any.
#[tauri::command]
pub fn cancel_file_read(reads: State<'_, FileReads>) {
    reads.0.cancel();
}

/// The security audit of the open image: secrets in its config, history and every file of every
/// layer, risky settings and files, waste advice (no export: the image is already read).
#[tauri::command]
pub async fn image_audit(explorer: State<'_, Explorer>) -> Result<Audit, Failure> {
    let packages = explorer.open_packages()?;
    in_background("the audit", move || {
        packages.get();
        audit_and_remember(packages.image(), &IndexCache::user())
    })
    .await
}

/// What the open image has installed: its SBOM inventory, each package with its layer.
#[tauri::command]
pub async fn image_packages(explorer: State<'_, Explorer>) -> Result<Inventory, Failure> {
    let packages = explorer.open_packages()?;
    in_background("reading the packages", move || packages.get().clone()).await
}

/// Asks where to save the open image's SBOM as `format` (offered as `name`), then writes it.
#[tauri::command]
pub async fn image_save_sbom(
    app: AppHandle,
    explorer: State<'_, Explorer>,
    format: SbomFormat,
    name: String,
) -> Result<Option<Saved>, Failure> {
    // The label and the packages of one image, read under one lock.
    let (label, packages) = explorer.with_open(|open| Ok((open.source.label(), OpenPackages::of(open))))?;
    let document =
        in_background("writing the SBOM", move || sbom::document(format, &label, &packages.image().id, packages.get()))
            .await?;
    let name = choices::file_name(&name, "sbom.json");
    choices::save(&app, "Save the SBOM", &name, |partial| async move {
        let bytes = serde_json::to_vec_pretty(&document).expect("an SBOM is JSON");
        std::fs::write(&partial, &bytes).map_err(|e| {
            Failure::new(ErrorCode::FileSystem, format!("{} cannot be written: {e}", partial.display()))
                .with_hint("Choose another file name or folder.")
        })?;
        Ok(bytes.len() as u64)
    })
    .await
}

/// The start of a file (text, or a hex dump) for the viewer.
#[tauri::command]
pub async fn file_content(
    live: State<'_, Live>,
    explorer: State<'_, Explorer>,
    reads: State<'_, FileReads>,
    id: u32,
) -> Result<FileContent, Failure> {
    let (location, path) = content_of(&explorer, id)?;
    let daemon = daemon_for(&live, &location)?;
    let reading = reads.start();
    let shown = content::show_file(daemon.as_ref(), &location, &path, &reading).await;
    reads.finish(&reading);
    Ok(shown?)
}

/// Asks where to save the file (offered as `name`), then writes it there; `on_writing` hears the
/// chosen path once the user picked it (the window then shows that it is working), and
/// `cancel_file_read` stops the copy.
#[tauri::command]
pub async fn extract_file(
    app: AppHandle,
    live: State<'_, Live>,
    explorer: State<'_, Explorer>,
    reads: State<'_, FileReads>,
    id: u32,
    name: String,
    on_writing: Channel<String>,
) -> Result<Option<Saved>, Failure> {
    let (location, path) = content_of(&explorer, id)?;
    let daemon = daemon_for(&live, &location)?;
    let name = choices::file_name(&name, "extracted");
    choices::save(&app, "Extract a file", &name, |partial| async move {
        let _ = on_writing.send(partial.display().to_string());
        let reading = reads.start();
        let written = content::extract_file(daemon.as_ref(), &location, &path, &reading, &partial).await;
        reads.finish(&reading);
        Ok(written?)
    })
    .await
}

/// Asks where to save the layer's tar (offered as `name`), then writes it there; `on_writing` and
/// cancelling as for [`extract_file`].
#[tauri::command]
pub async fn export_layer(
    app: AppHandle,
    live: State<'_, Live>,
    explorer: State<'_, Explorer>,
    reads: State<'_, FileReads>,
    layer: usize,
    name: String,
    on_writing: Channel<String>,
) -> Result<Option<Saved>, Failure> {
    let location = explorer.with_open(|open| {
        LayerLocation::of(&open.source, &open.image, layer)
            .ok_or_else(|| Failure::new(ErrorCode::NotFound, format!("there is no layer {layer}")))
    })?;
    let daemon = daemon_for(&live, &location)?;
    let name = choices::file_name(&name, "layer.tar");
    choices::save(&app, "Export a layer", &name, |partial| async move {
        let _ = on_writing.send(partial.display().to_string());
        let reading = reads.start();
        let written = content::export_layer(daemon.as_ref(), &location, &reading, &partial).await;
        reads.finish(&reading);
        Ok(written?)
    })
    .await
}

/// Asks for an image archive to open; the page then opens it by the path it gets back.
#[tauri::command]
pub async fn choose_archive(app: AppHandle) -> Result<Option<String>, Failure> {
    let ask = Ask::OpenFile {
        title: "Open an image archive",
        kind: "Image archives (docker save, OCI)",
        extensions: &["tar", "gz", "tgz", "zst", "oci"],
    };
    Ok(choices::ask(&app, ask).await?.map(|path| path.display().to_string()))
}

#[tauri::command(async)]
pub fn cache_usage() -> CacheUsage {
    IndexCache::user().usage()
}

#[tauri::command(async)]
pub fn clear_cache() -> Result<u64, Failure> {
    IndexCache::user().clear().map_err(|e| {
        Failure::new(ErrorCode::FileSystem, format!("cannot clear the cache: {e}"))
            .with_hint("Check the cache folder's permissions.")
    })
}
