//! `strata registry repos HOST` and `strata registry tags HOST/REPOSITORY`: what a registry holds,
//! signed in as the docker CLI is (its config's `auths` and credential helpers).

use clap::{Args, Subcommand};

use super::{print_json, OutputArgs};
use crate::engine::Environment;
use crate::names::ImageReference;
use crate::problem::{ErrorCode, Failure};
use crate::registry::client::Listed;
use crate::registry::RegistryClient;

/// The options of `strata registry`.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// What to list.
    #[command(subcommand)]
    pub what: RegistryCommand,
}

/// The subcommands of `strata registry`.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// List the repositories of a registry (`127.0.0.1:5000`), where the registry allows it.
    Repos {
        /// The registry's host, with its port when it has one.
        host: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the tags of a repository (`127.0.0.1:5000/team/app`).
    Tags {
        /// The repository, its registry first.
        repository: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs `strata registry …`.
pub async fn registry(args: RegistryArgs) -> Result<(), Failure> {
    let docker_config = Environment::from_process().docker_config_dir;
    match args.what {
        RegistryCommand::Repos { host, output } => {
            let listed = RegistryClient::new(&host, &docker_config)?.repositories().await?;
            print_listed(&host, "repositories", &listed, output.json);
        }
        RegistryCommand::Tags { repository, output } => {
            let (host, path) = host_and_repository(&repository)?;
            let listed = RegistryClient::new(&host, &docker_config)?.tags(&path).await?;
            print_listed(&repository, "tags", &listed, output.json);
        }
    }
    Ok(())
}

/// `127.0.0.1:5000/team/app` → (`127.0.0.1:5000`, `team/app`), with the one reference parser; a
/// name with no registry is refused (Docker Hub is not listed here).
fn host_and_repository(text: &str) -> Result<(String, String), Failure> {
    let reference = ImageReference::parse(text).map_err(Failure::from)?;
    let refused = || {
        Failure::new(ErrorCode::InvalidInput, format!("`{text}` names no registry"))
            .with_hint("Write the registry first, as in 127.0.0.1:5000/team/app")
    };
    if reference.tag.is_some() || reference.digest.is_some() {
        return Err(Failure::new(ErrorCode::InvalidInput, format!("`{text}` names a tag, not a repository"))
            .with_hint("Leave out the :tag to list every tag"));
    }
    let host = reference.registry.clone().ok_or_else(refused)?;
    Ok((host, reference.path.clone()))
}

fn print_listed(source: &str, what: &str, listed: &Listed, json: bool) {
    if json {
        print_json(&serde_json::json!({ "source": source, what: listed.names, "cut": listed.cut }));
        return;
    }
    if listed.names.is_empty() {
        println!("{source}: no {what}.");
    }
    for name in &listed.names {
        println!("{name}");
    }
    if listed.cut {
        eprintln!("strata: {source} has more {what} than the {} listed here.", listed.names.len());
    }
}
