//! Reading an image as the stack of layers it is: what each layer's tar says (entries, whiteouts,
//! opaque directories), and the merged file tree those layers make, with what each layer added,
//! modified and removed.
//!
//! The core works on bytes and values and is tested on tars built in memory; only
//! [`analysis::load`], [`analysis::inspect`] and the content readers talk to a daemon. Layer indexes are
//! cached on disk by layer digest ([`cache`]).

pub mod analysis;
pub mod archive;
pub mod cache;
pub mod container;
pub mod content;
pub mod efficiency;
pub mod explorer;
pub mod export;
pub mod gate;
pub mod history;
pub mod layer;
pub mod layer_copies;
pub mod outline;
pub mod remote;
pub mod tar_stream;
pub mod tree;

pub use analysis::{inspect, load, load_all, summarize, ImageAnalysis, ImageSource, LayerSummary};
pub use archive::{read_archive, read_archive_file, read_archive_images, Image, Layer};
pub use cache::{CacheUsage, IndexCache};
pub use efficiency::{efficiency, Efficiency, Inefficiency};
pub use explorer::{NodeDetails, Row, SortBy, Status, StatusFilter, TreeView, ViewOptions};
pub use layer::{read_layer, EntryKind, LayerChange, LayerEntry, TreePath};
pub use tree::{FileTree, HiddenFile, LayerDiff};

use thiserror::Error;

use crate::problem::{ErrorCode, Problem};

/// Why an image, a layer or one of its files could not be read, shown or extracted.
#[derive(Debug, Error)]
pub enum ImageError {
    /// The archive or a layer is not a valid tar, or it ends too soon.
    #[error("the archive is not a readable tar (damaged or cut short): {0}")]
    Tar(#[from] std::io::Error),
    /// The Docker daemon failed or refused the request.
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    /// The image is an index with no image for the platform asked for.
    #[error(transparent)]
    Platform(#[from] crate::platform::PlatformError),
    /// A registry could not be reached, or refused.
    #[error(transparent)]
    Registry(#[from] crate::registry::RegistryError),
    /// The image cannot be used as read: its archive lacks or garbles a file or layer, or it could not
    /// be read at all (no daemon to read it from, the reader stopped); the text says which.
    #[error("the image archive cannot be used: {0}")]
    Archive(String),
    /// A layer holds a path with `..` that would write outside the image; such an archive is refused.
    #[error("a layer holds the path `{path}`, which climbs out of the image (`..`); the archive is refused")]
    EscapingPath {
        /// The offending path, as the layer's tar names it.
        path: String,
    },
    /// The user cancelled the reading before it finished.
    #[error("stopped before the end, as asked")]
    Cancelled,
    /// The path or layer asked for is not in the image; the text says which.
    #[error("{0}")]
    NotFound(String),
    /// The path is a directory, link or device, so it has no content to show or extract.
    #[error("{0} is not a regular file")]
    NotAFile(String),
    /// The file is binary or too large to show or compare as text.
    #[error("{0} is not a text file")]
    NotText(String),
    /// The extracted file could not be written where the user asked; the text says why.
    #[error("cannot write there: {0}")]
    Destination(String),
    /// The search pattern is not a valid regular expression; the text is the parser's complaint.
    #[error("the search is not a valid regular expression: {0}")]
    BadSearch(String),
}

impl Problem for ImageError {
    fn code(&self) -> ErrorCode {
        match self {
            ImageError::Engine(error) => error.code(),
            ImageError::Registry(error) => error.code(),
            ImageError::Platform(error) => error.code(),
            ImageError::Tar(_) | ImageError::Archive(_) | ImageError::EscapingPath { .. } => ErrorCode::Damaged,
            ImageError::Cancelled => ErrorCode::Cancelled,
            ImageError::NotFound(_) => ErrorCode::NotFound,
            ImageError::NotAFile(_) | ImageError::NotText(_) | ImageError::BadSearch(_) => ErrorCode::InvalidInput,
            ImageError::Destination(_) => ErrorCode::FileSystem,
        }
    }

    /// What the user can do about it, in one sentence.
    fn hint(&self) -> String {
        match self {
            ImageError::Engine(error) => error.hint(),
            ImageError::Registry(error) => error.hint(),
            ImageError::Platform(error) => error.hint(),
            ImageError::Tar(_) | ImageError::Archive(_) => {
                "The archive is damaged or incomplete; export the image again (`docker save`).".into()
            }
            ImageError::EscapingPath { .. } => "Do not run this image: its layers try to write outside it.".into(),
            ImageError::Cancelled => "Start it again when you are ready.".into(),
            ImageError::NotFound(_) => "Open the image again: it may have changed since it was read.".into(),
            ImageError::NotAFile(_) => "Only regular files have content to show or extract.".into(),
            ImageError::NotText(_) => {
                "Compare binary or very large files by their hashes (`strata diff` lists a content change).".into()
            }
            ImageError::Destination(_) => "Choose another file name or folder.".into(),
            ImageError::BadSearch(_) => {
                "Fix the pattern, or turn off regular expressions to search for plain text.".into()
            }
        }
    }
}
