//! The on-disk index cache: each layer's changes (paths, kinds, sizes, modes, owners, hashes),
//! stored under the user's cache directory and keyed by the layer's digest, so a second look at
//! an image — or at another image sharing its layers — reads nothing it has read before. An
//! image's config is kept by image id beside them, so a fully cached image needs no export at all.
//!
//! Files are postcard behind a header naming the format version; a file of another version, or
//! damaged, is ignored and replaced. Writes go to a temporary file renamed into place, so a
//! reader never sees half a file. They are not compressed: a layer index is mostly content
//! hashes, which do not compress, and zstd's fastest levels took 9% of a cold inspect's user
//! time to make the bench image's indexes 2.4× smaller (4.4 MB against 1.8 MB).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::layer::LayerChange;
use crate::secrets::rules::RULES_VERSION;
use crate::secrets::{file_size_limit, DEFAULT_FILE_SIZE_LIMIT};

/// Bump when the layout of [`LayerChange`], [`ImageRecord`], a cached summary or a kept inventory changes
/// (2: package databases' content kept in the layer index; 3: not compressed; 4: each file's
/// secret scan, so an index made before the secret rules is read again; 5: os-release, egg-info
/// and distroless dpkg paragraphs kept too, for the SBOM; 6: dpkg's file lists; 7: the modules
/// Go and Rust programs say they were built from).
const FORMAT_VERSION: u32 = 7;
const MAGIC: &[u8; 8] = b"STRATAIX";
/// The folder of layer copies, beside the indexes.
const COPIES: &str = "copies";

/// What the cache knows of an image besides its layers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageRecord {
    /// The image's tags (`name:tag`); empty for an untagged image.
    pub repo_tags: Vec<String>,
    /// The config as JSON text (postcard cannot carry a `serde_json::Value`).
    pub config_json: String,
    /// Where each layer sits in the daemon's export, bottom first, to find its content again.
    pub sources: Vec<String>,
}

/// How much the cache holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CacheUsage {
    /// The folder of the cache's current format version; empty when caching is off.
    pub directory: String,
    /// Bytes on disk of every cached layer index, image record, summary and layer copy.
    pub bytes: u64,
    /// How many layer indexes are stored.
    pub layers: usize,
    /// How many images' records (tags, config, layer places) are stored.
    pub images: usize,
}

/// The index cache in one directory; `None` directory means caching is off.
#[derive(Debug, Clone)]
pub struct IndexCache {
    dir: Option<PathBuf>,
    /// For an archive file: what its entries are keyed by besides their digests (see
    /// [`IndexCache::for_archive`]).
    scope: Option<String>,
}

/// Strata's folder in the user's cache: `$STRATA_CACHE_DIR`, else `strata/` in the platform's
/// cache directory.
pub fn user_cache_dir() -> Option<PathBuf> {
    std::env::var_os("STRATA_CACHE_DIR").map(PathBuf::from).or_else(|| dirs::cache_dir().map(|d| d.join("strata")))
}

fn sha2_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// What the cache keeps per image id, each kind in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptForImage {
    /// An image's config (JSON, secrets redacted), for images read from a registry: a second look
    /// fetches no blob at all.
    Config,
    /// The figures computed for an image (they depend on its layers only).
    Summary,
    /// The tally of its last audit ([`crate::audit::tally`]).
    AuditTally,
    /// Its SBOM inventory, checked again against a newer vulnerability database without reading
    /// the image ([`crate::vulns::tally`]).
    Inventory,
}

impl KeptForImage {
    fn folder(self) -> &'static str {
        match self {
            KeptForImage::Config => "configs",
            KeptForImage::Summary => "summaries",
            KeptForImage::AuditTally => "audits",
            KeptForImage::Inventory => "inventories",
        }
    }
}

impl IndexCache {
    /// The user's cache: `$STRATA_CACHE_DIR`, else `strata/` in the platform's cache directory
    /// (`~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows).
    pub fn user() -> IndexCache {
        IndexCache { dir: user_cache_dir(), scope: None }
    }

    /// A cache in `dir` instead of the user's folder (made on the first write); the tests use it.
    pub fn at(dir: &Path) -> IndexCache {
        IndexCache { dir: Some(dir.to_path_buf()), scope: None }
    }

    /// A cache that holds nothing and stores nothing.
    pub fn disabled() -> IndexCache {
        IndexCache { dir: None, scope: None }
    }

    /// A layer's changes stored before under its digest (`sha256:…`); `None` when not stored, stored
    /// by another format version, or damaged.
    pub fn load_layer(&self, diff_id: &str) -> Option<Vec<LayerChange>> {
        self.load(&self.file_for("layers", diff_id)?)
    }

    /// Whether a layer's index is stored (without reading it).
    pub fn has_layer(&self, diff_id: &str) -> bool {
        self.file_for("layers", diff_id).is_some_and(|path| path.is_file())
    }

    /// Stores a layer's changes; failing to write only costs a re-read later, so it is logged.
    pub fn store_layer(&self, diff_id: &str, changes: &Vec<LayerChange>) {
        if let Some(path) = self.file_for("layers", diff_id) {
            self.store(&path, changes);
        }
    }

    /// What the cache knows of an image besides its layers, by image id (`sha256:…`); `None` when not
    /// stored.
    pub fn load_image(&self, image_id: &str) -> Option<ImageRecord> {
        self.load(&self.file_for("images", image_id)?)
    }

    /// Keeps an image's record under its id; failing to write only costs a re-read later, so it is
    /// logged.
    pub fn store_image(&self, image_id: &str, record: &ImageRecord) {
        if let Some(path) = self.file_for("images", image_id) {
            self.store(&path, record);
        }
    }

    /// What was kept for this image id as `kind`, if anything.
    pub fn load_record<T: serde::de::DeserializeOwned>(&self, kind: KeptForImage, image_id: &str) -> Option<T> {
        self.load(&self.file_for(kind.folder(), image_id)?)
    }

    /// Keeps `value` as this image id's `kind`; failing to write is logged.
    pub fn store_record<T: Serialize>(&self, kind: KeptForImage, image_id: &str, value: &T) {
        if let Some(path) = self.file_for(kind.folder(), image_id) {
            self.store(&path, value);
        }
    }

    /// The folder of the daemon's layers copied for their files ([`super::layer_copies`]).
    pub fn copies_dir(&self) -> Option<PathBuf> {
        Some(self.versioned_root()?.join(COPIES))
    }

    /// Where the copy of the layer `diff_id` is kept; `None` for a digest that is not one.
    pub fn file_for_copy(&self, diff_id: &str) -> Option<PathBuf> {
        self.file_for(COPIES, diff_id)
    }

    /// What the cache holds on disk (current format version only); all zeros when caching is off.
    pub fn usage(&self) -> CacheUsage {
        let Some(root) = self.versioned_root() else { return CacheUsage::default() };
        let mut usage = CacheUsage { directory: root.display().to_string(), ..CacheUsage::default() };
        let (mut summaries, mut copies) = (0, 0);
        for (kind, count) in [
            ("layers", &mut usage.layers),
            ("images", &mut usage.images),
            ("summaries", &mut summaries),
            (COPIES, &mut copies),
        ] {
            for entry in fs::read_dir(root.join(kind)).into_iter().flatten().flatten() {
                usage.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
                *count += 1;
            }
        }
        usage
    }

    /// Removes everything cached (every format version); says how many bytes that freed.
    pub fn clear(&self) -> std::io::Result<u64> {
        let Some(dir) = &self.dir else { return Ok(0) };
        let mut freed = 0;
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with("index-v") {
                freed += directory_size(&entry.path());
                fs::remove_dir_all(entry.path())?;
            }
        }
        Ok(freed)
    }

    /// The folder of this format and rules version; reads made under another secret-scan size
    /// limit than the default have their own, so that they never answer for each other.
    fn versioned_root(&self) -> Option<PathBuf> {
        let limit = match file_size_limit() {
            DEFAULT_FILE_SIZE_LIMIT => String::new(),
            other => format!(".scan{other}"),
        };
        Some(self.dir.as_ref()?.join(format!("index-v{FORMAT_VERSION}.{RULES_VERSION}{limit}")))
    }

    /// The file for a digest, or `None` when the digest is not `sha256:` and 64 hex digits (the
    /// digest comes from the image itself, which must not choose where we write).
    fn file_for(&self, kind: &str, digest: &str) -> Option<PathBuf> {
        let hex = digest.strip_prefix("sha256:")?;
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let name = match &self.scope {
            Some(scope) => sha2_hex(&format!("{scope}\n{hex}")),
            None => hex.to_string(),
        };
        Some(self.versioned_root()?.join(kind).join(name))
    }

    /// Whether an index of this image made by an older Strata — older secret rules, or an older
    /// format — is in the cache, in another version's folder: the read that replaces it says so.
    pub fn has_older_index(&self, image_id: &str) -> bool {
        let (Some(dir), Some(current_root), Some(current)) =
            (&self.dir, self.versioned_root(), self.file_for("images", image_id))
        else {
            return false;
        };
        let Ok(relative) = current.strip_prefix(&current_root) else { return false };
        fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| {
            let name = entry.file_name().to_string_lossy().to_string();
            // Reads under another scan size limit are not older, only apart.
            let older = name.starts_with("index-v") && !name.contains(".scan") && entry.path() != current_root;
            older && entry.path().join(relative).is_file()
        })
    }

    /// The cache as an archive file uses it. A daemon checks the digests of the layers it holds;
    /// an archive's are only claims, which a crafted archive can copy from a real image. So an
    /// archive's entries are keyed by its digests *and* by the file (path, size, modification
    /// time): a second look at the same file is cached, but nothing an archive says can stand in
    /// for a daemon image's layers, or another archive's.
    pub fn for_archive(&self, path: &Path) -> IndexCache {
        let file = dunce::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let stamp = fs::metadata(&file).map(|m| format!("{} {:?}", m.len(), m.modified().ok())).unwrap_or_default();
        IndexCache { dir: self.dir.clone(), scope: Some(format!("archive {} {stamp}", file.display())) }
    }

    fn load<T: serde::de::DeserializeOwned>(&self, path: &Path) -> Option<T> {
        let bytes = fs::read(path).ok()?;
        let body = bytes.strip_prefix(MAGIC.as_slice())?;
        let (version, body) = body.split_first_chunk::<4>()?;
        if u32::from_le_bytes(*version) != FORMAT_VERSION {
            return None;
        }
        match postcard::from_bytes(body) {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::warn!("ignoring a damaged cache file {}: {error}", path.display());
                None
            }
        }
    }

    fn store<T: Serialize>(&self, path: &Path, value: &T) {
        if let Err(error) = write_cache_file(path, value) {
            tracing::warn!("cannot write the cache file {}: {error}", path.display());
        }
    }
}

/// Writes `value` with the header, serialized straight into the file (no copy of the whole
/// encoding in memory).
fn write_cache_file<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    crate::files::write_atomically(path, |writer| {
        writer.write_all(MAGIC)?;
        writer.write_all(&FORMAT_VERSION.to_le_bytes())?;
        postcard::to_io(value, writer).map(|_| ()).map_err(std::io::Error::other)
    })
}

fn directory_size(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => directory_size(&entry.path()),
            _ => entry.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::layer::tests::changes_of;

    const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    #[test]
    fn a_layer_round_trips_and_the_cache_can_be_measured_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let changes =
            changes_of(&[(b"etc/motd", "file", b"hi"), (b"etc/.wh.old", "file", b""), (b"caf\xe9", "dir", b"")]);
        assert!(cache.load_layer(DIGEST).is_none());
        cache.store_layer(DIGEST, &changes);
        assert_eq!(cache.load_layer(DIGEST).unwrap(), changes);
        let usage = cache.usage();
        assert_eq!((usage.layers, usage.images), (1, 0));
        assert!(usage.bytes > 0);
        assert_eq!(cache.clear().unwrap(), usage.bytes);
        assert!(cache.load_layer(DIGEST).is_none());
        assert_eq!(cache.usage().bytes, 0);
    }

    #[test]
    fn an_index_left_by_older_rules_is_noticed_and_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        assert!(!cache.has_older_index(DIGEST));
        // The same image's record as a Strata with rules version 0 left it.
        let current = cache.file_for("images", DIGEST).unwrap();
        let relative = current.strip_prefix(cache.versioned_root().unwrap()).unwrap();
        let older = dir.path().join(format!("index-v{FORMAT_VERSION}.0")).join(relative);
        std::fs::create_dir_all(older.parent().unwrap()).unwrap();
        std::fs::write(&older, b"an older index").unwrap();
        assert!(cache.has_older_index(DIGEST));
        assert!(cache.load_image(DIGEST).is_none(), "never read: it is read again");
        let other = "sha256:4444444444444444444444444444444444444444444444444444444444444444";
        assert!(!cache.has_older_index(other));
    }

    #[test]
    fn what_an_archive_claims_never_stands_in_for_another_source() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let (first, second) = (dir.path().join("a.tar"), dir.path().join("b.tar"));
        std::fs::write(&first, b"one").unwrap();
        std::fs::write(&second, b"two").unwrap();
        let claimed = changes_of(&[(b"etc/evil", "file", b"x")]);
        cache.for_archive(&first).store_layer(DIGEST, &claimed);
        assert_eq!(cache.for_archive(&first).load_layer(DIGEST).unwrap(), claimed, "the same file: cached");
        assert!(cache.load_layer(DIGEST).is_none(), "a daemon image with that digest does not see it");
        assert!(cache.for_archive(&second).load_layer(DIGEST).is_none(), "nor does another archive");
        std::fs::write(&first, b"changed").unwrap();
        assert!(cache.for_archive(&first).load_layer(DIGEST).is_none(), "nor the file once it changed");
    }

    #[test]
    fn digests_that_are_not_sha256_never_become_file_names() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        cache.store_layer("sha256:../../escape", &vec![]);
        cache.store_layer("md5:abc", &vec![]);
        assert_eq!(cache.usage().layers, 0);
    }

    #[test]
    fn a_damaged_or_older_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        cache.store_layer(DIGEST, &changes_of(&[(b"a", "file", b"1")]));
        let path = cache.file_for("layers", DIGEST).unwrap();
        let stored = fs::read(&path).unwrap();
        let mut bytes = stored.clone();
        bytes[8] = 99; // another format version
        fs::write(&path, &bytes).unwrap();
        assert!(cache.load_layer(DIGEST).is_none());
        fs::write(&path, b"STRATAIX\x01\x00\x00\x00garbage").unwrap();
        assert!(cache.load_layer(DIGEST).is_none());
        let mut current = b"STRATAIX".to_vec();
        current.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        fs::write(&path, [&current[..], b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"].concat()).unwrap();
        assert!(cache.load_layer(DIGEST).is_none(), "this version's header over garbage");
        fs::write(&path, &stored[..stored.len() - 1]).unwrap();
        assert!(cache.load_layer(DIGEST).is_none(), "a cut file");
    }
}
