//! What a compiled program says it was built from: the module list Go writes into every binary
//! (`go version -m` prints it; [`go`]) and the dependency list cargo-auditable writes into a Rust
//! binary's `.dep-v0` section ([`cargo`]). Below the image reader, which runs a [`BinaryScan`] on
//! the bytes it already reads, so an image's programs are known without a second pass; the SBOM
//! turns what is found into packages.
//!
//! Only ELF, PE and Mach-O files are looked at (told by their first bytes); any other file costs
//! one comparison.

pub mod cargo;
pub mod go;

use serde::{Deserialize, Serialize};

/// The toolchains whose binaries say what went into them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Toolchain {
    /// Go: every binary since Go 1.13 carries its module list; Strata reads the form of Go 1.18
    /// and later.
    Go,
    /// Rust, built with cargo-auditable.
    Rust,
}

/// One module (Go) or crate (Rust) built into a binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    /// `golang.org/x/net`, `serde`.
    pub name: String,
    /// `v0.17.0` (Go's own form, with its `v`), `1.0.193`; `(devel)` for a Go main module built
    /// from a working tree.
    pub version: String,
}

/// What a binary says it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltWith {
    /// Go or Rust.
    pub toolchain: Toolchain,
    /// The compiler's version where the binary gives it (`go1.19.8`).
    pub toolchain_version: Option<String>,
    /// The program's own module or crate.
    pub main: Option<Module>,
    /// Everything built into it, the main module left out.
    pub modules: Vec<Module>,
}

/// What looking into a binary gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryFinding {
    /// Its module list.
    Read(BuiltWith),
    /// It carries one, in a form Strata does not read (why, in a few words).
    NotRead(String),
}

/// Binaries up to this size are kept whole while they stream by, so their section table (at the
/// end of the file) can find cargo-auditable's section; Go's list is found in any size.
pub const SECTION_READ_LIMIT: u64 = 64 * 1024 * 1024;

/// Whether `head`, a file's first bytes, starts an ELF, PE or Mach-O file.
pub fn is_executable_format(head: &[u8]) -> bool {
    const MACHO: [[u8; 4]; 5] = [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
        [0xca, 0xfe, 0xba, 0xbe], // universal (several architectures)
    ];
    head.starts_with(b"\x7fELF") || head.starts_with(b"MZ") || MACHO.iter().any(|magic| head.starts_with(magic))
}

/// One file being looked into, fed its content piece by piece.
pub struct BinaryScan {
    state: State,
    size: u64,
    /// The first bytes, until there are enough to tell the format.
    head: Vec<u8>,
    go: go::HeaderSearch,
    /// The whole file, for binaries up to [`SECTION_READ_LIMIT`].
    kept: Option<Vec<u8>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not enough bytes yet to tell the format.
    Starting,
    /// An executable: searched and kept.
    Reading,
    /// Anything else: passed over.
    Other,
}

/// Bytes that tell an executable format.
const MAGIC_LENGTH: usize = 4;

impl BinaryScan {
    /// Looks into a file whose whole content is at hand.
    pub fn whole(content: &[u8]) -> Option<BinaryFinding> {
        if !is_executable_format(content) {
            return None;
        }
        go::find(content).or_else(|| cargo::find(content))
    }

    /// Starts looking into a file of `size` bytes.
    pub fn start(size: u64) -> BinaryScan {
        BinaryScan { state: State::Starting, size, head: Vec::new(), go: go::HeaderSearch::default(), kept: None }
    }

    /// Takes the next piece of the file's content.
    pub fn feed(&mut self, piece: &[u8]) {
        match self.state {
            State::Other => {}
            State::Reading => self.read(piece),
            State::Starting => {
                let wanted = MAGIC_LENGTH.saturating_sub(self.head.len()).min(piece.len());
                self.head.extend_from_slice(&piece[..wanted]);
                if self.head.len() < MAGIC_LENGTH && (self.head.len() as u64) < self.size {
                    return;
                }
                if !is_executable_format(&self.head) {
                    self.state = State::Other;
                    return;
                }
                self.state = State::Reading;
                if self.size <= SECTION_READ_LIMIT {
                    self.kept = Some(Vec::with_capacity(self.size as usize));
                }
                let head = std::mem::take(&mut self.head);
                self.read(&head[..head.len() - wanted]);
                self.read(piece);
            }
        }
    }

    fn read(&mut self, piece: &[u8]) {
        self.go.feed(piece);
        if let Some(kept) = &mut self.kept {
            kept.extend_from_slice(piece);
        }
    }

    /// What the file said, once all of it went by.
    pub fn finish(self) -> Option<BinaryFinding> {
        if self.state != State::Reading {
            return None;
        }
        self.go.finish().or_else(|| cargo::find(self.kept.as_deref()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_executable_formats_are_looked_into() {
        assert!(is_executable_format(b"\x7fELF\x02\x01"));
        assert!(is_executable_format(b"MZ\x90\x00"));
        assert!(is_executable_format(&[0xcf, 0xfa, 0xed, 0xfe, 7]));
        assert!(!is_executable_format(b"#!/bin/sh\n"));
        assert!(!is_executable_format(b""));
        let mut scan = BinaryScan::start(10);
        scan.feed(b"#!/bin/sh\n");
        assert_eq!(scan.finish(), None);
    }

    #[test]
    fn a_go_binary_fed_one_byte_at_a_time_is_read_as_when_whole() {
        let binary = go::tests::binary_with(&go::tests::module_info(), 100);
        let whole = BinaryScan::whole(&binary);
        assert!(matches!(&whole, Some(BinaryFinding::Read(built)) if built.modules.len() == 2), "{whole:?}");
        let mut scan = BinaryScan::start(binary.len() as u64);
        for byte in &binary {
            scan.feed(std::slice::from_ref(byte));
        }
        assert_eq!(scan.finish(), whole);
    }

    #[test]
    fn a_rust_binary_fed_in_pieces_is_read_as_when_whole() {
        let binary = cargo::tests::elf_with_section(&cargo::tests::compressed_dependencies());
        let whole = BinaryScan::whole(&binary);
        assert!(matches!(&whole, Some(BinaryFinding::Read(built)) if built.toolchain == Toolchain::Rust), "{whole:?}");
        let mut scan = BinaryScan::start(binary.len() as u64);
        for piece in binary.chunks(7) {
            scan.feed(piece);
        }
        assert_eq!(scan.finish(), whole);
    }
}
