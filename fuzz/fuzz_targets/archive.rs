//! An image archive (docker save or OCI layout, layers plain, gzip or zstd), as bytes from
//! anyone: read it whole; any outcome but a panic, a hang or unbounded memory is fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::image::archive::read_archive_images;
use strata::progress::Reporter;

fuzz_target!(|data: &[u8]| {
    let _ = read_archive_images(data, &mut Reporter::silent());
});
