//! Two stats readings as the daemon streams them (JSON), decoded and turned into the figures
//! `docker stats` shows: no panic, no division by zero turned into a crash, whatever the numbers.
#![no_main]

use bollard::models::ContainerStatsResponse;
use libfuzzer_sys::fuzz_target;
use strata::stats::formulas::Reading;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut readings = text.lines().filter_map(|line| serde_json::from_str::<ContainerStatsResponse>(line).ok());
    if let (Some(first), Some(second)) = (readings.next(), readings.next()) {
        let _ = Reading::of(&second).rates_since(&Reading::of(&first));
    }
});
