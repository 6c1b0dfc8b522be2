//! One layer's tar, read as a list of changes: entries (files, directories, links, devices),
//! whiteouts (`.wh.NAME` deletes NAME from the layers below) and opaque markers (`.wh..wh..opq`
//! hides everything below in its directory). Names are kept as raw bytes, so non-UTF-8 names
//! survive; long names (GNU and PAX) are resolved by the tar reader.

use std::io::Read;

use tar::EntryType;

use super::ImageError;

const WHITEOUT_PREFIX: &[u8] = b".wh.";
const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";

/// A path inside the image, as its components, without leading `/` or `./`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TreePath(pub Vec<Vec<u8>>);

impl TreePath {
    /// Splits a tar name into components, dropping `.`, empty parts and a leading `/`;
    /// refuses `..`.
    pub fn parse(raw: &[u8]) -> Result<TreePath, ImageError> {
        let mut parts = Vec::new();
        for part in raw.split(|b| *b == b'/') {
            match part {
                b"" | b"." => continue,
                b".." => return Err(ImageError::EscapingPath { path: String::from_utf8_lossy(raw).into_owned() }),
                name => parts.push(name.to_vec()),
            }
        }
        Ok(TreePath(parts))
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn join(&self, name: &[u8]) -> TreePath {
        let mut parts = self.0.clone();
        parts.push(name.to_vec());
        TreePath(parts)
    }

    /// The path for display: `/etc/passwd`, with bytes that are not UTF-8 escaped as `\xNN`.
    pub fn display(&self) -> String {
        let mut text = String::new();
        for part in &self.0 {
            text.push('/');
            text.push_str(&escape_bytes(part));
        }
        if text.is_empty() {
            text.push('/');
        }
        text
    }
}

/// Shows bytes as text losslessly: valid UTF-8 as is, any other byte as `\xNN`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut text = String::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text
}

/// What kind of thing an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Directory,
    Symlink {
        target: Vec<u8>,
    },
    /// Shares its content with `target`, an earlier entry.
    Hardlink {
        target: TreePath,
    },
    Fifo,
    CharDevice {
        major: u32,
        minor: u32,
    },
    BlockDevice {
        major: u32,
        minor: u32,
    },
}

/// A file, directory, link or device a layer sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerEntry {
    pub path: TreePath,
    pub kind: EntryKind,
    /// Bytes of content (0 for all but regular files).
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
}

/// One thing a layer does to the layers below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerChange {
    Entry(LayerEntry),
    /// Deletes this path (and whatever is under it) from the layers below.
    Whiteout(TreePath),
    /// Hides everything the layers below have in this directory.
    Opaque(TreePath),
}

/// Reads a layer's (uncompressed) tar into its changes, in archive order. Content is skipped,
/// never held in memory.
pub fn read_layer<R: Read>(tar: R) -> Result<Vec<LayerChange>, ImageError> {
    let mut archive = tar::Archive::new(tar);
    let mut changes = Vec::new();
    for entry in archive.entries()? {
        let entry = entry?;
        let path = TreePath::parse(&entry.path_bytes())?;
        if let Some(change) = whiteout_change(&path) {
            changes.push(change);
            continue;
        }
        if path.is_root() {
            continue;
        }
        let header = entry.header();
        let Some(kind) = entry_kind(&entry, header.entry_type())? else { continue };
        let size = if kind == EntryKind::File { entry.size() } else { 0 };
        changes.push(LayerChange::Entry(LayerEntry {
            path,
            kind,
            size,
            mode: header.mode().unwrap_or(0o644),
            uid: header.uid().unwrap_or(0),
            gid: header.gid().unwrap_or(0),
        }));
    }
    Ok(changes)
}

fn whiteout_change(path: &TreePath) -> Option<LayerChange> {
    let (name, parents) = path.0.split_last()?;
    let parent = TreePath(parents.to_vec());
    if name.as_slice() == OPAQUE_MARKER {
        return Some(LayerChange::Opaque(parent));
    }
    name.strip_prefix(WHITEOUT_PREFIX).map(|hidden| LayerChange::Whiteout(parent.join(hidden)))
}

fn entry_kind<R: Read>(entry: &tar::Entry<'_, R>, kind: EntryType) -> Result<Option<EntryKind>, ImageError> {
    let header = entry.header();
    let device =
        || (header.device_major().ok().flatten().unwrap_or(0), header.device_minor().ok().flatten().unwrap_or(0));
    let link = || entry.link_name_bytes().map(|l| l.into_owned()).unwrap_or_default();
    Ok(Some(match kind {
        EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => EntryKind::File,
        EntryType::Directory => EntryKind::Directory,
        EntryType::Symlink => EntryKind::Symlink { target: link() },
        EntryType::Link => EntryKind::Hardlink { target: TreePath::parse(&link())? },
        EntryType::Fifo => EntryKind::Fifo,
        EntryType::Char => {
            let (major, minor) = device();
            EntryKind::CharDevice { major, minor }
        }
        EntryType::Block => {
            let (major, minor) = device();
            EntryKind::BlockDevice { major, minor }
        }
        // PAX and GNU long-name headers are folded into the entries by the reader; anything
        // else carries no file.
        _ => return Ok(None),
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a tar in memory from (name, kind, content) triples; kind is one of
    /// `file`, `dir`, `symlink:TARGET`, `hardlink:TARGET`, `fifo`.
    pub fn tar_of(entries: &[(&[u8], &str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, kind, content) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_mode(0o644);
            header.set_size(0);
            let (entry_type, link) = match kind.split_once(':') {
                Some(("symlink", target)) => (EntryType::Symlink, Some(target)),
                Some(("hardlink", target)) => (EntryType::Link, Some(target)),
                _ if *kind == "dir" => (EntryType::Directory, None),
                _ if *kind == "fifo" => (EntryType::Fifo, None),
                _ => (EntryType::Regular, None),
            };
            header.set_entry_type(entry_type);
            if let Some(target) = link {
                builder
                    .append_link(&mut header, std::ffi::OsStr::new(std::str::from_utf8(name).unwrap()), target)
                    .unwrap();
                continue;
            }
            header.set_size(content.len() as u64);
            use std::os::unix::ffi::OsStrExt;
            builder.append_data(&mut header, std::ffi::OsStr::from_bytes(name), *content).unwrap();
        }
        builder.into_inner().unwrap()
    }

    /// The changes of a layer built by [`tar_of`].
    pub fn changes_of(entries: &[(&[u8], &str, &[u8])]) -> Vec<LayerChange> {
        read_layer(tar_of(entries).as_slice()).unwrap()
    }

    fn path(text: &str) -> TreePath {
        TreePath::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn paths_are_normalized_and_escapes_refused() {
        assert_eq!(path("./etc/passwd"), path("/etc//passwd/"));
        assert!(TreePath::parse(b"../../etc/shadow").is_err());
        assert!(TreePath::parse(b"a/../../b").is_err());
        assert_eq!(path("").display(), "/");
    }

    #[test]
    fn non_utf8_names_are_kept_and_shown_escaped() {
        let tar = tar_of(&[(b"caf\xe9.txt", "file", b"x")]);
        let changes = read_layer(tar.as_slice()).unwrap();
        let LayerChange::Entry(entry) = &changes[0] else { panic!("{changes:?}") };
        assert_eq!(entry.path.0[0], b"caf\xe9.txt");
        assert_eq!(entry.path.display(), "/caf\\xe9.txt");
    }

    #[test]
    fn whiteouts_and_opaque_markers_become_changes() {
        let tar = tar_of(&[
            (b"etc/.wh.motd", "file", b""),
            (b"var/cache/.wh..wh..opq", "file", b""),
            (b"var/cache/new", "file", b"abc"),
        ]);
        let changes = read_layer(tar.as_slice()).unwrap();
        assert_eq!(changes[0], LayerChange::Whiteout(path("etc/motd")));
        assert_eq!(changes[1], LayerChange::Opaque(path("var/cache")));
        let LayerChange::Entry(entry) = &changes[2] else { panic!() };
        assert_eq!((entry.size, &entry.kind), (3, &EntryKind::File));
    }

    #[test]
    fn links_long_names_and_fifos_are_read() {
        let long = format!("deep/{}/file", "d".repeat(200));
        let tar = tar_of(&[
            (b"bin/sh", "symlink:busybox", b""),
            (b"bin/ash", "hardlink:bin/busybox", b""),
            (long.as_bytes(), "file", b"1"),
            (b"run/pipe", "fifo", b""),
        ]);
        let changes = read_layer(tar.as_slice()).unwrap();
        let kinds: Vec<_> = changes
            .iter()
            .map(|c| match c {
                LayerChange::Entry(e) => (e.path.display(), e.kind.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds[0], ("/bin/sh".to_string(), EntryKind::Symlink { target: b"busybox".to_vec() }));
        assert_eq!(kinds[1], ("/bin/ash".to_string(), EntryKind::Hardlink { target: path("bin/busybox") }));
        assert_eq!(kinds[2].0, format!("/{long}"));
        assert_eq!(kinds[3].1, EntryKind::Fifo);
    }

    #[test]
    fn a_truncated_archive_is_an_error_not_a_panic() {
        let tar = tar_of(&[(b"big", "file", &[1u8; 4000])]);
        assert!(read_layer(&tar[..1000]).is_err());
    }
}
