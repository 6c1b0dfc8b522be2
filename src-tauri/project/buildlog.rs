//! What a builder says while it builds, read into [`BuildEvent`]s: the classic builder's text
//! ("Step 3/7 : RUN make", Podman's "STEP 3/7: …", "Successfully built …") and BuildKit's status
//! messages (vertices named "[3/7] RUN make", their logs, the image id at the end). Either way
//! the reader keeps which step runs, so a failure can be pointed at its Dockerfile line.

use std::collections::{BTreeMap, HashSet};

use bollard::models::{BuildInfo, BuildInfoAux};
use serde::Serialize;

use super::dockerfile::{line_in_error, line_of_instruction, line_of_step};
use super::steps::{BuildStep, StepClock, VertexStep};
use super::BuildError;

/// What the builder says as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BuildEvent {
    /// "Step 3/7 : RUN make": instruction `number` of `total` begins.
    Step {
        /// The step's number, counted from 1.
        number: usize,
        /// How many steps the build has.
        total: usize,
        /// The instruction as the builder prints it ("RUN make").
        instruction: String,
    },
    /// A line of output.
    Output {
        /// The line, without its line break.
        line: String,
    },
}

/// Reads one build's messages.
pub struct LogReader {
    dockerfile: String,
    /// The classic builder's step number, or BuildKit's vertex, running last.
    step: usize,
    instruction: Option<String>,
    image_id: Option<String>,
    /// BuildKit vertices already announced (by digest).
    announced: HashSet<String>,
    /// A BuildKit vertex's own error, kept for the message.
    vertex_error: Option<String>,
    /// Each step's times and cache hit.
    clock: StepClock,
}

impl LogReader {
    /// A reader for a build of `dockerfile` (its text, used to find the lines failures point at).
    pub fn new(dockerfile: String) -> LogReader {
        LogReader {
            dockerfile,
            step: 0,
            instruction: None,
            image_id: None,
            announced: HashSet::new(),
            vertex_error: None,
            clock: StepClock::default(),
        }
    }

    /// The Dockerfile's steps seen so far, timed, in order (the clock starts again). The classic
    /// builder sets a build's `labels` by adding a LABEL step of its own per label after the
    /// Dockerfile's last (or the target stage's last): those are left out.
    pub fn take_steps(&mut self, labels: &BTreeMap<String, String>) -> Vec<BuildStep> {
        let mut steps = std::mem::take(&mut self.clock).finish();
        let added_label = |step: &BuildStep| {
            let set = step.instruction.strip_prefix("LABEL ").and_then(|rest| rest.split_once('=')).map(|(key, _)| key);
            step.stage.is_none() && set.is_some_and(|key| labels.contains_key(key.trim_matches('"')))
        };
        while steps.last().is_some_and(added_label) {
            steps.pop();
        }
        steps
    }

    /// The image the builder named, once it did.
    pub fn image_id(&self) -> Option<&str> {
        self.image_id.as_deref()
    }

    /// Takes one message; an error message ends the build.
    pub fn take(&mut self, info: BuildInfo, on_event: &mut (dyn FnMut(BuildEvent) + Send)) -> Result<(), BuildError> {
        if let Some(message) = info.error_detail.and_then(|d| d.message) {
            return Err(self.failure(message));
        }
        match info.aux {
            Some(BuildInfoAux::Default(image)) => {
                if let Some(id) = image.id {
                    self.image_id = Some(id);
                }
            }
            Some(BuildInfoAux::BuildKit(status)) => {
                for vertex in status.vertexes {
                    if !vertex.error.is_empty() {
                        self.vertex_error = Some(vertex.error.clone());
                    }
                    if self.announced.insert(vertex.digest.clone()) {
                        self.announce(&vertex.name, vertex.cached, on_event);
                    }
                    let began = vertex.started.as_ref().map(|t| t.seconds as f64 + f64::from(t.nanos) / 1e9);
                    let ended = vertex.completed.as_ref().map(|t| t.seconds as f64 + f64::from(t.nanos) / 1e9);
                    self.clock.vertex(vertex_step(&vertex.name).map(|(step, _)| step), vertex.cached, began, ended);
                }
                for log in status.logs {
                    for line in String::from_utf8_lossy(&log.msg).lines().filter(|l| !l.trim().is_empty()) {
                        on_event(BuildEvent::Output { line: line.to_string() });
                    }
                }
            }
            None => {}
        }
        for line in info.stream.unwrap_or_default().lines().filter(|l| !l.trim().is_empty()) {
            self.classic_line(line, on_event);
        }
        Ok(())
    }

    /// A failed build, pointed at the line the error names, else the running step's.
    pub fn failure(&self, message: String) -> BuildError {
        let message = without_plumbing(&message);
        let line = line_in_error(&message)
            .or_else(|| self.instruction.as_deref().and_then(|i| line_of_instruction(&self.dockerfile, i)))
            .or_else(|| line_of_step(&self.dockerfile, self.step));
        let message = match &self.vertex_error {
            Some(own) if !message.contains(own.as_str()) => format!("{message} ({own})"),
            _ => message,
        };
        BuildError::Failed {
            message: message.trim().to_string(),
            step: (self.step > 0).then_some(self.step),
            line,
            steps: self.clock.clone().finish(),
        }
    }

    fn classic_line(&mut self, line: &str, on_event: &mut (dyn FnMut(BuildEvent) + Send)) {
        if let Some(event) = classic_step(line) {
            if let BuildEvent::Step { number, instruction, .. } = &event {
                self.step = *number;
                self.instruction = Some(instruction.clone());
                self.clock.classic_step(*number, instruction);
            }
            on_event(event);
            return;
        }
        if let Some(short) = line.strip_prefix("Successfully built ") {
            self.image_id.get_or_insert_with(|| short.trim().to_string());
            self.clock.classic_done();
        }
        // Docker's " ---> Using cache", Podman's "--> Using cache 1f2e…".
        if line.trim_start().trim_start_matches('-').trim_start_matches('>').trim_start().starts_with("Using cache") {
            self.clock.classic_cached();
        }
        on_event(BuildEvent::Output { line: line.to_string() });
    }

    /// A BuildKit vertex seen for the first time: a step ("[2/4] COPY …") or internal work.
    fn announce(&mut self, name: &str, cached: bool, on_event: &mut (dyn FnMut(BuildEvent) + Send)) {
        match buildkit_step(name) {
            Some(BuildEvent::Step { number, total, instruction }) => {
                self.step = number;
                self.instruction = Some(instruction.clone());
                on_event(BuildEvent::Step { number, total, instruction });
                if cached {
                    on_event(BuildEvent::Output { line: " ---> Using cache".into() });
                }
            }
            _ => on_event(BuildEvent::Output { line: name.to_string() }),
        }
    }
}

/// BuildKit wraps its errors in the layers they passed through ("failed to solve with frontend
/// dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: …"); the last
/// layer is the one that says what is wrong.
fn without_plumbing(message: &str) -> String {
    const WRAPPERS: [&str; 5] = [
        "failed to solve with frontend dockerfile.v0: ",
        "failed to create LLB definition: ",
        "failed to solve: ",
        "rpc error: code = Unknown desc = ",
        "failed to compute cache key: ",
    ];
    let mut rest = message.trim();
    while let Some(stripped) = WRAPPERS.iter().find_map(|wrapper| rest.strip_prefix(wrapper)) {
        rest = stripped;
    }
    rest.to_string()
}

/// "Step 3/7 : RUN make all" (Docker) or "STEP 3/7: RUN make all" (Podman) as an event.
pub fn classic_step(line: &str) -> Option<BuildEvent> {
    let rest = line.strip_prefix("Step ").or_else(|| line.strip_prefix("STEP "))?;
    let (numbers, instruction) = rest.split_once(':')?;
    let (number, total) = numbers.trim().split_once('/')?;
    Some(BuildEvent::Step {
        number: number.trim().parse().ok()?,
        total: total.trim().parse().ok()?,
        instruction: instruction.trim().to_string(),
    })
}

/// "[2/4] COPY a /a" or "[builder 2/4] RUN make" (a named stage) as an event.
pub fn buildkit_step(name: &str) -> Option<BuildEvent> {
    let (step, total) = vertex_step(name)?;
    Some(BuildEvent::Step { number: step.number, total, instruction: step.instruction.to_string() })
}

/// A vertex's name read as a step — its stage (the words before the numbers, when there are
/// any), its number within the stage and its instruction — and the stage's step count.
fn vertex_step(name: &str) -> Option<(VertexStep<'_>, usize)> {
    let inside = name.strip_prefix('[')?;
    let (numbers, instruction) = inside.split_once(']')?;
    let (stage, numbers) = match numbers.rsplit_once(' ') {
        Some((stage, numbers)) => (Some(stage.trim()).filter(|s| !s.is_empty()), numbers),
        None => (None, numbers),
    };
    let (number, total) = numbers.split_once('/')?;
    let step = VertexStep { stage, number: number.parse().ok()?, instruction: instruction.trim() };
    Some((step, total.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_read_from_docker_podman_and_buildkit() {
        let step = |n, t, i: &str| Some(BuildEvent::Step { number: n, total: t, instruction: i.into() });
        assert_eq!(classic_step("Step 3/7 : RUN make all"), step(3, 7, "RUN make all"));
        assert_eq!(classic_step("STEP 2/4: COPY a /a"), step(2, 4, "COPY a /a"));
        assert_eq!(classic_step(" ---> Running in 1234"), None);
        assert_eq!(buildkit_step("[2/4] COPY a /a"), step(2, 4, "COPY a /a"));
        assert_eq!(buildkit_step("[builder 3/5] RUN make"), step(3, 5, "RUN make"));
        assert_eq!(buildkit_step("[internal] load build definition from Dockerfile"), None);
        let stage = |name| vertex_step(name).map(|(step, _)| step.stage);
        assert_eq!(stage("[linux/arm64 builder 2/4] RUN make"), Some(Some("linux/arm64 builder")));
        assert_eq!(stage("[2/4] RUN make"), Some(None));
    }

    #[test]
    fn the_classic_builders_own_label_steps_are_not_the_dockerfiles() {
        let mut reader = LogReader::new("FROM scratch\nCOPY a /a\n".into());
        for line in
            ["Step 1/3 : FROM scratch", "Step 2/3 : COPY a /a", " ---> Using cache", "Step 3/3 : LABEL strata.test=1"]
        {
            reader.classic_line(line, &mut |_| {});
        }
        let labels = BTreeMap::from([("strata.test".to_string(), "1".to_string())]);
        let steps = reader.take_steps(&labels);
        assert_eq!(steps.iter().map(|s| (s.index, s.cached)).collect::<Vec<_>>(), [(1, false), (2, true)]);
    }

    #[test]
    fn a_failure_points_at_the_named_line_or_the_running_instruction() {
        let dockerfile = "FROM scratch\nCOPY a /a\nRUN [\"/bin/busybox\", \"false\"]\n";
        let mut reader = LogReader::new(dockerfile.into());
        let mut events = Vec::new();
        reader.classic_line("Step 3/3 : RUN [\"/bin/busybox\", \"false\"]", &mut |e| events.push(e));
        let failed = reader.failure("The command '/bin/busybox false' returned a non-zero code: 1".into());
        assert!(matches!(failed, BuildError::Failed { line: Some(3), step: Some(3), .. }), "{failed:?}");
        let BuildError::Failed { steps, .. } = &failed else { unreachable!() };
        assert_eq!(
            steps.last().map(|s| s.instruction.as_str()),
            Some("RUN [\"/bin/busybox\", \"false\"]"),
            "the steps up to the failing one"
        );
        let parse = LogReader::new(dockerfile.into()).failure(
            "failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: CPY".into(),
        );
        assert!(matches!(&parse, BuildError::Failed { line: Some(2), step: None, .. }), "{parse:?}");
        assert_eq!(
            parse.to_string(),
            "the build failed at Dockerfile line 2: dockerfile parse error line 2: unknown instruction: CPY"
        );
        // BuildKit numbers steps without FROM scratch; the instruction's text finds the line.
        let mut buildkit = LogReader::new(dockerfile.into());
        buildkit.announce("[2/2] RUN [\"/bin/busybox\", \"false\"]", false, &mut |_| {});
        let failed = buildkit.failure("executor failed running [/bin/busybox false]: exit code: 1".into());
        assert!(matches!(failed, BuildError::Failed { line: Some(3), .. }), "{failed:?}");
    }
}
