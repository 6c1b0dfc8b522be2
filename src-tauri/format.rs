//! How Strata writes sizes and times (the CLI, chart labels): decimal units with three significant
//! digits, a space before the unit ("1.23 MB", "45 kB") — exactly as the window writes them
//! (`ui/src/format.ts`; both are tested on `ui/src/format-cases.json`) — and times relative to now
//! ("3 hours ago").

use std::time::{SystemTime, UNIX_EPOCH};

/// "1 file", "3 files": a count and a word that takes an s.
pub fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// The current time in seconds since the Unix epoch (0 if the clock is before 1970).
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// `bytes` in B, kB, MB, GB, TB (powers of 1000), three significant digits, no trailing zeros.
pub fn size(bytes: u64) -> String {
    scaled(bytes, 1000.0, &["B", "kB", "MB", "GB", "TB", "PB"], 3)
}

/// A change in build time, to a tenth of a second: "+1.3 s", "−0.4 s", and "±0.0 s" for less
/// than a twentieth (never "−0.0 s").
pub fn signed_seconds(seconds: f64) -> String {
    let tenths = (seconds * 10.0).round() as i64;
    let sign = match tenths {
        0 => "±",
        t if t < 0 => "−",
        _ => "+",
    };
    format!("{sign}{:.1} s", tenths.unsigned_abs() as f64 / 10.0)
}

/// A change in size: "+8 B", "−1.5 MB", and "±0 B" for none.
pub fn signed_size(bytes: i64) -> String {
    let sign = match bytes {
        0 => "±",
        b if b < 0 => "−",
        _ => "+",
    };
    format!("{sign}{}", size(bytes.unsigned_abs()))
}

/// `bytes` in B, KiB, MiB, GiB, TiB (powers of 1024) with four significant digits, the units the
/// docker CLI prints memory in ("1.465 MiB", "7.634 GiB").
pub fn binary_size(bytes: u64) -> String {
    scaled(bytes, 1024.0, &["B", "KiB", "MiB", "GiB", "TiB", "PiB"], 4)
}

/// `bytes` in the largest unit (each `step` times the one before) that keeps it at 1 or more,
/// with `digits` significant digits and no trailing zeros.
fn scaled(bytes: u64, step: f64, units: &[&str], digits: usize) -> String {
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= step && unit < units.len() - 1 {
        value /= step;
        unit += 1;
    }
    let whole_digits = if value >= 1.0 { value.log10().floor() as usize + 1 } else { 1 };
    let decimals = digits.saturating_sub(whole_digits);
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    format!("{text} {}", units[unit])
}

/// A duration as a build's steps are told: "0 s", "40 ms", "2.5 s", "41 s", "3 min 5 s".
pub fn seconds(value: f64) -> String {
    let value = value.max(0.0);
    match value {
        0.0 => "0 s".into(),
        v if v < 0.9995 => format!("{:.0} ms", (v * 1000.0).round().max(1.0)),
        v if v < 9.95 => format!("{v:.1} s"),
        v if v < 119.5 => format!("{v:.0} s"),
        v => {
            let whole = v.round() as u64;
            format!("{} min {} s", whole / 60, whole % 60)
        }
    }
}

/// `text` cut to its first `chars` characters, with "…" when it was longer.
pub fn shortened(text: &str, chars: usize) -> String {
    let mut kept: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        kept.push('…');
    }
    kept
}

/// "Less than a second ago", "5 minutes ago", "2 days ago", "3 months ago".
pub fn ago(then: i64, now: i64) -> String {
    let seconds = (now - then).max(0);
    let (amount, unit) = match seconds {
        0 => return "Less than a second ago".into(),
        s if s < 60 => (s, "second"),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s if s < 86_400 * 14 => (s / 86_400, "day"),
        s if s < 86_400 * 60 => (s / (86_400 * 7), "week"),
        s if s < 86_400 * 365 * 2 => (s / (86_400 * 30), "month"),
        s => (s / (86_400 * 365), "year"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    let article = if amount == 1 {
        if unit == "hour" {
            "An".to_string()
        } else {
            "1".to_string()
        }
    } else {
        amount.to_string()
    };
    format!("{article} {unit}{plural} ago")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character_with_an_ellipsis() {
        assert_eq!(shortened("RUN make", 40), "RUN make");
        assert_eq!(shortened("RUN échoué", 5), "RUN é…");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        let said: Vec<String> =
            [0.0, 0.0004, 0.04, 0.9996, 2.54, 9.96, 41.2, 185.0].iter().map(|s| seconds(*s)).collect();
        assert_eq!(said, ["0 s", "1 ms", "40 ms", "1.0 s", "2.5 s", "10 s", "41 s", "3 min 5 s"]);
    }

    #[test]
    fn memory_sizes_read_in_the_docker_clis_units() {
        assert_eq!(binary_size(1_536_000), "1.465 MiB");
        assert_eq!(binary_size(8_197_000_000), "7.634 GiB");
        assert_eq!(binary_size(512), "512 B");
        assert_eq!(binary_size(0), "0 B");
    }

    /// The window's `formatSize` and `signedSize` are tested on the same cases.
    #[test]
    fn sizes_read_as_the_window_writes_them() {
        let cases: serde_json::Value = serde_json::from_str(include_str!("../ui/src/format-cases.json")).unwrap();
        let pairs = |key: &str| -> Vec<(i64, String)> { serde_json::from_value(cases[key].clone()).unwrap() };
        for (bytes, written) in pairs("size") {
            assert_eq!(size(bytes as u64), written);
        }
        for (bytes, written) in pairs("signed_size") {
            assert_eq!(signed_size(bytes), written);
        }
        let seconds: Vec<(f64, String)> = serde_json::from_value(cases["signed_seconds"].clone()).unwrap();
        for (delta, written) in seconds {
            assert_eq!(signed_seconds(delta), written);
        }
    }

    #[test]
    fn times_read_relative_to_now() {
        assert_eq!(ago(100, 100), "Less than a second ago");
        assert_eq!(ago(0, 300), "5 minutes ago");
        assert_eq!(ago(0, 3600), "An hour ago");
        assert_eq!(ago(0, 86_400 * 3), "3 days ago");
    }
}
