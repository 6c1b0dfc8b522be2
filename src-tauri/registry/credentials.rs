//! The user's sign-in on a registry, found where the docker CLI keeps it, in this order: the
//! registry's own helper (`credHelpers` in `config.json`), the store helper for every registry
//! (`credsStore`: how Docker Desktop keeps credentials in the system's keychain), and the
//! `auths` entry itself. A helper is the program `docker-credential-NAME`, run as `… get` with the
//! registry's address on its standard input; it answers `{"ServerURL", "Username", "Secret"}`
//! (a `Username` of `<token>` makes the secret an identity token), or fails with "credentials not
//! found" when it has none.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

use crate::names::ImageReference;

/// Where Docker Hub's credentials are filed, however an image names it.
pub const DOCKER_HUB: &str = "https://index.docker.io/v1/";

/// A sign-in the docker CLI saved for a registry. Never printed: its `Debug` hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A user name and password (or a personal token used as one).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// An identity token (an OAuth refresh token) the registry gave at sign-in.
    IdentityToken(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Basic { username, .. } => write!(f, "Basic({username}, …)"),
            Credential::IdentityToken(_) => f.write_str("IdentityToken(…)"),
        }
    }
}

impl Credential {
    /// The credential as the daemon's push takes it.
    pub fn for_daemon(&self, registry: &str) -> bollard::auth::DockerCredentials {
        let (username, password, identitytoken) = match self {
            Credential::Basic { username, password } => (Some(username.clone()), Some(password.clone()), None),
            Credential::IdentityToken(token) => (None, None, Some(token.clone())),
        };
        bollard::auth::DockerCredentials {
            username,
            password,
            identitytoken,
            serveraddress: Some(registry.to_string()),
            ..Default::default()
        }
    }
}

/// Why a saved credential could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// `config.json` is not the JSON the docker CLI writes.
    #[error("{path} cannot be read as the docker CLI's config: {reason}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The helper could not be started, or failed for another reason than having no credential.
    #[error("the credential helper docker-credential-{helper} failed: {reason}")]
    Helper {
        /// Its name (`desktop`, `pass`, `osxkeychain`…).
        helper: String,
        /// What it said, or why it did not run.
        reason: String,
    },
}

/// The registry a repository lives on: its first part when that names a host (has a `.` or a
/// `:`, or is `localhost`), else Docker Hub ([`DOCKER_HUB`], where its credentials are filed).
pub fn registry_of(repository: &str) -> String {
    let named = ImageReference::parse(repository).ok().and_then(|reference| reference.registry);
    let named = named.filter(|registry| !matches!(registry.as_str(), "docker.io" | "index.docker.io"));
    named.unwrap_or_else(|| DOCKER_HUB.to_string())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
}

impl ConfigFile {
    /// The helper that keeps `registry`'s sign-in: its own (`credHelpers`), else the store for
    /// every registry (`credsStore`); `None` when the config file keeps it itself.
    fn helper_for(&self, registry: &str) -> Option<String> {
        let own = self.cred_helpers.iter().find(|(key, _)| same_registry(key, registry)).map(|(_, helper)| helper);
        own.or(self.creds_store.as_ref()).filter(|name| !name.is_empty()).cloned()
    }
}

#[derive(Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// The credential saved for `registry` (a host, or [`DOCKER_HUB`]) in the docker config folder
/// `docker_config`; `None` when there is none (anonymous access).
pub fn credentials_for(registry: &str, docker_config: &Path) -> Result<Option<Credential>, CredentialError> {
    let registry = config_key(registry);
    let path = docker_config.join("config.json");
    let config: ConfigFile = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| CredentialError::Config { path: path.display().to_string(), reason: e.to_string() })?,
        Err(_) => return Ok(None),
    };
    if let Some(helper) = config.helper_for(registry) {
        return from_helper(&helper, registry);
    }
    let Some(entry) = config.auths.iter().find(|(key, _)| same_registry(key, registry)).map(|(_, entry)| entry) else {
        return Ok(None);
    };
    if let Some(token) = entry.identitytoken.as_ref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credential::IdentityToken(token.clone())));
    }
    Ok(entry.auth.as_deref().and_then(decode_basic))
}

/// The key the docker CLI files `registry`'s sign-in under: Docker Hub's, however it is named.
fn config_key(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB,
        other => other,
    }
}

/// Whether a `config.json` key names `registry`: keys may carry a scheme and a path
/// (`https://registry.example.com/v1/`), as older docker CLIs wrote them.
fn same_registry(key: &str, registry: &str) -> bool {
    let bare = |text: &str| {
        let text = text.trim_start_matches("https://").trim_start_matches("http://");
        text.split('/').next().unwrap_or_default().to_string()
    };
    key == registry || bare(key) == bare(registry)
}

/// `base64(user:password)`, as `auths` keeps it.
fn decode_basic(auth: &str) -> Option<Credential> {
    let decoded = base64::engine::general_purpose::STANDARD.decode(auth.trim()).ok()?;
    let (username, password) =
        String::from_utf8(decoded).ok()?.split_once(':').map(|(u, p)| (u.to_string(), p.to_string()))?;
    Some(Credential::Basic { username, password })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    username: String,
    secret: String,
}

/// Asks `docker-credential-HELPER get` for `registry`'s credential.
fn from_helper(helper: &str, registry: &str) -> Result<Option<Credential>, CredentialError> {
    let output = match run_helper(helper, "get", registry.as_bytes()) {
        Ok(output) => output,
        // The helpers' own words for "nothing saved for this registry".
        Err(CredentialError::Helper { reason, .. }) if reason.to_lowercase().contains("credentials not found") => {
            return Ok(None)
        }
        Err(error) => return Err(error),
    };
    let failed = |reason: String| CredentialError::Helper { helper: helper.to_string(), reason };
    let answer: HelperAnswer =
        serde_json::from_slice(&output).map_err(|e| failed(format!("its answer is not the expected JSON: {e}")))?;
    Ok(Some(if answer.username == "<token>" {
        Credential::IdentityToken(answer.secret)
    } else {
        Credential::Basic { username: answer.username, password: answer.secret }
    }))
}

/// Where a sign-in was saved: the helper the docker CLI would use, or its config file.
pub fn save_credential(
    registry: &str,
    username: &str,
    password: &str,
    docker_config: &Path,
) -> Result<String, CredentialError> {
    let registry = config_key(registry);
    let path = docker_config.join("config.json");
    let unreadable = |reason: String| CredentialError::Config { path: path.display().to_string(), reason };
    let mut config: serde_json::Value = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?,
        Err(_) => serde_json::json!({}),
    };
    if !config.is_object() {
        return Err(unreadable("it is not a JSON object".into()));
    }
    let parsed: ConfigFile = serde_json::from_value(config.clone()).map_err(|e| unreadable(e.to_string()))?;
    let helper = parsed.helper_for(registry);
    let entry = match &helper {
        Some(helper) => {
            store_in_helper(helper, registry, username, password)?;
            // As the docker CLI does: the registry is listed, its secret kept by the helper.
            serde_json::json!({})
        }
        None => {
            let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            serde_json::json!({ "auth": auth })
        }
    };
    let auths = config.as_object_mut().expect("checked above").entry("auths").or_insert_with(|| serde_json::json!({}));
    if !auths.is_object() {
        *auths = serde_json::json!({});
    }
    // One entry per registry: an older key for it (`https://host/v1/`) would shadow the new one.
    if let Some(auths) = auths.as_object_mut() {
        auths.retain(|key, _| !same_registry(key, registry));
    }
    auths[registry] = entry;
    std::fs::create_dir_all(docker_config).map_err(|e| unreadable(e.to_string()))?;
    // The file is made anew, readable by the user alone, and replaces the old one whole.
    crate::files::write_atomically(&path, |file| serde_json::to_writer_pretty(file, &config).map_err(Into::into))
        .map_err(|e| unreadable(format!("it cannot be written: {e}")))?;
    Ok(match helper {
        Some(helper) => format!("docker-credential-{helper}"),
        None => path.display().to_string(),
    })
}

/// Runs `docker-credential-HELPER store` with the sign-in on its standard input.
fn store_in_helper(helper: &str, registry: &str, username: &str, password: &str) -> Result<(), CredentialError> {
    let request = serde_json::json!({ "ServerURL": registry, "Username": username, "Secret": password });
    run_helper(helper, "store", request.to_string().as_bytes()).map(|_| ())
}

/// Runs `docker-credential-HELPER ACTION` with `input` on its standard input; gives what it
/// printed, or its first line of complaint.
fn run_helper(helper: &str, action: &str, input: &[u8]) -> Result<Vec<u8>, CredentialError> {
    let failed = |reason: String| CredentialError::Helper { helper: helper.to_string(), reason };
    let program = format!("docker-credential-{helper}");
    let mut child = Command::new(&program)
        .arg(action)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("{program} cannot be started ({e}); is it installed and on PATH?")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that fails at once may exit without reading its input: then what it says,
        // not the closed pipe, is the reason.
        match stdin.write_all(input) {
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => return Err(failed(error.to_string())),
            _ => {}
        }
    }
    let output = child.wait_with_output().map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        return Err(failed(said.trim().lines().next().unwrap_or("no reason given").to_string()));
    }
    Ok(output.stdout)
}

/// The registries the docker config names: those with a sign-in in `auths`, and those with a
/// helper of their own in `credHelpers`. An unreadable config names none.
pub fn configured_registries(docker_config: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(docker_config.join("config.json")) else { return Vec::new() };
    let Ok(config) = serde_json::from_str::<ConfigFile>(&text) else { return Vec::new() };
    let mut hosts: Vec<String> = config.auths.keys().chain(config.cred_helpers.keys()).cloned().collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_is_saved_where_the_docker_cli_keeps_it_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext": "remote", "auths": {"ghcr.io": {}}}"#)
            .unwrap();
        let place = save_credential("127.0.0.1:5000", "ci", "pw:with:colons", dir.path()).unwrap();
        assert!(place.ends_with("config.json"), "{place}");
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("config.json")).unwrap()).unwrap();
        assert_eq!(saved["currentContext"], "remote", "other settings are kept");
        assert!(saved["auths"]["ghcr.io"].is_object());
        let read = credentials_for("127.0.0.1:5000", dir.path()).unwrap();
        assert_eq!(read, Some(Credential::Basic { username: "ci".into(), password: "pw:with:colons".into() }));
        std::fs::write(dir.path().join("config.json"), "[1, 2]").unwrap();
        assert!(save_credential("127.0.0.1:5000", "ci", "pw", dir.path()).is_err(), "a config that is not an object");
    }

    #[test]
    fn repositories_name_their_registry_or_docker_hub() {
        assert_eq!(registry_of("127.0.0.1:5000/team/app"), "127.0.0.1:5000");
        assert_eq!(registry_of("ghcr.io/me/app"), "ghcr.io");
        assert_eq!(registry_of("localhost/app"), "localhost");
        assert_eq!(registry_of("team/app"), DOCKER_HUB);
        assert_eq!(registry_of("app"), DOCKER_HUB);
        assert_eq!(registry_of("docker.io/library/app"), DOCKER_HUB);
    }

    fn config(dir: &Path, json: &str) {
        std::fs::write(dir.join("config.json"), json).unwrap();
    }

    #[test]
    fn saved_credentials_are_read_from_auths() {
        let dir = tempfile::tempdir().unwrap();
        let auth = base64::engine::general_purpose::STANDARD.encode("me:s3cret:with-colon");
        config(
            dir.path(),
            &format!(
                r#"{{"auths": {{"https://registry.example.com/v1/": {{"auth": "{auth}"}}, "{DOCKER_HUB}": {{}},
                   "tokens.example.com": {{"identitytoken": "refresh-me"}}}}}}"#
            ),
        );
        let found = credentials_for("registry.example.com", dir.path()).unwrap();
        let basic = Credential::Basic { username: "me".into(), password: "s3cret:with-colon".into() };
        assert_eq!(found, Some(basic));
        assert_eq!(credentials_for(DOCKER_HUB, dir.path()).unwrap(), None, "an entry with no auth gives none");
        assert_eq!(credentials_for("other.example.com", dir.path()).unwrap(), None);
        let token = credentials_for("tokens.example.com", dir.path()).unwrap().unwrap();
        assert_eq!(token, Credential::IdentityToken("refresh-me".into()));
        assert_eq!(format!("{token:?}"), "IdentityToken(…)", "never printed whole");
        assert_eq!(credentials_for("x", &dir.path().join("missing")).unwrap(), None, "no config: anonymous");
    }

    #[test]
    fn a_broken_config_is_one_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        config(dir.path(), "{ not json");
        let error = credentials_for("registry.example.com", dir.path()).unwrap_err().to_string();
        assert!(error.contains("config.json cannot be read as the docker CLI's config"), "{error}");
    }

    /// Writes `docker-credential-NAME` into `dir`: a shell script that answers for `registry`.
    #[cfg(unix)]
    fn helper(dir: &Path, name: &str, script: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        // A process another test forks while the file is being written holds it open for a
        // moment, and running it then fails with "text file busy": wait that moment out.
        for _ in 0..100 {
            let tried = Command::new(&path).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status();
            if !matches!(&tried, Err(e) if e.raw_os_error() == Some(26)) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[cfg(unix)]
    #[test]
    fn credential_helpers_are_asked_per_registry_then_as_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        // The per-registry helper answers with a user; the store with a token, and has nothing
        // for other registries.
        helper(
            &bin,
            "team",
            r#"read server; echo "{\"ServerURL\":\"$server\",\"Username\":\"ci\",\"Secret\":\"pw-for-$server\"}""#,
        );
        helper(
            &bin,
            "store",
            r#"read server; [ "$server" = "ghcr.io" ] && { echo '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"tok"}'; exit 0; }; echo "credentials not found in native keychain"; exit 1"#,
        );
        helper(&bin, "broken", "echo 'the keychain is locked' >&2; exit 3");
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        // SAFETY of the test: PATH is only read by the helpers this process starts.
        std::env::set_var("PATH", path);
        config(
            dir.path(),
            r#"{"credsStore": "store", "credHelpers": {"registry.team.example": "team", "locked.example": "broken"}}"#,
        );

        let team = credentials_for("registry.team.example", dir.path()).unwrap();
        assert_eq!(
            team,
            Some(Credential::Basic { username: "ci".into(), password: "pw-for-registry.team.example".into() })
        );
        assert_eq!(credentials_for("ghcr.io", dir.path()).unwrap(), Some(Credential::IdentityToken("tok".into())));
        assert_eq!(credentials_for("quay.io", dir.path()).unwrap(), None, "the store has none: anonymous");
        let locked = credentials_for("locked.example", dir.path()).unwrap_err().to_string();
        assert_eq!(locked, "the credential helper docker-credential-broken failed: the keychain is locked");
        config(dir.path(), r#"{"credsStore": "absent"}"#);
        let absent = credentials_for("quay.io", dir.path()).unwrap_err().to_string();
        assert!(absent.contains("docker-credential-absent cannot be started"), "{absent}");
    }
}
