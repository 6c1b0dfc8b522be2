//! Secrets in an image's config (an `ENV`, a `LABEL`, a build argument in the history) replaced,
//! as soon as the config is read, by a marker that names the rule, the preview and the
//! fingerprint: `«redacted github-token ghp_…(40) sha256:…»`. Whatever keeps or shows the config
//! afterwards — the index cache, the Diff screen, the CLI — never holds the secret, and the audit
//! still finds it: [`super::find_secrets`] reads a marker as the secret it stands for (the
//! marker's form is the rules' own, in [`super::rules`]).

use serde_json::Value;

use super::rules::{find_secrets, Found, MARKER_START};

/// `text` with every secret replaced by its marker; `None` when it holds none.
pub fn redact(text: &str) -> Option<String> {
    let found: Vec<Found> = find_secrets(text).into_iter().filter(|f| !is_marker(text, f)).collect();
    if found.is_empty() {
        return None;
    }
    let mut redacted = String::with_capacity(text.len());
    let mut at = 0;
    for secret in found {
        redacted.push_str(&text[at..secret.start]);
        redacted.push_str(&format!("{MARKER_START}{} {} {}»", secret.rule, secret.preview, secret.fingerprint));
        at = secret.end;
    }
    redacted.push_str(&text[at..]);
    Some(redacted)
}

/// Redacts every string in a JSON document (keys are left as they are).
pub fn redact_json(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Some(redacted) = redact(text) {
                *text = redacted;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::Object(fields) => fields.values_mut().for_each(redact_json),
        _ => {}
    }
}

fn is_marker(text: &str, found: &Found) -> bool {
    text.as_bytes()[found.start..].starts_with(MARKER_START.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_dropped_over_another_secret_hides_no_secret_after_it() {
        // Found by the fuzzer: a generic assignment overlapping a database URL's password was
        // dropped, and the token after it was never looked at — until the password was redacted.
        let text = "\x00\x00\x00\x00\x00\x00\x00\npostgres://u:\x07GIB_TOKEN='hIT\x07GIB_GIB_TOKEN='hIT6a1B2c3\"Xk1BHUB_2c3DTHUB_TOKEN='p[a06\x7f\x00rd@hhIT6$TOKEN='hIT6a1B2c3\"Xk1BHUB_2c3DTHUB_TOKEN='p[a06\x7f\x00rd@hhIT6$$$6a0$$$";
        let found = find_secrets(text);
        assert_eq!(
            found.iter().map(|f| f.rule).collect::<Vec<_>>(),
            ["database-url-password", "generic-secret-assignment"]
        );
        let redacted = redact(text).unwrap();
        assert_eq!(redact(&redacted), None, "redacted for good");
    }

    #[test]
    fn a_redacted_secret_is_gone_yet_found_again_with_its_fingerprint() {
        let token = format!("ghp_{}", "a1B2c3D4e5F6".repeat(3));
        let text = format!("API_TOKEN={token} MODE=prod");
        let redacted = redact(&text).unwrap();
        assert!(!redacted.contains(&token));
        assert!(redacted.starts_with("API_TOKEN=«redacted github-token ghp_…(40) sha256:"), "{redacted}");
        assert!(redacted.ends_with("» MODE=prod"));
        let again = find_secrets(&redacted);
        let first = find_secrets(&text);
        assert_eq!(again.len(), 1, "{again:?}");
        assert_eq!(
            (again[0].rule, &again[0].preview, &again[0].fingerprint),
            (first[0].rule, &first[0].preview, &first[0].fingerprint)
        );
        assert_eq!(redact(&redacted), None, "a marker is not redacted again");
        assert_eq!(redact("PATH=/bin"), None);
    }

    #[test]
    fn every_string_of_a_config_is_redacted() {
        let password = format!("{}-{}", "Tr0ub4dor", "x9Q");
        let mut config = serde_json::json!({
            "config": {"Env": [format!("DATABASE_URL=postgres://app:{password}@db/app")], "Labels": {"a": "b"}},
            "history": [{"created_by": format!("RUN echo mysql://u:{password}@h/d")}],
        });
        redact_json(&mut config);
        let text = config.to_string();
        assert!(!text.contains(&password), "{text}");
        assert_eq!(text.matches("«redacted database-url-password").count(), 2);
    }
}
