//! One layer's tar (whiteouts, links, PAX and GNU headers, long names), as bytes from anyone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::image::layer::read_layer;

fuzz_target!(|data: &[u8]| {
    let _ = read_layer(data);
});
