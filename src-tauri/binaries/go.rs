//! Go's build information, which the Go linker writes into every binary: a 32-byte header starting
//! `\xff Go buildinf:` at a 16-byte boundary, then (since Go 1.18) the compiler's version and the
//! module list as two length-prefixed strings. The module list has one line per fact: `path` (the
//! main package), `mod` (the main module), `dep` (a module built in), `=>` (the dependency above
//! was replaced by this one) and `build` (settings).
//!
//! Found by searching the bytes as they stream by, so a binary of any size is read without being
//! kept.

use super::{BinaryFinding, BuiltWith, Module, Toolchain};

/// The header's first bytes.
const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// The header's length; the strings follow it.
const HEADER: usize = 32;
/// The header's alignment in the file.
const ALIGNMENT: u64 = 16;
/// More than any module list holds: capture stops here.
const CAPTURE_LIMIT: usize = 4 * 1024 * 1024;
/// Longer than any compiler version Go writes (`go1.21.3 X:boringcrypto`): a header whose version
/// is longer is no header.
const VERSION_LIMIT: usize = 256;
/// Set in the header's flags when the strings follow it (Go 1.18 and later) rather than being
/// pointed at.
const FLAG_INLINE_STRINGS: u8 = 0x2;

/// Searches a file's content for the header as it streams by, and keeps what follows it.
#[derive(Default)]
pub struct HeaderSearch {
    /// Bytes seen so far.
    offset: u64,
    /// The last bytes seen, for a header split between two pieces.
    carry: Vec<u8>,
    /// Where a header was found, and the bytes from it on.
    captured: Option<(u64, Vec<u8>)>,
}

impl HeaderSearch {
    /// Takes the next piece of the file.
    pub fn feed(&mut self, piece: &[u8]) {
        self.captured = match self.captured.take() {
            Some((at, mut captured)) => {
                let room = CAPTURE_LIMIT.saturating_sub(captured.len()).min(piece.len());
                captured.extend_from_slice(&piece[..room]);
                match header_verdict(&captured) {
                    // Not a header after all (the magic as a string in a program's data): the
                    // search goes on from the byte after it.
                    Some(false) => first_header(&captured[1..], at + 1),
                    _ => Some((at, captured)),
                }
            }
            None => self.search(piece),
        };
        self.remember_tail(piece);
        self.offset += piece.len() as u64;
    }

    /// A header starting in the carried bytes or in `piece`, with what follows it in `piece`.
    fn search(&self, piece: &[u8]) -> Option<(u64, Vec<u8>)> {
        let carried_from = self.offset - self.carry.len() as u64;
        let mut seam = self.carry.clone();
        seam.extend_from_slice(&piece[..piece.len().min(MAGIC.len() - 1)]);
        let straddling = memchr::memmem::find_iter(&seam, MAGIC)
            .filter(|at| *at < self.carry.len() && (carried_from + *at as u64).is_multiple_of(ALIGNMENT));
        for at in straddling {
            let mut candidate = self.carry[at..].to_vec();
            candidate.extend_from_slice(&piece[..piece.len().min(CAPTURE_LIMIT - candidate.len())]);
            if header_verdict(&candidate) != Some(false) {
                return Some((carried_from + at as u64, candidate));
            }
        }
        first_header(piece, self.offset)
    }

    fn remember_tail(&mut self, piece: &[u8]) {
        let keep = MAGIC.len() - 1;
        if piece.len() >= keep {
            self.carry.clear();
            self.carry.extend_from_slice(&piece[piece.len() - keep..]);
        } else {
            self.carry.extend_from_slice(piece);
            let excess = self.carry.len().saturating_sub(keep);
            self.carry.drain(..excess);
        }
    }

    /// What the header found says, once the whole file went by.
    pub fn finish(self) -> Option<BinaryFinding> {
        parse(&self.captured?.1)
    }
}

/// The first header in `bytes` (which start at `offset` in the file) that may be real: where it
/// starts in the file, and the bytes from it on.
fn first_header(bytes: &[u8], offset: u64) -> Option<(u64, Vec<u8>)> {
    memchr::memmem::find_iter(bytes, MAGIC)
        .filter(|at| (offset + *at as u64).is_multiple_of(ALIGNMENT))
        .map(|at| (at, &bytes[at..bytes.len().min(at + CAPTURE_LIMIT)]))
        .find(|(_, from)| header_verdict(from) != Some(false))
        .map(|(at, from)| (offset + at as u64, from.to_vec()))
}

/// Reads the build information in a whole binary, if it has any.
pub fn find(binary: &[u8]) -> Option<BinaryFinding> {
    let mut search = HeaderSearch::default();
    search.feed(binary);
    search.finish()
}

/// Whether `bytes`, starting with the magic, start a real header: `None` while too few bytes are
/// there to tell.
fn header_verdict(bytes: &[u8]) -> Option<bool> {
    let (&pointer_size, &flags) = (bytes.get(MAGIC.len())?, bytes.get(MAGIC.len() + 1)?);
    if !matches!(pointer_size, 4 | 8) || flags & !0x3 != 0 {
        return Some(false);
    }
    if flags & FLAG_INLINE_STRINGS == 0 {
        return Some(true); // the older form: pointers, not checked further
    }
    let (version, _) = match length_prefixed(bytes.get(HEADER..)?, VERSION_LIMIT) {
        Prefixed::Whole(version, rest) => (version, rest),
        Prefixed::Short => return None,
        Prefixed::Bad => return Some(false),
    };
    Some(version.starts_with(b"go") || version.starts_with(b"devel"))
}

/// What parsing a length-prefixed string gave.
enum Prefixed<'a> {
    /// The string and what follows it.
    Whole(&'a [u8], &'a [u8]),
    /// The bytes stop before the string does.
    Short,
    /// Not a length Go would write.
    Bad,
}

/// A string after its length as an unsigned LEB128 varint, as Go's `binary.PutUvarint` writes it;
/// a length over `limit` is no length Go would write.
fn length_prefixed(bytes: &[u8], limit: usize) -> Prefixed<'_> {
    let mut length = 0u64;
    for (index, byte) in bytes.iter().enumerate().take(10) {
        length |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            let rest = &bytes[index + 1..];
            return match usize::try_from(length) {
                Ok(length) if length > limit => Prefixed::Bad,
                Ok(length) if length <= rest.len() => Prefixed::Whole(&rest[..length], &rest[length..]),
                _ => Prefixed::Short,
            };
        }
    }
    if bytes.len() >= 10 {
        Prefixed::Bad
    } else {
        Prefixed::Short
    }
}

/// The build information in `captured`, which starts with a header.
fn parse(captured: &[u8]) -> Option<BinaryFinding> {
    if header_verdict(captured) != Some(true) {
        return None;
    }
    if captured[MAGIC.len() + 1] & FLAG_INLINE_STRINGS == 0 {
        return Some(BinaryFinding::NotRead(
            "built with Go before 1.18, whose module list Strata does not read".into(),
        ));
    }
    let Prefixed::Whole(version, rest) = length_prefixed(&captured[HEADER..], VERSION_LIMIT) else { return None };
    let module_info = match length_prefixed(rest, CAPTURE_LIMIT) {
        Prefixed::Whole(info, _) => info,
        _ => return Some(BinaryFinding::NotRead("its Go module list is cut short".into())),
    };
    let version = String::from_utf8_lossy(version).into_owned();
    Some(BinaryFinding::Read(module_list(&version, &String::from_utf8_lossy(unframed(module_info)))))
}

/// The module list without the 16 marker bytes Go puts on either side of it.
fn unframed(info: &[u8]) -> &[u8] {
    const MARKER: usize = 16;
    if info.len() > 2 * MARKER && info[info.len() - MARKER - 1] == b'\n' {
        &info[MARKER..info.len() - MARKER]
    } else {
        info
    }
}

/// The modules a module list names, replacements applied.
fn module_list(go_version: &str, info: &str) -> BuiltWith {
    let mut built = BuiltWith {
        toolchain: Toolchain::Go,
        toolchain_version: Some(go_version.to_string()).filter(|version| !version.is_empty()),
        main: None,
        modules: Vec::new(),
    };
    for line in info.lines() {
        let mut fields = line.split('\t');
        let (kind, path, version) = (fields.next(), fields.next().unwrap_or(""), fields.next().unwrap_or(""));
        let module = Module { name: path.to_string(), version: version.to_string() };
        match kind {
            Some("mod") => built.main = Some(module),
            Some("dep") => built.modules.push(module),
            Some("=>") => {
                if let Some(replaced) = built.modules.last_mut() {
                    // A replacement by a local folder has no version: the code is whatever the
                    // folder held.
                    *replaced = match version.is_empty() {
                        true => Module { name: replaced.name.clone(), version: "(devel)".into() },
                        false => module,
                    };
                }
            }
            _ => {}
        }
    }
    built
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A module list as `go build` writes it: a main module, a dependency, and one replaced.
    pub fn module_info() -> String {
        [
            "path\texample.com/hello",
            "mod\texample.com/hello\t(devel)\t",
            "dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=",
            "dep\texample.com/old\tv1.0.0\t",
            "=>\texample.com/new\tv1.2.0\th1:abc=",
            "build\t-compiler=gc",
            "build\tGOOS=linux",
            "",
        ]
        .join("\n")
    }

    fn varint(mut value: usize, out: &mut Vec<u8>) {
        while value >= 0x80 {
            out.push((value as u8) | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }

    /// An ELF-looking file with Go's build information after `padding` bytes (rounded up to the
    /// header's alignment), framed as the Go linker frames it.
    pub fn binary_with(info: &str, padding: usize) -> Vec<u8> {
        let mut binary = b"\x7fELF\x02\x01\x01".to_vec();
        // The magic as a program's string data, unaligned: not a header.
        binary.extend_from_slice(b"..\xff Go buildinf:\x08\x02junk");
        binary.resize((binary.len() + padding).next_multiple_of(16), 0);
        binary.extend_from_slice(MAGIC);
        binary.extend_from_slice(&[8, FLAG_INLINE_STRINGS]);
        binary.resize(binary.len() + HEADER - MAGIC.len() - 2, 0);
        let version = b"go1.19.8";
        varint(version.len(), &mut binary);
        binary.extend_from_slice(version);
        let framed = [&[0x30u8; 16][..], info.as_bytes(), &[0xf9; 16]].concat();
        varint(framed.len(), &mut binary);
        binary.extend_from_slice(&framed);
        binary.extend_from_slice(&[0u8; 64]);
        binary
    }

    #[test]
    fn the_module_list_is_read_with_replacements_applied() {
        let Some(BinaryFinding::Read(built)) = find(&binary_with(&module_info(), 40)) else { panic!("not read") };
        assert_eq!(built.toolchain_version.as_deref(), Some("go1.19.8"));
        assert_eq!(built.main, Some(Module { name: "example.com/hello".into(), version: "(devel)".into() }));
        let modules: Vec<_> = built.modules.iter().map(|m| format!("{}@{}", m.name, m.version)).collect();
        assert_eq!(modules, ["golang.org/x/text@v0.3.7", "example.com/new@v1.2.0"]);
    }

    /// Fed in two pieces, split anywhere, `binary` says what it says whole.
    fn same_at_every_split(binary: &[u8], whole: &Option<BinaryFinding>) {
        for split in 1..binary.len() {
            let mut search = HeaderSearch::default();
            search.feed(&binary[..split]);
            search.feed(&binary[split..]);
            assert_eq!(&search.finish(), whole, "split at {split}");
        }
    }

    #[test]
    fn a_header_split_between_pieces_at_any_point_is_found() {
        let binary = binary_with(&module_info(), 200);
        let whole = find(&binary);
        same_at_every_split(&binary, &whole);
    }

    #[test]
    fn an_aligned_false_header_resumes_the_search_whatever_the_split() {
        // The magic at a 16-byte boundary, followed by bytes that look like a header until its
        // version string turns out not to be one; the real header comes after.
        let mut binary = b"\x7fELF\x02\x01\x01".to_vec();
        binary.resize(32, 0);
        binary.extend_from_slice(MAGIC);
        binary.extend_from_slice(&[8, FLAG_INLINE_STRINGS]);
        binary.resize(binary.len() + HEADER - MAGIC.len() - 2, 0);
        binary.extend_from_slice(b"\x05notgo");
        let real = binary_with(&module_info(), 0);
        let at = memchr::memmem::find_iter(&real, MAGIC).last().unwrap();
        binary.resize(binary.len().next_multiple_of(16), 0);
        binary.extend_from_slice(&real[at..]);
        let whole = find(&binary);
        assert!(matches!(&whole, Some(BinaryFinding::Read(built)) if built.modules.len() == 2), "{whole:?}");
        same_at_every_split(&binary, &whole);
    }

    #[test]
    fn the_older_form_and_cut_lists_are_said_not_read() {
        let mut old = binary_with("", 0);
        let at = memchr::memmem::find_iter(&old, MAGIC).last().unwrap();
        old[at + MAGIC.len() + 1] = 0; // pointers instead of inline strings
        assert!(matches!(find(&old), Some(BinaryFinding::NotRead(why)) if why.contains("before 1.18")));
        let full = binary_with(&module_info(), 0);
        let cut = &full[..full.len() - 200];
        assert!(matches!(find(cut), Some(BinaryFinding::NotRead(why)) if why.contains("cut short")));
    }

    #[test]
    fn a_file_with_no_header_or_a_bad_one_gives_nothing() {
        assert_eq!(find(b"\x7fELF and nothing else"), None);
        let mut bad = binary_with(&module_info(), 0);
        let at = memchr::memmem::find_iter(&bad, MAGIC).last().unwrap();
        bad[at + MAGIC.len()] = 3; // no such pointer size
        assert_eq!(find(&bad), None);
    }
}
