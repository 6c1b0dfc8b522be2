//! Registries that want a sign-in, started by the tests on 127.0.0.1 with Debian's
//! `docker-registry`:
//!
//! - **TLS + Basic**: a CA and a server certificate made by openssl here, the CA handed to the
//!   client through `certs.d/HOST/ca.crt` in a docker config folder, as the docker CLI reads it;
//!   the user and password in an htpasswd file (bcrypt).
//! - **Token**: the registry trusts tokens signed by a key made here (`auth: token`); a small
//!   issuer on another port checks the user's Basic credentials and signs a JWT (RS256, the
//!   certificate in `x5c`) granting the scopes asked for, as Docker Hub's auth service does.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;

use super::ChildGuard;

pub const USER: &str = "strata";
pub const PASSWORD: &str = "s3cret-for-tests";
/// The `service` the token registry names in its challenge.
const SERVICE: &str = "strata-test-registry";
const ISSUER: &str = "strata-test-issuer";

/// A running registry that wants a sign-in, and what a client needs to reach it.
pub struct Secured {
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// A docker config folder with the registry's CA in `certs.d` (TLS) and no credential yet.
    pub docker_config: tempfile::TempDir,
    /// The folder skopeo takes as `--dest-cert-dir` (the CA), for TLS registries.
    pub cert_dir: Option<PathBuf>,
    _guards: Vec<ChildGuard>,
    _files: tempfile::TempDir,
}

impl Secured {
    /// Writes the user's credential as `docker login` would (`auths` in config.json).
    pub fn sign_in(&self, user: &str, password: &str) {
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let config = serde_json::json!({"auths": {self.address.clone(): {"auth": auth}}});
        std::fs::write(self.docker_config.path().join("config.json"), config.to_string()).unwrap();
    }

    /// Copies the OCI layout `dir`'s `tag` into this registry as `repository:tag`, signed in.
    pub fn copy_in(&self, dir: &Path, tag: &str, repository: &str) {
        let mut command = Command::new("skopeo");
        command.args(["copy", "--all", "--dest-creds", &format!("{USER}:{PASSWORD}")]);
        match &self.cert_dir {
            Some(certs) => command.arg(format!("--dest-cert-dir={}", certs.display())),
            None => command.arg("--dest-tls-verify=false"),
        };
        let output = command
            .arg(format!("oci:{}:{tag}", dir.display()))
            .arg(format!("docker://{}/{repository}:{tag}", self.address))
            .output()
            .expect("skopeo is installed (make test installs it)");
        assert!(output.status.success(), "skopeo copy: {}", String::from_utf8_lossy(&output.stderr));
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl is installed");
    assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A key `NAME.key` and a self-signed certificate `NAME.crt` for `subject`, good for two days.
fn self_signed(dir: &Path, name: &str, subject: &str) {
    let (key, crt) = (format!("{name}.key"), format!("{name}.crt"));
    let args = [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &crt, "-days", "2", "-subj", subject,
    ];
    openssl(dir, &args);
}

fn serve(config: &Path) -> ChildGuard {
    let child = Command::new("docker-registry")
        .args(["serve", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("docker-registry is installed");
    ChildGuard { child, leads_group: false }
}

/// A registry over TLS (its CA in the docker config's `certs.d`) wanting Basic credentials.
pub fn start_tls_basic() -> Secured {
    let files = tempfile::tempdir().unwrap();
    let dir = files.path();
    self_signed(dir, "ca", "/CN=strata test CA");
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ],
    );
    let hash = bcrypt::hash_with_result(PASSWORD, 5).unwrap().format_for_version(bcrypt::Version::TwoY);
    std::fs::write(dir.join("htpasswd"), format!("{USER}:{hash}\n")).unwrap();
    let port = super::free_port();
    let address = format!("127.0.0.1:{port}");
    std::fs::write(
        dir.join("config.yml"),
        format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {data}\n\
             http:\n  addr: {address}\n  tls:\n    certificate: {crt}\n    key: {key}\n\
             auth:\n  htpasswd:\n    realm: strata-test\n    path: {htpasswd}\n",
            data = dir.join("data").display(),
            crt = dir.join("server.crt").display(),
            key = dir.join("server.key").display(),
            htpasswd = dir.join("htpasswd").display(),
        ),
    )
    .unwrap();
    let guard = serve(&dir.join("config.yml"));
    assert!(super::wait_for_port(port), "the TLS registry listens on {port}");
    let docker_config = tempfile::tempdir().unwrap();
    let certs = docker_config.path().join("certs.d").join(&address);
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(dir.join("ca.crt"), certs.join("ca.crt")).unwrap();
    Secured { address, docker_config, cert_dir: Some(certs), _guards: vec![guard], _files: files }
}

/// A plain-HTTP registry on this machine wanting a token from an issuer the test runs.
pub fn start_token() -> Secured {
    let files = tempfile::tempdir().unwrap();
    let dir = files.path();
    self_signed(dir, "token", "/CN=strata token signer");
    openssl(dir, &["x509", "-in", "token.crt", "-outform", "DER", "-out", "token.der"]);
    let issuer = TokenIssuer::start(dir);
    let port = super::free_port();
    let address = format!("127.0.0.1:{port}");
    std::fs::write(
        dir.join("config.yml"),
        format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {data}\n\
             http:\n  addr: {address}\n\
             auth:\n  token:\n    realm: http://{issuer}/token\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {bundle}\n",
            data = dir.join("data").display(),
            bundle = dir.join("token.crt").display(),
        ),
    )
    .unwrap();
    let guard = serve(&dir.join("config.yml"));
    assert!(super::wait_for_port(port), "the token registry listens on {port}");
    let docker_config = tempfile::tempdir().unwrap();
    Secured { address, docker_config, cert_dir: None, _guards: vec![guard], _files: files }
}

/// Hands out tokens for `USER:PASSWORD` only, signed with `token.key` by `openssl dgst`.
struct TokenIssuer;

impl TokenIssuer {
    /// Starts answering on a free port, on a thread of its own; returns `127.0.0.1:PORT`.
    fn start(dir: &Path) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let (key, der) = (dir.join("token.key"), std::fs::read(dir.join("token.der")).unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = answer(stream, &key, &der);
            }
        });
        address
    }
}

/// Reads one request and answers it: a token for the scopes asked, or 401.
fn answer(mut stream: std::net::TcpStream, key: &Path, der: &[u8]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_string());
            }
        }
    }
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}")));
    if authorization.as_deref() != Some(expected.as_str()) {
        let body = r#"{"errors":[{"code":"UNAUTHORIZED","message":"a user and password are needed"}]}"#;
        return write!(stream, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or_default();
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let access: Vec<serde_json::Value> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "scope")
        .filter_map(|(_, scope)| {
            let mut parts = scope.splitn(3, ':');
            let (kind, name, actions) = (parts.next()?.to_string(), parts.next()?.to_string(), parts.next()?);
            Some(serde_json::json!({"type": kind, "name": name, "actions": actions.split(',').collect::<Vec<_>>()}))
        })
        .collect();
    let token = sign(key, der, access);
    let body = serde_json::json!({"token": token, "access_token": token, "expires_in": 300}).to_string();
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A JWT the registry accepts: RS256, the signer's certificate in `x5c`.
fn sign(key: &Path, der: &[u8], access: Vec<serde_json::Value>) -> String {
    let url = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [base64::engine::general_purpose::STANDARD.encode(der)]});
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": USER, "aud": SERVICE, "exp": now + 300, "nbf": now - 10, "iat": now,
        "jti": format!("{now}-{}", access.len()), "access": access
    });
    let signing_input = format!("{}.{}", url(header.to_string().as_bytes()), url(claims.to_string().as_bytes()));
    let mut openssl = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl");
    openssl.stdin.take().unwrap().write_all(signing_input.as_bytes()).unwrap();
    let signature = openssl.wait_with_output().unwrap().stdout;
    format!("{signing_input}.{}", url(&signature))
}
