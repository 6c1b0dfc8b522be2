//! Project folders turned into images: the pipeline prepare → build → verify → tag → publish.
//!
//! - [`ignore`]: `.dockerignore` exactly as Docker reads it — one matcher for the context and
//!   for the watcher.
//! - [`context`]: the folder's files as a streamed tar.
//! - [`builder`]: one build through the Engine API (BuildKit or the classic builder), its log read
//!   into events by [`buildlog`], failures pointed at their Dockerfile line; [`dockerfile`] and
//!   [`git`] supply the line numbers and the labels.
//! - [`steps`]: where the build's time went — each step timed, cache hits, the changed files a
//!   missed COPY took, and why the cache missed; [`build_charts`] draws them from the history.
//! - [`verify`]: a command run in a throwaway container of the new image.
//! - [`pipeline`]: the steps in order; a failed build or verification never moves a tag.
//! - [`publish`]: pushing the tags, with the credentials the docker CLI saved.
//! - [`restart`]: a container made again from the new image.
//! - [`watch`]: edits to the folder, one trigger per burst, filtered by the same rules.
//! - [`sync_rules`]: what an edit should do — copy into the running container, restart it, run a
//!   command in it, or rebuild — as compose's `develop.watch` rules say ([`compose_watch`] reads
//!   them from the project's compose file, [`watch_rules`] again when it changes); [`sync`] makes
//!   the copy through the Engine API.
//! - [`settings`]: the projects Strata knows, how each is built, and their build histories.
//! - [`session`]: a build kept in the history, and the watch → rebuild loop, for the window and
//!   the CLI alike.

pub mod build_charts;
pub mod builder;
pub mod buildlog;
pub mod compose_watch;
pub mod context;
pub mod dockerfile;
pub mod git;
pub mod ignore;
pub mod pipeline;
pub mod publish;
pub mod restart;
pub mod session;
pub mod settings;
pub mod steps;
pub mod sync;
pub mod sync_rules;
pub mod verify;
pub mod watch;
pub mod watch_rules;

use thiserror::Error;

use crate::problem::{ErrorCode, Problem};

pub use builder::{BuildOutcome, BuildRequest};
pub use buildlog::BuildEvent;
pub use context::BuildContext;
pub use ignore::{IgnoreError, IgnoreRules};
pub use pipeline::{run_pipeline, PipelineOutcome, PipelineRequest};

/// Why a step of the pipeline failed. Its message says what happened; [`Problem::hint`] says
/// what to do.
#[derive(Debug, Error)]
pub enum BuildError {
    /// The project's files could not be read or sent: a missing folder or Dockerfile, an
    /// unreadable file. Holds the whole message.
    #[error("{0}")]
    Context(String),
    /// Strata's own record of its projects (settings, build history) could not be read or
    /// written: a damaged file, a folder without write permission, a full disk. Holds the whole
    /// message, which names the file.
    #[error("{0}")]
    Store(String),
    /// The container the project restarts after a build is not there.
    #[error("the container {name} to restart cannot be found: {reason}")]
    NoContainerToRestart {
        /// The container's name, as the project's settings give it.
        name: String,
        /// What the daemon said.
        reason: String,
    },
    /// The `.dockerignore` file cannot be read or has a bad pattern.
    #[error(transparent)]
    Ignore(#[from] IgnoreError),
    /// The builder reported an error: the Dockerfile or one of its steps failed.
    #[error("the build failed{}: {message}", .line.map(|l| format!(" at Dockerfile line {l}")).unwrap_or_default())]
    Failed {
        /// The builder's message, without its plumbing.
        message: String,
        /// The step that was running, counted from 1 (`None`: no step had started).
        step: Option<usize>,
        /// The Dockerfile line (from 1) the failure points at, when it can be told.
        line: Option<usize>,
        /// The steps the build went through until it failed, timed (the failing one last).
        steps: Vec<steps::BuildStep>,
    },
    /// The verify command ran in the new image and failed, or outlasted its time.
    #[error("verification failed with exit code {code}{}", last_lines(.output))]
    VerifyFailed {
        /// The command's exit code (-1: it was stopped or its end is unknown).
        code: i64,
        /// What the command printed (stdout and stderr), or why it was stopped.
        output: String,
    },
    /// The security audit of the new image failed the project's policy.
    #[error("the security audit failed ({policy}): {}", audit_summary(.findings, *.policy))]
    AuditFailed {
        /// The policy it failed.
        policy: crate::audit::FailOn,
        /// Every finding, the failing ones and the rest.
        findings: Vec<crate::audit::Finding>,
    },
    /// The new image has known vulnerabilities at or above the project's threshold.
    #[error("known vulnerabilities at or above {}: {}", threshold.as_str(), vulnerable_list(findings))]
    Vulnerable {
        /// The project's threshold.
        threshold: crate::vulns::Severity,
        /// The findings at or above it.
        findings: Vec<crate::vulns::Finding>,
    },
    /// The vulnerability check could not run (no database, a damaged one). Holds why.
    #[error("the vulnerability check could not run: {0}")]
    VulnsCouldNotRun(String),
    /// The new image could not be read for the audit. Holds why.
    #[error("the security audit could not run: {0}")]
    AuditCouldNotRun(String),
    /// The registry or the daemon refused the push. Holds its message.
    #[error("the push was refused: {0}")]
    PushFailed(String),
    /// The daemon could not start the verify command's container. Holds its message.
    #[error("the verification could not run: {0}")]
    VerifyCouldNotRun(String),
    /// Talking to the daemon failed.
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    /// The project's live-sync rules (its own, or its compose file's) cannot be used. Holds why.
    #[error("the watch rules cannot be used: {0}")]
    WatchRules(String),
    /// The user stopped the build.
    #[error("the build was cancelled")]
    Cancelled,
}

impl Problem for BuildError {
    fn code(&self) -> ErrorCode {
        match self {
            BuildError::Context(_) | BuildError::Store(_) => ErrorCode::FileSystem,
            BuildError::NoContainerToRestart { .. } => ErrorCode::NotFound,
            BuildError::Ignore(error) => error.code(),
            BuildError::Failed { .. }
            | BuildError::VerifyFailed { .. }
            | BuildError::AuditFailed { .. }
            | BuildError::AuditCouldNotRun(_)
            | BuildError::Vulnerable { .. }
            | BuildError::VulnsCouldNotRun(_)
            | BuildError::PushFailed(_)
            | BuildError::VerifyCouldNotRun(_) => ErrorCode::BuildFailed,
            BuildError::Engine(error) => error.code(),
            BuildError::WatchRules(_) => ErrorCode::InvalidInput,
            BuildError::Cancelled => ErrorCode::Cancelled,
        }
    }

    /// What the user can do about it, in one sentence.
    fn hint(&self) -> String {
        match self {
            BuildError::Context(_) => {
                "Check the folder and the Dockerfile path, and that the files are readable.".into()
            }
            BuildError::Store(_) => {
                "Check that Strata's config folder (STRATA_CONFIG_DIR, else the user's config folder) can be written and its disk has space; a damaged file can be deleted.".into()
            }
            BuildError::NoContainerToRestart { name, .. } => format!(
                "The new image is built and tagged; start a container named {name}, or change the project's container to restart."
            ),
            BuildError::Ignore(error) => error.hint(),
            BuildError::Failed { message, .. } if is_network_failure(message) => {
                "The build could not reach the network (a package mirror or a registry): check the daemon's network, DNS or proxy and build again; the last good image keeps its tags.".into()
            }
            BuildError::Failed { .. } => {
                "Fix the Dockerfile (or the step's command) and build again; the last good image keeps its tags.".into()
            }
            BuildError::VerifyFailed { .. } | BuildError::VerifyCouldNotRun(_) => {
                "The new image was built but not tagged; fix it (or the verify command) and build again.".into()
            }
            BuildError::AuditFailed { .. } | BuildError::AuditCouldNotRun(_) => {
                "The new image was built but not tagged; remove what the audit found (or allow it, with a reason, in .strata-audit.yaml) and build again.".into()
            }
            BuildError::Vulnerable { .. } => {
                "The new image was built but not tagged; upgrade the packages named (or the base image) and build again.".into()
            }
            BuildError::VulnsCouldNotRun(_) => {
                "The new image was built but not tagged; run `strata vulns update`, or turn the vulnerability gate off in the project's settings.".into()
            }
            BuildError::PushFailed(_) => {
                "The image is built and tagged here; sign in with `docker login` or check the registry, then push again.".into()
            }
            BuildError::Engine(error) => error.hint(),
            BuildError::WatchRules(_) => {
                "Fix the compose file's develop.watch section (or the project's watch rules); meanwhile every change rebuilds.".into()
            }
            BuildError::Cancelled => "Start it again when you are ready.".into(),
        }
    }
}

/// "openssl 3.0.11 (DSA-5532-1, critical), …": the first few findings, for the message.
fn vulnerable_list(findings: &[crate::vulns::Finding]) -> String {
    const NAMED: usize = 3;
    let mut named: Vec<String> = findings
        .iter()
        .take(NAMED)
        .map(|f| format!("{} {} ({}, {})", f.package, f.version, f.id, f.severity.as_str()))
        .collect();
    if findings.len() > NAMED {
        named.push(format!("and {} more", findings.len() - NAMED));
    }
    named.join(", ")
}

/// Whether a failed step's words say that the network, not the Dockerfile, let it down.
fn is_network_failure(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        "temporary failure resolving",
        "temporary failure in name resolution",
        "could not resolve",
        "no such host",
        "network is unreachable",
        "connection refused",
        "connection timed out",
        "i/o timeout",
        "tls handshake timeout",
        "failed to fetch",
        "failed to do request",
    ];
    let message = message.to_lowercase();
    SIGNS.iter().any(|sign| message.contains(sign))
}

/// ": <the last lines of output>", or nothing when there was none.
fn last_lines(output: &str) -> String {
    const SHOWN: usize = 5;
    let lines: Vec<&str> = output.trim_end().lines().collect();
    if lines.is_empty() {
        return String::new();
    }
    format!(": {}", lines[lines.len().saturating_sub(SHOWN)..].join(" / "))
}

/// The findings that failed `policy`, by rule and place: "github-token in /app/.env, runs-as-root
/// in user"; the first five, then how many more.
fn audit_summary(findings: &[crate::audit::Finding], policy: crate::audit::FailOn) -> String {
    let failing: Vec<String> = findings
        .iter()
        .filter(|finding| policy.fails(std::slice::from_ref(*finding)))
        .map(|finding| format!("{} in {}", finding.rule, finding.path))
        .collect();
    let more = failing.len().saturating_sub(5);
    let mut said = failing.into_iter().take(5).collect::<Vec<_>>().join(", ");
    if more > 0 {
        said.push_str(&format!(" and {more} more"));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(message: &str) -> BuildError {
        BuildError::Failed { message: message.into(), step: Some(2), line: Some(3), steps: Vec::new() }
    }

    #[test]
    fn a_step_the_network_failed_is_not_blamed_on_the_dockerfile() {
        let offline = failed("E: Failed to fetch http://deb.debian.org/debian/pool/main/c/curl.deb  Temporary failure resolving 'deb.debian.org'");
        assert!(offline.hint().contains("could not reach the network"), "{}", offline.hint());
        let registry = failed("failed to do request: Head \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
        assert!(registry.hint().contains("network"));
        let own = failed("The command '/bin/sh -c make' returned a non-zero code: 2");
        assert!(own.hint().starts_with("Fix the Dockerfile"));
    }
}
