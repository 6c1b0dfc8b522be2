//! `strata audit` side by side with the tools it is measured against: Yelp's `detect-secrets`
//! (PyPI), run over every layer's files extracted from the same image, and the SARIF 2.1.0 JSON
//! schema (tests/fixtures/), checked with Python's `jsonschema`. Both come from `.tools/venv`,
//! which `make deps` fills and the Makefile puts on PATH.
//!
//! The fixture plants one secret per file, some in a folder a later layer deletes, and more in the
//! config (ENV, LABEL, a RUN line kept in the history) where a file scanner cannot look. The
//! planted files are the truth: a finding in any other file is a false one.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{strata, Fixtures};
use serde_json::Value;

/// The secrets, assembled from parts so that none sits whole in this source, and the files that
/// hold them: (path in the build context's `data/`, content).
fn planted_files() -> Vec<(&'static str, String)> {
    let github = format!("ghp_{}", "Pw4Lk9Mn2Bv7".repeat(3));
    let aws_id = format!("AKIA{}", "R4T7Y2U9I3O6P1A8");
    let aws_secret = format!("{}{}", "Qm3Wn8Eb2Rv6Tc1Yx5Uz9Io4", "Pa7Sd0Fg3Hj6Kl9Z");
    let key_body = "MIIEpAIBAAKCAQEAu3Kf8w2Zq9Lr5Tn1Vx7Yb4Mc6Pd0Se2Hg8Jk3Nl5Qo1Rs9Ut7Wv";
    let slack =
        format!("https://hooks.slack.com/services/T{}/B{}/{}", "0A1B2C3D4", "5E6F7G8H9", "Xy7Zq2Wv9Ut4Sr6Pq1On3Ml8");
    let stripe = format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc");
    let jwt = format!(
        "{}.{}.{}",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        "eyJzdWIiOiJzdHJhdGEtdGVzdCIsIm5hbWUiOiJmaXh0dXJlIn0",
        "Kx9Lm2Nb7Vc4Xz1Qw8Er5Ty3Ui6Op0As"
    );
    let npm = format!("npm_{}", "Gh5Jk8Lz2Xc4".repeat(3));
    let rsa = ["-----BEGIN RSA ", "PRIVATE KEY-----"].concat();
    let rsa_end = ["-----END RSA ", "PRIVATE KEY-----"].concat();
    vec![
        ("app/.env", format!("GITHUB_TOKEN={github}\n")),
        ("app/credentials", format!("[default]\naws_access_key_id = {aws_id}\naws_secret_access_key = {aws_secret}\n")),
        ("app/id_rsa", format!("{rsa}\n{key_body}\n{rsa_end}\n")),
        ("app/hooks.txt", format!("alerts go to {slack}\n")),
        ("app/billing.py", format!("STRIPE_KEY = \"{stripe}\"\n")),
        ("app/session.txt", format!("{jwt}\n")),
        ("gone/.npmrc", format!("//registry.npmjs.org/:_authToken={npm}\n")),
        ("gone/notes.txt", "the password is in the vault; ask ops\n".to_string()),
    ]
}

/// Where each planted file ends up in the image, with the layer (from 0) that adds it.
fn in_image(data_path: &str) -> (String, u64) {
    match data_path.split_once('/') {
        Some(("app", rest)) => (format!("/app/{rest}"), 1),
        Some(("gone", rest)) => (format!("/secrets/{rest}"), 2),
        _ => unreachable!("every planted file is under app/ or gone/"),
    }
}

const DOCKERFILE_TAIL: &str = "USER 1000\nHEALTHCHECK CMD [\"/bin/busybox\", \"true\"]\n";

/// Builds the fixture: busybox, app/ (kept), gone/ (deleted by the next layer), and secrets in an
/// ENV, a LABEL and a RUN line.
async fn planted_image(fixtures: &mut Fixtures) -> String {
    let gitlab = format!("glpat-{}", "Fv8Bn3Mq6Wz1Xc4Ry7Tu");
    let password = format!("{}{}", "Sl4te-Gr", "ey9Q");
    let dockerfile = format!(
        "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data/app /app\nCOPY data/gone /secrets\n\
         RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox rm -r /secrets # redis://cache:{password}@redis:6379\"]\n\
         ENV CI_TOKEN={gitlab}\nLABEL backup=\"postgres://backup:{password}@db/app\"\n{DOCKERFILE_TAIL}"
    );
    let files = planted_files();
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(path, text)| (*path, text.as_bytes())).collect();
    fixtures.image_from("planted", &dockerfile, &borrowed).await
}

/// Unpacks a `docker save` archive into `dir`, each layer into `dir/layer-N/` (N from 0).
fn unpack_layers(saved: &[u8], dir: &Path) -> Vec<PathBuf> {
    let whole = dir.join("archive");
    tar::Archive::new(saved).unpack(&whole).expect("the saved archive unpacks");
    let manifest: Value = serde_json::from_slice(&std::fs::read(whole.join("manifest.json")).unwrap()).unwrap();
    let layers = manifest[0]["Layers"].as_array().expect("a manifest with layers");
    layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let target = dir.join(format!("layer-{index}"));
            let blob = std::fs::File::open(whole.join(layer.as_str().unwrap())).unwrap();
            tar::Archive::new(blob).unpack(&target).expect("a layer unpacks");
            target
        })
        .collect()
}

/// detect-secrets over every file of every unpacked layer: (layer, path in the image) of each
/// file it reports, and how many secrets it reported in all.
fn detect_secrets_on(layers: &[PathBuf]) -> (BTreeSet<(u64, String)>, usize) {
    let root = layers[0].parent().unwrap();
    let output = Command::new("detect-secrets")
        .args(["scan", "--all-files"])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .expect("detect-secrets is installed (PyPI; `make deps` puts it in .tools/venv)");
    assert!(output.status.success(), "detect-secrets failed");
    let report: Value = serde_json::from_slice(&output.stdout).expect("detect-secrets prints JSON");
    let mut files = BTreeSet::new();
    let mut secrets = 0;
    for (file, found) in report["results"].as_object().expect("detect-secrets results") {
        let Some(rest) = file.strip_prefix("layer-") else { continue };
        let (index, path) = rest.split_once('/').unwrap();
        files.insert((index.parse().unwrap(), format!("/{path}")));
        secrets += found.as_array().map_or(0, Vec::len);
    }
    (files, secrets)
}

/// Strata's secret findings: (layer added, path) of each file finding, and the config findings.
fn strata_secrets(report: &Value) -> (BTreeSet<(u64, String)>, Vec<String>) {
    let mut files = BTreeSet::new();
    let mut config = Vec::new();
    for finding in report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "secret") {
        let path = finding["path"].as_str().unwrap().to_string();
        if finding["where"] == "file" {
            files.insert((finding["layer_added"].as_u64().unwrap(), path));
        } else {
            config.push(format!("{} {}", finding["where"].as_str().unwrap(), path));
        }
    }
    (files, config)
}

#[tokio::test(flavor = "multi_thread")]
async fn strata_finds_every_secret_detect_secrets_finds_and_the_config_ones_it_cannot_see() {
    let mut fixtures = Fixtures::new("audit-peers").await;
    let image = planted_image(&mut fixtures).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let output = strata(&["audit", &image, "--json", "--fail-on", "never"], &env);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let (ours, our_config) = strata_secrets(&report);

    let unpacked = tempfile::tempdir().unwrap();
    let layers = unpack_layers(&fixtures.export(&image).await, unpacked.path());
    let (theirs, their_count) = detect_secrets_on(&layers);

    // The truth: the planted files that hold a secret (notes.txt holds none).
    let truth: BTreeSet<(u64, String)> = planted_files()
        .iter()
        .filter(|(path, _)| !path.ends_with("notes.txt"))
        .map(|(path, _)| {
            let (in_image, layer) = in_image(path);
            (layer, in_image)
        })
        .collect();
    let tally = |found: &BTreeSet<(u64, String)>| {
        let right = found.intersection(&truth).count();
        (right, found.len() - right)
    };
    let (our_true, our_false) = tally(&ours);
    let (their_true, their_false) = tally(&theirs);
    eprintln!(
        "planted files: {}; Strata: {our_true} true, {our_false} false files, {} config findings; \
         detect-secrets: {their_true} true, {their_false} false files ({their_count} secrets), no config",
        truth.len(),
        our_config.len()
    );

    let missed: Vec<_> = theirs.intersection(&truth).filter(|file| !ours.contains(*file)).collect();
    assert!(missed.is_empty(), "detect-secrets found secrets Strata did not: {missed:?}");
    assert_eq!(our_true, truth.len(), "Strata finds every planted file: {ours:?}");
    assert_eq!(our_false, 0, "and nothing else: {ours:?}");
    assert!(their_true >= 5, "the comparison means something only if detect-secrets finds most: {theirs:?}");
    for place in ["env env.CI_TOKEN", "label labels.backup"] {
        assert!(our_config.iter().any(|c| c == place), "{place} in {our_config:?}");
    }
    assert!(our_config.iter().any(|c| c.starts_with("history ")), "the RUN line's password: {our_config:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sarif_report_is_valid_sarif_2_1_0() {
    let mut fixtures = Fixtures::new("audit-sarif").await;
    let image = planted_image(&mut fixtures).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];
    let output = strata(&["audit", &image, "--sarif", "--fail-on", "never"], &env);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty(), "findings to validate");

    assert_eq!(sarif_errors(&sarif), "", "SARIF schema errors");
    // The check bites: a run without its tool's driver is refused.
    let mut broken = sarif.clone();
    broken["runs"][0]["tool"] = serde_json::json!({});
    assert!(sarif_errors(&broken).contains("driver"), "the schema check found nothing wrong in a broken report");
}

/// What the SARIF 2.1.0 schema says is wrong with `document`: empty when nothing is.
fn sarif_errors(document: &Value) -> String {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let validate = "import json, sys, jsonschema\n\
         schema = json.load(open(sys.argv[1]))\n\
         errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(json.load(sys.stdin)), key=str)\n\
         for e in errors[:5]: print('/'.join(map(str, e.absolute_path)), e.message[:200])\n";
    let mut python = Command::new("python3")
        .args(["-c", validate, schema.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema (`make deps` puts it in .tools/venv)");
    std::io::Write::write_all(&mut python.stdin.take().unwrap(), &serde_json::to_vec(document).unwrap()).unwrap();
    let checked = python.wait_with_output().unwrap();
    assert!(checked.status.success(), "the schema check ran");
    String::from_utf8_lossy(&checked.stdout).trim().to_string()
}
