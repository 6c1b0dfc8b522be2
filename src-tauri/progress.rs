//! Progress of long work (an export, a build, a prune), told the same way to every listener: the
//! window draws a bar from it, the command line prints one. A [`Reporter`] measures the rate and
//! throttles updates; a [`Cancel`] lets the listener stop the work.

use std::io::{BufRead, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

/// Updates closer together than this are merged into the next one.
const UPDATE_INTERVAL: Duration = Duration::from_millis(100);

/// Where a piece of long work stands.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Progress {
    /// What is being done, in a few words ("Reading the image from the daemon").
    pub task: String,
    /// Bytes done so far.
    pub done_bytes: u64,
    /// Bytes expected in all, when known.
    pub total_bytes: Option<u64>,
    /// Average since the start.
    pub bytes_per_second: f64,
    /// Whether the task is done: this is its last update.
    pub finished: bool,
}

/// A flag the listener raises to stop the work; the work checks it as it goes.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not raised yet.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Raises the flag, for this handle and every clone of it.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag was raised.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The one piece of work of its kind that counts (reading the image the user asked for last):
/// starting another cancels the one before, and only the current one may finish — a load that
/// ends after a newer one started can neither replace its result nor clear its cancel handle.
#[derive(Debug, Default)]
pub struct LatestWork {
    current: std::sync::Mutex<Option<Cancel>>,
}

impl LatestWork {
    /// Starts a new piece of work, cancelling the one before; the flag is the new work's.
    pub fn start(&self) -> Cancel {
        let cancel = Cancel::new();
        if let Some(previous) = self.lock().replace(cancel.clone()) {
            previous.cancel();
        }
        cancel
    }

    /// Whether the work `cancel` belongs to is still the latest (not cancelled, not superseded).
    pub fn is_current(&self, cancel: &Cancel) -> bool {
        self.lock().as_ref().is_some_and(|current| Arc::ptr_eq(&current.0, &cancel.0)) && !cancel.is_cancelled()
    }

    /// The work `cancel` belongs to has ended: forgotten if it is still the latest. Says whether
    /// it was (its result should be kept).
    pub fn finish(&self, cancel: &Cancel) -> bool {
        let mut current = self.lock();
        let latest = current.as_ref().is_some_and(|c| Arc::ptr_eq(&c.0, &cancel.0));
        if latest {
            current.take();
        }
        latest && !cancel.is_cancelled()
    }

    /// Cancels the latest work, if any is running.
    pub fn cancel(&self) {
        if let Some(current) = self.lock().take() {
            current.cancel();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cancel>> {
        self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The work was stopped by its listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

type Sink = Box<dyn FnMut(&Progress) + Send>;

/// Measures and passes on the progress of one task.
pub struct Reporter {
    task: String,
    total_bytes: Option<u64>,
    sink: Sink,
    cancel: Cancel,
    started: Instant,
    last_sent: Option<Instant>,
}

impl Reporter {
    /// A reporter for `task` that passes each update to `sink` and fails updates once `cancel`
    /// is raised. The total is unknown until [`Reporter::start`] gives one.
    pub fn new(task: &str, sink: impl FnMut(&Progress) + Send + 'static, cancel: Cancel) -> Reporter {
        Reporter {
            task: task.to_string(),
            total_bytes: None,
            sink: Box::new(sink),
            cancel,
            started: Instant::now(),
            last_sent: None,
        }
    }

    /// A reporter nobody listens to and nobody cancels.
    pub fn silent() -> Reporter {
        Reporter::new("", |_| {}, Cancel::new())
    }

    /// Starts a new task (the rate starts again from zero).
    pub fn start(&mut self, task: &str, total_bytes: Option<u64>) {
        self.task = task.to_string();
        self.total_bytes = total_bytes;
        self.started = Instant::now();
        self.last_sent = None;
        self.send(0, false);
    }

    /// A handle on this reporter's cancel flag, to check (did the work fail because it was
    /// cancelled?) while the reporter itself is lent to a reader.
    pub fn cancel_flag(&self) -> Cancel {
        self.cancel.clone()
    }

    /// Tells how far the task is, at most ten times a second; fails once cancelled.
    pub fn update(&mut self, done_bytes: u64) -> Result<(), Cancelled> {
        if self.cancel.is_cancelled() {
            return Err(Cancelled);
        }
        let now = Instant::now();
        if self.last_sent.is_none_or(|last| now - last >= UPDATE_INTERVAL) {
            self.send(done_bytes, false);
        }
        Ok(())
    }

    /// Tells that the task is done.
    pub fn finish(&mut self, done_bytes: u64) {
        self.send(done_bytes, true);
    }

    fn send(&mut self, done_bytes: u64, finished: bool) {
        let now = Instant::now();
        self.last_sent = Some(now);
        let seconds = (now - self.started).as_secs_f64();
        let progress = Progress {
            task: self.task.clone(),
            done_bytes,
            total_bytes: self.total_bytes,
            bytes_per_second: if seconds > 0.0 { done_bytes as f64 / seconds } else { 0.0 },
            finished,
        };
        (self.sink)(&progress);
    }
}

/// A reader that reports the bytes read through it and stops with an error once cancelled.
pub struct ProgressReader<'a, R> {
    inner: R,
    done: u64,
    /// Read in place ([`BufRead`]), the reporter hears at most once every [`REPORT_BYTES`].
    next_report: u64,
    reporter: &'a mut Reporter,
}

/// Bytes consumed in place between two reports (and cancellation checks).
const REPORT_BYTES: u64 = 256 * 1024;

impl<'a, R: Read> ProgressReader<'a, R> {
    /// Wraps `inner`, counting from zero and reporting to `reporter`.
    pub fn new(inner: R, reporter: &'a mut Reporter) -> Self {
        ProgressReader { inner, done: 0, next_report: 0, reporter }
    }

    /// Bytes read (or sought past) so far.
    pub fn bytes_read(&self) -> u64 {
        self.done
    }
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.done += read as u64;
        self.reporter.update(self.done).map_err(std::io::Error::other)?;
        Ok(read)
    }
}

impl<R: BufRead> BufRead for ProgressReader<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.done >= self.next_report {
            self.reporter.update(self.done).map_err(std::io::Error::other)?;
            self.next_report = self.done + REPORT_BYTES;
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
        self.done += amount as u64;
    }
}

/// Seeking (past content a reader does not need) counts as progress: `done` is the position.
impl<R: Read + Seek> Seek for ProgressReader<'_, R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let position = self.inner.seek(to)?;
        self.done = position;
        self.reporter.update(self.done).map_err(std::io::Error::other)?;
        Ok(position)
    }
}

#[cfg(test)]
mod latest_work_tests {
    use super::*;

    #[test]
    fn an_older_load_finishing_late_neither_wins_nor_clears_the_newer_ones_handle() {
        let work = LatestWork::default();
        let first = work.start();
        let second = work.start();
        assert!(first.is_cancelled(), "starting again cancels the one before");
        assert!(!work.is_current(&first) && work.is_current(&second));
        assert!(!work.finish(&first), "the older load's result is not kept");
        work.cancel();
        assert!(second.is_cancelled(), "the newer load can still be cancelled");
        assert!(!work.finish(&second), "a cancelled load's result is not kept");
        let third = work.start();
        assert!(work.finish(&third) && !work.is_current(&third));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn a_reader_reports_its_bytes_and_stops_when_cancelled() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        let cancel = Cancel::new();
        let mut reporter = Reporter::new("reading", move |p| log.lock().unwrap().push(p.clone()), cancel.clone());
        reporter.start("reading", Some(10));
        let data = [7u8; 10];
        let mut reader = ProgressReader::new(&data[..], &mut reporter);
        let mut first = [0u8; 4];
        reader.read_exact(&mut first).unwrap();
        assert_eq!(reader.bytes_read(), 4);
        cancel.cancel();
        assert!(reader.read(&mut first).is_err(), "a cancelled read fails");
        let heard = heard.lock().unwrap();
        assert_eq!(heard[0].done_bytes, 0);
        assert_eq!(heard[0].total_bytes, Some(10));
        assert!(heard.iter().all(|p| p.task == "reading" && !p.finished));
    }

    #[test]
    fn a_reader_read_in_place_counts_what_is_consumed_and_stops_when_cancelled() {
        let cancel = Cancel::new();
        let mut reporter = Reporter::new("reading", |_| {}, cancel.clone());
        let data = vec![7u8; 1 << 20];
        let mut reader = ProgressReader::new(&data[..], &mut reporter);
        assert_eq!(reader.fill_buf().unwrap().len(), 1 << 20);
        reader.consume(300 * 1024);
        assert_eq!(reader.bytes_read(), 300 * 1024);
        cancel.cancel();
        assert!(reader.fill_buf().is_err(), "a cancelled read fails");
    }
}
