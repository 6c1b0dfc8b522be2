//! What a registry holds — its repositories (the catalog, where the registry allows it) and each
//! repository's tags — over the OCI distribution API, with `oci-client`: it speaks both the OCI
//! and Docker v2 media types, does the anonymous, Basic and Bearer-token flows (`WWW-Authenticate`
//! realm, service and scope) and streams blobs, so Strata writes none of that by hand. TLS uses the
//! system's roots plus `certs.d/HOST/ca.crt` in the docker config folder, as the docker CLI reads
//! it; plain HTTP is used only for loopback registries (`localhost`, 127.0.0.0/8, `[::1]`), which
//! the daemon also treats as insecure (not once `certs.d` holds a CA for them), and for
//! registries the user marked insecure by adding them as `http://HOST` ([`super::known`]).

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::manifest::{
    OciDescriptor, OciImageManifest, IMAGE_MANIFEST_LIST_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE,
    OCI_IMAGE_INDEX_MEDIA_TYPE, OCI_IMAGE_MEDIA_TYPE,
};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::blob::BlobTransfer;
use super::challenge::Door;
use super::credentials::{credentials_for, save_credential, Credential};
use super::error::RegistryError;
use super::known::insecure_registries;
use crate::engine::environment::strata_config_dir;
use crate::platform::{choose, compressed_size, listed_images, IndexEntry, ListedImage, Platform};

/// Tags (or repositories) asked for in one page.
const PAGE: usize = 1000;
/// Pages read at most: a registry that pages forever stops here, and the list says it was cut.
const MOST_PAGES: usize = 100;
/// Requests for the images of one index made side by side, at most: a tag of eight platforms
/// costs about two round trips, not eight.
const AT_ONCE: usize = 6;

/// A manifest or index as JSON with its digest, or why it could not be read.
type ManifestRead = Result<(serde_json::Value, String), RegistryError>;

/// A list the registry gave in pages: what it held, and whether Strata stopped before its end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Listed {
    /// The names, in the registry's order.
    pub names: Vec<String>,
    /// More pages than [`MOST_PAGES`] of [`PAGE`] names: the rest was not asked for.
    pub cut: bool,
}

/// An image's manifest and config, fetched from a registry; its layers are fetched as they are read.
#[derive(Debug, Clone)]
pub struct RemoteImage {
    /// Where it is.
    pub reference: Reference,
    /// The digest of its manifest (the platform's, for an index).
    pub manifest_digest: String,
    /// Its config's blob: its digest is the image id.
    pub config: OciDescriptor,
    /// Its layers' blobs, bottom first.
    pub layers: Vec<OciDescriptor>,
    /// The platform read, when the tag is an index; with every image it lists.
    pub platforms: Option<(Platform, Vec<ListedImage>)>,
}

/// A repository's tags: the first [`DETAILED_TAGS`] with their details, the rest by name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TagList {
    /// The first tags, in the registry's order, with their details.
    pub tags: Vec<TagDetails>,
    /// The tags after them, by name only.
    pub rest: Vec<String>,
    /// Tags among the first whose manifest or config could not be read (another kind of
    /// artifact, say), each with why; the others are listed all the same.
    pub unread: Vec<UnreadTag>,
    /// The registry had more tags than Strata asked for.
    pub cut: bool,
}

/// A tag whose details could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct UnreadTag {
    /// The tag.
    pub tag: String,
    /// Why, in one line.
    pub reason: String,
}

/// Tags shown with their details (a manifest or more, and a config, each); the rest by name.
const DETAILED_TAGS: usize = 100;
/// Tags whose manifests and configs are asked for at once.
const DETAILS_AT_ONCE: usize = 8;

/// What one tag is: one image, or an index of several platforms' images.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TagDetails {
    /// The tag.
    pub tag: String,
    /// The digest its manifest (or index) has.
    pub digest: String,
    /// Each image of it, in the index's order.
    pub images: Vec<TagImage>,
    /// Attestation manifests the index holds besides the images.
    pub attestations: usize,
}

/// One image of a tag.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TagImage {
    /// Its platform, as its config says (`linux/amd64`); empty when it does not.
    pub platform: String,
    /// Its manifest's digest.
    pub digest: String,
    /// Its config's and layers' blobs, as stored (compressed).
    pub compressed_bytes: u64,
    /// When it was made, as its config says.
    pub created: Option<String>,
    /// Its labels.
    pub labels: std::collections::BTreeMap<String, String>,
    /// Its config's digest: the image id a daemon gives it once pulled.
    pub config: String,
    /// Its layers' diff ids (uncompressed digests), bottom first.
    pub diff_ids: Vec<String>,
}

/// The manifest types Strata reads: OCI's and Docker's, single images and indexes.
const MANIFEST_TYPES: &[&str] =
    &[OCI_IMAGE_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE, IMAGE_MANIFEST_LIST_MEDIA_TYPE];

/// A client for one registry, signed in as the docker CLI would be.
pub struct RegistryClient {
    host: String,
    client: Client,
    auth: RegistryAuth,
    /// Reached over plain HTTP ([`plain_http`]).
    plain: bool,
    /// The CAs trusted for it besides the system's ([`certs_d`]).
    trusted: Vec<Certificate>,
}

/// The token scope that lets a client read a registry's catalog.
const CATALOG_SCOPE: &str = "registry:catalog:*";

/// How `oci-client` reaches a registry: over plain HTTP or TLS trusting `trusted` too.
fn client_config(plain: bool, trusted: &[Certificate]) -> ClientConfig {
    ClientConfig {
        protocol: if plain { ClientProtocol::Http } else { ClientProtocol::Https },
        extra_root_certificates: trusted.to_vec(),
        connect_timeout: Some(Duration::from_secs(10)),
        read_timeout: Some(Duration::from_secs(60)),
        ..ClientConfig::default()
    }
}

impl RegistryClient {
    /// A client for `host` (`registry.example.com`, `127.0.0.1:5000`), with the credential saved
    /// for it in `docker_config` (`~/.docker`), if any.
    pub fn new(host: &str, docker_config: &Path) -> Result<RegistryClient, RegistryError> {
        let credential = credentials_for(host, docker_config)?;
        Ok(RegistryClient::signed_in_as(host, docker_config, credential))
    }

    /// A client for `host` signed in with `credential` (none: anonymous); `docker_config` gives
    /// the CA certificates in `certs.d`.
    pub fn signed_in_as(host: &str, docker_config: &Path, credential: Option<Credential>) -> RegistryClient {
        // rustls without a process-wide provider refuses to start; `ring` is already built for bollard.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let trusted = certs_d(docker_config, host);
        let marked = strata_config_dir().map(|folder| insecure_registries(&folder)).unwrap_or_default();
        let plain = plain_http(host, !trusted.is_empty(), &marked);
        let auth = match credential {
            Some(Credential::Basic { username, password }) => RegistryAuth::Basic(username, password),
            Some(Credential::IdentityToken(token)) => RegistryAuth::Bearer(token),
            None => RegistryAuth::Anonymous,
        };
        let client = Client::new(client_config(plain, &trusted));
        RegistryClient { host: host.to_string(), client, auth, plain, trusted }
    }

    /// Whether the registry takes this client's sign-in, asked as `docker login` asks it
    /// ([`Door::check`]): a refusal, no answer, a failure or a rate limit is the error.
    pub async fn check_sign_in(&self) -> Result<(), RegistryError> {
        self.door()?.check(&self.auth).await
    }

    /// Signs in to `host` as `docker login` does: the registry must take `username` and
    /// `password`, then they are saved where the docker CLI keeps them (the credential helper
    /// the config names, else its `auths`). Says where they were saved.
    pub async fn sign_in(
        host: &str,
        username: &str,
        password: &str,
        docker_config: &Path,
    ) -> Result<String, RegistryError> {
        let credential = Credential::Basic { username: username.to_string(), password: password.to_string() };
        RegistryClient::signed_in_as(host, docker_config, Some(credential)).check_sign_in().await?;
        Ok(save_credential(host, username, password, docker_config)?)
    }

    /// The registry's door (`/v2/`), as this client reaches it.
    fn door(&self) -> Result<Door, RegistryError> {
        let anchor = Reference::with_tag(self.host.clone(), "library/any".into(), "latest".into());
        Door::new(anchor.resolve_registry(), if self.plain { "http" } else { "https" }, &self.trusted)
    }

    /// The repositories the registry lists (`/v2/_catalog`; many public registries refuse it).
    pub async fn repositories(&self) -> Result<Listed, RegistryError> {
        // The catalog is the registry's, not a repository's: any name stands for the host.
        let anchor = &Reference::with_tag(self.host.clone(), "library/any".into(), "latest".into());
        // A token registry grants the catalog only to a token asked for its scope, which
        // `oci-client` never asks for: such a token, with a client of its own to carry it.
        let (client, auth) = match self.door()?.token_for(CATALOG_SCOPE, &self.auth).await? {
            Some(token) => (&Client::new(client_config(self.plain, &self.trusted)), &RegistryAuth::Bearer(token)),
            None => (&self.client, &self.auth),
        };
        self.paged(|last| async move {
            let page = client.catalog(anchor, auth, Some(PAGE), last.as_deref()).await?;
            Ok(page.repositories)
        })
        .await
    }

    /// The tags of `repository` (`team/app`).
    pub async fn tags(&self, repository: &str) -> Result<Listed, RegistryError> {
        let anchor = &Reference::with_tag(self.host.clone(), repository.to_string(), "latest".into());
        self.paged(|last| async move {
            Ok(self.client.list_tags(anchor, &self.auth, Some(PAGE), last.as_deref()).await?.tags)
        })
        .await
    }

    /// The tags of `repository`, the first [`DETAILED_TAGS`] with their details (asked for
    /// [`DETAILS_AT_ONCE`] at a time), the rest by name.
    pub async fn tag_list(&self, repository: &str) -> Result<TagList, RegistryError> {
        let listed = self.tags(repository).await?;
        let mut names = listed.names;
        let rest = names.split_off(names.len().min(DETAILED_TAGS));
        // Gathered first: a stream that maps with a borrowing closure is not `Send` for Tauri.
        let asked: Vec<_> = names.iter().map(|tag| self.tag_details(repository, tag)).collect();
        let read: Vec<_> = futures_util::stream::iter(asked).buffered(DETAILS_AT_ONCE).collect().await;
        let (mut tags, mut unread) = (Vec::new(), Vec::new());
        for (tag, details) in names.into_iter().zip(read) {
            match details {
                Ok(details) => tags.push(details),
                // One tag's own trouble; a refusal or an outage is the whole list's.
                Err(
                    error @ (RegistryError::NotThere { .. }
                    | RegistryError::Answer { .. }
                    | RegistryError::BadBlob { .. }),
                ) => unread.push(UnreadTag { tag, reason: error.to_string() }),
                Err(error) => return Err(error),
            }
        }
        Ok(TagList { tags, rest, unread, cut: listed.cut })
    }

    /// A list the registry gives [`PAGE`] names at a time, each page asked for after the last
    /// name of the one before; cut after [`MOST_PAGES`].
    async fn paged<Page>(&self, mut page_after: impl FnMut(Option<String>) -> Page) -> Result<Listed, RegistryError>
    where
        Page: std::future::Future<Output = Result<Vec<String>, OciDistributionError>>,
    {
        let mut listed = Listed { names: Vec::new(), cut: true };
        for _ in 0..MOST_PAGES {
            let page = page_after(listed.names.last().cloned()).await.map_err(|e| self.failed(e))?;
            let done = page.len() < PAGE;
            listed.names.extend(page);
            if done {
                listed.cut = false;
                break;
            }
        }
        Ok(listed)
    }

    /// The image `repository` + tag or digest names: its manifest (for an index, the one for
    /// `platform`, by default this machine's); its config is fetched by [`Self::config`].
    pub async fn image(
        &self,
        repository: &str,
        tag: Option<&str>,
        digest: Option<&str>,
        platform: Option<&Platform>,
    ) -> Result<RemoteImage, RegistryError> {
        let reference = match digest {
            Some(digest) => Reference::with_digest(self.host.clone(), repository.to_string(), digest.to_string()),
            None => Reference::with_tag(self.host.clone(), repository.to_string(), tag.unwrap_or("latest").to_string()),
        };
        let (mut document, mut manifest_digest) = self.manifest(&reference).await?;
        let mut platforms = None;
        if let Some(entries) = IndexEntry::all_in(&document) {
            let chosen = choose(&entries, platform)?;
            let mut manifests: std::collections::HashMap<String, _> =
                self.manifests_of(&reference, &entries).await.into_iter().collect();
            let listed = listed_images(&entries, |entry| {
                manifests.get(&entry.digest).and_then(|read| read.as_ref().ok()).map(|(manifest, _)| manifest.clone())
            });
            platforms = chosen.platform.clone().map(|p| (p, listed));
            (document, manifest_digest) = match manifests.remove(&chosen.digest) {
                Some(read) => read?,
                None => self.manifest(&self.at(&reference, &chosen.digest)).await?,
            };
        }
        let manifest: OciImageManifest = serde_json::from_value(document).map_err(|e| RegistryError::Answer {
            registry: self.host.clone(),
            reason: format!("its manifest {manifest_digest} is not an image manifest: {e}"),
        })?;
        Ok(RemoteImage { reference, manifest_digest, config: manifest.config, layers: manifest.layers, platforms })
    }

    /// The image's config, as stored (its digest checked by `oci-client`).
    pub async fn config(&self, image: &RemoteImage) -> Result<Vec<u8>, RegistryError> {
        let mut config = Vec::new();
        self.client.pull_blob(&image.reference, &image.config, &mut config).await.map_err(|e| self.failed(e))?;
        Ok(config)
    }

    /// What `tag` of `repository` is: its digest and, for each image in it, the platform, the
    /// manifest's digest, the compressed size, when it was made and its labels.
    pub async fn tag_details(&self, repository: &str, tag: &str) -> Result<TagDetails, RegistryError> {
        let reference = Reference::with_tag(self.host.clone(), repository.to_string(), tag.to_string());
        let (document, digest) = self.manifest(&reference).await?;
        let mut details =
            TagDetails { tag: tag.to_string(), digest: digest.clone(), images: Vec::new(), attestations: 0 };
        let manifests = match IndexEntry::all_in(&document) {
            None => vec![(document, digest)],
            Some(entries) => {
                details.attestations = entries.iter().filter(|e| e.attestation).count();
                let read = self.manifests_of(&reference, &entries).await;
                read.into_iter().map(|(_, manifest)| manifest).collect::<Result<_, _>>()?
            }
        };
        let reads: Vec<_> =
            manifests.iter().map(|(manifest, digest)| self.tag_image(&reference, manifest, digest.clone())).collect();
        let read: Vec<_> = futures_util::stream::iter(reads).buffered(AT_ONCE).collect().await;
        details.images = read.into_iter().collect::<Result<_, _>>()?;
        Ok(details)
    }

    /// One image of a tag, its config read for the platform, the date and the labels.
    async fn tag_image(
        &self,
        reference: &Reference,
        manifest: &serde_json::Value,
        digest: String,
    ) -> Result<TagImage, RegistryError> {
        let config_descriptor: OciDescriptor =
            serde_json::from_value(manifest["config"].clone()).map_err(|e| RegistryError::Answer {
                registry: self.host.clone(),
                reason: format!("the manifest {digest} names no config: {e}"),
            })?;
        let mut bytes = Vec::new();
        self.client.pull_blob(reference, &config_descriptor, &mut bytes).await.map_err(|e| self.failed(e))?;
        let mut config: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        crate::secrets::redact_json(&mut config);
        let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
        let platform = Platform::of_config(&config).map(|p| p.to_string()).unwrap_or_default();
        let labels = config["config"]["Labels"]
            .as_object()
            .map(|labels| labels.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            .unwrap_or_default();
        Ok(TagImage {
            platform,
            digest,
            compressed_bytes: compressed_size(manifest),
            created: config["created"].as_str().map(str::to_string),
            labels,
            diff_ids: config["rootfs"]["diff_ids"]
                .as_array()
                .map(|ids| ids.iter().filter_map(|id| id.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            config: config_descriptor.digest,
        })
    }

    /// A manifest or index as JSON, with its digest (checked by `oci-client` against the
    /// registry's header and a digest reference).
    async fn manifest(&self, reference: &Reference) -> Result<(serde_json::Value, String), RegistryError> {
        let pulled = self.client.pull_manifest_raw(reference, &self.auth, MANIFEST_TYPES).await;
        let (body, digest) = pulled.map_err(|e| self.failed(e))?;
        let document = serde_json::from_slice(&body).map_err(|e| RegistryError::Answer {
            registry: self.host.clone(),
            reason: format!("its manifest for {reference} is not JSON: {e}"),
        })?;
        Ok((document, digest))
    }

    /// The manifest of each image an index lists (its attestations left out), read side by side
    /// ([`AT_ONCE`]), in their order, each beside the digest the index gave it.
    async fn manifests_of(&self, reference: &Reference, entries: &[IndexEntry]) -> Vec<(String, ManifestRead)> {
        // Made into a list first: a lazy iterator's closure held across the await would make the
        // callers' futures too particular to be sent between threads.
        let reads: Vec<_> = entries
            .iter()
            .filter(|entry| !entry.attestation)
            .map(|entry| {
                let at = self.at(reference, &entry.digest);
                let digest = entry.digest.clone();
                async move { (digest, self.manifest(&at).await) }
            })
            .collect();
        futures_util::stream::iter(reads).buffered(AT_ONCE).collect().await
    }

    /// The same repository at `digest`.
    fn at(&self, reference: &Reference, digest: &str) -> Reference {
        Reference::with_digest(self.host.clone(), reference.repository().to_string(), digest.to_string())
    }

    /// A layer's blob as it arrives: checked against its digest and size, resumed when a
    /// connection breaks ([`BlobTransfer`]).
    pub fn layer(&self, image: &RemoteImage, layer: &OciDescriptor) -> BoxStream<'static, std::io::Result<Bytes>> {
        let transfer = BlobTransfer::new(
            self.client.clone(),
            self.auth.clone(),
            self.host.clone(),
            image.reference.clone(),
            layer.clone(),
        );
        transfer.into_stream()
    }

    fn failed(&self, error: OciDistributionError) -> RegistryError {
        RegistryError::from_client(&self.host, error)
    }
}

/// Whether `host` is reached over plain HTTP: a registry on this machine with no CA set up for it
/// in `certs.d`, or one the user marked insecure.
fn plain_http(host: &str, has_ca: bool, marked_insecure: &[String]) -> bool {
    (is_loopback(host) && !has_ca) || marked_insecure.iter().any(|marked| marked == host)
}

/// Whether `host` (with or without a port) is this machine, where plain HTTP is allowed.
pub fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => {
            host.rsplit_once(':').map_or(host, |(name, port)| if port.parse::<u16>().is_ok() { name } else { host })
        }
    };
    name == "localhost" || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The CA certificate the docker CLI would trust for `host`: `certs.d/HOST/ca.crt` in the docker
/// config folder.
fn certs_d(docker_config: &Path, host: &str) -> Vec<Certificate> {
    let path = docker_config.join("certs.d").join(host).join("ca.crt");
    match std::fs::read(&path) {
        Ok(data) => vec![Certificate { encoding: CertificateEncoding::Pem, data }],
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_may_be_reached_over_plain_http() {
        for host in ["localhost", "localhost:5000", "127.0.0.1:5000", "127.8.9.1", "[::1]:5000"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["registry.example.com", "10.0.0.2:5000", "ghcr.io", "localhost.example.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn plain_http_is_for_this_machine_without_a_ca_and_for_registries_marked_insecure() {
        let marked = ["registry.lan:5000".to_string()];
        assert!(plain_http("127.0.0.1:5000", false, &marked));
        assert!(!plain_http("127.0.0.1:5000", true, &marked), "a CA in certs.d means TLS");
        assert!(plain_http("registry.lan:5000", false, &marked));
        assert!(!plain_http("registry.lan", false, &marked), "another port is another registry");
        assert!(!plain_http("ghcr.io", false, &marked));
    }

    #[test]
    fn a_ca_in_certs_d_is_trusted_for_its_host_only() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("certs.d/registry.example.com:5000");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("ca.crt"), b"-----BEGIN CERTIFICATE-----\n").unwrap();
        assert_eq!(certs_d(dir.path(), "registry.example.com:5000").len(), 1);
        assert!(certs_d(dir.path(), "other.example.com").is_empty());
    }
}
