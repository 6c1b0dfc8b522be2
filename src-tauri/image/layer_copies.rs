//! Copies of the daemon's layers whose files were looked at, so the second look is instant.
//!
//! The daemon hands out an image's layers only as one stream (`docker save`), so showing a file
//! means streaming every layer below the one that holds it: seconds for a small file in a large
//! image. The first time a layer is read for a file, its uncompressed tar is copied (beside the
//! reading, through [`Tee`]) into the cache, keyed by its digest; every later view, diff or
//! extraction of a file in that layer reads the copy. The answer does not wait for the copy: the
//! rest of the layer is copied after the file was handed over.
//!
//! A layer over [`LAYER_LIMIT`] is not copied, and the copies together are kept under
//! [`TOTAL_LIMIT`]: the ones read longest ago are removed first. They live in the index cache's
//! folder, so its usage counts them and *Clear cache* removes them. Archive files need no copies:
//! they are on disk already.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::time::SystemTime;

use super::cache::IndexCache;

/// A layer larger than this (uncompressed) is read from the daemon every time.
pub const LAYER_LIMIT: u64 = 2 << 30;
/// The copies together are kept under this many bytes.
pub const TOTAL_LIMIT: u64 = 8 << 30;

/// The folder of layer copies, and its limits.
#[derive(Debug, Clone)]
pub struct LayerCopies {
    cache: IndexCache,
    layer_limit: u64,
    total_limit: u64,
}

impl LayerCopies {
    /// Copies kept in `cache`'s folder, under the default limits.
    pub fn in_cache(cache: IndexCache) -> LayerCopies {
        LayerCopies { cache, layer_limit: LAYER_LIMIT, total_limit: TOTAL_LIMIT }
    }

    /// The same, with other limits (the tests use small ones).
    pub fn with_limits(cache: IndexCache, layer_limit: u64, total_limit: u64) -> LayerCopies {
        LayerCopies { cache, layer_limit, total_limit }
    }

    /// The copy of the layer `diff_id`, opened for reading, when one was kept. Opening it marks it
    /// as read now, so it is the last to go when room is needed.
    pub fn open(&self, diff_id: &str) -> Option<File> {
        let path = self.cache.file_for_copy(diff_id)?;
        let file = File::open(&path).ok()?;
        let _ = File::options().write(true).open(&path).and_then(|f| f.set_modified(SystemTime::now()));
        Some(file)
    }

    /// Where a new copy of the layer `diff_id` goes; `None` when the digest is not one.
    pub fn destination(&self, diff_id: &str) -> Option<PathBuf> {
        self.cache.file_for_copy(diff_id)
    }

    /// The largest layer copied.
    pub fn layer_limit(&self) -> u64 {
        self.layer_limit
    }

    /// Removes the copies read longest ago until the rest fit [`TOTAL_LIMIT`].
    pub fn make_room(&self) {
        let Some(folder) = self.cache.copies_dir() else { return };
        let mut copies: Vec<(SystemTime, u64, PathBuf)> = fs::read_dir(&folder)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), entry.path()))
            })
            .collect();
        copies.sort();
        let mut total: u64 = copies.iter().map(|c| c.1).sum();
        for (_, bytes, path) in copies {
            if total <= self.total_limit {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= bytes;
            }
        }
    }
}

/// A reader that writes what it reads into a copy, until the copy would pass `limit` bytes:
/// then it stops copying (and says so) but goes on reading.
pub struct Tee<'a, R> {
    inner: R,
    copy: &'a mut dyn Write,
    copied: u64,
    limit: u64,
    /// The copy was given up: too large, or its disk failed.
    pub abandoned: bool,
}

impl<'a, R: Read> Tee<'a, R> {
    /// Reads `inner`, copying into `copy` up to `limit` bytes.
    pub fn new(inner: R, copy: &'a mut dyn Write, limit: u64) -> Self {
        Tee { inner, copy, copied: 0, limit, abandoned: false }
    }
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if !self.abandoned {
            self.copied += read as u64;
            self.abandoned = self.copied > self.limit || self.copy.write_all(&buf[..read]).is_err();
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tee_copies_what_is_read_and_gives_up_past_its_limit() {
        let mut copy = Vec::new();
        let mut tee = Tee::new(&b"hello world"[..], &mut copy, 100);
        let mut read = String::new();
        tee.read_to_string(&mut read).unwrap();
        assert!(!tee.abandoned);
        assert_eq!((read.as_str(), copy.as_slice()), ("hello world", &b"hello world"[..]));

        let mut small = Vec::new();
        let mut tee = Tee::new(&b"hello world"[..], &mut small, 4);
        let mut read = String::new();
        tee.read_to_string(&mut read).unwrap();
        assert!(tee.abandoned, "11 bytes do not fit 4");
        assert_eq!(read, "hello world", "the reader still gets everything");
    }

    #[test]
    fn the_copies_read_longest_ago_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let copies = LayerCopies::with_limits(IndexCache::at(dir.path()), 100, 10);
        let digest = |n: u8| format!("sha256:{}", format!("{n:x}").repeat(64));
        for n in 1..=3u8 {
            let path = copies.destination(&digest(n)).unwrap();
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, [n; 4]).unwrap();
            let stamp = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(n) * 100);
            File::options().write(true).open(&path).unwrap().set_modified(stamp).unwrap();
        }
        assert!(copies.open(&digest(1)).is_some(), "reading the oldest makes it the newest");
        copies.make_room();
        let kept: Vec<bool> = (1..=3u8).map(|n| copies.destination(&digest(n)).unwrap().exists()).collect();
        assert_eq!(kept, [true, false, true], "12 bytes over a 10-byte limit: the least recently read goes");
        assert!(copies.open("sha256:../../etc").is_none(), "a digest never names a path");
    }
}
