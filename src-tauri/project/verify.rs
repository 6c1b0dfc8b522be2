//! Verification: the project's check run in a throwaway container of the freshly built image —
//! its exit code decides, its output is kept to show. The container is labelled
//! `strata.verify=1` and removed afterwards, whatever happened.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{LogsOptionsBuilder, RemoveContainerOptionsBuilder, WaitContainerOptions};
use bollard::Docker;
use futures_util::StreamExt;
use serde::Serialize;

use super::BuildError;
use crate::engine::EngineError;

/// Output kept from a verification (its end, where failures are told).
const OUTPUT_LIMIT: usize = 64 * 1024;

/// How a verification went.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Verification {
    /// The command as the project gives it (shell text, or a JSON array).
    pub command: String,
    /// Whether it exited 0.
    pub passed: bool,
    /// The command's exit code (-1 when the daemon did not say).
    pub exit_code: i64,
    /// What it printed, stdout and stderr together; only the last 64 KiB, after a `…`, when
    /// there was more.
    pub output: String,
    /// How long it took, container creation included, in seconds.
    pub seconds: f64,
}

/// Runs `command` in a new container of `image`: a JSON array is run as it is (exec form), any
/// other text with `/bin/sh -c` (shell form), as a Dockerfile's `RUN` would.
pub async fn verify(
    docker: &Docker,
    image: &str,
    command: &str,
    timeout: Duration,
) -> Result<Verification, BuildError> {
    let started = Instant::now();
    let body = ContainerCreateBody {
        image: Some(image.to_string()),
        cmd: Some(command_line(command)),
        entrypoint: Some(Vec::new()),
        labels: Some(HashMap::from([("strata.verify".to_string(), "1".to_string())])),
        ..Default::default()
    };
    let engine = |e| BuildError::Engine(EngineError::from_api(e));
    let created = docker
        .create_container(None::<bollard::query_parameters::CreateContainerOptions>, body)
        .await
        .map_err(engine)?;
    let result = run(docker, &created.id, timeout).await;
    let remove = RemoveContainerOptionsBuilder::default().force(true).build();
    let _ = docker.remove_container(&created.id, Some(remove)).await;
    let (exit_code, output) = result?;
    Ok(Verification {
        command: command.to_string(),
        passed: exit_code == 0,
        exit_code,
        output,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Starts the container, waits for it (at most `timeout`), and reads its output.
async fn run(docker: &Docker, id: &str, timeout: Duration) -> Result<(i64, String), BuildError> {
    let engine = |e| BuildError::Engine(EngineError::from_api(e));
    docker.start_container(id, None::<bollard::query_parameters::StartContainerOptions>).await.map_err(
        |e| match e {
            bollard::errors::Error::DockerResponseServerError { message, .. } => BuildError::VerifyCouldNotRun(message),
            other => engine(other),
        },
    )?;
    let mut waiting = docker.wait_container(id, None::<WaitContainerOptions>);
    let exit_code = match tokio::time::timeout(timeout, waiting.next()).await {
        Err(_) => {
            return Err(BuildError::VerifyFailed {
                code: -1,
                output: format!("it was still running after {} s and was stopped", timeout.as_secs()),
            })
        }
        Ok(Some(Ok(response))) => response.status_code,
        Ok(Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. }))) => code,
        Ok(Some(Err(other))) => return Err(engine(other)),
        Ok(None) => -1,
    };
    let options = LogsOptionsBuilder::default().stdout(true).stderr(true).build();
    let mut logs = docker.logs(id, Some(options));
    let mut output = String::new();
    while let Some(Ok(chunk)) = logs.next().await {
        output.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
    }
    if output.len() > OUTPUT_LIMIT {
        let cut = output.len() - OUTPUT_LIMIT;
        let cut = (cut..output.len()).find(|at| output.is_char_boundary(*at)).unwrap_or(cut);
        output = format!("…{}", &output[cut..]);
    }
    Ok((exit_code, output))
}

/// `["a", "b"]` as it is; anything else through the shell.
fn command_line(command: &str) -> Vec<String> {
    if let Ok(parts) = serde_json::from_str::<Vec<String>>(command.trim()) {
        if !parts.is_empty() {
            return parts;
        }
    }
    vec!["/bin/sh".into(), "-c".into(), command.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_form_runs_as_it_is_and_shell_form_through_sh() {
        assert_eq!(command_line(r#"["/bin/app", "--version"]"#), ["/bin/app", "--version"]);
        assert_eq!(command_line("app --version && echo ok"), ["/bin/sh", "-c", "app --version && echo ok"]);
    }
}
