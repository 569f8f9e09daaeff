//! A counting semaphore (a `Mutex` counter and a `Condvar`) that bounds how many
//! password hashes run at once.
//!
//! # Security
//! Each Argon2id hash takes 19 MiB and tens of milliseconds of a core. Without a
//! bound, a flood of sign-ins would take every worker and a lot of memory; with
//! one, excess sign-ins queue here while other requests keep being served.

use std::sync::{Condvar, Mutex};

pub struct Semaphore {
    available: Mutex<usize>,
    freed: Condvar,
}

/// Holds one permit; gives it back on drop.
pub struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    pub const fn new(permits: usize) -> Semaphore {
        Semaphore {
            available: Mutex::new(permits),
            freed: Condvar::new(),
        }
    }

    /// Waits for a permit.
    pub fn acquire(&self) -> Permit<'_> {
        // A poisoned lock only means another holder panicked; the count is intact.
        let mut n = self.available.lock().unwrap_or_else(|p| p.into_inner());
        while *n == 0 {
            n = self.freed.wait(n).unwrap_or_else(|p| p.into_inner());
        }
        *n -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut n = self.0.available.lock().unwrap_or_else(|p| p.into_inner());
        *n += 1;
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
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(PEAK.load(Ordering::SeqCst) <= 2);
    }
}
