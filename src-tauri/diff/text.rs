//! One file's content compared between two images, as a unified diff (`diff -u`), for text files
//! up to the viewer's size cap. The file's bytes are read again from where each image is (the
//! index keeps only hashes), from the layer that holds its final version.

use similar::TextDiff;

use crate::engine::Connection;
use crate::image::content::{show_file, ContentKind, LayerLocation};
use crate::image::layer::EntryKind;
use crate::image::{Image, ImageError, ImageSource, TreePath};

/// One side of the comparison: how the user named the image, where it is, and its layers.
pub struct Side<'a> {
    /// The image's name as the user gave it; it heads its side of the diff.
    pub name: &'a str,
    /// Where the image is read from: the daemon or an archive file.
    pub source: &'a ImageSource,
    /// The image's loaded index: its layers and final tree.
    pub image: &'a Image,
}

/// `diff -u` of `path` between the two images; a file absent on one side reads as empty.
pub async fn file_diff(
    daemon: Option<&Connection>,
    before: Side<'_>,
    after: Side<'_>,
    path: &str,
) -> Result<String, ImageError> {
    let path = TreePath::parse(path.as_bytes())?;
    let old = text_of(daemon, &before, &path).await?;
    let new = text_of(daemon, &after, &path).await?;
    if old.is_none() && new.is_none() {
        return Err(ImageError::NotFound(format!("{} is in neither image", path.display())));
    }
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    let diff = TextDiff::from_lines(&old, &new);
    let shown = path.display();
    Ok(diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("{}:{shown}", before.name), &format!("{}:{shown}", after.name))
        .to_string())
}

/// The text of the file at `path` in the image, `None` when the image has no such file.
async fn text_of(daemon: Option<&Connection>, side: &Side<'_>, path: &TreePath) -> Result<Option<String>, ImageError> {
    let tree = side.image.merged_tree();
    let Some(node) = tree.node(path) else { return Ok(None) };
    let read_path = match &node.kind {
        EntryKind::File => path.clone(),
        EntryKind::Hardlink { target } => target.clone(),
        _ => return Err(ImageError::NotAFile(path.display())),
    };
    let location = LayerLocation::of(side.source, side.image, node.layer)
        .ok_or_else(|| ImageError::NotFound(format!("{} has no layer {}", side.name, node.layer)))?;
    let content = show_file(daemon, &location, &read_path).await?;
    if content.kind != ContentKind::Text {
        return Err(ImageError::NotText(path.display()));
    }
    if content.truncated {
        return Err(ImageError::NotText(format!("{} (larger than the 1 MiB a text diff reads)", path.display())));
    }
    Ok(Some(content.body))
}
