//! Where a build's time goes: each Dockerfile step's start, length and cache hit, read from what
//! the builder says ([`StepClock`]: BuildKit's vertices carry their own start and end times and a
//! `cached` flag; the classic builder's "Step n/N" lines are timed as they arrive and its "Using
//! cache" line marks a hit); then, against the project's last build ([`explain`]), the context
//! files each missed COPY or ADD took that changed since, why the cache first missed where it did,
//! and a hint when an early copy of the whole context makes every edit rerun the steps after it.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::context::ContextManifest;
use super::ignore::IgnoreRules;
use crate::format;

/// Changed files kept per step (the count says how many there were).
pub const CHANGED_KEPT: usize = 20;

/// One Dockerfile step of a build.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct BuildStep {
    /// The step's number, as the builder counts them (from 1; BuildKit counts each stage's own).
    pub index: usize,
    /// The stage it belongs to, as BuildKit names it (`builder`, `stage-1`); `None` for a
    /// single-stage build and for the classic builder, which numbers all steps together.
    #[serde(default)]
    pub stage: Option<String>,
    /// The instruction as the builder prints it (`COPY . /app`).
    pub instruction: String,
    /// When it began, in seconds after the builder began its work on this build (BuildKit counts
    /// from its first vertex, its own preparations included).
    pub started: f64,
    /// How long it took, in seconds.
    pub seconds: f64,
    /// Whether the builder reused its cache for it instead of running it.
    pub cached: bool,
    /// For a COPY or ADD that ran: the context files it takes that changed since the last build
    /// (added, edited or deleted), at most [`CHANGED_KEPT`] of them.
    #[serde(default)]
    pub changed_files: Vec<String>,
    /// How many there were in all.
    #[serde(default)]
    pub changed_count: usize,
}

impl BuildStep {
    /// "2 COPY . /app", or "builder 2 RUN make" in a stage.
    pub fn label(&self) -> String {
        match &self.stage {
            Some(stage) => format!("{stage} {} {}", self.index, self.instruction),
            None => format!("{} {}", self.index, self.instruction),
        }
    }

    /// Whether it is a FROM, which starts a stage and is never counted as a miss.
    pub fn is_from(&self) -> bool {
        keyword(&self.instruction) == "FROM"
    }

    /// Whether `other` is the same step of another build (same stage, same number).
    fn same_place(&self, other: &BuildStep) -> bool {
        self.index == other.index && self.stage == other.stage
    }

    /// "Step 4", "Step 2 of builder"
    fn words(&self) -> String {
        match &self.stage {
            Some(stage) => format!("Step {} of {stage}", self.index),
            None => format!("Step {}", self.index),
        }
    }
}

/// How many of a build's steps came from the cache, and of how many (FROM not counted).
pub fn cached_of(steps: &[BuildStep]) -> (usize, usize) {
    let counted: Vec<&BuildStep> = steps.iter().filter(|s| !s.is_from()).collect();
    (counted.iter().filter(|s| s.cached).count(), counted.len())
}

/// Why the cache missed where it first did, and what that cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CacheMiss {
    /// The first step that ran instead of coming from the cache.
    pub step: usize,
    /// Its stage, as [`BuildStep::stage`].
    #[serde(default)]
    pub stage: Option<String>,
    /// Its instruction.
    pub instruction: String,
    /// Why, in words: "src/main.rs changed", "the Dockerfile changed here".
    pub reason: String,
    /// How many steps ran from it on (itself included).
    pub reran: usize,
    /// How long they took together, in seconds.
    pub reran_seconds: f64,
    /// The whole story in one sentence, as the window and the CLI show it.
    pub summary: String,
}

/// What a build's steps say against the last build: the first miss and a hint.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepStory {
    /// Why the cache first missed (`None`: every step came from the cache, or none was timed).
    pub miss: Option<CacheMiss>,
    /// Advice on the Dockerfile's order, when an early whole-context copy cost a rerun.
    pub hint: Option<String>,
}

/// Where a step stands in its build: its stage (BuildKit's, by name) and number.
type Place = (Option<String>, usize);

/// A step as it is timed: BuildKit's times are the daemon's clock, kept until the end.
#[derive(Debug, Clone, Default)]
struct Timing {
    instruction: String,
    cached: bool,
    /// Seconds on the clock the step's times are in (the daemon's, or ours since `began`).
    began_at: Option<f64>,
    ended_at: Option<f64>,
}

/// Times the steps of one build from the builder's messages.
#[derive(Debug, Clone)]
pub struct StepClock {
    began: Instant,
    /// The steps, in the order the builder first named them.
    steps: Vec<(Place, Timing)>,
    /// The classic builder's running step (a place in `steps`).
    running: Option<usize>,
    /// The earliest time BuildKit gave any vertex (its internal ones included).
    first_vertex: Option<f64>,
}

impl Default for StepClock {
    fn default() -> Self {
        StepClock { began: Instant::now(), steps: Vec::new(), running: None, first_vertex: None }
    }
}

impl StepClock {
    /// The classic builder began step `number` now (so the one before it ended).
    pub fn classic_step(&mut self, number: usize, instruction: &str) {
        let now = self.began.elapsed().as_secs_f64();
        self.end_running(now);
        let at = self.place((None, number));
        self.steps[at].1 = Timing { instruction: instruction.to_string(), began_at: Some(now), ..Timing::default() };
        self.running = Some(at);
    }

    /// The classic builder said "Using cache" for the running step.
    pub fn classic_cached(&mut self) {
        if let Some((_, step)) = self.running.and_then(|at| self.steps.get_mut(at)) {
            step.cached = true;
        }
    }

    /// The classic builder finished (it named the image): the running step ends now.
    pub fn classic_done(&mut self) {
        let now = self.began.elapsed().as_secs_f64();
        self.end_running(now);
    }

    /// A BuildKit vertex update: any vertex moves the origin; a step's (its stage, number and
    /// instruction given) times and cache flag are kept as the latest update says them. Times
    /// are seconds since 1970.
    pub fn vertex(&mut self, step: Option<VertexStep>, cached: bool, began_at: Option<f64>, ended_at: Option<f64>) {
        if let Some(at) = began_at {
            self.first_vertex = Some(self.first_vertex.map_or(at, |first| first.min(at)));
        }
        let Some(VertexStep { stage, number, instruction }) = step else { return };
        let at = self.place((stage.map(str::to_string), number));
        let timing = &mut self.steps[at].1;
        timing.instruction = instruction.to_string();
        timing.cached |= cached;
        timing.began_at = began_at.or(timing.began_at);
        timing.ended_at = ended_at.or(timing.ended_at);
    }

    /// The steps, stage by stage in the order the builder first named each, numbers in order
    /// within a stage; their times counted from the builder's first.
    pub fn finish(mut self) -> Vec<BuildStep> {
        self.classic_done();
        let origin = self
            .first_vertex
            .or_else(|| self.steps.iter().filter_map(|(_, t)| t.began_at).reduce(f64::min))
            .unwrap_or(0.0);
        let mut stages: Vec<Option<String>> = Vec::new();
        for ((stage, _), _) in &self.steps {
            if !stages.contains(stage) {
                stages.push(stage.clone());
            }
        }
        self.steps.sort_by_key(|((stage, number), _)| (stages.iter().position(|s| s == stage), *number));
        self.steps
            .into_iter()
            .map(|((stage, index), timing)| {
                let began = timing.began_at.unwrap_or(origin);
                let ended = timing.ended_at.unwrap_or(began).max(began);
                BuildStep {
                    index,
                    stage,
                    instruction: timing.instruction,
                    started: round_ms(began - origin),
                    seconds: round_ms(ended - began),
                    cached: timing.cached,
                    ..BuildStep::default()
                }
            })
            .collect()
    }

    fn end_running(&mut self, now: f64) {
        if let Some((_, step)) = self.running.take().and_then(|at| self.steps.get_mut(at)) {
            step.ended_at = Some(now);
        }
    }

    /// The step at `place`, added when it is new; its index in `steps`.
    fn place(&mut self, place: Place) -> usize {
        match self.steps.iter().position(|(known, _)| *known == place) {
            Some(at) => at,
            None => {
                self.steps.push((place, Timing::default()));
                self.steps.len() - 1
            }
        }
    }
}

/// A step as a BuildKit vertex names it: `[builder 2/4] RUN make`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VertexStep<'a> {
    /// The stage (`builder`; a multi-platform build adds the platform), if the name has one.
    pub stage: Option<&'a str>,
    /// The step's number within its stage.
    pub number: usize,
    /// The instruction.
    pub instruction: &'a str,
}

fn round_ms(seconds: f64) -> f64 {
    (seconds.max(0.0) * 1000.0).round() / 1000.0
}

/// What the project's last build left to compare with.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastBuild<'a> {
    /// Its context's files and their hashes.
    pub manifest: Option<&'a ContextManifest>,
    /// Its steps (empty: it was not timed).
    pub steps: &'a [BuildStep],
}

/// Names, for each COPY or ADD that ran, the files it takes that changed since `last`, and
/// tells why the cache first missed and whether the Dockerfile's order is to blame.
pub fn explain(steps: &mut [BuildStep], manifest: &ContextManifest, last: LastBuild) -> StepStory {
    let changed = last.manifest.map(|earlier| manifest.changed_since(earlier)).unwrap_or_default();
    for step in steps.iter_mut().filter(|s| !s.cached) {
        let taken: Vec<&String> = match context_sources(&step.instruction) {
            Some(sources) => changed.iter().filter(|path| sources.takes(path)).collect(),
            None => Vec::new(),
        };
        step.changed_count = taken.len();
        step.changed_files = taken.into_iter().take(CHANGED_KEPT).cloned().collect();
    }
    StepStory { miss: first_miss(steps, last), hint: order_hint(steps, manifest) }
}

/// The first step that ran (a FROM never counts), and why.
fn first_miss(steps: &[BuildStep], last: LastBuild) -> Option<CacheMiss> {
    let at = steps.iter().position(|s| !s.cached && !s.is_from())?;
    let step = &steps[at];
    let compared = !last.steps.is_empty();
    let earlier = last.steps.iter().find(|s| s.same_place(step));
    let reason = if !step.changed_files.is_empty() {
        changed_words(&step.changed_files, step.changed_count)
    } else if !compared {
        "there was no earlier timed build to compare with".to_string()
    } else if earlier.is_none_or(|e| e.instruction != step.instruction) {
        "the Dockerfile changed here".to_string()
    } else {
        "the builder had no cache for it (a build argument or the base image changed, or the cache was pruned)"
            .to_string()
    };
    let ran: Vec<&BuildStep> = steps[at..].iter().filter(|s| !s.cached && !s.is_from()).collect();
    let reran_seconds = round_ms(ran.iter().map(|s| s.seconds).sum());
    let again = if compared { " again" } else { "" };
    let consequence = match ran.len() - 1 {
        0 => String::new(),
        1 => format!(", and the step after it ran{again}"),
        n => format!(", and the {n} steps after it ran{again}"),
    };
    let summary = format!(
        "{} ({}) was not cached: {reason}{consequence} ({}).",
        step.words(),
        format::shortened(&step.instruction, 40),
        format::seconds(reran_seconds)
    );
    Some(CacheMiss {
        step: step.index,
        stage: step.stage.clone(),
        instruction: step.instruction.clone(),
        reason,
        reran: ran.len(),
        reran_seconds,
        summary,
    })
}

/// "src/main.rs changed", "src/a.rs and 1 more file changed", "src/a.rs and 3 more files changed"
fn changed_words(files: &[String], count: usize) -> String {
    match count {
        1 => format!("{} changed", files[0]),
        2 => format!("{} and 1 more file changed", files[0]),
        n => format!("{} and {} more files changed", files[0], n - 1),
    }
}

/// Files whose early copy lets installs be cached, in the order named.
const DEPENDENCY_MANIFESTS: [&str; 12] = [
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "pyproject.toml",
    "poetry.lock",
    "Cargo.toml",
    "Cargo.lock",
    "go.mod",
    "go.sum",
    "Gemfile",
];

/// A COPY or ADD of the whole context that ran, followed by a RUN that ran again because of it,
/// with a dependency manifest in the context that no earlier step copied on its own: advice to
/// copy that manifest first.
fn order_hint(steps: &[BuildStep], manifest: &ContextManifest) -> Option<String> {
    let copy = steps.iter().position(|s| !s.cached && context_sources(&s.instruction).is_some_and(|c| c.whole))?;
    let stage = &steps[copy].stage;
    let run = steps[copy + 1..].iter().find(|s| s.stage == *stage && !s.cached && keyword(&s.instruction) == "RUN")?;
    let present: Vec<&str> = DEPENDENCY_MANIFESTS.iter().copied().filter(|name| manifest.contains(name)).collect();
    let copied_before = steps[..copy]
        .iter()
        .filter(|s| s.stage == *stage)
        .filter_map(|s| context_sources(&s.instruction))
        .any(|sources| present.iter().any(|name| sources.takes(name)));
    let first = match present.as_slice() {
        _ if copied_before => return None,
        [] => return None,
        [one] => one.to_string(),
        [several @ .., last] => format!("{} and {last}", several.join(", ")),
    };
    Some(format!(
        "{} copies the whole context before {} ({}), so every edit runs it again: copy {first} first, run \
         the install, then copy the rest.",
        steps[copy].words(),
        run.words().to_lowercase(),
        format::shortened(&run.instruction, 40)
    ))
}

/// The instruction's keyword, upper case.
fn keyword(instruction: &str) -> String {
    instruction.split_whitespace().next().unwrap_or_default().to_ascii_uppercase()
}

/// What a COPY or ADD takes from the context.
struct ContextSources {
    /// A source is the whole context (`.`).
    whole: bool,
    /// The sources as patterns, matched as `.dockerignore` lines are.
    patterns: IgnoreRules,
    /// Its `--exclude` patterns, matched the same way.
    excluded: IgnoreRules,
}

impl ContextSources {
    fn takes(&self, path: &str) -> bool {
        (self.whole || self.patterns.is_excluded(path)) && !self.excluded.is_excluded(path)
    }
}

/// The context sources of a COPY or ADD (`None`: another instruction, a copy from a stage or an
/// image, a URL, or a heredoc).
fn context_sources(instruction: &str) -> Option<ContextSources> {
    let word = keyword(instruction);
    if word != "COPY" && word != "ADD" {
        return None;
    }
    let rest = instruction.trim_start()[word.len()..].trim();
    let mut words: Vec<String> = Vec::new();
    let mut excludes: Vec<&str> = Vec::new();
    let mut rest = rest;
    // Flags come first: `--from` takes from elsewhere, `--exclude` leaves files out; the others
    // (`--chown`, `--chmod`, `--link`, `--parents`) do not change which files it takes.
    while let Some(flag) = rest.strip_prefix("--") {
        let (this, after) = flag.split_once(char::is_whitespace).unwrap_or((flag, ""));
        if this.starts_with("from=") {
            return None;
        }
        if let Some(pattern) = this.strip_prefix("exclude=") {
            excludes.push(pattern.trim_matches('"'));
        }
        rest = after.trim_start();
    }
    if rest.starts_with('[') {
        words = serde_json::from_str(rest).ok()?;
    } else {
        words.extend(rest.split_whitespace().map(str::to_string));
    }
    if words.len() < 2 || words.iter().any(|w| w.starts_with("<<")) {
        return None;
    }
    let sources: Vec<&String> =
        words[..words.len() - 1].iter().filter(|w| !w.contains("://") && !w.starts_with("git@")).collect();
    if sources.is_empty() {
        return None;
    }
    let whole = sources.iter().any(|s| matches!(s.trim_end_matches('/'), "" | "." | "*"));
    let lines: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
    let patterns = IgnoreRules::parse(&lines.join("\n"), "the COPY").ok()?;
    let excluded = IgnoreRules::parse(&excludes.join("\n"), "the COPY's --exclude").ok()?;
    Some(ContextSources { whole, patterns, excluded })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(index: usize, instruction: &str, cached: bool, seconds: f64) -> BuildStep {
        BuildStep { index, instruction: instruction.into(), cached, seconds, ..BuildStep::default() }
    }

    fn manifest(files: &[(&str, u64)]) -> ContextManifest {
        ContextManifest::from_iter(files.iter().map(|(path, hash)| (path.to_string(), *hash)))
    }

    #[test]
    fn classic_steps_are_timed_as_their_lines_arrive_and_a_cache_line_marks_a_hit() {
        let mut clock = StepClock::default();
        clock.classic_step(1, "FROM scratch");
        clock.classic_step(2, "COPY a /a");
        clock.classic_cached();
        clock.classic_step(3, "RUN make");
        std::thread::sleep(std::time::Duration::from_millis(30));
        let steps = clock.finish();
        assert_eq!(steps.iter().map(|s| (s.index, s.cached)).collect::<Vec<_>>(), [(1, false), (2, true), (3, false)]);
        assert!(steps[2].seconds >= 0.03, "{steps:?}");
        assert!(steps[2].started >= steps[1].started && steps[1].started >= steps[0].started);
    }

    #[test]
    fn buildkit_times_come_from_the_vertices_counted_from_the_first_one() {
        let mut clock = StepClock::default();
        let step = |number, instruction| Some(VertexStep { stage: None, number, instruction });
        clock.vertex(None, false, Some(100.0), Some(100.2)); // [internal] load build definition
        clock.vertex(step(2, "RUN make"), false, None, None);
        clock.vertex(step(1, "COPY a /a"), true, Some(100.5), Some(100.5));
        clock.vertex(step(2, "RUN make"), false, Some(100.6), None);
        clock.vertex(step(2, "RUN make"), false, Some(100.6), Some(103.1));
        let steps = clock.finish();
        assert_eq!(steps.len(), 2);
        assert_eq!((steps[0].started, steps[0].seconds, steps[0].cached), (0.5, 0.0, true));
        assert_eq!((steps[1].started, steps[1].seconds, steps[1].cached), (0.6, 2.5, false));
    }

    #[test]
    fn each_stage_keeps_its_own_numbers_in_the_order_the_stages_came() {
        let mut clock = StepClock::default();
        let step = |stage, number, instruction| Some(VertexStep { stage, number, instruction });
        clock.vertex(step(Some("builder"), 2, "RUN make"), false, Some(1.0), Some(5.0));
        clock.vertex(step(Some("stage-1"), 2, "COPY --from=builder /out /app"), false, Some(5.0), Some(5.1));
        clock.vertex(step(Some("builder"), 1, "FROM golang"), true, Some(0.5), Some(0.5));
        clock.vertex(step(Some("stage-1"), 1, "FROM debian"), true, Some(0.5), Some(0.5));
        let steps = clock.finish();
        let labels: Vec<String> = steps.iter().map(BuildStep::label).collect();
        assert_eq!(
            labels,
            [
                "builder 1 FROM golang",
                "builder 2 RUN make",
                "stage-1 1 FROM debian",
                "stage-1 2 COPY --from=builder /out /app"
            ]
        );
        let miss = explain(&mut steps.clone(), &ContextManifest::default(), LastBuild::default()).miss.unwrap();
        assert_eq!((miss.step, miss.stage.as_deref()), (2, Some("builder")));
        assert!(miss.summary.starts_with("Step 2 of builder (RUN make) was not cached"), "{}", miss.summary);
        assert_eq!(cached_of(&steps), (0, 2), "FROM steps are not counted");
    }

    #[test]
    fn copy_sources_are_read_as_docker_reads_them() {
        let takes = |instruction: &str, path: &str| context_sources(instruction).is_some_and(|s| s.takes(path));
        assert!(takes("COPY . /app", "src/main.rs"));
        assert!(takes("COPY --chown=1:1 src/ /app/src", "src/main.rs"));
        assert!(takes("ADD [\"a b.txt\", \"c\", \"/x/\"]", "a b.txt"));
        assert!(takes("COPY *.json ./", "package.json") && !takes("COPY *.json ./", "src/x.json"));
        assert!(takes("COPY --exclude=*.md . /app", "src/a.rs") && !takes("COPY --exclude=*.md . /app", "README.md"));
        assert!(takes("COPY --link --chmod=755 --parents bin/ /usr/local/", "bin/tool"));
        assert!(!takes("COPY src /app", "srcs/a"));
        assert!(context_sources("COPY --from=build /out /app").is_none());
        assert!(context_sources("RUN cp a b").is_none());
        assert!(context_sources("ADD https://example.com/x /x").is_none());
        assert!(context_sources("COPY <<EOF /x").is_none());
        assert!(context_sources("COPY . /app").unwrap().whole);
    }

    #[test]
    fn a_missed_copy_names_the_changed_files_it_takes_and_why_the_rest_ran() {
        let earlier = manifest(&[("package.json", 1), ("src/main.rs", 2), ("README.md", 3)]);
        let now = manifest(&[("package.json", 1), ("src/main.rs", 9), ("README.md", 4), ("src/new.rs", 5)]);
        let last = [step(1, "FROM base", false, 0.0), step(2, "COPY src /app/src", true, 0.1)];
        let mut steps = [
            step(1, "FROM base", false, 0.0),
            step(2, "COPY src /app/src", false, 0.2),
            step(3, "RUN make", false, 4.0),
            step(4, "COPY README.md /", false, 0.1),
        ];
        let story = explain(&mut steps, &now, LastBuild { manifest: Some(&earlier), steps: &last });
        assert_eq!(steps[1].changed_files, ["src/main.rs", "src/new.rs"]);
        assert_eq!(steps[3].changed_files, ["README.md"]);
        assert!(steps[2].changed_files.is_empty());
        let miss = story.miss.unwrap();
        assert_eq!((miss.step, miss.reran, miss.reran_seconds), (2, 3, 4.3));
        assert_eq!(
            miss.summary,
            "Step 2 (COPY src /app/src) was not cached: src/main.rs and 1 more file changed, and the 2 steps after it ran again (4.3 s)."
        );
        assert_eq!(story.hint, None, "only src is copied early");
    }

    #[test]
    fn a_changed_or_added_instruction_or_no_earlier_build_is_said_so() {
        let files = manifest(&[("a", 1)]);
        let mut steps = [step(1, "COPY a /a", true, 0.0), step(2, "RUN make -j2", false, 1.0)];
        let last = [step(1, "COPY a /a", true, 0.0), step(2, "RUN make", false, 1.0)];
        let story = explain(&mut steps, &files, LastBuild { manifest: Some(&files), steps: &last });
        assert_eq!(story.miss.unwrap().reason, "the Dockerfile changed here");
        let story = explain(&mut steps, &files, LastBuild { manifest: Some(&files), steps: &last[..1] });
        assert_eq!(story.miss.unwrap().reason, "the Dockerfile changed here", "a step added");
        let story = explain(&mut steps, &files, LastBuild { manifest: Some(&files), steps: &last[..] });
        assert!(story.miss.unwrap().summary.ends_with("(1.0 s)."));
        let mut first = [step(1, "COPY a /a", false, 0.1), step(2, "RUN make", false, 1.0)];
        let miss = explain(&mut first, &files, LastBuild::default()).miss.unwrap();
        assert_eq!(miss.reason, "there was no earlier timed build to compare with");
        assert!(miss.summary.contains(", and the step after it ran ("), "not \"again\": {}", miss.summary);
        let mut all_cached = [step(1, "COPY a /a", true, 0.0)];
        assert_eq!(explain(&mut all_cached, &files, LastBuild::default()), StepStory::default());
    }

    #[test]
    fn an_early_copy_of_the_whole_context_before_an_install_gets_a_hint() {
        let files = manifest(&[("package.json", 1), ("package-lock.json", 2), ("index.js", 3)]);
        let mut steps =
            [step(1, "WORKDIR /app", true, 0.0), step(2, "COPY . .", false, 0.1), step(3, "RUN npm ci", false, 20.0)];
        let hint = explain(&mut steps, &files, LastBuild::default()).hint.unwrap();
        assert_eq!(
            hint,
            "Step 2 copies the whole context before step 3 (RUN npm ci), so every edit runs it again: copy \
             package.json and package-lock.json first, run the install, then copy the rest."
        );
        let mut fine = [
            step(1, "COPY package.json .", false, 0.1),
            step(2, "RUN npm ci", false, 20.0),
            step(3, "COPY . .", false, 0.1),
        ];
        assert_eq!(explain(&mut fine, &files, LastBuild::default()).hint, None);
        let mut already = [
            step(1, "COPY package*.json ./", true, 0.0),
            step(2, "COPY . .", false, 0.1),
            step(3, "RUN npm run build", false, 9.0),
        ];
        assert_eq!(
            explain(&mut already, &files, LastBuild::default()).hint,
            None,
            "the manifest was copied on its own"
        );
        let no_manifest = manifest(&[("index.js", 3)]);
        assert_eq!(explain(&mut steps, &no_manifest, LastBuild::default()).hint, None, "nothing to copy first");
    }
}
