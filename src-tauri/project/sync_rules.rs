//! What an edit to a project folder should do: copy the file into the running container (and
//! maybe restart it, or run a command in it), or rebuild the image. Rules as compose's
//! `develop.watch` writes them (read from a compose file by [`super::compose_watch`], or saved with
//! the project), applied as compose applies them: each rule takes the changed files under its
//! `path` that its `ignore` patterns (`.dockerignore` syntax, relative to the rule's path) leave;
//! a file under a `rebuild` rule, or under no rule, rebuilds.

use serde::{Deserialize, Serialize};

use super::ignore::{clean, IgnoreRules};

/// What a rule does with the files it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub enum SyncAction {
    /// Copy them into the container.
    #[serde(rename = "sync")]
    Sync,
    /// Copy them, then restart the container.
    #[serde(rename = "sync+restart")]
    SyncRestart,
    /// Copy them, then run the rule's command in the container.
    #[serde(rename = "sync+exec")]
    SyncExec,
    /// Rebuild the image (the whole pipeline).
    #[serde(rename = "rebuild")]
    Rebuild,
}

/// One rule: a folder (or file) of the project and what its edits do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncRule {
    /// What to do.
    pub action: SyncAction,
    /// The folder or file watched, relative to the project folder, `/`-separated (`src`, `.`).
    pub path: String,
    /// Where `path` goes in the container (`/app/src`); needed by every action but `rebuild`.
    #[serde(default)]
    pub target: Option<String>,
    /// Patterns (`.dockerignore` syntax) relative to `path` whose files the rule leaves alone.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// For `sync+exec`: the command run in the container after the copy — its words, or (as
    /// the window sends it) one line split as a shell splits it.
    #[serde(default, deserialize_with = "command_words")]
    #[ts(type = "string[] | string | null")]
    pub exec: Option<Vec<String>>,
    /// Copy everything under `path` once when watching starts, not only what changes.
    #[serde(default)]
    pub initial_sync: bool,
}

/// A command given as its words, or as one line split as a shell splits it (blank: none).
fn command_words<'de, D: serde::Deserializer<'de>>(input: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Command {
        Line(String),
        Words(Vec<String>),
    }
    match Option::<Command>::deserialize(input)? {
        None => Ok(None),
        Some(Command::Words(words)) => Ok(Some(words)),
        Some(Command::Line(line)) if line.trim().is_empty() => Ok(None),
        Some(Command::Line(line)) => shell_words(&line).map(Some).map_err(serde::de::Error::custom),
    }
}

/// `nginx -s "reload now"` as its words, split as a shell splits them.
pub fn shell_words(line: &str) -> Result<Vec<String>, &'static str> {
    shlex::split(line).ok_or("the command has an unclosed quote")
}

/// Files one rule copies: each as its path in the project and its path in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncBatch {
    /// The rule's index in the list.
    pub rule: usize,
    /// (path relative to the project folder, absolute path in the container).
    pub files: Vec<(String, String)>,
}

/// What a burst of edits should do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Routing {
    /// The copies, one batch per rule that took files, in the rules' order.
    pub batches: Vec<SyncBatch>,
    /// Why the image must be rebuilt instead (`package.json changed`), if it must.
    pub rebuild: Option<String>,
    /// Files every rule that covers them ignores: nothing happens for them.
    pub ignored: Vec<String>,
}

/// A rule whose fields do not work together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("watch rule {index} ({path}): {why}")]
pub struct RuleError {
    /// The rule's place in the list, from 1.
    pub index: usize,
    /// Its path.
    pub path: String,
    /// What is wrong.
    pub why: String,
}

/// Rules checked and their ignore patterns compiled, ready to route edits.
#[derive(Debug, Clone, Default)]
pub struct SyncRules {
    rules: Vec<(SyncRule, String, IgnoreRules)>,
}

impl SyncRules {
    /// Checks `rules`: a sync needs an absolute target, `sync+exec` a command, and every pattern
    /// must be one `docker build` would take.
    pub fn new(rules: &[SyncRule]) -> Result<SyncRules, RuleError> {
        let mut checked = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let fail = |why: &str| RuleError { index: index + 1, path: rule.path.clone(), why: why.into() };
            let path = clean(rule.path.trim_start_matches("./"));
            if path.starts_with("../") || path == ".." || path.starts_with('/') {
                return Err(fail("the path must be inside the project folder"));
            }
            if rule.action != SyncAction::Rebuild && !rule.target.as_deref().is_some_and(|t| t.starts_with('/')) {
                return Err(fail("a sync needs a target: an absolute path in the container"));
            }
            if rule.action == SyncAction::SyncExec && rule.exec.as_ref().is_none_or(|command| command.is_empty()) {
                return Err(fail("sync+exec needs a command to run"));
            }
            let ignore = IgnoreRules::parse(&rule.ignore.join("\n"), "the rule's ignore list")
                .map_err(|error| fail(&error.to_string()))?;
            checked.push((rule.clone(), path, ignore));
        }
        Ok(SyncRules { rules: checked })
    }

    /// The rule at `index`.
    pub fn rule(&self, index: usize) -> &SyncRule {
        &self.rules[index].0
    }

    /// Whether rule `index` takes `file` (relative to the project folder): it is under the rule's
    /// path and not in its ignore list. A new folder's files are copied only where this says so.
    pub fn takes(&self, index: usize, file: &str) -> bool {
        let (_, path, ignore) = &self.rules[index];
        relative_to(&clean(file), path).is_some_and(|inside| inside.is_empty() || !ignore.is_excluded(&inside))
    }

    /// The rules to run when watching starts (`initial_sync`): each copies its whole path.
    pub fn initial_batches(&self) -> Vec<SyncBatch> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, (rule, _, _))| rule.initial_sync && rule.action != SyncAction::Rebuild)
            .filter_map(|(index, (rule, path, _))| {
                let target = rule.target.clone()?;
                Some(SyncBatch { rule: index, files: vec![(path.clone(), target)] })
            })
            .collect()
    }

    /// What the edits to `changed` (paths relative to the project folder, `/`-separated) do.
    pub fn route(&self, changed: &[String]) -> Routing {
        let mut routing = Routing::default();
        let mut batches: Vec<Vec<(String, String)>> = vec![Vec::new(); self.rules.len()];
        for file in changed {
            let file = clean(file);
            let mut covered = false;
            let mut taken = false;
            for (index, (rule, path, ignore)) in self.rules.iter().enumerate() {
                let Some(inside) = relative_to(&file, path) else { continue };
                covered = true;
                if !inside.is_empty() && ignore.is_excluded(&inside) {
                    continue;
                }
                taken = true;
                match (rule.action, &rule.target) {
                    (SyncAction::Rebuild, _) => {
                        routing.rebuild.get_or_insert_with(|| format!("{file} changed"));
                    }
                    (_, Some(target)) => batches[index].push((file.clone(), container_path(target, &inside))),
                    (_, None) => {}
                }
            }
            if !covered {
                routing.rebuild.get_or_insert_with(|| format!("{file} changed (no watch rule covers it)"));
            } else if !taken {
                routing.ignored.push(file);
            }
        }
        routing.batches = batches
            .into_iter()
            .enumerate()
            .filter(|(_, files)| !files.is_empty())
            .map(|(rule, files)| SyncBatch { rule, files })
            .collect();
        routing
    }
}

/// `file` relative to the rule's `path` (empty when it is the path itself), or `None` when the
/// rule does not cover it.
fn relative_to(file: &str, path: &str) -> Option<String> {
    if path == "." {
        return Some(file.to_string());
    }
    if file == path {
        return Some(String::new());
    }
    file.strip_prefix(path)?.strip_prefix('/').map(str::to_string)
}

/// Where a file `inside` a rule's folder goes under the rule's `target`.
fn container_path(target: &str, inside: &str) -> String {
    match inside.is_empty() {
        true => target.to_string(),
        false => format!("{}/{inside}", target.trim_end_matches('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(action: SyncAction, path: &str, target: Option<&str>, ignore: &[&str]) -> SyncRule {
        SyncRule {
            action,
            path: path.into(),
            target: target.map(str::to_string),
            ignore: ignore.iter().map(|p| p.to_string()).collect(),
            exec: (action == SyncAction::SyncExec).then(|| vec!["kill".into(), "-HUP".into(), "1".into()]),
            initial_sync: false,
        }
    }

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    fn project_rules() -> SyncRules {
        SyncRules::new(&[
            rule(SyncAction::Sync, "./src", Some("/app/src"), &["*.test.js", "generated/"]),
            rule(SyncAction::SyncRestart, "config/nginx.conf", Some("/etc/nginx/nginx.conf"), &[]),
            rule(SyncAction::SyncExec, "static", Some("/srv/static/"), &[]),
            rule(SyncAction::Rebuild, "package.json", None, &[]),
        ])
        .unwrap()
    }

    #[test]
    fn each_rule_takes_the_files_under_its_path_to_its_target() {
        let routing =
            project_rules().route(&paths(&["src/app.js", "src/lib/db.js", "config/nginx.conf", "static/logo.svg"]));
        assert_eq!(routing.rebuild, None);
        let batches: Vec<(usize, Vec<(&str, &str)>)> = routing
            .batches
            .iter()
            .map(|b| (b.rule, b.files.iter().map(|(from, to)| (from.as_str(), to.as_str())).collect()))
            .collect();
        assert_eq!(
            batches,
            [
                (0, vec![("src/app.js", "/app/src/app.js"), ("src/lib/db.js", "/app/src/lib/db.js")]),
                (1, vec![("config/nginx.conf", "/etc/nginx/nginx.conf")]),
                (2, vec![("static/logo.svg", "/srv/static/logo.svg")]),
            ]
        );
    }

    #[test]
    fn a_rebuild_rule_or_a_file_no_rule_covers_rebuilds() {
        let rules = project_rules();
        assert_eq!(
            rules.route(&paths(&["src/app.js", "package.json"])).rebuild.as_deref(),
            Some("package.json changed")
        );
        assert_eq!(
            rules.route(&paths(&["Dockerfile"])).rebuild.as_deref(),
            Some("Dockerfile changed (no watch rule covers it)")
        );
        // `src` is not `src-old`: a rule's path is a folder, not a prefix of names.
        assert!(rules.route(&paths(&["src-old/x.js"])).rebuild.is_some());
    }

    #[test]
    fn ignored_files_do_nothing() {
        let routing = project_rules().route(&paths(&["src/app.test.js", "src/generated/api.js"]));
        assert_eq!((routing.batches.len(), routing.rebuild), (0, None));
        assert_eq!(routing.ignored, paths(&["src/app.test.js", "src/generated/api.js"]));
    }

    #[test]
    fn a_rule_whose_fields_do_not_fit_is_refused_with_its_number() {
        let no_target = SyncRules::new(&[rule(SyncAction::Sync, "src", None, &[])]).unwrap_err();
        assert_eq!(
            no_target.to_string(),
            "watch rule 1 (src): a sync needs a target: an absolute path in the container"
        );
        let relative = SyncRules::new(&[rule(SyncAction::Sync, "src", Some("app"), &[])]).unwrap_err();
        assert!(relative.why.contains("absolute"));
        let mut no_command = rule(SyncAction::SyncExec, "src", Some("/app"), &[]);
        no_command.exec = Some(Vec::new());
        assert!(SyncRules::new(&[no_command]).unwrap_err().why.contains("command"));
        let outside = SyncRules::new(&[rule(SyncAction::Rebuild, "../elsewhere", None, &[])]).unwrap_err();
        assert!(outside.why.contains("inside the project"));
        let bad_pattern = SyncRules::new(&[rule(SyncAction::Sync, "src", Some("/app"), &["a["])]).unwrap_err();
        assert_eq!(bad_pattern.index, 1);
    }

    #[test]
    fn the_whole_folder_can_be_one_rule() {
        let rules = SyncRules::new(&[rule(SyncAction::Sync, ".", Some("/app"), &["node_modules/"])]).unwrap();
        let routing = rules.route(&paths(&["index.js", "node_modules/x/index.js"]));
        assert_eq!(routing.batches[0].files, [("index.js".to_string(), "/app/index.js".to_string())]);
        assert_eq!(routing.ignored, paths(&["node_modules/x/index.js"]));
    }

    #[test]
    fn a_command_is_read_as_words_or_as_one_line_split_as_a_shell_splits_it() {
        let rule = |exec: &str| -> Result<SyncRule, String> {
            serde_json::from_str(&format!(r#"{{"action":"sync+exec","path":"src","target":"/app","exec":{exec}}}"#))
                .map_err(|e| e.to_string())
        };
        assert_eq!(rule(r#"["kill", "-HUP", "1"]"#).unwrap().exec.unwrap(), ["kill", "-HUP", "1"]);
        assert_eq!(rule(r#""sh -c 'kill -HUP 1'""#).unwrap().exec.unwrap(), ["sh", "-c", "kill -HUP 1"]);
        assert_eq!(rule(r#""  ""#).unwrap().exec, None);
        assert!(rule(r#""sh -c 'open""#).unwrap_err().contains("unclosed quote"));
    }
}
