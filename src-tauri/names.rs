//! What the daemon's names may look like — image references, image ids, container ids and
//! names — checked before one goes into a request. bollard writes them into the URL's path as they
//! are, so a `?`, `#` or `/..` in one would change the request itself (`x?force=1` would force a
//! removal). Whatever comes from the window or the command line passes through here first.
//!
//! The grammar is Docker's (distribution's `reference` package): `[host[:port]/]path[:tag][@digest]`,
//! lower-case path components joined by `.`, `_`, `__` or dashes, tags of up to 128 word
//! characters, dots and dashes; or an image id, whole or a prefix, with or without `sha256:`.

use std::sync::LazyLock;

use regex::Regex;

use crate::engine::EngineError;

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let component = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    let domain_component = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let domain = format!(r"(?:{domain_component}(?:\.{domain_component})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?");
    // ASCII word characters, as in Go: a Unicode `\w` repeated 128 times compiles to megabytes.
    let tag = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    Regex::new(&format!(
        r"^(?P<name>(?:{domain}/)?{component}(?:/{component})*)(?::(?P<tag>{tag}))?(?:@(?P<digest>{digest}))?$"
    ))
    .expect("reference grammar")
});

/// Docker Hub, where a reference without a registry points.
const DOCKER_HUB: &str = "docker.io";
/// Where Docker Hub keeps its official images: `alpine` is `docker.io/library/alpine`.
const OFFICIAL: &str = "library/";

/// An image reference taken apart — the only place Strata splits one. `registry:5000/team/app:1.2`
/// has the registry `registry:5000`, the path `team/app` and the tag `1.2`; `alpine` has no
/// registry (Docker Hub is meant), the path `alpine` and no tag (`latest` is meant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// The host (and port) as written, when the reference names one.
    pub registry: Option<String>,
    /// The repository's path inside the registry, as written.
    pub path: String,
    /// The tag as written (`None`: no tag, which means `latest`).
    pub tag: Option<String>,
    /// `sha256:…`, when the reference pins a manifest.
    pub digest: Option<String>,
}

impl ImageReference {
    /// Reads a reference as Docker does; an image id is not a reference.
    pub fn parse(text: &str) -> Result<ImageReference, EngineError> {
        let refuse = || invalid("an image reference", text, "[registry/]name[:tag][@sha256:…]");
        let parts = (text.len() <= MAX_REFERENCE).then(|| REFERENCE.captures(text)).flatten().ok_or_else(refuse)?;
        let name = &parts["name"];
        // As Docker decides: the first component is a registry when it has a dot or a port, or is
        // `localhost` — `team/app` is a path on Docker Hub, `registry:5000/app` is not.
        let (registry, path) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" || first.starts_with('[') => {
                (Some(first.to_string()), rest.to_string())
            }
            _ => (None, name.to_string()),
        };
        let text_of = |group: &str| parts.name(group).map(|m| m.as_str().to_string());
        Ok(ImageReference { registry, path, tag: text_of("tag"), digest: text_of("digest") })
    }

    /// The repository as written: `registry:5000/team/app`, `alpine`.
    pub fn repository(&self) -> String {
        match &self.registry {
            Some(registry) => format!("{registry}/{}", self.path),
            None => self.path.clone(),
        }
    }

    /// The repository as the docker CLI shows it: Docker Hub's name and `library/` left out, so
    /// `docker.io/library/alpine` (how Podman writes it) and `alpine` are the same.
    pub fn familiar_repository(&self) -> String {
        match self.registry.as_deref() {
            None | Some(DOCKER_HUB) | Some("index.docker.io") => {
                self.path.strip_prefix(OFFICIAL).unwrap_or(&self.path).to_string()
            }
            Some(_) => self.repository(),
        }
    }

    /// The tag, or `latest`, which a reference without one means.
    pub fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }

    /// Whether the two name the same repository and tag (and digest, when either pins one),
    /// however each is written: `app@sha256:…` is not `app:latest`.
    pub fn same_tag_as(&self, other: &ImageReference) -> bool {
        self.familiar_repository() == other.familiar_repository()
            && self.tag_or_latest() == other.tag_or_latest()
            && self.digest == other.digest
    }
}

/// `registry:5000/team/app:1.2` → (`registry:5000/team/app`, `1.2`): the repository as written
/// and the tag, `latest` when there is none. What is not a reference (Docker's `<none>`) is kept
/// whole, with `latest`.
pub fn split_reference(reference: &str) -> (String, String) {
    match ImageReference::parse(reference) {
        Ok(parsed) => (parsed.repository(), parsed.tag_or_latest().to_string()),
        Err(_) => (reference.to_string(), "latest".to_string()),
    }
}

static IMAGE_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:sha256:)?[0-9a-f]{1,64}$").expect("id grammar"));

static CONTAINER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$").expect("container name grammar"));

/// The longest name Docker accepts for a reference.
const MAX_REFERENCE: usize = 255 + 1 + 128 + 1 + 71 + 64;

/// An image reference (`app:1`, `registry:5000/team/app@sha256:…`) or an image id.
pub fn check_image(name: &str) -> Result<(), EngineError> {
    let well_formed = name.len() <= MAX_REFERENCE && (IMAGE_ID.is_match(name) || REFERENCE.is_match(name));
    well_formed.then_some(()).ok_or_else(|| invalid("an image", name, "name:tag, name@sha256:…, or an image id"))
}

/// A container's id (or a prefix of it) or its name.
pub fn check_container(name: &str) -> Result<(), EngineError> {
    let well_formed = name.len() <= 255 && CONTAINER.is_match(name);
    well_formed.then_some(()).ok_or_else(|| invalid("a container", name, "an id or a name of letters, digits, _ . -"))
}

fn invalid(what: &str, name: &str, expected: &str) -> EngineError {
    EngineError::InvalidName { name: name.chars().take(120).collect(), what: what.into(), expected: expected.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn references_docker_accepts_pass() {
        for name in [
            "busybox",
            "app:1",
            "strata-test/gui-layers-32635-3:every",
            "library/ubuntu:22.04",
            "docker.io/library/alpine:3.20",
            "registry:5000/team/app:1.2",
            "localhost:5000/a_b__c/d-e---f:v1.2-rc_3",
            "[::1]:5000/app:dev",
            "ghcr.io/owner/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789ab",
            "a",
        ] {
            assert!(check_image(name).is_ok(), "{name} is a reference");
        }
    }

    #[test]
    fn names_that_would_change_the_request_are_refused() {
        for name in [
            "",
            "x?force=1",
            "app:1#frag",
            "../containers/abc/kill",
            "app/../../x",
            "App:1",
            "app:",
            ":1",
            "app::1",
            "app:-x",
            "app name",
            "app:1\n",
            "app//x",
            "/app",
            "app:1@sha256:abc",
            &format!("app:{}", "t".repeat(129)),
            "app:café",
        ] {
            assert!(check_image(name).is_err(), "{name:?} is refused");
        }
    }

    #[test]
    fn container_ids_and_names_pass_and_paths_do_not() {
        for name in ["0123456789ab", "web", "/web", "strata-test-gui-1_web.2"] {
            assert!(check_container(name).is_ok(), "{name}");
        }
        for name in ["", "web/kill", "web?signal=9", "../x", "-web", "web name"] {
            assert!(check_container(name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn references_come_apart_as_docker_reads_them() {
        let parsed = ImageReference::parse("registry:5000/team/app:1.2").unwrap();
        assert_eq!(parsed.registry.as_deref(), Some("registry:5000"));
        assert_eq!((parsed.path.as_str(), parsed.tag.as_deref()), ("team/app", Some("1.2")));
        let hub = ImageReference::parse("team/app").unwrap();
        assert_eq!((hub.registry.as_deref(), hub.path.as_str(), hub.tag_or_latest()), (None, "team/app", "latest"));
        let local = ImageReference::parse("localhost/app@sha256:0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(local.registry.as_deref(), Some("localhost"));
        assert_eq!(local.digest.as_deref(), Some("sha256:0123456789abcdef0123456789abcdef"));
        assert_eq!(ImageReference::parse("[::1]:5000/app").unwrap().registry.as_deref(), Some("[::1]:5000"));
        assert!(ImageReference::parse("x?force=1").is_err());
    }

    #[test]
    fn docker_hubs_long_and_short_names_are_one_repository() {
        let podman = ImageReference::parse("docker.io/library/alpine:3.20").unwrap();
        let docker = ImageReference::parse("alpine:3.20").unwrap();
        assert_eq!(podman.familiar_repository(), "alpine");
        assert!(podman.same_tag_as(&docker));
        assert!(ImageReference::parse("app").unwrap().same_tag_as(&ImageReference::parse("app:latest").unwrap()));
        assert!(!ImageReference::parse("ghcr.io/app:1").unwrap().same_tag_as(&ImageReference::parse("app:1").unwrap()));
        let pinned = ImageReference::parse("app@sha256:0123456789abcdef0123456789abcdef").unwrap();
        assert!(!pinned.same_tag_as(&ImageReference::parse("app:latest").unwrap()), "a digest is not the latest tag");
    }

    #[test]
    fn references_split_at_the_tag_colon_not_the_registry_port() {
        let split = |r: &str| split_reference(r);
        assert_eq!(split("app:dev"), ("app".into(), "dev".into()));
        assert_eq!(split("registry:5000/team/app:1.2"), ("registry:5000/team/app".into(), "1.2".into()));
        assert_eq!(split("registry:5000/team/app"), ("registry:5000/team/app".into(), "latest".into()));
        assert_eq!(split("app"), ("app".into(), "latest".into()));
    }

    #[test]
    fn the_error_says_what_was_expected() {
        let error = check_image("x?force=1").unwrap_err();
        assert_eq!(error.to_string(), "`x?force=1` is not a valid name for an image");
        assert!(error.hint().contains("name:tag"), "{}", error.hint());
    }
}
