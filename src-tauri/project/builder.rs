//! One image build through the Engine API (`POST /build`, the classic builder): the context
//! streamed as a tar while it is walked, the builder's log handed on line by line with "step n of
//! N", the OCI labels set, and a failure pointed at its Dockerfile line. The build itself tags
//! nothing: tags move only after the new image passed verification ([`super::pipeline`]).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::time::Instant;

use bollard::query_parameters::BuildImageOptionsBuilder;
use bollard::Docker;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::mpsc;

use super::context::{BuildContext, ContextSummary};
use super::dockerfile::{line_in_error, line_of_step};
use super::git;
use super::BuildError;
use crate::engine::EngineError;
use crate::progress::Cancel;

/// Bytes of context gathered before they are sent on.
const CHUNK_BYTES: usize = 256 * 1024;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    pub context: BuildContext,
    /// A multi-stage Dockerfile's stage to stop at (`--target`).
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    /// The project's own labels; the OCI ones are added to them.
    pub labels: BTreeMap<String, String>,
    /// For `org.opencontainers.image.version`.
    pub version: Option<String>,
}

/// What the builder says as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BuildEvent {
    /// "Step 3/7 : RUN make": instruction `number` of `total` begins.
    Step { number: usize, total: usize, instruction: String },
    /// A line of output.
    Output { line: String },
}

/// A finished build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuildOutcome {
    pub image_id: String,
    pub seconds: f64,
    pub context: ContextFigures,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextFigures {
    pub files: usize,
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
    let options = BuildImageOptionsBuilder::new()
        .dockerfile(&request.context.dockerfile_in_tar())
        .rm(true)
        .forcerm(true)
        .target(request.target.as_deref().unwrap_or(""))
        .buildargs(&request.build_args.clone().into_iter().collect::<HashMap<_, _>>())
        .labels(&labels.clone().into_iter().collect::<HashMap<_, _>>())
        .build();
    let (body, tar_done) = stream_context(request.context.clone());
    let dockerfile_text = std::fs::read_to_string(request.context.dockerfile()).unwrap_or_default();
    let mut stream = docker.build_image(options, None, Some(bollard::body_try_stream(body)));
    let mut image_id = None;
    let mut step = 0;
    while let Some(item) = stream.next().await {
        if cancel.is_cancelled() {
            return Err(BuildError::Cancelled);
        }
        let info = item.map_err(|e| stopped(e, step, &dockerfile_text))?;
        if let Some(message) = info.error_detail.and_then(|d| d.message) {
            return Err(failure(message, step, &dockerfile_text));
        }
        if let Some(id) = info.aux.and_then(|aux| aux.id) {
            image_id = Some(id);
        }
        for line in info.stream.unwrap_or_default().lines().filter(|l| !l.trim().is_empty()) {
            if let Some(event) = step_of(line) {
                if let BuildEvent::Step { number, .. } = &event {
                    step = *number;
                }
                on_event(event);
            } else {
                if let Some(short) = line.strip_prefix("Successfully built ") {
                    image_id.get_or_insert_with(|| short.trim().to_string());
                }
                on_event(BuildEvent::Output { line: line.to_string() });
            }
        }
    }
    let context = tar_done.await.map_err(|_| BuildError::Context("the context writer stopped".into()))??;
    let image_id = image_id.ok_or_else(|| failure("the builder did not name the image it built".into(), step, ""))?;
    Ok(BuildOutcome {
        image_id,
        seconds: started.elapsed().as_secs_f64(),
        context: ContextFigures { files: context.files, bytes: context.bytes },
        labels,
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

/// "Step 3/7 : RUN make" as an event.
fn step_of(line: &str) -> Option<BuildEvent> {
    let rest = line.strip_prefix("Step ")?;
    let (numbers, instruction) = rest.split_once(" : ")?;
    let (number, total) = numbers.split_once('/')?;
    Some(BuildEvent::Step {
        number: number.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
        instruction: instruction.trim().to_string(),
    })
}

/// Why the build stopped: the builder's own words for a failed step or a Dockerfile it refused
/// (pointed at its line), or the connection's story when the daemon went away.
fn stopped(error: bollard::errors::Error, step: usize, dockerfile: &str) -> BuildError {
    match error {
        bollard::errors::Error::DockerStreamError { error } => failure(error, step, dockerfile),
        bollard::errors::Error::DockerResponseServerError { status_code, message } if status_code < 500 => {
            failure(message, step, dockerfile)
        }
        other => BuildError::Engine(EngineError::from_api(other)),
    }
}

/// A failed build, pointed at the Dockerfile line the error names or the step that was running.
fn failure(message: String, step: usize, dockerfile: &str) -> BuildError {
    let line = line_in_error(&message).or_else(|| line_of_step(dockerfile, step));
    BuildError::Failed { message: message.trim().to_string(), step: (step > 0).then_some(step), line }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_lines_become_step_events() {
        assert_eq!(
            step_of("Step 3/7 : RUN make all"),
            Some(BuildEvent::Step { number: 3, total: 7, instruction: "RUN make all".into() })
        );
        assert_eq!(step_of(" ---> Running in 1234"), None);
    }

    #[test]
    fn a_failure_points_at_the_named_line_or_the_running_step() {
        let dockerfile = "FROM scratch\nCOPY a /a\nRUN false\n";
        let failed = failure("The command '/bin/sh -c false' returned a non-zero code: 1".into(), 3, dockerfile);
        assert!(matches!(failed, BuildError::Failed { line: Some(3), step: Some(3), .. }), "{failed:?}");
        let parse = failure("Dockerfile parse error line 2: unknown instruction: CPY".into(), 0, dockerfile);
        assert!(matches!(parse, BuildError::Failed { line: Some(2), step: None, .. }), "{parse:?}");
    }
}
