//! compose's own watch rules for a project: the `develop.watch` section (compose specification's
//! *develop*) of the service in the project's `compose.yaml` (or `compose.yml`,
//! `docker-compose.yml`, `docker-compose.yaml`) that is built from the project's folder, read into
//! [`SyncRule`]s, so a project set up for `docker compose watch` works in Strata unchanged.

use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

use super::sync_rules::{shell_words, SyncAction, SyncRule};

/// The names compose looks for, in its order.
pub const COMPOSE_FILES: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];

/// The watch rules a compose file gives the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeWatch {
    /// The compose file.
    pub file: PathBuf,
    /// The service built from the project's folder.
    pub service: String,
    /// Its `develop.watch` rules, paths made relative to the project folder.
    pub rules: Vec<SyncRule>,
}

/// Why a compose file gives no rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// Not YAML, or not compose's shape.
    #[error("{file} line {line}: {message}")]
    Unparsable {
        /// The compose file.
        file: String,
        /// Where, from 1 (0 when the parser gives no place).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Its watch rules belong to services built from other folders.
    #[error("{file}: the services with watch rules ({services}) are not built from {folder}")]
    NotThisProject {
        /// The compose file.
        file: String,
        /// Those services.
        services: String,
        /// The project's context folder.
        folder: String,
    },
    /// It could not be read.
    #[error("{file} could not be read: {reason}")]
    Unreadable {
        /// The compose file.
        file: String,
        /// The system's reason.
        reason: String,
    },
}

/// The rules of the compose file in `folder` for the service built from `context`: `None` when
/// there is no compose file, or no service has watch rules.
pub fn read(folder: &Path, context: &Path) -> Result<Option<ComposeWatch>, ComposeError> {
    let Some(file) = COMPOSE_FILES.iter().map(|name| folder.join(name)).find(|path| path.is_file()) else {
        return Ok(None);
    };
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(&file)
        .map_err(|error| ComposeError::Unreadable { file: shown.clone(), reason: error.to_string() })?;
    let unparsable = |line: usize, message: String| ComposeError::Unparsable { file: shown.clone(), line, message };
    let document: Value = serde_yaml_ng::from_str(&text)
        .map_err(|error| unparsable(error.location().map_or(0, |at| at.line()), error.to_string()))?;
    let Some(services) = document.get("services").and_then(Value::as_mapping) else { return Ok(None) };
    let context = dunce::canonicalize(context).unwrap_or_else(|_| context.to_path_buf());
    let mut others = Vec::new();
    for (name, service) in services {
        let name = name.as_str().unwrap_or_default().to_string();
        let Some(watch) = service.get("develop").and_then(|develop| develop.get("watch")) else { continue };
        if built_from(service, folder).as_deref() != Some(context.as_path()) {
            others.push(name);
            continue;
        }
        let Some(entries) = watch.as_sequence() else {
            return Err(unparsable(line_of(&text, "watch"), format!("service {name}: develop.watch must be a list")));
        };
        let rules = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                rule(entry, folder).map_err(|why| {
                    unparsable(line_of(&text, "watch"), format!("service {name}, watch rule {}: {why}", index + 1))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(ComposeWatch { file, service: name, rules }));
    }
    match others.is_empty() {
        true => Ok(None),
        false => Err(ComposeError::NotThisProject {
            file: shown,
            services: others.join(", "),
            folder: context.display().to_string(),
        }),
    }
}

/// The folder a service is built from: `build: DIR` or `build: {context: DIR}` (default `.`),
/// relative to the compose file's folder.
fn built_from(service: &Value, folder: &Path) -> Option<PathBuf> {
    let build = service.get("build")?;
    let context = match build {
        Value::String(context) => context.as_str(),
        Value::Mapping(_) => build.get("context").and_then(Value::as_str).unwrap_or("."),
        _ => return None,
    };
    let path = folder.join(context);
    Some(dunce::canonicalize(&path).unwrap_or(path))
}

/// One `develop.watch` entry as a rule.
fn rule(entry: &Value, folder: &Path) -> Result<SyncRule, String> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
    let action = match text("action").as_deref() {
        Some("sync") => SyncAction::Sync,
        Some("sync+restart") => SyncAction::SyncRestart,
        Some("sync+exec") => SyncAction::SyncExec,
        Some("rebuild") => SyncAction::Rebuild,
        Some(other) => return Err(format!("unknown action {other:?} (sync, sync+restart, sync+exec, rebuild)")),
        None => return Err("no action".into()),
    };
    let path = text("path").ok_or("no path")?;
    let path = match Path::new(&path).strip_prefix(folder) {
        Ok(inside) => inside.to_string_lossy().replace('\\', "/"),
        Err(_) => path,
    };
    let ignore = match entry.get("ignore") {
        None => Vec::new(),
        Some(Value::Sequence(patterns)) => patterns.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        Some(_) => return Err("ignore must be a list of patterns".into()),
    };
    let exec = match entry.get("exec").and_then(|exec| exec.get("command")) {
        None => None,
        // Split as a shell splits it (`sh -c "kill -HUP 1"` is three words), as compose does.
        Some(Value::String(command)) => Some(shell_words(command).map_err(|_| "exec.command has an unclosed quote")?),
        Some(Value::Sequence(words)) => Some(words.iter().filter_map(Value::as_str).map(str::to_string).collect()),
        Some(_) => return Err("exec.command must be a string or a list".into()),
    };
    let initial_sync = entry.get("initial_sync").and_then(Value::as_bool).unwrap_or(false);
    Ok(SyncRule {
        action,
        path: if path.is_empty() { ".".into() } else { path },
        target: text("target"),
        ignore,
        exec,
        initial_sync,
    })
}

/// The first line (from 1) holding `word`, to point at; 0 when none does.
fn line_of(text: &str, word: &str) -> usize {
    text.lines().position(|line| line.contains(word)).map_or(0, |index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPOSE: &str = "services:
  db:
    image: postgres:16
  web:
    build:
      context: .
    develop:
      watch:
        - action: sync
          path: ./src
          target: /app/src
          ignore:
            - node_modules/
        - action: sync+restart
          path: ./nginx.conf
          target: /etc/nginx/nginx.conf
        - action: sync+exec
          path: ./static
          target: /srv/static
          exec:
            command: sh -c \"kill -HUP 1\"
        - action: rebuild
          path: package.json
          initial_sync: true
";

    fn folder_with(file: &str, text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(file), text).unwrap();
        dir
    }

    #[test]
    fn the_projects_service_rules_are_read_in_order() {
        let dir = folder_with("compose.yaml", COMPOSE);
        let watch = read(dir.path(), dir.path()).unwrap().unwrap();
        assert_eq!(watch.service, "web");
        let summary: Vec<(SyncAction, &str, Option<&str>)> =
            watch.rules.iter().map(|r| (r.action, r.path.as_str(), r.target.as_deref())).collect();
        assert_eq!(
            summary,
            [
                (SyncAction::Sync, "./src", Some("/app/src")),
                (SyncAction::SyncRestart, "./nginx.conf", Some("/etc/nginx/nginx.conf")),
                (SyncAction::SyncExec, "./static", Some("/srv/static")),
                (SyncAction::Rebuild, "package.json", None),
            ]
        );
        assert_eq!(watch.rules[0].ignore, ["node_modules/"]);
        assert_eq!(watch.rules[2].exec.as_deref(), Some(&["sh".to_string(), "-c".into(), "kill -HUP 1".into()][..]));
        assert!(watch.rules[3].initial_sync);
        super::super::sync_rules::SyncRules::new(&watch.rules).expect("rules that work together");
    }

    #[test]
    fn no_compose_file_or_no_watch_gives_no_rules() {
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(read(empty.path(), empty.path()).unwrap(), None);
        let plain = folder_with("docker-compose.yml", "services:\n  web:\n    build: .\n");
        assert_eq!(read(plain.path(), plain.path()).unwrap(), None);
    }

    #[test]
    fn a_file_that_does_not_parse_is_named_with_its_line() {
        let dir = folder_with("compose.yaml", "services:\n  web:\n    build: .\n   develop: [\n");
        let error = read(dir.path(), dir.path()).unwrap_err();
        assert!(matches!(&error, ComposeError::Unparsable { line: 4, .. }), "{error}");
        assert!(error.to_string().contains("compose.yaml line 4:"), "{error}");
        let dir = folder_with("compose.yaml", &COMPOSE.replace("action: sync+restart", "action: restart"));
        let error = read(dir.path(), dir.path()).unwrap_err().to_string();
        assert!(error.contains("service web, watch rule 2: unknown action \"restart\""), "{error}");
    }

    #[test]
    fn rules_of_a_service_built_elsewhere_are_not_this_projects() {
        let dir = folder_with("compose.yaml", &COMPOSE.replace("context: .", "context: ./other"));
        std::fs::create_dir(dir.path().join("other")).unwrap();
        let error = read(dir.path(), dir.path()).unwrap_err().to_string();
        assert!(error.contains("the services with watch rules (web) are not built from"), "{error}");
    }
}
