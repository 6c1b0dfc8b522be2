//! Why a registry could not answer, sorted into what the user can act on: it is down, it wants
//! a sign-in, the name is not there, the platform is not there, or it answered something else.

use oci_client::errors::{OciDistributionError, OciErrorCode};

use super::credentials::CredentialError;
use crate::platform::PlatformError;
use crate::problem::{ErrorCode, Problem};

/// Why a registry could not answer.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The saved credential could not be read.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// The tag is an index with no image for the platform asked for.
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// The registry did not answer: down, a wrong address, or the network.
    #[error("{registry} does not answer: {reason}")]
    Unreachable {
        /// The registry's host.
        registry: String,
        /// The network's words.
        reason: String,
    },
    /// A registry on this machine speaks TLS, but no CA is set up for it, so it was asked over
    /// plain HTTP.
    #[error(
        "{registry} speaks TLS, and a registry on this machine is reached over plain HTTP unless a CA is set up for it"
    )]
    TlsWithoutCa {
        /// The registry's host.
        registry: String,
    },
    /// The registry wants a sign-in, or refused the one given.
    #[error("{registry} refused the sign-in: {reason}")]
    SignIn {
        /// The registry's host.
        registry: String,
        /// The registry's words.
        reason: String,
    },
    /// The registry asks the client to slow down (HTTP 429).
    #[error("{registry} asks to slow down (too many requests): {reason}")]
    Busy {
        /// The registry's host.
        registry: String,
        /// The registry's words.
        reason: String,
    },
    /// The registry failed on its side (HTTP 5xx).
    #[error("{registry} failed on its side (HTTP {status}): {reason}")]
    Failed {
        /// The registry's host.
        registry: String,
        /// The HTTP status.
        status: u16,
        /// The registry's words.
        reason: String,
    },
    /// A blob that is not what its manifest says: another size or another digest.
    #[error("{registry}: the blob {digest} {what}; it is refused")]
    BadBlob {
        /// The registry's host.
        registry: String,
        /// The digest the manifest gives.
        digest: String,
        /// What was wrong with it.
        what: String,
    },
    /// No repository, tag or manifest of that name.
    #[error("{registry}: {reason}")]
    NotThere {
        /// The registry's host.
        registry: String,
        /// The registry's words.
        reason: String,
    },
    /// Any other refusal, or an answer that is not the API's.
    #[error("{registry}: {reason}")]
    Answer {
        /// The registry's host.
        registry: String,
        /// The registry's words.
        reason: String,
    },
}

impl RegistryError {
    /// Sorts what `oci-client` said into what the user can act on.
    pub(super) fn from_client(registry: &str, error: OciDistributionError) -> RegistryError {
        let registry = registry.to_string();
        if error.to_string().contains("HTTP request to an HTTPS server") {
            return RegistryError::TlsWithoutCa { registry };
        }
        match &error {
            OciDistributionError::RequestError(request) if request.is_connect() || request.is_timeout() => {
                let reason =
                    std::error::Error::source(request).map_or(request.to_string(), |source| source.to_string());
                RegistryError::Unreachable { registry, reason }
            }
            OciDistributionError::AuthenticationFailure(_) | OciDistributionError::UnauthorizedError { .. } => {
                RegistryError::SignIn { registry, reason: error.to_string() }
            }
            OciDistributionError::RegistryError { envelope, .. } => {
                let not_there = envelope
                    .errors
                    .iter()
                    .any(|e| matches!(e.code, OciErrorCode::NameUnknown | OciErrorCode::ManifestUnknown));
                let denied =
                    envelope.errors.iter().any(|e| matches!(e.code, OciErrorCode::Unauthorized | OciErrorCode::Denied));
                let busy = envelope.errors.iter().any(|e| matches!(e.code, OciErrorCode::Toomanyrequests));
                let reason = envelope.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
                match (not_there, denied, busy) {
                    (true, _, _) => RegistryError::NotThere { registry, reason },
                    (_, true, _) => RegistryError::SignIn { registry, reason },
                    (_, _, true) => RegistryError::Busy { registry, reason },
                    _ => RegistryError::Answer { registry, reason },
                }
            }
            OciDistributionError::ServerError { code: 429, message, .. } => {
                RegistryError::Busy { registry, reason: short(message) }
            }
            OciDistributionError::ServerError { code, message, .. } if *code >= 500 => {
                RegistryError::Failed { registry, status: *code, reason: short(message) }
            }
            OciDistributionError::ImageManifestNotFoundError(_) => {
                RegistryError::NotThere { registry, reason: error.to_string() }
            }
            _ => RegistryError::Answer { registry, reason: error.to_string() },
        }
    }
}

/// A registry's answer body as one short line: error pages can be long HTML.
fn short(message: &str) -> String {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None if line.is_empty() => "no reason given".into(),
        None => line,
    }
}

impl Problem for RegistryError {
    fn code(&self) -> ErrorCode {
        match self {
            RegistryError::Credential(_) => ErrorCode::InvalidInput,
            RegistryError::Platform(error) => error.code(),
            RegistryError::NotThere { .. } => ErrorCode::NotFound,
            _ => ErrorCode::RegistryFailed,
        }
    }

    fn hint(&self) -> String {
        match self {
            RegistryError::Credential(_) => {
                "Fix the docker CLI's config (`docker login` writes it), or its credential helper".into()
            }
            RegistryError::Platform(error) => error.hint(),
            RegistryError::Unreachable { registry, reason } if reason.contains("certificate") => format!(
                "Trust its CA as the docker CLI does: put the certificate in ~/.docker/certs.d/{registry}/ca.crt"
            ),
            RegistryError::TlsWithoutCa { registry } => {
                format!("Put its CA certificate in ~/.docker/certs.d/{registry}/ca.crt, as the docker CLI reads it")
            }
            RegistryError::Unreachable { .. } => "Check the registry's address and that it is up".into(),
            RegistryError::SignIn { registry, .. } => {
                format!("Sign in with `docker login {registry}`: Strata uses the docker CLI's credentials")
            }
            RegistryError::NotThere { registry, .. } => {
                format!("`strata registry repos {registry}` lists its repositories, `strata registry tags` a repository's tags")
            }
            RegistryError::Busy { .. } => {
                "Wait a minute and try again; signed in, a registry usually allows more requests".into()
            }
            RegistryError::BadBlob { .. } => {
                "The registry holds a damaged copy, or something on the way changed it: push the image again".into()
            }
            RegistryError::Failed { .. } => "Try again later; if it lasts, tell the registry's operators".into(),
            RegistryError::Answer { .. } => String::new(),
        }
    }
}
