//! `strata build` against the real daemon: a project folder with a `.dockerignore` (an excluded
//! folder with one file brought back by `!`), a fake git repository for the OCI labels, a
//! verification; failures that must leave the last good tag where it was; and `--watch`, where an
//! edit rebuilds, an ignored file does not, and a burst of 2,000 files rebuilds once.
//!
//! Every image built carries the fixture set's labels and is removed at the end.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::project_folder::{project, HASH, ORIGIN};
use common::{json, strata, ChildGuard, Fixtures};
use serde_json::Value;

fn build(dir: &Path, fixtures: &Fixtures, extra: &[&str], config: &Path) -> std::process::Output {
    let path = dir.to_str().unwrap();
    let mut args = vec!["build", path];
    let labels = fixtures.label_args();
    args.extend(labels.iter().map(String::as_str));
    args.extend(extra);
    let cache = config.join("cache");
    strata(&args, &[("STRATA_CONFIG_DIR", config.to_str().unwrap()), ("STRATA_CACHE_DIR", cache.to_str().unwrap())])
}

async fn image_id(fixtures: &Fixtures, reference: &str) -> Option<String> {
    fixtures.docker.inspect_image(reference).await.ok().and_then(|image| image.id)
}

/// A first good build of the project, tagged `<repository>:dev`; returns the tag and the image id.
async fn good_build(fixtures: &mut Fixtures, dir: &Path, state: &Path) -> (String, String) {
    let dev = format!("{}:dev", fixtures.repository());
    let first = build(dir, fixtures, &["-t", &dev], state);
    fixtures.adopt_labelled_images().await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let id = image_id(fixtures, &dev).await.expect("the tag names the image");
    (dev, id)
}

fn files_in(reference: &str, cache: &Path) -> BTreeSet<String> {
    let tree = json(&strata(&["tree", reference, "--json"], &[("STRATA_CACHE_DIR", cache.to_str().unwrap())]));
    tree.as_array().unwrap().iter().map(|node| node["path"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_build_sends_what_dockerignore_keeps_labels_verifies_and_tags() {
    let mut fixtures = Fixtures::new("build").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let dev = format!("{}:dev", fixtures.repository());

    let output = build(
        dir.path(),
        &fixtures,
        &["-t", &dev, "--verify", r#"["/bin/busybox", "cat", "/app/main.txt"]"#, "--json"],
        state.path(),
    );
    fixtures.adopt_labelled_images().await;
    let outcome = json(&output);
    assert_eq!(outcome["tags"], serde_json::json!([dev]));
    assert_eq!(outcome["verification"]["passed"], true);
    assert_eq!(outcome["build"]["builder"], "buildkit", "Docker Engine 20.10 offers BuildKit");
    assert_eq!(outcome["verification"]["output"], "v1\n");
    let id = outcome["build"]["image_id"].as_str().unwrap().to_string();
    assert_eq!(image_id(&fixtures, &dev).await.as_deref(), Some(id.as_str()));

    // The context held what .dockerignore lets through, and nothing else.
    let files = files_in(&dev, &state.path().join("cache"));
    assert!(files.contains("/app/main.txt") && files.contains("/app/secret/public.txt"), "{files:?}");
    assert!(!files.contains("/app/debug.log") && !files.contains("/app/secret/key"), "{files:?}");

    // OCI labels from the fake repository, the tag and the folder; the project's own labels too.
    let labels = fixtures.docker.inspect_image(&dev).await.unwrap().config.unwrap().labels.unwrap();
    assert_eq!(labels["org.opencontainers.image.revision"], HASH);
    assert_eq!(labels["org.opencontainers.image.source"], ORIGIN);
    assert_eq!(labels["org.opencontainers.image.version"], "dev");
    assert!(labels["org.opencontainers.image.created"].ends_with('Z'), "{labels:?}");
    assert_eq!(labels[common::RUN_LABEL], fixtures.run);

    // Without -t, a new project is tagged <folder>:dev and <folder>:<short commit>; the human
    // summary says what changed against the image the tag named before.
    std::fs::write(dir.path().join("app/main.txt"), "v2, longer\n").unwrap();
    let again = build(dir.path(), &fixtures, &["-t", &dev], state.path());
    fixtures.adopt_labelled_images().await;
    let summary = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(
        summary.contains(&format!("Tagged {dev}")) && summary.contains("+8 B in layer 2: COPY app/ /app/"),
        "{summary}"
    );

    // The build history keeps both builds, and beside it the last good build's context files.
    let mut kept: Vec<String> = std::fs::read_dir(state.path().join("history"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept[0].ends_with(".context.json") && kept[1] == kept[0].replace(".context.json", ".json"), "{kept:?}");
    let history: Value =
        serde_json::from_slice(&std::fs::read(state.path().join("history").join(&kept[1])).unwrap()).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[1]["size_delta_bytes"], 8);
    let context: Value =
        serde_json::from_slice(&std::fs::read(state.path().join("history").join(&kept[0])).unwrap()).unwrap();
    assert!(context["app/main.txt"].is_u64() && context.get("app/debug.log").is_none(), "{context}");
}

#[tokio::test]
async fn failed_builds_and_verifications_leave_the_last_good_tag_alone() {
    let mut fixtures = Fixtures::new("build-fail").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let (dev, good) = good_build(&mut fixtures, dir.path(), state.path()).await;

    let failures: [(&str, &[&str], &str); 3] = [
        // A step that fails: pointed at its line (a RUN on an empty image fails at once, leaving
        // no intermediate image behind).
        ("FROM scratch\nCOPY run.txt /run.txt\nRUN [\"/bin/busybox\", \"false\"]\n", &[], "at Dockerfile line 3"),
        (
            "FROM scratch\nCPY run.txt /run.txt\n",
            &[],
            "at Dockerfile line 2: dockerfile parse error line 2: unknown instruction: CPY.",
        ),
        (
            "FROM scratch\nCOPY run.txt /run.txt\nCOPY busybox /bin/busybox\nCOPY app/ /app/\n",
            &["--verify", r#"["/bin/busybox", "sh", "-c", "echo checking; exit 3"]"#],
            "verification failed with exit code 3: checking",
        ),
    ];
    for (number, (dockerfile, extra, expected)) in failures.into_iter().enumerate() {
        std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
        let mut args = vec!["-t", dev.as_str()];
        args.extend(extra);
        let failed = build(dir.path(), &fixtures, &args, state.path());
        let stderr = String::from_utf8_lossy(&failed.stderr).to_string();
        assert_eq!(failed.status.code(), Some(1), "{stderr}");
        assert!(stderr.lines().last().unwrap().contains(expected), "{expected}: {stderr}");
        assert_eq!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag stayed");
        if number == 0 {
            // The failed build's record keeps the steps it went through, the failing RUN last.
            let history = json(&strata(
                &["build", "--history", dir.path().to_str().unwrap(), "--json"],
                &[("STRATA_CONFIG_DIR", state.path().to_str().unwrap())],
            ));
            let last = history.as_array().unwrap().last().unwrap().clone();
            let steps: Vec<&str> =
                last["steps"].as_array().unwrap().iter().map(|s| s["instruction"].as_str().unwrap()).collect();
            assert_eq!(steps.last(), Some(&r#"RUN ["/bin/busybox", "false"]"#), "{last}");
        }
    }
    // The image the verification refused was removed, not left dangling.
    assert_eq!(fixtures.adopt_labelled_images().await, 1, "only the good image is left");

    let missing = strata(&["build", "/nonexistent/project"], &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/project cannot be opened"));
}

/// Reads a child's stdout lines on a thread, so the test can wait for them with a timeout.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

fn next_build(lines: &mpsc::Receiver<String>, within: Duration) -> Option<Value> {
    lines.recv_timeout(within).ok().map(|line| serde_json::from_str(&line).expect("one JSON outcome per line"))
}

#[tokio::test]
async fn watching_rebuilds_on_an_edit_once_per_burst_and_never_for_ignored_files() {
    let mut fixtures = Fixtures::new("build-watch").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let dev = format!("{}:dev", fixtures.repository());
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command
        .args(["build", dir.path().to_str().unwrap(), "--watch", "--json", "-t", &dev])
        .args(fixtures.label_args())
        .env("STRATA_CONFIG_DIR", state.path())
        .env("STRATA_CACHE_DIR", state.path().join("cache"))
        .env_remove("DOCKER_CONTEXT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut watcher = ChildGuard { child: command.spawn().unwrap(), leads_group: false };
    let lines = lines_of(&mut watcher.child);
    let long = Duration::from_secs(90);
    let quiet = Duration::from_secs(3);

    let first = next_build(&lines, long).expect("the first build");
    std::fs::write(dir.path().join("app/main.txt"), "edited\n").unwrap();
    let second = next_build(&lines, long).expect("a build after the edit");
    assert_ne!(first["build"]["image_id"], second["build"]["image_id"]);

    std::fs::write(dir.path().join("app/more.log"), "ignored\n").unwrap();
    std::fs::write(dir.path().join("app/secret/key2"), "ignored\n").unwrap();
    assert!(next_build(&lines, quiet).is_none(), "ignored files trigger nothing");

    std::fs::create_dir(dir.path().join("app/burst")).unwrap();
    for index in 0..2000 {
        std::fs::write(dir.path().join(format!("app/burst/f{index}.txt")), index.to_string()).unwrap();
    }
    next_build(&lines, long).expect("a build after the burst");
    assert!(next_build(&lines, quiet).is_none(), "2,000 files, one build");

    // Edits while a (slow) build runs, each its own trigger: exactly one follow-up build.
    let slow = "FROM scratch\nCOPY run.txt /run.txt\nCOPY busybox /bin/busybox\nCOPY app/ /app/\nRUN [\"/bin/busybox\", \"sleep\", \"4\"]\n";
    std::fs::write(dir.path().join("Dockerfile"), slow).unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    for name in ["a", "b", "c"] {
        std::fs::write(dir.path().join(format!("app/during-{name}.txt")), name).unwrap();
        std::thread::sleep(Duration::from_millis(600));
    }
    next_build(&lines, long).expect("the slow build");
    let follow_up = next_build(&lines, long).expect("one follow-up build for the edits made during it");
    assert!(follow_up["build"]["image_id"].is_string());
    assert!(next_build(&lines, quiet).is_none(), "three edits during a build, one follow-up");

    // Ctrl+C ends the watch cleanly.
    unsafe { libc::kill(watcher.child.id() as i32, libc::SIGINT) };
    let status = watcher.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    fixtures.adopt_labelled_images().await;
}

/// A plain HTTP GET to the registry's API.
fn http_get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[tokio::test]
async fn a_good_build_is_pushed_to_a_registry() {
    let mut fixtures = Fixtures::new("build-push").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let (address, _registry, _storage) = common::registry::start();
    let name = format!("{address}/{}", fixtures.repository());
    let reference = format!("{name}:dev");
    let output = build(dir.path(), &fixtures, &["-t", &reference, "--push", "--json"], state.path());
    fixtures.adopt_labelled_images().await;
    let outcome = json(&output);
    let published = &outcome["published"][0];
    assert_eq!(published["reference"], reference.as_str());
    assert!(published["digest"].as_str().is_some_and(|d| d.starts_with("sha256:")), "{published}");
    let repository = name.split_once('/').unwrap().1;
    let tags = http_get(&address, &format!("/v2/{repository}/tags/list"));
    assert!(tags.contains(r#""tags":["dev"]"#), "{tags}");

    // A registry that is not there: built and tagged here, the push fails with a clear line.
    let nowhere = format!("127.0.0.1:{}/{}:dev", common::free_port(), fixtures.repository());
    let failed = build(dir.path(), &fixtures, &["-t", &nowhere, "--push"], state.path());
    fixtures.adopt_labelled_images().await;
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().last().unwrap().contains("the push was refused"), "{stderr}");
}

#[tokio::test]
async fn a_good_build_replaces_the_project_container_with_one_of_the_new_image() {
    let mut fixtures = Fixtures::new("build-restart").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let (dev, _) = good_build(&mut fixtures, dir.path(), state.path()).await;
    let name = fixtures.running_container_with(&dev, "app", Some("/bin/busybox sleep 600")).await;

    std::fs::write(dir.path().join("app/main.txt"), "v2\n").unwrap();
    let second = build(dir.path(), &fixtures, &["-t", &dev, "--restart", &name, "--json"], state.path());
    fixtures.adopt_labelled_images().await;
    let outcome = json(&second);
    let container = fixtures.docker.inspect_container(&name, None).await.unwrap();
    // The new container is not the fixture's: remove it by name whatever happens next.
    let remove = bollard::query_parameters::RemoveContainerOptionsBuilder::default().force(true).build();
    let _ = fixtures.docker.remove_container(&name, Some(remove)).await;
    assert_eq!(container.image, outcome["build"]["image_id"].as_str().map(str::to_string), "runs the new image");
    assert_eq!(container.state.and_then(|s| s.running), Some(true));
    assert_eq!(
        container.config.and_then(|c| c.cmd),
        Some(vec!["/bin/busybox".to_string(), "sh".into(), "-c".into(), "/bin/busybox sleep 600".into()]),
        "with the same command"
    );
    assert_eq!(outcome["restarted"][0], name.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daemon_gone_mid_build_is_one_clear_line_and_the_tag_stays() {
    let mut fixtures = Fixtures::new("build-gone").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let (dev, good) = good_build(&mut fixtures, dir.path(), state.path()).await;

    // The same cached steps, then one that takes a while; the daemon goes away during it.
    let slow = "FROM scratch\nCOPY run.txt /run.txt\nCOPY busybox /bin/busybox\nCOPY app/ /app/\nRUN [\"/bin/busybox\", \"sleep\", \"20\"]\n";
    std::fs::write(dir.path().join("Dockerfile"), slow).unwrap();
    let mut proxy = common::proxy::DaemonProxy::new(&state.path().join("docker.sock"), &common::daemon_socket());
    proxy.up();
    let mut command = Command::new(env!("CARGO_BIN_EXE_strata"));
    command
        .args(["build", dir.path().to_str().unwrap(), "-t", &dev])
        .args(fixtures.label_args())
        .env("DOCKER_HOST", proxy.host())
        .env("STRATA_CONFIG_DIR", state.path())
        .env("STRATA_CACHE_DIR", state.path().join("cache"))
        .env_remove("DOCKER_CONTEXT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = ChildGuard { child: command.spawn().unwrap(), leads_group: false };
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.down();
    let output = tokio::task::spawn_blocking(move || {
        let child = std::mem::replace(&mut child.child, Command::new("true").spawn().unwrap());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("strata: the connection to the daemon failed"), "{stderr}");
    assert_eq!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag stayed");
    fixtures.adopt_labelled_images().await;
}

#[tokio::test]
async fn the_classic_builder_builds_and_points_at_failures_too() {
    let mut fixtures = Fixtures::new("build-classic").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let dev = format!("{}:dev", fixtures.repository());
    let labels = fixtures.label_args();
    let classic = |extra: &[&str]| {
        let path = dir.path().to_str().unwrap();
        let mut args = vec!["build", path, "-t", dev.as_str()];
        args.extend(labels.iter().map(String::as_str));
        args.extend(extra);
        let cache = state.path().join("cache");
        let cache = cache.to_str().unwrap();
        strata(
            &args,
            &[
                ("STRATA_CONFIG_DIR", state.path().to_str().unwrap()),
                ("STRATA_CACHE_DIR", cache),
                ("STRATA_BUILDER", "classic"),
            ],
        )
    };
    let outcome = json(&classic(&["--json"]));
    fixtures.adopt_labelled_images().await;
    assert_eq!(outcome["build"]["builder"], "classic");
    assert_eq!(image_id(&fixtures, &dev).await.as_deref(), outcome["build"]["image_id"].as_str());

    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM scratch\nCOPY run.txt /run.txt\nRUN [\"/bin/busybox\", \"false\"]\n",
    )
    .unwrap();
    let failed = classic(&[]);
    let stderr = String::from_utf8_lossy(&failed.stderr).to_string();
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().last().unwrap().contains("at Dockerfile line 3"), "{stderr}");
    fixtures.adopt_labelled_images().await;
}

#[tokio::test]
async fn saved_settings_are_used_and_a_replaced_image_is_removed_when_nothing_uses_it() {
    let mut fixtures = Fixtures::new("build-settings").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let folder = dir.path().canonicalize().unwrap();
    let settings = serde_json::json!([{
        "folder": folder,
        "image": fixtures.repository(),
        "tags": ["saved"],
        "labels": {common::TEST_LABEL: "1", common::RUN_LABEL: fixtures.run},
        "remove_superseded": true,
    }]);
    std::fs::write(state.path().join("projects.json"), settings.to_string()).unwrap();
    let run = || {
        strata(
            &["build", folder.to_str().unwrap(), "--json"],
            &[
                ("STRATA_CONFIG_DIR", state.path().to_str().unwrap()),
                ("STRATA_CACHE_DIR", state.path().join("cache").to_str().unwrap()),
            ],
        )
    };
    let first = json(&run());
    fixtures.adopt_labelled_images().await;
    let saved = format!("{}:saved", fixtures.repository());
    assert_eq!(first["tags"], serde_json::json!([saved]), "the saved tag scheme");
    let replaced = first["build"]["image_id"].as_str().unwrap().to_string();

    std::fs::write(dir.path().join("app/main.txt"), "v2\n").unwrap();
    let second = json(&run());
    fixtures.adopt_labelled_images().await;
    assert_eq!(second["removed"], replaced.as_str());
    assert!(image_id(&fixtures, &replaced).await.is_none(), "the replaced image is gone");
    assert_eq!(image_id(&fixtures, &saved).await.as_deref(), second["build"]["image_id"].as_str());
}

#[tokio::test]
async fn a_secret_in_the_new_image_fails_verify_security_and_the_tag_stays() {
    let mut fixtures = Fixtures::new("build-audit").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let (dev, good) = good_build(&mut fixtures, dir.path(), state.path()).await;

    // A token lands in the image (assembled from parts here): the audit fails the build, which
    // names the finding, and the tag stays on the last good image.
    let token = format!("ghp_{}", "Rt5Yu8Io2Pa4".repeat(3));
    std::fs::write(dir.path().join("app/.env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    let failed = build(dir.path(), &fixtures, &["-t", &dev], state.path());
    fixtures.adopt_labelled_images().await;
    let said = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{said}");
    assert!(said.contains("the security audit failed (secrets): github-token in /app/.env"), "{said}");
    assert!(!said.contains(&token), "the error never holds the secret");
    assert_eq!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag stayed");

    // Allowed with a reason in the project's .strata-audit.yaml, the same image passes and is tagged;
    // `--audit-fail-on off` skips the stage.
    std::fs::write(dir.path().join(".strata-audit.yaml"), "allow:\n  - path: /app/.env\n    reason: a revoked token\n")
        .unwrap();
    let allowed = build(dir.path(), &fixtures, &["-t", &dev, "--json"], state.path());
    fixtures.adopt_labelled_images().await;
    let outcome = json(&allowed);
    let findings = outcome["audit"]["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "github-token" && f["allowed"] == true), "{findings:?}");
    assert_ne!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag moved");
    std::fs::remove_file(dir.path().join(".strata-audit.yaml")).unwrap();
    let skipped = build(dir.path(), &fixtures, &["-t", &dev, "--json", "--audit-fail-on", "off"], state.path());
    fixtures.adopt_labelled_images().await;
    assert_eq!(json(&skipped)["audit"], Value::Null);
}

#[tokio::test]
async fn a_known_vulnerability_at_the_threshold_fails_verify_security_and_the_tag_stays() {
    let mut fixtures = Fixtures::new("build-vulns").await;
    let dir = project(&fixtures);
    let state = tempfile::tempdir().unwrap();
    let (dev, good) = good_build(&mut fixtures, dir.path(), state.path()).await;
    // The next build installs a Debian package with a known vulnerability (high).
    let os = dir.path().join("os");
    std::fs::create_dir_all(os.join("etc")).unwrap();
    std::fs::create_dir_all(os.join("var/lib/dpkg")).unwrap();
    std::fs::write(os.join("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n").unwrap();
    std::fs::write(
        os.join("var/lib/dpkg/status"),
        "Package: libssl3\nStatus: install ok installed\nSource: openssl\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u1\n",
    )
    .unwrap();
    let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    std::fs::write(dir.path().join("Dockerfile"), format!("{dockerfile}COPY os/ /\n")).unwrap();

    // No database: a gate with nothing to check against fails, and says how to get one.
    let unchecked = build(dir.path(), &fixtures, &["-t", &dev, "--vulns-fail-on", "high"], state.path());
    fixtures.adopt_labelled_images().await;
    let said = String::from_utf8_lossy(&unchecked.stderr);
    assert_eq!(unchecked.status.code(), Some(1), "{said}");
    assert!(said.contains("the vulnerability check could not run") && said.contains("strata vulns update"), "{said}");
    assert_eq!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag stayed");

    let records = tempfile::tempdir().unwrap();
    let record = serde_json::json!({"id": "DSA-9999-1", "modified": "2026-12-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"}, "ecosystem_specific": {"urgency": "high"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u2"}]}]}]});
    std::fs::write(records.path().join("DSA-9999-1.json"), record.to_string()).unwrap();
    let cache = state.path().join("cache");
    let imported = strata(
        &["vulns", "import", records.path().to_str().unwrap()],
        &[("STRATA_CACHE_DIR", cache.to_str().unwrap())],
    );
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let failed = build(dir.path(), &fixtures, &["-t", &dev, "--vulns-fail-on", "high"], state.path());
    fixtures.adopt_labelled_images().await;
    let said = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{said}");
    assert!(
        said.contains("known vulnerabilities at or above high: libssl3 3.0.11-1~deb12u1 (DSA-9999-1, high)"),
        "{said}"
    );
    assert_eq!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag stayed");

    // Below the threshold the build passes, and the log says what was found.
    let passed = build(dir.path(), &fixtures, &["-t", &dev, "--vulns-fail-on", "critical"], state.path());
    fixtures.adopt_labelled_images().await;
    let said = format!("{}{}", String::from_utf8_lossy(&passed.stdout), String::from_utf8_lossy(&passed.stderr));
    assert!(passed.status.success(), "{said}");
    assert!(said.contains("Vulnerabilities: 1 in 1 packages, 0 at or above critical"), "{said}");
    assert_ne!(image_id(&fixtures, &dev).await.as_deref(), Some(good.as_str()), "the tag moved");
}

/// One step of `strata build --json`'s `steps`, as (instruction, cached, changed files).
fn steps_of(outcome: &Value) -> Vec<(String, bool, Vec<String>)> {
    let steps = outcome["steps"].as_array().unwrap_or_else(|| panic!("no steps in {outcome}"));
    steps
        .iter()
        .map(|step| {
            let changed = step["changed_files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string());
            (step["instruction"].as_str().unwrap().to_string(), step["cached"].as_bool().unwrap(), changed.collect())
        })
        .collect()
}

#[tokio::test]
async fn steps_are_timed_cached_and_explained_on_buildkit_and_the_classic_builder() {
    for builder in ["buildkit", "classic"] {
        let mut fixtures = Fixtures::new(&format!("build-steps-{builder}")).await;
        let dir = project(&fixtures);
        let state = tempfile::tempdir().unwrap();
        let dev = format!("{}:dev", fixtures.repository());
        let run =
            r#"RUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep 0.4; /bin/busybox cat /app/main.txt > /out"]"#;
        std::fs::write(
            dir.path().join("Dockerfile"),
            format!("FROM scratch\nCOPY run.txt /run.txt\nCOPY busybox /bin/busybox\nCOPY app/ /app/\n{run}\n"),
        )
        .unwrap();
        let labels = fixtures.label_args();
        let build = |extra: &[&str]| {
            let path = dir.path().to_str().unwrap();
            let mut args = vec!["build", path, "-t", dev.as_str()];
            args.extend(labels.iter().map(String::as_str));
            args.extend(extra);
            let cache = state.path().join("cache");
            let env = [
                ("STRATA_CONFIG_DIR", state.path().to_str().unwrap()),
                ("STRATA_CACHE_DIR", cache.to_str().unwrap()),
                ("STRATA_BUILDER", builder),
            ];
            let output = strata(&args, &env);
            assert!(output.status.success(), "{builder}: {}", String::from_utf8_lossy(&output.stderr));
            output
        };
        let first = json(&build(&["--json"]));
        fixtures.adopt_labelled_images().await;
        assert_eq!(first["build"]["builder"], builder);
        let ran: Vec<bool> = steps_of(&first).iter().filter(|s| !s.0.starts_with("FROM")).map(|s| s.1).collect();
        assert_eq!(ran, [false; 4], "{builder}: the first build runs every step: {first}");
        assert_eq!(first["cache_miss"]["reason"], "there was no earlier timed build to compare with", "{builder}");

        let again = json(&build(&["--json"]));
        let cached: Vec<bool> = steps_of(&again).iter().filter(|s| !s.0.starts_with("FROM")).map(|s| s.1).collect();
        assert_eq!(cached, [true; 4], "{builder}: nothing changed, everything from the cache: {again}");
        assert!(again["cache_miss"].is_null(), "{builder}: {again}");

        std::fs::write(dir.path().join("app/main.txt"), "v2\n").unwrap();
        std::fs::write(dir.path().join("app/debug.log"), "ignored noise\n").unwrap();
        let edited = json(&build(&["--json"]));
        fixtures.adopt_labelled_images().await;
        let steps = steps_of(&edited);
        let of = |prefix: &str| {
            steps.iter().find(|s| s.0.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}: {edited}"))
        };
        assert!(of("COPY run.txt").1 && of("COPY busybox").1, "{builder}: steps before the edit are cached: {edited}");
        assert_eq!(
            of("COPY app/"),
            &("COPY app/ /app/".to_string(), false, vec!["app/main.txt".to_string()]),
            "{builder}"
        );
        assert!(!of("RUN").1, "{builder}: the RUN after it ran again");
        let run_seconds = edited["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["instruction"].as_str().unwrap().starts_with("RUN"))
            .unwrap()["seconds"]
            .as_f64()
            .unwrap();
        assert!((0.35..30.0).contains(&run_seconds), "{builder}: the RUN's own time (it sleeps 0.4 s): {run_seconds}");
        let miss = &edited["cache_miss"];
        assert_eq!(miss["instruction"], "COPY app/ /app/", "{builder}: {miss}");
        assert_eq!(miss["reason"], "app/main.txt changed", "{builder}");
        assert_eq!(miss["reran"], 2, "{builder}");

        let history = json(&strata(
            &["build", "--history", dir.path().to_str().unwrap(), "--json"],
            &[("STRATA_CONFIG_DIR", state.path().to_str().unwrap())],
        ));
        let kept = history.as_array().unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[2]["cache_miss"]["reason"], "app/main.txt changed", "{builder}: the history keeps the steps");
        let table = strata(
            &["build", "--history", dir.path().to_str().unwrap()],
            &[("STRATA_CONFIG_DIR", state.path().to_str().unwrap())],
        );
        let table = String::from_utf8_lossy(&table.stdout).to_string();
        assert!(table.lines().last().unwrap().ends_with("not cached: app/main.txt changed"), "{builder}: {table}");
    }
}
