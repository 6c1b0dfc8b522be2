//! A file's content scanned for secrets while the image reader streams it by, in whatever pieces
//! the reader's buffer holds: the one read Strata does of an image also audits it, and the
//! content is never kept. A secret split across two pieces (a tar block, the buffer's end) is
//! still found: pieces are gathered into batches that overlap by [`OVERLAP`] bytes, and a match
//! that starts in the overlap waits for the next batch, which holds it whole.
//!
//! Binary files (a NUL in their first 8 KiB) are passed over, and so are files over
//! [`file_size_limit`] — counted, never silently: each file's [`ScanOutcome`] says which.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::rules::find_secrets_in_bytes;

/// The size over which files are not read for secrets, unless set otherwise: 10 MiB.
pub const DEFAULT_FILE_SIZE_LIMIT: u64 = 10 * 1024 * 1024;
static FILE_SIZE_LIMIT: AtomicU64 = AtomicU64::new(DEFAULT_FILE_SIZE_LIMIT);

/// Files larger than this are not read for secrets; the audit counts them as skipped.
pub fn file_size_limit() -> u64 {
    FILE_SIZE_LIMIT.load(Ordering::Relaxed)
}

/// Sets [`file_size_limit`] for the whole process (`strata audit --max-file-size`), before any
/// image is read. The index cache keeps reads made under another limit apart.
pub fn set_file_size_limit(bytes: u64) {
    FILE_SIZE_LIMIT.store(bytes, Ordering::Relaxed);
}
/// A NUL in this many first bytes makes a file binary, as git and grep decide it.
const BINARY_PROBE: usize = 8 * 1024;
/// Bytes each batch shares with the next: a secret (and what names it) up to this long is seen
/// whole in one batch or the next.
const OVERLAP: usize = 8 * 1024;
/// Bytes gathered before the rules run, so that the overlap read twice is a small share.
const BATCH: usize = 256 * 1024;
/// Findings kept for one file; a file holding more is reported with this many.
const MOST_PER_FILE: usize = 100;

/// A secret found in a file: which rule, where, and how it is shown — never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileSecret {
    /// The rule's id (`github-token`).
    pub rule: String,
    /// Byte offset of the secret in the file.
    pub offset: u64,
    /// Its first 4 characters, `…` and its length.
    pub preview: String,
    /// `sha256:` and the SHA-256 of the secret.
    pub fingerprint: String,
}

/// What scanning a file's content came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScanOutcome {
    /// Not a regular file with content: nothing to read.
    #[default]
    NotRead,
    /// A NUL among its first bytes: binary, passed over.
    Binary,
    /// Larger than [`file_size_limit`]: passed over, and counted.
    TooLarge,
    /// Read whole; no rule matched.
    Clean,
    /// Read whole; these secrets are in it, in order.
    Secrets(Vec<FileSecret>),
}

impl ScanOutcome {
    /// The secrets found, none for any other outcome.
    pub fn secrets(&self) -> &[FileSecret] {
        match self {
            ScanOutcome::Secrets(found) => found,
            _ => &[],
        }
    }
}

/// One file being scanned, fed its content piece by piece.
pub struct FileScan {
    state: State,
    /// Content not yet scanned, after the overlap kept from the batch before.
    batch: Vec<u8>,
    /// Where `batch` starts in the file.
    batch_offset: u64,
    probed: bool,
    found: Vec<FileSecret>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    Binary,
    TooLarge,
}

impl FileScan {
    /// Scans a file's whole content at once (the reader's buffer held all of it).
    pub fn whole(content: &[u8]) -> ScanOutcome {
        let mut scan = FileScan::start(content.len() as u64);
        if scan.state == State::Reading && !content.is_empty() {
            scan.scan_batch(content, true);
        }
        scan.outcome()
    }

    /// A scan of a file of `size` bytes, to be fed its content with [`feed`](Self::feed).
    pub fn start(size: u64) -> FileScan {
        let state = if size > file_size_limit() { State::TooLarge } else { State::Reading };
        FileScan { state, batch: Vec::new(), batch_offset: 0, probed: false, found: Vec::new() }
    }

    /// Takes the next piece of the file's content.
    pub fn feed(&mut self, piece: &[u8]) {
        if self.state != State::Reading {
            return;
        }
        self.batch.extend_from_slice(piece);
        if self.batch.len() >= BATCH + OVERLAP {
            let batch = std::mem::take(&mut self.batch);
            let settled = self.scan_batch(&batch, false);
            self.batch_offset += settled as u64;
            self.batch = batch;
            self.batch.drain(..settled);
        }
    }

    /// Scans what is left and says what the file came to.
    pub fn finish(mut self) -> ScanOutcome {
        let anything_to_read = self.probed || !self.batch.is_empty();
        if self.state == State::Reading && anything_to_read {
            let batch = std::mem::take(&mut self.batch);
            self.scan_batch(&batch, true);
        }
        self.outcome()
    }

    /// Runs the rules over `batch` and keeps what they find, but for matches starting in the last
    /// [`OVERLAP`] bytes of a batch that is not the last: the next batch holds them whole. Says
    /// how many bytes are settled (everything before the overlap).
    fn scan_batch(&mut self, batch: &[u8], last: bool) -> usize {
        if !self.probed {
            self.probed = true;
            if memchr::memchr(0, &batch[..batch.len().min(BINARY_PROBE)]).is_some() {
                self.state = State::Binary;
                return batch.len();
            }
        }
        let settled = if last { batch.len() } else { batch.len() - OVERLAP };
        for found in find_secrets_in_bytes(batch) {
            if found.match_start >= settled || self.found.len() >= MOST_PER_FILE {
                continue;
            }
            let offset = self.batch_offset + found.start as u64;
            // The same secret met again from inside the overlap (a name's tail matches too).
            if self.found.iter().any(|kept| kept.offset == offset) {
                continue;
            }
            self.found.push(FileSecret {
                rule: found.rule.to_string(),
                offset,
                preview: found.preview,
                fingerprint: found.fingerprint,
            });
        }
        settled
    }

    fn outcome(self) -> ScanOutcome {
        match self.state {
            State::Binary => ScanOutcome::Binary,
            State::TooLarge => ScanOutcome::TooLarge,
            State::Reading if !self.probed => ScanOutcome::NotRead,
            State::Reading if self.found.is_empty() => ScanOutcome::Clean,
            State::Reading => ScanOutcome::Secrets(self.found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> String {
        format!("ghp_{}", "a1B2c3D4e5F6".repeat(3))
    }

    /// Feeds `content` in pieces of `piece` bytes.
    fn streamed(content: &[u8], piece: usize) -> ScanOutcome {
        let mut scan = FileScan::start(content.len() as u64);
        for chunk in content.chunks(piece) {
            scan.feed(chunk);
        }
        scan.finish()
    }

    #[test]
    fn a_secret_across_any_piece_or_batch_boundary_is_found_once() {
        let secret = token();
        for before in [0, 1, BATCH - 20, BATCH + OVERLAP - 20, BATCH + OVERLAP - 1, 3 * BATCH] {
            let content = format!("{}{secret}\n{}", ".".repeat(before), "y".repeat(1000));
            for piece in [1 << 20, 4096, 512, 7] {
                let found = streamed(content.as_bytes(), piece);
                let secrets = found.secrets();
                assert_eq!(secrets.len(), 1, "before {before}, pieces of {piece}: {found:?}");
                assert_eq!(secrets[0].offset, before as u64);
                assert_eq!(secrets[0].preview, "ghp_…(40)");
            }
            assert_eq!(streamed(content.as_bytes(), 4096), FileScan::whole(content.as_bytes()));
        }
    }

    #[test]
    fn binary_large_empty_and_clean_files_say_so() {
        let mut binary = vec![0x7f, b'E', b'L', b'F', 0];
        binary.extend_from_slice(token().as_bytes());
        assert_eq!(FileScan::whole(&binary), ScanOutcome::Binary);
        assert_eq!(streamed(&binary, 2), ScanOutcome::Binary);
        assert_eq!(FileScan::start(DEFAULT_FILE_SIZE_LIMIT + 1).finish(), ScanOutcome::TooLarge);
        assert_eq!(FileScan::whole(b""), ScanOutcome::NotRead);
        assert_eq!(FileScan::whole(b"PATH=/usr/bin\n"), ScanOutcome::Clean);
    }

    #[test]
    fn invalid_utf8_and_one_long_line_are_read() {
        let mut content = b"\xff\xfe caf\xe9 ".to_vec();
        content.extend_from_slice(token().as_bytes());
        content.extend(std::iter::repeat_n(b' ', 3 * BATCH));
        content.extend_from_slice(format!(" {}", token()).as_bytes());
        let found = streamed(&content, 65536);
        assert_eq!(found.secrets().len(), 2, "{found:?}");
    }

    #[test]
    fn a_huge_file_with_no_newline_is_passed_over_or_read_in_bounded_memory() {
        // 5 GB over the limit: passed over at once, whatever it is fed.
        let piece = vec![b'x'; 1 << 20];
        let mut huge = FileScan::start(5 << 30);
        for _ in 0..64 {
            huge.feed(&piece);
        }
        assert_eq!(huge.batch.capacity(), 0, "nothing gathered");
        assert_eq!(huge.finish(), ScanOutcome::TooLarge);
        // Under the limit (here the size is not told), a line that never ends is read in batches:
        // what is held never grows past a batch, its overlap and one piece.
        let mut long = FileScan::start(0);
        for _ in 0..32 {
            long.feed(&piece);
            assert!(long.batch.len() <= BATCH + OVERLAP + piece.len(), "{}", long.batch.len());
        }
        long.feed(format!(" {}", token()).as_bytes());
        assert_eq!(long.finish().secrets().len(), 1);
    }

    #[test]
    fn a_file_full_of_secrets_keeps_a_bounded_list() {
        let content = format!("{}\n", token()).repeat(500);
        assert_eq!(FileScan::whole(content.as_bytes()).secrets().len(), MOST_PER_FILE);
    }
}
