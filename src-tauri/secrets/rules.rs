//! The secret rules: what a live credential looks like in text (a cloud key, a token, a private
//! key, a password in a URL or an assignment), each with a stable id, a severity and the words a
//! prefilter looks for first. The patterns run on Rust's `regex` engine over bytes, whose matching
//! time is linear in the input: no rule can be made to backtrack on a crafted file, and invalid
//! UTF-8 is simply not matched. A secret found is never kept whole: [`Found`] carries a redacted
//! preview (its first 4 characters, then `…` and its length) and a fingerprint (a SHA-256 of it),
//! enough to recognise it and to allow-list it.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::bytes::{Regex, RegexSet};
use sha2::{Digest, Sha256};

use super::Severity;

/// One kind of secret: its id, how bad a leak is, what it is in words, and its pattern. When the
/// pattern has a capture group, the group is the secret (a password inside a URL); else the
/// whole match is.
pub struct Rule {
    /// A stable id, used in reports and allow-lists: `aws-access-key-id`.
    pub id: &'static str,
    /// How bad it is to ship it.
    pub severity: Severity,
    /// What it is, for the report: "an AWS access key id".
    pub what: &'static str,
    pattern: &'static str,
    /// Words one of which every match holds (any case): a text holding none of any rule's words
    /// is passed over without running the patterns.
    keywords: &'static [&'static str],
    /// The least Shannon entropy (bits per character) the secret must have, for the generic
    /// rules that would otherwise flag `password = "changeme"` placeholders; 0 for none.
    min_entropy: f64,
}

/// How a redacted secret begins: `«redacted RULE PREVIEW FINGERPRINT»` stands for the secret it
/// replaced ([`super::redact`]), and the rules read it back as that secret.
pub const MARKER_START: &str = "«redacted ";

/// Bump when a rule is added or changed: layer indexes cached under older rules are read again.
pub const RULES_VERSION: u32 = 1;

/// Every rule, in the order reports list them.
const RULES: &[Rule] = &[
    rule(
        "aws-access-key-id",
        Severity::High,
        "an AWS access key id",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        &["akia", "asia"],
    ),
    rule(
        "aws-secret-access-key",
        Severity::Critical,
        "an AWS secret access key",
        r#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})\b"#,
        &["secret"],
    ),
    rule(
        "github-token",
        Severity::Critical,
        "a GitHub token",
        r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    ),
    rule(
        "github-fine-grained-token",
        Severity::Critical,
        "a GitHub fine-grained token",
        r"\bgithub_pat_[A-Za-z0-9_]{82}\b",
        &["github_pat_"],
    ),
    rule("gitlab-token", Severity::Critical, "a GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20}\b", &["glpat-"]),
    rule("slack-token", Severity::High, "a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,72}\b", &["xox"]),
    rule(
        "slack-webhook",
        Severity::High,
        "a Slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{24}",
        &["hooks.slack.com"],
    ),
    rule("stripe-key", Severity::Critical, "a Stripe live key", r"\b(?:sk|rk)_live_[A-Za-z0-9]{24,99}\b", &["_live_"]),
    rule("google-api-key", Severity::High, "a Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b", &["aiza"]),
    rule(
        "google-service-account",
        Severity::Critical,
        "a Google service account's key",
        r#""private_key_id"\s*:\s*"([0-9a-f]{40})""#,
        &["private_key_id"],
    ),
    rule(
        "private-key",
        Severity::Critical,
        "a private key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
        &["private key"],
    ),
    rule(
        "putty-private-key",
        Severity::Critical,
        "a PuTTY private key",
        r"PuTTY-User-Key-File-[23]: [a-z0-9-]+",
        &["putty-user-key-file"],
    ),
    rule("npm-token", Severity::Critical, "an npm token", r"\bnpm_[A-Za-z0-9]{36}\b", &["npm_"]),
    rule(
        "npmrc-auth",
        Severity::Critical,
        "a registry token in .npmrc",
        r"_authToken\s*=\s*([^\s$][^\s]{7,})",
        &["_authtoken"],
    ),
    rule(
        "pypi-token",
        Severity::Critical,
        "a PyPI token",
        r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
        &["pypi-ageichlwas5vcmc"],
    ),
    rule(
        "docker-config-auth",
        Severity::Critical,
        "a registry login in a Docker config.json",
        r#""auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})""#,
        &["\"auth\""],
    ),
    rule(
        "kubeconfig-credential",
        Severity::Critical,
        "a Kubernetes token or client key",
        r"(?m)^\s*(?:token|client-key-data):\s*([A-Za-z0-9+/=._\-]{16,})\s*$",
        &["token:", "client-key-data:"],
    ),
    rule(
        "jwt",
        Severity::Medium,
        "a JSON web token",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        &["eyj"],
    ),
    rule(
        "database-url-password",
        Severity::High,
        "a password in a database URL",
        r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?)://[^\s:/@]+:([^\s@/]{3,})@",
        &["postgres", "mysql", "mariadb", "mongodb", "redis", "amqp"],
    ),
    Rule {
        id: "generic-secret-assignment",
        severity: Severity::Medium,
        what: "a password, secret, token or API key assigned in the clear",
        pattern: r#"(?i)[a-z0-9_.\-]*(?:password|passwd|secret|token|api_?key)[a-z0-9_.\-]*["']?\s*[:=]\s*["']([^"'\s]{8,})["']"#,
        keywords: &["password", "passwd", "secret", "token", "apikey", "api_key"],
        min_entropy: 3.0,
    },
    Rule {
        id: "dotenv-secret",
        severity: Severity::Medium,
        what: "a password, secret, token or key set in a .env-style line",
        pattern: r"(?m)^[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY)[A-Z0-9_]*[ \t]*=[ \t]*([^\s\x22'#$`]{8,})[ \t]*$",
        keywords: &["password", "passwd", "secret", "token", "apikey", "api_key", "private_key"],
        min_entropy: 3.0,
    },
];

const fn rule(
    id: &'static str,
    severity: Severity,
    what: &'static str,
    pattern: &'static str,
    keywords: &'static [&'static str],
) -> Rule {
    Rule { id, severity, what, pattern, keywords, min_entropy: 0.0 }
}

/// A secret found in a text: the rule, where it is (byte offsets into the text), and how it is
/// shown: redacted, with its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The rule's id.
    pub rule: &'static str,
    /// Byte offset of the rule's whole match (the secret and what names it: `password = "`).
    pub match_start: usize,
    /// Byte offset of the secret in the text.
    pub start: usize,
    /// Byte offset just past the secret.
    pub end: usize,
    /// Its first 4 characters, then `…` and its length: `ghp_…(40)`.
    pub preview: String,
    /// `sha256:` and the hex SHA-256 of the secret, to recognise and allow-list it.
    pub fingerprint: String,
}

/// Every rule compiled once: the keyword prefilter, the set that tells which rules match a text
/// in one pass, and each rule's own pattern for where.
struct Compiled {
    keywords: AhoCorasick,
    set: RegexSet,
    patterns: Vec<Regex>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        // ASCII rules (`(?-u)`): Unicode word boundaries would make the matcher leave its fast
        // engine at the first non-ASCII byte of a file.
        let sources: Vec<String> = RULES.iter().map(|rule| format!("(?-u){}", rule.pattern)).collect();
        Compiled {
            keywords: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(RULES.iter().flat_map(|rule| rule.keywords))
                .expect("the keywords build"),
            set: RegexSet::new(&sources).expect("the rules' patterns compile"),
            patterns: sources.iter().map(|source| Regex::new(source).expect("a rule's pattern compiles")).collect(),
        }
    })
}

/// The rule with this id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// Every secret in `text`, in order; a span two rules both match is reported once, by the first.
pub fn find_secrets(text: &str) -> Vec<Found> {
    find_secrets_in_bytes(text.as_bytes())
}

/// [`find_secrets`] over bytes that need not be UTF-8 (a file's content): what is not valid
/// UTF-8 is never part of a secret. A text holding none of the rules' keywords costs one pass of
/// a multi-word search.
pub fn find_secrets_in_bytes(text: &[u8]) -> Vec<Found> {
    let compiled = compiled();
    if compiled.keywords.find(text).is_none() {
        return Vec::new();
    }
    let mut found: Vec<Found> = markers_in(text);
    for index in compiled.set.matches(text).iter() {
        let rule = &RULES[index];
        let mut at = 0;
        while let Some(captures) = compiled.patterns[index].captures_at(text, at) {
            let whole = captures.get(0).expect("a match");
            let secret = captures.get(1).unwrap_or(whole);
            at = whole.end().max(whole.start() + 1);
            // A match over a secret already found (by another rule, or a marker) is dropped, and
            // the search goes on right after that secret, not after the dropped match: what it
            // swallowed could hold a secret of its own. Redacting then finds the same secrets in
            // the text around the marker, so a redacted text is redacted for good.
            let overlapped =
                found.iter().filter(|f| f.start < secret.end() && secret.start() < f.end).map(|f| f.end).max();
            if let Some(end) = overlapped {
                at = end.max(whole.start() + 1);
                continue;
            }
            let Ok(secret_text) = std::str::from_utf8(secret.as_bytes()) else { continue };
            if entropy(secret_text) < rule.min_entropy {
                continue;
            }
            found.push(Found {
                rule: rule.id,
                match_start: whole.start(),
                start: secret.start(),
                end: secret.end(),
                preview: preview(secret_text),
                fingerprint: fingerprint(secret_text),
            });
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

/// The markers in `text`, read back as the secrets they stand for.
fn markers_in(text: &[u8]) -> Vec<Found> {
    if memchr::memmem::find(text, MARKER_START.as_bytes()).is_none() {
        return Vec::new();
    }
    static MARKER: OnceLock<Regex> = OnceLock::new();
    let marker = MARKER.get_or_init(|| {
        Regex::new(r"«redacted ([a-z0-9-]+) (\S+) (sha256:[0-9a-f]{64})»").expect("the marker's pattern compiles")
    });
    marker
        .captures_iter(text)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            let rule = rule_by_id(std::str::from_utf8(&captures[1]).ok()?)?;
            Some(Found {
                rule: rule.id,
                match_start: whole.start(),
                start: whole.start(),
                end: whole.end(),
                preview: String::from_utf8_lossy(&captures[2]).into_owned(),
                fingerprint: String::from_utf8_lossy(&captures[3]).into_owned(),
            })
        })
        .collect()
}

/// Its first 4 characters, then `…` and its length in characters: `AKIA…(20)`.
pub fn preview(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…({})", secret.chars().count())
}

/// `sha256:` and the hex SHA-256 of `secret`.
pub fn fingerprint(secret: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(secret.as_bytes())))
}

/// Shannon entropy of `text`, in bits per character.
fn entropy(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in text.chars() {
        *counts.entry(c).or_insert(0u32) += 1;
    }
    let total = text.chars().count() as f64;
    counts.values().map(|&n| f64::from(n) / total).map(|p| -p * p.log2()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules found in `text`, in order.
    fn rules_in(text: &str) -> Vec<&'static str> {
        find_secrets(text).into_iter().map(|f| f.rule).collect()
    }

    // Test secrets are assembled from parts, so no whole one sits in the source for a scanner
    // (or a reader) to mistake for a leak.
    fn token(prefix: &str, body: &str, repeat: usize) -> String {
        format!("{prefix}{}", body.repeat(repeat))
    }

    #[test]
    fn each_rule_finds_its_secret_and_not_its_near_miss() {
        let cases: Vec<(&str, String, String)> = vec![
            ("aws-access-key-id", token("AKIA", "Q3EXAMPLE7", 1) + "ABCDEF", "AKIA-not-a-key-at-all".into()),
            (
                "aws-secret-access-key",
                format!("aws_secret_access_key = {}", token("", "wJalrXUtnF", 4)),
                "aws_secret_access_key = ${AWS_SECRET}".into(),
            ),
            ("github-token", token("ghp_", "a1B2c3D4e5F6", 3), token("ghp_", "a1B2", 3)),
            ("github-fine-grained-token", token("github_pat_", "11ABCDEFG0", 8) + "ab", "github_pat_short".into()),
            ("gitlab-token", token("glpat-", "x1Y2z3W4v5", 2), "glpat-tooshort".into()),
            ("slack-token", token("xoxb-", "1234567890-", 3), "xoxz-1234567890".into()),
            (
                "slack-webhook",
                format!("https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/{}", "a1B2c3D4e5F6".repeat(2)),
                "https://hooks.slack.com/services/T0ABC/".into(),
            ),
            (
                "stripe-key",
                token("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc", 1),
                token("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc", 1),
            ),
            ("google-api-key", format!("AIza{}", &"SyA1b2C3d4E5f6G7h8".repeat(2)[..35]), "AIzaShort".into()),
            (
                "google-service-account",
                format!(r#"{{"type": "service_account", "private_key_id": "{}"}}"#, "0123456789abcdef0123".repeat(2)),
                r#"{"private_key_id": "not-hex"}"#.into(),
            ),
            (
                "private-key",
                format!("-----BEGIN {}PRIVATE KEY-----\nMIIE", "RSA "),
                "-----BEGIN PUBLIC KEY-----".into(),
            ),
            ("putty-private-key", "PuTTY-User-Key-File-3: ssh-ed25519".into(), "PuTTY-User-Key-File: none".into()),
            ("npm-token", token("npm_", "A1b2C3d4E5f6", 3), token("npm_", "A1b2", 3)),
            (
                "npmrc-auth",
                format!("//registry.npmjs.org/:_authToken={}", "a1b2c3d4-e5f6"),
                "//registry.npmjs.org/:_authToken=${NPM_TOKEN}".into(),
            ),
            ("pypi-token", token("pypi-AgEIcHlwaS5vcmc", "CJGFkZDU1ZjE2", 5), "pypi-AgEIshort".into()),
            (
                "docker-config-auth",
                format!(r#"{{"auths": {{"registry.example": {{"auth": "{}"}}}}}}"#, "dXNlcjpwYXNzd29yZA=="),
                r#"{"auths": {"registry.example": {}}}"#.into(),
            ),
            (
                "kubeconfig-credential",
                format!("users:\n- name: me\n  user:\n    token: {}\n", "eyJhbGciOiJSUzI1NiIs"),
                "users:\n- name: me\n  user:\n    token: short\n".into(),
            ),
            (
                "jwt",
                format!(
                    "Bearer eyJ{}.eyJ{}.{}",
                    "hbGciOiJIUzI1NiJ9", "zdWIiOiIxMjM0NTY3ODkwIn0", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
                ),
                "eyJhbGci.notatoken".into(),
            ),
            (
                "database-url-password",
                format!("DATABASE_URL=postgres://app:{}@db:5432/app", "s3cr3t-Pa55"),
                "DATABASE_URL=postgres://app@db:5432/app".into(),
            ),
            (
                "generic-secret-assignment",
                format!(r#"db_password = "{}""#, "Xk9#mQ2$vL7pW4"),
                r#"db_password = "changeme""#.into(),
            ),
            (
                "dotenv-secret",
                format!("export STRIPE_SECRET={}\n", "Xk9mQ2vL7pW4z"),
                "DB_PASSWORD=${DB_PASSWORD}\n".into(),
            ),
        ];
        for (rule, hit, miss) in &cases {
            assert_eq!(rules_in(hit), [*rule], "{rule} finds {hit:?}");
            assert!(!rules_in(miss).contains(rule), "{rule} leaves {miss:?}");
        }
        let covered: Vec<&str> = cases.iter().map(|c| c.0).collect();
        let all: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(covered, all, "every rule has its case");
    }

    #[test]
    fn a_secret_is_never_kept_whole() {
        let key = token("ghp_", "a1B2c3D4e5F6", 3);
        let found = &find_secrets(&format!("GITHUB_TOKEN={key}"))[0];
        assert_eq!(found.preview, "ghp_…(40)");
        assert!(!found.preview.contains(&key[4..]) && !found.fingerprint.contains(&key));
        assert_eq!(found.fingerprint, fingerprint(&key), "the same secret, the same fingerprint");
        assert_eq!((found.start, found.end), (13, 13 + 40));
    }

    #[test]
    fn the_rules_take_linear_time_on_hostile_input() {
        // Long runs that almost match several rules: a backtracking engine would take minutes.
        let hostile = format!("password={} {}", "a".repeat(200_000), "eyJ".repeat(100_000));
        let started = std::time::Instant::now();
        let _ = find_secrets(&hostile);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }
}
