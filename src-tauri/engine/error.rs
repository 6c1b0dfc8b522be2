//! The engine's errors, each with a hint in plain words on what to do about it.

use thiserror::Error;

use crate::problem::{ErrorCode, Problem};

use super::platform::Os;

/// Why talking to a daemon failed: a bad address, no answer, a refusal, or a malformed name.
/// Its message says what happened; [`Problem::hint`] says what to do.
#[derive(Debug, Error)]
pub enum EngineError {
    /// An address (`DOCKER_HOST`, a context's host) that is not one Docker accepts.
    #[error("`{host}` is not a daemon address: {reason}")]
    InvalidHost {
        /// The address as written.
        host: String,
        /// What is wrong with it, in words for the user.
        reason: String,
    },

    /// A well-formed address this system or this build cannot reach (a named pipe off Windows,
    /// a Unix socket on Windows).
    #[error("`{host}` cannot be used here: {reason}")]
    UnsupportedTransport {
        /// The address as written.
        host: String,
        /// Why it cannot be used, and what to write instead.
        reason: String,
    },

    /// An endpoint that cannot be used as it is: an unknown name, or a missing or broken context.
    /// Holds the whole message.
    #[error("{0}")]
    UnusableEndpoint(String),

    /// The daemon could not be reached: no socket, connection refused, access denied.
    #[error("cannot reach the daemon at {host}: {reason}")]
    Unreachable {
        /// The address tried.
        host: String,
        /// The system's own words for the failure.
        reason: String,
    },

    /// The daemon did not answer in time.
    #[error("the daemon at {host} did not answer within {seconds} s")]
    Timeout {
        /// The address tried.
        host: String,
        /// How long Strata waited, in seconds.
        seconds: u64,
    },

    /// The daemon answered with an error.
    #[error("the daemon answered {status}: {message}")]
    Daemon {
        /// The HTTP status code (404: no such object, 409: in use or in the wrong state).
        status: u16,
        /// The daemon's own message.
        message: String,
    },

    /// An open connection broke, or the daemon's answer could not be read. Holds the cause.
    #[error("the connection to the daemon failed: {0}")]
    Transport(String),

    /// There is no connection to use right now. Holds the reason.
    #[error("not connected: {0}")]
    NotConnected(String),

    /// An image or container name that is not well formed, refused before it reaches the daemon.
    #[error("`{name}` is not a valid name for {what}")]
    InvalidName {
        /// The name given, cut to its first 120 characters.
        name: String,
        /// What it should have named, with its article: "an image", "a container"…
        what: String,
        /// What a valid name looks like, in words for the user.
        expected: String,
    },
}

impl Problem for EngineError {
    fn code(&self) -> ErrorCode {
        match self {
            EngineError::InvalidHost { .. }
            | EngineError::UnsupportedTransport { .. }
            | EngineError::UnusableEndpoint(_) => ErrorCode::BadEndpoint,
            EngineError::Unreachable { .. }
            | EngineError::Timeout { .. }
            | EngineError::Transport(_)
            | EngineError::NotConnected(_) => ErrorCode::DaemonUnreachable,
            EngineError::Daemon { status: 404, .. } => ErrorCode::NotFound,
            EngineError::Daemon { .. } => ErrorCode::DaemonRefused,
            EngineError::InvalidName { .. } => ErrorCode::InvalidInput,
        }
    }

    /// What the user can do about it, in one sentence.
    fn hint(&self) -> String {
        match self {
            EngineError::InvalidHost { .. } => {
                "Fix DOCKER_HOST (for example unix:///var/run/docker.sock or tcp://host:2375), or unset it to use your docker context.".into()
            }
            EngineError::UnsupportedTransport { .. } => {
                "Pick another endpoint (`strata endpoints` lists them), or point DOCKER_HOST at an address this system supports.".into()
            }
            EngineError::UnusableEndpoint(_) => {
                "Run `docker context ls` to see your contexts and `docker context use default` to go back, or pick another endpoint.".into()
            }
            EngineError::Unreachable { reason, .. } if is_access_denied(reason) => no_access_hint(Os::CURRENT).into(),
            EngineError::Unreachable { .. } | EngineError::NotConnected(_) => start_daemon_hint(Os::CURRENT).into(),
            EngineError::Timeout { .. } => {
                "The daemon may be busy or the network slow; Strata tries again by itself, or check that the address is right.".into()
            }
            EngineError::Daemon { status: 404, .. } => {
                "Check the name (`strata images` lists what there is); another tool may have removed it.".into()
            }
            EngineError::Daemon { status: 409, .. } => {
                "It is in use or in the wrong state for this; stop or remove what uses it first.".into()
            }
            EngineError::Daemon { .. } => "The daemon refused the request; its message says why.".into(),
            EngineError::Transport(_) => "The daemon may have stopped; Strata reconnects when it is back.".into(),
            EngineError::InvalidName { expected, .. } => format!("Write {expected}."),
        }
    }
}

impl EngineError {
    /// Wraps an error from a call on an open connection.
    pub fn from_api(error: bollard::errors::Error) -> EngineError {
        use bollard::errors::Error as B;
        match error {
            B::DockerResponseServerError { status_code, message } => {
                EngineError::Daemon { status: status_code, message: message.trim().to_string() }
            }
            other => EngineError::Transport(describe(&other)),
        }
    }

    /// Wraps an error met while opening a connection to `host`.
    pub fn from_connect(host: &str, error: bollard::errors::Error) -> EngineError {
        use bollard::errors::Error as B;
        let host = host.to_string();
        match error {
            B::RequestTimeoutError => EngineError::Timeout { host, seconds: super::connect::CONNECT_TIMEOUT.as_secs() },
            B::SocketNotFoundError(path) => {
                EngineError::Unreachable { host, reason: format!("there is no socket at {path}") }
            }
            B::UnsupportedURISchemeError { uri } => {
                EngineError::InvalidHost { host: uri, reason: "this build cannot use that scheme".into() }
            }
            B::DockerResponseServerError { .. } => EngineError::from_api(error),
            other => EngineError::Unreachable { host, reason: describe(&other) },
        }
    }
}

/// Whether an error's words say the socket or pipe refused this user (Unix says "Permission
/// denied", Windows "Access is denied").
fn is_access_denied(reason: &str) -> bool {
    reason.contains("ermission denied") || reason.contains("ccess is denied")
}

/// What to do when this user may not open the daemon's socket or pipe.
fn no_access_hint(os: Os) -> &'static str {
    match os {
        Os::Windows => "Your user may not use Docker's pipe: add it to the `docker-users` group (then sign in again), or run Strata as a user who may.",
        Os::Linux | Os::MacOs => "Your user may not use the Docker socket: add it to the `docker` group (then log in again), or run Strata with access to the socket.",
    }
}

/// What to do when no daemon answers, in the words of the system's own tools.
fn start_daemon_hint(os: Os) -> &'static str {
    match os {
        Os::Linux => "Start Docker (`sudo systemctl start docker`, or open Docker Desktop), set DOCKER_HOST, or pick another endpoint.",
        Os::MacOs => "Open Docker Desktop (or start Colima, OrbStack, Rancher Desktop or `podman machine start`), set DOCKER_HOST, or pick another endpoint.",
        Os::Windows => "Open Docker Desktop (or Rancher Desktop, or `podman machine start`), set DOCKER_HOST, or pick another endpoint.",
    }
}

/// The innermost cause of an error, which is the part that tells the user something
/// ("Connection refused (os error 111)"), joined to the outer words.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut words = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !words.contains(&text) {
            words = format!("{words}: {text}");
        }
        source = cause.source();
    }
    words
}

impl From<bollard::errors::Error> for EngineError {
    fn from(error: bollard::errors::Error) -> Self {
        EngineError::from_api(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_each_systems_own_way_to_start_and_to_get_access() {
        assert!(start_daemon_hint(Os::Linux).contains("systemctl"));
        assert!(start_daemon_hint(Os::MacOs).contains("Colima") && !start_daemon_hint(Os::MacOs).contains("systemctl"));
        assert!(start_daemon_hint(Os::Windows).contains("Docker Desktop"));
        assert!(
            is_access_denied("Access is denied. (os error 5)") && is_access_denied("Permission denied (os error 13)")
        );
        assert!(no_access_hint(Os::Windows).contains("docker-users"));
        assert!(no_access_hint(Os::Linux).contains("`docker` group"));
    }
}
