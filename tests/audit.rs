//! `strata audit` against the real daemon, on a fixture image that plants a secret in each place
//! of its config the audit reads — an environment variable, a label, a `RUN` line kept in the
//! history — and declares no user and no healthcheck; and on one that plants none. The planted
//! secrets are assembled here from parts, and the test greps everything Strata printed and cached
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

    // The table says the same, and what it did not read.
    let table = strata(&["audit", &leaky], &env);
    let printed = String::from_utf8_lossy(&table.stdout).to_string();
    assert!(printed.contains("github-token") && printed.contains("FAILED"), "{printed}");
    assert!(printed.contains("Not read yet: the files of the layers."), "{printed}");

    // No secret is kept whole: not in what was printed, nor in the layer indexes. (The cache's
    // image records still hold the config as the daemon gave it: see the audit's notes.)
    let everything = format!(
        "{}{}{}{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        printed,
        String::from_utf8_lossy(&table.stderr),
        everything_under(&cache.path().join("index-v3").join("layers"))
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
    let report = json(&strata(&["audit", &clean, "--json", "--fail-on", "info"], &env));
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["passed"], true);
}
