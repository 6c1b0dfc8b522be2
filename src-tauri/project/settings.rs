//! The projects Strata knows and how each one is built, kept in the user's config folder
//! (`~/.config/strata/projects.json` on Linux, or `$STRATA_CONFIG_DIR`), and each project's build
//! history beside it (`history/<key>.json`, the last [`HISTORY_KEPT`] builds).
//!
//! Files are written to a temporary file and renamed, so a crash never leaves half a file; a
//! damaged file is reported, never silently replaced.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::builder::BuildRequest;
use super::compose_watch;
use super::context::{BuildContext, ContextManifest};
use super::git::{self, GitFacts};
use super::pipeline::{LayerChange, PipelineOutcome, PipelineRequest};
use super::steps::{BuildStep, CacheMiss};
use super::sync::SyncReport;
use super::sync_rules::{SyncRule, SyncRules};
use super::watch::Trigger;
use super::BuildError;
use crate::audit::FailOn;
use crate::names::split_reference;

/// Builds kept per project.
pub const HISTORY_KEPT: usize = 100;
/// How long a verification may run.
pub const VERIFY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
/// In a tag scheme, replaced by the short hash of the commit checked out.
pub const GIT_TAG: &str = "{git}";

/// How one project folder is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Project {
    /// The project's folder, as an absolute path; one project per folder.
    pub folder: PathBuf,
    /// The Dockerfile, relative to the folder (default `Dockerfile`).
    #[serde(default)]
    pub dockerfile: Option<PathBuf>,
    /// The build context, relative to the folder (default the folder itself).
    #[serde(default)]
    pub context: Option<PathBuf>,
    /// A multi-stage Dockerfile's stage to build (`--target`).
    #[serde(default)]
    pub target: Option<String>,
    /// Values for the Dockerfile's `ARG`s (`--build-arg`), by name.
    #[serde(default)]
    pub build_args: BTreeMap<String, String>,
    /// Labels put on each image; the OCI labels Strata adds never replace them.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The repository the tags are in (`app`, `registry:5000/team/app`).
    pub image: String,
    /// The tags each good build gets; `{git}` is the commit's short hash.
    pub tags: Vec<String>,
    /// Run in a throwaway container of each new image; it must exit 0.
    #[serde(default)]
    pub verify: Option<String>,
    /// Replace this container with one of the new image after each good build.
    #[serde(default)]
    pub restart_container: Option<String>,
    /// Remove the image a build replaced, when nothing else uses it.
    #[serde(default)]
    pub remove_superseded: bool,
    /// The *verify security* stage's policy: what fails it (`secrets`, a severity, `never` to
    /// report only); `null` skips the stage. Any secret fails it unless the project says otherwise.
    #[serde(default = "audit_by_default")]
    #[ts(type = "string | null")]
    pub audit_fail_on: Option<FailOn>,
    /// The *verify security* stage's vulnerability gate: fail when a known vulnerability of the
    /// new image is at or above this severity; `null` (the default) checks none.
    #[serde(default)]
    pub vulns_fail_on: Option<crate::vulns::Severity>,
    /// Live sync: what an edit does, as compose's `develop.watch` rules say it. Empty: the rules
    /// of the project's compose file, if it has any; else every edit rebuilds.
    #[serde(default)]
    pub watch_rules: Vec<SyncRule>,
    /// The running container live sync copies edits into; `None`: the one it restarts.
    #[serde(default)]
    pub sync_container: Option<String>,
}

fn audit_by_default() -> Option<FailOn> {
    Some(FailOn::Secrets)
}

impl Project {
    /// A new project for `folder` (a folder, or a Dockerfile in one), with Strata's defaults: the
    /// folder's name as the image, tagged `dev` and with the commit's short hash.
    pub fn for_path(path: &Path) -> Project {
        let (folder, dockerfile) = if path.is_file() {
            let name = path.file_name().map(PathBuf::from);
            (path.parent().unwrap_or(Path::new(".")).to_path_buf(), name.filter(|n| n != Path::new("Dockerfile")))
        } else {
            (path.to_path_buf(), None)
        };
        let folder = dunce::canonicalize(&folder).unwrap_or(folder);
        let name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Project {
            image: repository_name(&name),
            folder,
            dockerfile,
            context: None,
            target: None,
            build_args: BTreeMap::new(),
            labels: BTreeMap::new(),
            tags: vec!["dev".into(), GIT_TAG.into()],
            verify: None,
            restart_container: None,
            remove_superseded: false,
            audit_fail_on: audit_by_default(),
            vulns_fail_on: None,
            watch_rules: Vec::new(),
            sync_container: None,
        }
    }

    /// The container live sync copies edits into: the one picked for it, else the one the
    /// project restarts after each build.
    pub fn sync_into(&self) -> Option<&str> {
        self.sync_container.as_deref().or(self.restart_container.as_deref())
    }

    /// The live-sync rules and where they come from (`project settings`, or the compose file and
    /// service); `None` when there are none, so every edit rebuilds.
    pub fn sync_rules(&self) -> Result<Option<(SyncRules, String)>, BuildError> {
        let bad = |why: String| BuildError::WatchRules(why);
        let (rules, from) = if !self.watch_rules.is_empty() {
            (self.watch_rules.clone(), "the project's settings".to_string())
        } else {
            let read = compose_watch::read(&self.folder, &self.context_folder()).map_err(|e| bad(e.to_string()))?;
            let Some(compose) = read else { return Ok(None) };
            let file = compose.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (compose.rules, format!("{file}, service {}", compose.service))
        };
        self.rules_inside_context(&rules).map_err(|why| bad(format!("{from}: {why}")))?;
        let checked = SyncRules::new(&rules).map_err(|e| bad(format!("{from}: {e}")))?;
        Ok(Some((checked, from)))
    }

    /// Strata watches the build context: a rule for a path outside it would never fire.
    fn rules_inside_context(&self, rules: &[SyncRule]) -> Result<(), String> {
        let context = self.context_folder();
        let Ok(prefix) = context.strip_prefix(&self.folder) else { return Ok(()) };
        let prefix = prefix.to_string_lossy().replace('\\', "/");
        if prefix.is_empty() {
            return Ok(());
        }
        for (index, rule) in rules.iter().enumerate() {
            let path = super::ignore::clean(rule.path.trim_start_matches("./"));
            if path != prefix && !path.starts_with(&format!("{prefix}/")) {
                return Err(format!(
                    "watch rule {} ({}) is outside the build context ({prefix}), the folder Strata watches",
                    index + 1,
                    rule.path
                ));
            }
        }
        Ok(())
    }

    /// The build context's folder: `context` inside the project folder, else the folder itself.
    pub fn context_folder(&self) -> PathBuf {
        match &self.context {
            Some(context) => self.folder.join(context),
            None => self.folder.clone(),
        }
    }

    /// The Dockerfile's path: `dockerfile` inside the project folder, else its `Dockerfile`.
    pub fn dockerfile_path(&self) -> PathBuf {
        self.folder.join(self.dockerfile.as_deref().unwrap_or(Path::new("Dockerfile")))
    }

    /// The references a good build is tagged with (`{git}` dropped outside a repository).
    pub fn references(&self, git: &GitFacts) -> Vec<String> {
        self.tags
            .iter()
            .filter_map(|tag| match tag.as_str() {
                GIT_TAG => git.short_revision().map(|sha| format!("{}:{sha}", self.image)),
                tag => Some(format!("{}:{tag}", self.image)),
            })
            .collect()
    }
}

impl Project {
    /// The pipeline run for this project's folder: its tags (or `tags`, when given), labels, build
    /// arguments and verification; pushed when `publish_with` names a docker config folder.
    pub fn pipeline_request(
        &self,
        context: &BuildContext,
        tags: Option<Vec<String>>,
        publish_with: Option<PathBuf>,
    ) -> PipelineRequest {
        let tags = tags.unwrap_or_else(|| self.references(&git::facts(context.root())));
        PipelineRequest {
            build: BuildRequest {
                context: context.clone(),
                target: self.target.clone(),
                build_args: self.build_args.clone(),
                labels: self.labels.clone(),
                version: tags.first().map(|t| split_reference(t).1.to_string()),
            },
            tags,
            verify: self.verify.clone(),
            verify_timeout: VERIFY_TIMEOUT,
            remove_superseded: self.remove_superseded,
            publish_with,
            restart_container: self.restart_container.clone(),
            audit_fail_on: self.audit_fail_on,
            vulns_fail_on: self.vulns_fail_on,
        }
    }

    /// The build context this project's settings describe.
    pub fn context(&self) -> Result<BuildContext, BuildError> {
        BuildContext::new(&self.context_folder(), Some(&self.dockerfile_path()))
    }
}

/// A folder name as a repository name: lower case, with `[a-z0-9._-]` only.
pub fn repository_name(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        "project".into()
    } else {
        trimmed.to_string()
    }
}

/// One build as the history keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct BuildRecord {
    /// Seconds since 1970.
    pub started: i64,
    /// How long the build step took, in seconds (for a failed run, whole seconds from the start
    /// until it failed).
    pub seconds: f64,
    /// Whether the whole pipeline succeeded: build, verification, tags, and the restart and push
    /// when asked for.
    pub passed: bool,
    /// The image built (`None`: the run failed).
    #[serde(default)]
    pub image_id: Option<String>,
    /// The tags moved to the new image (empty when the run failed).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The new image's size, in bytes (`None`: the run failed).
    #[serde(default)]
    pub size_bytes: Option<u64>,
    /// Against the image the build replaced.
    #[serde(default)]
    pub size_delta_bytes: Option<i64>,
    /// How much longer (or shorter, negative) it took than the last good build before it.
    #[serde(default)]
    pub seconds_delta: Option<f64>,
    /// The (at most five) layers that changed most against the image the build replaced.
    #[serde(default)]
    pub layer_changes: Vec<LayerChange>,
    /// The edits that started it (none for a build asked for by hand).
    #[serde(default)]
    pub trigger: Option<Trigger>,
    /// Why the run failed, in words for the user (`None`: it passed).
    #[serde(default)]
    pub error: Option<String>,
    /// A live sync, not a build: what was copied into which container. The build's fields are
    /// then empty.
    #[serde(default)]
    pub synced: Option<SyncReport>,
    /// Each Dockerfile step: when it ran, how long, cached or not, the changed files it took.
    #[serde(default)]
    pub steps: Vec<BuildStep>,
    /// Why the cache first missed, against the build before.
    #[serde(default)]
    pub cache_miss: Option<CacheMiss>,
    /// Advice on the Dockerfile's order, when an early copy of the whole context cost a rerun.
    #[serde(default)]
    pub hint: Option<String>,
}

impl BuildRecord {
    /// The record of a pipeline run that began at `started` (seconds since 1970).
    pub fn of(started: i64, result: &Result<PipelineOutcome, BuildError>, trigger: Option<Trigger>) -> BuildRecord {
        let mut record = BuildRecord {
            started,
            seconds: (chrono::Utc::now().timestamp() - started) as f64,
            passed: result.is_ok(),
            trigger,
            error: result.as_ref().err().map(ToString::to_string),
            ..BuildRecord::default()
        };
        if let Ok(outcome) = result {
            record.seconds = outcome.build.seconds;
            record.image_id = Some(outcome.build.image_id.clone());
            record.tags = outcome.tags.clone();
            record.size_bytes = Some(outcome.size_bytes);
            record.size_delta_bytes =
                outcome.previous.as_ref().map(|p| outcome.size_bytes as i64 - p.size_bytes as i64);
            record.layer_changes = outcome.layer_changes.iter().take(5).cloned().collect();
            record.steps = outcome.steps.clone();
            record.cache_miss = outcome.cache_miss.clone();
            record.hint = outcome.hint.clone();
        }
        // A failed build keeps the steps it went through: where its time went until it failed.
        if let Err(BuildError::Failed { steps, .. }) = result {
            record.steps = steps.clone();
        }
        record
    }

    /// The record of a live sync that began at `started` (seconds since 1970).
    pub fn of_sync(started: i64, report: SyncReport, trigger: Trigger) -> BuildRecord {
        BuildRecord {
            started,
            seconds: report.millis as f64 / 1000.0,
            passed: true,
            trigger: Some(trigger),
            synced: Some(report),
            ..BuildRecord::default()
        }
    }
}

/// Where projects and histories are kept.
#[derive(Debug, Clone)]
pub struct ProjectStore {
    folder: PathBuf,
}

impl ProjectStore {
    /// `$STRATA_CONFIG_DIR`, else the user's config folder + `strata`.
    pub fn user() -> Option<ProjectStore> {
        Some(ProjectStore { folder: crate::engine::environment::strata_config_dir()? })
    }

    /// A store kept in `folder` (tests use it to stay out of the user's config).
    pub fn at(folder: &Path) -> ProjectStore {
        ProjectStore { folder: folder.to_path_buf() }
    }

    /// Every project kept, in the order they were first saved (none before the first save).
    pub fn projects(&self) -> Result<Vec<Project>, BuildError> {
        read_json(&self.folder.join("projects.json")).map(Option::unwrap_or_default)
    }

    /// The project kept for `folder`, if any.
    pub fn find(&self, folder: &Path) -> Result<Option<Project>, BuildError> {
        let folder = dunce::canonicalize(folder).unwrap_or(folder.to_path_buf());
        Ok(self.projects()?.into_iter().find(|p| p.folder == folder))
    }

    /// Adds the project, or replaces the one with the same folder.
    pub fn save(&self, project: &Project) -> Result<(), BuildError> {
        let mut projects = self.projects()?;
        match projects.iter_mut().find(|p| p.folder == project.folder) {
            Some(existing) => *existing = project.clone(),
            None => projects.push(project.clone()),
        }
        write_json(&self.folder.join("projects.json"), &projects)
    }

    /// Forgets a project (its folder and images are left alone).
    pub fn remove(&self, folder: &Path) -> Result<(), BuildError> {
        let projects: Vec<Project> = self.projects()?.into_iter().filter(|p| p.folder != folder).collect();
        write_json(&self.folder.join("projects.json"), &projects)
    }

    /// The builds kept for `folder`, oldest first (none before its first build).
    pub fn history(&self, folder: &Path) -> Result<Vec<BuildRecord>, BuildError> {
        read_json(&self.history_file(folder)).map(Option::unwrap_or_default)
    }

    /// Adds a build to the folder's history (dropping the oldest past [`HISTORY_KEPT`]), with its
    /// time against the last good build; returns the record as kept.
    pub fn record(&self, folder: &Path, mut record: BuildRecord) -> Result<BuildRecord, BuildError> {
        let mut history = self.history(folder)?;
        if record.passed && record.synced.is_none() {
            let last_good = history.iter().rev().find(|r| r.passed && r.synced.is_none()).map(|r| r.seconds);
            record.seconds_delta = last_good.map(|seconds| record.seconds - seconds);
        }
        history.push(record.clone());
        // The last HISTORY_KEPT builds and the last HISTORY_KEPT syncs: a morning of syncs does
        // not push the builds out.
        let builds = history.iter().filter(|r| r.synced.is_none()).count();
        let syncs = history.len() - builds;
        let (mut drop_builds, mut drop_syncs) =
            (builds.saturating_sub(HISTORY_KEPT), syncs.saturating_sub(HISTORY_KEPT));
        history.retain(|r| {
            let excess = if r.synced.is_none() { &mut drop_builds } else { &mut drop_syncs };
            let keep = *excess == 0;
            *excess = excess.saturating_sub(1);
            keep
        });
        write_json(&self.history_file(folder), &history)?;
        Ok(record)
    }

    /// The context files (and their hashes) of the folder's last good build.
    pub fn last_manifest(&self, folder: &Path) -> Result<Option<ContextManifest>, BuildError> {
        read_json(&self.history_file(folder).with_extension("context.json"))
    }

    /// Keeps a good build's context files for the next build to compare with.
    pub fn keep_manifest(&self, folder: &Path, manifest: &ContextManifest) -> Result<(), BuildError> {
        write_json(&self.history_file(folder).with_extension("context.json"), manifest)
    }

    fn history_file(&self, folder: &Path) -> PathBuf {
        let key = hex::encode(Sha256::digest(folder.to_string_lossy().as_bytes()));
        self.folder.join("history").join(format!("{}.json", &key[..16]))
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, BuildError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| BuildError::Store(format!("{} is damaged ({e}); fix or delete it", path.display()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(BuildError::Store(format!("{} cannot be read: {error}", path.display()))),
    }
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), BuildError> {
    let fail = |e: std::io::Error| BuildError::Store(format!("{} cannot be written: {e}", path.display()));
    crate::files::write_atomically(path, |file| serde_json::to_writer_pretty(file, value).map_err(Into::into))
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_synced_into_the_container_picked_else_the_one_restarted() {
        let mut project = Project::for_path(Path::new("/work/app"));
        assert_eq!(project.sync_into(), None);
        project.restart_container = Some("web".into());
        assert_eq!(project.sync_into(), Some("web"));
        project.sync_container = Some("web-dev".into());
        assert_eq!(project.sync_into(), Some("web-dev"));
    }

    #[test]
    fn watch_rules_come_from_the_settings_or_the_compose_file_and_must_be_in_the_context() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("app/src")).unwrap();
        let compose = "services:\n  web:\n    build: ./app\n    develop:\n      watch:\n        - action: sync\n          path: ./docs\n          target: /docs\n";
        fs::write(dir.path().join("compose.yaml"), compose).unwrap();
        let mut project = Project::for_path(dir.path());
        let error = project.sync_rules().unwrap_err().to_string();
        assert!(
            error.contains("are not built from"),
            "the compose service is built from ./app, not the folder: {error}"
        );
        project.context = Some(PathBuf::from("app"));
        let error = project.sync_rules().unwrap_err().to_string();
        assert!(error.contains("watch rule 1 (./docs) is outside the build context (app)"), "{error}");
        project.watch_rules = vec![SyncRule {
            action: super::super::sync_rules::SyncAction::Sync,
            path: "app/src".into(),
            target: Some("/app/src".into()),
            ignore: vec![],
            exec: None,
            initial_sync: false,
        }];
        let (_, from) = project.sync_rules().unwrap().unwrap();
        assert_eq!(from, "the project's settings");
    }

    #[test]
    fn a_new_project_is_named_after_its_folder_and_tagged_dev_and_by_commit() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("My Web_App");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("api.Dockerfile"), "FROM scratch\n").unwrap();
        let project = Project::for_path(&folder.join("api.Dockerfile"));
        assert_eq!(project.image, "my-web_app");
        assert_eq!(project.dockerfile.as_deref(), Some(Path::new("api.Dockerfile")));
        let git = GitFacts { revision: Some("0123456789abcdef0123456789abcdef01234567".into()), origin: None };
        assert_eq!(project.references(&git), ["my-web_app:dev", "my-web_app:0123456"]);
        assert_eq!(project.references(&GitFacts::default()), ["my-web_app:dev"]);
        assert_eq!(repository_name("..."), "project");
    }

    /// A drop hands the window a path as the system writes it: on Windows (run under Wine) a drive
    /// letter and backslashes, or forward slashes; the project's folder is the same either way,
    /// and never shown with Windows' `\\?\` prefix.
    #[test]
    fn a_dropped_path_becomes_the_same_project_however_it_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("Drop Me");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("Dockerfile"), "FROM scratch\n").unwrap();
        let dropped = folder.join("Dockerfile").display().to_string();
        let mut written = vec![dropped.clone()];
        if cfg!(windows) {
            assert_eq!(dropped.as_bytes()[1], b':', "{dropped}");
            written.push(dropped.replace('\\', "/"));
        }
        for path in written {
            let project = Project::for_path(Path::new(&path));
            assert_eq!((project.image.as_str(), project.dockerfile.as_deref()), ("drop-me", None), "{path}");
            assert_eq!(project.folder, dunce::canonicalize(&folder).unwrap(), "{path}");
            assert!(!project.folder.display().to_string().starts_with(r"\\?\"), "{path}");
        }
    }

    /// Projects are settings (Windows: roaming `AppData\Roaming\strata`), the layer cache is
    /// this computer's (Windows: `AppData\Local\strata`, never roaming); on Linux the XDG folders.
    #[test]
    fn settings_and_the_cache_live_in_the_systems_own_folders() {
        if std::env::var_os("STRATA_CONFIG_DIR").is_some() || std::env::var_os("STRATA_CACHE_DIR").is_some() {
            return; // moved by the one who runs the tests: nothing of the system's to check
        }
        let config = ProjectStore::user().unwrap().folder;
        let cache = crate::image::cache::user_cache_dir().unwrap();
        assert!(config.ends_with("strata") && cache.ends_with("strata"), "{config:?} {cache:?}");
        if cfg!(windows) {
            assert!(config.display().to_string().ends_with(r"AppData\Roaming\strata"), "{config:?}");
            assert!(cache.display().to_string().ends_with(r"AppData\Local\strata"), "{cache:?}");
        } else if cfg!(target_os = "linux") && std::env::var_os("XDG_CONFIG_HOME").is_none() {
            assert_eq!(config, dirs::home_dir().unwrap().join(".config/strata"));
        }
    }

    #[test]
    fn projects_and_histories_are_kept_and_damage_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProjectStore::at(dir.path());
        let mut project = Project::for_path(dir.path());
        store.save(&project).unwrap();
        project.verify = Some("true".into());
        store.save(&project).unwrap();
        assert_eq!(store.projects().unwrap(), [project.clone()]);
        assert_eq!(store.find(dir.path()).unwrap(), Some(project.clone()));
        let record = |n: i64| BuildRecord { started: n, seconds: 1.0, passed: true, ..BuildRecord::default() };
        for n in 0..(HISTORY_KEPT as i64 + 5) {
            store.record(&project.folder, record(n)).unwrap();
        }
        let history = store.history(&project.folder).unwrap();
        assert_eq!((history.len(), history[0].started), (HISTORY_KEPT, 5));
        let slower = store.record(&project.folder, BuildRecord { seconds: 3.5, ..record(0) }).unwrap();
        assert_eq!(slower.seconds_delta, Some(2.5), "against the last good build's 1 s");
        // A live sync is kept in the history, but is no build to compare builds with.
        let report = SyncReport {
            container: "web".into(),
            copied: 3,
            removed: 0,
            links_not_followed: vec![],
            then: None,
            millis: 84,
            summary: "synced 3 files into web (84 ms)".into(),
        };
        let synced =
            store.record(&project.folder, BuildRecord::of_sync(9, report, Trigger::of(["a".to_string()]))).unwrap();
        assert_eq!((synced.seconds, synced.seconds_delta), (0.084, None));
        let after = store.record(&project.folder, BuildRecord { seconds: 4.0, ..record(10) }).unwrap();
        assert_eq!(after.seconds_delta, Some(0.5), "against the last build's 3.5 s, not the sync");
        fs::write(dir.path().join("projects.json"), "{not json").unwrap();
        let error = store.projects().unwrap_err().to_string();
        assert!(error.contains("projects.json is damaged"), "{error}");
        store.remove(&project.folder).unwrap_err();
    }
}
