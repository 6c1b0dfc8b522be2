//! `strata stats`: every running container's CPU, memory, network, block I/O and pids, computed as
//! `docker stats` computes them — once (`--once`, like `docker stats --no-stream`) or every second
//! until Ctrl+C, as a table or JSON.

use std::io::IsTerminal;
use std::time::Duration;

use bollard::query_parameters::EventsOptionsBuilder;
use clap::Args;
use futures_util::StreamExt;

use super::{connect, new_table, print_json, Failure};
use crate::format;
use crate::stats::{self, Collector, ContainerStats};

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print one reading of each running container and exit.
    #[arg(long)]
    pub once: bool,
    /// Print JSON (with `--once` one array; else one array a second).
    #[arg(long)]
    pub json: bool,
    /// Show the host instead: CPU, memory, and the free space on Docker's data disk.
    #[arg(long)]
    pub host: bool,
}

pub async fn stats(endpoint: Option<String>, args: StatsArgs) -> Result<(), Failure> {
    let connection = connect(endpoint).await?;
    if args.host {
        return host(&connection, args.json).await;
    }
    let docker = connection.docker;
    if args.once {
        let readings = stats::snapshot(&docker).await?;
        if args.json {
            print_json(&readings);
        } else {
            print_table(&readings);
        }
        return Ok(());
    }
    let collector = Collector::default();
    let clear = std::io::stdout().is_terminal() && !args.json;
    let mut events = container_events(&docker);
    collector.sync(&docker, &stats::running(&docker).await?);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            event = events.next() => {
                let running = match event {
                    Some(Ok(_)) => stats::running(&docker).await.ok(),
                    _ => None,
                };
                let running = match running {
                    Some(running) => running,
                    // The daemon went away: wait for it, then follow its containers again. Each
                    // container's history is kept, and its stream resumes.
                    None => match wait_for_daemon(&docker).await {
                        Some(running) => {
                            events = container_events(&docker);
                            running
                        }
                        None => return Ok(()),
                    },
                };
                collector.sync(&docker, &running);
                continue;
            }
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        let latest = collector.latest();
        if args.json {
            println!("{}", serde_json::to_string(&latest).expect("rows serialize"));
            continue;
        }
        let rows: Vec<ContainerStats> = latest
            .into_iter()
            .filter(|row| row.running)
            .filter_map(|row| Some(ContainerStats { id: row.id, name: row.name, reading: row.reading? }))
            .collect();
        if clear {
            print!("\x1b[2J\x1b[H");
        }
        print_table(&rows);
    }
}

/// The daemon's container start/stop events: the running set changes only then, so it is listed
/// again only then, not every second (listing is work for the daemon).
fn container_events(
    docker: &bollard::Docker,
) -> impl futures_util::Stream<Item = Result<bollard::models::EventMessage, bollard::errors::Error>> + Unpin {
    let filters: std::collections::HashMap<String, Vec<String>> = [
        ("type".to_string(), vec!["container".to_string()]),
        ("event".to_string(), ["start", "die", "pause", "unpause"].map(String::from).to_vec()),
    ]
    .into();
    docker.events(Some(EventsOptionsBuilder::default().filters(&filters).build()))
}

/// Says the daemon went away and asks it, once a second, for its running containers until it
/// answers (then says so and returns them) or the user presses Ctrl+C (`None`).
async fn wait_for_daemon(docker: &bollard::Docker) -> Option<Vec<stats::Running>> {
    eprintln!("strata: the daemon stopped answering; waiting for it to come back (Ctrl+C to stop)");
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = tokio::signal::ctrl_c() => return None,
        }
        if let Ok(running) = stats::running(docker).await {
            eprintln!("strata: the daemon is back; following its containers again");
            return Some(running);
        }
    }
}

/// The host's CPU and memory, and the free space where the daemon keeps its data (when the
/// daemon runs on this machine).
async fn host(connection: &crate::engine::Connection, json: bool) -> Result<(), Failure> {
    let place = stats::host::data_place_of(connection).await?;
    let mut probe = stats::host::HostProbe::default();
    probe.read(&place);
    // CPU use is measured between two readings.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let figures = probe.read(&place);
    if json {
        print_json(&figures);
        return Ok(());
    }
    println!(
        "Host: {} CPUs at {:.1} %, memory {} of {}",
        figures.cpus,
        figures.cpu_percent,
        format::binary_size(figures.memory_used_bytes),
        format::binary_size(figures.memory_total_bytes)
    );
    match &figures.data_disk {
        Some(disk) => println!(
            "{}Docker data: {} on {}: {} free of {}",
            if disk.low { "LOW SPACE — " } else { "" },
            disk.docker_root,
            disk.mount_point,
            format::size(disk.free_bytes),
            format::size(disk.total_bytes)
        ),
        None => println!("Docker data: {}", figures.data_elsewhere.as_deref().unwrap_or("not known")),
    }
    Ok(())
}

/// The table `docker stats` prints, column for column.
fn print_table(rows: &[ContainerStats]) {
    let mut table =
        new_table(&["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"]);
    for row in rows {
        let r = &row.reading;
        table.add_row(vec![
            crate::inventory::short_id(&row.id),
            row.name.clone(),
            format!("{:.2}%", r.cpu_percent),
            format!("{} / {}", format::binary_size(r.memory_bytes), format::binary_size(r.memory_limit_bytes)),
            format!("{:.2}%", r.memory_percent),
            format!("{} / {}", format::size(r.net_rx_bytes), format::size(r.net_tx_bytes)),
            format!("{} / {}", format::size(r.block_read_bytes), format::size(r.block_write_bytes)),
            r.pids.to_string(),
        ]);
    }
    println!("{table}");
}
