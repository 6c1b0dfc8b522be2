//! Finds the daemons Strata can talk to, and which one to use first, the way the docker CLI
//! decides: `DOCKER_HOST`, then `DOCKER_CONTEXT`, then `currentContext` in `config.json`, then the
//! default socket. Every context in the store and every product daemon present (Docker Desktop,
//! Colima, OrbStack, Rancher Desktop, Podman, rootless Docker: [`super::known_sockets`]) are
//! offered too, so the user can switch.
//!
//! Discovery reads files but never connects; it works on an [`Environment`] value so tests can
//! describe any machine.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::endpoint::{Address, Endpoint, EndpointSource, TlsFiles};
use super::environment::Environment;
use super::known_sockets;
use super::platform::Os;

/// Name of the endpoint built from `DOCKER_HOST`.
pub const DOCKER_HOST_NAME: &str = "DOCKER_HOST";
/// Name of the platform's default socket, as the docker CLI calls it.
pub const DEFAULT_NAME: &str = "default";

/// The endpoints found, the one to try first, and anything odd noticed on the way.
#[derive(Debug, Clone, Default, serde::Serialize, ts_rs::TS)]
pub struct Discovery {
    /// The preferred endpoint comes first.
    pub endpoints: Vec<Endpoint>,
    /// Name of the endpoint the docker CLI would use.
    pub preferred: String,
    /// Broken files and ignored settings, in words for the user.
    pub problems: Vec<String>,
}

impl Discovery {
    /// The endpoint with this name, if one was found.
    pub fn find(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.name == name)
    }

    /// The endpoint to use first: the one named `preferred`, else the first found. Panics when
    /// there are no endpoints, which [`discover`] never returns (it always offers the default).
    pub fn preferred_endpoint(&self) -> &Endpoint {
        static NONE_FOUND: std::sync::LazyLock<Endpoint> = std::sync::LazyLock::new(|| default_endpoint(Os::CURRENT));
        self.find(&self.preferred).or(self.endpoints.first()).unwrap_or(&NONE_FOUND)
    }
}

/// Looks for every endpoint in `env` and picks the one the docker CLI would use.
pub fn discover(env: &Environment) -> Discovery {
    let mut problems = Vec::new();
    let store = ContextStore::new(&env.docker_config_dir);
    let mut contexts = store.all(&mut problems);
    let current_in_config = store.current_context(&mut problems);

    let mut endpoints = Vec::new();
    let preferred = if let Some(host) = &env.docker_host {
        if env.docker_context.is_some() {
            problems
                .push("DOCKER_HOST and DOCKER_CONTEXT are both set; DOCKER_HOST wins, as in the docker CLI.".into());
        }
        endpoints.push(docker_host_endpoint(host, env));
        DOCKER_HOST_NAME.to_string()
    } else {
        let (wanted, origin) = match (&env.docker_context, &current_in_config) {
            (Some(name), _) => (name.clone(), "from DOCKER_CONTEXT"),
            (None, Some(name)) => (name.clone(), "current context in config.json"),
            (None, None) => (DEFAULT_NAME.to_string(), "the default socket"),
        };
        if wanted != DEFAULT_NAME {
            match contexts.iter().position(|c| c.name == wanted) {
                Some(i) => {
                    let mut chosen = contexts.remove(i);
                    chosen.origin = format!("context `{wanted}` ({origin})");
                    endpoints.push(chosen);
                }
                None => endpoints.push(missing_context(&wanted, origin, &store)),
            }
        }
        wanted
    };

    endpoints.extend(contexts);
    endpoints.push(default_endpoint(env.os));
    endpoints.extend(known_sockets::known_endpoints(env));
    fold_products_into_others(&mut endpoints);
    dedupe_by_name(&mut endpoints);
    Discovery { endpoints, preferred, problems }
}

/// A product that also made a context for itself (Docker Desktop's `desktop-linux`, Colima's
/// `colima`, OrbStack's `orbstack`), or that `DOCKER_HOST` or the default address already points
/// at, is offered once: as that endpoint, under the product's name.
fn fold_products_into_others(endpoints: &mut Vec<Endpoint>) {
    let products: Vec<(String, String)> = endpoints
        .iter()
        .filter(|e| e.source == EndpointSource::Product)
        .map(|e| (e.host.clone(), e.label.clone()))
        .collect();
    let mut folded = std::collections::HashSet::new();
    for endpoint in endpoints.iter_mut().filter(|e| e.source != EndpointSource::Product) {
        if let Some((host, label)) = products.iter().find(|(host, _)| same_address(host, &endpoint.host)) {
            endpoint.label = match endpoint.source {
                EndpointSource::Context => format!("{label} (context {})", endpoint.name),
                _ => format!("{label} ({})", endpoint.name),
            };
            folded.insert(host.clone());
        }
    }
    endpoints.retain(|e| e.source != EndpointSource::Product || !folded.contains(&e.host));
}

fn docker_host_endpoint(host: &str, env: &Environment) -> Endpoint {
    let is_tcp = host.starts_with("tcp://") || host.starts_with("https://");
    let tls = (is_tcp && env.docker_tls_verify).then(|| {
        let dir = env.docker_cert_path.clone().unwrap_or_else(|| env.docker_config_dir.clone());
        tls_files_in(&dir)
    });
    Endpoint {
        name: DOCKER_HOST_NAME.into(),
        label: "DOCKER_HOST".into(),
        host: host.into(),
        source: EndpointSource::DockerHostVariable,
        tls,
        origin: "from DOCKER_HOST".into(),
        problem: None,
    }
}

fn default_endpoint(os: Os) -> Endpoint {
    Endpoint {
        name: DEFAULT_NAME.into(),
        label: known_sockets::default_label(os).into(),
        host: known_sockets::default_host(os).into(),
        source: EndpointSource::DefaultSocket,
        tls: None,
        origin: "the default socket".into(),
        problem: None,
    }
}

fn missing_context(name: &str, origin: &str, store: &ContextStore) -> Endpoint {
    let meta = store.meta_file(name);
    let problem = match std::fs::read(&meta) {
        Err(_) => format!("context `{name}` ({origin}) does not exist: there is no {}", meta.display()),
        Ok(_) => format!("context `{name}` ({origin}) cannot be read from {}", meta.display()),
    };
    Endpoint {
        name: name.into(),
        label: format!("context {name}"),
        host: String::new(),
        source: EndpointSource::Context,
        tls: None,
        origin: format!("context `{name}` ({origin})"),
        problem: Some(problem),
    }
}

/// Whether two hosts name the same daemon: the same transport and address, however written
/// (`unix:///a//b.sock` is `unix:///a/b.sock`; on Windows `C:/x` is `C:\x`; a pipe's name in
/// any case, with `/` or `\`).
fn same_address(a: &str, b: &str) -> bool {
    match (Address::parse(a), Address::parse(b)) {
        (Ok(a @ Address::NamedPipe(_)), Ok(b @ Address::NamedPipe(_))) => {
            a.pipe_path().map(|p| p.to_lowercase()) == b.pipe_path().map(|p| p.to_lowercase())
        }
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn dedupe_by_name(endpoints: &mut Vec<Endpoint>) {
    let mut seen = std::collections::HashSet::new();
    endpoints.retain(|e| seen.insert(e.name.clone()));
}

fn tls_files_in(dir: &Path) -> TlsFiles {
    TlsFiles { ca: dir.join("ca.pem"), cert: dir.join("cert.pem"), key: dir.join("key.pem") }
}

/// The docker CLI's context store: `contexts/meta/<sha256 of name>/meta.json`, TLS files in
/// `contexts/tls/<sha256 of name>/docker/`.
struct ContextStore {
    config_dir: PathBuf,
}

#[derive(Deserialize)]
struct ContextMeta {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Endpoints", default)]
    endpoints: std::collections::HashMap<String, ContextEndpoint>,
}

#[derive(Deserialize)]
struct ContextEndpoint {
    #[serde(rename = "Host", default)]
    host: Option<String>,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(rename = "currentContext", default)]
    current_context: Option<String>,
}

impl ContextStore {
    fn new(config_dir: &Path) -> ContextStore {
        ContextStore { config_dir: config_dir.to_path_buf() }
    }

    fn digest(name: &str) -> String {
        hex::encode(Sha256::digest(name.as_bytes()))
    }

    fn meta_file(&self, name: &str) -> PathBuf {
        self.config_dir.join("contexts/meta").join(Self::digest(name)).join("meta.json")
    }

    fn current_context(&self, problems: &mut Vec<String>) -> Option<String> {
        let path = self.config_dir.join("config.json");
        let text = std::fs::read_to_string(&path).ok()?;
        match serde_json::from_str::<ConfigFile>(&text) {
            Ok(config) => config.current_context.filter(|c| !c.is_empty()),
            Err(e) => {
                problems.push(format!("{} is not valid JSON ({e}); its currentContext is ignored.", path.display()));
                None
            }
        }
    }

    /// Every readable context with a docker endpoint, sorted by name.
    fn all(&self, problems: &mut Vec<String>) -> Vec<Endpoint> {
        let Ok(dirs) = std::fs::read_dir(self.config_dir.join("contexts/meta")) else {
            return Vec::new();
        };
        let mut found: Vec<Endpoint> =
            dirs.flatten().filter_map(|entry| self.read_context(&entry.path().join("meta.json"), problems)).collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }

    fn read_context(&self, meta_path: &Path, problems: &mut Vec<String>) -> Option<Endpoint> {
        let text = std::fs::read_to_string(meta_path).ok()?;
        let meta: ContextMeta = match serde_json::from_str(&text) {
            Ok(meta) => meta,
            Err(e) => {
                problems.push(format!("{} is not a valid context file ({e}); it is skipped.", meta_path.display()));
                return None;
            }
        };
        let docker = meta.endpoints.get("docker");
        let host = docker.and_then(|d| d.host.clone()).unwrap_or_default();
        let tls_dir = self.config_dir.join("contexts/tls").join(Self::digest(&meta.name)).join("docker");
        let tls = (tls_dir.is_dir() && host.starts_with("tcp://")).then(|| tls_files_in(&tls_dir));
        let skip_verify = docker.is_some_and(|d| d.skip_tls_verify);
        let problem = if host.is_empty() {
            Some(format!("context `{}` has no docker endpoint in {}", meta.name, meta_path.display()))
        } else if skip_verify {
            Some(format!("context `{}` asks to skip TLS verification, which Strata does not do", meta.name))
        } else {
            None
        };
        Some(Endpoint {
            origin: format!("context `{}`", meta.name),
            label: format!("context {}", meta.name),
            name: meta.name,
            host,
            source: EndpointSource::Context,
            tls,
            problem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_in(dir: &Path) -> Environment {
        Environment {
            home: dir.to_path_buf(),
            docker_config_dir: dir.to_path_buf(),
            podman_system_socket: dir.join("no-podman.sock"),
            ..Environment::default()
        }
    }

    fn write_context(config: &Path, name: &str, host: &str) {
        let meta = ContextStore::new(config).meta_file(name);
        std::fs::create_dir_all(meta.parent().unwrap()).unwrap();
        let json = serde_json::json!({"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}});
        std::fs::write(meta, json.to_string()).unwrap();
    }

    #[test]
    fn a_discovery_with_nothing_in_it_still_prefers_the_default_socket() {
        let empty = Discovery::default();
        assert_eq!(empty.preferred_endpoint().host, known_sockets::default_host(Os::CURRENT));
    }

    #[test]
    fn with_nothing_set_the_default_socket_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let found = discover(&env_in(dir.path()));
        assert_eq!(found.preferred, "default");
        assert_eq!(found.preferred_endpoint().host, known_sockets::default_host(Os::CURRENT));
        assert!(found.problems.is_empty());
    }

    #[test]
    fn docker_host_wins_over_contexts_and_takes_tls_files_from_cert_path() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "remote", "tcp://10.1.1.1:2376");
        let env = Environment {
            docker_host: Some("tcp://build:2376".into()),
            docker_context: Some("remote".into()),
            docker_tls_verify: true,
            docker_cert_path: Some("/certs".into()),
            ..env_in(dir.path())
        };
        let found = discover(&env);
        assert_eq!(found.preferred, DOCKER_HOST_NAME);
        let chosen = found.preferred_endpoint();
        assert_eq!(chosen.tls.as_ref().unwrap().ca, PathBuf::from("/certs/ca.pem"));
        assert!(found.find("remote").is_some(), "other contexts are still offered");
        assert!(found.problems[0].contains("DOCKER_HOST wins"));
    }

    #[test]
    fn docker_context_beats_the_current_context_in_config_json() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "a", "unix:///a.sock");
        write_context(dir.path(), "b", "unix:///b.sock");
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"b"}"#).unwrap();
        assert_eq!(discover(&env_in(dir.path())).preferred, "b");
        let env = Environment { docker_context: Some("a".into()), ..env_in(dir.path()) };
        let found = discover(&env);
        assert_eq!(found.preferred, "a");
        assert_eq!(found.endpoints[0].host, "unix:///a.sock");
        assert_eq!(found.endpoints.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["a", "b", "default"]);
    }

    #[test]
    fn context_tls_files_come_from_the_tls_store() {
        let dir = tempfile::tempdir().unwrap();
        write_context(dir.path(), "secure", "tcp://remote:2376");
        let tls = dir.path().join("contexts/tls").join(ContextStore::digest("secure")).join("docker");
        std::fs::create_dir_all(&tls).unwrap();
        let found = discover(&env_in(dir.path()));
        assert_eq!(found.find("secure").unwrap().tls.as_ref().unwrap().key, tls.join("key.pem"));
    }

    #[test]
    fn a_missing_context_is_an_endpoint_with_a_problem_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment { docker_context: Some("gone".into()), ..env_in(dir.path()) };
        let found = discover(&env);
        let chosen = found.preferred_endpoint();
        assert_eq!(chosen.name, "gone");
        assert!(chosen.problem.as_ref().unwrap().contains("does not exist"));
        assert!(found.find("default").is_some(), "the default socket is still offered");
    }

    #[test]
    fn broken_files_are_reported_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
        let meta = ContextStore::new(dir.path()).meta_file("broken");
        std::fs::create_dir_all(meta.parent().unwrap()).unwrap();
        std::fs::write(&meta, "[]").unwrap();
        let found = discover(&env_in(dir.path()));
        assert_eq!(found.preferred, "default");
        assert_eq!(found.problems.len(), 2, "{:?}", found.problems);
    }

    #[test]
    fn podman_sockets_are_offered_when_present() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = dir.path().join("run");
        std::fs::create_dir_all(runtime.join("podman")).unwrap();
        std::fs::write(runtime.join("podman/podman.sock"), "").unwrap();
        let env = Environment { os: Os::Linux, xdg_runtime_dir: Some(runtime.clone()), ..env_in(dir.path()) };
        let found = discover(&env);
        let podman = found.find("podman").unwrap();
        assert_eq!(podman.host, format!("unix://{}", runtime.join("podman/podman.sock").display()));
        assert!(found.find("podman-root").is_none());
    }

    #[test]
    fn a_product_with_its_own_context_is_offered_once_under_the_products_name() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join(".colima/default/docker.sock");
        std::fs::create_dir_all(socket.parent().unwrap()).unwrap();
        std::fs::write(&socket, "").unwrap();
        write_context(dir.path(), "colima", &format!("unix://{}", socket.display()));
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"colima"}"#).unwrap();
        let found = discover(&Environment { os: Os::MacOs, ..env_in(dir.path()) });
        assert_eq!(found.preferred, "colima");
        let names: Vec<(&str, &str)> = found.endpoints.iter().map(|e| (e.name.as_str(), e.label.as_str())).collect();
        assert_eq!(
            names,
            [("colima", "Colima (default) (context colima)"), ("default", "Docker (/var/run/docker.sock)")]
        );
    }

    #[test]
    fn docker_host_at_a_products_socket_is_offered_once_under_the_products_name() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join(".orbstack").join("run").join("docker.sock");
        std::fs::create_dir_all(socket.parent().unwrap()).unwrap();
        std::fs::write(&socket, "").unwrap();
        let env = Environment {
            os: Os::MacOs,
            docker_host: Some(format!("unix://{}", socket.display())),
            ..env_in(dir.path())
        };
        let found = discover(&env);
        assert_eq!(found.preferred_endpoint().label, "OrbStack (DOCKER_HOST)");
        assert!(found.find("orbstack").is_none(), "not offered twice: {:?}", found.endpoints);
        assert!(same_address("npipe:////./pipe/Docker_Engine", r"npipe://\\.\pipe\docker_engine"));
        assert!(!same_address("npipe:////./pipe/a", "npipe:////./pipe/b"));
    }

    #[test]
    fn windows_discovery_starts_at_docker_engines_pipe_and_offers_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment {
            os: Os::Windows,
            named_pipes: vec!["docker_engine".into(), "podman-machine-default".into()],
            ..env_in(dir.path())
        };
        let found = discover(&env);
        assert_eq!(found.preferred_endpoint().host, "npipe:////./pipe/docker_engine");
        assert_eq!(found.find("podman-machine-default").unwrap().host, "npipe:////./pipe/podman-machine-default");
    }
}
