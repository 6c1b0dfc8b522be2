//! Integration tests against the real Docker daemon: the CLI's tables and JSON, its errors for
//! unreachable or malformed endpoints, and the live view following events and surviving a daemon
//! that goes away and comes back.

mod common;

use std::path::Path;
use std::process::Command;

use common::proxy::DaemonProxy;
use common::{daemon_socket, eventually, free_port, json, strata, wait_for_port, ChildGuard, Fixtures};
use strata::engine::{Discovery, Endpoint, EndpointSource};
use strata::live::{Live, Status};

#[tokio::test]
async fn images_lists_fixture_tags_with_sizes_shared_layers_and_users() {
    let mut fixtures = Fixtures::new("images").await;
    // Two images on one base: they share exactly its busybox layer.
    let base = fixtures
        .image_from(
            "base",
            "FROM scratch\nCOPY busybox /bin/busybox\nCMD [\"/bin/busybox\", \"sleep\", \"3600\"]\n",
            &[],
        )
        .await;
    let on_base = |file: &str| format!("FROM {base}\nCOPY data/{file} /data/{file}\n");
    let small = fixtures.image_from("small", &on_base("hello.txt"), &[("hello.txt", b"hello")]).await;
    let large = fixtures.image_from("large", &on_base("blob.bin"), &[("blob.bin", &vec![7u8; 300_000])]).await;
    fixtures.create_container(&large, "user").await;

    let rows = json(&strata(&["images", "--json", "--filter", &fixtures.run], &[]));
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let row = |reference: &str| {
        rows.iter()
            .find(|r| format!("{}:{}", r["repository"].as_str().unwrap(), r["tag"].as_str().unwrap()) == reference)
            .unwrap()
    };
    let busybox = std::fs::metadata(common::BUSYBOX).unwrap().len();
    for reference in [&small, &large] {
        let r = row(reference);
        assert!(r["size"].as_u64().unwrap() >= busybox, "{r}");
        assert_eq!(r["shared_size"].as_u64(), Some(busybox), "both share exactly the busybox layer: {r}");
        assert_eq!(r["short_id"].as_str().unwrap().len(), 12);
        assert_eq!(r["dangling"], false);
    }
    assert_eq!(row(&large)["containers"], 1);
    assert_eq!(row(&small)["containers"], 0);
    assert!(row(&large)["size"].as_u64() > row(&small)["size"].as_u64());

    let in_use = json(&strata(&["images", "--json", "--filter", &fixtures.run, "--in-use"], &[]));
    assert_eq!(in_use.as_array().unwrap().len(), 1);
    let by_size = json(&strata(&["images", "--json", "--filter", &fixtures.run, "--sort", "size"], &[]));
    assert_eq!(by_size[0]["tag"], "large", "largest first by default");

    let table = strata(&["images", "--filter", &fixtures.run], &[]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("REPOSITORY") && text.contains(&fixtures.repository()) && text.contains("large"), "{text}");
}

#[tokio::test]
async fn containers_lists_a_running_fixture_with_its_state() {
    let mut fixtures = Fixtures::new("containers").await;
    let image = fixtures.image("app", &[]).await;
    let name = fixtures.running_container(&image, "web").await;

    let rows = json(&strata(&["containers", "--json"], &[]));
    let row =
        rows.as_array().unwrap().iter().find(|r| r["name"] == name.as_str()).expect("the fixture container is listed");
    assert_eq!(row["state"], "running");
    assert_eq!(row["image"], image.as_str());
    assert!(row["status"].as_str().unwrap().starts_with("Up"), "{row}");

    let table = String::from_utf8_lossy(&strata(&["containers"], &[]).stdout).to_string();
    assert!(table.contains(&name) && table.contains("running"), "{table}");
}

#[test]
fn endpoints_follow_the_docker_cli_order() {
    let config = tempfile::tempdir().unwrap();
    let listed = json(&strata(
        &["endpoints", "--json"],
        &[("DOCKER_HOST", "tcp://127.0.0.1:2375"), ("DOCKER_CONFIG", config.path().to_str().unwrap())],
    ));
    assert_eq!(listed["preferred"], "DOCKER_HOST");
    assert_eq!(listed["endpoints"][0]["host"], "tcp://127.0.0.1:2375");
    assert!(listed["endpoints"].as_array().unwrap().iter().any(|e| e["name"] == "default"));

    let table = strata(&["endpoints"], &[("DOCKER_CONFIG", config.path().to_str().unwrap())]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("*  default"), "{text}");
    assert!(
        text.lines().next().unwrap().contains("DAEMON") && text.contains("Docker Engine (system socket)"),
        "{text}"
    );
    let default = listed["endpoints"].as_array().unwrap().iter().find(|e| e["name"] == "default").unwrap();
    assert_eq!(default["label"], "Docker Engine (system socket)");
}

#[test]
fn unreachable_or_malformed_endpoints_give_one_clear_line_and_a_failure_code() {
    let config = tempfile::tempdir().unwrap();
    let broken_meta = config.path().join("contexts/meta/0000/meta.json");
    std::fs::create_dir_all(broken_meta.parent().unwrap()).unwrap();
    std::fs::write(&broken_meta, "{broken").unwrap();
    let config_dir = config.path().to_str().unwrap();
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("DOCKER_HOST", "unix:///nonexistent/docker.sock")], "there is no socket at /nonexistent/docker.sock"),
        (&[("DOCKER_HOST", "tcp://127.0.0.1:1")], "Connection refused"),
        (&[("DOCKER_HOST", "localhost:2375")], "is not a daemon address"),
        (&[("DOCKER_HOST", "tcp://127.0.0.1:99999")], "numeric port"),
        (
            &[("DOCKER_CONTEXT", "missing"), ("DOCKER_CONFIG", config_dir)],
            "context `missing` (from DOCKER_CONTEXT) does not exist",
        ),
    ];
    for (env, words) in cases {
        let mut env = env.to_vec();
        if !env.iter().any(|(k, _)| *k == "DOCKER_CONFIG") {
            env.push(("DOCKER_CONFIG", config_dir));
        }
        let output = strata(&["images"], &env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{env:?}: {stderr}");
        assert!(output.stdout.is_empty());
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("strata: ") && stderr.contains(words), "{env:?}: {stderr}");
    }
}

fn endpoint_at(host: &str) -> Discovery {
    let endpoint = Endpoint {
        name: "proxy".into(),
        label: "a test proxy".into(),
        host: host.into(),
        source: EndpointSource::DockerHostVariable,
        tls: None,
        origin: "a test proxy".into(),
        problem: None,
    };
    Discovery { endpoints: vec![endpoint], preferred: "proxy".into(), problems: vec![] }
}

#[tokio::test]
async fn live_view_follows_events_and_recovers_when_the_daemon_returns() {
    let mut fixtures = Fixtures::new("live").await;
    let dir = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&dir.path().join("docker.sock"), &daemon_socket());
    let (live, supervise) = Live::with_discovery(endpoint_at(&proxy.host()), None);
    tokio::spawn(supervise);

    // No daemon yet: a state with the endpoint, the error and a hint, not a crash.
    eventually(10, "a disconnected state", || matches!(live.state().status, Status::Disconnected { .. })).await;
    let Status::Disconnected { endpoint, error, hint, .. } = live.state().status else { unreachable!() };
    assert_eq!(endpoint.host, proxy.host());
    assert!(error.contains("no socket"), "{error}");
    assert!(hint.contains("Start Docker"), "{hint}");

    // Retrying does not flicker back to "connecting": each retry publishes one state, still
    // disconnected, with one more attempt. (A watch channel keeps only the latest value, so count
    // publications by their generation.)
    let mut changes = live.watch();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut seen = Vec::new();
    while let Ok(Ok(())) = tokio::time::timeout_at(deadline, changes.changed()).await {
        let state = changes.borrow_and_update().clone();
        match state.status {
            Status::Disconnected { attempts, .. } => seen.push((state.generation, attempts)),
            other => panic!("while retrying the state became {other:?}"),
        }
    }
    assert!(seen.len() >= 2, "retries every 2 s: {seen:?}");
    assert!(seen.windows(2).all(|w| w[1].0 == w[0].0 + 1 && w[1].1 == w[0].1 + 1), "one state per retry: {seen:?}");

    proxy.up();
    eventually(15, "a connection through the proxy", || matches!(live.state().status, Status::Connected { .. })).await;
    let Status::Connected { server, .. } = live.state().status else { unreachable!() };
    let version = fixtures.docker.version().await.unwrap();
    assert_eq!(Some(server.api_version.clone()), version.api_version, "negotiated down to the daemon's API version");

    // Events, not polling, bring a new image and a new container into view.
    let image = fixtures.image("seen", &[]).await;
    let has_image = |live: &Live| live.state().inventory.images.iter().any(|r| r.reference() == image);
    eventually(15, "the new image in the live view", || has_image(&live)).await;
    let name = fixtures.running_container(&image, "seen").await;
    eventually(15, "the new container in the live view", || {
        live.containers().iter().any(|c| c.name == name && c.state == "running")
    })
    .await;
    eventually(15, "the image counted as used", || {
        live.state().inventory.images.iter().any(|r| r.reference() == image && r.containers == 1)
    })
    .await;

    // The daemon goes away while the view is open, then comes back.
    proxy.down();
    eventually(15, "the disconnection to show", || matches!(live.state().status, Status::Disconnected { .. })).await;
    assert!(live.client().is_err(), "no client while disconnected");
    proxy.up();
    eventually(15, "recovery without a restart", || matches!(live.state().status, Status::Connected { .. })).await;

    // Another tool removes what is shown: the view drops it.
    fixtures.remove_all().await;
    eventually(15, "the removed image to leave the view", || !has_image(&live)).await;
    eventually(15, "the removed container to leave the view", || !live.containers().iter().any(|c| c.name == name))
        .await;
}

#[tokio::test]
async fn switching_endpoints_needs_no_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&dir.path().join("docker.sock"), &daemon_socket());
    proxy.up();
    let mut discovery = endpoint_at(&proxy.host());
    let mut broken = discovery.endpoints[0].clone();
    broken.name = "broken".into();
    broken.host = "tcp://127.0.0.1:1".into();
    discovery.endpoints.push(broken);
    let (live, supervise) = Live::with_discovery(discovery, Some("broken".into()));
    tokio::spawn(supervise);
    eventually(10, "the broken endpoint to fail", || matches!(live.state().status, Status::Disconnected { .. })).await;
    live.select("proxy").unwrap();
    eventually(10, "the switch to connect", || matches!(live.state().status, Status::Connected { .. })).await;
    assert!(live.select("nowhere").is_err());
}

/// Makes a CA, a server certificate for 127.0.0.1 and a client certificate with openssl, named
/// as the docker CLI expects them in `DOCKER_CERT_PATH` (ca.pem, cert.pem, key.pem).
fn make_tls_files(dir: &Path) {
    let run = |args: &[&str]| {
        let status = Command::new("openssl").args(args).current_dir(dir).stderr(std::process::Stdio::null()).status();
        assert!(status.expect("openssl is installed (`make test` installs it)").success(), "openssl {args:?}");
    };
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").unwrap();
    std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").unwrap();
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=strata-test-ca",
    ]);
    for (name, key, ext) in [("server", "server-key.pem", "server.ext"), ("cert", "key.pem", "client.ext")] {
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            "request.csr",
            "-subj",
            &format!("/CN={name}"),
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "request.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-out",
            &format!("{name}.pem"),
            "-days",
            "1",
            "-extfile",
            ext,
        ]);
    }
}

#[tokio::test]
async fn a_tls_endpoint_from_docker_host_and_docker_cert_path_works() {
    let certs = tempfile::tempdir().unwrap();
    make_tls_files(certs.path());
    let port = free_port();
    let file = |name: &str| certs.path().join(name).display().to_string();
    // stunnel terminates TLS, insisting on a client certificate signed by the test CA, and
    // forwards to the daemon's socket: a TLS daemon on 127.0.0.1 without touching the real one.
    let config = format!(
        "foreground = yes\npid =\n[docker]\naccept = 127.0.0.1:{port}\nconnect = {}\ncert = {}\nkey = {}\nCAfile = {}\nverifyChain = yes\nrequireCert = yes\n",
        daemon_socket().display(),
        file("server.pem"),
        file("server-key.pem"),
        file("ca.pem")
    );
    std::fs::write(certs.path().join("stunnel.conf"), config).unwrap();
    let stunnel = Command::new("stunnel")
        .arg(certs.path().join("stunnel.conf"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("stunnel is installed (Debian stunnel4; `make test` installs it)");
    let _stunnel = ChildGuard { child: stunnel, leads_group: false };
    assert!(wait_for_port(port), "stunnel did not listen on {port}");
    let host = format!("tcp://127.0.0.1:{port}");
    let config = tempfile::tempdir().unwrap();
    let config_dir = config.path().to_str().unwrap();
    let cert_path = certs.path().to_str().unwrap();
    let tls_env = [
        ("DOCKER_HOST", host.as_str()),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", cert_path),
        ("DOCKER_CONFIG", config_dir),
    ];

    let listed = json(&strata(&["endpoints", "--json"], &tls_env));
    assert_eq!(listed["endpoints"][0]["tls"]["ca"], file("ca.pem"));
    let images = strata(&["images", "--json"], &tls_env);
    let rows = json(&images);
    assert!(rows.is_array(), "the daemon answered over TLS");

    // Without TLS, the same port refuses to talk plain HTTP.
    let plain = strata(&["images"], &[("DOCKER_HOST", host.as_str()), ("DOCKER_CONFIG", config_dir)]);
    assert_eq!(plain.status.code(), Some(1));
}
