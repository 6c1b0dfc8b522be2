//! `strata registry repos|tags` against a real registry (Debian's `docker-registry` on
//! 127.0.0.1), holding fixture images the daemon pushed there; signed in through a credential
//! helper named in the docker config, as Docker Desktop keeps credentials.

mod common;

use std::path::Path;

use bollard::query_parameters::{PushImageOptionsBuilder, TagImageOptionsBuilder};
use common::{json, strata, Fixtures};
use futures_util::StreamExt;

/// Tags `image` as `name:tag` and has the daemon push it.
async fn push(fixtures: &Fixtures, image: &str, name: &str, tag: &str) {
    let options = TagImageOptionsBuilder::default().repo(name).tag(tag).build();
    fixtures.docker.tag_image(image, Some(options)).await.expect("tag for the registry");
    let options = PushImageOptionsBuilder::default().tag(tag).build();
    let mut progress = fixtures.docker.push_image(name, Some(options), None);
    while let Some(step) = progress.next().await {
        let step = step.unwrap_or_else(|e| panic!("pushing {name}:{tag} failed: {e}"));
        assert!(step.error_detail.is_none(), "pushing {name}:{tag}: {:?}", step.error_detail);
    }
}

/// A docker config folder whose `credHelpers` names a helper for `registry`; the helper (a shell
/// script on the PATH the test hands Strata) notes each time it is asked.
#[cfg(unix)]
fn config_with_helper(dir: &Path, registry: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-strata-test");
    let asked = dir.join("asked");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\necho \"$1 $server\" >> {}\necho '{{\"ServerURL\":\"'$server'\",\"Username\":\"ci\",\"Secret\":\"pw\"}}'\n",
            asked.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(dir.join("config.json"), format!(r#"{{"credHelpers": {{"{registry}": "strata-test"}}}}"#)).unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_registrys_repositories_and_tags_are_listed_signed_in_through_a_credential_helper() {
    let mut fixtures = Fixtures::new("registry-list").await;
    let image = fixtures.image("pushed", &[("app.txt", b"v1\n")]).await;
    let (address, _registry, _storage) = common::registry::start();
    let name = format!("{address}/{}", fixtures.repository());
    for tag in ["one", "two"] {
        push(&fixtures, &image, &name, tag).await;
    }
    let docker_config = tempfile::tempdir().unwrap();
    let path = config_with_helper(docker_config.path(), &address);
    let env = [("DOCKER_CONFIG", docker_config.path().to_str().unwrap()), ("PATH", path.as_str())];

    let repos = json(&strata(&["registry", "repos", &address, "--json"], &env));
    assert_eq!(repos["repositories"], serde_json::json!([fixtures.repository()]));
    assert_eq!(repos["cut"], false);
    let tags = json(&strata(&["registry", "tags", &name, "--json"], &env));
    assert_eq!(tags["tags"], serde_json::json!(["one", "two"]));
    let table = strata(&["registry", "tags", &name], &env);
    assert_eq!(String::from_utf8_lossy(&table.stdout), "one\ntwo\n");
    let asked = std::fs::read_to_string(docker_config.path().join("asked")).expect("the helper was asked");
    assert!(asked.lines().all(|line| line == format!("get {address}")), "{asked}");

    // Bad input: an unknown repository, a registry that is not there, a name with no registry.
    let unknown = strata(&["registry", "tags", &format!("{address}/no/such"), "--json"], &env);
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(1), "{said}");
    assert!(said.contains("repository name not known to registry") && said.contains("registry repos"), "{said}");
    let nowhere = format!("127.0.0.1:{}", common::free_port());
    let down = strata(&["registry", "repos", &nowhere], &env);
    let said = String::from_utf8_lossy(&down.stderr);
    assert_eq!(down.status.code(), Some(1), "{said}");
    assert!(said.starts_with(&format!("strata: {nowhere} does not answer: ")), "{said}");
    assert!(said.contains("Check the registry's address"), "{said}");
    let no_registry = strata(&["registry", "tags", "team/app"], &env);
    assert!(String::from_utf8_lossy(&no_registry.stderr).contains("names no registry"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_in_a_registry_is_inspected_and_audited_as_the_daemon_has_it() {
    let mut fixtures = Fixtures::new("registry-read").await;
    let dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data /data\n\
         RUN [\"/bin/busybox\", \"rm\", \"/data/gone.txt\"]\nUSER 1000\n";
    let files: [(&str, &[u8]); 2] = [("keep.txt", b"kept\n"), ("gone.txt", &[b'x'; 4096])];
    let image = fixtures.image_from("read", dockerfile, &files).await;
    let (address, _registry, _storage) = common::registry::start();
    let name = format!("{address}/{}", fixtures.repository());
    push(&fixtures, &image, &name, "one").await;
    let remote = format!("registry://{name}:one");
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    // Read from the registry first (an empty cache), then from the daemon: the same image.
    let mut from_registry = json(&strata(&["inspect", &remote, "--json"], &env));
    let mut from_daemon = json(&strata(&["inspect", &image, "--json"], &env));
    assert_eq!(from_registry["reference"], remote.as_str());
    for figures in [&mut from_registry, &mut from_daemon] {
        figures.as_object_mut().unwrap().remove("reference");
        figures.as_object_mut().unwrap().remove("repo_tags");
    }
    assert_eq!(from_registry, from_daemon, "the same id, layers, sizes and hidden files");
    assert!(from_registry["hidden_bytes"].as_u64().unwrap() >= 4096, "gone.txt is still shipped");
    let tree = strata(&["tree", &remote, "--layer", "1"], &env);
    assert!(String::from_utf8_lossy(&tree.stdout).contains("gone.txt"), "{}", String::from_utf8_lossy(&tree.stderr));
    let audit = json(&strata(&["audit", &remote, "--json", "--fail-on", "never"], &env));
    assert!(audit["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "no-healthcheck"), "{audit}");

    // Bad input: a tag that is not there, a registry that is not there.
    let missing = strata(&["inspect", &format!("registry://{name}:nope")], &env);
    let said = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{said}");
    assert!(said.contains(&address) && said.contains("manifest unknown"), "{said}");
    let nowhere = format!("registry://127.0.0.1:{}/x:1", common::free_port());
    let down = strata(&["inspect", &nowhere], &env);
    assert!(
        String::from_utf8_lossy(&down.stderr).contains("does not answer"),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_tags_in_a_registry_diff_as_the_daemons_copies_do() {
    let mut fixtures = Fixtures::new("registry-diff").await;
    let (first, second) = common::diff_pair::build(&mut fixtures).await;
    let (address, _registry, _storage) = common::registry::start();
    let name = format!("{address}/{}", fixtures.repository());
    push(&fixtures, &first, &name, "first").await;
    push(&fixtures, &second, &name, "second").await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    let (remote_first, remote_second) = (format!("registry://{name}:first"), format!("registry://{name}:second"));
    let mut remote = json(&strata(&["diff", &remote_first, &remote_second, "--json"], &env));
    let mut local = json(&strata(&["diff", &first, &second, "--json"], &env));
    assert_eq!(remote["after"], remote_second.as_str());
    for diff in [&mut remote, &mut local] {
        diff.as_object_mut().unwrap().remove("before");
        diff.as_object_mut().unwrap().remove("after");
    }
    assert!(!remote["files"]["added"].as_array().unwrap().is_empty(), "the pair differs: {remote}");
    assert_eq!(remote, local, "files, config, packages and history alike");
}
