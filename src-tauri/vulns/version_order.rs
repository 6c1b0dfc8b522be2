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
//!
//! Python's PEP 440 order (epochs, pre-, post- and dev-releases, local versions) comes from the
//! `pep440_rs` crate, and Semantic Versioning 2.0's (npm, Go modules, Rust crates; Go's leading
//! `v` dropped) from the `semver` crate. [`VersionOrder`] names the four and says, for a version
//! one of them cannot read, that it cannot be compared — matching then reports the package as
//! not compared rather than guessing.

use std::cmp::Ordering;
use std::str::FromStr;

/// The version orders vulnerability matching compares by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionOrder {
    /// Debian's and Ubuntu's dpkg.
    Dpkg,
    /// Alpine's apk.
    Apk,
    /// Python's PEP 440.
    Pep440,
    /// Semantic Versioning 2.0 (npm, Go, crates.io).
    SemVer,
}

impl VersionOrder {
    /// The order of `a` and `b`, or `None` when either is not a version in this order.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            VersionOrder::Dpkg => Some(DpkgVersion::parse(a)?.cmp_to(&DpkgVersion::parse(b)?)),
            VersionOrder::Apk => Some(ApkVersion::parse(a)?.cmp_to(&ApkVersion::parse(b)?)),
            VersionOrder::Pep440 => Some(pep440(a)?.cmp(&pep440(b)?)),
            VersionOrder::SemVer => Some(semantic(a)?.cmp_precedence(&semantic(b)?)),
        }
    }

    /// Whether `version` is a version in this order.
    pub fn reads(self, version: &str) -> bool {
        self.compare(version, version).is_some()
    }
}

fn pep440(text: &str) -> Option<pep440_rs::Version> {
    pep440_rs::Version::from_str(text.trim()).ok()
}

/// A SemVer version; Go writes its module versions with a leading `v`.
fn semantic(text: &str) -> Option<semver::Version> {
    let text = text.trim();
    semver::Version::parse(text.strip_prefix('v').unwrap_or(text)).ok()
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
        // dpkg asks an upstream version to start with a digit, and takes no spaces.
        if !upstream.starts_with(|c: char| c.is_ascii_digit()) || rest.contains(char::is_whitespace) {
            return None;
        }
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

    /// Each list is in ascending order by `order`; every pair must compare as its positions do.
    fn assert_ascending_by(order: VersionOrder, versions: &[&str]) {
        for (i, a) in versions.iter().enumerate() {
            for (j, b) in versions.iter().enumerate() {
                assert_eq!(order.compare(a, b), Some(i.cmp(&j)), "{a} against {b} ({order:?})");
            }
        }
    }

    fn assert_ascending(versions: &[&str]) {
        assert_ascending_by(VersionOrder::Dpkg, versions);
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
        assert_eq!(VersionOrder::Dpkg.compare("1.0009", "1.9"), Some(Ordering::Equal), "leading zeros do not count");
        assert_eq!(VersionOrder::Dpkg.compare("1.2", "1.2-0"), Some(Ordering::Equal), "no revision is revision 0");
        assert_eq!(
            VersionOrder::Dpkg.compare("18446744073709551616", "18446744073709551615"),
            Some(Ordering::Greater),
            "longer than u64"
        );
    }

    #[test]
    fn the_epoch_comes_first_then_upstream_then_the_revision() {
        assert_ascending(&["9.9-9", "1:0.1-1", "1:0.1-2", "1:0.2-1", "2:0"]);
        assert_eq!(VersionOrder::Dpkg.compare("0:1.0", "1.0"), Some(Ordering::Equal), "epoch 0 is no epoch");
        // Hyphens in upstream: the revision is after the last one.
        assert_ascending(&["1.0-beta-1", "1.0-beta-2", "1.0-rc-1"]);
    }

    fn assert_apk_ascending(versions: &[&str]) {
        assert_ascending_by(VersionOrder::Apk, versions);
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
        assert_eq!(VersionOrder::Apk.compare("1.2.4", "1.2.4-r0"), Some(Ordering::Equal), "no revision is r0");
        // After the first number, a leading zero reads as a decimal fraction.
        assert_apk_ascending(&["1.01", "1.1"]);
        assert_eq!(VersionOrder::Apk.compare("1.10", "1.010"), Some(Ordering::Greater));
    }

    #[test]
    fn versions_an_order_cannot_read_are_not_compared() {
        assert_eq!(VersionOrder::Dpkg.compare("x:1.0", "1.0"), None, "a non-numeric epoch");
        assert_eq!(VersionOrder::Dpkg.compare("abc", "1.0"), None, "upstream must start with a digit");
        assert_eq!(VersionOrder::Apk.compare("1.2_bogus1", "1.2"), None);
        assert_eq!(VersionOrder::Pep440.compare("not a version", "1.0"), None);
        assert_eq!(VersionOrder::SemVer.compare("1.2", "1.2.0"), None, "SemVer needs three numbers");
        assert!(VersionOrder::SemVer.reads("v1.2.3"), "Go's leading v");
    }

    #[test]
    fn pep_440_orders_epochs_pre_post_dev_and_local_releases() {
        // The ordering PEP 440's summary gives, in our own selection.
        assert_ascending_by(
            VersionOrder::Pep440,
            &[
                "1.0.dev456",
                "1.0a1",
                "1.0a2.dev456",
                "1.0a12",
                "1.0b1.dev456",
                "1.0b2",
                "1.0rc1",
                "1.0",
                "1.0+abc.5",
                "1.0.post456.dev34",
                "1.0.post456",
                "1.1.dev1",
            ],
        );
        assert_ascending_by(VersionOrder::Pep440, &["2.0", "2.0.1", "1!0.5"]);
        assert_eq!(VersionOrder::Pep440.compare("1.0", "1.0.0"), Some(Ordering::Equal), "trailing zeros");
        assert_eq!(VersionOrder::Pep440.compare("1.0RC1", "1.0rc1"), Some(Ordering::Equal), "case");
    }

    #[test]
    fn semver_orders_pre_releases_before_the_release_and_ignores_build_metadata() {
        // SemVer 2.0's precedence example, and numbers compared whole.
        assert_ascending_by(
            VersionOrder::SemVer,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "2.0.0",
                "2.1.0",
                "2.1.1",
                "2.10.0",
            ],
        );
        assert_eq!(VersionOrder::SemVer.compare("1.0.0+build.5", "1.0.0"), Some(Ordering::Equal));
        assert_eq!(
            VersionOrder::SemVer.compare("v0.0.0-20240101000000-abcdef123456", "v0.1.0"),
            Some(Ordering::Less),
            "a Go pseudo-version"
        );
    }
}
