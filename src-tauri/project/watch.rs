//! Watching a project folder for the edits that should rebuild it.
//!
//! File events come from `notify` (inotify, FSEvents, ReadDirectoryChangesW). They are kept only
//! when the build would see the file — the same [`BuildContext`] rules that write the context,
//! so `.dockerignore`d files never trigger — and never for `.git/` or editors' temporary files.
//! Kept events are gathered into one trigger per burst: the trigger fires once the folder has been
//! quiet for [`WatchTiming::quiet`], or [`WatchTiming::longest`] after the burst began if it never
//! goes quiet. A branch switch touching 10,000 files is one trigger.
//!
//! (notify's own debouncers have no upper bound: a long burst would come out as several batches,
//! and so several builds. This one has both bounds.)
//!
//! Triggers that arrive while a build runs wait in the channel; [`merge_waiting`] folds them
//! into one, so a change during a build gives exactly one follow-up build.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use serde::Serialize;
use tokio::sync::mpsc;

use super::context::BuildContext;
use super::BuildError;

/// How a burst of edits becomes one trigger.
#[derive(Debug, Clone, Copy)]
pub struct WatchTiming {
    /// Fire when no kept event came for this long.
    pub quiet: Duration,
    /// Fire at the latest this long after the burst's first event.
    pub longest: Duration,
}

impl Default for WatchTiming {
    fn default() -> Self {
        WatchTiming { quiet: Duration::from_millis(200), longest: Duration::from_secs(10) }
    }
}

impl WatchTiming {
    /// For a project with live-sync rules: a copy is cheap, so a burst ends after 40 ms of quiet
    /// (an editor's save, or a script writing a hundred files, still comes as one), and at the
    /// latest after two seconds.
    pub fn for_sync() -> WatchTiming {
        WatchTiming { quiet: Duration::from_millis(40), longest: Duration::from_secs(2) }
    }
}

/// Why a build should run: the files whose edits triggered it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Trigger {
    /// Relative paths, `/`-separated, sorted (at most [`Trigger::LISTED`]).
    pub paths: Vec<String>,
    /// How many paths changed in all.
    pub count: usize,
    /// Every path that changed, for live sync (which copies them all); not kept in the history.
    #[serde(skip)]
    #[ts(skip)]
    pub every: Vec<String>,
    /// In a project with live-sync rules, why these edits rebuilt rather than synced
    /// (`package.json changed`, `the container web is not running`).
    #[serde(default)]
    pub reason: Option<String>,
}

impl Trigger {
    /// The most paths a trigger lists; `count` still counts the rest.
    pub const LISTED: usize = 50;

    fn from_paths(paths: BTreeSet<String>) -> Trigger {
        Trigger {
            count: paths.len(),
            paths: paths.iter().take(Trigger::LISTED).cloned().collect(),
            every: paths.into_iter().collect(),
            reason: None,
        }
    }

    fn merge(&mut self, other: Trigger) {
        let mut paths: BTreeSet<String> = std::mem::take(&mut self.paths).into_iter().collect();
        paths.extend(other.paths);
        self.count += other.count;
        self.paths = paths.into_iter().take(Trigger::LISTED).collect();
        let mut every: BTreeSet<String> = std::mem::take(&mut self.every).into_iter().collect();
        every.extend(other.every);
        self.every = every.into_iter().collect();
    }

    /// A trigger for exactly these paths (relative, `/`-separated).
    pub fn of(paths: impl IntoIterator<Item = String>) -> Trigger {
        Trigger::from_paths(paths.into_iter().collect())
    }
}

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum WatchEvent {
    /// A burst of edits the build would see ended: time to rebuild.
    Changed(Trigger),
    /// The folder was deleted or moved away: watching has stopped.
    Gone {
        /// The folder's absolute path, as displayed.
        folder: String,
    },
    /// The watcher hit an error it cannot go on from.
    Failed {
        /// The error, in words for the user.
        message: String,
    },
}

/// A running watch; dropping it stops watching.
pub struct FolderWatch {
    _watcher: notify::RecommendedWatcher,
}

/// Starts watching the context's folder; events arrive on the returned channel.
pub fn watch(
    context: BuildContext,
    timing: WatchTiming,
) -> Result<(FolderWatch, mpsc::Receiver<WatchEvent>), BuildError> {
    let (raw_sender, raw_receiver) = std_mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = raw_sender.send(event);
    })
    .map_err(|e| BuildError::Context(format!("the folder cannot be watched: {e}")))?;
    watcher
        .watch(context.root(), RecursiveMode::Recursive)
        .map_err(|e| BuildError::Context(format!("{} cannot be watched: {e}", context.root().display())))?;
    let (sender, receiver) = mpsc::channel(16);
    std::thread::Builder::new()
        .name("strata-watch".into())
        .spawn(move || gather(context, timing, raw_receiver, sender))
        .map_err(|e| BuildError::Context(format!("the watcher could not start: {e}")))?;
    Ok((FolderWatch { _watcher: watcher }, receiver))
}

/// Folds every trigger already waiting in `receiver` into `first`; passes on anything else.
pub fn merge_waiting(mut first: Trigger, receiver: &mut mpsc::Receiver<WatchEvent>) -> Result<Trigger, WatchEvent> {
    while let Ok(event) = receiver.try_recv() {
        match event {
            WatchEvent::Changed(more) => first.merge(more),
            other => return Err(other),
        }
    }
    Ok(first)
}

/// The watcher's thread: raw events in, one trigger per burst out.
fn gather(
    mut context: BuildContext,
    timing: WatchTiming,
    raw: std_mpsc::Receiver<notify::Result<notify::Event>>,
    out: mpsc::Sender<WatchEvent>,
) {
    let root = context.root().to_path_buf();
    loop {
        // Wait for the first kept event of a burst.
        let mut paths = BTreeSet::new();
        match raw.recv() {
            Ok(event) => {
                if let Some(stop) = keep(&context, &root, event, &mut paths) {
                    let _ = out.blocking_send(stop);
                    return;
                }
            }
            Err(_) => return, // the watch was dropped
        }
        if paths.is_empty() {
            continue;
        }
        let started = Instant::now();
        let mut last = Instant::now();
        loop {
            let now = Instant::now();
            let quiet_left = timing.quiet.saturating_sub(now - last);
            let longest_left = timing.longest.saturating_sub(now - started);
            if quiet_left.is_zero() || longest_left.is_zero() {
                break;
            }
            match raw.recv_timeout(quiet_left.min(longest_left)) {
                Ok(event) => {
                    // Any kept event is activity, a file still being written too: the burst
                    // ends when nothing the build sees has moved for the quiet time.
                    let mut seen = BTreeSet::new();
                    if let Some(stop) = keep(&context, &root, event, &mut seen) {
                        let _ = out.blocking_send(stop);
                        return;
                    }
                    if !seen.is_empty() {
                        last = Instant::now();
                        paths.extend(seen);
                    }
                }
                Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        if paths.iter().any(|p| p.ends_with(".dockerignore")) {
            // The rules changed: read them again for the next bursts.
            if let Ok(fresh) = BuildContext::new(&root, Some(context.dockerfile())) {
                context = fresh;
            }
        }
        if !root.is_dir() {
            // The burst was the folder being deleted.
            let _ = out.blocking_send(WatchEvent::Gone { folder: root.display().to_string() });
            return;
        }
        if out.blocking_send(WatchEvent::Changed(Trigger::from_paths(paths))).is_err() {
            return;
        }
    }
}

/// Adds the event's paths the build would see to `paths`; says when watching must stop.
fn keep(
    context: &BuildContext,
    root: &Path,
    event: notify::Result<notify::Event>,
    paths: &mut BTreeSet<String>,
) -> Option<WatchEvent> {
    let event = match event {
        Ok(event) => event,
        Err(error) => return Some(WatchEvent::Failed { message: error.to_string() }),
    };
    if matches!(event.kind, EventKind::Access(_)) {
        return None;
    }
    if !root.is_dir() {
        return Some(WatchEvent::Gone { folder: root.display().to_string() });
    }
    for path in &event.paths {
        if let Some(relative) = relative_path(root, path) {
            if !is_noise(&relative) && !context.is_ignored(&relative) {
                paths.insert(relative);
            }
        }
    }
    None
}

fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let text = super::context::slash_path(path.strip_prefix(root).ok()?);
    (!text.is_empty()).then_some(text)
}

/// `.git/` and the files editors write beside the ones they save (Vim's `.swp`/`.swx`/`4913`
/// and `~` backups, Emacs's `#name#` and `.#name` locks, JetBrains' `___jb_tmp___`).
pub fn is_noise(relative: &str) -> bool {
    if relative == ".git" || relative.starts_with(".git/") {
        return true;
    }
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\nCOPY . /\n").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "*.log\n").unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        dir
    }

    fn fast() -> WatchTiming {
        WatchTiming { quiet: Duration::from_millis(150), longest: Duration::from_secs(2) }
    }

    async fn next(receiver: &mut mpsc::Receiver<WatchEvent>, within: Duration) -> Option<WatchEvent> {
        tokio::time::timeout(within, receiver.recv()).await.ok().flatten()
    }

    #[test]
    fn editor_and_git_files_are_noise() {
        for noise in [".git/index", ".git", "src/.main.rs.swp", "src/main.rs~", "4913", "src/#main.rs#", ".#main.rs"] {
            assert!(is_noise(noise), "{noise}");
        }
        assert!(!is_noise("src/main.rs") && !is_noise(".github/workflows/ci.yml"));
    }

    #[tokio::test]
    async fn a_burst_is_one_trigger_and_ignored_files_are_none() {
        let dir = project();
        let context = BuildContext::new(dir.path(), None).unwrap();
        let (_watch, mut events) = watch(context, fast()).unwrap();
        for index in 0..300 {
            std::fs::write(dir.path().join(format!("src/file{index}.txt")), "x").unwrap();
        }
        let Some(WatchEvent::Changed(trigger)) = next(&mut events, Duration::from_secs(5)).await else {
            panic!("no trigger")
        };
        assert_eq!(trigger.count, 300, "{trigger:?}");
        assert_eq!(trigger.paths.len(), Trigger::LISTED);
        assert_eq!(next(&mut events, Duration::from_millis(600)).await, None, "one burst, one trigger");
        std::fs::write(dir.path().join("debug.log"), "noise").unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/index"), "x").unwrap();
        assert_eq!(next(&mut events, Duration::from_millis(600)).await, None, "ignored and .git files");
        std::fs::write(dir.path().join("src/main.rs"), "fn main() {}").unwrap();
        let Some(WatchEvent::Changed(trigger)) = next(&mut events, Duration::from_secs(5)).await else {
            panic!("no trigger for a kept file")
        };
        assert_eq!(trigger.paths, ["src/main.rs"]);
    }

    /// An editor's safe save and a `git checkout` arrive as renames: on Windows (notify's
    /// ReadDirectoryChangesW backend) each is a `Name(From)` and a `Name(To)` event, on macOS
    /// (FSEvents) a `Name(Any)` per path. However many, one burst is one build. The events are fed
    /// to the gathering thread directly, as each backend shapes them, so this runs on every system.
    #[tokio::test]
    async fn a_storm_of_renames_is_one_trigger_whatever_backend_sends_it() {
        use notify::event::{ModifyKind, RenameMode};
        let dir = project();
        let context = BuildContext::new(dir.path(), None).unwrap();
        let root = context.root().to_path_buf();
        let (raw_sender, raw) = std_mpsc::channel();
        let (sender, mut events) = mpsc::channel(16);
        std::thread::spawn(move || gather(context, fast(), raw, sender));
        for index in 0..200 {
            for mode in [RenameMode::From, RenameMode::To, RenameMode::Any] {
                let path = root.join("src").join(format!("file{index}.rs"));
                let event = notify::Event::new(EventKind::Modify(ModifyKind::Name(mode))).add_path(path);
                raw_sender.send(Ok(event)).unwrap();
            }
        }
        let Some(WatchEvent::Changed(trigger)) = next(&mut events, Duration::from_secs(5)).await else {
            panic!("no trigger")
        };
        assert_eq!(trigger.count, 200, "each renamed file once: {trigger:?}");
        assert_eq!(next(&mut events, Duration::from_millis(500)).await, None, "one storm, one trigger");
    }

    #[tokio::test]
    async fn a_burst_that_never_goes_quiet_fires_at_the_longest_wait() {
        let dir = project();
        let context = BuildContext::new(dir.path(), None).unwrap();
        let timing = WatchTiming { quiet: Duration::from_millis(300), longest: Duration::from_millis(800) };
        let (_watch, mut events) = watch(context, timing).unwrap();
        let root = dir.path().to_path_buf();
        let writer = std::thread::spawn(move || {
            for index in 0..30 {
                std::fs::write(root.join("src/busy.txt"), index.to_string()).unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let started = Instant::now();
        let first = next(&mut events, Duration::from_secs(5)).await;
        assert!(matches!(first, Some(WatchEvent::Changed(_))), "{first:?}");
        assert!(started.elapsed() < Duration::from_millis(2000), "fired after {:?}", started.elapsed());
        writer.join().unwrap();
    }

    #[tokio::test]
    async fn triggers_waiting_during_a_build_merge_into_one() {
        let (sender, mut receiver) = mpsc::channel(4);
        let one = |p: &str| WatchEvent::Changed(Trigger::from_paths([p.to_string()].into()));
        sender.send(one("b")).await.unwrap();
        sender.send(one("c")).await.unwrap();
        let merged = merge_waiting(Trigger::from_paths(["a".to_string()].into()), &mut receiver).unwrap();
        assert_eq!((merged.paths, merged.count), (vec!["a".to_string(), "b".into(), "c".into()], 3));
    }

    #[tokio::test]
    async fn a_deleted_folder_stops_the_watch() {
        let dir = project();
        let context = BuildContext::new(dir.path(), None).unwrap();
        let (_watch, mut events) = watch(context, fast()).unwrap();
        let root = dir.path().to_path_buf();
        let folder = dunce::canonicalize(&root).unwrap_or(root).display().to_string();
        drop(dir);
        // A deletion slowed down by a busy machine may first look like files going (a trigger for
        // those files); the folder's own removal must then stop the watch.
        let mut seen = Vec::new();
        let gone = loop {
            match next(&mut events, Duration::from_secs(5)).await {
                Some(WatchEvent::Changed(trigger)) if seen.len() < 3 => seen.push(trigger),
                other => break other,
            }
        };
        assert_eq!(gone, Some(WatchEvent::Gone { folder }), "after {seen:?}");
        assert_eq!(next(&mut events, Duration::from_millis(300)).await, None, "nothing after Gone");
    }
}
