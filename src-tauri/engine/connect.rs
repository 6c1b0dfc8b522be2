//! Opens a client to an [`Endpoint`] and negotiates the API version with the daemon, so Strata
//! speaks Docker 20.10's API 1.41 as well as whatever newer daemons offer.

use std::time::Duration;

use bollard::{Docker, API_DEFAULT_VERSION};
use serde::Serialize;

use super::endpoint::{Address, Endpoint};
use super::EngineError;

/// How long to wait for a daemon to answer its first request.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long ordinary API requests may take before bollard gives up.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// What the daemon says about itself.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServerInfo {
    /// "Docker Engine" or "Podman Engine".
    pub product: String,
    pub version: String,
    /// The API version both sides now speak.
    pub api_version: String,
    pub os: String,
    pub arch: String,
}

/// An open, version-negotiated client with the endpoint it talks to.
#[derive(Debug, Clone)]
pub struct Connection {
    pub docker: Docker,
    pub endpoint: Endpoint,
    pub server: ServerInfo,
}

/// Connects to `endpoint`, negotiates the API version and reads the server's version.
pub async fn connect(endpoint: &Endpoint) -> Result<Connection, EngineError> {
    if let Some(problem) = &endpoint.problem {
        return Err(EngineError::UnusableEndpoint(problem.clone()));
    }
    let client = open_client(endpoint)?;
    let host = endpoint.host.clone();
    let negotiated = tokio::time::timeout(CONNECT_TIMEOUT, client.negotiate_version())
        .await
        .map_err(|_| EngineError::Timeout { host: host.clone(), seconds: CONNECT_TIMEOUT.as_secs() })?
        .map_err(|e| EngineError::from_connect(&host, e))?;
    let version = tokio::time::timeout(CONNECT_TIMEOUT, negotiated.version())
        .await
        .map_err(|_| EngineError::Timeout { host: host.clone(), seconds: CONNECT_TIMEOUT.as_secs() })?
        .map_err(|e| EngineError::from_connect(&host, e))?;
    let api = negotiated.client_version();
    let is_podman = version.components.iter().flatten().any(|c| c.name.contains("Podman"));
    let product = if is_podman { "Podman Engine" } else { "Docker Engine" }.to_string();
    let server = ServerInfo {
        product,
        version: version.version.unwrap_or_default(),
        api_version: format!("{}.{}", api.major_version, api.minor_version),
        os: version.os.unwrap_or_default(),
        arch: version.arch.unwrap_or_default(),
    };
    Ok(Connection { docker: negotiated, endpoint: endpoint.clone(), server })
}

impl Connection {
    /// The daemon's Unix socket, when that is how it is reached (not over TCP, SSH or a pipe).
    pub fn unix_socket(&self) -> Option<std::path::PathBuf> {
        match Address::parse(&self.endpoint.host) {
            Ok(Address::Unix(path)) => Some(path),
            _ => None,
        }
    }
}

fn open_client(endpoint: &Endpoint) -> Result<Docker, EngineError> {
    let host = &endpoint.host;
    let opened = match Address::parse(host)? {
        #[cfg(unix)]
        Address::Unix(path) => {
            Docker::connect_with_unix(&path.to_string_lossy(), REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        Address::Tcp(authority) => match &endpoint.tls {
            Some(tls) => Docker::connect_with_ssl(
                &authority,
                &tls.key,
                &tls.cert,
                &tls.ca,
                REQUEST_TIMEOUT_SECS,
                API_DEFAULT_VERSION,
            ),
            None => Docker::connect_with_http(&authority, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION),
        },
        Address::Ssh(address) => Docker::connect_with_ssh(&address, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION, None),
        #[cfg(windows)]
        Address::NamedPipe(pipe) => Docker::connect_with_named_pipe(&pipe, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION),
        #[allow(unreachable_patterns)]
        _ => {
            return Err(EngineError::InvalidHost {
                host: host.clone(),
                reason: "this kind of address is not available on this operating system".into(),
            })
        }
    };
    opened.map_err(|e| EngineError::from_connect(host, e))
}
