//! One image build through the Engine API (`POST /build`): BuildKit where the daemon offers it, the
//! classic builder elsewhere; the context streamed as a tar while it is walked, the builder's log
//! handed on as events with "step n of N" ([`super::buildlog`]), the OCI labels set, and a failure
//! pointed at its Dockerfile line. The build itself tags
//! nothing: tags move only after the new image passed verification ([`super::pipeline`]).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::time::Instant;

use bollard::query_parameters::{BuildImageOptionsBuilder, BuilderVersion};
use bollard::Docker;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::mpsc;

use super::buildlog::{BuildEvent, LogReader};
use super::context::{BuildContext, ContextManifest, ContextSummary};
use super::git;
use super::steps::BuildStep;
use super::BuildError;
use crate::engine::EngineError;
use crate::progress::Cancel;

/// Bytes of context gathered before they are sent on.
const CHUNK_BYTES: usize = 256 * 1024;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// The folder, Dockerfile and ignore rules to build from.
    pub context: BuildContext,
    /// A multi-stage Dockerfile's stage to stop at (`--target`).
    pub target: Option<String>,
    /// Values for the Dockerfile's `ARG`s (`--build-arg`), by name.
    pub build_args: BTreeMap<String, String>,
    /// The project's own labels; the OCI ones are added to them.
    pub labels: BTreeMap<String, String>,
    /// For `org.opencontainers.image.version`.
    pub version: Option<String>,
}

/// The daemon's builder a build went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// The classic builder: for Podman, and daemons older than API 1.39.
    Classic,
    /// BuildKit: for Docker daemons of API 1.39 or newer.
    BuildKit,
}

/// A finished build.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BuildOutcome {
    /// The new image's id, as the builder named it (`sha256:…`, or a short id); not tagged yet.
    pub image_id: String,
    /// How long the build took, in seconds.
    pub seconds: f64,
    /// How much context was sent to the builder.
    pub context: ContextFigures,
    /// Every label set on the image: the project's own and the OCI ones.
    pub labels: BTreeMap<String, String>,
    /// The builder that built it.
    pub builder: Builder,
    /// Its steps and context files, handed on to the pipeline's outcome and the history.
    #[serde(skip)]
    #[ts(skip)]
    pub trace: BuildTrace,
}

/// What a build leaves to explain its time: its steps, timed, and the context files it sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildTrace {
    /// Each Dockerfile step, in order.
    pub steps: Vec<BuildStep>,
    /// The files the context held, and their hashes.
    pub manifest: ContextManifest,
}

/// How much a build's context held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ContextFigures {
    /// Regular files sent (folders and symlinks not counted).
    pub files: usize,
    /// Bytes of those files' contents.
    pub bytes: u64,
}

/// Builds the image; `on_event` hears each step and line. Cancelling stops the upload and the
/// build (the daemon stops when the request goes away).
pub async fn build(
    docker: &Docker,
    request: &BuildRequest,
    cancel: &Cancel,
    on_event: &mut (dyn FnMut(BuildEvent) + Send),
) -> Result<BuildOutcome, BuildError> {
    let started = Instant::now();
    let labels = labels_for(request);
    let builder = builder_for(docker).await;
    let mut options = BuildImageOptionsBuilder::new()
        .dockerfile(&request.context.dockerfile_in_tar())
        .rm(true)
        .forcerm(true)
        .target(request.target.as_deref().unwrap_or(""))
        .buildargs(&request.build_args.clone().into_iter().collect::<HashMap<_, _>>())
        .labels(&labels.clone().into_iter().collect::<HashMap<_, _>>());
    if builder == Builder::BuildKit {
        // BuildKit talks back over a session of its own (gRPC over the same socket).
        options = options.version(BuilderVersion::BuilderBuildKit).session(&session_id());
    }
    let options = options.build();
    let (body, tar_done) = stream_context(request.context.clone());
    let mut reader = LogReader::new(std::fs::read_to_string(request.context.dockerfile()).unwrap_or_default());
    let mut stream = docker.build_image(options, None, Some(bollard::body_try_stream(body)));
    while let Some(item) = stream.next().await {
        if cancel.is_cancelled() {
            return Err(BuildError::Cancelled);
        }
        let info = item.map_err(|e| stopped(e, &reader))?;
        reader.take(info, on_event)?;
    }
    let context = tar_done.await.map_err(|_| BuildError::Context("the context writer stopped".into()))??;
    let image_id = reader
        .image_id()
        .map(str::to_string)
        .ok_or_else(|| reader.failure("the builder did not name the image it built".into()))?;
    let steps = reader.take_steps(&labels);
    Ok(BuildOutcome {
        image_id,
        seconds: started.elapsed().as_secs_f64(),
        context: ContextFigures { files: context.files, bytes: context.bytes },
        labels,
        builder,
        trace: BuildTrace { steps, manifest: context.manifest },
    })
}

/// The OCI labels (created, revision, version, source) on top of the project's own.
fn labels_for(request: &BuildRequest) -> BTreeMap<String, String> {
    let facts = git::facts(request.context.root());
    let mut labels = request.labels.clone();
    let mut set = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            labels.entry(format!("org.opencontainers.image.{key}")).or_insert(value);
        }
    };
    set("created", Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    set("revision", facts.revision.clone());
    set("version", request.version.clone());
    set("source", Some(facts.origin.clone().unwrap_or_else(|| request.context.root().display().to_string())));
    labels
}

/// Why the build stopped: the builder's own words for a failed step or a Dockerfile it refused
/// (pointed at its line), or the connection's story when the daemon went away.
fn stopped(error: bollard::errors::Error, reader: &LogReader) -> BuildError {
    match error {
        bollard::errors::Error::DockerStreamError { error } => reader.failure(error),
        bollard::errors::Error::DockerResponseServerError { status_code, message } if status_code < 500 => {
            reader.failure(message)
        }
        other => BuildError::Engine(EngineError::from_api(other)),
    }
}

/// Which builder a daemon's builds go to: BuildKit on Docker Engine (API 1.39 and later),
/// the classic builder elsewhere (Podman builds with Buildah whatever is asked). `STRATA_BUILDER`
/// (`classic` or `buildkit`) overrides the choice.
pub async fn builder_for(docker: &Docker) -> Builder {
    match std::env::var("STRATA_BUILDER").as_deref() {
        Ok("classic") => return Builder::Classic,
        Ok("buildkit") => return Builder::BuildKit,
        _ => {}
    }
    let Ok(version) = docker.version().await else { return Builder::Classic };
    let podman = version.components.unwrap_or_default().iter().any(|c| c.name.to_lowercase().contains("podman"));
    let api = version.api_version.unwrap_or_default();
    let (major, minor) = api.split_once('.').unwrap_or(("0", "0"));
    let recent = (major.parse().unwrap_or(0u32), minor.parse().unwrap_or(0u32)) >= (1, 39);
    if recent && !podman {
        Builder::BuildKit
    } else {
        Builder::Classic
    }
}

/// A name for one build's BuildKit session, unique on this machine.
fn session_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let next = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("strata-{}-{next}-{}", std::process::id(), chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0))
}

/// The context as a stream of chunks, written by a blocking thread as it walks the folder; the
/// second half says how it went once the walk is over.
fn stream_context(
    context: BuildContext,
) -> (
    impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    tokio::task::JoinHandle<Result<ContextSummary, BuildError>>,
) {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let writer_sender = sender.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut writer = ChunkWriter { sender: writer_sender, buffer: Vec::with_capacity(CHUNK_BYTES) };
        let result = context.write_tar(&mut writer).and_then(|summary| {
            writer.flush().map_err(|e| BuildError::Context(e.to_string()))?;
            Ok(summary)
        });
        if let Err(error) = &result {
            // Make the upload fail too, so the daemon does not build half a context.
            let _ = writer.sender.blocking_send(Err(std::io::Error::other(error.to_string())));
        }
        result
    });
    drop(sender);
    (tokio_stream_of(receiver), done)
}

fn tokio_stream_of<T: Send + 'static>(mut receiver: mpsc::Receiver<T>) -> impl futures_util::Stream<Item = T> + Send {
    futures_util::stream::poll_fn(move |context| receiver.poll_recv(context))
}

/// A `Write` that hands its bytes on in chunks through a channel (blocking when it is full).
struct ChunkWriter {
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES)));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the daemon stopped reading the context"))
    }
}
