//! Strata against Podman's Docker-compatible API: a real `podman system service` on a socket of
//! the test's own, found the way Strata finds Podman (`$XDG_RUNTIME_DIR/podman/podman.sock`).
//! Podman cannot start containers inside this CI sandbox (runc may not set rlimits), so the test
//! creates one without starting it.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{ChildGuard, Fixtures};
use serde_json::Value;
use strata::engine::{self, Environment};

fn strata(args: &[&str], runtime_dir: &str) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env("XDG_RUNTIME_DIR", runtime_dir)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("run strata");
    assert!(output.status.success(), "strata {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[tokio::test]
async fn podman_socket_is_found_and_lists_images_and_containers() {
    let runtime = tempfile::tempdir().unwrap();
    let socket = runtime.path().join("podman/podman.sock");
    std::fs::create_dir_all(socket.parent().unwrap()).unwrap();
    let service = Command::new("podman")
        .args(["system", "service", "--time=0", &format!("unix://{}", socket.display())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("podman is installed (`make test` installs it)");
    let _service = ChildGuard { child: service, leads_group: false };
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(socket.exists(), "podman system service did not open {}", socket.display());
    let runtime_dir = runtime.path().to_str().unwrap();

    let listed = strata(&["endpoints", "--json"], runtime_dir);
    let podman =
        listed["endpoints"].as_array().unwrap().iter().find(|e| e["name"] == "podman").expect("podman offered");
    assert_eq!(podman["host"], format!("unix://{}", socket.display()));
    assert_eq!(podman["source"], "product");
    assert_eq!(podman["label"], "Podman (rootless)");

    let env = Environment { xdg_runtime_dir: Some(runtime.path().to_path_buf()), ..Environment::from_process() };
    let discovery = engine::discover(&env);
    let connection = engine::connect(discovery.find("podman").unwrap()).await.expect("connect to podman");
    assert_eq!(connection.server.product, "Podman Engine");

    let mut fixtures = Fixtures::on(connection.docker.clone(), "podman");
    let image = fixtures.image("app", &[("hello.txt", b"hello")]).await;
    let container = fixtures.create_container(&image, "idle").await;

    let images = strata(&["--endpoint", "podman", "images", "--json", "--filter", &fixtures.run], runtime_dir);
    let row = &images.as_array().unwrap()[0];
    // Podman names short repositories docker.io/…
    assert!(row["repository"].as_str().unwrap().ends_with(&fixtures.repository()), "{row}");
    assert_eq!(row["tag"], "app");
    assert!(image.ends_with(":app"));
    assert_eq!(row["containers"], 1);
    assert!(row["size"].as_u64().unwrap() > 1_000_000, "{row}");

    let containers = strata(&["--endpoint", "podman", "containers", "--json"], runtime_dir);
    let created = containers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == container.as_str())
        .expect("the container is listed");
    assert_eq!(created["state"], "created");

    // Cleanup over Podman: where the space is (Podman's /system/df too), and a plan that keeps
    // the image the container uses.
    let space = strata(&["--endpoint", "podman", "space", "--json"], runtime_dir);
    let ours =
        space["images"].as_array().unwrap().iter().find(|i| i["refs"][0].as_str().unwrap_or("").ends_with(&image));
    assert_eq!(ours.expect("our image in the space")["category"], "in-use");
    assert!(space["build_cache"].is_object() && space["volumes"].is_array(), "{space}");
    let label = format!("{}={}", common::RUN_LABEL, fixtures.run);
    let plan = strata(
        &["--endpoint", "podman", "prune", "--json", "--unused", "--pick", &image, "--label", &label],
        runtime_dir,
    );
    assert_eq!(plan["items"], serde_json::json!([]), "{plan}");
    assert!(plan["skipped"][0]["why"].as_str().unwrap().contains(&container), "{plan}");
    fixtures.remove_all().await;
}
