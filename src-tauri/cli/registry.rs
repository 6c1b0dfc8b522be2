//! `strata registry repos HOST` and `strata registry tags HOST/REPOSITORY`: what a registry holds,
//! signed in as the docker CLI is (its config's `auths` and credential helpers); `strata registry
//! login HOST` signs in as `docker login` does; `strata registry add HOST` adds one to the list
//! the window shows (`http://HOST`: reached over plain HTTP).

use clap::{Args, Subcommand};

use super::{new_table, print_json, OutputArgs};
use crate::engine::environment::strata_config_dir;
use crate::engine::Environment;
use crate::format;
use crate::problem::{ErrorCode, Failure};
use crate::registry::known::{remember_registry, repository_at};
use crate::registry::Listed;
use crate::registry::{RegistryClient, TagList};

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
    /// Add a registry to the ones Strata lists (`registry.example.com`); `http://HOST` marks it
    /// insecure: it is then reached over plain HTTP.
    Add {
        /// The registry's host, with its port when it has one.
        host: String,
    },
    /// Sign in to a registry as `docker login` does: the password is read from standard input,
    /// checked against the registry, then saved where the docker CLI keeps it (the credential
    /// helper the docker config names, else its `auths`).
    Login {
        /// The registry's host, with its port when it has one.
        host: String,
        /// The user name.
        #[arg(short, long)]
        username: String,
        /// Read the password from standard input (required: a password is never an argument).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the repositories of a registry (`127.0.0.1:5000`), where the registry allows it.
    Repos {
        /// The registry's host, with its port when it has one.
        host: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the tags of a repository (`127.0.0.1:5000/team/app`): each one's digest, platforms,
    /// compressed size, date and labels.
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
        RegistryCommand::Add { host } => {
            let folder = strata_config_dir().ok_or_else(|| {
                Failure::new(ErrorCode::FileSystem, "this system names no folder for settings")
                    .with_hint("Set STRATA_CONFIG_DIR to a folder Strata may write in")
            })?;
            let added = remember_registry(&host, &folder)?;
            let how = if host.trim().starts_with("http://") { " (plain HTTP)" } else { "" };
            println!("Added {added}{how}.");
        }
        RegistryCommand::Login { host, username, password_stdin: _ } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).map_err(|e| {
                Failure::new(ErrorCode::InvalidInput, format!("the password could not be read: {e}"))
                    .with_hint("Pipe it in: echo \"$PASSWORD\" | strata registry login HOST -u USER --password-stdin")
            })?;
            let password = password.trim_end_matches(['\n', '\r']);
            if password.is_empty() {
                return Err(Failure::new(ErrorCode::InvalidInput, "no password on standard input").with_hint(
                    "Pipe it in: echo \"$PASSWORD\" | strata registry login HOST -u USER --password-stdin",
                ));
            }
            let saved_in = RegistryClient::sign_in(&host, &username, password, &docker_config).await?;
            println!("Signed in to {host} as {username}; saved in {saved_in}.");
        }
        RegistryCommand::Repos { host, output } => {
            let listed = RegistryClient::new(&host, &docker_config)?.repositories().await?;
            print_listed(&host, "repositories", &listed, output.json);
        }
        RegistryCommand::Tags { repository, output } => {
            let (host, path) = repository_at(&repository)?;
            let listed = RegistryClient::new(&host, &docker_config)?.tag_list(&path).await?;
            print_tags(&repository, &listed, output.json);
        }
    }
    Ok(())
}

/// The tags with their details, then the rest by name only.
fn print_tags(repository: &str, list: &TagList, json: bool) {
    let TagList { tags: details, rest, unread, cut } = list;
    if *cut {
        let listed = details.len() + unread.len() + rest.len();
        eprintln!("strata: {repository} has more tags than the {listed} listed here.");
    }
    if json {
        let mut tags: Vec<serde_json::Value> =
            details.iter().map(|d| serde_json::to_value(d).expect("tag details are JSON")).collect();
        tags.extend(unread.iter().map(|u| serde_json::json!({ "tag": u.tag, "unread": u.reason })));
        tags.extend(rest.iter().map(|tag| serde_json::json!({ "tag": tag })));
        print_json(&serde_json::json!({ "source": repository, "tags": tags, "cut": cut }));
        return;
    }
    if details.is_empty() {
        println!("{repository}: no tags.");
    }
    let mut table = new_table(&["TAG", "DIGEST", "PLATFORM", "COMPRESSED", "CREATED", "LABELS"]);
    for tag in details {
        for (index, image) in tag.images.iter().enumerate() {
            let (name, digest) = if index == 0 { (tag.tag.as_str(), short(&tag.digest)) } else { ("", String::new()) };
            table.add_row(vec![
                name.to_string(),
                digest,
                image.platform.clone(),
                format::size(image.compressed_bytes),
                image.created.as_deref().map(|c| c.chars().take(19).collect()).unwrap_or_default(),
                image.labels.len().to_string(),
            ]);
        }
        if tag.attestations > 0 {
            let attestations = if tag.attestations == 1 { "attestation" } else { "attestations" };
            table.add_row(vec![String::new(), String::new(), format!("+{} {attestations}", tag.attestations)]);
        }
    }
    println!("{table}");
    for tag in unread {
        println!("{}: not read: {}", tag.tag, tag.reason);
    }
    if !rest.is_empty() {
        println!("{} more tags, without details:", rest.len());
        for tag in rest {
            println!("{tag}");
        }
    }
}

fn short(digest: &str) -> String {
    digest.trim_start_matches("sha256:").chars().take(12).collect()
}

fn print_listed(source: &str, what: &str, listed: &Listed, json: bool) {
    if listed.cut {
        eprintln!("strata: {source} has more {what} than the {} listed here.", listed.names.len());
    }
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
}
