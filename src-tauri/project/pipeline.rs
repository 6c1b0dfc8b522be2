//! The image pipeline for one project build: prepare (the context and its ignore rules) → build →
//! verify → verify security (the audit) → tag → publish (optional). Tags move only at the end, so
//! a failed build, verification or audit leaves every tag on the last good image. The outcome
//! says what the build changed against the image the first tag named before: size, and the layers
//! that grew or shrank.

use std::path::PathBuf;
use std::time::Duration;

use bollard::query_parameters::{RemoveImageOptionsBuilder, TagImageOptionsBuilder};
use bollard::Docker;
use serde::Serialize;

use super::builder::{build, BuildOutcome, BuildRequest};
use super::buildlog::BuildEvent;
use super::context::ContextManifest;
use super::publish::{push, Published};
use super::restart::restart_with;
use super::steps::{BuildStep, CacheMiss};
use super::verify::{verify, Verification};
use super::BuildError;
use crate::audit::allow::AllowList;
use crate::audit::{audit_and_remember, Audit, FailOn};
use crate::engine::{Connection, EngineError};
use crate::image::{Image, ImageSource, IndexCache};
use crate::inventory::shared::{chain_layers, Layer};
use crate::names;
use crate::names::split_reference;
use crate::problem::Problem;
use crate::progress::{Cancel, Reporter};
use crate::sbom::inventory;
use crate::vulns::tally::remember_inventory;
use crate::vulns::{scan, Database, Finding, Severity, VulnError, VulnReport};

/// What to run.
#[derive(Debug, Clone)]
pub struct PipelineRequest {
    /// The build itself: folder, Dockerfile, target, arguments, labels.
    pub build: BuildRequest,
    /// `name:tag` references to point at the new image (the first one is compared against).
    pub tags: Vec<String>,
    /// A command to run in a container of the new image; it must exit 0.
    pub verify: Option<String>,
    /// How long the verify command may run before it is stopped and counts as failed.
    pub verify_timeout: Duration,
    /// Remove the image the first tag named before, once nothing names or uses it.
    pub remove_superseded: bool,
    /// Push the tags, signed in with the credentials saved in this docker config folder.
    pub publish_with: Option<PathBuf>,
    /// Replace this container with one of the new image.
    pub restart_container: Option<String>,
    /// Audit the new image and fail the build as this policy says; `None` skips the audit.
    pub audit_fail_on: Option<FailOn>,
    /// Check the new image's packages against the local vulnerability database and fail the
    /// build when one is at or above this severity; `None` skips the check.
    pub vulns_fail_on: Option<Severity>,
}

impl PipelineRequest {
    /// The tags and the container to replace are well-formed names (they go into requests' paths).
    fn check_names(&self) -> Result<(), EngineError> {
        self.tags.iter().try_for_each(|tag| names::check_image(tag))?;
        self.restart_container.as_deref().map_or(Ok(()), names::check_container)
    }
}

/// What the pipeline reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum PipelineEvent {
    /// A stage begins: `prepare`, `build`, `verify`, `security`, `tag` or `publish`.
    Stage {
        /// The stage's name, in lowercase.
        name: &'static str,
    },
    /// A step or a line of the builder's log.
    Build(BuildEvent),
    /// A line about publishing or restarting (a registry's progress, a restarted container).
    Note {
        /// The line, as it is to be shown.
        line: String,
    },
}

/// One layer whose size changed, against the layer at the same place in the previous image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct LayerChange {
    /// The layer's place in the new image, counted from 0 at the bottom.
    pub index: usize,
    /// The Dockerfile instruction that made it, as the image history records it.
    pub command: String,
    /// The new layer's size, in bytes.
    pub size_bytes: u64,
    /// Its size minus the old layer's at the same place, in bytes (its whole size when the old
    /// image has no layer there).
    pub delta_bytes: i64,
}

/// The image the first tag named before this build.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Previous {
    /// Its id (`sha256:…`).
    pub image_id: String,
    /// Its size, in bytes.
    pub size_bytes: u64,
}

/// What a successful pipeline run did: the build, the verification, the tags moved, and what
/// changed against the image the first tag named before.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PipelineOutcome {
    /// The build's own outcome: image id, time, context, labels, builder.
    pub build: BuildOutcome,
    /// The verify command's result (`None`: there was no verify command).
    pub verification: Option<Verification>,
    /// The security audit of the new image (`None`: the project skips it).
    pub audit: Option<Audit>,
    /// The tags now pointing at the new image.
    pub tags: Vec<String>,
    /// The new image's size, in bytes.
    pub size_bytes: u64,
    /// The image the first tag named before (`None`: there was none, it was the same image, or
    /// its layers could not be read).
    pub previous: Option<Previous>,
    /// Layers that differ from the previous image's, largest change first.
    pub layer_changes: Vec<LayerChange>,
    /// The previous image, when it was removed.
    pub removed: Option<String>,
    /// The tags pushed, when publishing.
    pub published: Vec<Published>,
    /// The container made again from the new image: (name, new id).
    pub restarted: Option<(String, String)>,
    /// Where the build's time went: each Dockerfile step, timed, cached or not, with the
    /// changed files a COPY that ran took (named once the history is read: [`super::session`]).
    pub steps: Vec<BuildStep>,
    /// Why the cache first missed, against the project's last build.
    pub cache_miss: Option<CacheMiss>,
    /// Advice on the Dockerfile's order, when an early copy of the whole context cost a rerun.
    pub hint: Option<String>,
    /// The files the context sent, with their hashes, for the next build to compare with.
    #[serde(skip)]
    #[ts(skip)]
    pub manifest: ContextManifest,
}

/// Runs the pipeline; `on_event` hears stages and the builder's log.
pub async fn run_pipeline(
    connection: &Connection,
    request: &PipelineRequest,
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(PipelineEvent) + Send),
) -> Result<PipelineOutcome, BuildError> {
    let docker = &connection.docker;
    on_event(PipelineEvent::Stage { name: "prepare" });
    request.check_names().map_err(BuildError::Engine)?;
    let previous_id = match request.tags.first() {
        Some(tag) => docker.inspect_image(tag).await.ok().and_then(|image| image.id),
        None => None,
    };
    on_event(PipelineEvent::Stage { name: "build" });
    let mut built = build(docker, &request.build, cancel, &mut |event| on_event(PipelineEvent::Build(event))).await?;
    let mut verification = None;
    if let Some(command) = &request.verify {
        on_event(PipelineEvent::Stage { name: "verify" });
        let checked = match verify(docker, &built.image_id, command, request.verify_timeout).await {
            Ok(checked) => checked,
            Err(error) => {
                forget_unverified(docker, &built.image_id).await;
                return Err(error);
            }
        };
        if !checked.passed {
            forget_unverified(docker, &built.image_id).await;
            return Err(BuildError::VerifyFailed { code: checked.exit_code, output: checked.output });
        }
        verification = Some(checked);
    }
    let mut audit = None;
    if request.audit_fail_on.is_some() || request.vulns_fail_on.is_some() {
        on_event(PipelineEvent::Stage { name: "security" });
        let checked = verify_security(connection, &built.image_id, request, cancel, on_event).await;
        match checked {
            Ok(audited) => audit = audited,
            Err(error) => {
                forget_unverified(docker, &built.image_id).await;
                return Err(error);
            }
        }
    }
    on_event(PipelineEvent::Stage { name: "tag" });
    for reference in &request.tags {
        tag(docker, &built.image_id, reference).await?;
    }
    let engine = |e| BuildError::Engine(EngineError::from_api(e));
    let size_bytes = docker.inspect_image(&built.image_id).await.map_err(engine)?.size.unwrap_or(0).max(0) as u64;
    let previous_id = previous_id.filter(|id| *id != built.image_id);
    let (previous, layer_changes) = match &previous_id {
        Some(id) => compare_with(docker, id, &built.image_id).await,
        None => (None, Vec::new()),
    };
    let removed = match (&previous_id, request.remove_superseded) {
        (Some(id), true) => remove_if_unused(docker, id).await,
        _ => None,
    };
    let mut restarted = None;
    if let Some(name) = &request.restart_container {
        let image = request.tags.first().unwrap_or(&built.image_id);
        let id = restart_with(docker, name, image).await?;
        on_event(PipelineEvent::Note { line: format!("Restarted {name} from {image}") });
        restarted = Some((name.clone(), id));
    }
    let mut published = Vec::new();
    if let Some(docker_config) = &request.publish_with {
        on_event(PipelineEvent::Stage { name: "publish" });
        for reference in &request.tags {
            published.push(
                push(docker, reference, docker_config, &mut |line| on_event(PipelineEvent::Note { line })).await?,
            );
        }
    }
    let trace = std::mem::take(&mut built.trace);
    Ok(PipelineOutcome {
        build: built,
        verification,
        audit,
        tags: request.tags.clone(),
        size_bytes,
        previous,
        layer_changes,
        removed,
        published,
        restarted,
        steps: trace.steps,
        cache_miss: None,
        hint: None,
        manifest: trace.manifest,
    })
}

/// The audit of the image just built, read through the index cache (its base layers are usually
/// there already), with the project's allow-list applied.
/// The *verify security* stage: the audit (its result, when the project asks for one) and the
/// vulnerability gate, each failing the build as the project's policy says.
async fn verify_security(
    connection: &Connection,
    image_id: &str,
    request: &PipelineRequest,
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(PipelineEvent) + Send),
) -> Result<Option<Audit>, BuildError> {
    let image = load_built(connection, image_id, cancel).await?;
    let mut audit = None;
    if let Some(fail_on) = request.audit_fail_on {
        let allow = AllowList::in_folder(request.build.context.root())
            .map_err(|e| BuildError::AuditCouldNotRun(e.to_string()))?;
        let mut audited = audit_and_remember(&image, &IndexCache::user());
        allow.apply(&mut audited.findings);
        if fail_on.fails(&audited.findings) {
            return Err(BuildError::AuditFailed { policy: fail_on, findings: audited.findings });
        }
        audit = Some(audited);
    }
    if let Some(threshold) = request.vulns_fail_on {
        let report = check_vulnerabilities(&image)?;
        on_event(PipelineEvent::Note { line: vulnerability_line(&report, threshold) });
        let failing: Vec<Finding> = report.findings.into_iter().filter(|f| f.severity >= threshold).collect();
        if !failing.is_empty() {
            return Err(BuildError::Vulnerable { threshold, findings: failing });
        }
    }
    Ok(audit)
}

/// The new image's packages against the local vulnerability database (there must be one: a
/// gate with nothing to check against would pass anything).
fn check_vulnerabilities(image: &Image) -> Result<VulnReport, BuildError> {
    let could_not = |e: VulnError| BuildError::VulnsCouldNotRun(format!("{e}. {}", e.hint()));
    let path = Database::default_path().ok_or_else(|| could_not(VulnError::NoDatabase))?;
    let database =
        Database::open_existing(&path).map_err(could_not)?.ok_or_else(|| could_not(VulnError::NoDatabase))?;
    let packages = inventory(image, &image.merged_tree());
    remember_inventory(&IndexCache::user(), &image.id, &packages);
    scan(&database, &packages).map_err(could_not)
}

/// "Vulnerabilities: 2 high, 1 medium (none at or above critical)", for the build log.
fn vulnerability_line(report: &VulnReport, threshold: Severity) -> String {
    let at_or_above = report.at_or_above(threshold);
    format!(
        "Vulnerabilities: {} in {} packages, {at_or_above} at or above {}",
        report.findings.len(),
        report.packages_checked,
        threshold.as_str()
    )
}

/// The new image's layers, read through the user's cache (the build's Cancel stops the read).
async fn load_built(connection: &Connection, image_id: &str, cancel: &Cancel) -> Result<Image, BuildError> {
    let source = ImageSource::Daemon(image_id.to_string());
    // The build's Cancel stops the read too.
    let reporter = Reporter::new("auditing the new image", |_| {}, cancel.clone());
    let cache = IndexCache::user();
    let image = crate::image::load(Some(connection), &source, &cache, reporter).await.map_err(|e| {
        if cancel.is_cancelled() {
            BuildError::Cancelled
        } else {
            BuildError::AuditCouldNotRun(e.to_string())
        }
    })?;
    Ok(image)
}

/// Points `reference` (`repo:tag`, `repo` meaning `:latest`) at the image.
async fn tag(docker: &Docker, image: &str, reference: &str) -> Result<(), BuildError> {
    let (repo, tag) = split_reference(reference);
    let options = TagImageOptionsBuilder::default().repo(&repo).tag(&tag).build();
    docker.tag_image(image, Some(options)).await.map_err(|e| BuildError::Engine(EngineError::from_api(e)))
}

/// Size and layer changes of the new image against the previous one.
async fn compare_with(docker: &Docker, previous: &str, new: &str) -> (Option<Previous>, Vec<LayerChange>) {
    let (Ok(old), Ok(fresh)) = (layers_of(docker, previous).await, layers_of(docker, new).await) else {
        return (None, Vec::new());
    };
    let size = docker.inspect_image(previous).await.ok().and_then(|i| i.size).unwrap_or(0).max(0) as u64;
    (Some(Previous { image_id: previous.to_string(), size_bytes: size }), layer_changes(&old, &fresh))
}

async fn layers_of(docker: &Docker, image: &str) -> Result<Vec<Layer>, bollard::errors::Error> {
    let (inspected, history) = tokio::try_join!(docker.inspect_image(image), docker.image_history(image))?;
    let diff_ids = inspected.root_fs.and_then(|fs| fs.layers).unwrap_or_default();
    Ok(chain_layers(&diff_ids, &history))
}

/// The new image's layers that the old one does not have, each against the old layer at its
/// place (a layer that is new on top counts its whole size), largest change first.
pub fn layer_changes(old: &[Layer], new: &[Layer]) -> Vec<LayerChange> {
    let mut changes: Vec<LayerChange> = new
        .iter()
        .enumerate()
        .filter(|(index, layer)| old.get(*index).is_none_or(|o| o.chain != layer.chain))
        .map(|(index, layer)| LayerChange {
            index,
            command: layer.command.clone(),
            size_bytes: layer.size,
            delta_bytes: layer.size as i64 - old.get(index).map_or(0, |o| o.size as i64),
        })
        .collect();
    changes.sort_by(|a, b| b.delta_bytes.unsigned_abs().cmp(&a.delta_bytes.unsigned_abs()).then(a.index.cmp(&b.index)));
    changes
}

/// An image built but refused by verification has no tag; remove it unless something else
/// (a tag, a container, a child image) holds it — the daemon refuses then, and it stays.
async fn forget_unverified(docker: &Docker, image: &str) {
    let options = RemoveImageOptionsBuilder::default().noprune(false).build();
    let _ = docker.remove_image(image, Some(options), None).await;
}

/// Removes the superseded image if no tag names it any more and no container uses it.
async fn remove_if_unused(docker: &Docker, image: &str) -> Option<String> {
    let inspected = docker.inspect_image(image).await.ok()?;
    if !inspected.repo_tags.unwrap_or_default().is_empty() {
        return None;
    }
    // Without force the daemon refuses to remove an image a container uses.
    let options = RemoveImageOptionsBuilder::default().build();
    docker.remove_image(image, Some(options), None).await.ok().map(|_| image.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(chain: &str, size: u64, command: &str) -> Layer {
        Layer { chain: chain.into(), size, command: command.into() }
    }

    #[test]
    fn changed_layers_are_measured_against_the_layer_at_their_place() {
        let old = [layer("a", 100, "COPY base"), layer("b", 10, "RUN install"), layer("c", 5, "COPY app")];
        let new = [
            layer("a", 100, "COPY base"),
            layer("b2", 40_000_010, "RUN install"),
            layer("c2", 6, "COPY app"),
            layer("d", 1, "RUN x"),
        ];
        let changes = layer_changes(&old, &new);
        let summary: Vec<(usize, i64)> = changes.iter().map(|c| (c.index, c.delta_bytes)).collect();
        assert_eq!(summary, [(1, 40_000_000), (2, 1), (3, 1)]);
        assert_eq!(changes[0].command, "RUN install");
    }
}
