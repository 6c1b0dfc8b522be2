//! The command line: every capability as a subcommand of the same binary, printing a table by
//! default or JSON with `--json`, and one clear line with a non-zero exit on error.

mod audit;
mod build;
mod cleanup;
mod diff;
mod layers;
mod registry;
mod sbom;
mod stats;
mod vulns;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use comfy_table::{presets, Table};
use serde::Serialize;

use crate::engine::{self, Connection, EngineError, Environment};
use crate::format;
use crate::inventory::{self, shared::LayerCache, ImageQuery, ImageSort};
pub(crate) use crate::problem::{ErrorCode, Failure};

/// Strata: Docker images as layer trees, diffs, rebuilds, live stats and safe cleanup.
/// With no subcommand it opens the desktop window.
#[derive(Debug, Parser)]
#[command(name = "strata", version, about)]
pub struct Cli {
    /// Use this endpoint (a docker context name, `DOCKER_HOST`, `default` or `podman`) instead of
    /// the one the docker CLI would pick. `strata endpoints` lists them.
    #[arg(long, global = true, value_name = "NAME")]
    pub endpoint: Option<String>,

    /// The subcommand to run; `None` opens the desktop window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands of `strata`, one per capability.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List images, one row per tag, with size, shared size and the containers using each.
    Images(ImagesArgs),
    /// List containers, running and stopped.
    Containers(OutputArgs),
    /// List the daemons Strata can talk to, and which one it would use.
    Endpoints(OutputArgs),
    /// Show an image's layers (command, size, files added, modified, removed), its efficiency
    /// and its hidden bytes.
    Inspect(layers::InspectArgs),
    /// Print the files of one layer, or of everything up to it, marked added (+), modified (~)
    /// or removed (-).
    Tree(layers::TreeArgs),
    /// Check an image against CI rules (dive's `.dive-ci` format); exit 1 when one fails.
    Check(layers::CheckArgs),
    /// Audit an image's security: secrets in its config, history and every layer's files, risky
    /// settings, waste advice; exit 1 when the findings fail `--fail-on` (any secret, by default).
    Audit(audit::AuditArgs),
    /// List what an image has installed (dpkg, apk, Python, Node packages, each with the layer
    /// that installed it); `--format cyclonedx|spdx` writes it as a CycloneDX 1.6 or SPDX 2.3 SBOM.
    Sbom(sbom::SbomArgs),
    /// List an image's known vulnerabilities from the local OSV database, worst first, with the
    /// layer that installed each package; exit 1 with `--fail-on SEVERITY`. `vulns update`,
    /// `vulns import` and `vulns status` fill and describe the database.
    Vulns(vulns::VulnsArgs),
    /// Show the size of the layer index cache, or clear it.
    Cache(layers::CacheArgs),
    /// Show what changed between two images: files, config and layers (exit 0 whether or not
    /// they differ).
    Diff(diff::DiffArgs),
    /// Build a project folder: prepare, build, verify, tag; with `--watch`, again on every change
    /// (exit 1 when the build or the verification fails).
    Build(build::BuildArgs),
    /// Show every running container's CPU, memory, network, block I/O and pids, as `docker
    /// stats` computes them: once, or every second until Ctrl+C.
    Stats(stats::StatsArgs),
    /// Show where the space goes: images by category and repository (total, shared, unique),
    /// containers, volumes and build cache; with `--tree`, images by the base layers they share.
    Space(cleanup::SpaceArgs),
    /// Plan a cleanup (dangling, unused or old images, stopped containers, build cache) with the
    /// exact bytes each item frees; `--apply` carries it out, never touching what is in use.
    Prune(cleanup::PruneArgs),
    /// Load an image archive (from `strata prune --save-to` or `docker save`) back into the daemon.
    Load(cleanup::LoadArgs),
    /// List what a registry holds: its repositories, or a repository's tags (signed in as the
    /// docker CLI is).
    Registry(registry::RegistryArgs),
}

/// The `--json` switch the listing subcommands share.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The options of `strata images`: filters, sort order and output format.
#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Table or JSON output.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Show only images whose reference or id contains this text.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub filter: String,
    /// Show only dangling (untagged) images.
    #[arg(long)]
    pub dangling: bool,
    /// Show only images used by a container, running or stopped.
    #[arg(long)]
    pub in_use: bool,
    /// Sort by this column.
    #[arg(long, value_enum, default_value_t = ImageSort::Created)]
    pub sort: ImageSort,
    /// Sort in ascending order (the default is descending, newest or largest first).
    #[arg(long)]
    pub ascending: bool,
}

/// Runs one subcommand to completion and returns the process exit code.
pub fn run(endpoint: Option<String>, command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}"), None),
    };
    match runtime.block_on(execute(endpoint, command)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(failure) => fail(&failure.message, Some(failure.hint).filter(|hint| !hint.is_empty())),
    }
}

fn fail(message: &str, hint: Option<String>) -> ExitCode {
    match hint {
        Some(hint) => eprintln!("strata: {message}. {hint}"),
        None => eprintln!("strata: {message}"),
    }
    ExitCode::FAILURE
}

/// Runs a subcommand; `Ok(false)` is a check that failed (exit 1 after a full report).
async fn execute(endpoint: Option<String>, command: Command) -> Result<bool, Failure> {
    match command {
        Command::Endpoints(output) => endpoints(output)?,
        Command::Images(args) => images(&connect(endpoint).await?, args).await?,
        Command::Containers(output) => containers(&connect(endpoint).await?, output).await?,
        Command::Inspect(args) => layers::inspect(endpoint, args).await?,
        Command::Tree(args) => layers::tree(endpoint, args).await?,
        Command::Check(args) => return layers::check(endpoint, args).await,
        Command::Audit(args) => return audit::audit(endpoint, args).await,
        Command::Sbom(args) => sbom::sbom(endpoint, args).await?,
        Command::Vulns(args) => return vulns::vulns(endpoint, args).await,
        Command::Cache(args) => layers::cache(args)?,
        Command::Diff(args) => diff::diff(endpoint, args).await?,
        Command::Build(args) => return build::build(endpoint, args).await,
        Command::Stats(args) => stats::stats(endpoint, args).await?,
        Command::Space(args) => cleanup::space(endpoint, args).await?,
        Command::Prune(args) => return cleanup::prune(endpoint, args).await,
        Command::Load(args) => cleanup::load(endpoint, args).await?,
        Command::Registry(args) => registry::registry(args).await?,
    }
    Ok(true)
}

async fn connect(choice: Option<String>) -> Result<Connection, EngineError> {
    let discovery = engine::discover(&Environment::from_process());
    let endpoint = match &choice {
        Some(name) => discovery.find(name).ok_or_else(|| {
            EngineError::UnusableEndpoint(format!("there is no endpoint named `{name}` (see `strata endpoints`)"))
        })?,
        None => discovery.preferred_endpoint(),
    };
    engine::connect(endpoint).await
}

fn print_json<T: Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).expect("rows serialize"));
}

fn new_table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(header.to_vec());
    table
}

fn endpoints(output: OutputArgs) -> Result<(), EngineError> {
    let discovery = engine::discover(&Environment::from_process());
    if output.json {
        print_json(&discovery);
        return Ok(());
    }
    let mut table = new_table(&["", "NAME", "DAEMON", "HOST", "FOUND AS", "PROBLEM"]);
    for endpoint in &discovery.endpoints {
        let marker = if endpoint.name == discovery.preferred { "*" } else { "" };
        let tls = if endpoint.tls.is_some() { " (TLS)" } else { "" };
        table.add_row(vec![
            marker.to_string(),
            endpoint.name.clone(),
            endpoint.label.clone(),
            format!("{}{tls}", endpoint.host),
            endpoint.origin.clone(),
            endpoint.problem.clone().unwrap_or_default(),
        ]);
    }
    println!("{table}");
    for problem in &discovery.problems {
        eprintln!("note: {problem}");
    }
    Ok(())
}

async fn images(connection: &Connection, args: ImagesArgs) -> Result<(), EngineError> {
    let mut found = inventory::fetch(&connection.docker).await?;
    LayerCache::user().fill_shared_sizes(&connection.docker, &mut found.images).await?;
    let query = ImageQuery {
        text: args.filter,
        dangling_only: args.dangling,
        in_use_only: args.in_use,
        sort: args.sort,
        descending: !args.ascending,
    };
    let rows = query.apply(&found.images);
    if args.output.json {
        print_json(&rows);
        return Ok(());
    }
    let now = format::now();
    let mut table = new_table(&["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED", "CONTAINERS"]);
    for row in &rows {
        table.add_row(vec![
            row.repository.clone(),
            row.tag.clone(),
            row.short_id.clone(),
            format::ago(row.created, now),
            format::size(row.size),
            row.shared_size.map(format::size).unwrap_or_else(|| "-".into()),
            row.containers.to_string(),
        ]);
    }
    println!("{table}");
    Ok(())
}

async fn containers(connection: &Connection, output: OutputArgs) -> Result<(), EngineError> {
    let rows = inventory::fetch(&connection.docker).await?.containers;
    if output.json {
        print_json(&rows);
        return Ok(());
    }
    let mut table = new_table(&["CONTAINER ID", "NAME", "IMAGE", "STATE", "STATUS", "PORTS"]);
    for row in &rows {
        table.add_row(vec![
            row.short_id.clone(),
            row.name.clone(),
            row.image.clone(),
            row.state.clone(),
            row.status.clone(),
            row.ports.clone(),
        ]);
    }
    println!("{table}");
    Ok(())
}
