//! Reads an image archive — what `docker save` writes and the Engine API's export returns — as
//! one pass over a stream: every layer tar is read into its changes as it goes by (content is
//! skipped, never stored), small JSON files are kept, and at the end `manifest.json` puts the
//! layers in order. Both layouts are understood: Docker's legacy one (`<id>/layer.tar`) and OCI's
//! (`blobs/sha256/<digest>`), with layers plain, gzip- or zstd-compressed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::layer::{read_layer, LayerChange};
use super::tree::FileTree;
use super::ImageError;

/// JSON files bigger than this are not configs or manifests; they are skipped.
const MAX_JSON_BYTES: u64 = 16 * 1024 * 1024;

/// One layer of the image, bottom first.
#[derive(Debug, Clone)]
pub struct ArchiveLayer {
    /// Where it sits in the archive (`<id>/layer.tar` or `blobs/sha256/<digest>`).
    pub source: String,
    /// Bytes of the layer as stored in the archive (compressed, for compressed layers).
    pub stored_size: u64,
    pub changes: Vec<LayerChange>,
}

/// An image read from an archive.
#[derive(Debug, Clone)]
pub struct ImageArchive {
    pub repo_tags: Vec<String>,
    /// The image config (`history`, `rootfs`, `config`), as JSON.
    pub config: serde_json::Value,
    pub layers: Vec<ArchiveLayer>,
}

impl ImageArchive {
    /// The final filesystem: every layer applied, bottom first.
    pub fn merged_tree(&self) -> FileTree {
        let mut tree = FileTree::new();
        for (index, layer) in self.layers.iter().enumerate() {
            tree.apply(index, &layer.changes);
        }
        tree
    }
}

#[derive(Debug, Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers")]
    layers: Vec<String>,
}

/// Reads the first image of an archive from `reader`. `progress` hears the archive bytes read so far.
pub fn read_archive<R: Read>(reader: R, mut progress: impl FnMut(u64)) -> Result<ImageArchive, ImageError> {
    let mut outer = tar::Archive::new(reader);
    let mut layers: HashMap<String, ArchiveLayer> = HashMap::new();
    let mut json: HashMap<String, Vec<u8>> = HashMap::new();
    let mut read_so_far = 0u64;
    for entry in outer.entries()? {
        let mut entry = entry?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).trim_start_matches("./").to_string();
        let size = entry.size();
        read_so_far += size;
        let mut body = BufReader::new(&mut entry);
        match classify(&mut body)? {
            Body::Json if size <= MAX_JSON_BYTES => {
                let mut bytes = Vec::with_capacity(size as usize);
                body.read_to_end(&mut bytes)?;
                json.insert(name, bytes);
            }
            Body::Json | Body::Other => {}
            Body::Layer(compression) => {
                let changes = read_layer(decompress(body, compression)?)?;
                layers.insert(name.clone(), ArchiveLayer { source: name, stored_size: size, changes });
            }
        }
        progress(read_so_far);
    }
    assemble(layers, json)
}

fn assemble(
    mut layers: HashMap<String, ArchiveLayer>,
    json: HashMap<String, Vec<u8>>,
) -> Result<ImageArchive, ImageError> {
    let manifest_bytes =
        json.get("manifest.json").ok_or_else(|| ImageError::Archive("it has no manifest.json".into()))?;
    let manifests: Vec<ManifestEntry> = serde_json::from_slice(manifest_bytes)
        .map_err(|e| ImageError::Archive(format!("its manifest.json cannot be read: {e}")))?;
    let manifest =
        manifests.into_iter().next().ok_or_else(|| ImageError::Archive("its manifest.json lists no image".into()))?;
    let config_bytes = json
        .get(&manifest.config)
        .ok_or_else(|| ImageError::Archive(format!("the config {} is missing", manifest.config)))?;
    let config = serde_json::from_slice(config_bytes)
        .map_err(|e| ImageError::Archive(format!("the config {} cannot be read: {e}", manifest.config)))?;
    let ordered = manifest
        .layers
        .iter()
        .map(|source| {
            layers
                .remove(source)
                .ok_or_else(|| ImageError::Archive(format!("the layer {source} is listed but missing")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ImageArchive { repo_tags: manifest.repo_tags.unwrap_or_default(), config, layers: ordered })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

enum Body {
    Json,
    Layer(Compression),
    Other,
}

/// Tells a file's kind from its first bytes without consuming them.
fn classify<R: BufRead>(body: &mut R) -> Result<Body, ImageError> {
    let head = body.fill_buf()?;
    Ok(match head {
        [0x1f, 0x8b, ..] => Body::Layer(Compression::Gzip),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Body::Layer(Compression::Zstd),
        [b'{', ..] | [b'[', ..] => Body::Json,
        _ if looks_like_tar(head) => Body::Layer(Compression::None),
        _ => Body::Other,
    })
}

/// A tar has "ustar" at byte 257 of its first header; an empty layer is 1024 zero bytes.
fn looks_like_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar" || head.len() >= 512 && head[..512].iter().all(|b| *b == 0)
}

fn decompress<'a, R: BufRead + 'a>(body: R, compression: Compression) -> Result<Box<dyn Read + 'a>, ImageError> {
    Ok(match compression {
        Compression::None => Box::new(body),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(body)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(body)?),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::image::layer::tests::tar_of;
    use crate::image::TreePath;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn archive(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let owned: Vec<(&[u8], &str, &[u8])> =
            files.iter().map(|(n, b)| (n.as_bytes(), "file", b.as_slice())).collect();
        tar_of(&owned)
    }

    fn config() -> Vec<u8> {
        br#"{"architecture":"amd64","os":"linux","history":[{"created_by":"COPY a /"},{"created_by":"RUN rm /a"}]}"#
            .to_vec()
    }

    #[test]
    fn reads_a_legacy_docker_save_archive_with_the_manifest_last() {
        let bottom = tar_of(&[(b"a", "file", b"aaaa"), (b"keep", "file", b"k")]);
        let top = tar_of(&[(b".wh.a", "file", b"")]);
        let manifest = br#"[{"Config":"cfg.json","RepoTags":["app:1"],"Layers":["l1/layer.tar","l2/layer.tar"]}]"#;
        // Docker 20.10 writes the layers first and manifest.json at the end; order the layers
        // differently from the manifest to be sure the manifest decides.
        let bytes = archive(&[
            ("l2/layer.tar", top),
            ("l1/layer.tar", bottom),
            ("cfg.json", config()),
            ("manifest.json", manifest.to_vec()),
        ]);
        let mut seen = Vec::new();
        let image = read_archive(bytes.as_slice(), |n| seen.push(n)).unwrap();
        assert_eq!(image.repo_tags, ["app:1"]);
        assert_eq!(image.config["os"], "linux");
        assert_eq!(
            image.layers.iter().map(|l| l.source.as_str()).collect::<Vec<_>>(),
            ["l1/layer.tar", "l2/layer.tar"]
        );
        assert!(seen.windows(2).all(|w| w[0] <= w[1]) && !seen.is_empty(), "progress only grows");
        let tree = image.merged_tree();
        assert_eq!(tree.paths(), vec![TreePath::parse(b"keep").unwrap()]);
    }

    #[test]
    fn reads_oci_blobs_compressed_with_gzip_and_zstd() {
        let plain = tar_of(&[(b"etc/os-release", "file", b"debian")]);
        let zstd_layer = zstd::encode_all(tar_of(&[(b"usr/bin/tool", "file", b"12345")]).as_slice(), 1).unwrap();
        let manifest = br#"[{"Config":"blobs/sha256/c","RepoTags":null,"Layers":["blobs/sha256/g","blobs/sha256/z"]}]"#;
        let bytes = archive(&[
            ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
            ("blobs/sha256/g", gzip(&plain)),
            ("blobs/sha256/z", zstd_layer),
            ("blobs/sha256/c", config()),
            ("manifest.json", manifest.to_vec()),
        ]);
        let image = read_archive(bytes.as_slice(), |_| {}).unwrap();
        assert_eq!(image.layers.len(), 2);
        assert!(image.repo_tags.is_empty());
        let tree = image.merged_tree();
        assert_eq!(tree.total_size(), 6 + 5);
    }

    #[test]
    fn a_missing_layer_or_manifest_is_a_clear_error() {
        let manifest = br#"[{"Config":"cfg.json","Layers":["gone/layer.tar"]}]"#;
        let bytes = archive(&[("cfg.json", config()), ("manifest.json", manifest.to_vec())]);
        let error = read_archive(bytes.as_slice(), |_| {}).unwrap_err().to_string();
        assert!(error.contains("gone/layer.tar is listed but missing"), "{error}");
        let bytes = archive(&[("cfg.json", config())]);
        assert!(read_archive(bytes.as_slice(), |_| {}).unwrap_err().to_string().contains("no manifest.json"));
        assert!(read_archive(&b"not a tar at all"[..], |_| {}).is_err());
    }
}
