//! `strata diff` against the real daemon, on the fixture pair of `common::diff_pair` (the second
//! image is the first plus one layer making every kind of change). The expectations are written
//! from its Dockerfiles.

mod common;

use std::collections::BTreeMap;

use common::diff_pair::{self, NEW_STATUS, OLD_STATUS};
use common::proxy::DaemonProxy;
use common::{daemon_socket, json, strata, Fixtures};
use serde_json::Value;

fn paths(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_change_between_two_tags_is_reported() {
    let mut fixtures = Fixtures::new("diff").await;
    let (first, second) = diff_pair::build(&mut fixtures).await;
    let cache = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&cache.path().join("docker.sock"), &daemon_socket());
    proxy.up();
    let (host, index) = (proxy.host(), cache.path().join("index"));
    let env = [("STRATA_CACHE_DIR", index.to_str().unwrap()), ("DOCKER_HOST", host.as_str())];
    let exports = |proxy: &DaemonProxy| -> Vec<String> {
        proxy.requests().into_iter().filter(|r| r.contains("/images/get") || r.contains("/get ")).collect()
    };

    let diff = json(&strata(&["diff", &first, &second, "--json"], &env));
    // Read cold, the two images come in one export, which stores their four shared layers once.
    let cold = exports(&proxy);
    assert!(cold.len() == 1 && cold[0].contains("names=") && cold[0].matches("names=").count() == 2, "{cold:?}");
    json(&strata(&["diff", &first, &second, "--json"], &env));
    assert_eq!(exports(&proxy).len(), 1, "both images cached: no export at all");
    let files = &diff["files"];
    assert_eq!(paths(&files["added"]), ["/data/new.txt", "/data/swap/in.txt"]);
    assert_eq!(paths(&files["removed"]), ["/data/dir/x.txt", "/data/gone.txt"]);
    let modified: BTreeMap<String, Vec<String>> = files["modified"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let changes = c["changes"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
            (c["path"].as_str().unwrap().to_string(), changes)
        })
        .collect();
    let expect = |path: &str, changes: &[&str]| {
        let found: Vec<&str> = modified.get(path).map(|c| c.iter().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(found, changes, "{path}: {modified:#?}");
    };
    expect("/data/same.txt", &["content"]);
    expect("/data/mode.txt", &["mode"]);
    expect("/data/owner.txt", &["uid", "gid"]);
    expect("/data/link", &["link_target"]);
    expect("/data/swap", &["type", "mode"]);
    expect("/data/dir", &["type", "mode"]);
    assert!(!modified.contains_key("/data/keep.txt"), "untouched files are not listed");
    expect("/var/lib/dpkg/status", &["size", "content"]);
    // new.txt "new\n" 4 + swap/in.txt "in\n" 3 + dir "now-a-file\n" 11 − gone 4 − swap 4 − dir/x.txt 2,
    // and the status file's growth
    let status_growth = NEW_STATUS.replace("\\n", "\n").len() as i64 - OLD_STATUS.len() as i64;
    assert_eq!(diff["size_delta_bytes"], 4 + 3 + 11 - 4 - 4 - 2 + status_growth);
    // Size changes roll up per folder: /data's files, and dpkg's status file up to /var.
    let folders: BTreeMap<String, (i64, u64)> = diff["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                (f["delta_bytes"].as_i64().unwrap(), f["changed_paths"].as_u64().unwrap()),
            )
        })
        .collect();
    assert_eq!(folders["/data"], (8, 10), "{folders:?}");
    assert_eq!(folders["/data/swap"], (3 - 4, 1), "the file swap was (4 B) became a folder holding in.txt");
    assert_eq!(folders["/var"], (status_growth, 1));

    let packages = &diff["packages"];
    assert_eq!(packages["added"], serde_json::json!([{"ecosystem": "deb", "name": "jq", "version": "1.6-2"}]));
    assert_eq!(
        packages["upgraded"],
        serde_json::json!([{"ecosystem": "deb", "name": "bash", "before": "5.1-2", "after": "5.2.15-2"}])
    );
    assert_eq!(packages["removed"], serde_json::json!([]), "vim was only config files before");

    let config: BTreeMap<String, (Value, Value)> = diff["config"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap().to_string(), (c["before"].clone(), c["after"].clone())))
        .collect();
    assert_eq!(config["env.MODE"], (Value::from("dev"), Value::from("prod")));
    assert_eq!(config["labels.version"], (Value::from("1"), Value::from("2")));
    assert_eq!(config["user"], (Value::Null, Value::from("1000")));
    assert!(!config.contains_key("cmd"), "{config:#?}");

    assert_eq!(diff["history"]["shared_layers"], 4, "busybox, data, dpkg status and the symlink layer");
    assert_eq!(diff["history"]["only_before"].as_array().unwrap().len(), 0);
    assert_eq!(diff["history"]["only_after"].as_array().unwrap().len(), 1);
    let shared: Vec<&str> =
        diff["history"]["shared"].as_array().unwrap().iter().map(|l| l["command"].as_str().unwrap()).collect();
    assert!(shared.len() == 4 && shared[0].starts_with("COPY") && shared[3].contains("ln -s"), "{shared:?}");

    let table = String::from_utf8_lossy(&strata(&["diff", &first, &second], &env).stdout).to_string();
    assert!(table.contains("+2 files, −2, ") && table.contains("(4 layers shared)"), "{table}");
    assert!(table.contains("Largest size changes by folder") && table.contains("+8 B  /data  (10 changed)"), "{table}");
    assert!(table.contains("~ deb    bash 5.1-2 → 5.2.15-2") && table.contains("+ deb    jq 1.6-2"), "{table}");
    // One path compared: a text file's content, as `diff -u` prints it. Its layer is copied into
    // the cache on the way, so a second look at a file in it exports nothing.
    let before_look = exports(&proxy).len();
    let unified = strata(&["diff", &first, &second, "--file", "/data/same.txt"], &env);
    assert!(exports(&proxy).len() > before_look, "the first look at a file streams its layers");
    let copied = exports(&proxy).len();
    let again = strata(&["diff", &first, &second, "--file", "/data/same.txt"], &env);
    assert_eq!(again.stdout, unified.stdout);
    assert_eq!(exports(&proxy).len(), copied, "the second look reads the layers' copies");
    // Attributes are named with both values, from the index alone: no export at all.
    let mode = String::from_utf8_lossy(&strata(&["diff", &first, &second, "--file", "/data/mode.txt"], &env).stdout)
        .to_string();
    assert_eq!(mode, "mode: 0644 → 0600\nThe content is the same in both images.\n");
    let link =
        String::from_utf8_lossy(&strata(&["diff", &first, &second, "--file", "/data/link"], &env).stdout).to_string();
    assert!(link.starts_with("link target: ") && link.contains(" → ") && link.contains("no text of its own"), "{link}");
    assert_eq!(exports(&proxy).len(), copied, "a mode or link change reads no content");
    let text = String::from_utf8_lossy(&unified.stdout).to_string();
    assert!(unified.status.success(), "{}", String::from_utf8_lossy(&unified.stderr));
    assert!(text.starts_with(&format!("--- {first}:/data/same.txt\n+++ {second}:/data/same.txt\n")), "{text}");
    assert!(text.contains("\n-AAAA") && text.contains("\n+BBBB"), "{text}");
    let status = strata(&["diff", &first, &second, "--file", "/var/lib/dpkg/status"], &env);
    let status = String::from_utf8_lossy(&status.stdout).to_string();
    assert!(status.contains("\n+Package: jq\n") && status.contains("\n-Version: 5.1-2\n"), "{status}");
    let added = String::from_utf8_lossy(&strata(&["diff", &first, &second, "--file", "/data/new.txt"], &env).stdout)
        .to_string();
    assert!(added.contains("\n+new\n"), "a file only in the second image diffs against nothing: {added}");
    let binary = strata(&["diff", &first, &second, "--file", "/bin/busybox"], &env);
    assert_eq!(String::from_utf8_lossy(&binary.stdout), "The content is the same in both images.\n");
    let missing = strata(&["diff", &first, &second, "--file", "/nowhere"], &env);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr.contains("in neither image") && stderr.lines().count() == 1, "{stderr}");

    // Cold (a new cache), the same image twice is one image in one export.
    let fresh = cache.path().join("fresh");
    let same = strata(&["diff", &first, &first, "--json"], &[("STRATA_CACHE_DIR", fresh.to_str().unwrap())]);
    assert_eq!(same.status.code(), Some(0), "equal images are not an error");
    let same = json(&same);
    assert_eq!(same["files"]["modified"].as_array().unwrap().len(), 0);
    assert_eq!(same["size_delta_bytes"], 0);
}
