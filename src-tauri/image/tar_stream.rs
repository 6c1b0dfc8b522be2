//! A tar archive read in place: each header is parsed from a `BufRead`'s own buffer, and each
//! file's content is handed out as a `BufRead` over that same buffer, so a layer's files can be
//! hashed where the bytes already lie. The `tar` crate can only hand content out through `Read`,
//! which copies every byte once more; for a 1 GB image that copy, with the crate's per-entry work,
//! was an eighth of `strata inspect`'s CPU time (measured with perf on the benchmark image).
//!
//! It reads what image layers are written with: ustar and GNU headers (numbers in octal or
//! base-256), PAX extended headers (`path`, `linkpath`, `size`, `uid`, `gid`, `mtime`), GNU long
//! names and link names, and GNU sparse files, whose holes read as zeros. Global PAX headers and
//! other special entries come out as entries of their own type for the caller to pass over.
//!
//! It is Strata's one tar reader: image archives (streamed from the daemon, or files, where it
//! seeks past what it does not read), the layers inside them, and a single file read again for
//! the viewer or an extraction all go through it, so what the tree lists can always be opened.

use std::io::{self, BufRead, Read, Seek};

const BLOCK: u64 = 512;
type Block = [u8; BLOCK as usize];
/// Long names and PAX headers before one entry, together larger than this, are not a layer's.
const MAX_METADATA_BYTES: u64 = 1 << 20;
/// More pieces than this in one sparse file is not a file a layer holds.
const MAX_SPARSE_PIECES: usize = 1 << 20;
/// A sparse file claiming more than this (1 TiB) is refused. Its holes read as zeros and are
/// hashed like any content, at about 40 GB/s: a few hundred bytes of header claiming petabytes
/// would keep a reader busy for hours. Docker's own tar writer never writes sparse files.
const MAX_SPARSE_SIZE: u64 = 1 << 40;
/// What a sparse file's holes read as.
static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];

/// One entry's header, with its PAX and GNU extensions applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TarHeader {
    /// The name as stored (long names resolved), not yet normalized.
    pub name: Vec<u8>,
    /// The type flag: `b'0'` (or 0) a file, `b'5'` a directory, `b'2'` a symlink, …
    pub kind: u8,
    /// Bytes of content; for a sparse file, its whole size, holes included.
    pub size: u64,
    /// Header fields that could not be read are `None`.
    pub mode: Option<u32>,
    /// Owner's user id; `None` when the header's field cannot be read.
    pub uid: Option<u64>,
    /// Owner's group id; `None` when the header's field cannot be read.
    pub gid: Option<u64>,
    /// Modification time, seconds since the epoch; `None` when the header's field cannot be read.
    pub mtime: Option<u64>,
    /// A hard or symbolic link's target (empty for anything else).
    pub link: Vec<u8>,
    /// A character or block device's major number; `None` when the header has none.
    pub device_major: Option<u32>,
    /// A character or block device's minor number; `None` when the header has none.
    pub device_minor: Option<u32>,
}

impl TarHeader {
    /// Whether the entry has file content to read: a regular, contiguous (`7`) or GNU sparse (`S`) file.
    pub fn is_file(&self) -> bool {
        matches!(self.kind, b'0' | 0 | b'7' | b'S')
    }
}

/// The entries of a tar, one after another. After [`next_entry`](Self::next_entry), the entry's
/// content can be read with [`content`](Self::content); whatever is left unread is passed over
/// by the next call.
pub struct TarStream<R> {
    input: R,
    /// Stored bytes of the current entry not read yet, and the padding after them.
    stored_left: u64,
    padding: u64,
    /// The current file's content: the stored pieces `(offset, length)`, in order, and its size.
    pieces: Vec<(u64, u64)>,
    next_piece: usize,
    position: u64,
    size: u64,
    /// For a file: passes over content nobody reads by seeking instead of reading it.
    seek: Option<fn(&mut R, i64) -> io::Result<()>>,
}

/// Extensions met before the entry they belong to.
#[derive(Default)]
struct Pending {
    name: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    pax: Vec<(Vec<u8>, Vec<u8>)>,
    /// Bytes of all of them, held to [`MAX_METADATA_BYTES`] too.
    bytes: u64,
}

impl<R: BufRead> TarStream<R> {
    /// A tar read as it arrives: content left unread is read and thrown away, never skipped by seeking.
    pub fn new(input: R) -> TarStream<R> {
        let seek = None;
        TarStream { input, stored_left: 0, padding: 0, pieces: Vec::new(), next_piece: 0, position: 0, size: 0, seek }
    }

    /// A tar in a file: content left unread is skipped by seeking, so reading only an archive's
    /// small files never reads its gigabytes of layers.
    pub fn seekable(input: R) -> TarStream<R>
    where
        R: Seek,
    {
        TarStream { seek: Some(|input, by| input.seek_relative(by)), ..TarStream::new(input) }
    }

    /// The next entry's header; `None` at the end of the archive.
    pub fn next_entry(&mut self) -> io::Result<Option<TarHeader>> {
        let mut pending = Pending::default();
        loop {
            self.skip_rest()?;
            let Some((mut header, sparse_block)) = self.read_header()? else { return Ok(None) };
            let stored = header.size;
            self.stored_left = stored;
            self.padding = (BLOCK - stored % BLOCK) % BLOCK;
            if matches!(header.kind, b'L' | b'K' | b'x') {
                pending.bytes = pending.bytes.saturating_add(stored);
                if pending.bytes > MAX_METADATA_BYTES {
                    return Err(invalid(&format!("tar metadata of {} bytes before one entry", pending.bytes)));
                }
            }
            match header.kind {
                b'L' => pending.name = Some(before_nul(&self.read_metadata(stored)?).to_vec()),
                b'K' => pending.link = Some(before_nul(&self.read_metadata(stored)?).to_vec()),
                b'x' => pending.pax.extend(pax_records(&self.read_metadata(stored)?)?),
                _ => {
                    let sparse = match sparse_block {
                        Some(block) => Some(self.sparse_map(&block)?),
                        None => None,
                    };
                    apply(&mut header, pending)?;
                    self.start_content(&mut header, sparse)?;
                    return Ok(Some(header));
                }
            }
        }
    }

    /// The current entry's content, as a `BufRead` over the archive's own buffer.
    pub fn content(&mut self) -> Content<'_, R> {
        Content { stream: self }
    }

    fn start_content(&mut self, header: &mut TarHeader, sparse: Option<(Vec<(u64, u64)>, u64)>) -> io::Result<()> {
        self.position = 0;
        self.next_piece = 0;
        self.pieces.clear();
        match sparse {
            Some((pieces, size)) => {
                let stored: u64 = pieces.iter().map(|(_, length)| length).sum();
                if stored != self.stored_left {
                    return Err(invalid("a sparse file's pieces do not add up to its stored size"));
                }
                // Zero-length pieces (GNU tar ends a map with one) hold nothing to read.
                self.pieces = pieces.into_iter().filter(|(_, length)| *length > 0).collect();
                header.size = size;
            }
            None => {
                // A PAX size replaces the header's, for what is stored as well.
                self.stored_left = header.size;
                self.padding = (BLOCK - header.size % BLOCK) % BLOCK;
                if header.size > 0 {
                    self.pieces.push((0, header.size));
                }
            }
        }
        self.size = header.size;
        Ok(())
    }

    /// Passes over what is left of the current entry, without copying it.
    fn skip_rest(&mut self) -> io::Result<()> {
        let mut left = self.stored_left.saturating_add(self.padding);
        if let (Some(seek), Ok(by)) = (self.seek, i64::try_from(left)) {
            if left > self.input.fill_buf()?.len() as u64 {
                seek(&mut self.input, by)?;
                left = 0;
            }
        }
        while left > 0 {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Err(cut_short());
            }
            let step = available.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            self.input.consume(step);
            left -= step as u64;
        }
        self.stored_left = 0;
        self.padding = 0;
        self.pieces.clear();
        self.size = 0;
        self.position = 0;
        Ok(())
    }

    /// The next header, parsed where it lies in the input's buffer when the whole block is there
    /// (nearly always: this runs for every entry), and a sparse file's block, whose map
    /// [`TarStream::sparse_map`] reads. `None` at the archive's end.
    fn read_header(&mut self) -> io::Result<Option<(TarHeader, Option<Block>)>> {
        let available = self.input.fill_buf()?;
        let Some(block) = available.first_chunk::<{ BLOCK as usize }>() else {
            let Some(block) = self.read_block()? else { return Ok(None) };
            return header_of(&block).map(Some);
        };
        let parsed = if is_end(block) { None } else { Some(header_of(block)?) };
        self.input.consume(BLOCK as usize);
        Ok(parsed)
    }

    /// The next 512-byte block; `None` at the archive's end (its end, or an all-zero block).
    fn read_block(&mut self) -> io::Result<Option<Block>> {
        let mut block = [0u8; BLOCK as usize];
        let mut filled = 0;
        while filled < block.len() {
            let read = self.input.read(&mut block[filled..])?;
            if read == 0 {
                return if filled == 0 { Ok(None) } else { Err(cut_short()) };
            }
            filled += read;
        }
        Ok(if is_end(&block) { None } else { Some(block) })
    }

    /// The whole (small: see [`MAX_METADATA_BYTES`]) content of a metadata entry.
    fn read_metadata(&mut self, size: u64) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(size as usize);
        (&mut self.input).take(size).read_to_end(&mut bytes)?;
        if bytes.len() as u64 != size {
            return Err(cut_short());
        }
        self.stored_left = 0;
        Ok(bytes)
    }

    /// A GNU sparse file's pieces (in the header and the extension blocks after it) and size.
    fn sparse_map(&mut self, header: &[u8; BLOCK as usize]) -> io::Result<(Vec<(u64, u64)>, u64)> {
        let size = number(&header[483..495]).ok_or_else(|| invalid("a sparse file without a size"))?;
        if size > MAX_SPARSE_SIZE {
            return Err(invalid(&format!("a sparse file of {size} bytes, more than the 1 TiB Strata reads")));
        }
        let mut pieces = Vec::new();
        add_pieces(&mut pieces, &header[386..482])?;
        let mut extended = header[482] != 0;
        while extended {
            // The extension blocks come before the content and are not counted in its size.
            let block = self.read_block()?.ok_or_else(cut_short)?;
            add_pieces(&mut pieces, &block[..504])?;
            extended = block[504] != 0;
            if pieces.len() > MAX_SPARSE_PIECES {
                return Err(invalid(&format!(
                    "a sparse file of more than {MAX_SPARSE_PIECES} pieces, the most Strata reads"
                )));
            }
        }
        let mut end = 0;
        for (offset, length) in &pieces {
            if *offset < end || offset.checked_add(*length).is_none_or(|piece_end| piece_end > size) {
                return Err(invalid("a sparse file's pieces overlap or lie past its end"));
            }
            end = offset + length;
        }
        Ok((pieces, size))
    }
}

/// The content of the current entry: stored bytes straight from the archive's buffer and, for a
/// sparse file, zeros for its holes.
pub struct Content<'s, R> {
    stream: &'s mut TarStream<R>,
}

impl<R: BufRead> BufRead for Content<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let stream = &mut *self.stream;
        let to_end = stream.size.saturating_sub(stream.position);
        match stream.pieces.get(stream.next_piece).copied() {
            Some((offset, length)) if stream.position >= offset => {
                let wanted = (offset + length).saturating_sub(stream.position);
                let available = stream.input.fill_buf()?;
                if available.is_empty() && wanted > 0 {
                    return Err(cut_short());
                }
                Ok(&available[..available.len().min(usize::try_from(wanted).unwrap_or(usize::MAX))])
            }
            Some((offset, _)) => {
                let to_piece = usize::try_from(offset - stream.position).unwrap_or(usize::MAX);
                Ok(&ZEROS[..ZEROS.len().min(to_piece)])
            }
            None => Ok(&ZEROS[..ZEROS.len().min(usize::try_from(to_end).unwrap_or(usize::MAX))]),
        }
    }

    fn consume(&mut self, amount: usize) {
        let stream = &mut *self.stream;
        let amount = amount as u64;
        if let Some((offset, length)) = stream.pieces.get(stream.next_piece).copied() {
            if stream.position >= offset {
                stream.input.consume(amount as usize);
                stream.stored_left = stream.stored_left.saturating_sub(amount);
                if stream.position + amount == offset + length {
                    stream.next_piece += 1;
                }
            }
        }
        stream.position += amount;
    }
}

impl<R: BufRead> Read for Content<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        crate::in_place::read_from_buffer(self, buffer)
    }
}

/// A header block's header, and the block itself for a sparse file (its map is read from it).
fn header_of(block: &Block) -> io::Result<(TarHeader, Option<Block>)> {
    let header = parse_header(block)?;
    let sparse_block = (header.kind == b'S').then_some(*block);
    Ok((header, sparse_block))
}

/// An all-zero block ends an archive.
fn is_end(block: &Block) -> bool {
    block.iter().all(|b| *b == 0)
}

fn parse_header(block: &Block) -> io::Result<TarHeader> {
    let recorded = number(&block[148..156]).ok_or_else(|| invalid("a tar header without a checksum"))?;
    // The sum of the header's bytes with the checksum's own eight counted as spaces (this runs
    // for every entry of every layer).
    if u64::from(byte_sum(block) - byte_sum(&block[148..156]) + 8 * u32::from(b' ')) != recorded {
        return Err(invalid("a tar header's checksum does not match: the archive is damaged"));
    }
    let name = before_nul(&block[..100]);
    let prefix = before_nul(&block[345..500]);
    let name = if &block[257..263] == b"ustar\0" && !prefix.is_empty() {
        [prefix, b"/", name].concat()
    } else {
        name.to_vec()
    };
    let small = |field: &[u8]| number(field).and_then(|n| u32::try_from(n).ok());
    let kind = block[156];
    // Only links have a target and only devices their numbers: the rest is not parsed.
    let link = if matches!(kind, b'1' | b'2') { before_nul(&block[157..257]).to_vec() } else { Vec::new() };
    let device = |field: &[u8]| if matches!(kind, b'3' | b'4') { small(field) } else { None };
    Ok(TarHeader {
        name,
        kind,
        size: number(&block[124..136]).ok_or_else(|| invalid("a tar header with an unreadable size"))?,
        mode: small(&block[100..108]),
        uid: number(&block[108..116]),
        gid: number(&block[116..124]),
        mtime: number(&block[136..148]),
        link,
        device_major: device(&block[329..337]),
        device_minor: device(&block[337..345]),
    })
}

/// Puts the long names and PAX records met before an entry into its header.
fn apply(header: &mut TarHeader, pending: Pending) -> io::Result<()> {
    if let Some(name) = pending.name {
        header.name = name;
    }
    if let Some(link) = pending.link {
        header.link = link;
    }
    let decimal = |value: &[u8]| -> Option<u64> {
        // mtime may have a fraction; only whole seconds are kept.
        let whole = value.split(|b| *b == b'.').next()?;
        std::str::from_utf8(whole).ok()?.parse().ok()
    };
    for (key, value) in pending.pax {
        match key.as_slice() {
            b"path" => header.name = value,
            b"linkpath" => header.link = value,
            b"size" => header.size = decimal(&value).ok_or_else(|| invalid("a PAX size that is not a number"))?,
            b"uid" => header.uid = decimal(&value),
            b"gid" => header.gid = decimal(&value),
            b"mtime" => header.mtime = decimal(&value),
            _ => {}
        }
    }
    Ok(())
}

/// The records of a PAX extended header: `LENGTH KEY=VALUE\n`, one after another.
fn pax_records(mut bytes: &[u8]) -> io::Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let malformed = || invalid("a malformed PAX header");
    let mut records = Vec::new();
    while !bytes.is_empty() {
        if bytes.iter().all(|b| *b == 0) {
            break;
        }
        let space = bytes.iter().position(|b| *b == b' ').ok_or_else(malformed)?;
        let length: usize =
            std::str::from_utf8(&bytes[..space]).ok().and_then(|l| l.parse().ok()).ok_or_else(malformed)?;
        if length <= space + 1 || length > bytes.len() || bytes[length - 1] != b'\n' {
            return Err(malformed());
        }
        let record = &bytes[space + 1..length - 1];
        let equals = record.iter().position(|b| *b == b'=').ok_or_else(malformed)?;
        records.push((record[..equals].to_vec(), record[equals + 1..].to_vec()));
        bytes = &bytes[length..];
    }
    Ok(records)
}

/// Reads `(offset, length)` pairs of 12-byte numbers; an empty pair ends the list.
fn add_pieces(pieces: &mut Vec<(u64, u64)>, fields: &[u8]) -> io::Result<()> {
    for pair in fields.chunks_exact(24) {
        if pair.iter().all(|b| *b == 0) {
            break;
        }
        match (number(&pair[..12]), number(&pair[12..])) {
            (Some(offset), Some(length)) => pieces.push((offset, length)),
            _ => return Err(invalid("a sparse file's map is unreadable")),
        }
    }
    Ok(())
}

/// The sum of up to 512 bytes, in 64 lanes of 16 bits that cannot overflow (at most eight
/// bytes each): a loop the compiler vectorizes, where summing into one `u32` runs 2.6× slower.
fn byte_sum(bytes: &[u8]) -> u32 {
    debug_assert!(bytes.len() <= BLOCK as usize);
    let mut lanes = [0u16; 64];
    let mut chunks = bytes.chunks_exact(64);
    for chunk in &mut chunks {
        for (lane, byte) in lanes.iter_mut().zip(chunk) {
            *lane += u16::from(*byte);
        }
    }
    let rest: u32 = chunks.remainder().iter().map(|b| u32::from(*b)).sum();
    lanes.iter().map(|lane| u32::from(*lane)).sum::<u32>() + rest
}

/// A numeric header field: octal text (ASCII whitespace around it, ended by a NUL or the
/// field's end), or GNU's base-256 (first byte's high bit set). `None` when empty or unreadable.
/// This runs six times for every entry, so the form nearly every writer uses is read first,
/// eight digits at a time.
#[inline]
fn number(field: &[u8]) -> Option<u64> {
    plain_octal(field).or_else(|| number_in_any_form(field))
}

/// A field of octal digits followed by NULs or spaces only (`0000644\0`, `011624\0 `), read
/// in two registers of eight digits; `None` for any other form. The field is right-aligned in
/// sixteen bytes after leading `0`s, its terminators read as `0` digits and shifted off after.
#[inline]
fn plain_octal(field: &[u8]) -> Option<u64> {
    if field.len() > 16 {
        return None;
    }
    let digits_end = field.iter().rposition(|b| !matches!(b, 0 | b' '))? + 1;
    let terminators = field.len() - digits_end;
    if terminators == 0 {
        return None;
    }
    let mut text = [b'0'; 16];
    text[16 - field.len()..].copy_from_slice(field);
    let terminator_bits = 8 * terminators as u32; // at most 120: there is a digit
    let as_zeros = (1u128 << terminator_bits) - 1;
    let text = (u128::from_be_bytes(text) & !as_zeros) | (u128::from_be_bytes([b'0'; 16]) & as_zeros);
    let high = eight_octal_digits((text >> 64) as u64)?;
    let low = eight_octal_digits(text as u64)?;
    Some(((high << 24) | low) >> (3 * terminators))
}

/// Eight ASCII octal digits in a register, first digit in the top byte, combined in place:
/// digit pairs, then fours, then all eight.
#[inline]
fn eight_octal_digits(text: u64) -> Option<u64> {
    // Every byte 0x30..=0x37, i.e. '0'..='7'.
    if text & 0xf8f8_f8f8_f8f8_f8f8 != 0x3030_3030_3030_3030 {
        return None;
    }
    let digits = text & 0x0707_0707_0707_0707;
    let pairs = ((digits >> 8) & 0x00ff_00ff_00ff_00ff) * 8 + (digits & 0x00ff_00ff_00ff_00ff);
    let fours = ((pairs >> 16) & 0x0000_ffff_0000_ffff) * 64 + (pairs & 0x0000_ffff_0000_ffff);
    Some((fours >> 32) * 4096 + (fours & 0xffff_ffff))
}

/// [`number`] for every form: whitespace around the digits, no terminator, base-256.
fn number_in_any_form(field: &[u8]) -> Option<u64> {
    if field.first()? & 0x80 != 0 {
        if field[0] & 0x40 != 0 {
            return None; // negative
        }
        let mut value: u64 = u64::from(field[0] & 0x3f);
        for byte in &field[1..] {
            value = value.checked_mul(256)?.checked_add(u64::from(*byte))?;
        }
        return Some(value);
    }
    let (mut value, mut digits, mut after_digits) = (0u64, 0usize, false);
    for byte in field {
        match byte {
            0 => break,
            b'0'..=b'7' if !after_digits => {
                value = value.checked_mul(8)?.checked_add(u64::from(byte - b'0'))?;
                digits += 1;
            }
            byte if byte.is_ascii_whitespace() => after_digits = digits > 0,
            _ => return None,
        }
    }
    (digits > 0).then_some(value)
}

/// A NUL-terminated field's text.
fn before_nul(field: &[u8]) -> &[u8] {
    field.iter().position(|b| *b == 0).map_or(field, |end| &field[..end])
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// The archive ended inside an entry (as opposed to its source failing on the way).
#[derive(Debug)]
struct EndsInsideEntry;

impl std::fmt::Display for EndsInsideEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the archive ends inside an entry")
    }
}

impl std::error::Error for EndsInsideEntry {}

fn cut_short() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, EndsInsideEntry)
}

/// Whether `error` says the archive itself ended too soon, rather than passing on an error of
/// the stream it is read from (a daemon that went away says so in its own words).
pub fn ends_inside_entry(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<EndsInsideEntry>())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every entry's header and content, read back.
    fn entries_of(tar: &[u8]) -> io::Result<Vec<(TarHeader, Vec<u8>)>> {
        let mut stream = TarStream::new(tar);
        let mut entries = Vec::new();
        while let Some(header) = stream.next_entry()? {
            let mut content = Vec::new();
            stream.content().read_to_end(&mut content)?;
            entries.push((header, content));
        }
        Ok(entries)
    }

    fn gnu_header(name: &str, kind: tar::EntryType, size: u64) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        header.set_path(name).unwrap();
        header.set_entry_type(kind);
        header.set_size(size);
        header.set_mode(0o640);
        header.set_uid(1000);
        header.set_gid(1001);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        header
    }

    #[test]
    fn reads_what_the_tar_crate_writes_with_long_names_and_pax() {
        let mut builder = tar::Builder::new(Vec::new());
        builder.append(&gnu_header("etc/motd", tar::EntryType::Regular, 5), &b"hello"[..]).unwrap();
        let long = format!("deep/{}/file", "d".repeat(300));
        let mut header = gnu_header("x", tar::EntryType::Regular, 3);
        builder.append_data(&mut header, &long, &b"abc"[..]).unwrap();
        builder.append_pax_extensions([("path", &b"pax/name"[..]), ("uid", b"4242"), ("mtime", b"1.5")]).unwrap();
        builder.append(&gnu_header("short", tar::EntryType::Regular, 1), &b"z"[..]).unwrap();
        let mut link = gnu_header("bin/sh", tar::EntryType::Symlink, 0);
        builder.append_link(&mut link, "bin/sh", "busybox").unwrap();
        builder.append(&gnu_header("empty/", tar::EntryType::Directory, 0), &b""[..]).unwrap();
        let tar = builder.into_inner().unwrap();

        let entries = entries_of(&tar).unwrap();
        let names: Vec<_> = entries.iter().map(|(h, _)| String::from_utf8_lossy(&h.name).into_owned()).collect();
        assert_eq!(names, ["etc/motd", long.as_str(), "pax/name", "bin/sh", "empty/"]);
        let (motd, content) = &entries[0];
        assert_eq!(
            (motd.mode, motd.uid, motd.gid, motd.mtime),
            (Some(0o640), Some(1000), Some(1001), Some(1_700_000_000))
        );
        assert_eq!(content, b"hello");
        assert_eq!(entries[1].1, b"abc");
        assert_eq!((entries[2].0.uid, entries[2].0.mtime, &entries[2].1[..]), (Some(4242), Some(1), &b"z"[..]));
        assert_eq!((entries[3].0.kind, &entries[3].0.link[..]), (b'2', &b"busybox"[..]));
        assert_eq!(entries[4].0.kind, b'5');
    }

    #[test]
    fn content_left_unread_is_passed_over() {
        let mut builder = tar::Builder::new(Vec::new());
        builder.append(&gnu_header("a", tar::EntryType::Regular, 1000), &[7u8; 1000][..]).unwrap();
        builder.append(&gnu_header("b", tar::EntryType::Regular, 2), &b"ok"[..]).unwrap();
        let tar = builder.into_inner().unwrap();
        let mut stream = TarStream::new(&tar[..]);
        assert_eq!(stream.next_entry().unwrap().unwrap().name, b"a");
        let second = stream.next_entry().unwrap().unwrap();
        let mut content = String::new();
        stream.content().read_to_string(&mut content).unwrap();
        assert_eq!((second.name.as_slice(), content.as_str()), (&b"b"[..], "ok"));
        assert!(stream.next_entry().unwrap().is_none());
    }

    /// Writes a hand-made header's checksum, as tar writers do.
    fn seal(block: &mut [u8; 512]) {
        block[148..156].copy_from_slice(b"        ");
        let sum: u64 = block.iter().map(|b| u64::from(*b)).sum();
        block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    }

    #[test]
    fn ustar_prefixes_and_base_256_numbers_are_read() {
        let mut block = [0u8; 512];
        block[..4].copy_from_slice(b"file");
        block[345..348].copy_from_slice(b"dir");
        block[257..263].copy_from_slice(b"ustar\0");
        block[156] = b'0';
        block[124] = 0x80; // size 2^33 + 1, base-256
        block[131] = 2;
        block[135] = 1;
        seal(&mut block);
        let header = parse_header(&block).unwrap();
        assert_eq!((header.name.as_slice(), header.size), (&b"dir/file"[..], (1 << 33) + 1));
        assert_eq!((header.mode, header.uid), (None, None));
        block[0] = b'g';
        assert!(parse_header(&block).unwrap_err().to_string().contains("checksum"));
    }

    #[test]
    fn byte_sums_are_plain_sums() {
        let block: Vec<u8> = (0..512u32).map(|i| (i * 37 % 256) as u8).collect();
        for length in [0, 8, 63, 64, 65, 512] {
            let expected: u32 = block[..length].iter().map(|b| u32::from(*b)).sum();
            assert_eq!(byte_sum(&block[..length]), expected, "{length} bytes");
        }
        assert_eq!(byte_sum(&[255; 512]), 255 * 512);
    }

    #[test]
    fn numbers_are_octal_or_base_256_and_junk_is_none() {
        assert_eq!(number(b"0000644\0"), Some(0o644));
        assert_eq!(number(b"  755 \0"), Some(0o755));
        assert_eq!(number(b"\0\0\0\0"), None);
        assert_eq!(number(b"12x4\0"), None);
        assert_eq!(number(b"1 2\0"), None);
        assert_eq!(number(b"\t17\n\0junk"), Some(0o17));
        assert_eq!(number(b"00000016000\0"), Some(0o16000));
        assert_eq!(number(b"777777777777"), Some(0o777777777777));
        assert_eq!(number(b"8"), None);
        assert_eq!(number(&[0x80, 0, 0, 0, 0, 0, 0, 1, 0]), Some(256));
        assert_eq!(number(&[0xff, 0xff]), None);
        assert_eq!(number(&[0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), None);
    }

    /// The eight-digits-at-a-time reading agrees with the byte-by-byte one on every field
    /// length a header has, on plain values and on near misses ('8', '/', a space inside).
    #[test]
    fn plain_octal_fields_read_as_every_form_reads_them() {
        let mut fields: Vec<Vec<u8>> = Vec::new();
        for width in [1usize, 2, 7, 8, 9, 11, 12, 16, 17, 18] {
            for value in [0u64, 1, 0o7, 0o10, 0o644, 0o1234567, 0o76543210, 0o7777777777, u64::MAX] {
                let digits = format!("{value:0width$o}", width = width - 1);
                for end in [&b"\0"[..], b" ", b"\0 ", b"  \0"] {
                    let field = [digits.as_bytes(), end].concat();
                    fields.push(field.clone());
                    for (at, junk) in [(0, b'8'), (width / 2, b'/'), (width.saturating_sub(2), b' '), (0, b':')] {
                        let mut near_miss = field.clone();
                        if at < near_miss.len() - 1 {
                            near_miss[at] = junk;
                            fields.push(near_miss);
                        }
                    }
                }
            }
        }
        for field in &fields {
            let any_form = number_in_any_form(field);
            assert_eq!(number(field), any_form, "{:?}", String::from_utf8_lossy(field));
            if let Some(fast) = plain_octal(field) {
                assert_eq!(Some(fast), any_form, "{:?}", String::from_utf8_lossy(field));
            }
        }
        assert_eq!(plain_octal(b"0000644\0"), Some(0o644));
        assert_eq!(plain_octal(b"00000016000 "), Some(0o16000));
        assert_eq!(plain_octal(b"777777777777777\0"), Some(0o777777777777777));
        assert_eq!(plain_octal(b"011624\0 "), Some(0o11624), "a checksum field");
        assert_eq!(plain_octal(b"12\0 34\0"), None, "digits after the terminator: every form decides");
    }

    /// A GNU sparse file called `name` of 16 bytes: "ab" at 3 and "cde" at 10 (the second piece
    /// in an extension block), the rest holes — `\0\0\0ab\0\0\0\0\0cde\0\0\0`.
    pub(crate) fn gnu_sparse_tar(name: &[u8]) -> Vec<u8> {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name);
        header[100..108].copy_from_slice(b"0000644\0");
        header[124..136].copy_from_slice(b"00000000005\0");
        header[156] = b'S';
        header[257..265].copy_from_slice(b"ustar  \0");
        header[386..398].copy_from_slice(b"00000000003\0");
        header[398..410].copy_from_slice(b"00000000002\0");
        header[482] = 1;
        header[483..495].copy_from_slice(b"00000000020\0");
        seal(&mut header);
        let mut extension = [0u8; 512];
        extension[..12].copy_from_slice(b"00000000012\0");
        extension[12..24].copy_from_slice(b"00000000003\0");
        let mut tar = [header.as_slice(), extension.as_slice(), b"abcde"].concat();
        tar.resize(tar.len() + 507 + 1024, 0);
        tar
    }

    /// A file's tar read with seeking finds the same entries, and reads the one it asks for.
    #[test]
    fn a_seekable_tar_skips_what_it_does_not_read() {
        let tar = crate::image::layer::tests::tar_of(&[
            (b"big", "file", &[7u8; 100_000]),
            (b"small", "file", b"hello"),
            (b"link", "symlink", b"small"),
        ]);
        for capacity in [512, 4096, 1 << 20] {
            let file = std::io::BufReader::with_capacity(capacity, std::io::Cursor::new(&tar));
            let mut stream = TarStream::seekable(file);
            let mut names = Vec::new();
            while let Some(header) = stream.next_entry().unwrap() {
                if header.name == b"small" {
                    let mut content = String::new();
                    stream.content().read_to_string(&mut content).unwrap();
                    assert_eq!(content, "hello");
                }
                names.push(String::from_utf8(header.name).unwrap());
            }
            assert_eq!(names, ["big", "small", "link"], "buffer of {capacity}");
        }
    }

    #[test]
    fn a_gnu_sparse_file_reads_with_its_holes_as_zeros() {
        let tar = gnu_sparse_tar(b"sparse");
        let entries = entries_of(&tar).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].0.size, 16);
        assert_eq!(entries[0].1, b"\0\0\0ab\0\0\0\0\0cde\0\0\0");

        let mut overlapping = tar.clone();
        overlapping[512..524].copy_from_slice(b"00000000002\0");
        assert!(entries_of(&overlapping).is_err());

        // The same pieces in a file said to be 32 TiB (base-256): refused, not hashed for hours.
        let mut enormous = tar.clone();
        enormous[483..495].copy_from_slice(b"\x80\0\0\0\0\0\x20\0\0\0\0\0");
        seal((&mut enormous[..512]).try_into().unwrap());
        let error = entries_of(&enormous).unwrap_err();
        assert!(error.to_string().contains("more than the 1 TiB"), "{error}");
    }

    /// A source that fails as a daemon going away does.
    struct Failing;

    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the source went away"))
        }
    }

    #[test]
    fn damaged_archives_are_errors_not_panics() {
        let mut builder = tar::Builder::new(Vec::new());
        builder.append(&gnu_header("a", tar::EntryType::Regular, 4000), &[1u8; 4000][..]).unwrap();
        let tar = builder.into_inner().unwrap();
        for cut in [100, 512, 1000, 4000] {
            let error = entries_of(&tar[..cut]).unwrap_err();
            assert!(ends_inside_entry(&error), "cut at {cut}: {error}");
        }
        let failing = std::io::BufReader::new(Failing);
        let error = TarStream::new(failing).next_entry().unwrap_err();
        assert!(!ends_inside_entry(&error) && error.to_string() == "the source went away", "{error}");
        let mut endless = tar::Builder::new(Vec::new());
        for _ in 0..20 {
            endless.append_pax_extensions([("comment", &[b'x'; 100_000][..])]).unwrap();
        }
        let error = entries_of(&endless.into_inner().unwrap()).unwrap_err();
        assert!(error.to_string().contains("metadata"), "{error}");
        assert!(pax_records(b"12 path=a\n").is_err());
        assert!(pax_records(b"99999999999999999999 path=a\n").is_err());
        assert!(pax_records(b"x path=a\n").is_err());
        assert_eq!(pax_records(b"11 path=ab\n").unwrap(), [(b"path".to_vec(), b"ab".to_vec())]);
    }
}
