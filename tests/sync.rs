//! Live sync against the real daemon: a project folder whose compose file has `develop.watch`
//! rules (sync, sync+restart, sync+exec, rebuild), its edits routed by those rules and copied into
//! a running container through the Engine API, then read back from the container. Deleted files
//! go, ignored files do nothing, a link out of the folder is not followed; a stopped container,
//! one without `rm`, and a target that is not a folder each refuse the copy, so the caller
//! rebuilds.

mod common;

use std::path::Path;

use bollard::Docker;
use strata::project::compose_watch;
use strata::project::sync::{sync_batch, SyncFailure};
use strata::project::sync_rules::SyncRules;

use common::{read_back, Fixtures};

const COMPOSE: &str = "services:
  web:
    build: .
    develop:
      watch:
        - action: sync
          path: ./src
          target: /app/src
          ignore:
            - '*.test.js'
        - action: sync+restart
          path: ./nginx.conf
          target: /etc/nginx.conf
        - action: sync+exec
          path: ./static
          target: /srv/static
          exec:
            command: touch /srv/static/.reloaded
        - action: rebuild
          path: Dockerfile
";

fn write(folder: &Path, path: &str, content: &str) {
    let path = folder.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn paths(list: &[&str]) -> Vec<String> {
    list.iter().map(|p| p.to_string()).collect()
}

/// A running container of busybox with its applets, named `…-web`.
async fn applets_container(fixtures: &mut Fixtures) -> String {
    let image = fixtures.image_from("applets", common::WITH_APPLETS, &[]).await;
    fixtures.running_container(&image, "web").await
}

async fn started_at(docker: &Docker, container: &str) -> String {
    docker.inspect_container(container, None).await.unwrap().state.unwrap().started_at.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_are_copied_into_the_running_container_as_the_compose_rules_say() {
    let mut fixtures = Fixtures::new("sync").await;
    let container = applets_container(&mut fixtures).await;
    let docker = common::docker().await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    write(folder, "compose.yaml", COMPOSE);
    write(folder, "Dockerfile", "FROM scratch\n");
    write(folder, "src/app.js", "console.log('one')\n");
    write(folder, "src/old.js", "old\n");
    write(folder, "src/app.test.js", "test\n");
    write(folder, "nginx.conf", "worker_processes 1;\n");
    write(folder, "static/logo.svg", "<svg/>\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder.join("src/app.js"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", folder.join("src/passwd")).unwrap();
    }

    // compose's own rules, read from the project's compose file.
    let watch = compose_watch::read(folder, folder).unwrap().expect("the compose file's rules");
    assert_eq!(watch.service, "web");
    let rules = SyncRules::new(&watch.rules).unwrap();

    // A sync: the files are in the container, modes kept, with no build; a link out is not.
    let routing = rules.route(&paths(&["src/app.js", "src/old.js", "src/app.test.js", "src/passwd"]));
    assert_eq!((routing.rebuild.as_deref(), routing.ignored.clone()), (None, paths(&["src/app.test.js"])));
    let report = sync_batch(&docker, &container, folder, rules.rule(0), &routing.batches[0], &|_| true).await.unwrap();
    assert_eq!((report.copied, report.removed, report.then.as_deref()), (2, 0, None));
    assert_eq!(report.links_not_followed, paths(&["src/passwd"]));
    let (content, mode) = read_back(&docker, &container, "/app/src/app.js").await.expect("the synced file");
    assert_eq!((content.as_slice(), mode & 0o777), (&b"console.log('one')\n"[..], 0o755));
    assert!(read_back(&docker, &container, "/app/src/passwd").await.is_none(), "the link was not followed");
    assert!(read_back(&docker, &container, "/app/src/app.test.js").await.is_none(), "ignored");

    // A deleted file is removed from the container; an edited one replaced.
    std::fs::remove_file(folder.join("src/old.js")).unwrap();
    write(folder, "src/app.js", "console.log('two')\n");
    let routing = rules.route(&paths(&["src/old.js", "src/app.js"]));
    let report = sync_batch(&docker, &container, folder, rules.rule(0), &routing.batches[0], &|_| true).await.unwrap();
    assert_eq!((report.copied, report.removed), (1, 1));
    assert!(read_back(&docker, &container, "/app/src/old.js").await.is_none(), "deleted");
    assert_eq!(read_back(&docker, &container, "/app/src/app.js").await.unwrap().0, b"console.log('two')\n");

    // sync+exec runs its command after the copy; sync+restart restarts the container.
    let routing = rules.route(&paths(&["static/logo.svg"]));
    let report = sync_batch(&docker, &container, folder, rules.rule(2), &routing.batches[0], &|_| true).await.unwrap();
    assert_eq!(report.then.as_deref(), Some("touch /srv/static/.reloaded"));
    assert!(read_back(&docker, &container, "/srv/static/.reloaded").await.is_some(), "the command ran");
    let before = started_at(&docker, &container).await;
    let routing = rules.route(&paths(&["nginx.conf"]));
    assert_eq!(routing.batches[0].files, [("nginx.conf".to_string(), "/etc/nginx.conf".to_string())]);
    let report = sync_batch(&docker, &container, folder, rules.rule(1), &routing.batches[0], &|_| true).await.unwrap();
    assert_eq!(report.then.as_deref(), Some("restarted"));
    assert_ne!(started_at(&docker, &container).await, before, "restarted");
    assert_eq!(read_back(&docker, &container, "/etc/nginx.conf").await.unwrap().0, b"worker_processes 1;\n");

    // The Dockerfile, or a file no rule covers, rebuilds.
    assert_eq!(rules.route(&paths(&["Dockerfile"])).rebuild.as_deref(), Some("Dockerfile changed"));
    assert!(rules.route(&paths(&["README.md"])).rebuild.is_some());

    // A target that is not a folder in the container: the daemon refuses, and says so.
    let onto_a_file = SyncRules::new(&[strata::project::sync_rules::SyncRule {
        target: Some("/bin/busybox".into()),
        ..watch.rules[0].clone()
    }])
    .unwrap();
    let routing = onto_a_file.route(&paths(&["src/app.js"]));
    let refused =
        sync_batch(&docker, &container, folder, onto_a_file.rule(0), &routing.batches[0], &|_| true).await.unwrap_err();
    assert!(matches!(refused, SyncFailure::Refused { .. }), "{refused}");

    // A stopped container takes nothing: the caller rebuilds.
    docker.kill_container(&container, None).await.unwrap();
    let routing = rules.route(&paths(&["src/app.js"]));
    let stopped =
        sync_batch(&docker, &container, folder, rules.rule(0), &routing.batches[0], &|_| true).await.unwrap_err();
    assert_eq!(stopped, SyncFailure::NotRunning(container.clone()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_without_rm_cannot_have_files_deleted() {
    let mut fixtures = Fixtures::new("sync-no-rm").await;
    // Only /bin/busybox: no `rm` on the PATH.
    let image = fixtures.image("bare", &[]).await;
    let container = fixtures.running_container(&image, "bare").await;
    let docker = common::docker().await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", COMPOSE);
    let rules = SyncRules::new(&compose_watch::read(dir.path(), dir.path()).unwrap().unwrap().rules).unwrap();
    let routing = rules.route(&paths(&["src/deleted.js"]));
    // The rule's own folder gone: nothing is removed from the container (never its whole target).
    let gone =
        sync_batch(&docker, &container, dir.path(), rules.rule(0), &routing.batches[0], &|_| true).await.unwrap_err();
    assert_eq!(gone, SyncFailure::RuleFolderGone("src".into()));
    write(dir.path(), "src/kept.js", "kept\n");
    let failure =
        sync_batch(&docker, &container, dir.path(), rules.rule(0), &routing.batches[0], &|_| true).await.unwrap_err();
    assert_eq!(failure, SyncFailure::NoRemover(container.clone()));
    assert_eq!(failure.to_string(), format!("the container {container} has no rm to delete files with"));
}

/// Lines the process prints on stdout, as they come.
fn lines_of(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (sender, receiver) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

/// The next JSON line holding `key`, skipping others, within `seconds`.
fn next_with(lines: &std::sync::mpsc::Receiver<String>, key: &str, seconds: u64) -> Option<serde_json::Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let line = lines.recv_timeout(left).ok()?;
        let value: serde_json::Value = serde_json::from_str(&line).expect("one JSON object per line");
        if value.get(key).is_some() {
            return Some(value);
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread")]
async fn strata_build_watch_syncs_an_edit_and_rebuilds_for_the_dockerfile() {
    use std::process::{Command, Stdio};
    let mut fixtures = Fixtures::new("sync-cli").await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    std::fs::copy(common::BUSYBOX, folder.join("busybox")).unwrap();
    write(folder, "Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nCOPY src/ /app/src/\n");
    write(folder, "src/app.js", "one\n");
    write(folder, "compose.yaml", "services:\n  web:\n    build: .\n    develop:\n      watch:\n        - action: sync\n          path: ./src\n          target: /app/src\n        - action: rebuild\n          path: Dockerfile\n");
    let state = tempfile::tempdir().unwrap();
    let dev = format!("{}:dev", fixtures.repository());
    let path = folder.to_str().unwrap();
    let mut once: Vec<String> =
        vec!["build".into(), path.into(), "-t".into(), dev.clone(), "--audit-fail-on".into(), "off".into()];
    once.extend(fixtures.label_args());
    let env = [("STRATA_CONFIG_DIR", state.path().to_str().unwrap())];
    let built = common::strata(&once.iter().map(String::as_str).collect::<Vec<_>>(), &env);
    fixtures.adopt_labelled_images().await;
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let name = fixtures.running_container_with(&dev, "web", Some("trap 'exit 0' TERM; sleep 3600 & wait")).await;

    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command
        .args(&once[..])
        .args(["--watch", "--json", "--restart", &name])
        .env("STRATA_CONFIG_DIR", state.path())
        .env_remove("DOCKER_CONTEXT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut watcher = common::ChildGuard { child: command.spawn().unwrap(), leads_group: false };
    let lines = lines_of(&mut watcher.child);
    next_with(&lines, "build", 120).expect("the first build");
    let docker = common::docker().await;

    // An edit under the sync rule: copied into the (restarted) container, no build.
    write(folder, "src/app.js", "two\n");
    let synced = next_with(&lines, "synced", 30).expect("a sync after the edit");
    assert_eq!(synced["synced"]["container"], name.as_str());
    assert_eq!((synced["synced"]["copied"].as_u64(), synced["files"][0].as_str()), (Some(1), Some("src/app.js")));
    assert_eq!(read_back(&docker, &name, "/app/src/app.js").await.unwrap().0, b"two\n");

    // The Dockerfile rebuilds, and the history says why.
    let mut dockerfile = std::fs::read_to_string(folder.join("Dockerfile")).unwrap();
    dockerfile.push_str("LABEL edited=1\n");
    std::fs::write(folder.join("Dockerfile"), dockerfile).unwrap();
    let rebuilt = next_with(&lines, "build", 120).expect("a build after the Dockerfile changed");
    assert!(rebuilt["build"]["image_id"].is_string());

    // An edited compose file is read again: the next edit goes where its rule now says.
    let compose = std::fs::read_to_string(folder.join("compose.yaml")).unwrap();
    write(folder, "compose.yaml", &compose.replace("target: /app/src", "target: /app/code"));
    next_with(&lines, "build", 120).expect("a build for the compose file, which no rule covers");
    write(folder, "src/app.js", "three\n");
    next_with(&lines, "synced", 30).expect("a sync after the edit");
    assert_eq!(read_back(&docker, &name, "/app/code/app.js").await.unwrap().0, b"three\n");
    drop(watcher);
    fixtures.adopt_labelled_images().await;
    let remove = bollard::query_parameters::RemoveContainerOptionsBuilder::default().force(true).build();
    let _ = docker.remove_container(&name, Some(remove)).await;

    // The history has the sync and the rebuild, with its reason.
    let history = common::json(&common::strata(&["build", "--history", path, "--json"], &env));
    let records = history.as_array().unwrap();
    let sync = records.iter().find(|r| r["synced"].is_object()).expect("the sync in the history");
    assert_eq!(sync["trigger"]["paths"][0], "src/app.js");
    let reasons: Vec<&serde_json::Value> =
        records.iter().map(|r| &r["trigger"]["reason"]).filter(|r| !r.is_null()).collect();
    assert_eq!(reasons, ["Dockerfile changed", "compose.yaml changed (no watch rule covers it)"], "{history}");
    let table = String::from_utf8_lossy(&common::strata(&["build", "--history", path], &env).stdout).to_string();
    assert!(table.contains(&format!("synced 1 file into {name}")), "{table}");
    assert!(table.contains("(rebuilt: Dockerfile changed)"), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn initial_sync_copies_a_rules_folder_into_the_picked_container_but_what_it_and_dockerignore_leave_out() {
    use strata::project::session::initial_sync;
    let mut fixtures = Fixtures::new("sync-initial").await;
    let container = applets_container(&mut fixtures).await;
    let docker = common::docker().await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    write(folder, "compose.yaml", "services:\n  web:\n    build: .\n    develop:\n      watch:\n        - action: sync\n          path: ./src\n          target: /app/src\n          initial_sync: true\n          ignore:\n            - node_modules/\n");
    write(folder, ".dockerignore", "**/*.log\n");
    write(folder, "src/app.js", "app\n");
    write(folder, "src/lib/util.js", "util\n");
    write(folder, "src/debug.log", "log\n");
    write(folder, "src/node_modules/dep/index.js", "dep\n");
    let mut project = strata::project::settings::Project::for_path(folder);
    // The container picked for sync, not the one the project restarts after a build.
    project.restart_container = Some(format!("{container}-restarted-after-builds"));
    project.sync_container = Some(container.clone());
    let (rules, from) = project.sync_rules().unwrap().expect("the compose file's rules");
    assert_eq!(from, "compose.yaml, service web");

    let reports = initial_sync(&docker, &project, &rules).await.unwrap();
    assert_eq!(reports.len(), 1);
    let log = read_back(&docker, &container, "/app/src/debug.log").await.is_some();
    let dep = read_back(&docker, &container, "/app/src/node_modules/dep/index.js").await.is_some();
    assert_eq!((reports[0].copied, log, dep), (2, false, false), "{:?}", reports[0]);
    assert_eq!(read_back(&docker, &container, "/app/src/lib/util.js").await.unwrap().0, b"util\n");
    assert!(read_back(&docker, &container, "/app/src/debug.log").await.is_none(), ".dockerignore leaves it out");
    assert!(read_back(&docker, &container, "/app/src/node_modules").await.is_none(), "the rule ignores it");
}
