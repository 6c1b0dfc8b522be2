//! A container as a source (`container://NAME`): what it wrote, as a layer on its image, through
//! the same inspect, diff and file comparison as any image. Fixtures from the real daemon.

mod common;

use common::{json, strata, Fixtures};

/// Busybox applets, run by the fixture's shell, that change the container's files.
const WRITES: &str = "echo after > /data/edit.txt; /bin/busybox rm /data/gone.txt; echo new > /data/new.txt; \
    /bin/busybox mkdir -p /var/cache/app; echo made > /var/cache/app/made.txt; echo done > /data/done; \
    /bin/busybox sleep 3600";

#[tokio::test(flavor = "multi_thread")]
async fn what_a_container_wrote_is_a_layer_on_its_image() {
    let mut fixtures = Fixtures::new("container-source").await;
    let files: [(&str, &[u8]); 3] = [("keep.txt", b"kept\n"), ("gone.txt", b"bye\n"), ("edit.txt", b"before\n")];
    let image = fixtures.image("base", &files).await;
    let name = fixtures.running_container_with(&image, "writer", Some(WRITES)).await;
    for _ in 0..100 {
        let changes = fixtures.docker.container_changes(&name).await.unwrap().unwrap_or_default();
        if changes.iter().any(|c| c.path == "/data/done") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let source = format!("container://{name}");

    let base = json(&strata(&["inspect", &image, "--json"], &[]));
    let inspected = json(&strata(&["inspect", &source, "--json"], &[]));
    let (below, layers) = (base["layers"].as_array().unwrap(), inspected["layers"].as_array().unwrap());
    assert_eq!(layers.len(), below.len() + 1, "the image's layers and one more: {inspected}");
    assert_eq!(inspected["reference"], source.as_str());
    let top = layers.last().unwrap();
    assert!(top["digest"].as_str().unwrap().starts_with("container:"), "{top}");
    assert_eq!(top["removed"], 1, "gone.txt: {top}");
    assert!(top["added"].as_u64().unwrap() >= 3, "new.txt, made.txt, done: {top}");
    assert!(top["hides_bytes"].as_u64().unwrap() >= 7, "edit.txt and gone.txt hide the image's copies: {top}");

    let diff = json(&strata(&["diff", &image, &source, "--json"], &[]));
    let paths = |kind: &str| -> Vec<String> {
        diff["files"][kind].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap().to_string()).collect()
    };
    for added in ["/data/new.txt", "/var/cache/app/made.txt"] {
        assert!(paths("added").iter().any(|p| p == added), "{added} in {:?}", paths("added"));
    }
    assert_eq!(paths("removed"), ["/data/gone.txt"]);
    assert!(paths("modified").iter().any(|p| p == "/data/edit.txt"), "{:?}", paths("modified"));
    assert!(!paths("modified").iter().any(|p| p == "/data/keep.txt"), "an untouched file is not changed");

    // The file itself, read from the container's export and from the image's.
    let file = strata(&["diff", &image, &source, "--file", "/data/edit.txt"], &[]);
    let text = String::from_utf8_lossy(&file.stdout);
    assert!(text.contains("-before") && text.contains("+after"), "{text}{}", String::from_utf8_lossy(&file.stderr));

    // Bad input: a container that is not there.
    let missing = strata(&["inspect", "container://strata-test-no-such-container"], &[]);
    let said = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{said}");
    assert!(said.to_lowercase().contains("no such container"), "{said}");
}
