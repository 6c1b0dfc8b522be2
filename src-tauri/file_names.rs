//! What a file written on this computer may be called. Images are Linux file trees, where any
//! byte but `/` and NUL may stand in a name; Windows refuses `< > : " | ? *` and control
//! characters, device names (`CON`, `AUX`, `NUL`, `COM1`…, with any extension) and names ending
//! in a dot or a space — and some of those do not fail but write somewhere else: `a:b` goes to a
//! hidden stream of the file `a`, `aux` to a device. So a name is checked before anything is
//! written ([`refusal`]), and names Strata suggests are made safe first ([`safe_name`]).

use crate::engine::Os;

/// Characters Windows refuses in a file name (besides control characters).
const WINDOWS_FORBIDDEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Names Windows keeps for devices, whatever follows their first dot.
const WINDOWS_DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8",
    "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Why `os` would refuse, or misplace, a file called `name`; `None` when it takes it as it is.
pub fn refusal(os: Os, name: &str) -> Option<String> {
    if name.is_empty() || name == "." || name == ".." {
        return Some(format!("`{name}` is not a file name"));
    }
    if os != Os::Windows {
        return name.contains('/').then(|| format!("`{name}` has a `/` in it"));
    }
    if let Some(bad) = name.chars().find(|c| WINDOWS_FORBIDDEN.contains(c) || c.is_control()) {
        return Some(format!("Windows does not allow `{}` in a file name", bad.escape_default()));
    }
    if is_windows_device(name) {
        return Some(format!("`{name}` is a device name on Windows, not a file's"));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some(format!("Windows drops a file name's last dot or space, so `{name}` would become another name"));
    }
    None
}

/// `name` changed as little as possible so that `os` takes it: each refused character becomes
/// `_`, a device name gets `_` after it (`aux.txt` → `aux_.txt`), a last dot or space becomes `_`.
pub fn safe_name(os: Os, name: &str) -> String {
    if name.is_empty() || name == "." || name == ".." {
        return "_".repeat(name.len().max(1));
    }
    if os != Os::Windows {
        return name.replace('/', "_");
    }
    let mut safe: String =
        name.chars().map(|c| if WINDOWS_FORBIDDEN.contains(&c) || c.is_control() { '_' } else { c }).collect();
    if is_windows_device(&safe) {
        let stem_end = safe.find('.').unwrap_or(safe.len());
        safe.insert(stem_end, '_');
    }
    if safe.ends_with('.') || safe.ends_with(' ') {
        safe.pop();
        safe.push('_');
    }
    safe
}

/// `aux`, `Con.txt`, `com1.tar.gz`, `nul ` — a device name before the first dot (spaces
/// trimmed, any case).
fn is_windows_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    WINDOWS_DEVICES.iter().any(|device| device.eq_ignore_ascii_case(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_refuses_what_it_cannot_store_or_would_store_elsewhere() {
        for name in ["a:b", "what?", "star*", "pipe|", "quote\"", "less<", "tab\there", "back\\slash"] {
            assert!(refusal(Os::Windows, name).unwrap().contains("does not allow"), "{name}");
        }
        for name in ["aux", "AUX", "Con.txt", "nul.tar.gz", "com1", "LPT9.log", "prn ", "conin$", "com0", "COM¹.txt"] {
            assert!(refusal(Os::Windows, name).unwrap().contains("device name"), "{name}");
        }
        for name in ["report.", "trailing "] {
            assert!(refusal(Os::Windows, name).unwrap().contains("last dot or space"), "{name}");
        }
        for name in ["auxiliary.txt", "console", "com10", ".bashrc", "a.b.c", "über.txt", "x y"] {
            assert_eq!(refusal(Os::Windows, name), None, "{name}");
        }
    }

    #[test]
    fn unix_takes_any_name_without_a_slash() {
        for name in ["a:b", "aux", "report.", "what?"] {
            assert_eq!(refusal(Os::Linux, name), None);
            assert_eq!(refusal(Os::MacOs, name), None);
            assert_eq!(safe_name(Os::Linux, name), name);
        }
        assert!(refusal(Os::Linux, "a/b").is_some() && refusal(Os::Linux, "..").is_some());
    }

    #[test]
    fn safe_names_change_as_little_as_they_can() {
        assert_eq!(safe_name(Os::Windows, "a:b"), "a_b");
        assert_eq!(safe_name(Os::Windows, "aux"), "aux_");
        assert_eq!(safe_name(Os::Windows, "Con.txt"), "Con_.txt");
        assert_eq!(safe_name(Os::Windows, "report."), "report_");
        assert_eq!(safe_name(Os::Windows, "what?.txt"), "what_.txt");
        assert_eq!(safe_name(Os::Windows, "plain.txt"), "plain.txt");
        assert_eq!(safe_name(Os::Windows, ""), "_");
        for name in ["a:b", "aux", "Con.txt", "report.", "nul ", "x?*|"] {
            assert_eq!(refusal(Os::Windows, &safe_name(Os::Windows, name)), None, "{name}");
        }
    }
}
