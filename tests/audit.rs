//! `strata audit` against the real daemon, on fixture images that plant secrets in each place of
//! the config the audit reads — an environment variable, a label, a `RUN` line kept in the
//! history — and in files: kept, deleted by a later layer, overwritten by a later layer, across a
//! tar block and a read buffer; also read from an OCI archive with gzip layers. The planted
//! secrets are assembled here from parts, and the tests grep everything Strata printed and cached
//! for them: no secret is ever kept whole.

mod common;

use common::{json, strata, Fixtures};
use serde_json::Value;

/// (rule, where) of each finding.
fn found(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["path"].as_str().unwrap().to_string()))
        .collect()
}

/// Every byte of every file under `dir`, as text.
fn everything_under(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&everything_under(&path));
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()));
        }
    }
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_in_env_labels_and_history_are_found_and_never_printed_whole() {
    let mut fixtures = Fixtures::new("audit").await;
    let token = format!("ghp_{}", "Zq7Xw2Vb9Nm4".repeat(3));
    let password = format!("{}-{}", "Tr0ub4dor", "x9Q");
    let dockerfile = format!(
        "FROM scratch\nCOPY busybox /bin/busybox\nENV API_TOKEN={token} PATH=/bin\n\
         LABEL deploy=\"mysql://app:{password}@db:3306/app\"\n\
         RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo postgres://app:{password}@db/app && /bin/busybox touch /ran\"]\n\
         EXPOSE 22\nCMD [\"/bin/busybox\", \"sleep\", \"3600\"]\n"
    );
    let leaky = fixtures.image_from("leaky", &dockerfile, &[]).await;
    let clean_file = "FROM scratch\nCOPY busybox /bin/busybox\nUSER 1000\n\
         HEALTHCHECK CMD [\"/bin/busybox\", \"true\"]\nCMD [\"/bin/busybox\", \"sleep\", \"3600\"]\n";
    let clean = fixtures.image_from("clean", clean_file, &[]).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    // The leaky image fails the default policy (any secret), with every planted secret found.
    let output = strata(&["audit", &leaky, "--json"], &env);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["passed"], false);
    let findings = found(&report);
    for expected in [
        ("github-token", "env.API_TOKEN"),
        ("database-url-password", "labels.deploy"),
        ("runs-as-root", "user"),
        ("no-healthcheck", "healthcheck"),
        ("ssh-port-exposed", "exposed_ports.22/tcp"),
    ] {
        assert!(findings.contains(&(expected.0.into(), expected.1.into())), "{expected:?} in {findings:?}");
    }
    let in_history: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["where"] == "history" && f["rule"] == "database-url-password")
        .collect();
    // The LABEL step is in the history too (on layer 0); the RUN line made layer 1.
    assert_eq!(in_history.len(), 2, "the LABEL and RUN lines' password: {findings:?}");
    assert!(in_history.iter().any(|f| f["layer_added"] == 1), "the RUN's layer, counted from 0: {in_history:?}");
    let github = report["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "github-token").unwrap();
    assert_eq!(github["preview"], "ghp_…(40)");
    assert_eq!(github["severity"], "critical");

    // The table says the same.
    let table = strata(&["audit", &leaky], &env);
    let printed = String::from_utf8_lossy(&table.stdout).to_string();
    assert!(printed.contains("github-token") && printed.contains("FAILED"), "{printed}");

    // No secret is kept whole: not in what was printed, nor anywhere in the cache (the config is
    // redacted as soon as it is read).
    let everything = format!(
        "{}{}{}{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        printed,
        String::from_utf8_lossy(&table.stderr),
        everything_under(cache.path())
    );
    for secret in [&token, &password] {
        assert!(!everything.contains(secret.as_str()), "a secret was printed or cached whole");
    }

    // Policies: never fails nothing; critical fails on the token; settings alone pass `secrets`.
    assert_eq!(strata(&["audit", &leaky, "--fail-on", "never"], &env).status.code(), Some(0));
    assert_eq!(strata(&["audit", &leaky, "--fail-on", "critical"], &env).status.code(), Some(1));
    let wrong = strata(&["audit", &leaky, "--fail-on", "loud"], &env);
    assert_eq!(wrong.status.code(), Some(2), "a policy that is not one is a usage error");

    // The clean image: no user or healthcheck complaint, no secret, passes every policy.
    let report = json(&strata(&["audit", &clean, "--json", "--fail-on", "low"], &env));
    assert_eq!(report["findings"], serde_json::json!([]), "no secret, no risky setting, no advice");
    assert_eq!(report["passed"], true);
}

/// The image's `docker save` archive rewritten as an OCI image layout whose layers are gzip
/// blobs, as registries and `skopeo` store them.
fn oci_archive_with_gzip_layers(saved: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    let mut files = std::collections::HashMap::new();
    for entry in tar::Archive::new(saved).entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(name, bytes);
    }
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let mut blobs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut blob = |bytes: Vec<u8>| {
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(&bytes)));
        let size = bytes.len();
        blobs.push((digest.clone(), bytes));
        (digest, size)
    };
    let (config_digest, config_size) = blob(files[manifest[0]["Config"].as_str().unwrap()].clone());
    let layers: Vec<Value> = manifest[0]["Layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|layer| {
            let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gzip.write_all(&files[layer.as_str().unwrap()]).unwrap();
            let (digest, size) = blob(gzip.finish().unwrap());
            serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
        })
        .collect();
    let image_manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": layers,
    });
    let (manifest_digest, manifest_size) = blob(image_manifest.to_string().into_bytes());
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size,
        "annotations": {"org.opencontainers.image.ref.name": "audit"},
    }]});
    let mut archive = tar::Builder::new(Vec::new());
    let mut add = |name: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        archive.append_data(&mut header, name, bytes).unwrap();
    };
    add("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
    add("index.json", index.to_string().as_bytes());
    for (digest, bytes) in &blobs {
        add(&format!("blobs/sha256/{}", &digest[7..]), bytes);
    }
    archive.into_inner().unwrap()
}

/// (rule, path, layer added, layer hidden) of each finding in a file.
fn in_files(report: &Value) -> Vec<(String, String, Value, Value)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["where"] == "file" && f["kind"] == "secret")
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap().to_string();
            (text("rule"), text("path"), f["layer_added"].clone(), f["layer_hidden"].clone())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_in_every_layers_files_are_found_where_they_still_ship() {
    let mut fixtures = Fixtures::new("audit-files").await;
    // Assembled from parts: no whole secret sits in this source.
    let github = format!("ghp_{}", "Hk3Lm8Pq2Rs7".repeat(3));
    let aws_id = format!("AKIA{}", "Q7W3E9R2T5Y8U1I4");
    let aws_secret = format!("{}{}", "Zx8Cv2Bn5Mq9Wl3Er7Ty1Ui4", "Op6As0Df2Gh5Jk8L");
    let npm = format!("npm_{}", "Vb6Nm1Qw7Er2".repeat(3));
    let key_line = format!("-----BEGIN {}PRIVATE KEY-----", "OPENSSH ");
    let registry_login = "c3RyYXRhOnMzY3IzdC1sb2dpbg==".to_string();
    // A token that crosses a tar block (512 bytes) and one that crosses a 256 KiB read.
    let mut big = vec![b'.'; 1 << 20];
    big[500..540].copy_from_slice(github.as_bytes());
    big[(256 << 10) - 20..(256 << 10) + 20].copy_from_slice(github.as_bytes());
    let files: Vec<(String, Vec<u8>)> = vec![
        ("keep/.env".into(), format!("GITHUB_TOKEN={github}\n").into_bytes()),
        (
            "keep/credentials".into(),
            format!("[default]\naws_access_key_id = {aws_id}\naws_secret_access_key = {aws_secret}\n").into_bytes(),
        ),
        ("keep/big.txt".into(), big),
        ("gone/id_ed25519".into(), format!("{key_line}\nb3BlbnNzaC1rZXktdjEAAAAA\n").into_bytes()),
        ("gone/.npmrc".into(), format!("//registry.npmjs.org/:_authToken={npm}\n").into_bytes()),
        (
            "docker/config.json".into(),
            format!(r#"{{"auths": {{"registry.example": {{"auth": "{registry_login}"}}}}}}"#).into_bytes(),
        ),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())).collect();
    let dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data/keep /app\nCOPY data/gone /secrets\n\
         COPY data/docker /root/.docker\n\
         RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox rm -r /secrets && echo '{}' > /root/.docker/config.json\"]\n\
         USER 1000\nHEALTHCHECK CMD [\"/bin/busybox\", \"true\"]\n";
    let leaky = fixtures.image_from("files", dockerfile, &borrowed).await;
    let cache = tempfile::tempdir().unwrap();
    let env = [("STRATA_CACHE_DIR", cache.path().to_str().unwrap())];

    let output = strata(&["audit", &leaky, "--json"], &env);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found = in_files(&report);
    let expected = [
        ("github-token", "/app/.env", 1, None),
        ("aws-access-key-id", "/app/credentials", 1, None),
        ("aws-secret-access-key", "/app/credentials", 1, None),
        ("private-key", "/secrets/id_ed25519", 2, Some(4)),
        ("npm-token", "/secrets/.npmrc", 2, Some(4)),
        ("docker-config-auth", "/root/.docker/config.json", 3, Some(4)),
    ];
    for (rule, path, added, hidden) in expected {
        let want = (rule.to_string(), path.to_string(), serde_json::json!(added), serde_json::json!(hidden));
        assert!(found.contains(&want), "{want:?} in {found:#?}");
    }
    let in_big = found.iter().filter(|f| f.1 == "/app/big.txt").count();
    assert_eq!(in_big, 2, "the tokens across a tar block and a read: {found:#?}");
    let messages: Vec<&str> =
        report["findings"].as_array().unwrap().iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.ends_with("deleted in layer 4, still shipped in layer 2")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.ends_with("overwritten in layer 4, still shipped in layer 3")), "{messages:#?}");
    assert_eq!(report["skipped_files"]["too_large"], 0);

    // A second audit reads the cache: the same findings, no export.
    let again = json(&strata(&["audit", &leaky, "--json", "--fail-on", "never"], &env));
    assert_eq!(in_files(&again), found);

    // A lower size limit passes big.txt over and says so; its read is cached apart, so the
    // default limit still finds what big.txt holds.
    let limit = ["audit", &leaky, "--json", "--fail-on", "never", "--max-file-size", "512KiB"];
    let limited = json(&strata(&limit, &env));
    assert_eq!(limited["skipped_files"]["too_large"], 2, "big.txt (1 MiB) and busybox (2 MB)");
    assert_eq!(limited["skipped_files"]["size_limit"], 512 * 1024);
    assert!(in_files(&limited).iter().all(|f| f.1 != "/app/big.txt"), "{limited:#?}");
    let table = strata(&["audit", &leaky, "--fail-on", "never", "--max-file-size", "512KiB"], &env);
    let table = String::from_utf8_lossy(&table.stdout).to_string();
    assert!(table.contains("Not read for secrets: 2 files over 524 kB"), "{table}");
    assert_eq!(in_files(&json(&strata(&["audit", &leaky, "--json", "--fail-on", "never"], &env))), found);
    let wrong = strata(&["audit", &leaky, "--max-file-size", "lots"], &env);
    assert_eq!(wrong.status.code(), Some(2), "a size that is not one is a usage error");

    // The same image as an OCI archive with gzip layers: the same secrets in files.
    let archive_dir = tempfile::tempdir().unwrap();
    let archive = archive_dir.path().join("leaky-oci.tar");
    std::fs::write(&archive, oci_archive_with_gzip_layers(&fixtures.export(&leaky).await)).unwrap();
    let from_archive =
        json(&strata(&["audit", "--archive", archive.to_str().unwrap(), "--json", "--fail-on", "never"], &env));
    assert_eq!(in_files(&from_archive), found);

    // SARIF: a result per finding, the secret only as preview and fingerprint.
    let sarif_output = strata(&["audit", &leaky, "--sarif", "--fail-on", "never"], &env);
    let sarif: Value = serde_json::from_slice(&sarif_output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), report["findings"].as_array().unwrap().len());

    // An allow-list marks what it covers, which then no longer fails the audit; a broken one
    // names its line.
    let project = tempfile::tempdir().unwrap();
    let allow = project.path().join(".strata-audit.yaml");
    std::fs::write(&allow, "allow:\n  - path: /secrets/**\n    reason: removed before shipping\n  - rule: github-token\n    reason: a revoked test token\n  - path: /app/credentials\n    reason: test keys\n  - path: /root/.docker/*\n    reason: a throwaway registry\n").unwrap();
    let allowed = strata(&["audit", &leaky, "--json", "--config", allow.to_str().unwrap()], &env);
    let allowed_report: Value = serde_json::from_slice(&allowed.stdout).unwrap();
    let secrets: Vec<&Value> =
        allowed_report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "secret").collect();
    assert!(secrets.iter().all(|f| f["allowed"] == true), "{secrets:#?}");
    assert_eq!(allowed.status.code(), Some(0), "every secret allowed: the audit passes");
    std::fs::write(&allow, "allow:\n  - rule: jwt\n    reasn: typo\n").unwrap();
    let broken = strata(&["audit", &leaky, "--config", allow.to_str().unwrap()], &env);
    let said = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(broken.status.code(), Some(1), "{said}");
    assert!(said.contains(".strata-audit.yaml") && said.contains("line 3"), "{said}");

    // Nothing printed or cached holds a secret whole.
    let everything = format!(
        "{}{}{}{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&sarif_output.stdout),
        String::from_utf8_lossy(&allowed.stdout),
        everything_under(cache.path()),
    );
    for secret in [&github, &aws_id, &aws_secret, &npm, &registry_login] {
        assert!(!everything.contains(secret.as_str()), "a secret was printed or cached whole");
    }
}
