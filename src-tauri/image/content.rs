//! A file's bytes, or a whole layer, read again from where the image is: the index keeps no
//! content, so the archive (the daemon's export or the file) is streamed to the layer that holds
//! it, and the stream is dropped as soon as the file is found — or, for a daemon image, the layer
//! is copied for the next look ([`super::layer_copies`]). A read can be cancelled. Used to show a
//! file (text, or hex for small binaries), to extract it, and to export a layer as a tar.
//!
//! Writing is only ever to the one destination file the user chose, created new (an existing
//! file is never overwritten), and removed again if the copy fails half-way.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

use super::analysis::ImageSource;
use super::archive::{archive_name, classify, decompress, Body, Image};
use super::container::WRITABLE_LAYER;
use super::export::{container_export_reader, export_reader};
use super::layer::{escape_bytes, TreePath};
use super::layer_copies::{LayerCopies, Tee};
use super::tar_stream::TarStream;
use super::ImageError;
use crate::engine::Connection;
use crate::progress::Cancel;

/// Text larger than this is cut.
pub const TEXT_LIMIT: u64 = 1024 * 1024;
/// Binary files are shown in hex up to this many bytes.
pub const HEX_LIMIT: u64 = 64 * 1024;
/// The image's archive is read through a buffer this large.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// How the viewer shows a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    /// As text: the bytes are UTF-8 with no NUL; up to [`TEXT_LIMIT`] bytes are shown.
    Text,
    /// As a hex dump of the first [`HEX_LIMIT`] bytes, for anything that is not text.
    Hex,
}

/// A file as the viewer shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FileContent {
    /// The file's path in the image, as shown (`/etc/passwd`).
    pub path: String,
    /// The whole file's size, in bytes, however much of it is shown.
    pub size_bytes: u64,
    /// Whether `body` is text or a hex dump.
    pub kind: ContentKind,
    /// The text, or a hex dump (`offset  bytes  |ascii|` lines).
    pub body: String,
    /// Only the first part is shown.
    pub truncated: bool,
}

/// Where a layer is: the image, and the layer's place in the archive.
#[derive(Debug, Clone)]
pub struct LayerLocation {
    /// The image the layer belongs to: a daemon reference or an archive file.
    pub image: ImageSource,
    /// `<id>/layer.tar` or `blobs/sha256/<digest>`.
    pub source: String,
    /// The layer's digest (`sha256:…` of its uncompressed tar), which keys its copy.
    pub diff_id: String,
}

/// How a layer is read: where the daemon's layers are copied for the next look, and the flag
/// that stops the read.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Where a layer read from the daemon is copied; `None`: it is not.
    pub copies: Option<LayerCopies>,
    /// Raised to stop the read: the user pressed Cancel, or asked for another file.
    pub cancel: Cancel,
}

impl LayerLocation {
    /// Where the bytes of `image`'s layer number `layer` are. A layer that appears twice in an
    /// image is stored once in a legacy archive, so the first place it appears is the one read.
    pub fn of(source: &ImageSource, image: &Image, layer: usize) -> Option<LayerLocation> {
        let diff_id = &image.layers.get(layer)?.diff_id;
        let first = image.layers.iter().find(|l| &l.diff_id == diff_id)?;
        // A container's layers below its own are its image's, read from the image's export.
        let source = match source {
            ImageSource::Container(_) if !diff_id.starts_with(WRITABLE_LAYER) => ImageSource::Daemon(image.id.clone()),
            other => other.clone(),
        };
        Some(LayerLocation { image: source, source: first.source.clone(), diff_id: diff_id.clone() })
    }
}

/// Reads the start of the file at `path` in the layer, for the viewer.
pub async fn show_file(
    daemon: Option<&Connection>,
    layer: &LayerLocation,
    path: &TreePath,
    reading: &Reading,
) -> Result<FileContent, ImageError> {
    let wanted = path.clone();
    with_layer_file(daemon, layer, path, reading, move |size, content| {
        let mut head = Vec::new();
        content.take(TEXT_LIMIT).read_to_end(&mut head)?;
        Ok(view_of(&wanted, size, head))
    })
    .await
}

/// Copies the file at `path` in the layer to `destination`, a new file; returns the bytes written.
pub async fn extract_file(
    daemon: Option<&Connection>,
    layer: &LayerLocation,
    path: &TreePath,
    reading: &Reading,
    destination: &Path,
) -> Result<u64, ImageError> {
    let destination = destination.to_path_buf();
    with_layer_file(daemon, layer, path, reading, move |_, content| write_new_file(content, &destination)).await
}

/// Writes the layer's uncompressed tar to `destination`, a new file; returns the bytes written.
pub async fn export_layer(
    daemon: Option<&Connection>,
    layer: &LayerLocation,
    reading: &Reading,
    destination: &Path,
) -> Result<u64, ImageError> {
    let destination = destination.to_path_buf();
    with_layer(daemon, layer, reading, move |tar| write_new_file(tar, &destination)).await
}

/// Writes `content` to a new file at `destination` (never over an existing file or through a
/// link); a copy that stops half-way removes what it wrote.
pub fn write_new_file(mut content: impl Read, destination: &Path) -> Result<u64, ImageError> {
    let destination =
        crate::files::check_destination(destination).map_err(|refused| ImageError::Destination(refused.0))?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&destination)
        .map_err(|e| ImageError::Destination(format!("{}: {e}", destination.display())))?;
    let copied = std::io::copy(&mut content, &mut file).and_then(|n| file.flush().map(|_| n));
    copied.map_err(|error| {
        let _ = std::fs::remove_file(&destination);
        ImageError::Destination(format!("{}: the copy stopped: {error}", destination.display()))
    })
}

/// Streams to the layer, then within it to the regular file at `path`, and hands its size and
/// content to `visit`. The layer is read by the same reader that built the tree
/// ([`TarStream`]), so whatever the tree lists as a file (a sparse one too) can be shown.
async fn with_layer_file<T: Send + 'static>(
    daemon: Option<&Connection>,
    layer: &LayerLocation,
    path: &TreePath,
    reading: &Reading,
    visit: impl FnOnce(u64, &mut dyn Read) -> Result<T, ImageError> + Send + 'static,
) -> Result<T, ImageError> {
    let wanted = path.clone();
    with_layer(daemon, layer, reading, move |tar| {
        let mut entries = TarStream::new(tar);
        while let Some(header) = entries.next_entry()? {
            if TreePath::parse(&header.name)? != wanted {
                continue;
            }
            if !header.is_file() {
                return Err(ImageError::NotAFile(wanted.display()));
            }
            return visit(header.size, &mut entries.content());
        }
        Err(ImageError::NotFound(format!("{} is not in this layer", wanted.display())))
    })
    .await
}

/// Hands the layer's uncompressed tar to `visit`, on a thread where blocking reads are fine: from
/// its copy when one was kept, else streamed from the image's archive (a daemon layer is copied on
/// the way, for next time: the answer is given first, then the rest of the layer is copied).
async fn with_layer<T: Send + 'static>(
    daemon: Option<&Connection>,
    layer: &LayerLocation,
    reading: &Reading,
    visit: impl FnOnce(&mut dyn BufRead) -> Result<T, ImageError> + Send + 'static,
) -> Result<T, ImageError> {
    let answered = Arc::new(AtomicBool::new(false));
    let stoppable =
        |inner: Box<dyn Read + Send>| Stoppable { inner, cancel: reading.cancel.clone(), answered: answered.clone() };
    // Only a daemon's layer is copied: an archive file is at hand, a container's files change, and
    // a registry's layer is not checked against its diff id here, which keys the copy.
    let copies = reading.copies.as_ref().filter(|_| matches!(layer.image, ImageSource::Daemon(_)));
    let (sender, answer) = tokio::sync::oneshot::channel();
    let mut answer_with = Answer(Some(sender));
    if let Some(copy) = copies.and_then(|copies| copies.open(&layer.diff_id)) {
        let mut tar = BufReader::with_capacity(READ_BUFFER_BYTES, stoppable(Box::new(copy)));
        tokio::task::spawn_blocking(move || answer_with.give(visit(&mut tar)));
    } else {
        let opened = match open_archive(daemon, layer).await? {
            Opened::Archive(archive) => Opened::Archive(Box::new(stoppable(archive))),
            Opened::Blob(blob) => Opened::Blob(Box::new(stoppable(blob))),
        };
        let (source, copy) = (layer.source.clone(), copies.cloned().map(|c| (c, layer.diff_id.clone())));
        tokio::task::spawn_blocking(move || {
            let found = opened.reach_layer(&source, |tar| match copy {
                Some((copies, diff_id)) => {
                    copy_while_visiting(tar, &copies, &diff_id, &answered, visit, &mut answer_with)
                }
                None => answer_with.give(visit(tar)),
            });
            if let Err(error) = found {
                answer_with.give(Err(error));
            }
        });
    }
    let result = answer.await.unwrap_or_else(|_| Err(ImageError::Archive("the reader stopped".into())));
    match result {
        Err(_) if reading.cancel.is_cancelled() => Err(ImageError::Cancelled),
        other => other,
    }
}

/// Where a layer is read from: an archive that holds it among others, or its own blob.
enum Opened {
    /// The daemon's export or an archive file.
    Archive(Box<dyn Read + Send>),
    /// The layer's blob from a registry.
    Blob(Box<dyn Read + Send>),
}

impl Opened {
    /// Streams to the layer at `source` and hands its uncompressed tar to `use_layer`.
    fn reach_layer(self, source: &str, use_layer: impl FnOnce(&mut dyn BufRead)) -> Result<(), ImageError> {
        match self {
            Opened::Archive(archive) => find_layer(archive, source, use_layer),
            Opened::Blob(blob) => match classify(BufReader::with_capacity(READ_BUFFER_BYTES, blob))? {
                (Body::Layer(compression), body) => {
                    use_layer(&mut decompress(body, compression)?);
                    Ok(())
                }
                _ => Err(ImageError::Archive(format!("{source} is not a layer"))),
            },
        }
    }
}

/// The stream the layer is in: the daemon's export, the archive file, the registry's blob, or
/// the container's export (its whole filesystem, where its own layer's files are found).
async fn open_archive(daemon: Option<&Connection>, layer: &LayerLocation) -> Result<Opened, ImageError> {
    Ok(match &layer.image {
        ImageSource::Daemon(reference) => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the image from".into()))?;
            Opened::Archive(Box::new(export_reader(daemon, &[reference])))
        }
        ImageSource::Archive(path, _) => Opened::Archive(Box::new(
            File::open(path).map_err(|e| ImageError::Archive(format!("{} cannot be opened: {e}", path.display())))?,
        )),
        ImageSource::Registry(reference, platform) => {
            Opened::Blob(super::remote::layer_blob(reference, platform.as_ref(), &layer.source).await?)
        }
        ImageSource::Container(_) => {
            let daemon = daemon.ok_or_else(|| ImageError::Archive("no daemon to read the container from".into()))?;
            let id = layer.source.strip_prefix(WRITABLE_LAYER).unwrap_or(&layer.source);
            crate::names::check_container(id).map_err(ImageError::Engine)?;
            Opened::Blob(Box::new(container_export_reader(daemon, id)))
        }
    })
}

/// Streams `archive` to the layer at `source` and hands its uncompressed tar to `use_layer`.
fn find_layer(archive: impl Read, source: &str, use_layer: impl FnOnce(&mut dyn BufRead)) -> Result<(), ImageError> {
    let mut outer = TarStream::new(BufReader::with_capacity(READ_BUFFER_BYTES, archive));
    while let Some(header) = outer.next_entry()? {
        if archive_name(&header.name) != source {
            continue;
        }
        return match classify(outer.content())? {
            (Body::Layer(compression), body) => {
                use_layer(&mut decompress(body, compression)?);
                Ok(())
            }
            _ => Err(ImageError::Archive(format!("{source} is not a layer"))),
        };
    }
    Err(ImageError::NotFound(format!("the layer {source} is no longer in the image")))
}

/// Visits the layer while copying it, answers, then copies the rest and keeps the copy (unless
/// the visit failed, the layer is over the limit, or the disk refused).
fn copy_while_visiting<T>(
    tar: &mut dyn BufRead,
    copies: &LayerCopies,
    diff_id: &str,
    answered: &AtomicBool,
    visit: impl FnOnce(&mut dyn BufRead) -> Result<T, ImageError>,
    answer: &mut Answer<T>,
) {
    let Some(destination) = copies.destination(diff_id) else { return answer.give(visit(tar)) };
    let mut visit = Some(visit);
    let kept = crate::files::write_atomically(&destination, |writer| {
        let mut tee = BufReader::with_capacity(READ_BUFFER_BYTES, Tee::new(&mut *tar, writer, copies.layer_limit()));
        let result = visit.take().expect("visited once")(&mut tee);
        let visited = result.is_ok();
        answered.store(true, Ordering::SeqCst);
        answer.give(result);
        if !visited {
            return Err(io::Error::other("the file was not read"));
        }
        io::copy(&mut tee, &mut io::sink())?;
        match tee.get_ref().abandoned {
            true => Err(io::Error::other("the layer is too large to keep")),
            false => Ok(()),
        }
    });
    if let Some(visit) = visit {
        // The copy could not even start (no room for its folder): read without one.
        answer.give(visit(tar));
    } else if kept.is_ok() {
        copies.make_room();
    }
}

/// The one answer a read gives, sent as soon as it is known.
struct Answer<T>(Option<tokio::sync::oneshot::Sender<Result<T, ImageError>>>);

impl<T> Answer<T> {
    /// Sends `result` if nothing was sent yet.
    fn give(&mut self, result: Result<T, ImageError>) {
        if let Some(sender) = self.0.take() {
            let _ = sender.send(result);
        }
    }
}

/// A reader that fails once the read is cancelled — until the answer was given: copying the
/// rest of a layer is not the user's wait, so it goes on.
struct Stoppable<R> {
    inner: R,
    cancel: Cancel,
    answered: Arc<AtomicBool>,
}

impl<R: Read> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.is_cancelled() && !self.answered.load(Ordering::SeqCst) {
            return Err(io::Error::other("cancelled"));
        }
        self.inner.read(buf)
    }
}

/// Text when the bytes read as UTF-8 with no NUL; otherwise a hex dump of the first
/// [`HEX_LIMIT`] bytes.
fn view_of(path: &TreePath, size: u64, head: Vec<u8>) -> FileContent {
    let text = std::str::from_utf8(&head).ok().filter(|text| !text.contains('\0'));
    // A cut in the middle of a UTF-8 sequence still counts as text.
    let text = text.map(str::to_string).or_else(|| {
        let cut = head.len() as u64 == TEXT_LIMIT && size > TEXT_LIMIT;
        let valid = std::str::from_utf8(&head).err().map(|e| e.valid_up_to()).unwrap_or(head.len());
        (cut && head.len() - valid < 4 && !head[..valid].contains(&0)).then(|| escape_bytes(&head[..valid]))
    });
    match text {
        Some(body) => FileContent {
            path: path.display(),
            size_bytes: size,
            kind: ContentKind::Text,
            truncated: size > head.len() as u64,
            // The viewer never receives a secret whole: each one is shown as its marker.
            body: crate::secrets::redact(&body).unwrap_or(body),
        },
        None => {
            let shown = &head[..head.len().min(HEX_LIMIT as usize)];
            FileContent {
                path: path.display(),
                size_bytes: size,
                kind: ContentKind::Hex,
                truncated: size > shown.len() as u64,
                body: hex_dump(shown),
            }
        }
    }
}

/// `00000000  7f 45 4c 46 02 01 01 00  00 00 00 00 00 00 00 00  |.ELF............|`
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (line, chunk) in bytes.chunks(16).enumerate() {
        out.push_str(&format!("{:08x}  ", line * 16));
        for column in 0..16 {
            match chunk.get(column) {
                Some(byte) => out.push_str(&format!("{byte:02x} ")),
                None => out.push_str("   "),
            }
            if column == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        out.extend(chunk.iter().map(|b| if b.is_ascii_graphic() || *b == b' ' { *b as char } else { '.' }));
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::tar_of;
    use std::path::PathBuf;

    fn archive_file(dir: &Path) -> PathBuf {
        let mut layer = tar_of(&[(b"etc/motd", "file", b"hello\n"), (b"bin/tool", "file", b"\x7fELF\x00\x01")]);
        // A sparse file after them (the two zero blocks that end the tar moved after it).
        layer.truncate(layer.len() - 1024);
        layer.extend(crate::image::tar_stream::tests::gnu_sparse_tar(b"var/sparse"));
        let mut outer = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(layer.len() as u64);
        header.set_mode(0o644);
        outer.append_data(&mut header, "abc/layer.tar", layer.as_slice()).unwrap();
        let path = dir.join("image.tar");
        std::fs::write(&path, outer.into_inner().unwrap()).unwrap();
        path
    }

    fn location(dir: &Path) -> LayerLocation {
        LayerLocation {
            image: ImageSource::Archive(archive_file(dir), None),
            source: "abc/layer.tar".into(),
            diff_id: format!("sha256:{}", "a".repeat(64)),
        }
    }

    fn path(text: &str) -> TreePath {
        TreePath::parse(text.as_bytes()).unwrap()
    }

    #[tokio::test]
    async fn a_cancelled_read_stops_with_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let layer = location(dir.path());
        let reading = Reading::default();
        reading.cancel.cancel();
        let stopped = show_file(None, &layer, &path("etc/motd"), &reading).await.unwrap_err();
        assert!(matches!(stopped, ImageError::Cancelled), "{stopped}");
    }

    #[tokio::test]
    async fn text_shows_as_text_and_binaries_as_hex() {
        let dir = tempfile::tempdir().unwrap();
        let layer = location(dir.path());
        let motd = show_file(None, &layer, &path("etc/motd"), &Reading::default()).await.unwrap();
        assert_eq!((motd.kind, motd.body.as_str(), motd.truncated), (ContentKind::Text, "hello\n", false));
        let tool = show_file(None, &layer, &path("bin/tool"), &Reading::default()).await.unwrap();
        assert_eq!(tool.kind, ContentKind::Hex);
        assert!(tool.body.starts_with("00000000  7f 45 4c 46 00 01"), "{}", tool.body);
        assert!(tool.body.trim_end().ends_with("|.ELF..|"), "{}", tool.body);
        let missing = show_file(None, &layer, &path("etc/none"), &Reading::default()).await.unwrap_err().to_string();
        assert!(missing.contains("not in this layer"), "{missing}");
    }

    /// The tree lists a sparse file as a file; viewing and extracting it read it with its holes.
    #[tokio::test]
    async fn a_sparse_file_is_shown_and_extracted_like_any_file() {
        let dir = tempfile::tempdir().unwrap();
        let layer = location(dir.path());
        let shown = show_file(None, &layer, &path("var/sparse"), &Reading::default()).await.unwrap();
        assert_eq!((shown.kind, shown.size_bytes), (ContentKind::Hex, 16));
        assert!(shown.body.starts_with("00000000  00 00 00 61 62 00"), "{}", shown.body);
        let out = dir.path().join("sparse");
        assert_eq!(extract_file(None, &layer, &path("var/sparse"), &Reading::default(), &out).await.unwrap(), 16);
        assert_eq!(std::fs::read(&out).unwrap(), b"\0\0\0ab\0\0\0\0\0cde\0\0\0");
    }

    #[tokio::test]
    async fn extraction_writes_only_a_new_file_where_asked() {
        let dir = tempfile::tempdir().unwrap();
        let layer = location(dir.path());
        let target = dir.path().join("motd.txt");
        assert_eq!(extract_file(None, &layer, &path("etc/motd"), &Reading::default(), &target).await.unwrap(), 6);
        assert_eq!(std::fs::read(&target).unwrap(), b"hello\n");
        let again =
            extract_file(None, &layer, &path("etc/motd"), &Reading::default(), &target).await.unwrap_err().to_string();
        assert!(again.contains("already exists"), "{again}");
        assert!(extract_file(None, &layer, &path("etc/motd"), &Reading::default(), Path::new("relative.txt"))
            .await
            .is_err());
        assert!(extract_file(None, &layer, &path("etc/motd"), &Reading::default(), &dir.path().join("no/such/dir/x"))
            .await
            .is_err());
        let tar = dir.path().join("layer.tar");
        let written = export_layer(None, &layer, &Reading::default(), &tar).await.unwrap();
        assert_eq!(written, std::fs::metadata(&tar).unwrap().len());
        assert!(
            crate::image::read_layer(std::io::BufReader::new(File::open(&tar).unwrap())).unwrap().len() == 3,
            "the exported layer holds all three files"
        );
    }

    /// Run on Windows' rules by the cross-built tests under Wine: a name Windows would store
    /// somewhere else (`a:b` is a hidden stream of `a`, `aux` a device) is refused, and nothing
    /// at all is written in the folder.
    #[tokio::test]
    async fn names_this_system_refuses_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let layer = location(dir.path());
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let refused: &[&str] = if cfg!(windows) { &["a:b", "what?", "aux", "Con.txt", "report."] } else { &[".."] };
        for name in refused {
            // Written out, not joined: on Windows `folder.join("a:b")` is `a:b`, a path on drive A:.
            let destination = PathBuf::from(format!("{}{}{name}", out.display(), std::path::MAIN_SEPARATOR));
            let error = extract_file(None, &layer, &path("etc/motd"), &Reading::default(), &destination)
                .await
                .unwrap_err()
                .to_string();
            assert!(error.contains("choose another name"), "{name}: {error}");
        }
        if cfg!(windows) {
            let joined =
                extract_file(None, &layer, &path("etc/motd"), &Reading::default(), &out.join("a:b")).await.unwrap_err();
            assert!(joined.to_string().contains("give a full path"), "{joined}");
        }
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing written anywhere in the folder");
        let offered = crate::files::free_path_in(&out, "a:b?");
        assert_eq!(offered.file_name().unwrap(), if cfg!(windows) { "a_b_" } else { "a_b?" });
    }
}
