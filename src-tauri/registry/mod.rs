//! Registries, as the docker CLI reaches them: who the user is on each one ([`credentials`]:
//! `~/.docker/config.json`'s `auths`, and the credential helpers `credsStore` and `credHelpers`
//! name), and what a registry holds ([`client`]: its repositories and each one's tags, over the
//! OCI distribution API with `oci-client`, plain HTTP only for loopback registries; an index
//! read as the platform asked for; its door, `/v2/`, asked as `docker login` asks it: `challenge`), each layer's blob checked and resumed as it arrives (`blob`),
//! and why a registry failed, in words the user can act on (`error`).
//!
//! The project's push (through the daemon) and the registry client share the one credential
//! lookup.

mod blob;
mod challenge;
pub mod client;
pub mod credentials;
mod error;
pub mod known;

pub use client::{Listed, RegistryClient, RemoteImage, TagDetails, TagImage, TagList, UnreadTag};
pub use credentials::{credentials_for, registry_of, Credential, DOCKER_HUB};
pub use error::RegistryError;
