//! Carrying out a plan, one item at a time, with an event for each step. Safety first:
//! - right before an image goes, the containers are listed again; an image a container now uses
//!   (one created after the plan, say) is skipped, never forced;
//! - nothing is forced: a conflict the daemon reports is shown as it said it;
//! - an image can first be saved to an archive (`docker save`), and is removed only when the
//!   archive is complete; [`restore`] loads such an archive back;
//! - an item counts as removed only when the daemon said so; when the daemon goes away the rest is
//!   reported as not attempted.

use std::path::{Path, PathBuf};

use bollard::query_parameters::{
    ImportImageOptionsBuilder, ListContainersOptionsBuilder, PruneBuildOptionsBuilder, RemoveContainerOptionsBuilder,
    RemoveImageOptionsBuilder,
};
use bollard::Docker;
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;
use tokio::io::AsyncWriteExt;

use super::plan::{ItemKind, Plan, PlanItem};
use crate::engine::EngineError;
use crate::problem::{ErrorCode, Problem};
use crate::progress::Cancel;

/// How one item ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Gone; `bytes_freed` is the plan's figure, or what the daemon reported for the build cache.
    Removed {
        /// Bytes its removal freed.
        bytes_freed: u64,
        /// The archive the image was saved to first; `None` when it was not saved.
        archive: Option<PathBuf>,
    },
    /// Left alone on purpose, and why.
    Skipped {
        /// The reason, in words for people ("it is running now").
        why: String,
    },
    /// The daemon refused or failed; its words.
    Failed {
        /// What went wrong, as the daemon (or the file system) said it.
        error: String,
    },
    /// Not tried: the run was cancelled or the daemon went away first.
    NotAttempted,
}

/// What the window and the CLI hear while a plan is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ApplyEvent {
    /// Work on the item at `index` has begun.
    Started {
        /// The item's position in the plan's items, from 0.
        index: usize,
    },
    /// The image at `index` is being saved to `archive` before it is removed.
    Saving {
        /// The item's position in the plan's items, from 0.
        index: usize,
        /// The archive file being written.
        archive: PathBuf,
    },
    /// The item at `index` is done, and how it ended.
    Finished {
        /// The item's position in the plan's items, from 0.
        index: usize,
        /// How the item ended.
        outcome: Outcome,
    },
}

/// How a plan is applied; the default removes without saving anything first.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Save each image here (one archive per image) before removing it.
    pub save_to: Option<PathBuf>,
}

/// The outcome of every item, in the plan's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ApplyReport {
    /// One for each item of the plan, in the same order.
    pub outcomes: Vec<Outcome>,
    /// Bytes freed by the removed items, together.
    pub bytes_freed: u64,
    /// How many items were removed.
    pub removed: usize,
    /// How many items were left alone on purpose.
    pub skipped: usize,
    /// How many items failed: the daemon refused or erred, or saving the image did not work.
    pub failed: usize,
    /// How many items were not tried because the run was cancelled or the daemon went away.
    pub not_attempted: usize,
}

/// Applies `plan` item by item, telling `on_event` as it goes.
pub async fn apply(
    docker: &Docker,
    plan: &Plan,
    options: &ApplyOptions,
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(ApplyEvent) + Send),
) -> ApplyReport {
    let mut report = ApplyReport::default();
    let mut stop = false;
    for (index, item) in plan.items.iter().enumerate() {
        let outcome = if stop || cancel.is_cancelled() {
            Outcome::NotAttempted
        } else {
            on_event(ApplyEvent::Started { index });
            match apply_item(docker, item, index, options, on_event).await {
                Ok(outcome) => outcome,
                Err(error) => {
                    // A daemon that is gone fails everything after; say so once.
                    stop = matches!(error, EngineError::Transport(_) | EngineError::Unreachable { .. });
                    Outcome::Failed { error: error.to_string() }
                }
            }
        };
        match &outcome {
            Outcome::Removed { bytes_freed, .. } => {
                report.removed += 1;
                report.bytes_freed += bytes_freed;
            }
            Outcome::Skipped { .. } => report.skipped += 1,
            Outcome::Failed { .. } => report.failed += 1,
            Outcome::NotAttempted => report.not_attempted += 1,
        }
        on_event(ApplyEvent::Finished { index, outcome: outcome.clone() });
        report.outcomes.push(outcome);
    }
    report
}

async fn apply_item(
    docker: &Docker,
    item: &PlanItem,
    index: usize,
    options: &ApplyOptions,
    on_event: &mut (dyn FnMut(ApplyEvent) + Send),
) -> Result<Outcome, EngineError> {
    match item.kind {
        ItemKind::Container => remove_container(docker, item).await,
        ItemKind::BuildCache => {
            let options = PruneBuildOptionsBuilder::default().all(true).build();
            let pruned = docker.prune_build(Some(options)).await?;
            let bytes_freed = pruned.space_reclaimed.unwrap_or(0).max(0) as u64;
            Ok(Outcome::Removed { bytes_freed, archive: None })
        }
        ItemKind::Image => {
            if let Some(user) = container_using(docker, &item.id).await? {
                return Ok(Outcome::Skipped { why: format!("container {user} uses it now") });
            }
            let archive = match &options.save_to {
                Some(folder) => {
                    let archive = archive_path(folder, item);
                    on_event(ApplyEvent::Saving { index, archive: archive.clone() });
                    if let Err(error) = save(docker, &item.id, &item.refs, &archive).await {
                        return Ok(Outcome::Failed { error: format!("not removed: saving it failed: {error}") });
                    }
                    Some(archive)
                }
                None => None,
            };
            remove_image(docker, item, archive).await
        }
    }
}

async fn remove_container(docker: &Docker, item: &PlanItem) -> Result<Outcome, EngineError> {
    let inspected = match docker.inspect_container(&item.id, None).await {
        Err(error) => return gone_or(error.into(), "it was already removed"),
        Ok(inspected) => inspected,
    };
    if inspected.state.and_then(|s| s.running).unwrap_or(false) {
        return Ok(Outcome::Skipped { why: "it is running now".into() });
    }
    let options = RemoveContainerOptionsBuilder::default().force(false).v(false).build();
    match docker.remove_container(&item.id, Some(options)).await {
        Ok(()) => Ok(Outcome::Removed { bytes_freed: item.bytes_freed, archive: None }),
        Err(error) => refused(error.into()),
    }
}

/// Removes each of the image's tags, then the image itself if it is still there. A tag added
/// since the plan keeps the image: that is reported, not overridden.
async fn remove_image(docker: &Docker, item: &PlanItem, archive: Option<PathBuf>) -> Result<Outcome, EngineError> {
    let options = || Some(RemoveImageOptionsBuilder::default().force(false).noprune(false).build());
    for reference in &item.refs {
        match docker.remove_image(reference, options(), None).await {
            Ok(_) => {}
            Err(error) => match EngineError::from(error) {
                EngineError::Daemon { status: 404, .. } => {} // untagged meanwhile
                other => return refused(other),
            },
        }
    }
    match docker.inspect_image(&item.id).await {
        Err(error) => match EngineError::from(error) {
            EngineError::Daemon { status: 404, .. } => {
                return Ok(Outcome::Removed { bytes_freed: item.bytes_freed, archive })
            }
            other => return Err(other),
        },
        Ok(inspected) if !inspected.repo_tags.as_ref().is_none_or(|t| t.is_empty()) => {
            let tags = inspected.repo_tags.unwrap_or_default().join(", ");
            return Ok(Outcome::Skipped { why: format!("it was tagged {tags} after the plan") });
        }
        Ok(_) => {}
    }
    match docker.remove_image(&item.id, options(), None).await {
        Ok(_) => Ok(Outcome::Removed { bytes_freed: item.bytes_freed, archive }),
        // Untagged, and kept by the daemon as the parent of an image that stays (which has all
        // its layers, so the plan promised nothing for it): as `docker rmi` leaves it.
        Err(error) => match EngineError::from(error) {
            EngineError::Daemon { status: 409, message } if message.contains("dependent child") => {
                Ok(Outcome::Removed { bytes_freed: item.bytes_freed, archive })
            }
            other => gone_or(other, ""),
        },
    }
}

/// A 404 means someone else removed it first (the bytes are free, but not by us: skipped);
/// anything else the daemon said is a refusal.
fn gone_or(error: EngineError, why: &str) -> Result<Outcome, EngineError> {
    match error {
        EngineError::Daemon { status: 404, .. } if !why.is_empty() => Ok(Outcome::Skipped { why: why.into() }),
        EngineError::Daemon { status: 404, .. } => Ok(Outcome::Skipped { why: "another tool removed it first".into() }),
        other => refused(other),
    }
}

/// The daemon's refusal (a conflict, say) is the item's outcome; a daemon gone is the run's.
fn refused(error: EngineError) -> Result<Outcome, EngineError> {
    match error {
        EngineError::Daemon { status, message } => {
            Ok(Outcome::Failed { error: format!("the daemon refused ({status}): {message}") })
        }
        other => Err(other),
    }
}

/// The name of a container (running or not) created from `image_id`, if any.
async fn container_using(docker: &Docker, image_id: &str) -> Result<Option<String>, EngineError> {
    let options = ListContainersOptionsBuilder::default().all(true).build();
    let containers = docker.list_containers(Some(options)).await?;
    Ok(containers.into_iter().find(|c| c.image_id.as_deref() == Some(image_id)).map(|c| {
        c.names.unwrap_or_default().first().map(|n| n.trim_start_matches('/').to_string()).unwrap_or_default()
    }))
}

/// Where an image's archive goes: its first reference (or short id) as a file name, not
/// overwriting an existing file.
pub fn archive_path(folder: &Path, item: &PlanItem) -> PathBuf {
    let name = item.refs.first().cloned().unwrap_or_else(|| crate::inventory::short_id(&item.id));
    crate::files::free_path_in(folder, &format!("{name}.tar"))
}

/// Why an image could not be saved to, or loaded from, an archive on this computer.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// An archive (or its temporary file) could not be written.
    #[error("cannot write {}: {error}", path.display())]
    Write {
        /// The archive's path.
        path: PathBuf,
        /// What the file system said.
        error: std::io::Error,
    },
    /// An archive could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The archive's path.
        path: PathBuf,
        /// What the file system said.
        error: std::io::Error,
    },
    /// The daemon failed or could not be reached.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl Problem for ArchiveError {
    fn code(&self) -> ErrorCode {
        match self {
            ArchiveError::Write { .. } | ArchiveError::Read { .. } => ErrorCode::FileSystem,
            ArchiveError::Engine(error) => error.code(),
        }
    }

    fn hint(&self) -> String {
        match self {
            ArchiveError::Write { .. } => "Pick a folder you can write to, with room for the images.".into(),
            ArchiveError::Read { .. } => "Choose an archive made by Strata or `docker save`.".into(),
            ArchiveError::Engine(error) => error.hint(),
        }
    }
}

/// Saves the image with all its tags (`docker save`), to a temporary name first so a cut-off
/// export never looks like a complete archive.
pub async fn save(docker: &Docker, id: &str, refs: &[String], archive: &Path) -> Result<(), ArchiveError> {
    let cannot_write = |error| ArchiveError::Write { path: archive.to_path_buf(), error };
    let partial = crate::files::partial_beside(archive).map_err(cannot_write)?;
    let names: Vec<&str> = if refs.is_empty() { vec![id] } else { refs.iter().map(String::as_str).collect() };
    let mut file = tokio::fs::File::create_new(&partial).await.map_err(cannot_write)?;
    let mut stream = docker.export_images(&names);
    while let Some(chunk) = stream.next().await {
        file.write_all(&chunk.map_err(EngineError::from)?).await.map_err(cannot_write)?;
    }
    file.sync_all().await.map_err(cannot_write)?;
    partial.persist(archive).map_err(|error| cannot_write(error.error))?;
    Ok(())
}

/// Loads an archive made by [`save`] (or `docker save`) back; returns the lines the daemon said
/// ("Loaded image: app:1").
pub async fn restore(docker: &Docker, archive: &Path) -> Result<Vec<String>, ArchiveError> {
    let file = tokio::fs::File::open(archive)
        .await
        .map_err(|error| ArchiveError::Read { path: archive.to_path_buf(), error })?;
    let body = tokio_util::io::ReaderStream::new(file);
    let options = ImportImageOptionsBuilder::default().quiet(true).build();
    let answers: Vec<_> =
        docker.import_image_stream(options, body, None).try_collect().await.map_err(EngineError::from)?;
    let mut loaded = Vec::new();
    for answer in answers {
        if let Some(error) = answer.error_detail.and_then(|d| d.message) {
            return Err(EngineError::Daemon { status: 500, message: error }.into());
        }
        loaded.extend(answer.stream.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
    }
    Ok(loaded)
}
