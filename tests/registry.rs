//! `strata registry repos|tags` against a real registry (Debian's `docker-registry` on
//! 127.0.0.1), holding fixture images the daemon pushed there; signed in through a credential
//! helper named in the docker config, as Docker Desktop keeps credentials.

mod common;

use std::path::{Path, PathBuf};

use bollard::query_parameters::{PushImageOptionsBuilder, TagImageOptionsBuilder};
use common::registry::RegistryProxy;
use common::{json, oci_layout, strata, Fixtures};
use futures_util::StreamExt;
use strata::inventory::local_copies::{against_registries, local_copies, InRegistry, LocalCopy};
use strata::inventory::pull::pull;
use strata::project::publish::tag_and_push;
use strata::registry::{Credential, RegistryClient};

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

/// A docker config folder (beside `certs_from`'s `certs.d`) whose `credHelpers` names, for
/// `registry`, a helper that keeps what `store` gives it and hands it back on `get`, as
/// Docker Desktop's helpers do; (the folder, the PATH that finds the helper, the file it keeps).
#[cfg(unix)]
fn config_with_storing_helper(dir: &Path, registry: &str, certs_from: &Path) -> (PathBuf, String, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let (config, bin, kept) = (dir.join("config"), dir.join("bin"), dir.join("kept.json"));
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(certs_from.join("certs.d"), config.join("certs.d")).unwrap();
    let helper = bin.join("docker-credential-strata-store");
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in\n  store) cat > {kept} ;;\n  get) cat >/dev/null; [ -f {kept} ] && cat {kept} || {{ echo 'credentials not found in native keychain'; exit 1; }} ;;\n  *) exit 1 ;;\nesac\n",
        kept = kept.display()
    );
    std::fs::write(&helper, script).unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(config.join("config.json"), format!(r#"{{"credHelpers": {{"{registry}": "strata-store"}}}}"#))
        .unwrap();
    (config, format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()), kept)
}

/// `strata registry login`, the password given on standard input.
fn login(registry: &str, password: &str, env: &[(&str, &str)]) -> std::process::Output {
    use std::io::Write;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_strata"));
    command.args(["registry", "login", registry, "-u", common::secured_registry::USER, "--password-stdin"]);
    command.envs(env.iter().copied()).stdin(std::process::Stdio::piped());
    command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
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
    let listed: Vec<&str> = tags["tags"].as_array().unwrap().iter().map(|t| t["tag"].as_str().unwrap()).collect();
    assert_eq!(listed, ["one", "two"]);
    let one = &tags["tags"][0];
    assert_eq!(one["digest"], tags["tags"][1]["digest"], "one image, two tags: {tags}");
    assert_eq!(one["images"][0]["platform"], "linux/amd64");
    assert!(one["images"][0]["compressed_bytes"].as_u64().unwrap() > 1000, "busybox, compressed: {tags}");
    assert!(one["images"][0]["created"].as_str().unwrap().starts_with("20"), "{tags}");
    assert_eq!(one["images"][0]["labels"]["strata.test"], "1");
    let table = String::from_utf8_lossy(&strata(&["registry", "tags", &name], &env).stdout).to_string();
    assert!(table.contains("one") && table.contains("two") && table.contains("linux/amd64"), "{table}");
    // The daemon's copies: both tags are the pushed image; then `two` is retagged to another.
    let anonymous = tempfile::tempdir().unwrap();
    let client = strata::registry::RegistryClient::new(&address, anonymous.path()).unwrap();
    let listed = client.tag_list(&fixtures.repository()).await.unwrap();
    let copies = local_copies(&fixtures.docker, &name, &listed.tags).await;
    assert_eq!(copies, [LocalCopy::Same, LocalCopy::Same]);
    let other = fixtures.image("other", &[("app.txt", b"v2\n")]).await;
    let options = TagImageOptionsBuilder::default().repo(&name).tag("two").build();
    fixtures.docker.tag_image(&other, Some(options)).await.unwrap();
    let copies = local_copies(&fixtures.docker, &name, &listed.tags).await;
    // Its data layer and the pushed one at least (a rebuilt COPY layer differs too: its folders'
    // times are the build's).
    assert_eq!(copies[0], LocalCopy::Same);
    assert!(matches!(copies[1], LocalCopy::Differs { layers } if layers >= 2), "{copies:?}");
    let gone = strata::registry::TagDetails { tag: "gone".into(), ..listed.tags[0].clone() };
    assert_eq!(local_copies(&fixtures.docker, &name, &[gone]).await, [LocalCopy::Absent]);
    // The Images screen's side: each local name in a listed registry, against that registry.
    let down = format!("127.0.0.1:{}", common::free_port());
    let references = [
        format!("{name}:one"),
        format!("{name}:two"),
        format!("{name}:never-pushed"),
        format!("{down}/app:1"),
        "127.0.0.1:1/unlisted:1".to_string(),
        "busybox:latest".to_string(),
    ];
    let registries = [address.clone(), down.clone()];
    let seen = against_registries(&fixtures.docker, &references, &registries, anonymous.path()).await;
    let states: Vec<_> = seen.iter().map(|copy| (copy.reference.as_str(), &copy.state)).collect();
    assert_eq!(states.len(), 4, "names in no listed registry are left out: {states:?}");
    assert_eq!(states[0], (references[0].as_str(), &InRegistry::Same));
    assert!(matches!(states[1].1, InRegistry::Differs { layers } if *layers >= 2), "{states:?}");
    assert_eq!(states[2].1, &InRegistry::NotThere);
    assert!(
        matches!(states[3].1, InRegistry::Unreadable { reason } if reason.contains("does not answer")),
        "{states:?}"
    );

    // Pulled into the daemon, an image it no longer has: each layer's steps are told, and the
    // daemon's copy is the registry's again.
    let pulled = fixtures.image("pulled", &[("pulled.txt", b"pulled\n")]).await;
    push(&fixtures, &pulled, &name, "three").await;
    let force = bollard::query_parameters::RemoveImageOptionsBuilder::default().force(true).build();
    let id = fixtures.docker.inspect_image(&pulled).await.unwrap().id.unwrap();
    fixtures.docker.remove_image(&id, Some(force), None).await.expect("the fixture is removed before the pull");
    let mut heard = 0;
    let state = pull(&fixtures.docker, &format!("{name}:three"), anonymous.path(), &mut |_| heard += 1).await.unwrap();
    assert!(heard > 0 && state.layers.len() >= 2, "busybox and the data layer: {state:?}");
    assert!(state.layers.iter().all(|l| l.status == "Pull complete" || l.status == "Already exists"), "{state:?}");
    assert!(state.status.contains("Downloaded newer image"), "{state:?}");
    let three =
        client.tag_list(&fixtures.repository()).await.unwrap().tags.into_iter().find(|t| t.tag == "three").unwrap();
    assert_eq!(local_copies(&fixtures.docker, &name, &[three]).await, [LocalCopy::Same]);
    // A local image tagged for the registry and pushed, as the Registries screen's Push does.
    let mut lines = Vec::new();
    let pushed =
        tag_and_push(&fixtures.docker, &other, &format!("{name}:pushed"), anonymous.path(), &mut |l| lines.push(l))
            .await
            .unwrap();
    assert!(pushed.digest.as_deref().is_some_and(|d| d.starts_with("sha256:")), "{pushed:?} {lines:?}");
    assert!(client.tags(&fixtures.repository()).await.unwrap().names.contains(&"pushed".to_string()));
    let nowhere =
        tag_and_push(&fixtures.docker, &other, "team/app:1", anonymous.path(), &mut |_| {}).await.unwrap_err();
    assert!(nowhere.to_string().contains("must name a registry"), "{nowhere}");

    let missing = pull(&fixtures.docker, &format!("{name}:nope"), anonymous.path(), &mut |_| {}).await.unwrap_err();
    assert!(missing.to_string().contains("not found"), "{missing}");

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
    assert!(String::from_utf8_lossy(&no_registry.stderr).contains("is not a repository in a registry"));
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

    // `--platform` on the daemon's image confirms it; another platform is refused, saying why.
    let here = strata::platform::Platform::host().to_string();
    let confirmed = json(&strata(&["inspect", &image, "--platform", &here, "--json"], &env));
    assert_eq!(confirmed["platform"], here.as_str());
    for command in [&["inspect", &image][..], &["tree", &image], &["audit", &image], &["diff", &image, &remote]] {
        let refused = strata(&[command, &["--platform", "linux/s390x"]].concat(), &env);
        let said = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{command:?}: {said}");
        assert!(said.contains(&format!("the daemon's image is {here}, not linux/s390x")), "{command:?}: {said}");
        assert!(said.contains("docker pull --platform linux/s390x"), "{command:?}: {said}");
    }

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

/// `strata … --json` minus the fields that name how the image was asked for.
fn figures(mut analysis: serde_json::Value) -> serde_json::Value {
    for field in ["reference", "repo_tags"] {
        analysis.as_object_mut().unwrap().remove(field);
    }
    analysis
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multi_platform_index_is_read_as_the_platform_asked_for_from_a_registry_and_an_archive() {
    let (address, _registry, _storage) = common::registry::start();
    let dir = tempfile::tempdir().unwrap();
    let layout_dir = dir.path().join("layout");
    let layout = oci_layout::write(&layout_dir, "1", &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))]);
    let repository = format!("{address}/strata-test/multi-{}", std::process::id());
    oci_layout::copy_to_registry(&layout_dir, "1", &format!("{repository}:1"));
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let remote = format!("registry://{repository}:1");

    // By default this machine's platform; the attestation is never taken for one.
    let host = json(&strata(&["inspect", &remote, "--json"], &env));
    assert_eq!(host["platform"], strata::platform::Platform::host().to_string());
    // Each platform the index lists, with its blobs' size as the layout stores them.
    let stored = |manifest: &str| {
        let path = layout_dir.join("blobs/sha256").join(manifest.trim_start_matches("sha256:"));
        let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let layers: u64 = manifest["layers"].as_array().unwrap().iter().map(|l| l["size"].as_u64().unwrap()).sum();
        manifest["config"]["size"].as_u64().unwrap() + layers
    };
    let listed = serde_json::json!([
        {"platform": "linux/amd64", "compressed_bytes": stored(&layout.images[0].1)},
        {"platform": "linux/arm64/v8", "compressed_bytes": stored(&layout.images[1].1)},
    ]);
    assert_eq!(host["platforms"], listed);
    let arm = json(&strata(&["inspect", &remote, "--platform", "linux/arm64", "--json"], &env));
    assert_eq!(arm["platform"], "linux/arm64/v8");
    assert_eq!(arm["layers"][0]["digest"], layout.images[1].2.as_str());
    assert_eq!(arm["reference"], format!("{remote} [linux/arm64]"));
    let table =
        String::from_utf8_lossy(&strata(&["inspect", &remote, "--platform", "linux/arm64"], &env).stdout).to_string();
    let amd64 = strata::format::size(stored(&layout.images[0].1));
    assert!(
        table.contains(&format!("Platform linux/arm64/v8 (the index also lists: linux/amd64 ({amd64} stored))")),
        "{table}"
    );

    // The same index as an OCI archive: the same image for the same platform.
    let archive = dir.path().join("multi.tar");
    oci_layout::archive(&layout_dir, &archive);
    let archive = archive.to_str().unwrap();
    let from_archive = json(&strata(&["inspect", "--archive", archive, "--platform", "linux/arm64", "--json"], &env));
    assert_eq!(from_archive["platforms"], listed, "the archive lists the same sizes");
    assert_eq!(figures(from_archive), figures(arm.clone()), "registry and archive agree");

    // Two platforms of one tag compared, down to one file's text, read from the registry.
    let args = ["diff", &remote, &remote, "--platform", "linux/amd64", "--platform", "linux/arm64"];
    let diff = json(&strata(&[&args[..], &["--json"]].concat(), &env));
    let modified: Vec<&str> =
        diff["files"]["modified"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(modified, ["/etc/platform"], "{diff}");
    assert!(diff["config"].as_array().unwrap().iter().any(|c| c["field"] == "architecture"), "{diff}");
    let file = strata(&[&args[..], &["--file", "/etc/platform"]].concat(), &env);
    let text = String::from_utf8_lossy(&file.stdout);
    assert!(
        text.contains("-linux/amd64") && text.contains("+linux/arm64/v8"),
        "{text}{}",
        String::from_utf8_lossy(&file.stderr)
    );

    // Tags list each platform and count the attestation apart.
    let tags = json(&strata(&["registry", "tags", &repository, "--json"], &env));
    let images = tags["tags"][0]["images"].as_array().unwrap();
    let platforms: Vec<&str> = images.iter().map(|i| i["platform"].as_str().unwrap()).collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64/v8"]);
    assert_eq!(images[1]["digest"], layout.images[1].1.as_str());
    assert_eq!(tags["tags"][0]["attestations"], 1, "{tags}");
    assert_ne!(images[0]["digest"], layout.attestation.as_str());

    // Bad input: a platform the index lacks, from the registry and the archive; a malformed one.
    for source in [vec![remote.as_str()], vec!["--archive", archive]] {
        let missing = strata(&[&["inspect"], &source[..], &["--platform", "linux/s390x"]].concat(), &env);
        let said = String::from_utf8_lossy(&missing.stderr);
        assert_eq!(missing.status.code(), Some(1), "{said}");
        assert!(said.contains("has no linux/s390x variant; it has linux/amd64, linux/arm64/v8"), "{said}");
        assert!(said.contains("--platform linux/amd64"), "{said}");
    }
    let malformed = strata(&["inspect", &remote, "--platform", "arm64"], &env);
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("os/architecture"), "{malformed:?}");
}

/// A file of `size` bytes that gzip cannot shrink much, so its layer is about as large.
fn incompressible(size: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_reads_fetch_only_what_the_cache_lacks_and_resume_a_broken_transfer() {
    let mut fixtures = Fixtures::new("registry-cache").await;
    let big = incompressible(3 << 20, 7);
    let base = fixtures.image("base", &[("big.bin", &big)]).await;
    let dockerfile = format!("FROM {base}\nCOPY data /more\n");
    let extra = incompressible(1 << 20, 9);
    let next = fixtures.image_from("next", &dockerfile, &[("extra.bin", &extra)]).await;
    let (address, _registry, _storage) = common::registry::start();
    let proxy = RegistryProxy::to(&address);
    let name = format!("{address}/{}", fixtures.repository());
    push(&fixtures, &base, &name, "base").await;
    push(&fixtures, &next, &name, "next").await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let through_proxy = |tag: &str| format!("registry://{}/{}:{tag}", proxy.address, fixtures.repository());

    // Cold, with the connection cut a megabyte into the big layer: picked up where it broke.
    proxy.cut_once_after(1 << 20);
    let cold = json(&strata(&["inspect", &through_proxy("base"), "--json"], &env));
    let (blobs, ranges) = proxy.blob_requests();
    assert!(ranges >= 1, "the broken blob was resumed with a range request: {:?}", proxy.requests());
    assert!(blobs >= 4, "config, busybox, data, and the resumed data: {:?}", proxy.requests());
    let daemon = json(&strata(&["inspect", &base, "--json"], &env));
    assert_eq!(figures(cold.clone()), figures(daemon), "the resumed read is the daemon's image");

    // Cached: the manifest only, no blob.
    proxy.clear();
    let warm = json(&strata(&["inspect", &through_proxy("base"), "--json"], &env));
    assert_eq!(figures(warm), figures(cold));
    assert_eq!(proxy.blob_requests().0, 0, "{:?}", proxy.requests());
    assert!(proxy.requests().iter().any(|r| r.contains("/manifests/base")), "{:?}", proxy.requests());

    // A diff with a tag built on it fetches only what the two do not share: a config and a layer.
    proxy.clear();
    json(&strata(&["diff", &through_proxy("base"), &through_proxy("next"), "--json"], &env));
    let blobs: Vec<String> = proxy.requests().into_iter().filter(|r| r.contains("/blobs/")).collect();
    assert_eq!(blobs.len(), 2, "{blobs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn registries_that_want_a_sign_in_are_read_with_the_docker_clis_credentials() {
    use common::secured_registry::{self, PASSWORD, USER};
    let dir = tempfile::tempdir().unwrap();
    let layout_dir = dir.path().join("layout");
    let layout = oci_layout::write(&layout_dir, "1", &[("linux", "amd64", None)]);
    let repository = "strata-test/private";
    for (kind, registry) in
        [("TLS + Basic", secured_registry::start_tls_basic()), ("token", secured_registry::start_token())]
    {
        registry.copy_in(&layout_dir, "1", repository);
        let cache = tempfile::tempdir().unwrap();
        let env = [
            ("DOCKER_CONFIG", registry.docker_config.path().to_str().unwrap()),
            ("STRATA_CACHE_DIR", cache.path().to_str().unwrap()),
        ];
        let remote = format!("registry://{}/{repository}:1", registry.address);

        // `strata registry login`, kept by a credential helper: a wrong password is refused and
        // nothing is kept; the right one is kept by the helper, and the config holds no secret.
        #[cfg(unix)]
        {
            let home = tempfile::tempdir().unwrap();
            let (config, path, kept) =
                config_with_storing_helper(home.path(), &registry.address, registry.docker_config.path());
            let env = [("DOCKER_CONFIG", config.to_str().unwrap()), ("PATH", path.as_str())];
            let refused = login(&registry.address, "wrong", &env);
            let said = String::from_utf8_lossy(&refused.stderr);
            assert_eq!(refused.status.code(), Some(1), "{kind}: {said}");
            assert!(said.contains("refused the sign-in") && !said.contains("wrong"), "{kind}: {said}");
            assert!(!kept.exists(), "{kind}: nothing kept after a refusal");
            let taken = login(&registry.address, PASSWORD, &env);
            let said = String::from_utf8_lossy(&taken.stdout);
            assert_eq!(taken.status.code(), Some(0), "{kind}: {said}{}", String::from_utf8_lossy(&taken.stderr));
            assert!(said.contains("saved in") && said.contains("strata-store"), "{kind}: {said}");
            let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&kept).unwrap()).unwrap();
            assert_eq!((stored["Username"].as_str(), stored["Secret"].as_str()), (Some(USER), Some(PASSWORD)));
            let file = std::fs::read_to_string(config.join("config.json")).unwrap();
            assert!(!file.contains(PASSWORD) && file.contains(&registry.address), "{kind}: {file}");
            let repos = json(&strata(&["registry", "repos", &registry.address, "--json"], &env));
            assert_eq!(repos["repositories"], serde_json::json!([repository]), "{kind}: read through the helper");
        }

        // The sign-in form's check, as `docker login` makes it: a wrong password is refused.
        for (password, taken) in [("wrong", false), (PASSWORD, true)] {
            let credential = Credential::Basic { username: USER.into(), password: password.into() };
            let client =
                RegistryClient::signed_in_as(&registry.address, registry.docker_config.path(), Some(credential));
            let checked = client.check_sign_in().await;
            assert_eq!(checked.is_ok(), taken, "{kind}, password {password}: {checked:?}");
        }

        // Not signed in, then with a wrong password: refused, saying how to sign in.
        for password in [None, Some("wrong")] {
            if let Some(password) = password {
                registry.sign_in(USER, password);
            }
            let refused = strata(&["inspect", &remote], &env);
            let said = String::from_utf8_lossy(&refused.stderr);
            assert_eq!(refused.status.code(), Some(1), "{kind}: {said}");
            assert!(said.contains("refused the sign-in") && said.contains("docker login"), "{kind}: {said}");
            assert!(!said.contains(PASSWORD), "{kind}: the password is never printed");
        }

        registry.sign_in(USER, PASSWORD);
        let inspected = json(&strata(&["inspect", &remote, "--json"], &env));
        assert_eq!(inspected["layers"][0]["digest"], layout.images[0].2.as_str(), "{kind}");
        let tags = json(&strata(&["registry", "tags", &format!("{}/{repository}", registry.address), "--json"], &env));
        assert_eq!(tags["tags"][0]["tag"], "1", "{kind}: {tags}");
        // The catalog: a token registry grants it to a token asked for `registry:catalog:*`.
        let repos = json(&strata(&["registry", "repos", &registry.address, "--json"], &env));
        assert_eq!(repos["repositories"], serde_json::json!([repository]), "{kind}: {repos}");
    }

    // TLS without its CA in certs.d: refused, saying where the CA goes.
    let registry = secured_registry::start_tls_basic();
    let bare = tempfile::tempdir().unwrap();
    let env = [("DOCKER_CONFIG", bare.path().to_str().unwrap())];
    let untrusted = strata(&["registry", "repos", &registry.address], &env);
    let said = String::from_utf8_lossy(&untrusted.stderr);
    assert_eq!(untrusted.status.code(), Some(1), "{said}");
    assert!(said.contains(&format!("certs.d/{}/ca.crt", registry.address)), "{said}");
}

#[test]
fn a_registry_is_added_to_the_list_and_marked_insecure_by_its_scheme() {
    let config = tempfile::tempdir().unwrap();
    let env = [("STRATA_CONFIG_DIR", config.path().to_str().unwrap())];
    let added = strata(&["registry", "add", "http://registry.lan:5000"], &env);
    assert_eq!(String::from_utf8_lossy(&added.stdout), "Added registry.lan:5000 (plain HTTP).\n");
    let kept = std::fs::read_to_string(config.path().join("registries.json")).unwrap();
    assert!(kept.contains("http://registry.lan:5000"), "{kept}");
    let refused = strata(&["registry", "add", "registry.lan/team"], &env);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a registry's address"));
}
