//! Any bytes through the binary reader (Go's build information, cargo-auditable's section):
//! any outcome but a panic or a hang is fine, and a file streamed in any pieces says what it says
//! whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::binaries::BinaryScan;

fuzz_target!(|data: &[u8]| {
    let Some((&piece, content)) = data.split_first() else { return };
    let mut scan = BinaryScan::start(content.len() as u64);
    for chunk in content.chunks(usize::from(piece.max(1))) {
        scan.feed(chunk);
    }
    assert_eq!(scan.finish(), BinaryScan::whole(content), "streamed in pieces of {piece}");
});
