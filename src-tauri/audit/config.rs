//! The audit of an image's config: secrets in its environment, labels, history (a build argument
//! used in a `RUN` is written there in the clear), command, entrypoint and healthcheck; and the
//! risky settings it declares — root as the user, no healthcheck, a URL fetched by `ADD`, a
//! variable whose name says it holds a secret, SSH's port exposed.

use serde_json::Value;

use super::{Finding, Kind, Place, Severity};
use crate::secrets::{find_secrets, rule_by_id};

/// Every finding in `config` (the image config document, with its `config` and `history`).
pub fn audit_config(config: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    let settings = &config["config"];
    for pair in strings(&settings["Env"]) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let secrets = secrets_in(value, Place::Env, &format!("env.{key}"), None);
        if secrets.is_empty() && secret_looking_key(key) && !value.is_empty() && !value.starts_with('$') {
            findings.push(setting(
                "secret-env-key",
                Severity::Medium,
                Place::Env,
                &format!("env.{key}"),
                &format!("{key} is named like a secret and set in the image: anyone who pulls it can read it"),
            ));
        }
        findings.extend(secrets);
    }
    if let Some(labels) = settings["Labels"].as_object() {
        for (key, value) in labels {
            findings.extend(secrets_in(value.as_str().unwrap_or(""), Place::Label, &format!("labels.{key}"), None));
        }
    }
    findings.extend(history_findings(config));
    for (key, field) in [("cmd", "Cmd"), ("entrypoint", "Entrypoint")] {
        findings.extend(secrets_in(&strings(&settings[field]).join(" "), Place::Config, key, None));
    }
    findings.extend(secrets_in(
        &strings(&settings["Healthcheck"]["Test"]).join(" "),
        Place::Config,
        "healthcheck",
        None,
    ));
    findings.extend(settings_findings(settings));
    findings
}

/// Secrets in each history step, with the layer the step made (or, for a step that made none, the
/// layer it ran on); a URL fetched by `ADD`.
fn history_findings(config: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut layers_so_far = 0usize;
    for (index, step) in config["history"].as_array().into_iter().flatten().enumerate() {
        let made_layer = !step["empty_layer"].as_bool().unwrap_or(false);
        if made_layer {
            layers_so_far += 1;
        }
        let layer = layers_so_far.checked_sub(1);
        let command = step["created_by"].as_str().unwrap_or("");
        let key = format!("history.{index}");
        findings.extend(secrets_in(command, Place::History, &key, layer));
        if fetches_a_url(command) {
            let mut found = setting(
                "add-url",
                Severity::Medium,
                Place::History,
                &key,
                "ADD fetches a URL: what it gets is not checked against a digest and can change between builds; download with a checksum in a RUN, or COPY a file you checked",
            );
            found.layer_added = layer;
            findings.push(found);
        }
    }
    findings
}

/// Root as the user, no healthcheck, SSH's port.
fn settings_findings(settings: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    let user = settings["User"].as_str().unwrap_or("").trim();
    let name = user.split(':').next().unwrap_or("");
    if name.is_empty() || name == "0" || name == "root" {
        let shown = if user.is_empty() { "no USER is set" } else { "USER is root" };
        findings.push(setting(
            "runs-as-root",
            Severity::Medium,
            Place::Config,
            "user",
            &format!("The image runs as root ({shown}): add a USER with an unprivileged id"),
        ));
    }
    let healthcheck = strings(&settings["Healthcheck"]["Test"]);
    if healthcheck.is_empty() || healthcheck == ["NONE"] {
        findings.push(setting(
            "no-healthcheck",
            Severity::Low,
            Place::Config,
            "healthcheck",
            "No HEALTHCHECK: the daemon cannot tell a hung container from a healthy one",
        ));
    }
    if settings["ExposedPorts"].as_object().is_some_and(|ports| ports.contains_key("22/tcp")) {
        findings.push(setting(
            "ssh-port-exposed",
            Severity::Medium,
            Place::Config,
            "exposed_ports.22/tcp",
            "Port 22 (SSH) is exposed: use `docker exec` to get into a container instead of an SSH server",
        ));
    }
    findings
}

/// The secrets in `text`, as findings at `place` / `path`.
fn secrets_in(text: &str, place: Place, path: &str, layer: Option<usize>) -> Vec<Finding> {
    find_secrets(text)
        .into_iter()
        .map(|found| {
            let rule = rule_by_id(found.rule).expect("found by a known rule");
            let mut finding = Finding::secret(rule, place, path, found.preview, found.fingerprint);
            finding.layer_added = layer;
            finding
        })
        .collect()
}

fn setting(rule: &str, severity: Severity, place: Place, path: &str, message: &str) -> Finding {
    Finding::new(rule, Kind::Setting, severity, place, path, message)
}

/// `*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `*_KEY` and their kin.
fn secret_looking_key(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    ["PASSWORD", "PASSWD", "TOKEN", "SECRET", "_KEY", "APIKEY", "CREDENTIALS"].iter().any(|word| key.contains(word))
        || key == "KEY"
}

/// Whether a history step is an `ADD` of a URL (the classic builder's `#(nop) ADD` or BuildKit's).
fn fetches_a_url(command: &str) -> bool {
    let command = command.split("#(nop)").last().unwrap_or(command).trim_start();
    command.strip_prefix("ADD ").is_some_and(|rest| {
        rest.split_whitespace().any(|word| word.starts_with("http://") || word.starts_with("https://"))
    })
}

/// A string, or each string of a list.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(findings: &[Finding]) -> Vec<(&str, &str)> {
        findings.iter().map(|f| (f.rule.as_str(), f.path.as_str())).collect()
    }

    #[test]
    fn secrets_in_env_labels_history_and_command_are_found_with_their_layer() {
        let token = format!("ghp_{}", "a1B2c3D4e5F6".repeat(3));
        let database = format!("postgres://app:{}@db/app", "Pa55-w0rd");
        let config = json!({
            "config": {
                "User": "app",
                "Env": ["PATH=/usr/bin", format!("API_TOKEN={token}"), "DB_PASSWORD=hunter2x", "SIGNING_KEY=${KEY}"],
                "Labels": {"deploy": database},
                "Healthcheck": {"Test": ["CMD", "/bin/true"]},
                "Cmd": ["/app"],
            },
            "history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
                {"created_by": "/bin/sh -c #(nop)  ENV API_TOKEN=x", "empty_layer": true},
                {"created_by": format!("|1 NPM_TOKEN={} /bin/sh -c npm ci", format!("npm_{}", "A1b2C3d4E5f6".repeat(3)))},
                {"created_by": "ADD https://example.com/tool.tgz /opt/ # buildkit"},
            ],
        });
        let findings = audit_config(&config);
        assert_eq!(
            rules(&findings),
            [
                ("github-token", "env.API_TOKEN"),
                ("secret-env-key", "env.DB_PASSWORD"),
                ("database-url-password", "labels.deploy"),
                ("npm-token", "history.2"),
                ("add-url", "history.3"),
            ]
        );
        assert_eq!(findings[3].layer_added, Some(1), "the RUN made the second layer");
        assert_eq!(findings[4].layer_added, Some(2));
        let json = serde_json::to_string(&findings).unwrap();
        assert!(!json.contains(&token) && !json.contains("Pa55-w0rd") && !json.contains("hunter2x"), "{json}");
        assert!(json.contains("\"where\":\"env\"") && json.contains("ghp_…(40)"), "{json}");
    }

    #[test]
    fn root_no_healthcheck_and_ssh_are_risky_settings() {
        let findings = audit_config(&json!({"config": {"User": "0:0", "ExposedPorts": {"22/tcp": {}}}}));
        assert_eq!(
            rules(&findings),
            [("runs-as-root", "user"), ("no-healthcheck", "healthcheck"), ("ssh-port-exposed", "exposed_ports.22/tcp")]
        );
        let fine = json!({"config": {"User": "1000", "Healthcheck": {"Test": ["CMD-SHELL", "curl -f localhost"]}}});
        assert!(audit_config(&fine).is_empty());
    }
}
