//! Text from anyone through the secret rules, the streaming scan and the redaction: any outcome
//! but a panic or a hang is fine, a file streamed in any pieces finds what it finds whole, and a
//! redacted text is redacted for good (its markers read back, nothing left to redact).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::secrets::{find_secrets, redact, FileScan};

fuzz_target!(|data: &[u8]| {
    let Some((&piece, content)) = data.split_first() else { return };
    let mut scan = FileScan::start(content.len() as u64);
    for chunk in content.chunks(usize::from(piece.max(1))) {
        scan.feed(chunk);
    }
    assert_eq!(scan.finish(), FileScan::whole(content), "streamed in pieces of {piece}");
    if let Ok(text) = std::str::from_utf8(content) {
        if let Some(redacted) = redact(text) {
            assert!(!find_secrets(&redacted).is_empty(), "the markers read back");
            assert_eq!(redact(&redacted), None, "nothing left to redact");
        }
    }
});
