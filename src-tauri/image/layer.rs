//! One layer's tar, read as a list of changes: entries (files, directories, links, devices),
//! whiteouts (`.wh.NAME` deletes NAME from the layers below) and opaque markers (`.wh..wh..opq`
//! hides everything below in its directory). Names are kept as raw bytes, so non-UTF-8 names
//! survive; long names (GNU and PAX) are resolved by the tar reader ([`super::tar_stream`]). Each
//! regular file's content is hashed (xxh3, 128 bits) and scanned for secrets
//! ([`crate::secrets::scan`]) in the reader's buffer as it streams by, and never kept.

use std::cmp::Ordering;
use std::fmt;
use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};
use twox_hash::xxhash3_128::{self, RawHasher, SecretBuffer};

use super::tar_stream::{ends_inside_entry, TarHeader, TarStream};
use super::ImageError;
use crate::binaries::{BinaryFinding, BinaryScan};
use crate::secrets::{FileScan, ScanOutcome};

const WHITEOUT_PREFIX: &[u8] = b".wh.";
const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";

/// A path inside the image, stored as one byte string (`etc/passwd`: components joined by `/`,
/// no leading `/`), which keeps a 100k-file index small. Paths order component by component,
/// as a tree lists them.
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TreePath(#[serde(with = "serde_bytes")] Vec<u8>);

impl TreePath {
    /// Splits a tar name into components, dropping `.`, empty parts and a leading `/`;
    /// refuses `..`.
    pub fn parse(raw: &[u8]) -> Result<TreePath, ImageError> {
        let mut joined = Vec::with_capacity(raw.len());
        for part in raw.split(|b| *b == b'/') {
            match part {
                b"" | b"." => continue,
                b".." => return Err(ImageError::EscapingPath { path: String::from_utf8_lossy(raw).into_owned() }),
                name => {
                    if !joined.is_empty() {
                        joined.push(b'/');
                    }
                    joined.extend_from_slice(name);
                }
            }
        }
        Ok(TreePath(joined))
    }

    /// [`parse`](Self::parse) for a name already owned, kept as it is (no copy) when it is
    /// already in normal form, as most tar writers store files.
    pub fn parse_owned(raw: Vec<u8>) -> Result<TreePath, ImageError> {
        if raw.split(|b| *b == b'/').all(|part| !matches!(part, b"" | b"." | b"..")) {
            return Ok(TreePath(raw));
        }
        TreePath::parse(&raw)
    }

    /// The root, `/`, borrowed for as long as needed.
    pub fn root() -> &'static TreePath {
        static ROOT: TreePath = TreePath(Vec::new());
        &ROOT
    }

    /// Whether this is the image's root directory, `/`.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The names from the root down; none for the root itself.
    pub fn components(&self) -> impl Iterator<Item = &[u8]> + Clone {
        self.0.split(|b| *b == b'/').filter(|part| !part.is_empty())
    }

    /// The path of `name` inside this directory (`etc` joined with `passwd` is `etc/passwd`).
    pub fn join(&self, name: &[u8]) -> TreePath {
        let mut joined = Vec::with_capacity(self.0.len() + 1 + name.len());
        joined.extend_from_slice(&self.0);
        if !joined.is_empty() {
            joined.push(b'/');
        }
        joined.extend_from_slice(name);
        TreePath(joined)
    }

    /// The ancestor made of this path's first `length` bytes, which must end where a name ends
    /// (`etc/ssl/certs` with 7 is `etc/ssl`).
    pub fn ancestor(&self, length: usize) -> TreePath {
        debug_assert!(length == self.0.len() || self.0.get(length) == Some(&b'/'));
        TreePath(self.0[..length].to_vec())
    }

    /// The directory holding this path and this path's own name; `None` for the root.
    pub fn split_last(&self) -> Option<(TreePath, &[u8])> {
        if self.is_root() {
            return None;
        }
        let (parent, name) = self.parent_and_name();
        Some((TreePath(parent.to_vec()), name))
    }

    /// The bytes before the last `/` (empty for a name at the root) and the name after it,
    /// borrowed: for code that runs once per entry and must not allocate.
    pub fn parent_and_name(&self) -> (&[u8], &[u8]) {
        match self.0.iter().rposition(|b| *b == b'/') {
            Some(slash) => (&self.0[..slash], &self.0[slash + 1..]),
            None => (&self.0[..0], &self.0[..]),
        }
    }

    /// The path's bytes as stored in the image, without the leading `/`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path for display: `/etc/passwd`, with bytes that are not UTF-8 escaped as `\xNN`.
    pub fn display(&self) -> String {
        format!("/{}", escape_bytes(&self.0))
    }
}

impl Ord for TreePath {
    /// Component by component (`a/b` before `a.b`, as a tree lists them), computed on the bytes:
    /// at the first byte that differs, `/` ranks below every other byte.
    fn cmp(&self, other: &Self) -> Ordering {
        let rank = |byte: u8| if byte == b'/' { 0 } else { u16::from(byte) + 1 };
        match self.0.iter().zip(&other.0).position(|(a, b)| a != b) {
            Some(at) => rank(self.0[at]).cmp(&rank(other.0[at])),
            None => self.0.len().cmp(&other.0.len()),
        }
    }
}

impl PartialOrd for TreePath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for TreePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    /// A regular file, with content.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink {
        /// What the link points to, as stored (relative or absolute), as raw bytes.
        #[serde(with = "serde_bytes")]
        target: Vec<u8>,
    },
    /// Shares its content with `target`, an earlier entry.
    Hardlink {
        /// The path of the entry whose content it shares.
        target: TreePath,
    },
    /// A named pipe (FIFO).
    Fifo,
    /// A character device, such as `/dev/null`.
    CharDevice {
        /// The device's major number (its driver).
        major: u32,
        /// The device's minor number (which device of that driver).
        minor: u32,
    },
    /// A block device, such as a disk.
    BlockDevice {
        /// The device's major number (its driver).
        major: u32,
        /// The device's minor number (which device of that driver).
        minor: u32,
    },
}

impl EntryKind {
    /// One letter for listings, as `ls -l` shows it (`h` for a hard link).
    pub fn letter(&self) -> char {
        match self {
            EntryKind::File => '-',
            EntryKind::Directory => 'd',
            EntryKind::Symlink { .. } => 'l',
            EntryKind::Hardlink { .. } => 'h',
            EntryKind::Fifo => 'p',
            EntryKind::CharDevice { .. } => 'c',
            EntryKind::BlockDevice { .. } => 'b',
        }
    }

    /// Where a link points, for display; `None` for anything else.
    pub fn link_target(&self) -> Option<String> {
        match self {
            EntryKind::Symlink { target } => Some(escape_bytes(target)),
            EntryKind::Hardlink { target } => Some(target.display()),
            _ => None,
        }
    }
}

/// A file, directory, link or device a layer sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerEntry {
    /// Where the entry goes in the image.
    pub path: TreePath,
    /// What it is: file, directory, link or device.
    pub kind: EntryKind,
    /// Bytes of content (0 for all but regular files).
    pub size: u64,
    /// Permission bits (`0o644`), without the file-type bits; `0o644` when the tar gives none.
    pub mode: u32,
    /// Owner's user id, as a number (0 when the tar gives none).
    pub uid: u64,
    /// Owner's group id, as a number (0 when the tar gives none).
    pub gid: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
    /// xxh3-128 of a regular file's content; 0 for anything else.
    pub hash: u128,
    /// The content itself, kept only for the package databases the image diff reads
    /// ([`is_package_database`]) and only up to [`CAPTURE_LIMIT`] bytes.
    #[serde(default, with = "serde_bytes")]
    pub captured: Option<Vec<u8>>,
    /// What the secret rules found in a regular file's content (or why they did not read it).
    pub scan: ScanOutcome,
    /// What a program says it was built from (Go's module list, cargo-auditable's crates), for
    /// the executables that say.
    #[serde(default)]
    pub binary: Option<Box<BinaryFinding>>,
}

/// Package databases larger than this are not kept (a dpkg status file is a few megabytes).
pub const CAPTURE_LIMIT: u64 = 32 * 1024 * 1024;

/// Files that say which packages an image holds: Debian's and Ubuntu's dpkg status (and the file
/// list of each package), Alpine's apk database, rpm's SQLite database, Python distributions' METADATA and Node
/// packages' package.json.
pub fn is_package_database(path: &TreePath) -> bool {
    let bytes = path.as_bytes();
    if matches!(
        bytes,
        b"var/lib/dpkg/status"
            | b"lib/apk/db/installed"
            | b"etc/os-release"
            | b"usr/lib/os-release"
            | b"var/lib/rpm/rpmdb.sqlite"
            | b"usr/lib/sysimage/rpm/rpmdb.sqlite"
    ) {
        return true;
    }
    let (parent, name) = path.parent_and_name();
    // Distroless images keep one dpkg paragraph per package in a folder.
    if parent == b"var/lib/dpkg/status.d" {
        return !name.ends_with(b".md5sums");
    }
    if parent == b"var/lib/dpkg/info" {
        return name.ends_with(b".list");
    }
    if name != b"METADATA" && name != b"package.json" && name != b"PKG-INFO" {
        return false; // nearly every file: told by its name alone
    }
    // The last four names, nearest first, looked at without collecting them: this runs for every
    // file of every layer.
    let mut names = bytes.rsplit(|b| *b == b'/');
    let last: [&[u8]; 4] = std::array::from_fn(|_| names.next().unwrap_or_default());
    match last {
        [b"METADATA", dir, ..] => dir.ends_with(b".dist-info"),
        [b"PKG-INFO", dir, ..] => dir.ends_with(b".egg-info"),
        [b"package.json", _, b"node_modules", _] => true,
        [b"package.json", _, scope, b"node_modules"] => scope.starts_with(b"@"),
        _ => false,
    }
}

/// One thing a layer does to the layers below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerChange {
    /// Adds this file, directory, link or device, over whatever the layers below have at its path.
    Entry(LayerEntry),
    /// Deletes this path (and whatever is under it) from the layers below.
    Whiteout(TreePath),
    /// Hides everything the layers below have in this directory.
    Opaque(TreePath),
}

/// Reads a layer's (uncompressed) tar into its changes, in archive order. Content is hashed
/// where it lies in the reader's buffer as it goes by, never held in memory.
pub fn read_layer<R: BufRead>(tar: R) -> Result<Vec<LayerChange>, ImageError> {
    read_layer_where(tar, |_| true)
}

/// [`read_layer`], keeping only the entries whose path `keep` accepts (the others' content is
/// passed over unread): how a container's changes are taken from its whole filesystem.
pub fn read_layer_where<R: BufRead>(tar: R, keep: impl Fn(&TreePath) -> bool) -> Result<Vec<LayerChange>, ImageError> {
    let mut stream = TarStream::new(tar);
    let mut changes = Vec::new();
    while let Some(mut header) = stream.next_entry()? {
        let path = TreePath::parse_owned(std::mem::take(&mut header.name))?;
        if !keep(&path) {
            continue;
        }
        if let Some(change) = whiteout_change(&path) {
            changes.push(change);
            continue;
        }
        if path.is_root() {
            continue;
        }
        let Some(kind) = entry_kind(&header)? else { continue };
        let (size, hash, captured, scan, binary) = if kind == EntryKind::File {
            let keep = header.size <= CAPTURE_LIMIT && is_package_database(&path);
            let mut captured = keep.then(Vec::new);
            let read = read_content(&mut stream.content(), header.size, captured.as_mut());
            let Content { size, hash, scan, binary } = read.map_err(|error| match ends_inside_entry(&error) {
                true => {
                    ImageError::Archive(format!("the layer ends inside {} ({} bytes)", path.display(), header.size))
                }
                false => error.into(),
            })?;
            (size, hash, captured, scan, binary)
        } else {
            (0, 0, None, ScanOutcome::NotRead, None)
        };
        changes.push(LayerChange::Entry(LayerEntry {
            path,
            kind,
            size,
            // Permission bits only: some writers add the file-type bits (0o100000 and the like).
            mode: header.mode.unwrap_or(0o644) & 0o7777,
            uid: header.uid.unwrap_or(0),
            gid: header.gid.unwrap_or(0),
            mtime: header.mtime.unwrap_or(0),
            hash,
            captured,
            scan,
            binary,
        }));
    }
    Ok(changes)
}

/// What reading a file's content gave: its length, hash, what the secret rules found and what a
/// program says it was built from.
struct Content {
    size: u64,
    hash: u128,
    scan: ScanOutcome,
    binary: Option<Box<BinaryFinding>>,
}

/// Reads a file's content of `size` bytes to its end, hashing, scanning and looking into it in the
/// reader's own buffer, keeping the bytes in `keep` when given.
fn read_content(content: &mut impl BufRead, size: u64, mut keep: Option<&mut Vec<u8>>) -> io::Result<Content> {
    let piece = content.fill_buf()?;
    if piece.len() as u64 == size {
        // The whole file is in the buffer, as most are: read in one go, with no streaming state.
        let hash = xxhash3_128::Hasher::oneshot(piece);
        let scan = FileScan::whole(piece);
        let binary = BinaryScan::whole(piece).map(Box::new);
        if let Some(kept) = keep {
            kept.extend_from_slice(piece);
        }
        let length = piece.len();
        content.consume(length);
        return Ok(Content { size, hash, scan, binary });
    }
    // The default secret, borrowed: a hasher per file allocates nothing.
    let mut hasher = RawHasher::new(SecretBuffer::default());
    let mut scan = FileScan::start(size);
    let mut binary = BinaryScan::start(size);
    let mut read = 0u64;
    loop {
        let piece = content.fill_buf()?;
        if piece.is_empty() {
            break;
        }
        hasher.write(piece);
        scan.feed(piece);
        binary.feed(piece);
        if let Some(kept) = keep.as_deref_mut() {
            kept.extend_from_slice(piece);
        }
        let length = piece.len();
        read += length as u64;
        content.consume(length);
    }
    Ok(Content { size: read, hash: hasher.finish_128(), scan: scan.finish(), binary: binary.finish().map(Box::new) })
}

/// The whiteout or opaque marker `path` is, if it is one. Runs for every entry, so nothing is
/// allocated for the others.
fn whiteout_change(path: &TreePath) -> Option<LayerChange> {
    let (parent, name) = path.parent_and_name();
    let hidden = name.strip_prefix(WHITEOUT_PREFIX)?;
    let parent = TreePath(parent.to_vec());
    if name == OPAQUE_MARKER {
        return Some(LayerChange::Opaque(parent));
    }
    Some(LayerChange::Whiteout(parent.join(hidden)))
}

fn entry_kind(header: &TarHeader) -> Result<Option<EntryKind>, ImageError> {
    let device = || (header.device_major.unwrap_or(0), header.device_minor.unwrap_or(0));
    Ok(Some(match header.kind {
        _ if header.is_file() => EntryKind::File,
        b'5' => EntryKind::Directory,
        b'2' => EntryKind::Symlink { target: header.link.clone() },
        b'1' => EntryKind::Hardlink { target: TreePath::parse(&header.link)? },
        b'6' => EntryKind::Fifo,
        b'3' => {
            let (major, minor) = device();
            EntryKind::CharDevice { major, minor }
        }
        b'4' => {
            let (major, minor) = device();
            EntryKind::BlockDevice { major, minor }
        }
        // Global PAX headers, volume labels and the like carry no file.
        _ => return Ok(None),
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tar::EntryType;

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
            append_named(&mut builder, &mut header, name, content);
        }
        builder.into_inner().unwrap()
    }

    /// Appends an entry whose name is any bytes (`caf\xe9`, which no Windows path can hold),
    /// written into the header as a tar writer stores it: in the name field, after a GNU long-name
    /// entry when longer than the field's 100 bytes.
    fn append_named(builder: &mut tar::Builder<Vec<u8>>, header: &mut tar::Header, name: &[u8], content: &[u8]) {
        const FIELD: usize = 100;
        if name.len() > FIELD {
            let mut long = tar::Header::new_gnu();
            long.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
            long.set_mode(0o644);
            long.set_entry_type(EntryType::GNULongName);
            let stored = [name, b"\0"].concat();
            long.set_size(stored.len() as u64);
            long.set_cksum();
            builder.append(&long, stored.as_slice()).unwrap();
        }
        let kept = name.len().min(FIELD);
        header.as_old_mut().name[..kept].copy_from_slice(&name[..kept]);
        header.set_cksum();
        builder.append(header, content).unwrap();
    }

    /// The changes of a layer built by [`tar_of`].
    pub fn changes_of(entries: &[(&[u8], &str, &[u8])]) -> Vec<LayerChange> {
        read_layer(tar_of(entries).as_slice()).unwrap()
    }

    fn path(text: &str) -> TreePath {
        TreePath::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn a_path_splits_into_its_parent_and_name() {
        assert_eq!(path("etc/ssl/cert.pem").parent_and_name(), (&b"etc/ssl"[..], &b"cert.pem"[..]));
        assert_eq!(path("motd").parent_and_name(), (&b""[..], &b"motd"[..]));
        assert_eq!(path("etc/ssl/cert.pem").split_last(), Some((path("etc/ssl"), &b"cert.pem"[..])));
        assert_eq!(TreePath::root().split_last(), None);
    }

    #[test]
    fn package_databases_are_recognised_and_kept() {
        for yes in [
            "var/lib/dpkg/status",
            "lib/apk/db/installed",
            "usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA",
            "app/node_modules/left-pad/package.json",
            "app/node_modules/@types/node/package.json",
            "node_modules/@types/node/package.json",
            "node_modules/left-pad/package.json",
            "var/lib/dpkg/status.d/libssl3",
            "usr/lib/python3.11/site-packages/six-1.16.0-py3.11.egg-info/PKG-INFO",
            "etc/os-release",
            "usr/lib/os-release",
        ] {
            assert!(is_package_database(&path(yes)), "{yes}");
        }
        for no in [
            "var/lib/dpkg/status-old",
            "app/package.json",
            "app/node_modules/x/lib/package.json",
            "@types/node/package.json",
            "METADATA",
            "dist-info/METADATA/x",
            "var/lib/dpkg/status.d/libssl3.md5sums",
            "app/PKG-INFO",
        ] {
            assert!(!is_package_database(&path(no)), "{no}");
        }
        let changes = changes_of(&[(b"var/lib/dpkg/status", "file", b"Package: a\n"), (b"etc/motd", "file", b"hi")]);
        let kept: Vec<_> = changes
            .iter()
            .map(|c| match c {
                LayerChange::Entry(e) => e.captured.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(kept, [Some(b"Package: a\n".to_vec()), None]);
    }

    #[test]
    fn paths_sort_as_a_tree_lists_them() {
        let mut paths = [path("a.b"), path("a/b"), path("ab"), path("a"), path("a/b/c"), path("")];
        paths.sort();
        let shown: Vec<String> = paths.iter().map(TreePath::display).collect();
        assert_eq!(shown, ["/", "/a", "/a/b", "/a/b/c", "/a.b", "/ab"]);
        for (x, y) in [("a/b", "a.b"), ("a", "a/b"), ("a/b", "ab"), ("a/z", "a.a")] {
            let components = path(x).components().cmp(path(y).components());
            assert_eq!(path(x).cmp(&path(y)), components, "{x} vs {y}");
        }
    }

    #[test]
    fn paths_are_normalized_and_escapes_refused() {
        assert_eq!(path("./etc/passwd"), path("/etc//passwd/"));
        for raw in ["etc/passwd", "./etc/passwd", "/etc//passwd/", "", "/", "a/./b", "caf\u{e9}"] {
            let owned = TreePath::parse_owned(raw.as_bytes().to_vec()).unwrap();
            assert_eq!(owned, path(raw), "{raw:?}");
        }
        assert!(TreePath::parse_owned(b"a/../../b".to_vec()).is_err());
        assert!(TreePath::parse_owned(b"..".to_vec()).is_err());
        assert!(TreePath::parse(b"../../etc/shadow").is_err());
        assert!(TreePath::parse(b"a/../../b").is_err());
        assert_eq!(path("").display(), "/");
    }

    #[test]
    fn non_utf8_names_are_kept_and_shown_escaped() {
        let tar = tar_of(&[(b"caf\xe9.txt", "file", b"x")]);
        let changes = read_layer(tar.as_slice()).unwrap();
        let LayerChange::Entry(entry) = &changes[0] else { panic!("{changes:?}") };
        assert_eq!(entry.path.as_bytes(), b"caf\xe9.txt");
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

    /// Cached indexes and diffs compare these hashes, so they must stay XXH3-128 as the cache
    /// stored them: the values were computed with the reference implementation (xxhash-rust).
    #[test]
    fn content_hashes_are_xxh3_128_in_any_read_size() {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let expected = [
            (&b""[..], 0x99aa06d3014798d86001c324468d497f_u128),
            (b"strata", 0x8f7bf5d0b6686c9649e9198681a76414),
            (&big, 0x54182c58bbb1337c42c23aeead96750d),
        ];
        for (content, hash) in expected {
            // Read whole when the buffer holds it (one-shot hashing), in pieces when not.
            for buffer_size in [1, 7, 4096, 64 * 1024, 128 * 1024] {
                let mut reader = std::io::BufReader::with_capacity(buffer_size, content);
                let Content { size, hash: got, .. } = read_content(&mut reader, content.len() as u64, None).unwrap();
                assert_eq!(
                    (size, got),
                    (content.len() as u64, hash),
                    "{} bytes read {buffer_size} at a time",
                    content.len()
                );
            }
        }
    }

    #[test]
    fn a_truncated_archive_is_an_error_not_a_panic() {
        let tar = tar_of(&[(b"big", "file", &[1u8; 4000])]);
        assert!(read_layer(&tar[..1000]).is_err());
    }
}
