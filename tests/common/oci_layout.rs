//! A multi-platform image written by the test as an OCI layout folder: one image per platform
//! (a gzip layer naming its platform, plus a file all platforms share), a BuildKit-style
//! attestation manifest (`unknown/unknown`), and the image index over them, named by a tag in
//! `index.json`. `skopeo copy --all oci:DIR:TAG docker://…` puts it in a registry; tarred, it is
//! an OCI archive.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// What the test wrote, to check Strata's answers against.
pub struct Layout {
    /// Per platform (`linux/amd64`): the image manifest's digest and its layer's diff id.
    pub images: Vec<(String, String, String)>,
    /// The attestation manifest's digest.
    pub attestation: String,
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Stores `bytes` as a blob; returns its descriptor.
fn blob(dir: &Path, media_type: &str, bytes: &[u8]) -> serde_json::Value {
    let digest = digest(bytes);
    let path = dir.join("blobs/sha256").join(digest.trim_start_matches("sha256:"));
    std::fs::write(path, bytes).unwrap();
    serde_json::json!({"mediaType": media_type, "digest": digest, "size": bytes.len()})
}

fn layer_tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, content) in files {
        super::append(&mut tar, path, content, 0o644);
    }
    tar.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Writes the layout into `dir` with `tag` naming the index; `platforms` as `(os, arch, variant)`.
pub fn write(dir: &Path, tag: &str, platforms: &[(&str, &str, Option<&str>)]) -> Layout {
    std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let mut entries = Vec::new();
    let mut images = Vec::new();
    for (os, arch, variant) in platforms {
        let name = match variant {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        };
        let arch_file = format!("{name}\n");
        let tar =
            layer_tar(&[("etc/platform", arch_file.as_bytes()), ("usr/share/common.txt", b"the same everywhere\n")]);
        let diff_id = digest(&tar);
        let layer = blob(dir, "application/vnd.oci.image.layer.v1.tar+gzip", &gzip(&tar));
        let mut config = serde_json::json!({
            "architecture": arch, "os": os,
            "created": "2026-12-01T10:00:00Z",
            "config": {"Labels": {"org.opencontainers.image.title": format!("strata test {name}")}},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": "2026-12-01T10:00:00Z", "created_by": format!("COPY platform {name}")}]
        });
        if let Some(v) = variant {
            config["variant"] = serde_json::json!(v);
        }
        let config = blob(dir, "application/vnd.oci.image.config.v1+json", config.to_string().as_bytes());
        let manifest = serde_json::json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config, "layers": [layer]
        });
        let mut entry = blob(dir, "application/vnd.oci.image.manifest.v1+json", manifest.to_string().as_bytes());
        entry["platform"] = serde_json::json!({"os": os, "architecture": arch});
        if let Some(v) = variant {
            entry["platform"]["variant"] = serde_json::json!(v);
        }
        images.push((name, entry["digest"].as_str().unwrap().to_string(), diff_id));
        entries.push(entry);
    }
    let statement = blob(dir, "application/vnd.in-toto+json", br#"{"_type":"https://in-toto.io/Statement/v0.1"}"#);
    let empty_config = blob(dir, "application/vnd.oci.image.config.v1+json", b"{}");
    let attestation = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": empty_config, "layers": [statement]
    });
    let mut entry = blob(dir, "application/vnd.oci.image.manifest.v1+json", attestation.to_string().as_bytes());
    entry["platform"] = serde_json::json!({"os": "unknown", "architecture": "unknown"});
    entry["annotations"] = serde_json::json!({
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": images[0].1
    });
    let attestation = entry["digest"].as_str().unwrap().to_string();
    entries.push(entry);
    let index = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries
    });
    let mut top = blob(dir, "application/vnd.oci.image.index.v1+json", index.to_string().as_bytes());
    top["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": tag});
    let outer = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [top]});
    std::fs::write(dir.join("index.json"), outer.to_string()).unwrap();
    Layout { images, attestation }
}

/// The layout folder as one tar file: an OCI archive.
pub fn archive(dir: &Path, file: &Path) {
    let mut tar = tar::Builder::new(std::fs::File::create(file).unwrap());
    tar.append_dir_all(".", dir).unwrap();
    tar.finish().unwrap();
}

/// Copies the layout's `tag`, every platform and the attestation, to `destination`
/// (`127.0.0.1:PORT/repo:tag`) with skopeo.
pub fn copy_to_registry(dir: &Path, tag: &str, destination: &str) {
    let output = std::process::Command::new("skopeo")
        .args(["copy", "--all", "--dest-tls-verify=false"])
        .arg(format!("oci:{}:{tag}", dir.display()))
        .arg(format!("docker://{destination}"))
        .output()
        .expect("skopeo is installed (make test installs Debian's skopeo)");
    assert!(output.status.success(), "skopeo copy: {}", String::from_utf8_lossy(&output.stderr));
}
