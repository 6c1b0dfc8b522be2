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
    Regex::new(&format!(r"^(?:{domain}/)?{component}(?:/{component})*(?::{tag})?(?:@{digest})?$"))
        .expect("reference grammar")
});

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
    fn the_error_says_what_was_expected() {
        let error = check_image("x?force=1").unwrap_err();
        assert_eq!(error.to_string(), "`x?force=1` is not a valid name for an image");
        assert!(error.hint().contains("name:tag"), "{}", error.hint());
    }
}
