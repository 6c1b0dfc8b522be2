//! One path compared between two images, as a person asks "what changed in this file?": every
//! attribute that differs with its two values (type, size, mode, owner, group, link target), and
//! for a text file whose content changed, a unified diff (`diff -u`) up to the viewer's size cap.
//! A file's bytes are read again from where each image is (the index keeps only hashes), from the
//! layer that holds its final version — and only when the two hashes differ: a mode or owner
//! change, a link or a folder is answered from the index alone.

use serde::Serialize;
use similar::TextDiff;

use crate::engine::Connection;
use crate::image::content::{show_file, ContentKind, LayerLocation, Reading};
use crate::image::layer::EntryKind;
use crate::image::tree::Node;
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

/// One attribute that differs, with its value in each image ("—" where the path is absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AttributeChange {
    /// What it is, in words: `type`, `size`, `mode`, `owner`, `group`, `link target`.
    pub name: String,
    /// Its value in the first image.
    pub before: String,
    /// Its value in the second image.
    pub after: String,
}

/// One path compared between the two images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PathComparison {
    /// The path from the root, as shown (`/etc/passwd`).
    pub path: String,
    /// Every attribute that differs, in a fixed order; empty when only the content changed.
    pub attributes: Vec<AttributeChange>,
    /// `diff -u` of the two texts (a side without the file reads as empty); `None` when there
    /// is no text to compare — `note` says why.
    pub unified: Option<String>,
    /// Why there is no text diff ("The content is the same", "a symbolic link has no text", "not
    /// a text file"); empty when `unified` is there.
    pub note: String,
}

/// `path` compared between the two images.
pub async fn file_diff(
    daemon: Option<&Connection>,
    before: Side<'_>,
    after: Side<'_>,
    path: &str,
    reading: &Reading,
) -> Result<PathComparison, ImageError> {
    let path = TreePath::parse(path.as_bytes())?;
    let (old_tree, new_tree) = (before.image.merged_tree(), after.image.merged_tree());
    let (old, new) = (old_tree.node(&path), new_tree.node(&path));
    if old.is_none() && new.is_none() {
        return Err(ImageError::NotFound(format!("{} is in neither image", path.display())));
    }
    let mut comparison = PathComparison {
        path: path.display(),
        attributes: attribute_changes(old, new),
        unified: None,
        note: String::new(),
    };
    match text_question(old, new) {
        Err(note) => comparison.note = note.to_string(),
        Ok(()) => match (
            text_of(daemon, &before, &path, old, reading).await,
            text_of(daemon, &after, &path, new, reading).await,
        ) {
            (Ok(old_text), Ok(new_text)) => {
                // A secret in either version is shown as its marker: redacted, yet a changed
                // secret still reads as a change (its fingerprint differs).
                let old_text = crate::secrets::redact(&old_text).unwrap_or(old_text);
                let new_text = crate::secrets::redact(&new_text).unwrap_or(new_text);
                let shown = &comparison.path;
                let diff = TextDiff::from_lines(&old_text, &new_text);
                let header = (format!("{}:{shown}", before.name), format!("{}:{shown}", after.name));
                comparison.unified =
                    Some(diff.unified_diff().context_radius(3).header(&header.0, &header.1).to_string());
            }
            (Err(ImageError::NotText(_)), _) | (_, Err(ImageError::NotText(_))) => {
                comparison.note = "Not a text file (or over the 1 MiB a text diff reads): its content differs.".into();
            }
            (Err(error), _) | (_, Err(error)) => return Err(error),
        },
    }
    Ok(comparison)
}

/// Whether the two versions have texts worth comparing; if not, the words that say why.
fn text_question(old: Option<&Node>, new: Option<&Node>) -> Result<(), &'static str> {
    let has_content =
        |node: Option<&Node>| node.is_none_or(|n| matches!(n.kind, EntryKind::File | EntryKind::Hardlink { .. }));
    if !has_content(old) || !has_content(new) {
        return Err(match (old.map(|n| &n.kind), new.map(|n| &n.kind)) {
            (Some(EntryKind::Symlink { .. }), _) | (_, Some(EntryKind::Symlink { .. })) => {
                "A symbolic link has no text of its own: what it points to is compared above."
            }
            (Some(EntryKind::Directory), _) | (_, Some(EntryKind::Directory)) => {
                "A folder has no text: the paths under it are listed in the tree."
            }
            _ => "A device or pipe has no text: its attributes are compared above.",
        });
    }
    match (old, new) {
        (Some(a), Some(b)) if a.hash == b.hash => Err("The content is the same in both images."),
        _ => Ok(()),
    }
}

/// The text of the file `node` at `path` in the image; empty where the image has no such path.
async fn text_of(
    daemon: Option<&Connection>,
    side: &Side<'_>,
    path: &TreePath,
    node: Option<&Node>,
    reading: &Reading,
) -> Result<String, ImageError> {
    let Some(node) = node else { return Ok(String::new()) };
    let read_path = match &node.kind {
        EntryKind::Hardlink { target } => target.clone(),
        _ => path.clone(),
    };
    let location = LayerLocation::of(side.source, side.image, node.layer)
        .ok_or_else(|| ImageError::NotFound(format!("{} has no layer {}", side.name, node.layer)))?;
    let content = show_file(daemon, &location, &read_path, reading).await?;
    if content.kind != ContentKind::Text || content.truncated {
        return Err(ImageError::NotText(path.display()));
    }
    Ok(content.body)
}

/// The attributes that differ between the two versions, each with both values.
fn attribute_changes(old: Option<&Node>, new: Option<&Node>) -> Vec<AttributeChange> {
    let described = |node: Option<&Node>| node.map(describe).unwrap_or_default();
    let (before, after) = (described(old), described(new));
    ATTRIBUTES
        .iter()
        .filter_map(|name| {
            let value = |list: &[(&str, String)]| {
                list.iter().find(|(key, _)| key == name).map_or_else(|| "—".to_string(), |(_, v)| v.clone())
            };
            let (a, b) = (value(&before), value(&after));
            (a != b).then(|| AttributeChange { name: name.to_string(), before: a, after: b })
        })
        .collect()
}

/// The attributes compared, in the order they are listed.
const ATTRIBUTES: [&str; 6] = ["type", "size", "mode", "owner", "group", "link target"];

/// A node's attributes as words, by name.
fn describe(node: &Node) -> Vec<(&'static str, String)> {
    let mut described = vec![
        ("type", kind_word(&node.kind).to_string()),
        ("mode", format!("{:04o}", node.mode)),
        ("owner", node.uid.to_string()),
        ("group", node.gid.to_string()),
    ];
    if !node.is_dir() {
        described.push(("size", format!("{} ({} bytes)", crate::format::size(node.size), node.size)));
    }
    if let Some(target) = node.kind.link_target() {
        described.push(("link target", target));
    }
    described
}

/// What an entry is, in words.
fn kind_word(kind: &EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Directory => "folder",
        EntryKind::Symlink { .. } => "symbolic link",
        EntryKind::Hardlink { .. } => "hard link",
        EntryKind::Fifo => "pipe",
        EntryKind::CharDevice { .. } => "character device",
        EntryKind::BlockDevice { .. } => "block device",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(kind: EntryKind, size: u64, mode: u32, hash: u128) -> Node {
        Node { kind, size, mode, uid: 0, gid: 0, mtime: 0, hash, layer: 0, children: Default::default() }
    }

    fn file(size: u64, mode: u32, hash: u128) -> Node {
        node(EntryKind::File, size, mode, hash)
    }

    fn link(target: &str) -> Node {
        node(EntryKind::Symlink { target: target.as_bytes().to_vec() }, 0, 0o777, 0)
    }

    fn changes(old: Option<&Node>, new: Option<&Node>) -> Vec<(String, String, String)> {
        attribute_changes(old, new).into_iter().map(|c| (c.name, c.before, c.after)).collect()
    }

    #[test]
    fn a_mode_change_names_both_modes_and_reads_no_text() {
        let (old, new) = (file(12, 0o644, 7), file(12, 0o755, 7));
        assert_eq!(changes(Some(&old), Some(&new)), [("mode".into(), "0644".into(), "0755".into())]);
        assert_eq!(text_question(Some(&old), Some(&new)), Err("The content is the same in both images."));
    }

    #[test]
    fn a_changed_link_names_both_targets_and_says_it_has_no_text() {
        let (old, new) = (link("busybox"), link("/usr/bin/env"));
        assert_eq!(changes(Some(&old), Some(&new)), [("link target".into(), "busybox".into(), "/usr/bin/env".into())]);
        assert!(text_question(Some(&old), Some(&new)).unwrap_err().starts_with("A symbolic link has no text"));
        let became_a_file = file(3, 0o777, 1);
        let listed: Vec<String> = changes(Some(&old), Some(&became_a_file)).into_iter().map(|c| c.0).collect();
        assert_eq!(listed, ["type", "size", "link target"]);
    }

    #[test]
    fn a_changed_or_new_text_file_is_compared_with_its_sizes_in_words() {
        let (old, new) = (file(1500, 0o644, 1), file(2500, 0o644, 2));
        assert_eq!(
            changes(Some(&old), Some(&new)),
            [("size".into(), "1.5 kB (1500 bytes)".into(), "2.5 kB (2500 bytes)".into())]
        );
        assert_eq!(text_question(Some(&old), Some(&new)), Ok(()));
        assert_eq!(text_question(None, Some(&new)), Ok(()), "a new file diffs against nothing");
        let added: Vec<(String, String)> = changes(None, Some(&new)).into_iter().map(|c| (c.0, c.1)).collect();
        assert!(added.iter().all(|(_, before)| before == "—") && added.len() == 5, "{added:?}");
    }
}
