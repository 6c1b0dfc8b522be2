//! Whether the daemon's copy of a registry's tag is the registry's: for each tag, the local image
//! tagged `HOST/REPOSITORY:TAG` is found and compared — the same image id (its config's digest),
//! or how many layers differ between the two (by diff id) — with the registry's image for the
//! local copy's platform. Seen from the registry (the Registries screen: is each tag here?) and
//! from the daemon (the Images screen: is each local image its registry's?).

use std::collections::HashSet;
use std::path::Path;

use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;

use crate::names::ImageReference;
use crate::platform::Platform;
use crate::registry::{registry_of, RegistryClient, RegistryError, TagDetails, TagImage, DOCKER_HUB};

/// Registries asked at once about the daemon's images.
const ASKED_AT_ONCE: usize = 4;

/// How the daemon's copy of one tag compares with the registry's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LocalCopy {
    /// The daemon has no image by that name.
    Absent,
    /// The daemon's image is the registry's.
    Same,
    /// The daemon's image is another: `layers` are in one and not the other.
    Differs {
        /// Layers (by diff id) found in only one of the two.
        layers: usize,
    },
}

/// The daemon's copy of each tag of `repository` (`HOST/PATH`), in the tags' order.
pub async fn local_copies(docker: &Docker, repository: &str, tags: &[TagDetails]) -> Vec<LocalCopy> {
    let mut copies = Vec::with_capacity(tags.len());
    for tag in tags {
        let reference = format!("{repository}:{}", tag.tag);
        let copy = match docker.inspect_image(&reference).await {
            Ok(local) => {
                let platform =
                    platform_of(local.os.as_deref(), local.architecture.as_deref(), local.variant.as_deref());
                let layers = local.root_fs.and_then(|root| root.layers).unwrap_or_default();
                compare(local.id.as_deref().unwrap_or_default(), &platform, &layers, &tag.images)
            }
            Err(_) => LocalCopy::Absent,
        };
        copies.push(copy);
    }
    copies
}

/// How one of the daemon's images compares with its tag in the registry its name gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InRegistry {
    /// The registry's image is the daemon's.
    Same,
    /// The registry's image is another: `layers` are in one and not the other.
    Differs {
        /// Layers (by diff id) found in only one of the two.
        layers: usize,
    },
    /// The registry has no such tag (or repository): never pushed, or deleted there.
    NotThere,
    /// The registry could not be read.
    Unreadable {
        /// Why, in one line.
        reason: String,
    },
}

/// One local image's reference and how it compares with its registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RegistryCopy {
    /// The reference as given (`HOST/PATH:TAG`).
    pub reference: String,
    /// How the registry's tag compares with the daemon's image.
    pub state: InRegistry,
}

/// For each of `references` whose registry is among `registries` (Docker Hub never: it limits
/// how often it may be asked), how the daemon's image compares with the registry's tag. The
/// other references are left out; a few registries are asked at once.
pub async fn against_registries(
    docker: &Docker,
    references: &[String],
    registries: &[String],
    docker_config: &Path,
) -> Vec<RegistryCopy> {
    let asked: Vec<_> = references
        .iter()
        .filter_map(|text| Some((text, ImageReference::parse(text).ok()?)))
        .filter(|(_, parsed)| parsed.digest.is_none())
        .filter_map(|(text, parsed)| {
            let host = Some(registry_of(text)).filter(|host| host != DOCKER_HUB && registries.contains(host))?;
            Some(against_registry(docker, text.clone(), host, parsed, docker_config))
        })
        .collect();
    futures_util::stream::iter(asked).buffered(ASKED_AT_ONCE).collect().await
}

/// How the daemon's `reference` compares with its tag at `host`.
async fn against_registry(
    docker: &Docker,
    reference: String,
    host: String,
    parsed: ImageReference,
    docker_config: &Path,
) -> RegistryCopy {
    let tag = parsed.tag.as_deref().unwrap_or("latest");
    let details = match RegistryClient::new(&host, docker_config) {
        Ok(client) => client.tag_details(&parsed.path, tag).await,
        Err(error) => Err(error),
    };
    let state = match details {
        Ok(details) => match local_copies(docker, &format!("{host}/{}", parsed.path), &[details]).await.pop() {
            Some(LocalCopy::Same) => InRegistry::Same,
            Some(LocalCopy::Differs { layers }) => InRegistry::Differs { layers },
            Some(LocalCopy::Absent) | None => InRegistry::NotThere,
        },
        Err(RegistryError::NotThere { .. }) => InRegistry::NotThere,
        Err(error) => InRegistry::Unreadable { reason: error.to_string() },
    };
    RegistryCopy { reference, state }
}

fn platform_of(os: Option<&str>, architecture: Option<&str>, variant: Option<&str>) -> String {
    match (os, architecture, variant.filter(|v| !v.is_empty())) {
        (Some(os), Some(arch), Some(variant)) => format!("{os}/{arch}/{variant}"),
        (Some(os), Some(arch), None) => format!("{os}/{arch}"),
        _ => String::new(),
    }
}

/// The local image (`id`, `platform`, `layers`) against the registry's image of that platform
/// (or its only one).
fn compare(id: &str, platform: &str, layers: &[String], images: &[TagImage]) -> LocalCopy {
    let local = Platform::parse(platform).ok();
    let same_platform = images.iter().find(|image| {
        let listed = Platform::parse(&image.platform).ok();
        local
            .as_ref()
            .zip(listed.as_ref())
            .is_some_and(|(local, listed)| local.accepts(listed) || listed.accepts(local))
    });
    let Some(remote) = same_platform.or(images.first()) else { return LocalCopy::Absent };
    if remote.config == id {
        return LocalCopy::Same;
    }
    let (here, there): (HashSet<&String>, HashSet<&String>) =
        (layers.iter().collect(), remote.diff_ids.iter().collect());
    LocalCopy::Differs { layers: here.symmetric_difference(&there).count() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(platform: &str, config: &str, diff_ids: &[&str]) -> TagImage {
        TagImage {
            platform: platform.into(),
            digest: String::new(),
            compressed_bytes: 0,
            created: None,
            labels: Default::default(),
            config: config.into(),
            diff_ids: diff_ids.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn the_local_copy_is_compared_with_the_registrys_image_of_its_platform() {
        let images = [image("linux/amd64", "sha256:a", &["l1", "l2"]), image("linux/arm64", "sha256:b", &["l1", "l3"])];
        let layers = |ids: &[&str]| ids.iter().map(|d| d.to_string()).collect::<Vec<_>>();
        assert_eq!(compare("sha256:a", "linux/amd64", &layers(&["l1", "l2"]), &images), LocalCopy::Same);
        assert_eq!(compare("sha256:b", "linux/arm64", &layers(&["l1", "l3"]), &images), LocalCopy::Same);
        assert_eq!(
            compare("sha256:c", "linux/amd64", &layers(&["l1", "l4", "l5"]), &images),
            LocalCopy::Differs { layers: 3 },
            "l2 only there, l4 and l5 only here"
        );
        assert_eq!(
            compare("sha256:c", "linux/s390x", &layers(&["l1", "l2"]), &images),
            LocalCopy::Differs { layers: 0 }
        );
        assert_eq!(compare("sha256:c", "linux/amd64", &[], &[]), LocalCopy::Absent);
        assert_eq!(platform_of(Some("linux"), Some("arm"), Some("v7")), "linux/arm/v7");
        let arm = [image("linux/amd64", "sha256:a", &[]), image("linux/arm64/v8", "sha256:b", &[])];
        assert_eq!(compare("sha256:b", "linux/arm64", &[], &arm), LocalCopy::Same, "arm64 is arm64/v8");
    }
}
