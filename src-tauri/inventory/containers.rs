//! Container rows (like `docker ps -a`), the actions a user can take on one, and its logs.

use bollard::container::LogOutput;
use bollard::models::{ContainerSummary, PortSummary};
use bollard::query_parameters::{
    KillContainerOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::short_id;
use crate::engine::EngineError;

/// One line of the Containers screen and of `strata containers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ContainerRow {
    /// The full container id.
    pub id: String,
    /// The id's first 12 digits, as `docker ps` shows it.
    pub short_id: String,
    /// Its name without the leading `/`; its short id when it has none.
    pub name: String,
    /// The image as the container was created from it (a reference, or an id).
    pub image: String,
    /// The full id of the image it was created from.
    pub image_id: String,
    /// `created`, `running`, `paused`, `restarting`, `exited`, `removing` or `dead`.
    pub state: String,
    /// The daemon's words: "Up 3 minutes", "Exited (0) 2 hours ago".
    pub status: String,
    /// As `docker ps` prints them: `0.0.0.0:8080->80/tcp, 443/tcp`.
    pub ports: String,
    /// Unix seconds.
    pub created: i64,
}

impl ContainerRow {
    /// Whether it is running, restarting or paused (not stopped).
    pub fn is_running(&self) -> bool {
        matches!(self.state.as_str(), "running" | "restarting" | "paused")
    }
}

/// Rows sorted newest first, as `docker ps -a` lists them. Not by state: a container that stops
/// or starts keeps its place, so the row does not move under the user's pointer.
pub fn container_rows(containers: &[ContainerSummary]) -> Vec<ContainerRow> {
    let mut rows: Vec<ContainerRow> = containers.iter().map(container_row).collect();
    rows.sort_by(|a, b| b.created.cmp(&a.created).then(a.name.cmp(&b.name)));
    rows
}

fn container_row(c: &ContainerSummary) -> ContainerRow {
    let id = c.id.clone().unwrap_or_default();
    let name = c
        .names
        .as_ref()
        .and_then(|names| names.first())
        .map(|n| n.trim_start_matches('/').to_string())
        .unwrap_or_else(|| short_id(&id));
    ContainerRow {
        short_id: short_id(&id),
        id,
        name,
        image: c.image.clone().unwrap_or_default(),
        image_id: c.image_id.clone().unwrap_or_default(),
        state: c.state.map(|s| s.to_string()).unwrap_or_default(),
        status: c.status.clone().unwrap_or_default(),
        ports: format_ports(c.ports.as_deref().unwrap_or_default()),
        created: c.created.unwrap_or_default(),
    }
}

/// Formats published and exposed ports the way `docker ps` does, sorted and de-duplicated.
pub fn format_ports(ports: &[PortSummary]) -> String {
    let mut shown: Vec<String> = ports
        .iter()
        .map(|p| {
            let proto = p.typ.map(|t| t.to_string()).unwrap_or_else(|| "tcp".into());
            match (p.ip.as_deref(), p.public_port) {
                (Some(ip), Some(public)) if ip.contains(':') => format!("[{ip}]:{public}->{}/{proto}", p.private_port),
                (Some(ip), Some(public)) => format!("{ip}:{public}->{}/{proto}", p.private_port),
                _ => format!("{}/{proto}", p.private_port),
            }
        })
        .collect();
    shown.sort();
    shown.dedup();
    shown.join(", ")
}

/// What a user can do to a container from the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ContainerAction {
    /// Starts a stopped container.
    Start,
    /// Stops it, killing it when it has not stopped after 10 seconds.
    Stop,
    /// Kills it at once (`SIGKILL`).
    Kill,
    /// Stops it and starts it again.
    Restart,
    /// Removes it, stopping it first if it runs (the UI asks before sending this).
    Remove,
}

/// Carries out `action` on the container `id`.
pub async fn act(docker: &Docker, id: &str, action: ContainerAction) -> Result<(), EngineError> {
    crate::names::check_container(id)?;
    match action {
        ContainerAction::Start => docker.start_container(id, None).await?,
        ContainerAction::Stop => {
            docker.stop_container(id, Some(StopContainerOptionsBuilder::default().t(10).build())).await?
        }
        ContainerAction::Kill => {
            docker.kill_container(id, Some(KillContainerOptionsBuilder::default().signal("SIGKILL").build())).await?
        }
        ContainerAction::Restart => docker.restart_container(id, None).await?,
        ContainerAction::Remove => {
            docker.remove_container(id, Some(RemoveContainerOptionsBuilder::default().force(true).build())).await?
        }
    }
    Ok(())
}

/// The last `tail` lines of a container's output, then (with `follow`) every new line.
/// Lines keep the daemon's timestamp at their start. A malformed `id` is refused at once.
pub fn logs(
    docker: &Docker,
    id: &str,
    tail: usize,
    follow: bool,
) -> Result<impl Stream<Item = Result<String, EngineError>> + use<>, EngineError> {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .timestamps(true)
        .follow(follow)
        .tail(&tail.to_string())
        .build();
    crate::names::check_container(id)?;
    Ok(docker.logs(id, Some(options)).map(|chunk| {
        chunk.map_err(EngineError::from_api).map(|output| match output {
            LogOutput::StdOut { message }
            | LogOutput::StdErr { message }
            | LogOutput::Console { message }
            | LogOutput::StdIn { message } => String::from_utf8_lossy(&message).trim_end_matches('\n').to_string(),
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::PortSummaryTypeEnum;

    #[test]
    fn ports_print_like_docker_ps() {
        let ports = [
            PortSummary {
                ip: Some("0.0.0.0".into()),
                private_port: 80,
                public_port: Some(8080),
                typ: Some(PortSummaryTypeEnum::TCP),
            },
            PortSummary {
                ip: Some("::".into()),
                private_port: 80,
                public_port: Some(8080),
                typ: Some(PortSummaryTypeEnum::TCP),
            },
            PortSummary { ip: None, private_port: 443, public_port: None, typ: Some(PortSummaryTypeEnum::TCP) },
        ];
        assert_eq!(format_ports(&ports), "0.0.0.0:8080->80/tcp, 443/tcp, [::]:8080->80/tcp");
    }

    #[test]
    fn containers_list_newest_first_and_names_lose_their_slash() {
        let make = |id: &str, name: &str, state, created| ContainerSummary {
            id: Some(id.into()),
            names: Some(vec![format!("/{name}")]),
            state: Some(state),
            created: Some(created),
            ..Default::default()
        };
        use bollard::models::ContainerSummaryStateEnum as S;
        let rows = container_rows(&[make("a", "old", S::EXITED, 5), make("b", "web", S::RUNNING, 1)]);
        assert_eq!(rows[0].name, "old", "newest first, whatever the state: a row keeps its place when it stops");
        assert_eq!(rows[1].state, "running");
        assert!(!rows[0].is_running() && rows[1].is_running());
    }
}
