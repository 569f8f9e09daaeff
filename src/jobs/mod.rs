//! The jobs thread: the one place for timed work nobody asked for in a request,
//! such as assigning tickets that wait for an agent when a shift starts, SLA
//! marks, and sending the e-mail outbox (on a second thread of the same kind,
//! see [`mail`]). It is a single background thread,
//! never a worker and never a timer per ticket; it acts as the system actor
//! ([`crate::domain::Actor::system`]), so history shows the help desk.
//!
//! # How it runs
//! [`Jobs::start`] spawns the thread with a list of [`Job`]s and a [`Clock`].
//! Each pass runs every job whose due time has come (all of them when nudged);
//! a job answers when it wants to run next. Between passes the thread sleeps on
//! a condition variable until the earliest due time, at most [`MAX_SLEEP`] (a
//! safety net for changes nobody nudged about), or until [`Jobs::nudge`] wakes it:
//! request handlers nudge after a change that may make work due (a ticket starts
//! waiting, someone switches to Available, a ticket is resolved).
//! A job that fails or panics is logged and retried after [`RETRY_AFTER`]; the
//! thread lives on. [`Jobs::shutdown`] stops and joins it (the app does so when
//! the server stops, and on drop).
//!
//! # Adding a job
//! 1. Write a type implementing [`Job`] in its own file here (`jobs/sla.rs`). It
//!    owns what it needs (a [`Db`](crate::store::Db) clone, settings) and does its
//!    work in [`Job::run`] with the `now` it is given, never reading a clock.
//! 2. Return `Ok(Some(t))` to run again at `t`, `Ok(None)` to run only when
//!    nudged (or after [`MAX_SLEEP`]), `Err` to be retried after [`RETRY_AFTER`].
//!    Keep each run short: it holds the write lock while it writes.
//! 3. Add it to the list in `api::App::build` (`jobs::standard_jobs`), and nudge
//!    from the handlers whose changes make it due.
//!
//! # Tests
//! Build the app with a [`ManualClock`] (`App::with_clock`); move the clock, then
//! call [`Jobs::run_pass`], which nudges the thread and waits until it finished a
//! whole pass that started after the call: no sleeping, no polling.

pub mod assign;
mod clock;
pub mod mail;
pub mod sla;

pub use clock::{Clock, ManualClock, SystemClock};

use crate::store::StoreError;
use jiff::Timestamp;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// Longest real sleep between passes, even when no job is due.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);
/// How long after a failure a job runs again.
pub const RETRY_AFTER: Duration = Duration::from_secs(30);

/// Why a job's run failed; logged, then the job is retried.
#[derive(Debug)]
pub enum JobError {
    /// The database refused (busy past its timeout, disk full, a corrupt row).
    Store(StoreError),
    /// Anything else, in words.
    Other(String),
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Store(e) => write!(f, "store: {e}"),
            JobError::Other(m) => f.write_str(m),
        }
    }
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> JobError {
        JobError::Store(e)
    }
}

impl From<rusqlite::Error> for JobError {
    fn from(e: rusqlite::Error) -> JobError {
        JobError::Store(e.into())
    }
}

/// One kind of timed work.
pub trait Job: Send {
    /// A short name for the log ("assign waiting tickets").
    fn name(&self) -> &'static str;

    /// Does what is due at `now`; answers when to run next (`None`: when nudged).
    fn run(&mut self, now: Timestamp) -> Result<Option<Timestamp>, JobError>;
}

/// What the thread and its handles share.
struct Shared {
    flags: Mutex<Flags>,
    /// Wakes the thread: a nudge or shutdown.
    wake: Condvar,
    /// Wakes waiters of [`Jobs::run_pass`]: a pass finished.
    passed: Condvar,
}

#[derive(Default)]
struct Flags {
    /// Nudges asked for so far, and the last one a finished pass served.
    asked: u64,
    served: u64,
    stop: bool,
}

impl Shared {
    fn flags(&self) -> MutexGuard<'_, Flags> {
        // Nothing inside can be left half-changed by a panic: plain counters.
        self.flags.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Inner {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        stop_and_join(&self.shared, &self.thread);
    }
}

/// A handle on the jobs thread; clones share it. The thread stops when
/// [`Jobs::shutdown`] is called or the last handle is dropped.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

impl Jobs {
    /// Starts the thread with `jobs`, all due at once.
    pub fn start(jobs: Vec<Box<dyn Job>>, clock: Arc<dyn Clock>) -> std::io::Result<Jobs> {
        Jobs::start_named("jobs", jobs, clock)
    }

    /// [`Jobs::start`] on a thread of its own name: the mail thread runs apart,
    /// so a relay that hangs until its timeout delays no assignment or SLA mark.
    pub fn start_named(
        name: &str,
        jobs: Vec<Box<dyn Job>>,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<Jobs> {
        let shared = Arc::new(Shared {
            flags: Mutex::new(Flags::default()),
            wake: Condvar::new(),
            passed: Condvar::new(),
        });
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(name.into())
                .spawn(move || run_thread(&shared, jobs, clock.as_ref()))?
        };
        Ok(Jobs {
            inner: Arc::new(Inner {
                shared,
                thread: Mutex::new(Some(thread)),
            }),
        })
    }

    /// Something changed that may make work due: run every job soon.
    pub fn nudge(&self) {
        let shared = &self.inner.shared;
        shared.flags().asked += 1;
        shared.wake.notify_all();
    }

    /// Nudges and waits until a whole pass that started after this call has
    /// finished; false when `limit` passed first or the thread has stopped.
    /// For tests and for callers that must see the jobs' effect.
    pub fn run_pass(&self, limit: Duration) -> bool {
        let shared = &self.inner.shared;
        let mut flags = shared.flags();
        flags.asked += 1;
        shared.wake.notify_all();
        let wanted = flags.asked;
        wait_served(shared, flags, wanted, limit)
    }

    /// Waits, without nudging, until every nudge asked so far has been served
    /// by a whole pass; false when `limit` passed first or the thread stopped.
    /// Tests use it to see that a request nudged: with a [`ManualClock`] the
    /// thread runs only when nudged, so after a request that should have woken
    /// it, this returns once its pass is done, and at once when nothing asked.
    pub fn settle(&self, limit: Duration) -> bool {
        let shared = &self.inner.shared;
        let flags = shared.flags();
        let wanted = flags.asked;
        wait_served(shared, flags, wanted, limit)
    }

    /// Stops the thread after the job it is running, and waits for it.
    pub fn shutdown(&self) {
        stop_and_join(&self.inner.shared, &self.inner.thread);
    }
}

/// Waits until the pass serving nudge `wanted` has finished.
fn wait_served(
    shared: &Shared,
    mut flags: MutexGuard<'_, Flags>,
    wanted: u64,
    limit: Duration,
) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while flags.served < wanted && !flags.stop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return false;
        }
        flags = match shared.passed.wait_timeout(flags, left) {
            Ok((f, _)) => f,
            Err(e) => e.into_inner().0,
        };
    }
    flags.served >= wanted
}

fn stop_and_join(shared: &Shared, thread: &Mutex<Option<JoinHandle<()>>>) {
    shared.flags().stop = true;
    shared.wake.notify_all();
    shared.passed.notify_all();
    let handle = thread.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(handle) = handle {
        if handle.join().is_err() {
            log::error!("the jobs thread panicked outside a job");
        }
    }
}

/// One job and when it is due.
struct Slot {
    job: Box<dyn Job>,
    due: Option<Timestamp>,
}

fn run_thread(shared: &Shared, jobs: Vec<Box<dyn Job>>, clock: &dyn Clock) {
    let mut slots: Vec<Slot> = jobs
        .into_iter()
        .map(|job| Slot {
            job,
            due: Some(Timestamp::MIN),
        })
        .collect();
    log::info!("jobs thread started with {} job(s)", slots.len());
    let mut served = 0;
    loop {
        let asked = {
            let mut flags = shared.flags();
            loop {
                if flags.stop {
                    log::info!("jobs thread stopped");
                    return;
                }
                let now = clock.now();
                let due_now = slots.iter().any(|s| s.due.is_some_and(|d| d <= now));
                if flags.asked > served || due_now {
                    break flags.asked;
                }
                let earliest = slots.iter().filter_map(|s| s.due).min();
                let sleep = earliest
                    .and_then(|t| clock.real_wait(t))
                    .unwrap_or(MAX_SLEEP)
                    .min(MAX_SLEEP);
                flags = match shared.wake.wait_timeout(flags, sleep) {
                    Ok((f, _)) => f,
                    Err(e) => e.into_inner().0,
                };
            }
        };
        let nudged = asked > served;
        for slot in &mut slots {
            let now = clock.now();
            if nudged || slot.due.is_some_and(|d| d <= now) {
                slot.due = run_one(slot.job.as_mut(), now);
            }
        }
        served = asked;
        shared.flags().served = served;
        shared.passed.notify_all();
    }
}

/// Runs one job, turning a failure or a panic into a retry.
fn run_one(job: &mut dyn Job, now: Timestamp) -> Option<Timestamp> {
    let retry = crate::domain::zone::plus_ms(now, RETRY_AFTER.as_millis() as i64);
    match catch_unwind(AssertUnwindSafe(|| job.run(now))) {
        Ok(Ok(next)) => next,
        Ok(Err(e)) => {
            log::warn!(
                "job {:?} failed, retrying in {RETRY_AFTER:?}: {e}",
                job.name()
            );
            Some(retry)
        }
        Err(_) => {
            log::error!("job {:?} panicked, retrying in {RETRY_AFTER:?}", job.name());
            Some(retry)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        runs: Arc<AtomicUsize>,
        fail_first: bool,
    }

    impl Job for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }
        fn run(&mut self, _now: Timestamp) -> Result<Option<Timestamp>, JobError> {
            let n = self.runs.fetch_add(1, Ordering::SeqCst);
            if self.fail_first && n == 0 {
                return Err(JobError::Other("first run fails".into()));
            }
            if self.fail_first && n == 1 {
                panic!("second run panics");
            }
            Ok(None)
        }
    }

    fn clock() -> Arc<ManualClock> {
        Arc::new(ManualClock::new("2026-11-30T08:00:00Z".parse().unwrap()))
    }

    #[test]
    fn a_pass_runs_every_job_when_nudged_and_the_thread_stops_on_shutdown() {
        let runs = Arc::new(AtomicUsize::new(0));
        let job = Counting {
            runs: Arc::clone(&runs),
            fail_first: false,
        };
        let jobs = Jobs::start(vec![Box::new(job)], clock()).unwrap();
        assert!(jobs.run_pass(Duration::from_secs(10)));
        let after_first = runs.load(Ordering::SeqCst);
        assert!(after_first >= 1);
        assert!(jobs.run_pass(Duration::from_secs(10)));
        assert!(runs.load(Ordering::SeqCst) > after_first);
        jobs.shutdown();
        assert!(
            !jobs.run_pass(Duration::from_secs(1)),
            "a stopped thread runs nothing"
        );
    }

    #[test]
    fn a_failing_or_panicking_job_is_retried_and_the_thread_lives_on() {
        let runs = Arc::new(AtomicUsize::new(0));
        let job = Counting {
            runs: Arc::clone(&runs),
            fail_first: true,
        };
        let jobs = Jobs::start(vec![Box::new(job)], clock()).unwrap();
        for _ in 0..3 {
            assert!(jobs.run_pass(Duration::from_secs(10)));
        }
        assert!(
            runs.load(Ordering::SeqCst) >= 3,
            "ran after an error and a panic"
        );
    }
}
