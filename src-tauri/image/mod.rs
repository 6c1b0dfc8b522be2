//! Reading an image as the stack of layers it is: what each layer's tar says (entries, whiteouts,
//! opaque directories), and the merged file tree those layers make, with what each layer added,
//! modified and removed.
//!
//! This is the pure core of the layer explorer: everything here works on bytes and values, so it
//! is tested on tars built in memory. Reading the export stream of a daemon, the on-disk cache
//! and efficiency figures build on it (see the layer-explorer issue).

pub mod analysis;
pub mod archive;
pub mod efficiency;
pub mod layer;
pub mod tree;

pub use analysis::{analyze, summarize, ImageAnalysis, LayerSummary};
pub use archive::{read_archive, ArchiveLayer, ImageArchive};
pub use efficiency::{efficiency, Efficiency, Inefficiency};
pub use layer::{read_layer, EntryKind, LayerChange, LayerEntry, TreePath};
pub use tree::{FileTree, LayerDiff};

use thiserror::Error;

impl ImageError {
    /// What the user can do about it, in one sentence.
    pub fn hint(&self) -> String {
        match self {
            ImageError::Engine(error) => error.hint(),
            ImageError::Tar(_) | ImageError::Archive(_) => {
                "The archive is damaged or incomplete; export the image again (`docker save`).".into()
            }
            ImageError::EscapingPath { .. } => "Do not run this image: its layers try to write outside it.".into(),
        }
    }
}

#[derive(Debug, Error)]
pub enum ImageError {
    #[error("a layer is not a readable tar archive: {0}")]
    Tar(#[from] std::io::Error),
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    #[error("the image archive cannot be used: {0}")]
    Archive(String),
    #[error("a layer holds the path `{path}`, which climbs out of the image (`..`); the archive is refused")]
    EscapingPath { path: String },
}
