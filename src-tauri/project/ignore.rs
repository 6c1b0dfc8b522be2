//! `.dockerignore`, read exactly as Docker reads it (moby's `ignorefile` and `patternmatcher`),
//! because it decides two things that must agree: which files go into the build context, and
//! which edits trigger a rebuild.
//!
//! The rules, which are not gitignore's:
//! - lines are trimmed; a line starting with `#` is a comment; a leading `/` is dropped (every
//!   pattern is anchored at the context root anyway); each pattern is cleaned like a path
//!   (`a//b/./c/` is `a/b/c`);
//! - globs are Go's `filepath.Match` (`*` and `?` never cross `/`, `[a-z]`, `[^a-z]`, `\` escapes)
//!   plus `**`, which crosses any number of folders;
//! - a pattern that matches a folder matches everything in it;
//! - `!pattern` re-includes, and the last matching line wins;
//! - a malformed pattern (`[`, `!` alone) is an error, as `docker build` makes it one;
//! - on Windows, `\` in a pattern is a folder separator like `/`, never an escape (the docker
//!   CLI turns it into `/` before matching), so `src\gen` there is `src/gen`.
//!
//! Written from the documented behaviour and moby's test cases (see the tests below).

use std::path::Path;

use thiserror::Error;

use crate::engine::Os;
use crate::problem::{ErrorCode, Problem};

/// Why an ignore file cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum IgnoreError {
    /// A line whose pattern is malformed, which `docker build` would refuse too.
    #[error("line {line} of {file}: `{pattern}` is not a valid pattern ({why})")]
    BadPattern {
        /// The ignore file, as the caller named it.
        file: String,
        /// The line's number, counted from 1.
        line: usize,
        /// The line as written (trimmed, with its `!` if any).
        pattern: String,
        /// What is wrong with it, in words for the user.
        why: &'static str,
    },
    /// The ignore file exists but cannot be read.
    #[error("{file} cannot be read: {reason}")]
    Unreadable {
        /// The file's path.
        file: String,
        /// The system's own words for the failure.
        reason: String,
    },
}

impl Problem for IgnoreError {
    fn code(&self) -> ErrorCode {
        match self {
            IgnoreError::BadPattern { .. } => ErrorCode::InvalidInput,
            IgnoreError::Unreadable { .. } => ErrorCode::FileSystem,
        }
    }

    fn hint(&self) -> String {
        match self {
            IgnoreError::BadPattern { .. } => {
                "Fix the line in .dockerignore; `docker build` would refuse it too.".into()
            }
            IgnoreError::Unreadable { .. } => "Check that the file is readable.".into(),
        }
    }
}

/// The patterns of one `.dockerignore`, ready to decide about paths.
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// `!pattern`: re-includes what earlier lines excluded.
    exception: bool,
    /// The cleaned text (without `!`), which the exact, prefix and suffix tests compare with.
    text: String,
    matcher: Matcher,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// No wildcard: the path equals the pattern.
    Exact,
    /// `dir/**`: the path starts with `dir/`.
    Prefix(String),
    /// `**/name` or `**name`: the path ends with the rest (or is `name`).
    Suffix(String),
    Glob(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `?`: one character other than `/`.
    AnyOne,
    /// `*`: any run of characters other than `/`.
    AnyRun,
    /// `**` at the end: anything at all.
    Everything,
    /// `**/` (or `**` before more pattern): any number of leading folders, none included.
    AnyFolders,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl IgnoreRules {
    /// Reads the ignore file for a build: `<Dockerfile>.dockerignore` next to the Dockerfile when
    /// there is one, else `.dockerignore` at the context root, else no rules. The Dockerfile and the
    /// ignore file itself are always sent, whatever the patterns say.
    pub fn for_build(context: &Path, dockerfile: &Path) -> Result<IgnoreRules, IgnoreError> {
        let beside = dockerfile.with_file_name(format!(
            "{}.dockerignore",
            dockerfile.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        let file = if beside.is_file() { beside } else { context.join(".dockerignore") };
        let text = match std::fs::read(&file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => {
                return Err(IgnoreError::Unreadable { file: file.display().to_string(), reason: error.to_string() })
            }
        };
        let mut rules = IgnoreRules::parse(&text, &file.display().to_string())?;
        let always: Vec<String> = [file.as_path(), dockerfile]
            .iter()
            .filter_map(|path| path.strip_prefix(context).ok())
            .map(|relative| relative.to_string_lossy().replace('\\', "/"))
            .collect();
        for path in always {
            if rules.is_excluded(&path) {
                rules.patterns.push(Pattern::new(&path, true).expect("a plain path is a valid pattern"));
            }
        }
        Ok(rules)
    }

    /// The patterns of an ignore file's text, read by this system's rules; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<IgnoreRules, IgnoreError> {
        IgnoreRules::parse_for(Os::CURRENT, text, file)
    }

    /// The patterns of an ignore file's text as the docker CLI on `os` reads them.
    pub fn parse_for(os: Os, text: &str, file: &str) -> Result<IgnoreRules, IgnoreError> {
        let mut patterns = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = if number == 0 { line.trim_start_matches('\u{feff}') } else { line };
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, rest) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let bad = |why| IgnoreError::BadPattern { file: file.into(), line: number + 1, pattern: line.into(), why };
            if exception && rest.is_empty() {
                return Err(bad("`!` needs a pattern after it"));
            }
            let mut cleaned = match os {
                Os::Windows => clean(&rest.replace('\\', "/")),
                Os::Linux | Os::MacOs => clean(rest),
            };
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
            patterns.push(Pattern::new(&cleaned, exception).map_err(bad)?);
        }
        Ok(IgnoreRules { patterns })
    }

    /// Whether there are no patterns, so nothing is excluded.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any line re-includes (`!…`): then an excluded folder may still hold files to send.
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// Whether `path` (relative to the context, `/`-separated) stays out of the context: the
    /// last line that matches it or one of its parent folders decides.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        if path == "." {
            return false;
        }
        let parents = parent_folders(&path);
        let mut excluded = false;
        for pattern in &self.patterns {
            // An exclusion cannot change an excluded path, nor an exception an included one.
            if pattern.exception != excluded {
                continue;
            }
            let matches = pattern.matches(&path) || parents.iter().any(|parent| pattern.matches(parent));
            if matches {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// `a`, `a/b` for `a/b/c` (the folders holding the path, from the top); none for a top-level name.
fn parent_folders(path: &str) -> Vec<&str> {
    let parent = go_dir(path);
    if parent == "." {
        return Vec::new();
    }
    let parent_len = parent.len();
    path[..parent_len]
        .match_indices('/')
        .map(|(at, _)| &path[..at])
        .chain(std::iter::once(&path[..parent_len]))
        .collect()
}

/// Go's `filepath.Dir` for a cleaned path: everything before the last `/`, or `.`.
fn go_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(at) => &path[..at],
        None => ".",
    }
}

/// Go's `filepath.Clean`: one `/` between names, no `.` names, `..` resolved where it can be,
/// no trailing `/`; `.` for nothing.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut names: Vec<&str> = Vec::new();
    for name in path.split('/') {
        match name {
            "" | "." => {}
            ".." => {
                if names.last().is_some_and(|last| *last != "..") {
                    names.pop();
                } else if !rooted {
                    names.push("..");
                }
            }
            name => names.push(name),
        }
    }
    let joined = names.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

impl Pattern {
    fn new(text: &str, exception: bool) -> Result<Pattern, &'static str> {
        Ok(Pattern { exception, text: text.to_string(), matcher: compile(text)? })
    }

    fn matches(&self, path: &str) -> bool {
        match &self.matcher {
            Matcher::Exact => path == self.text,
            Matcher::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Matcher::Suffix(suffix) => {
                path.ends_with(suffix.as_str()) || suffix.strip_prefix('/').is_some_and(|name| path == name)
            }
            Matcher::Glob(tokens) => {
                let chars: Vec<char> = path.chars().collect();
                glob_matches(tokens, &chars)
            }
        }
    }
}

/// Turns a cleaned pattern into a matcher, choosing the simplest test that Docker would: exact,
/// prefix (`dir/**`), suffix (`**/name`), or a glob.
fn compile(text: &str) -> Result<Matcher, &'static str> {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Glob,
    }
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut kind = Kind::Exact;
    let mut at = 0;
    let mut step = 0;
    while at < chars.len() {
        let ch = chars[at];
        at += 1;
        match ch {
            '*' if chars.get(at) == Some(&'*') => {
                at += 1;
                if chars.get(at) == Some(&'/') {
                    at += 1;
                }
                if at == chars.len() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        tokens.push(Token::Everything);
                        kind = Kind::Glob;
                    }
                } else {
                    tokens.push(Token::AnyFolders);
                    kind = Kind::Glob;
                }
                if step == 0 {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                tokens.push(Token::AnyRun);
                kind = Kind::Glob;
            }
            '?' => {
                tokens.push(Token::AnyOne);
                kind = Kind::Glob;
            }
            '\\' => {
                let escaped = *chars.get(at).ok_or("it ends with a lone `\\`")?;
                at += 1;
                tokens.push(Token::Char(escaped));
                kind = Kind::Glob;
            }
            '[' => {
                let (class, next) = parse_class(&chars, at)?;
                tokens.push(class);
                at = next;
                kind = Kind::Glob;
            }
            ']' => return Err("a `]` closes no `[`"),
            other => tokens.push(Token::Char(other)),
        }
        step += 1;
    }
    Ok(match kind {
        Kind::Exact => Matcher::Exact,
        Kind::Prefix => Matcher::Prefix(text[..text.len() - 2].to_string()),
        Kind::Suffix => Matcher::Suffix(text[2..].to_string()),
        Kind::Glob => Matcher::Glob(tokens),
    })
}

/// A `[…]` class starting after its `[` at `at`, as Go's `filepath.Match` accepts them: `^` to
/// negate, single characters or `a-z` ranges, `\` escaping; never empty. Returns the class and
/// where the pattern goes on.
fn parse_class(chars: &[char], mut at: usize) -> Result<(Token, usize), &'static str> {
    const UNCLOSED: &str = "a `[` is never closed";
    let negated = chars.get(at) == Some(&'^');
    if negated {
        at += 1;
    }
    let mut ranges = Vec::new();
    loop {
        match chars.get(at) {
            None => return Err(UNCLOSED),
            Some(']') if !ranges.is_empty() => return Ok((Token::Class { negated, ranges }, at + 1)),
            _ => {}
        }
        let (low, next) = class_char(chars, at)?;
        at = next;
        let mut high = low;
        if chars.get(at) == Some(&'-') {
            let (end, next) = class_char(chars, at + 1)?;
            high = end;
            at = next;
        }
        ranges.push((low, high));
    }
}

/// One character of a class (escaped or not) at `at`; `-` and `]` must be escaped there.
fn class_char(chars: &[char], at: usize) -> Result<(char, usize), &'static str> {
    match chars.get(at) {
        None => Err("a `[` is never closed"),
        Some('-') | Some(']') => Err("a class has a `-` or `]` where a character should be"),
        Some('\\') => chars.get(at + 1).map(|c| (*c, at + 2)).ok_or("a `[` is never closed"),
        Some(c) => Ok((*c, at + 1)),
    }
}

/// Whether the whole of `path` matches `tokens`. Built up from the last token back, one row of
/// answers at a time (does the rest match from here?), so it takes time in proportion to the
/// pattern's length times the path's, whatever the wildcards: backtracking was exponential on a
/// run of `*` (found by the fuzzer).
fn glob_matches(tokens: &[Token], path: &[char]) -> bool {
    let end = path.len();
    // `after[at]`: whether the tokens after the current one match `path[at..]`.
    let mut after: Vec<bool> = (0..=end).map(|at| at == end).collect();
    for token in tokens.iter().rev() {
        let mut here = vec![false; end + 1];
        // For `**/`: whether some `/` at or after `at` ends a run the rest matches after.
        let mut folder_run_ahead = false;
        for at in (0..=end).rev() {
            let next = path.get(at);
            here[at] = match token {
                Token::Char(c) => next == Some(c) && after[at + 1],
                Token::AnyOne => next.is_some_and(|c| *c != '/') && after[at + 1],
                Token::Class { negated, ranges } => next.is_some_and(|c| {
                    let inside = ranges.iter().any(|(low, high)| low <= c && c <= high);
                    inside != *negated && after[at + 1]
                }),
                // Nothing more, or one more character that is not a `/`.
                Token::AnyRun => after[at] || (next.is_some_and(|c| *c != '/') && here[at + 1]),
                Token::Everything => true,
                // Nothing, or everything up to and including some `/`.
                Token::AnyFolders => {
                    folder_run_ahead |= next == Some(&'/') && after[at + 1];
                    after[at] || folder_run_ahead
                }
            };
        }
        after = here;
    }
    after[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_wildcards_matches_as_any_folders() {
        // The fuzzer's find: 130 `*` made backtracking take minutes (the fuzz run's 10 s limit
        // would catch a return of it; here, the answers are checked).
        let pattern = format!("{}/*4", "*".repeat(130));
        assert!(!rules(&[&pattern]).is_excluded("b/s/c/i/a/b/b"));
        assert!(rules(&[&pattern]).is_excluded("b/s/c/i/a/b/x4"));
    }

    /// moby's cases are Linux's rules (`\` escapes); Windows' have tests of their own.
    fn rules(patterns: &[&str]) -> IgnoreRules {
        IgnoreRules::parse_for(Os::Linux, &patterns.join("\n"), ".dockerignore").unwrap()
    }

    /// One pattern, the path itself only (no parent folders): moby's "exact" cases.
    fn matches_itself(pattern: &str, path: &str) -> bool {
        let pattern = Pattern::new(&clean(pattern), false).unwrap();
        pattern.matches(path)
    }

    // The cases of moby's patternmatcher tests, as (pattern, path, the path itself matches,
    // the path or a parent folder matches).
    const CASES: &[(&str, &str, bool, bool)] = &[
        ("**", "file", true, true),
        ("**", "file/", true, true),
        ("**/", "file", true, true),
        ("**/", "file/", true, true),
        ("**", "/", true, true),
        ("**/", "/", true, true),
        ("**", "dir/file", true, true),
        ("**/", "dir/file", true, true),
        ("**", "dir/file/", true, true),
        ("**/", "dir/file/", true, true),
        ("**/**", "dir/file", true, true),
        ("**/**", "dir/file/", true, true),
        ("dir/**", "dir/file", true, true),
        ("dir/**", "dir/file/", true, true),
        ("dir/**", "dir/dir2/file", true, true),
        ("dir/**", "dir/dir2/file/", true, true),
        ("**/dir", "dir", true, true),
        ("**/dir", "dir/file", false, true),
        ("**/dir2/*", "dir/dir2/file", true, true),
        ("**/dir2/*", "dir/dir2/file/", false, true),
        ("**/dir2/**", "dir/dir2/dir3/file", true, true),
        ("**/dir2/**", "dir/dir2/dir3/file/", true, true),
        ("**file", "file", true, true),
        ("**file", "dir/file", true, true),
        ("**/file", "dir/file", true, true),
        ("**file", "dir/dir/file", true, true),
        ("**/file", "dir/dir/file", true, true),
        ("**/file*", "dir/dir/file", true, true),
        ("**/file*", "dir/dir/file.txt", true, true),
        ("**/file*txt", "dir/dir/file.txt", true, true),
        ("**/file*.txt", "dir/dir/file.txt", true, true),
        ("**/file*.txt*", "dir/dir/file.txt", true, true),
        ("**/**/*.txt", "dir/dir/file.txt", true, true),
        ("**/**/*.txt2", "dir/dir/file.txt", false, false),
        ("**/*.txt", "file.txt", true, true),
        ("**/**/*.txt", "file.txt", true, true),
        ("a**/*.txt", "a/file.txt", true, true),
        ("a**/*.txt", "a/dir/file.txt", true, true),
        ("a**/*.txt", "a/dir/dir/file.txt", true, true),
        ("a/*.txt", "a/dir/file.txt", false, false),
        ("a/*.txt", "a/file.txt", true, true),
        ("a/*.txt**", "a/file.txt", true, true),
        ("a[b-d]e", "ae", false, false),
        ("a[b-d]e", "ace", true, true),
        ("a[b-d]e", "aae", false, false),
        ("a[^b-d]e", "aze", true, true),
        (".*", ".foo", true, true),
        (".*", "foo", false, false),
        ("abc.def", "abcdef", false, false),
        ("abc.def", "abc.def", true, true),
        ("abc.def", "abcZdef", false, false),
        ("abc?def", "abcZdef", true, true),
        ("abc?def", "abcdef", false, false),
        ("**/foo/bar", "foo/bar", true, true),
        ("**/foo/bar", "dir/foo/bar", true, true),
        ("**/foo/bar", "dir/dir2/foo/bar", true, true),
        ("abc/**", "abc", false, false),
        ("abc/**", "abc/def", true, true),
        ("abc/**", "abc/def/ghi", true, true),
        ("**/.foo", ".foo", true, true),
        ("**/.foo", "bar.foo", false, false),
        ("a(b)c/def", "a(b)c/def", true, true),
        ("a(b)c/def", "a(b)c/xyz", false, false),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", true, true),
        (
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
            true,
        ),
        ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true, true),
        ("a\\\\", "a\\", true, true),
        ("a\\*b", "a*b", true, true),
    ];

    #[test]
    fn each_pattern_matches_as_in_mobys_cases() {
        for (pattern, path, itself, or_parent) in CASES {
            assert_eq!(matches_itself(pattern, path), *itself, "pattern {pattern:?} on {path:?} itself");
            let excluded = rules(&[pattern]).is_excluded(path);
            assert_eq!(excluded, *or_parent, "pattern {pattern:?} on {path:?} or a parent folder");
        }
    }

    #[test]
    fn the_last_matching_line_wins_and_exceptions_reinclude() {
        let cases: &[(&[&str], &str, bool)] = &[
            (&["*"], "fileutils.go", true),
            (&["*.go"], "fileutils.go", true),
            (&["!fileutils.go", "*.go"], "fileutils.go", true),
            (&["*.go", "!fileutils.go"], "fileutils.go", false),
            (&["docs", "!docs/README.md"], "docs/README.md", false),
            (&["docs/", "!docs/README.md"], "docs/README.md", false),
            (&["docs/*", "!docs/README.md"], "docs/README.md", false),
            (&["*.go"], ".", false),
            (&[], "any/path/there", false),
            (&["**", "!util/docker/web"], "util/docker/web/foo", false),
            (&["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", true),
            (
                &["**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                false,
            ),
            (&["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
        ];
        for (patterns, path, excluded) in cases {
            assert_eq!(rules(patterns).is_excluded(path), *excluded, "{patterns:?} on {path:?}");
        }
    }

    /// Go's `filepath.Match` cases that moby's tests run through its matcher.
    #[test]
    fn globs_follow_gos_filepath_match() {
        let cases: &[(&str, &str, bool)] = &[
            ("abc", "abc", true),
            ("*", "abc", true),
            ("*c", "abc", true),
            ("a*", "a", true),
            ("a*", "abc", true),
            ("a*", "ab/c", true), // the folder `ab` matches
            ("a*/b", "abc/b", true),
            ("a*/b", "a/c/b", false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
            ("a*b?c*x", "abxbbxdbxebxczzx", true),
            ("a*b?c*x", "abxbbxdbxebxczzy", false),
            ("ab[c]", "abc", true),
            ("ab[b-d]", "abc", true),
            ("ab[e-g]", "abc", false),
            ("ab[^c]", "abc", false),
            ("ab[^b-d]", "abc", false),
            ("ab[^e-g]", "abc", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("a?b", "a☺b", true),
            ("a[^a]b", "a☺b", true),
            ("a???b", "a☺b", false),
            ("a[^a][^a][^a]b", "a☺b", false),
            ("[a-ζ]*", "α", true),
            ("*[a-ζ]", "A", false),
            ("a?b", "a/b", false),
            ("a*b", "a/b", false),
            ("[\\]a]", "]", true),
            ("[\\-]", "-", true),
            ("[x\\-]", "x", true),
            ("[x\\-]", "-", true),
            ("[x\\-]", "z", false),
            ("[\\-x]", "x", true),
            ("[\\-x]", "-", true),
            ("[\\-x]", "a", false),
            ("*x", "xxx", true),
        ];
        for (pattern, path, excluded) in cases {
            assert_eq!(rules(&[pattern]).is_excluded(path), *excluded, "{pattern:?} on {path:?}");
        }
    }

    #[test]
    fn malformed_patterns_are_errors_naming_the_line() {
        for bad in ["[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "!", "! "] {
            let error = IgnoreRules::parse_for(Os::Linux, &format!("ok\n{bad}"), ".dockerignore").unwrap_err();
            assert!(matches!(error, IgnoreError::BadPattern { line: 2, .. }), "{bad:?}: {error:?}");
        }
    }

    #[test]
    fn the_file_is_read_as_docker_reads_it() {
        let text =
            "\u{feff}test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n  spaced/  \n";
        let read = IgnoreRules::parse(text, ".dockerignore").unwrap();
        let texts: Vec<(bool, &str)> = read.patterns.iter().map(|p| (p.exception, p.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (false, "test1"),
                (false, "test2"),
                (false, "a/file/here"),
                (false, "lastfile"),
                (true, "inverted/abs/path"),
                (false, "spaced")
            ]
        );
        assert_eq!(clean("a//b/./c/"), "a/b/c");
        assert_eq!(clean("a/../../b"), "../b");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean(""), ".");
    }

    #[test]
    fn the_dockerfile_and_the_ignore_file_are_always_sent() {
        let context = tempfile::tempdir().unwrap();
        std::fs::write(context.path().join(".dockerignore"), "*\n").unwrap();
        std::fs::write(context.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let rules = IgnoreRules::for_build(context.path(), &context.path().join("Dockerfile")).unwrap();
        assert!(!rules.is_excluded("Dockerfile") && !rules.is_excluded(".dockerignore"));
        assert!(rules.is_excluded("src/main.rs"));
        // `<Dockerfile>.dockerignore` takes precedence over the context's.
        std::fs::create_dir(context.path().join("build")).unwrap();
        std::fs::write(context.path().join("build/app.Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(context.path().join("build/app.Dockerfile.dockerignore"), "secrets\n").unwrap();
        let rules = IgnoreRules::for_build(context.path(), &context.path().join("build/app.Dockerfile")).unwrap();
        assert!(rules.is_excluded("secrets/key") && !rules.is_excluded("src/main.rs"));
    }

    #[test]
    fn on_windows_a_backslash_separates_folders_and_escapes_nothing() {
        let windows =
            |patterns: &[&str]| IgnoreRules::parse_for(Os::Windows, &patterns.join("\n"), ".dockerignore").unwrap();
        let texts = |rules: &IgnoreRules| rules.patterns.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
        // What the docker CLI makes of each line on Windows: `\` → `/`, cleaned, one leading `/` off.
        assert_eq!(
            texts(&windows(&["src\\gen", "\\build", "docs\\**\\*.md", "!src\\gen\\keep.rs", "C:\\x", "a\\\\b\\"])),
            ["src/gen", "build", "docs/**/*.md", "src/gen/keep.rs", "C:/x", "a/b"]
        );
        let read = windows(&["src\\gen", "!src\\gen\\keep.rs", "docs\\**\\*.md", "*\\tmp"]);
        assert!(read.is_excluded("src/gen/a.rs") && !read.is_excluded("src/gen/keep.rs"));
        assert!(read.is_excluded("docs/guide/intro.md") && !read.is_excluded("docs/guide/intro.txt"));
        assert!(read.is_excluded("web/tmp/x") && !read.is_excluded("tmp/x"));
        // A drive letter never matches a path relative to the context.
        assert!(!windows(&["C:\\x"]).is_excluded("x"));
        // On Linux the same line escapes: `src\gen` is `src` then an escaped `g`.
        let linux = rules(&["src\\gen"]);
        assert!(linux.is_excluded("srcgen") && !linux.is_excluded("src/gen/a.rs"));
        // A lone `\` is a bad escape on Linux, the root folder on Windows (which matches nothing).
        assert!(IgnoreRules::parse_for(Os::Linux, "\\", "f").is_err());
        assert!(!windows(&["\\"]).is_excluded("a"));
    }
}
