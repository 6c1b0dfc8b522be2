//! The registry's door, `GET /v2/`, answered as `docker login` does: it is open, it asks for
//! Basic credentials, or it names a token service (`WWW-Authenticate: Bearer realm=…,service=…`).
//! Checking a sign-in asks that service for a token with the credentials and no scope, as the
//! docker CLI does — a registry's catalog is no test of a sign-in (Docker Hub has none). Tokens
//! for the registry's own scopes (`registry:catalog:*`) come from here too: `oci-client` asks
//! only for a repository's.

use oci_client::client::{Certificate, CertificateEncoding};
use oci_client::secrets::RegistryAuth;
use reqwest::header::WWW_AUTHENTICATE;
use reqwest::StatusCode;

use super::error::RegistryError;

/// What the registry asks of a client at its door.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Challenge {
    /// Nothing: anyone may read.
    Open,
    /// A user name and password on every request.
    Basic,
    /// A token from the service at `realm`.
    Bearer {
        /// The token service's address.
        realm: String,
        /// The name the registry gives itself there.
        service: Option<String>,
    },
}

/// One registry's door, over the protocol and with the CAs the registry client uses.
pub(super) struct Door {
    registry: String,
    base: String,
    http: reqwest::Client,
}

impl Door {
    /// The door of `registry` (`host[:port]`), reached as `scheme://registry` with `trusted` CAs
    /// added to the system's.
    pub fn new(registry: &str, scheme: &str, trusted: &[Certificate]) -> Result<Door, RegistryError> {
        let certificates = trusted.iter().filter_map(|cert| match cert.encoding {
            CertificateEncoding::Pem => reqwest::Certificate::from_pem(&cert.data).ok(),
            CertificateEncoding::Der => reqwest::Certificate::from_der(&cert.data).ok(),
        });
        let http = reqwest::Client::builder()
            .tls_certs_merge(certificates.collect::<Vec<_>>())
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| RegistryError::Unreachable { registry: registry.to_string(), reason: e.to_string() })?;
        Ok(Door { registry: registry.to_string(), base: format!("{scheme}://{registry}"), http })
    }

    /// What the registry asks for at `/v2/`.
    pub async fn challenge(&self) -> Result<Challenge, RegistryError> {
        let answer = self.http.get(format!("{}/v2/", self.base)).send().await.map_err(|e| self.unreachable(e))?;
        let asked = answer.headers().get(WWW_AUTHENTICATE).and_then(|value| value.to_str().ok()).map(str::to_string);
        match (answer.status(), asked) {
            (status, _) if status.is_success() => Ok(Challenge::Open),
            (StatusCode::UNAUTHORIZED, Some(asked)) => Ok(parse_challenge(&asked)),
            (status, _) => Err(self.refusal(status, &answer.text().await.unwrap_or_default())),
        }
    }

    /// Whether the registry takes `auth`, as `docker login` checks it: `/v2/` with the Basic
    /// credentials, or a token asked for with them.
    pub async fn check(&self, auth: &RegistryAuth) -> Result<(), RegistryError> {
        match self.challenge().await? {
            Challenge::Open => Ok(()),
            Challenge::Basic => {
                let request = with_credentials(self.http.get(format!("{}/v2/", self.base)), auth);
                let answer = request.send().await.map_err(|e| self.unreachable(e))?;
                match answer.status() {
                    status if status.is_success() => Ok(()),
                    status => Err(self.refusal(status, &answer.text().await.unwrap_or_default())),
                }
            }
            Challenge::Bearer { realm, service } => self.token(&realm, service.as_deref(), None, auth).await.map(drop),
        }
    }

    /// A token for `scope` (`registry:catalog:*`) when the registry wants tokens; `None` when it
    /// is open or takes Basic credentials.
    pub async fn token_for(&self, scope: &str, auth: &RegistryAuth) -> Result<Option<String>, RegistryError> {
        match self.challenge().await? {
            Challenge::Bearer { realm, service } => {
                self.token(&realm, service.as_deref(), Some(scope), auth).await.map(Some)
            }
            Challenge::Open | Challenge::Basic => Ok(None),
        }
    }

    /// A token from the service at `realm`, asked for with `auth`'s credentials.
    async fn token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: Option<&str>,
        auth: &RegistryAuth,
    ) -> Result<String, RegistryError> {
        let mut query = Vec::new();
        query.extend(service.map(|service| ("service", service)));
        query.extend(scope.map(|scope| ("scope", scope)));
        if let RegistryAuth::Basic(user, _) = auth {
            query.push(("account", user.as_str()));
        }
        let request = with_credentials(self.http.get(realm).query(&query), auth);
        let answer = request.send().await.map_err(|e| self.unreachable(e))?;
        let status = answer.status();
        let body = answer.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(self.refusal(status, &body));
        }
        let token: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let token = token["token"].as_str().or(token["access_token"].as_str());
        token.map(str::to_string).ok_or_else(|| RegistryError::Answer {
            registry: self.registry.clone(),
            reason: format!("its token service at {realm} gave no token"),
        })
    }

    fn unreachable(&self, error: reqwest::Error) -> RegistryError {
        let reason = std::error::Error::source(&error).map_or(error.to_string(), |source| source.to_string());
        RegistryError::Unreachable { registry: self.registry.clone(), reason }
    }

    /// A refusal in the user's terms: a sign-in refused, a plain-HTTP request to a TLS
    /// registry, the registry's failure, or another answer.
    fn refusal(&self, status: StatusCode, body: &str) -> RegistryError {
        let registry = self.registry.clone();
        let reason = format!("HTTP {}: {}", status.as_u16(), body.split_whitespace().collect::<Vec<_>>().join(" "));
        match status.as_u16() {
            400 if body.contains("HTTP request to an HTTPS server") => RegistryError::TlsWithoutCa { registry },
            401 | 403 => RegistryError::SignIn { registry, reason },
            429 => RegistryError::Busy { registry, reason },
            code @ 500.. => RegistryError::Failed { registry, status: code, reason },
            _ => RegistryError::Answer { registry, reason },
        }
    }
}

/// `request` with `auth`'s credentials: Basic, or a bearer token the user saved.
fn with_credentials(request: reqwest::RequestBuilder, auth: &RegistryAuth) -> reqwest::RequestBuilder {
    match auth {
        RegistryAuth::Basic(user, password) => request.basic_auth(user, Some(password)),
        RegistryAuth::Bearer(token) => request.bearer_auth(token),
        RegistryAuth::Anonymous => request,
    }
}

/// A `WWW-Authenticate` value: `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`.
fn parse_challenge(value: &str) -> Challenge {
    let (scheme, parameters) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Challenge::Basic;
    }
    let mut realm = None;
    let mut service = None;
    for (name, value) in parameters_of(parameters) {
        match name.to_ascii_lowercase().as_str() {
            "realm" => realm = Some(value),
            "service" => service = Some(value),
            _ => {}
        }
    }
    match realm {
        Some(realm) => Challenge::Bearer { realm, service },
        None => Challenge::Basic,
    }
}

/// `name="value", name=value` pairs; a quoted value may hold commas.
fn parameters_of(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim();
    while let Some((name, after)) = rest.split_once('=') {
        let name = name.trim().trim_start_matches(',').trim().to_string();
        let after = after.trim_start();
        let (value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
            None => after.split_once(',').unwrap_or((after, "")),
        };
        pairs.push((name, value.to_string()));
        rest = remaining.trim_start().trim_start_matches(',');
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_challenge_names_its_token_service() {
        let hub = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#;
        assert_eq!(
            parse_challenge(hub),
            Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into())
            }
        );
        let unquoted = "bearer realm=https://r.example/token, service=r.example";
        assert_eq!(
            parse_challenge(unquoted),
            Challenge::Bearer { realm: "https://r.example/token".into(), service: Some("r.example".into()) }
        );
        let comma = r#"Bearer scope="repository:a:pull,push", realm="https://t/x""#;
        assert_eq!(parse_challenge(comma), Challenge::Bearer { realm: "https://t/x".into(), service: None });
    }

    #[test]
    fn anything_else_is_basic() {
        assert_eq!(parse_challenge(r#"Basic realm="Registry Realm""#), Challenge::Basic);
        assert_eq!(parse_challenge("Bearer"), Challenge::Basic, "a token service with no address");
        assert_eq!(parse_challenge(""), Challenge::Basic);
    }
}
