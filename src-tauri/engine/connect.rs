//! Opens a client to an [`Endpoint`] and negotiates the API version with the daemon, so Strata
//! speaks Docker 20.10's API 1.41 as well as whatever newer daemons offer.

use std::time::Duration;

use bollard::{Docker, API_DEFAULT_VERSION};
use serde::Serialize;

use super::endpoint::{Address, Endpoint};
use super::platform::Os;
use super::socket_get::LocalSocket;
use super::EngineError;

/// How long to wait for a daemon to answer its first request.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long ordinary API requests may take before bollard gives up.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// What the daemon says about itself.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct ServerInfo {
    /// "Docker Engine" or "Podman Engine".
    pub product: String,
    /// The daemon's release, such as "27.3.1" (empty when it does not say).
    pub version: String,
    /// The API version both sides now speak.
    pub api_version: String,
    /// The daemon's operating system, as Go names it: "linux" or "windows" (empty when it does
    /// not say).
    pub os: String,
    /// The daemon's CPU architecture, as Go names it: "amd64", "arm64"… (empty when it does not
    /// say).
    pub arch: String,
}

/// An open, version-negotiated client with the endpoint it talks to.
#[derive(Debug, Clone)]
pub struct Connection {
    /// The bollard client, already speaking the negotiated API version.
    pub docker: Docker,
    /// The endpoint this client was opened to.
    pub endpoint: Endpoint,
    /// What the daemon said about itself when the connection was made.
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
    /// The daemon's Unix socket or named pipe, when that is how it is reached (not TCP or SSH).
    pub fn local_socket(&self) -> Option<LocalSocket> {
        match Address::parse(&self.endpoint.host) {
            Ok(Address::Unix(path)) => Some(LocalSocket::Unix(path)),
            Ok(address @ Address::NamedPipe(_)) => address.pipe_path().map(LocalSocket::Pipe),
            _ => None,
        }
    }
}

/// Why a build for `os` cannot reach `address`, if it cannot.
pub fn unsupported_on(os: Os, address: &Address) -> Option<&'static str> {
    match (address, os) {
        (Address::Ssh(_), Os::Windows) => Some(
            "ssh:// endpoints are not supported by Strata on Windows (they need OpenSSH's control sockets, \
             which exist only on macOS and Linux); forward the daemon's socket with `ssh -L 2375:/var/run/docker.sock HOST` \
             and use tcp://localhost:2375, or a TLS endpoint",
        ),
        (Address::NamedPipe(_), Os::Linux | Os::MacOs) => {
            Some("npipe:// addresses are Windows named pipes; on this system use unix://, tcp:// or ssh://")
        }
        (Address::Unix(_), Os::Windows) => {
            Some("unix:// sockets are not supported by Strata on Windows; use npipe:// (Docker Desktop's is npipe:////./pipe/docker_engine) or tcp://")
        }
        _ => None,
    }
}

fn open_client(endpoint: &Endpoint) -> Result<Docker, EngineError> {
    let host = &endpoint.host;
    let address = Address::parse(host)?;
    if let Some(reason) = unsupported_on(Os::CURRENT, &address) {
        return Err(EngineError::UnsupportedTransport { host: host.clone(), reason: reason.into() });
    }
    let opened = match address {
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
        #[cfg(unix)]
        Address::Ssh(address) => Docker::connect_with_ssh(&address, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION, None),
        #[cfg(windows)]
        Address::NamedPipe(pipe) => Docker::connect_with_named_pipe(&pipe, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION),
        #[allow(unreachable_patterns)]
        _ => {
            return Err(EngineError::UnsupportedTransport {
                host: host.clone(),
                reason: "this build of Strata has no way to reach it".into(),
            })
        }
    };
    opened.map_err(|e| EngineError::from_connect(host, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(host: &str) -> Address {
        Address::parse(host).unwrap()
    }

    #[test]
    fn each_system_refuses_the_transports_it_lacks_in_words() {
        let ssh = address("ssh://me@build-box");
        let pipe = address("npipe:////./pipe/docker_engine");
        let unix = address("unix:///var/run/docker.sock");
        let tcp = address("tcp://build:2376");
        assert!(unsupported_on(Os::Windows, &ssh).unwrap().contains("not supported by Strata on Windows"));
        assert!(unsupported_on(Os::Linux, &ssh).is_none() && unsupported_on(Os::MacOs, &ssh).is_none());
        assert!(unsupported_on(Os::Windows, &pipe).is_none());
        assert!(unsupported_on(Os::MacOs, &pipe).unwrap().contains("Windows named pipes"));
        assert!(unsupported_on(Os::Windows, &unix).unwrap().contains("npipe://"));
        for os in [Os::Linux, Os::MacOs, Os::Windows] {
            assert!(unsupported_on(os, &tcp).is_none());
        }
    }

    #[tokio::test]
    async fn an_unsupported_endpoint_is_a_clear_error_not_a_panic() {
        let host = if cfg!(windows) { "ssh://me@build-box" } else { "npipe:////./pipe/docker_engine" };
        let endpoint = Endpoint {
            name: "x".into(),
            label: "x".into(),
            host: host.into(),
            source: super::super::EndpointSource::DockerHostVariable,
            tls: None,
            origin: "test".into(),
            problem: None,
        };
        let error = connect(&endpoint).await.unwrap_err().to_string();
        assert!(error.contains(host) && error.contains("cannot be used here"), "{error}");
    }
}
