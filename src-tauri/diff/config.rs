//! What changed in the image config: environment, command, entrypoint, user, working directory,
//! exposed ports, volumes, labels, healthcheck, OS and architecture. Maps (environment, labels)
//! and sets (ports, volumes) are compared key by key, so a changed variable reads as one change.

use serde::Serialize;
use serde_json::Value;

/// One config field that differs; `before`/`after` are JSON `null` where the field is absent.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ConfigChange {
    /// `cmd`, `user`, `env.PATH`, `labels.org.opencontainers.image.version`, `exposed_ports.80/tcp`…
    pub field: String,
    /// The field's value in the first image; `null` where it is absent.
    pub before: Value,
    /// The field's value in the second image; `null` where it is absent.
    pub after: Value,
}

/// Compares two image configs (the JSON documents, with their `config` section).
pub fn diff_config(before: &Value, after: &Value) -> Vec<ConfigChange> {
    let mut changes = Vec::new();
    let (a, b) = (&before["config"], &after["config"]);
    for (field, key) in [
        ("cmd", "Cmd"),
        ("entrypoint", "Entrypoint"),
        ("user", "User"),
        ("workdir", "WorkingDir"),
        ("healthcheck", "Healthcheck"),
        ("stop_signal", "StopSignal"),
    ] {
        compare_value(&mut changes, field, blank_as_null(&a[key]), blank_as_null(&b[key]));
    }
    for (field, key) in [("os", "os"), ("architecture", "architecture"), ("variant", "variant")] {
        compare_value(&mut changes, field, blank_as_null(&before[key]), blank_as_null(&after[key]));
    }
    compare_map(&mut changes, "env", &env_map(&a["Env"]), &env_map(&b["Env"]));
    compare_map(&mut changes, "labels", &object_map(&a["Labels"]), &object_map(&b["Labels"]));
    compare_map(&mut changes, "exposed_ports", &object_map(&a["ExposedPorts"]), &object_map(&b["ExposedPorts"]));
    compare_map(&mut changes, "volumes", &object_map(&a["Volumes"]), &object_map(&b["Volumes"]));
    changes
}

fn blank_as_null(value: &Value) -> Value {
    match value {
        Value::String(text) if text.is_empty() => Value::Null,
        Value::Array(items) if items.is_empty() => Value::Null,
        other => other.clone(),
    }
}

fn compare_value(changes: &mut Vec<ConfigChange>, field: &str, before: Value, after: Value) {
    if before != after {
        changes.push(ConfigChange { field: field.to_string(), before, after });
    }
}

type Map = std::collections::BTreeMap<String, Value>;

/// `["PATH=/bin", "A=1"]` as a map from name to value.
fn env_map(env: &Value) -> Map {
    env.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name.to_string(), Value::String(value.to_string())),
            None => (pair.to_string(), Value::String(String::new())),
        })
        .collect()
}

fn object_map(object: &Value) -> Map {
    object.as_object().map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

fn compare_map(changes: &mut Vec<ConfigChange>, prefix: &str, before: &Map, after: &Map) {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (a, b) = (before.get(key).cloned().unwrap_or(Value::Null), after.get(key).cloned().unwrap_or(Value::Null));
        compare_value(changes, &format!("{prefix}.{key}"), a, b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_maps_and_sets_are_compared_key_by_key() {
        let before = json!({"os": "linux", "architecture": "amd64", "config": {
            "Env": ["PATH=/bin", "MODE=dev"], "Cmd": ["sh"], "User": "",
            "ExposedPorts": {"80/tcp": {}}, "Labels": {"version": "1"}}});
        let after = json!({"os": "linux", "architecture": "arm64", "config": {
            "Env": ["PATH=/bin", "MODE=prod", "NEW=1"], "Cmd": ["sh"], "User": "app",
            "ExposedPorts": {"443/tcp": {}}, "Labels": {"version": "2"}, "WorkingDir": "/app"}});
        let fields: Vec<String> = diff_config(&before, &after).iter().map(|c| c.field.clone()).collect();
        assert_eq!(
            fields,
            [
                "user",
                "workdir",
                "architecture",
                "env.MODE",
                "env.NEW",
                "labels.version",
                "exposed_ports.443/tcp",
                "exposed_ports.80/tcp"
            ]
        );
        let env = diff_config(&before, &after).into_iter().find(|c| c.field == "env.NEW").unwrap();
        assert_eq!((env.before, env.after), (Value::Null, json!("1")));
        assert!(diff_config(&before, &before).is_empty());
    }
}
