//! A `.dockerignore` and paths to match against it: the first line of the input is the path list
//! (separated by `|`), the rest the file. Parsing and matching must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::project::ignore::{clean, IgnoreRules};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (paths, file) = text.split_once('\n').unwrap_or((text, ""));
    if let Ok(rules) = IgnoreRules::parse(file, ".dockerignore") {
        for path in paths.split('|') {
            let _ = rules.is_excluded(&clean(path));
        }
    }
});
