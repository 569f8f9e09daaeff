//! The one way a request hashes a password: [`Hasher`] bounds how many requests
//! hash or wait to hash, and lends each hash a reused block of memory.
//!
//! A sign-in, registration, password change or organization creation asks the
//! hasher (`state.hasher`); it takes a permit from its [`Semaphore`], borrows one
//! of its memory buffers, runs [`super::password`] in it, and gives both back.
//!
//! # Security
//! - **Workers.** A request waiting here holds a worker thread. At most
//!   `workers - 1` requests hash or wait at once ([`Hasher::new`]); the next one
//!   is told `busy` (503 with `Retry-After`) at once, so however many sign-ins
//!   arrive, at least one worker is always free for everything else.
//! - **Memory.** At most [`CONCURRENT_HASHES`] hashes run at once, each in a
//!   19 MiB buffer that is allocated on first use and then kept and reused, so
//!   hashing costs at most `CONCURRENT_HASHES x 19 MiB` (38 MiB) for the life of
//!   the process, whatever the traffic. An idle server that never hashed has
//!   allocated none of it.

use super::password::{self, HashError};
use super::semaphore::Semaphore;
use crate::domain::Password;
use argon2::Block;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Hashes allowed to run at once: each takes a core for tens of milliseconds and
/// 19 MiB, so two keep memory under 40 MiB and leave the CPU to other requests.
pub const CONCURRENT_HASHES: usize = 2;

/// How long a request waits for a hashing slot before it is told to retry.
pub const HASH_PATIENCE: Duration = Duration::from_secs(5);

/// Bounded, memory-reusing password hashing for one running instance.
pub struct Hasher {
    permits: Semaphore,
    concurrent: usize,
    max_waiting: usize,
    /// Buffers not lent out. Never more than `concurrent` exist, because a
    /// buffer is only taken while holding one of `concurrent` permits.
    spare: Mutex<Vec<Vec<Block>>>,
    dummy: OnceLock<String>,
}

impl Hasher {
    /// A hasher for a server with `workers` worker threads: `workers - 1` may
    /// hash or wait (at least one, so a one-worker server can still sign in),
    /// of which at most [`CONCURRENT_HASHES`] hash.
    pub fn new(workers: usize) -> Hasher {
        let slots = workers.saturating_sub(1).max(1);
        let concurrent = slots.min(CONCURRENT_HASHES);
        Hasher {
            permits: Semaphore::new(concurrent),
            concurrent,
            max_waiting: slots - concurrent,
            spare: Mutex::new(Vec::new()),
            dummy: OnceLock::new(),
        }
    }

    /// Requests that may hash or wait at once; the next one is busy.
    pub fn capacity(&self) -> usize {
        self.concurrent + self.max_waiting
    }

    /// The PHC string for a new password.
    pub fn hash(&self, password: &Password) -> Result<String, HashError> {
        self.with_memory(|m| password::hash_in(password, m))
    }

    /// Whether `candidate` matches the stored PHC string.
    pub fn verify(&self, candidate: &str, phc: &str) -> Result<bool, HashError> {
        self.with_memory(|m| password::verify_in(candidate, phc, m))
    }

    /// Spends the same effort as [`Hasher::verify`] for an account that does
    /// not exist, so the answer takes as long as for a real account.
    pub fn verify_unknown(&self, candidate: &str) -> Result<(), HashError> {
        let dummy = match self.dummy.get() {
            Some(d) => d,
            None => {
                let random = Password::try_from(super::random_token().as_str())
                    .map_err(HashError::Failed)?;
                let phc = self.hash(&random)?;
                self.dummy.get_or_init(|| phc)
            }
        };
        self.verify(candidate, dummy).map(|_| ())
    }

    /// Runs `work` holding a permit and a memory buffer, or answers busy.
    fn with_memory<T>(
        &self,
        work: impl FnOnce(&mut [Block]) -> Result<T, HashError>,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .try_acquire(self.max_waiting, HASH_PATIENCE)
            .ok_or(HashError::Busy)?;
        let mut memory = self.lock_spare().pop().unwrap_or_else(password::new_blocks);
        let result = work(&mut memory);
        self.lock_spare().push(memory);
        result
    }

    /// A poisoned lock only means a holder panicked; the list is intact.
    fn lock_spare(&self) -> std::sync::MutexGuard<'_, Vec<Vec<Block>>> {
        self.spare.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Buffers allocated so far (for tests: never more than the permits).
    pub fn buffers(&self) -> usize {
        self.lock_spare().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_worker_is_never_given_to_hashing() {
        assert_eq!(Hasher::new(4).capacity(), 3);
        assert_eq!(Hasher::new(16).capacity(), 15);
        assert_eq!(Hasher::new(2).capacity(), 1);
        assert_eq!(Hasher::new(1).capacity(), 1, "one worker can still sign in");
    }

    #[test]
    fn hashes_reuse_at_most_one_buffer_per_concurrent_hash() {
        let hasher = std::sync::Arc::new(Hasher::new(8));
        let p = Password::try_from("correct horse battery").unwrap();
        let phc = hasher.hash(&p).unwrap();
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (hasher, phc) = (hasher.clone(), phc.clone());
                std::thread::spawn(move || hasher.verify("correct horse battery", &phc))
            })
            .collect();
        for t in threads {
            assert!(t.join().unwrap().unwrap());
        }
        assert!(
            hasher.buffers() <= CONCURRENT_HASHES,
            "{}",
            hasher.buffers()
        );
    }
}
