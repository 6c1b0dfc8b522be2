//! Cleanup against the real daemon: the bytes a plan promises are the bytes the daemon's own
//! accounting (`/system/df`'s LayersSize) shows freed after applying it; no image in use is ever
//! removed, including one a container starts using between plan and apply; an image saved before
//! removal loads back. Every plan here is limited to the test's own label, so nothing else on the
//! daemon is touched.

mod common;

use common::proxy::DaemonProxy;
use common::{json, strata, Fixtures, RUN_LABEL};
use serde_json::Value;
use strata::cleanup::{self, ApplyEvent, ApplyOptions, Outcome, Policy};
use strata::engine::{self, Environment};
use strata::inventory::shared::LayerCache;
use strata::progress::Cancel;

/// The tests here compare the daemon's total layer bytes before and after; one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// app:1 = busybox + a; app:2 = busybox + a + b (shares app:1's layers); app:3 = busybox + c,
/// used by a stopped container. Files go to `/` with fixed times, so equal steps make the very
/// same layer in separate builds (a parent folder created by COPY would get the build's time);
/// `a`, `b` and `c` carry the run's name, so no other image has them.
async fn family(fixtures: &mut Fixtures) -> [String; 3] {
    let filler = |kilobytes: usize, seed: &str| -> Vec<u8> {
        let line = format!("{seed} {}\n", fixtures.run);
        line.repeat(kilobytes * 1024 / line.len() + 1).into_bytes()
    };
    let (a, b, c) = (filler(100, "a"), filler(200, "b"), filler(50, "c"));
    let dockerfile =
        |steps: &str| format!("FROM scratch\nCOPY busybox /busybox\n{steps}CMD [\"/busybox\", \"sleep\", \"3600\"]\n");
    let first = dockerfile("COPY data/a /a\n");
    let second = dockerfile("COPY data/a /a\nCOPY data/b /b\n");
    let third = dockerfile("COPY data/c /c\n");
    let app1 = fixtures.image_from("1", &first, &[("a", &a)]).await;
    let app2 = fixtures.image_from("2", &second, &[("a", &a), ("b", &b)]).await;
    let app3 = fixtures.image_from("3", &third, &[("c", &c)]).await;
    fixtures.create_container(&app3, "keeps-3").await;
    [app1, app2, app3]
}

async fn layers_size(fixtures: &Fixtures) -> u64 {
    cleanup::daemon_usage(&fixtures.docker).await.expect("the daemon counts its disk").layers_size
}

fn label(fixtures: &Fixtures) -> String {
    format!("{RUN_LABEL}={}", fixtures.run)
}

/// "2.512GB" as bytes (docker's decimal units).
fn decimal_bytes(text: &str) -> f64 {
    let units = [("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1.0)];
    let (unit, factor) = units.iter().find(|(unit, _)| text.ends_with(unit)).expect("a size with a unit");
    text.trim_end_matches(unit).parse::<f64>().unwrap() * factor
}

fn refs(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|item| item["refs"][0].as_str().unwrap_or("").to_string()).collect()
}

#[tokio::test]
async fn a_plan_frees_exactly_the_bytes_the_daemon_counts_freed() {
    let _serial = SERIAL.lock().await;
    let mut fixtures = Fixtures::new("prune-bytes").await;
    let [app1, app2, app3] = family(&mut fixtures).await;
    let label = label(&fixtures);

    let plan = json(&strata(&["prune", "--plan", "--json", "--unused", "--dangling", "--label", &label], &[]));
    assert_eq!(refs(&plan["items"]), [app2.clone(), app1.clone()], "app:3 is used by a stopped container");
    for item in plan["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "image");
        assert_eq!(item["reason"], "unused");
        assert!(item["id"].as_str().unwrap().starts_with("sha256:"));
    }
    let promised = plan["total_bytes_freed"].as_u64().unwrap();
    // a (100 KiB) and b (200 KiB) go; busybox stays with app:3.
    assert!((300 * 1024..320 * 1024).contains(&promised), "promised {promised}");
    let b = plan["items"][0]["bytes_freed"].as_u64().unwrap();
    assert!((200 * 1024..210 * 1024).contains(&b), "app:2 goes first and frees b alone: {b}");
    assert_eq!(plan["bytes_before"].as_u64().unwrap() - promised, plan["bytes_after"].as_u64().unwrap());

    let before = layers_size(&fixtures).await;
    let applied = json(&strata(&["prune", "--apply", "--json", "--unused", "--dangling", "--label", &label], &[]));
    let after = layers_size(&fixtures).await;
    assert_eq!(before - after, promised, "the daemon's accounting agrees with the plan to the byte");
    assert_eq!(applied["report"]["removed"], 2);
    assert_eq!(applied["report"]["bytes_freed"].as_u64().unwrap(), promised);
    for gone in [&app1, &app2] {
        assert!(fixtures.docker.inspect_image(gone).await.is_err(), "{gone} is removed");
    }
    assert!(fixtures.docker.inspect_image(&app3).await.is_ok(), "the image in use stays");

    let again = json(&strata(&["prune", "--plan", "--json", "--unused", "--label", &label], &[]));
    assert_eq!(again["items"], Value::Array(vec![]), "nothing left to remove");
}

#[tokio::test]
async fn an_image_a_container_starts_using_after_the_plan_is_kept() {
    let _serial = SERIAL.lock().await;
    let mut fixtures = Fixtures::new("prune-race").await;
    let [app1, app2, _] = family(&mut fixtures).await;
    let running = fixtures.image("running", &[("r", b"running")]).await;
    fixtures.running_container(&running, "runs").await;

    let facts = cleanup::gather(&fixtures.docker, &LayerCache::default()).await.unwrap();
    let policy = Policy { unused: true, label: Some(label(&fixtures)), ..Default::default() };
    let plan = cleanup::plan(&facts, &policy, 0);
    let planned: Vec<&str> = plan.items.iter().map(|i| i.refs[0].as_str()).collect();
    assert_eq!(planned, [app2.as_str(), app1.as_str()], "neither the running nor the stopped one's image");

    // Between plan and apply, a container is created from app:2.
    fixtures.create_container(&app2, "late").await;
    let mut events = Vec::new();
    let report =
        cleanup::apply(&fixtures.docker, &plan, &ApplyOptions::default(), &Cancel::new(), &mut |e| events.push(e))
            .await;
    assert_eq!(report.removed, 1, "{report:?}");
    assert!(matches!(&report.outcomes[0], Outcome::Skipped { why } if why.contains("late")), "{report:?}");
    assert!(fixtures.docker.inspect_image(&app2).await.is_ok(), "the image in use now is kept");
    assert!(fixtures.docker.inspect_image(&running).await.is_ok());
    assert!(fixtures.docker.inspect_image(&app1).await.is_err());
    assert_eq!(report.bytes_freed, plan.items[1].bytes_freed, "only what was removed counts");
    assert_eq!(events.len(), 4, "started and finished for each item: {events:?}");
}

#[tokio::test]
async fn an_image_saved_before_removal_loads_back() {
    let _serial = SERIAL.lock().await;
    let mut fixtures = Fixtures::new("prune-save").await;
    let image = fixtures.image("saved", &[("s", b"saved")]).await;
    let id = fixtures.docker.inspect_image(&image).await.unwrap().id.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let folder_text = folder.path().to_str().unwrap();
    let applied = json(&strata(
        &["prune", "--apply", "--json", "--pick", &image, "--label", &label(&fixtures), "--save-to", folder_text],
        &[],
    ));
    assert_eq!(applied["report"]["outcomes"][0]["outcome"], "removed");
    let archive = applied["report"]["outcomes"][0]["archive"].as_str().unwrap().to_string();
    assert!(archive.starts_with(folder_text) && archive.ends_with(".tar"), "{archive}");
    assert!(fixtures.docker.inspect_image(&image).await.is_err(), "removed after saving");
    let leftovers: Vec<_> = std::fs::read_dir(folder.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "one archive, no partial file: {leftovers:?}");

    let loaded = strata(&["load", &archive], &[]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    assert!(String::from_utf8_lossy(&loaded.stdout).contains(&image), "{}", String::from_utf8_lossy(&loaded.stdout));
    let back = fixtures.docker.inspect_image(&image).await.expect("the image is back");
    assert_eq!(back.id.unwrap(), id, "the very same image");

    let missing = strata(&["load", "/nonexistent/archive.tar"], &[]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent/archive.tar"));
}

#[tokio::test]
async fn space_shows_categories_repositories_stopped_containers_and_the_family_tree() {
    let _serial = SERIAL.lock().await;
    let mut fixtures = Fixtures::new("space").await;
    let [app1, app2, app3] = family(&mut fixtures).await;
    let label = label(&fixtures);

    let space = json(&strata(&["space", "--json", "--tree", "--keep-newest", "1"], &[]));
    let repository = fixtures.repository();
    let ours = space["repositories"].as_array().unwrap().iter().find(|r| r["repository"] == repository.as_str());
    let ours = ours.expect("our repository is listed");
    assert_eq!(ours["images"].as_array().unwrap().len(), 3);
    let images = space["images"].as_array().unwrap();
    let image = |reference: &str| images.iter().find(|i| i["refs"][0] == reference).unwrap().clone();
    assert_eq!(image(&app3)["category"], "in-use");
    assert_eq!(image(&app2)["category"], "old", "keep-newest 1 keeps only app:3, the newest");
    let (app1_space, app2_space) = (image(&app1), image(&app2));
    assert_eq!(app1_space["unique"], 0, "app:2 has all of app:1's layers");
    assert!(app2_space["unique"].as_u64().unwrap() >= 200 * 1024);
    assert_eq!(
        app2_space["size"].as_u64().unwrap(),
        app2_space["shared"].as_u64().unwrap() + app2_space["unique"].as_u64().unwrap()
    );
    // The family tree: app:1 is a branch point with app:2 built on it.
    let text = serde_json::to_string(&space["family"]).unwrap();
    assert!(text.contains(&app1) && text.contains(&app2));

    // Volumes and the build cache come from the daemon; the build cache's reclaimable bytes are
    // the figure `docker system df` prints.
    let cache = &space["build_cache"];
    let docker_df =
        std::process::Command::new("docker").args(["system", "df", "--format", "{{json .}}"]).output().unwrap();
    let rows: Vec<Value> =
        String::from_utf8_lossy(&docker_df.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let docker_cache = rows.iter().find(|r| r["Type"] == "Build Cache").expect("docker lists the build cache");
    // Docker prints four significant digits ("2.512GB"), so the figures agree to that.
    let reclaimable = decimal_bytes(docker_cache["Reclaimable"].as_str().unwrap().split_whitespace().next().unwrap());
    let ours = cache["reclaimable"].as_f64().unwrap();
    assert!((ours - reclaimable).abs() <= reclaimable * 0.0005 + 1.0, "ours {ours}, docker's {reclaimable}");

    // Stopped containers: the plan lists ours with its writable layer's bytes, and removes it.
    let plan = json(&strata(&["prune", "--plan", "--json", "--containers-older-than", "0", "--label", &label], &[]));
    let items = plan["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{plan}");
    assert_eq!(items[0]["kind"], "container");
    assert_eq!(items[0]["reason"], "stopped");
    let name = format!("strata-test-{}-keeps-3", fixtures.run);
    assert_eq!(items[0]["refs"][0], name.as_str());
    let with_images = ["prune", "--apply", "--json", "--containers-older-than", "0", "--unused", "--label", &label];
    let applied = json(&strata(&with_images, &[]));
    assert_eq!(applied["report"]["removed"], 4, "the container, then all three images: {applied}");
    assert!(fixtures.docker.inspect_container(&name, None).await.is_err());
}

#[tokio::test]
async fn bad_policies_get_a_clear_error() {
    let bad_rule = strata(&["prune", "--repo", "app=keep-newest:many"], &[]);
    assert!(!bad_rule.status.success());
    assert!(String::from_utf8_lossy(&bad_rule.stderr).contains("many is not a whole number"));
    let unknown = strata(
        &["prune", "--plan", "--json", "--pick", "strata-test/no-such-image:0", "--label", "strata.test.none"],
        &[],
    );
    let plan = json(&unknown);
    assert_eq!(plan["skipped"][0]["why"], "no image or container has this name");
}

#[tokio::test]
async fn when_the_daemon_goes_away_mid_apply_nothing_is_reported_removed_that_was_not() {
    let _serial = SERIAL.lock().await;
    let mut fixtures = Fixtures::new("prune-fault").await;
    let one = fixtures.image("one", &[("one", b"1")]).await;
    let two = fixtures.image("two", &[("two", b"2")]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&dir.path().join("docker.sock"), &common::daemon_socket());
    proxy.up();
    let env = Environment { docker_host: Some(proxy.host()), ..Environment::from_process() };
    let connection = engine::connect(engine::discover(&env).preferred_endpoint()).await.expect("through the proxy");
    let facts = cleanup::gather(&connection.docker, &LayerCache::default()).await.unwrap();
    let policy = Policy { chosen: vec![one.clone(), two.clone()], label: Some(label(&fixtures)), ..Default::default() };
    let plan = cleanup::plan(&facts, &policy, 0);
    assert_eq!(plan.items.len(), 2, "{plan:?}");

    // The daemon "stops" as soon as the first image is gone.
    let proxy = std::sync::Mutex::new(proxy);
    let mut stop_after_the_first = |event: ApplyEvent| {
        if let ApplyEvent::Finished { index: 0, .. } = event {
            proxy.lock().unwrap().down();
        }
    };
    let report =
        cleanup::apply(&connection.docker, &plan, &ApplyOptions::default(), &Cancel::new(), &mut stop_after_the_first)
            .await;
    assert_eq!((report.removed, report.failed, report.not_attempted), (1, 1, 0), "{report:?}");
    assert!(matches!(&report.outcomes[1], Outcome::Failed { error } if !error.is_empty()), "{report:?}");
    assert_eq!(report.bytes_freed, plan.items[0].bytes_freed, "only the first counts as freed");
    let (gone, kept) = (&plan.items[0].refs[0], &plan.items[1].refs[0]);
    assert!(fixtures.docker.inspect_image(gone).await.is_err(), "{gone} was removed, as reported");
    assert!(fixtures.docker.inspect_image(kept).await.is_ok(), "{kept} was not, and is not reported so");
}
