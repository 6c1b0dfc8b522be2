//! What Strata does when a registry answers badly: each case is one clear line and exit code 1,
//! nothing cached from a refused blob, never a panic. The registry here is a fake that answers
//! as told (`common::fake_registry`), serving a real image written by the test.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::fake_registry::{Answer, FakeRegistry, Request};
use common::{json, oci_layout, strata};

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// The image the fake serves: its manifest's digest and the blobs folder.
#[derive(Clone)]
struct Served {
    manifest: String,
    layer: String,
    blobs: PathBuf,
}

impl Served {
    fn write(dir: &Path) -> Served {
        let layout = oci_layout::write(dir, "1", &[("linux", "amd64", None)]);
        let blobs = dir.join("blobs/sha256");
        let manifest = layout.images[0].1.clone();
        let bytes = std::fs::read(blobs.join(manifest.trim_start_matches("sha256:"))).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let layer = parsed["layers"][0]["digest"].as_str().unwrap().to_string();
        Served { manifest, layer, blobs }
    }

    fn blob(&self, digest: &str) -> Vec<u8> {
        std::fs::read(self.blobs.join(digest.trim_start_matches("sha256:"))).unwrap_or_default()
    }

    /// A registry's normal answers: `/v2/`, the manifest as tag `1` or by digest, the blobs.
    fn answer(&self, request: &Request) -> Answer {
        let path = request.target.split('?').next().unwrap_or_default();
        if path == "/v2/" {
            return Answer::new(200, "{}");
        }
        if path.contains("/manifests/") {
            return Answer::new(200, self.blob(&self.manifest))
                .with("Content-Type", MANIFEST)
                .with("Docker-Content-Digest", &self.manifest);
        }
        if let Some((_, digest)) = path.split_once("/blobs/") {
            let bytes = self.blob(digest);
            if !bytes.is_empty() {
                return Answer::new(200, bytes).with("Docker-Content-Digest", digest);
            }
        }
        Answer::error(404, "BLOB_UNKNOWN", "blob unknown to registry")
    }
}

/// Runs `strata inspect registry://ADDRESS/app:1` with a fresh cache; (exit code, stderr).
fn inspect(address: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let cache = tempfile::tempdir().unwrap();
    let mut env = env.to_vec();
    env.push(("STRATA_CACHE_DIR", cache.path().to_str().unwrap()));
    let output = strata(&["inspect", &format!("registry://{address}/app:1"), "--json"], &env);
    (output.status.code(), String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn refusals_and_failures_are_said_in_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::write(dir.path());
    let registry = FakeRegistry::start({
        let served = served.clone();
        move |request| served.answer(request)
    });
    let (code, said) = inspect(&registry.address, &[]);
    assert_eq!(code, Some(0), "the fake serves a good image: {said}");

    let cases: [(Answer, &[&str]); 4] = [
        (Answer::error(500, "UNKNOWN", "storage backend down"), &["failed on its side (HTTP 500)", "Try again later"]),
        (
            Answer::new(503, "<html><body>Service   Unavailable</body></html>"),
            &["(HTTP 503): <html><body>Service Unavailable"],
        ),
        (
            Answer::error(429, "TOOMANYREQUESTS", "pull rate limit"),
            &["asks to slow down", "pull rate limit", "Wait a minute"],
        ),
        (
            Answer::error(403, "DENIED", "requested access to the resource is denied"),
            &["refused the sign-in", "docker login"],
        ),
    ];
    for (answer, expected) in cases {
        let answer = Arc::new(answer);
        let served = served.clone();
        registry.answer_with(move |request| {
            if request.target.contains("/manifests/") {
                Answer { status: answer.status, headers: answer.headers.clone(), body: answer.body.clone() }
            } else {
                served.answer(request)
            }
        });
        let (code, said) = inspect(&registry.address, &[]);
        assert_eq!(code, Some(1), "{said}");
        assert_eq!(said.lines().next().map(|l| l.starts_with("strata: ")), Some(true), "{said}");
        for words in expected {
            assert!(said.contains(words), "{words:?} in {said}");
        }
    }
}

#[test]
fn a_manifest_or_blob_that_is_not_what_its_digest_says_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::write(dir.path());
    let registry = FakeRegistry::start(|_| Answer::new(404, ""));
    let wrong = format!("sha256:{}", "0".repeat(64));

    // The manifest's digest header names other bytes.
    let (serving, header) = (served.clone(), wrong.clone());
    registry.answer_with(move |request| {
        let answer = serving.answer(request);
        if !request.target.contains("/manifests/") {
            return answer;
        }
        Answer {
            headers: vec![("Content-Type".into(), MANIFEST.into()), ("Docker-Content-Digest".into(), header.clone())],
            ..answer
        }
    });
    let (code, said) = inspect(&registry.address, &[]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.to_lowercase().contains("digest"), "{said}");

    // The layer's bytes are changed: same length, another digest.
    let serving = served.clone();
    let layer = served.layer.clone();
    registry.answer_with(move |request| {
        let mut answer = serving.answer(request);
        if request.target.ends_with(&layer) {
            let last = answer.body.len() - 1;
            answer.body[last] ^= 0xff;
        }
        answer
    });
    let (code, said) = inspect(&registry.address, &[]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains(&format!("the blob {} arrived with the digest sha256:", served.layer)), "{said}");
    assert!(said.contains("refused"), "{said}");

    // The layer ends short: the registry sends fewer bytes than the manifest gives.
    let serving = served.clone();
    let layer = served.layer.clone();
    registry.answer_with(move |request| {
        let mut answer = serving.answer(request);
        if request.target.ends_with(&layer) {
            answer.body.truncate(answer.body.len() / 2);
        }
        answer
    });
    let (code, said) = inspect(&registry.address, &[]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains(&format!("the blob {} ended after", served.layer)), "{said}");
}

#[test]
fn blobs_redirected_to_another_host_are_fetched_without_the_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::write(dir.path());
    let storage = FakeRegistry::start({
        let served = served.clone();
        move |request| {
            let digest = request.target.rsplit('/').next().unwrap_or_default();
            Answer::new(200, served.blob(digest))
        }
    });
    let storage_address = storage.address.clone();
    let registry = FakeRegistry::start({
        let served = served.clone();
        move |request| {
            if request.header("authorization").is_none() {
                return Answer::error(401, "UNAUTHORIZED", "sign in").with("WWW-Authenticate", "Basic realm=\"fake\"");
            }
            match request.target.split_once("/blobs/") {
                Some((_, digest)) => {
                    Answer::new(307, "").with("Location", &format!("http://{storage_address}/storage/{digest}"))
                }
                None => served.answer(request),
            }
        }
    });
    let config = tempfile::tempdir().unwrap();
    let auth = "dXNlcjpwYXNzd29yZA=="; // user:password
    std::fs::write(
        config.path().join("config.json"),
        format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, registry.address),
    )
    .unwrap();

    let (code, said) = inspect(&registry.address, &[("DOCKER_CONFIG", config.path().to_str().unwrap())]);
    assert_eq!(code, Some(0), "{said}");
    let fetched = storage.requests();
    assert!(fetched.len() >= 2, "the config and the layer came from the storage host: {fetched:?}");
    assert!(
        fetched.iter().all(|r| r.header("authorization").is_none()),
        "credentials stay with the registry: {fetched:?}"
    );
    assert!(registry
        .requests()
        .iter()
        .any(|r| r.target.contains("/blobs/") && r.header("authorization") == Some(&format!("Basic {auth}"))));
}

#[test]
fn an_expired_token_mid_transfer_is_renewed_once() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::write(dir.path());
    let issued = Arc::new(AtomicUsize::new(0));
    let registry = FakeRegistry::start(|_| Answer::new(404, ""));
    let (realm, tokens, layer) = (format!("http://{}/token", registry.address), issued.clone(), served.layer.clone());
    registry.answer_with(move |request| {
        if request.target.starts_with("/token") {
            let number = tokens.fetch_add(1, Ordering::SeqCst) + 1;
            return Answer::new(200, format!(r#"{{"token":"t{number}","expires_in":300}}"#))
                .with("Content-Type", "application/json");
        }
        let bearer = request.header("authorization").unwrap_or_default().to_string();
        // The first token "expires" before the layer is fetched; any later one is good.
        let expired = bearer.is_empty() || (bearer == "Bearer t1" && request.target.ends_with(&layer));
        if expired {
            let challenge = format!("Bearer realm=\"{realm}\",service=\"fake\",scope=\"repository:app:pull\"");
            return Answer::error(401, "UNAUTHORIZED", "token expired").with("WWW-Authenticate", &challenge);
        }
        served.answer(request)
    });
    let (code, said) = inspect(&registry.address, &[]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(issued.load(Ordering::SeqCst), 2, "one token, then one renewal");
}

#[test]
fn a_tag_list_that_pages_forever_is_cut_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::write(dir.path());
    let registry = FakeRegistry::start(move |request| {
        if !request.target.contains("/tags/list") {
            return served.answer(request);
        }
        let query = request.target.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let next: usize = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "last")
            .and_then(|(_, value)| value.trim_start_matches('t').parse().ok())
            .map_or(0, |n: usize| n + 1);
        let tags: Vec<String> = (next..next + 1000).map(|n| format!("t{n:07}")).collect();
        Answer::new(200, serde_json::json!({"name": "app", "tags": tags}).to_string())
            .with("Content-Type", "application/json")
    });
    let output = strata(&["registry", "tags", &format!("{}/app", registry.address), "--json"], &[]);
    let listed = json(&output);
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        registry.requests().iter().filter(|r| r.target.contains("/tags/list")).count(),
        100,
        "cut after 100 pages"
    );
    assert_eq!(listed["cut"], true);
    let tags = listed["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 100_000);
    assert_eq!(tags[0]["images"][0]["platform"], "linux/amd64", "the first tags come with details");
    assert!(tags[100].get("images").is_none() && tags[100]["tag"] == "t0000100", "the rest by name: {}", tags[100]);
    assert!(said.contains("has more tags than the 100000 listed here"), "{said}");
}

#[test]
fn a_tag_that_cannot_be_read_is_named_and_the_others_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::write(dir.path());
    let registry = FakeRegistry::start(move |request| {
        if request.target.contains("/tags/list") {
            return Answer::new(200, r#"{"name": "app", "tags": ["1", "gone", "2"]}"#)
                .with("Content-Type", "application/json");
        }
        if request.target.ends_with("/manifests/gone") {
            return Answer::error(404, "MANIFEST_UNKNOWN", "manifest unknown");
        }
        served.answer(request)
    });
    let repository = format!("{}/app", registry.address);
    let listed = json(&strata(&["registry", "tags", &repository, "--json"], &[]));
    let tags = listed["tags"].as_array().unwrap();
    let names: Vec<&str> = tags.iter().map(|t| t["tag"].as_str().unwrap()).collect();
    assert_eq!(names, ["1", "2", "gone"], "read tags first, then the unread one: {listed}");
    assert_eq!(tags[1]["images"][0]["platform"], "linux/amd64");
    assert!(tags[2]["unread"].as_str().unwrap().contains("manifest unknown"), "{listed}");
    let table = strata(&["registry", "tags", &repository], &[]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(table.status.code(), Some(0), "{text}");
    assert!(text.contains("gone: not read:") && text.contains("manifest unknown"), "{text}");
}
