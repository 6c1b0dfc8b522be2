//! How each package manager orders its versions — the one question vulnerability matching asks
//! ("is the installed version before the fixed one?").
//!
//! dpkg's order, as Debian Policy §5.6.12 defines it: an epoch (`1:`) compared as a number first,
//! then the upstream version, then the Debian revision (after the last `-`). Each of those two is
//! compared in alternating runs: non-digits character by character, where `~` comes before
//! anything (even the end), the end before letters, and letters before any other character;
//! then digits as whole numbers.
//!
//! apk's order (Alpine's, after Gentoo's): dot-separated numbers (a longer list is later; a
//! number after the first with a leading zero compares as text, as a decimal fraction would),
//! then one optional letter, then suffixes — `_alpha`, `_beta`, `_pre`, `_rc` before the plain
//! release, `_cvs`, `_svn`, `_git`, `_hg`, `_p` after it, each with an optional number — then the
//! `-rN` package revision.

use std::cmp::Ordering;

/// dpkg's order of two versions (`1:2.30-1~deb12u1`). A version that does not parse as dpkg
/// would read it (a non-numeric epoch) compares as text, after every well-formed one.
pub fn compare_dpkg(a: &str, b: &str) -> Ordering {
    match (DpkgVersion::parse(a), DpkgVersion::parse(b)) {
        (Some(a), Some(b)) => a.cmp_to(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// A version split as dpkg splits it.
struct DpkgVersion<'v> {
    epoch: u64,
    upstream: &'v str,
    revision: &'v str,
}

impl<'v> DpkgVersion<'v> {
    fn parse(text: &'v str) -> Option<DpkgVersion<'v>> {
        let text = text.trim();
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => (epoch.parse().ok()?, rest),
            None => (0, text),
        };
        let (upstream, revision) = rest.rsplit_once('-').unwrap_or((rest, ""));
        Some(DpkgVersion { epoch, upstream, revision })
    }

    fn cmp_to(&self, other: &DpkgVersion<'_>) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| compare_part(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

/// Where a non-digit character (or the end, `None`) sorts.
fn rank(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// One part (upstream or revision) against another, in alternating non-digit and digit runs.
fn compare_part(mut a: &[u8], mut b: &[u8]) -> Ordering {
    while !a.is_empty() || !b.is_empty() {
        let (a_text, a_rest) = split_run(a, |c| !c.is_ascii_digit());
        let (b_text, b_rest) = split_run(b, |c| !c.is_ascii_digit());
        for index in 0..a_text.len().max(b_text.len()) {
            let order = rank(a_text.get(index).copied()).cmp(&rank(b_text.get(index).copied()));
            if order != Ordering::Equal {
                return order;
            }
        }
        let (a_digits, a_after) = split_run(a_rest, |c| c.is_ascii_digit());
        let (b_digits, b_after) = split_run(b_rest, |c| c.is_ascii_digit());
        let order = compare_numbers(a_digits, b_digits);
        if order != Ordering::Equal {
            return order;
        }
        (a, b) = (a_after, b_after);
    }
    Ordering::Equal
}

/// The leading run of `text` whose bytes are `in_run`, and what follows it.
fn split_run(text: &[u8], in_run: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let end = text.iter().position(|c| !in_run(*c)).unwrap_or(text.len());
    text.split_at(end)
}

/// Two runs of digits as whole numbers, however long (leading zeros do not count).
fn compare_numbers(a: &[u8], b: &[u8]) -> Ordering {
    let significant = |digits: &[u8]| -> usize { digits.iter().position(|c| *c != b'0').unwrap_or(digits.len()) };
    let (a, b) = (&a[significant(a)..], &b[significant(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// apk's order of two versions (`1.2.4_rc1-r2`). A version that does not parse as apk would read
/// it compares as text, after every well-formed one.
pub fn compare_apk(a: &str, b: &str) -> Ordering {
    match (ApkVersion::parse(a), ApkVersion::parse(b)) {
        (Some(a), Some(b)) => a.cmp_to(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// apk's suffixes in order; the plain release sits between `rc` and `cvs`.
const APK_SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
/// Where a version with no (more) suffixes sits among them.
const APK_RELEASE: usize = 4;

/// A version split as apk reads it.
struct ApkVersion<'v> {
    numbers: Vec<&'v str>,
    letter: Option<u8>,
    /// Each suffix's place (see [`APK_SUFFIXES`], the release at [`APK_RELEASE`]) and number.
    suffixes: Vec<(usize, &'v str)>,
    revision: &'v str,
}

impl<'v> ApkVersion<'v> {
    fn parse(text: &'v str) -> Option<ApkVersion<'v>> {
        let (text, revision) = match text.trim().rsplit_once("-r") {
            Some((version, revision)) if !revision.is_empty() && revision.bytes().all(|c| c.is_ascii_digit()) => {
                (version, revision)
            }
            _ => (text.trim(), "0"),
        };
        let (main, suffixes) = text.split_once('_').unwrap_or((text, ""));
        let (main, letter) = match main.as_bytes().last() {
            Some(c) if c.is_ascii_lowercase() => (&main[..main.len() - 1], Some(*c)),
            _ => (main, None),
        };
        let numbers: Vec<&str> = main.split('.').collect();
        if numbers.iter().any(|n| n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit())) {
            return None;
        }
        let mut parsed = Vec::new();
        for suffix in suffixes.split('_').filter(|s| !s.is_empty()) {
            let digits = suffix.find(|c: char| c.is_ascii_digit()).unwrap_or(suffix.len());
            let (name, number) = suffix.split_at(digits);
            if !number.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let place = APK_SUFFIXES.iter().position(|known| *known == name)?;
            parsed.push((if place >= APK_RELEASE { place + 1 } else { place }, number));
        }
        Some(ApkVersion { numbers, letter, suffixes: parsed, revision })
    }

    fn cmp_to(&self, other: &ApkVersion<'_>) -> Ordering {
        self.compare_numbers(other)
            .then_with(|| self.letter.cmp(&other.letter))
            .then_with(|| self.compare_suffixes(other))
            .then_with(|| compare_numbers(self.revision.as_bytes(), other.revision.as_bytes()))
    }

    fn compare_numbers(&self, other: &ApkVersion<'_>) -> Ordering {
        for (index, (a, b)) in self.numbers.iter().zip(&other.numbers).enumerate() {
            let order = if index > 0 && (a.starts_with('0') || b.starts_with('0')) {
                a.trim_end_matches('0').cmp(b.trim_end_matches('0'))
            } else {
                compare_numbers(a.as_bytes(), b.as_bytes())
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        self.numbers.len().cmp(&other.numbers.len())
    }

    fn compare_suffixes(&self, other: &ApkVersion<'_>) -> Ordering {
        let release = (APK_RELEASE, "");
        for index in 0..self.suffixes.len().max(other.suffixes.len()) {
            let (a, b) = (self.suffixes.get(index).unwrap_or(&release), other.suffixes.get(index).unwrap_or(&release));
            let order = a.0.cmp(&b.0).then_with(|| compare_numbers(a.1.as_bytes(), b.1.as_bytes()));
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list is in ascending order; every pair must compare as its positions do.
    fn assert_ascending(versions: &[&str]) {
        for (i, a) in versions.iter().enumerate() {
            for (j, b) in versions.iter().enumerate() {
                assert_eq!(compare_dpkg(a, b), i.cmp(&j), "{a} against {b}");
            }
        }
    }

    #[test]
    fn a_tilde_sorts_before_anything_even_the_end() {
        assert_ascending(&["1.2.3~~", "1.2.3~~a", "1.2.3~", "1.2.3", "1.2.3a"]);
        assert_ascending(&["1.0~rc1", "1.0~rc2", "1.0", "1.0+b1", "1.0.1"]);
        assert_ascending(&["3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "3.0.11-1", "3.0.11-1+deb12u1"]);
    }

    #[test]
    fn letters_sort_before_other_characters_and_numbers_compare_whole() {
        assert_ascending(&["1.0a", "1.0z", "1.0+", "1.0."]);
        assert_ascending(&["1.9", "1.10", "1.100"]);
        assert_eq!(compare_dpkg("1.0009", "1.9"), Ordering::Equal, "leading zeros do not count");
        assert_eq!(compare_dpkg("1.2", "1.2-0"), Ordering::Equal, "no revision is revision 0");
        assert_eq!(compare_dpkg("18446744073709551616", "18446744073709551615"), Ordering::Greater, "longer than u64");
    }

    #[test]
    fn the_epoch_comes_first_then_upstream_then_the_revision() {
        assert_ascending(&["9.9-9", "1:0.1-1", "1:0.1-2", "1:0.2-1", "2:0"]);
        assert_eq!(compare_dpkg("0:1.0", "1.0"), Ordering::Equal, "epoch 0 is no epoch");
        // Hyphens in upstream: the revision is after the last one.
        assert_ascending(&["1.0-beta-1", "1.0-beta-2", "1.0-rc-1"]);
    }

    /// Each list is in ascending order by apk's rules.
    fn assert_apk_ascending(versions: &[&str]) {
        for (i, a) in versions.iter().enumerate() {
            for (j, b) in versions.iter().enumerate() {
                assert_eq!(compare_apk(a, b), i.cmp(&j), "{a} against {b}");
            }
        }
    }

    #[test]
    fn apk_orders_numbers_then_a_letter_then_suffixes_then_the_revision() {
        assert_apk_ascending(&["1.2", "1.2.1", "1.2.9", "1.2.10", "1.3"]);
        assert_apk_ascending(&[
            "1.2_alpha",
            "1.2_alpha2",
            "1.2_beta",
            "1.2_pre1",
            "1.2_rc1",
            "1.2",
            "1.2_cvs",
            "1.2_git20240101",
            "1.2_p1",
            "1.2a",
        ]);
        assert_apk_ascending(&["1.2.4-r0", "1.2.4-r1", "1.2.4-r10", "1.2.4a-r0"]);
        assert_apk_ascending(&["3.0.11_rc1-r5", "3.0.11-r0", "3.0.11_p1-r0"]);
        assert_eq!(compare_apk("1.2.4", "1.2.4-r0"), Ordering::Equal, "no revision is r0");
        // After the first number, a leading zero reads as a decimal fraction.
        assert_apk_ascending(&["1.01", "1.1"]);
        assert_eq!(compare_apk("1.10", "1.010"), Ordering::Greater);
        // apk cannot read these: they come last, as text.
        assert_eq!(compare_apk("1.2_bogus1", "1.2"), Ordering::Greater);
        assert_eq!(compare_apk("abc", "1.0"), Ordering::Greater);
    }

    #[test]
    fn versions_dpkg_cannot_read_sort_last_as_text() {
        assert_eq!(compare_dpkg("x:1.0", "1.0"), Ordering::Greater);
        assert_eq!(compare_dpkg("1.0", "x:1.0"), Ordering::Less);
        assert_eq!(compare_dpkg("x:1", "y:1"), Ordering::Less);
    }
}
