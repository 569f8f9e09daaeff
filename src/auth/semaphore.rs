//! A counting semaphore (a `Mutex` counter and a `Condvar`) that bounds how many
//! password hashes run at once.
//!
//! # Security
//! Each Argon2id hash takes 19 MiB and tens of milliseconds of a core. Without a
//! bound, a flood of sign-ins would take every worker and a lot of memory; with
//! one, excess sign-ins queue here while other requests keep being served.
//! The wait is bounded too ([`Semaphore::try_acquire`]): a sign-in that would
//! queue behind too many others, or wait too long, is turned away with "busy", so
//! a flood of sign-ins from many addresses (which per-address throttling does not
//! catch) cannot park every worker thread here.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub struct Semaphore {
    state: Mutex<Counts>,
    freed: Condvar,
}

struct Counts {
    available: usize,
    waiting: usize,
}

/// Holds one permit; gives it back on drop.
pub struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    pub const fn new(permits: usize) -> Semaphore {
        Semaphore {
            state: Mutex::new(Counts {
                available: permits,
                waiting: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Waits for a permit, however long it takes.
    pub fn acquire(&self) -> Permit<'_> {
        let mut counts = self.lock();
        while counts.available == 0 {
            counts = self.freed.wait(counts).unwrap_or_else(|p| p.into_inner());
        }
        counts.available -= 1;
        Permit(self)
    }

    /// Waits for a permit, but answers `None` at once when `max_waiting` others
    /// are already waiting, and `None` after `patience` if no permit came free.
    pub fn try_acquire(&self, max_waiting: usize, patience: Duration) -> Option<Permit<'_>> {
        let deadline = Instant::now() + patience;
        let mut counts = self.lock();
        if counts.available == 0 && counts.waiting >= max_waiting {
            return None;
        }
        counts.waiting += 1;
        while counts.available == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                counts.waiting -= 1;
                return None;
            }
            counts = match self.freed.wait_timeout(counts, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        counts.waiting -= 1;
        counts.available -= 1;
        Some(Permit(self))
    }

    /// A poisoned lock only means another holder panicked; the counts are intact.
    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut counts = self.0.lock();
        counts.available += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn no_more_than_the_permits_run_at_once() {
        static SEM: Semaphore = Semaphore::new(2);
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    let _p = SEM.acquire();
                    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    PEAK.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(PEAK.load(Ordering::SeqCst) <= 2);
    }

    #[test]
    fn a_full_waiting_line_turns_newcomers_away_at_once() {
        static SEM: Semaphore = Semaphore::new(1);
        let long = Duration::from_secs(60);
        let held = SEM.acquire();
        let waiter = std::thread::spawn(move || SEM.try_acquire(1, long).is_some());
        // Let the waiter join the line.
        while SEM.lock().waiting == 0 {
            std::thread::yield_now();
        }
        assert!(
            SEM.try_acquire(1, long).is_none(),
            "a second waiter is refused"
        );
        drop(held);
        assert!(waiter.join().unwrap(), "the one in line gets the permit");
        assert!(
            SEM.try_acquire(1, long).is_some(),
            "a free permit is taken at once"
        );
    }

    #[test]
    fn a_waiter_gives_up_after_its_patience() {
        static SEM: Semaphore = Semaphore::new(1);
        let _held = SEM.acquire();
        assert!(SEM.try_acquire(8, Duration::from_millis(20)).is_none());
        assert_eq!(SEM.lock().waiting, 0, "the one who gave up left the line");
    }
}
