//! The live-sync rules a watch goes by, read when watching starts and read again when a compose
//! file of the project's folder changes (edited, added or removed: its time or size moved), so an
//! edited `develop.watch` takes effect at the next edit without the watch being restarted.
//! Checking costs one `stat` per compose file name per burst of edits. The quiet time a burst
//! waits for stays the one chosen when watching started (restart the watch to change it).

use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

use super::compose_watch::COMPOSE_FILES;
use super::settings::Project;
use super::sync_rules::SyncRules;

/// What reading the rules found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RulesRead {
    /// No rules: every edit rebuilds.
    None,
    /// Rules, and where they come from ("compose.yaml, service web").
    From(String),
    /// Rules that cannot be used, and why (every edit rebuilds meanwhile).
    Unusable(String),
}

impl RulesRead {
    /// What to tell the user once the rules were read again after the compose file changed.
    pub fn said_again(&self) -> String {
        match self {
            RulesRead::From(from) => format!("Live sync: the watch rules of {from}, read again"),
            RulesRead::None => "Live sync: no watch rules any more; every edit rebuilds".into(),
            RulesRead::Unusable(why) => why.clone(),
        }
    }
}

/// A watched project's rules, kept fresh.
#[derive(Debug)]
pub struct WatchRules {
    project: Project,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    rules: Option<SyncRules>,
    /// When each compose file name was last changed, and its size (`None`: there is none).
    stamp: Vec<Option<(SystemTime, u64)>>,
}

impl WatchRules {
    /// The project's rules as they are now, and what reading them found.
    pub fn read(project: &Project) -> (WatchRules, RulesRead) {
        let stamp = compose_stamp(project);
        let (rules, read) = read_rules(project);
        let state = Mutex::new(State { rules, stamp });
        (WatchRules { project: project.clone(), state }, read)
    }

    /// The rules to route a burst of edits by; when a compose file changed since they were read,
    /// they are read again first, and what that found comes with them.
    pub fn current(&self) -> (Option<SyncRules>, Option<RulesRead>) {
        let mut state = self.state.lock().expect("watch rules lock");
        let stamp = compose_stamp(&self.project);
        if stamp == state.stamp {
            return (state.rules.clone(), None);
        }
        let (rules, read) = read_rules(&self.project);
        *state = State { rules: rules.clone(), stamp };
        (rules, Some(read))
    }
}

fn read_rules(project: &Project) -> (Option<SyncRules>, RulesRead) {
    match project.sync_rules() {
        Ok(Some((rules, from))) => (Some(rules), RulesRead::From(from)),
        Ok(None) => (None, RulesRead::None),
        Err(error) => {
            use crate::problem::Problem;
            (None, RulesRead::Unusable(format!("{error}. {}", error.hint())))
        }
    }
}

/// The compose files' stamps; none for a project with rules of its own, which its compose file
/// does not change.
fn compose_stamp(project: &Project) -> Vec<Option<(SystemTime, u64)>> {
    if !project.watch_rules.is_empty() {
        return Vec::new();
    }
    let folder: &Path = &project.folder;
    let stamp = |name: &&str| {
        let metadata = std::fs::metadata(folder.join(name)).ok()?;
        Some((metadata.modified().ok()?, metadata.len()))
    };
    COMPOSE_FILES.iter().map(stamp).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WATCHED: &str = "services:\n  web:\n    build: .\n    develop:\n      watch:\n        - action: sync\n          path: ./src\n          target: /app/src\n";

    #[test]
    fn an_edited_compose_file_is_read_again_and_an_unchanged_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let project = Project::for_path(dir.path());
        let (rules, read) = WatchRules::read(&project);
        assert_eq!(read, RulesRead::None);
        assert!(rules.current().0.is_none() && rules.current().1.is_none(), "nothing changed, nothing said");

        std::fs::write(dir.path().join("compose.yaml"), WATCHED).unwrap();
        let (now, said) = rules.current();
        assert!(now.is_some());
        assert_eq!(said, Some(RulesRead::From("compose.yaml, service web".into())));
        assert_eq!(rules.current().1, None, "read once");

        // A broken edit is said, and every edit rebuilds until it is mended.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("compose.yaml"), "services: [\n").unwrap();
        let (now, said) = rules.current();
        assert!(now.is_none());
        assert!(matches!(said, Some(RulesRead::Unusable(why)) if why.contains("compose.yaml line")));

        // Rules of the project's own are not the compose file's to change.
        let mut own = project.clone();
        own.watch_rules = vec![crate::project::sync_rules::SyncRule {
            action: crate::project::sync_rules::SyncAction::Rebuild,
            path: "src".into(),
            target: None,
            ignore: Vec::new(),
            exec: None,
            initial_sync: false,
        }];
        let (rules, read) = WatchRules::read(&own);
        assert_eq!(read, RulesRead::From("the project's settings".into()));
        std::fs::write(dir.path().join("compose.yaml"), WATCHED).unwrap();
        assert_eq!(rules.current().1, None);
    }
}
