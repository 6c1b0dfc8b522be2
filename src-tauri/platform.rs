//! Which platform of a multi-platform image to read. An index (OCI) or manifest list (Docker)
//! lists one manifest per platform — `linux/amd64`, `linux/arm64/v8`, … — and, since BuildKit,
//! attestation manifests (provenance, SBOM) marked `unknown/unknown`, which are no platform at
//! all. The registry reader and the archive reader both choose through [`choose`], so
//! `--platform` means the same everywhere, and "no such platform" names the ones there are; both
//! list an index's images with their sizes through [`listed_images`].

use std::fmt;

use crate::problem::{ErrorCode, Problem};

/// The annotation BuildKit puts on an attestation manifest in an index.
const REFERENCE_TYPE: &str = "vnd.docker.reference.type";

/// A platform as users write it: `os/architecture[/variant]` (`linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// `linux`, `windows`, …
    pub os: String,
    /// Go's names: `amd64`, `arm64`, `arm`, `386`, `ppc64le`, `s390x`, `riscv64`, …
    pub architecture: String,
    /// `v7` for 32-bit ARM, `v8` for 64-bit ARM when the index says it.
    pub variant: Option<String>,
}

/// Why a platform could not be chosen.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// `--platform` is not `os/architecture[/variant]`.
    #[error("`{0}` is not a platform: write it as os/architecture[/variant], as in linux/arm64")]
    BadName(String),
    /// The index lists no manifest for the platform asked for.
    #[error("the image has no {wanted} variant; it has {}", list_or_none(.available))]
    NotListed {
        /// The platform asked for (or this machine's).
        wanted: String,
        /// The platforms the index lists, attestations left out.
        available: Vec<String>,
    },
    /// A daemon's image (or a container's) is of another platform than the one asked for.
    #[error("the daemon's image is {held}, not {wanted}: a daemon keeps one platform of an image")]
    NotHeld {
        /// The platform asked for.
        wanted: String,
        /// The image's, as its config says.
        held: String,
    },
}

fn list_or_none(platforms: &[String]) -> String {
    if platforms.is_empty() {
        "none".into()
    } else {
        platforms.join(", ")
    }
}

impl Problem for PlatformError {
    fn code(&self) -> ErrorCode {
        match self {
            PlatformError::BadName(_) => ErrorCode::InvalidInput,
            PlatformError::NotListed { .. } | PlatformError::NotHeld { .. } => ErrorCode::NotFound,
        }
    }

    fn hint(&self) -> String {
        match self {
            PlatformError::BadName(_) => "Platforms are written as the daemon does: linux/amd64, linux/arm/v7".into(),
            PlatformError::NotListed { available, .. } => match available.first() {
                Some(first) => format!("Choose one of them with --platform, as in --platform {first}"),
                None => "The index lists only attestations: it holds no image to read".into(),
            },
            PlatformError::NotHeld { wanted, .. } => format!(
                "--platform chooses in registries and archives; have the daemon pull that one (docker pull --platform {wanted}), or read it from its registry as registry://HOST/NAME:TAG"
            ),
        }
    }
}

impl Platform {
    /// Reads `os/architecture[/variant]`.
    pub fn parse(text: &str) -> Result<Platform, PlatformError> {
        let bad = || PlatformError::BadName(text.to_string());
        let parts: Vec<&str> = text.trim().split('/').collect();
        let valid = |part: &&str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !(2..=3).contains(&parts.len()) || !parts.iter().all(valid) {
            return Err(bad());
        }
        Ok(Platform {
            os: parts[0].to_ascii_lowercase(),
            architecture: parts[1].to_ascii_lowercase(),
            variant: parts.get(2).map(|v| v.to_ascii_lowercase()),
        })
    }

    /// The platform images are run as on this machine: Linux (what the daemon runs, also under
    /// Docker Desktop on macOS and Windows) on this processor, in Go's names.
    pub fn host() -> Platform {
        Platform::linux_on(std::env::consts::ARCH)
    }

    /// Linux on the processor Rust names `arch`.
    fn linux_on(arch: &str) -> Platform {
        let (architecture, variant) = match arch {
            "x86_64" => ("amd64", None),
            "x86" => ("386", None),
            "aarch64" => ("arm64", None),
            "arm" => ("arm", Some("v7")),
            "powerpc64" => ("ppc64le", None),
            "loongarch64" => ("loong64", None),
            other => (other, None),
        };
        Platform { os: "linux".into(), architecture: architecture.into(), variant: variant.map(str::to_string) }
    }

    /// The platform an image config names (`os`, `architecture`, `variant`), if it names one.
    pub fn of_config(config: &serde_json::Value) -> Option<Platform> {
        let field = |name: &str| config[name].as_str().filter(|value| !value.is_empty()).map(str::to_string);
        Some(Platform { os: field("os")?, architecture: field("architecture")?, variant: field("variant") })
    }

    /// Whether an image built for `listed` is what asking for `self` means: same system and
    /// processor, and the same variant when both name one (`arm64` and `arm64/v8` are the same).
    pub fn accepts(&self, listed: &Platform) -> bool {
        let variant = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            (_, v) => v.map(str::to_string),
        };
        self.os == listed.os
            && self.architecture == listed.architecture
            && (self.variant.is_none() || variant(self) == variant(listed))
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        match &self.variant {
            Some(variant) => write!(f, "/{variant}"),
            None => Ok(()),
        }
    }
}

/// One manifest an index lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The manifest's digest.
    pub digest: String,
    /// The manifest's own size in bytes (not its layers').
    pub size: u64,
    /// The platform it is for, when the index says.
    pub platform: Option<Platform>,
    /// An attestation (provenance, SBOM) rather than an image.
    pub attestation: bool,
}

impl IndexEntry {
    /// The entries of an index or manifest list, in its order (`None` when `document` is not one).
    pub fn all_in(document: &serde_json::Value) -> Option<Vec<IndexEntry>> {
        let manifests = document.get("manifests")?.as_array()?;
        Some(manifests.iter().filter_map(IndexEntry::from_json).collect())
    }

    fn from_json(entry: &serde_json::Value) -> Option<IndexEntry> {
        let platform = entry.get("platform").and_then(|p| {
            Some(Platform {
                os: p.get("os")?.as_str()?.to_string(),
                architecture: p.get("architecture")?.as_str()?.to_string(),
                variant: p.get("variant").and_then(|v| v.as_str()).map(str::to_string),
            })
        });
        let unknown = platform.as_ref().is_some_and(|p| p.os == "unknown" && p.architecture == "unknown");
        let annotated = entry["annotations"][REFERENCE_TYPE].as_str().is_some_and(|t| t == "attestation-manifest");
        Some(IndexEntry {
            digest: entry.get("digest")?.as_str()?.to_string(),
            size: entry["size"].as_u64().unwrap_or_default(),
            platform,
            attestation: unknown || annotated,
        })
    }

    /// How the entry is shown: its platform, or what it is when it is none.
    pub fn label(&self) -> String {
        match (&self.platform, self.attestation) {
            (_, true) => "attestation".into(),
            (Some(platform), false) => platform.to_string(),
            (None, false) => "no platform given".into(),
        }
    }
}

/// `wanted`, checked against the platform a daemon's image is (`held`, from its config): the
/// daemon keeps one platform of an image, so `--platform` cannot choose there, only confirm.
pub fn confirm_held(wanted: Option<&Platform>, held: Option<Platform>) -> Result<(), PlatformError> {
    match (wanted, held) {
        (Some(wanted), Some(held)) if !wanted.accepts(&held) => {
            Err(PlatformError::NotHeld { wanted: wanted.to_string(), held: held.to_string() })
        }
        _ => Ok(()),
    }
}

/// The image platforms of an index (attestations left out), in its order.
pub fn image_platforms(entries: &[IndexEntry]) -> Vec<String> {
    entries.iter().filter(|e| !e.attestation).map(IndexEntry::label).collect()
}

/// One image an index lists: its platform, and what its blobs take as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ListedImage {
    /// Its platform (`linux/arm64/v8`).
    pub platform: String,
    /// Its config's and layers' blobs, compressed as stored; `None` when its manifest was not
    /// at hand (absent from an archive, or the registry did not give it).
    pub compressed_bytes: Option<u64>,
}

/// The images of an index (attestations left out), in its order, each sized by its manifest as
/// `manifest_of` finds it.
pub fn listed_images(
    entries: &[IndexEntry],
    mut manifest_of: impl FnMut(&IndexEntry) -> Option<serde_json::Value>,
) -> Vec<ListedImage> {
    let images = entries.iter().filter(|e| !e.attestation);
    images
        .map(|entry| ListedImage {
            platform: entry.label(),
            compressed_bytes: manifest_of(entry).map(|manifest| compressed_size(&manifest)),
        })
        .collect()
}

/// An image manifest's size as stored: its config's and its layers' blobs.
pub fn compressed_size(manifest: &serde_json::Value) -> u64 {
    let size = |descriptor: &serde_json::Value| descriptor["size"].as_u64().unwrap_or_default();
    let layers = manifest["layers"].as_array().map(|layers| layers.iter().map(size).sum::<u64>()).unwrap_or_default();
    size(&manifest["config"]) + layers
}

/// The entry to read for `wanted` (default: [`Platform::host`]). An index with one image gives
/// that image unless another platform was asked for; attestations are never chosen.
pub fn choose<'e>(entries: &'e [IndexEntry], wanted: Option<&Platform>) -> Result<&'e IndexEntry, PlatformError> {
    let images: Vec<&IndexEntry> = entries.iter().filter(|e| !e.attestation).collect();
    // One image (an attestation beside it, say): it is the image, whatever this machine is,
    // unless a platform was asked for.
    if let [only] = images.as_slice() {
        if only.platform.is_none() || wanted.is_none() {
            return Ok(only);
        }
    }
    let host = Platform::host();
    let wanted = wanted.unwrap_or(&host);
    images
        .iter()
        .find(|entry| entry.platform.as_ref().is_some_and(|listed| wanted.accepts(listed)))
        .copied()
        .ok_or_else(|| PlatformError::NotListed { wanted: wanted.to_string(), available: image_platforms(entries) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daemons_image_is_confirmed_not_chosen() {
        let platform = |text: &str| Platform::parse(text).unwrap();
        assert!(confirm_held(None, Some(platform("linux/s390x"))).is_ok(), "nothing asked");
        assert!(confirm_held(Some(&platform("linux/arm64")), Some(platform("linux/arm64/v8"))).is_ok());
        assert!(confirm_held(Some(&platform("linux/amd64")), None).is_ok(), "a config that says none");
        let refused = confirm_held(Some(&platform("linux/arm64")), Some(platform("linux/amd64"))).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the daemon's image is linux/amd64, not linux/arm64: a daemon keeps one platform of an image"
        );
        assert!(refused.hint().contains("docker pull --platform linux/arm64"), "{}", refused.hint());
    }

    fn index() -> serde_json::Value {
        serde_json::json!({"manifests": [
            {"digest": "sha256:a", "size": 10, "platform": {"os": "linux", "architecture": "amd64"}},
            {"digest": "sha256:b", "size": 11, "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            {"digest": "sha256:c", "size": 12, "platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
            {"digest": "sha256:d", "size": 13, "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": "sha256:a"}}
        ]})
    }

    #[test]
    fn platforms_are_read_and_written_as_the_daemon_writes_them() {
        let arm = Platform::parse("linux/arm/v7").unwrap();
        assert_eq!((arm.os.as_str(), arm.architecture.as_str(), arm.variant.as_deref()), ("linux", "arm", Some("v7")));
        assert_eq!(arm.to_string(), "linux/arm/v7");
        assert_eq!(Platform::parse("Linux/AMD64").unwrap().to_string(), "linux/amd64");
        for bad in ["linux", "linux/", "/amd64", "linux/arm/v7/x", "linux/am d64", ""] {
            assert!(matches!(Platform::parse(bad), Err(PlatformError::BadName(_))), "{bad}");
        }
    }

    #[test]
    fn this_machine_is_named_in_gos_words() {
        assert_eq!(Platform::linux_on("x86_64").to_string(), "linux/amd64");
        assert_eq!(Platform::linux_on("aarch64").to_string(), "linux/arm64");
        assert_eq!(Platform::linux_on("arm").to_string(), "linux/arm/v7");
        assert_eq!(Platform::host().os, "linux");
    }

    #[test]
    fn the_platform_asked_for_is_chosen_and_attestations_never_are() {
        let entries = IndexEntry::all_in(&index()).unwrap();
        assert_eq!(entries.len(), 4);
        assert!(entries[3].attestation && !entries[0].attestation);
        let pick = |text: &str| choose(&entries, Some(&Platform::parse(text).unwrap())).map(|e| e.digest.clone());
        assert_eq!(pick("linux/amd64").unwrap(), "sha256:a");
        assert_eq!(pick("linux/arm64").unwrap(), "sha256:b", "arm64 means arm64/v8");
        assert_eq!(pick("linux/arm64/v8").unwrap(), "sha256:b");
        assert_eq!(pick("linux/arm/v7").unwrap(), "sha256:c");
        assert!(pick("linux/arm/v6").is_err());
        assert_eq!(image_platforms(&entries), ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]);
    }

    #[test]
    fn a_missing_platform_names_the_ones_there_are() {
        let entries = IndexEntry::all_in(&index()).unwrap();
        let error = choose(&entries, Some(&Platform::parse("linux/s390x").unwrap())).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the image has no linux/s390x variant; it has linux/amd64, linux/arm64/v8, linux/arm/v7"
        );
        assert!(error.hint().contains("--platform linux/amd64"));
        let only_attestation =
            IndexEntry::all_in(&serde_json::json!({"manifests": [index()["manifests"][3]]})).unwrap();
        assert!(choose(&only_attestation, None).unwrap_err().to_string().ends_with("it has none"));
    }

    #[test]
    fn an_index_of_one_image_without_a_platform_gives_that_image() {
        let entries =
            IndexEntry::all_in(&serde_json::json!({"manifests": [{"digest": "sha256:z", "size": 1}]})).unwrap();
        assert_eq!(choose(&entries, None).unwrap().digest, "sha256:z");
        assert!(IndexEntry::all_in(&serde_json::json!({"layers": []})).is_none());
    }
}
