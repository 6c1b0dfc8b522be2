//! What an endpoint is: a named address of a Docker-compatible daemon, where Strata found it, and
//! the TLS files that go with it. Parsing an address is here too, so a malformed `DOCKER_HOST`
//! is reported before anything tries to connect.

use std::path::PathBuf;

use serde::Serialize;

use super::EngineError;

/// Where an endpoint came from, in the order the docker CLI gives them precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointSource {
    /// The `DOCKER_HOST` environment variable.
    DockerHostVariable,
    /// A context from the docker CLI's context store.
    Context,
    /// The platform's default Docker socket.
    DefaultSocket,
    /// A socket or pipe that a product lays out (Docker Desktop, Colima, OrbStack, Rancher
    /// Desktop, Podman, rootless Docker).
    Product,
}

/// The TLS material for a `tcp://` endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TlsFiles {
    /// The certificate authority the daemon's certificate must be signed by (`ca.pem`).
    pub ca: PathBuf,
    /// Strata's client certificate (`cert.pem`).
    pub cert: PathBuf,
    /// The private key of the client certificate (`key.pem`).
    pub key: PathBuf,
}

/// One daemon Strata can talk to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Endpoint {
    /// Stable name used to pick it: `DOCKER_HOST`, a context name, `default`, `colima`, `podman`…
    pub name: String,
    /// What it is, in words its users know: "Docker Desktop", "Colima (default)", "context prod".
    pub label: String,
    /// The address as written: `unix:///…`, `tcp://…`, `ssh://…`, `npipe://…`.
    pub host: String,
    /// Where it was found: `DOCKER_HOST`, a context, the default socket or a product's socket.
    pub source: EndpointSource,
    /// Set for TLS connections; certificates are checked against `ca`.
    pub tls: Option<TlsFiles>,
    /// Human words on how it was found (`from DOCKER_CONTEXT`, `current context in config.json`).
    pub origin: String,
    /// Why this endpoint cannot be used as it is (a missing or broken context), if it cannot.
    pub problem: Option<String>,
}

/// `npipe:////./pipe/NAME`, the docker CLI's way of writing the address of the pipe `NAME`.
pub fn pipe_host(name: &str) -> String {
    format!("npipe:////./pipe/{name}")
}

/// An address split into the transport Strata will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A Unix socket: the path after `unix://`.
    Unix(PathBuf),
    /// TCP, with or without TLS: `host:port`, without the scheme or a trailing slash.
    Tcp(String),
    /// SSH: the whole address as written, `ssh://[USER@]HOST[:PORT]`.
    Ssh(String),
    /// A Windows named pipe: the whole address as written, `npipe://…` ([`Address::pipe_path`]
    /// gives the Windows path).
    NamedPipe(String),
}

impl Address {
    /// Parses a docker host string. Accepts what the docker CLI accepts for `-H`/`DOCKER_HOST`:
    /// `unix://PATH`, `tcp://HOST:PORT` (also `http://`, `https://`), `ssh://[USER@]HOST[:PORT]`
    /// and `npipe://PATH`.
    pub fn parse(host: &str) -> Result<Address, EngineError> {
        let invalid = |reason: &str| EngineError::InvalidHost { host: host.to_string(), reason: reason.to_string() };
        let trimmed = host.trim();
        let (scheme, rest) = trimmed
            .split_once("://")
            .ok_or_else(|| invalid("it has no scheme; write unix:///path, tcp://host:port or ssh://user@host"))?;
        if rest.is_empty() {
            return Err(invalid("the address after the scheme is empty"));
        }
        match scheme {
            "unix" => Ok(Address::Unix(PathBuf::from(rest))),
            "tcp" | "http" | "https" => {
                let authority = rest.trim_end_matches('/');
                let (name, port) = authority
                    .rsplit_once(':')
                    .ok_or_else(|| invalid("a tcp address needs a port, as in tcp://host:2375"))?;
                if name.is_empty() || port.parse::<u16>().is_err() {
                    return Err(invalid("a tcp address needs a host and a numeric port, as in tcp://host:2375"));
                }
                Ok(Address::Tcp(authority.to_string()))
            }
            "ssh" => Ok(Address::Ssh(trimmed.to_string())),
            "npipe" => Ok(Address::NamedPipe(trimmed.to_string())),
            other => Err(invalid(&format!("the scheme `{other}` is not one Docker uses (unix, tcp, ssh, npipe)"))),
        }
    }

    /// A named pipe's path as Windows writes it: `npipe:////./pipe/docker_engine` is
    /// `\\.\pipe\docker_engine`. `None` for other addresses.
    pub fn pipe_path(&self) -> Option<String> {
        let Address::NamedPipe(address) = self else { return None };
        let rest = address.strip_prefix("npipe://").unwrap_or(address);
        Some(rest.replace('/', "\\"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_schemes_docker_accepts() {
        assert_eq!(
            Address::parse("unix:///var/run/docker.sock").unwrap(),
            Address::Unix("/var/run/docker.sock".into())
        );
        assert_eq!(Address::parse("tcp://10.0.0.5:2376").unwrap(), Address::Tcp("10.0.0.5:2376".into()));
        assert_eq!(Address::parse("tcp://host:2375/").unwrap(), Address::Tcp("host:2375".into()));
        assert_eq!(Address::parse("ssh://me@build-box").unwrap(), Address::Ssh("ssh://me@build-box".into()));
    }

    #[test]
    fn named_pipe_addresses_become_windows_pipe_paths() {
        for (host, path) in [
            ("npipe:////./pipe/docker_engine", r"\\.\pipe\docker_engine"),
            ("npipe:////./pipe/dockerDesktopLinuxEngine", r"\\.\pipe\dockerDesktopLinuxEngine"),
            (r"npipe://\\.\pipe\podman-machine-default", r"\\.\pipe\podman-machine-default"),
            ("npipe:////build-box/pipe/docker_engine", r"\\build-box\pipe\docker_engine"),
        ] {
            let address = Address::parse(host).unwrap();
            assert!(matches!(address, Address::NamedPipe(_)), "{host}");
            assert_eq!(address.pipe_path().unwrap(), path, "{host}");
        }
        assert_eq!(Address::parse("unix:///var/run/docker.sock").unwrap().pipe_path(), None);
        assert!(Address::parse("npipe://").is_err());
    }

    #[test]
    fn malformed_hosts_say_what_is_wrong() {
        for (host, words) in [
            ("/var/run/docker.sock", "no scheme"),
            ("tcp://nohostport", "needs a port"),
            ("tcp://host:notaport", "numeric port"),
            ("ftp://host:21", "scheme `ftp`"),
            ("unix://", "empty"),
        ] {
            let message = Address::parse(host).unwrap_err().to_string();
            assert!(message.contains(words), "{host}: {message}");
        }
    }
}
