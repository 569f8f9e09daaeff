//! Where "now" comes from. Domain code takes the time as an argument; the jobs
//! thread and the request handlers that make timed decisions (automatic
//! assignment) ask a [`Clock`]. Production uses [`SystemClock`]; tests build the
//! app with a [`ManualClock`] and move it by hand, so a test of "the shift
//! starts at 08:00" never sleeps.

use jiff::Timestamp;
use std::sync::Mutex;
use std::time::Duration;

/// A source of the current instant, shared by the request handlers and the
/// jobs thread.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// How long the jobs thread may sleep in real time before `until` comes, or
    /// `None` when this clock does not move by itself (a [`ManualClock`]: the
    /// thread then waits for a nudge).
    fn real_wait(&self, until: Timestamp) -> Option<Duration>;

    /// The current instant as UTC Unix milliseconds, the unit the store keeps.
    fn now_ms(&self) -> i64 {
        self.now().as_millisecond()
    }
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn real_wait(&self, until: Timestamp) -> Option<Duration> {
        let ms = until.as_millisecond().saturating_sub(self.now_ms()).max(0);
        Some(Duration::from_millis(ms as u64))
    }
}

/// A clock that only moves when told to: tests set it to "Monday 07:59 in
/// Berlin", file a ticket, advance it a minute and run a jobs pass.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Timestamp>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// Sets the time (it may go backwards, like a corrected system clock).
    pub fn set(&self, to: Timestamp) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        *now = crate::domain::zone::plus_ms(*now, ms);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn real_wait(&self, _until: Timestamp) -> Option<Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start: Timestamp = "2026-11-30T07:59:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(60));
        assert_eq!(clock.now_ms(), start.as_millisecond() + 60_000);
        assert_eq!(
            clock.real_wait(start),
            None,
            "it never wakes anyone by itself"
        );
    }

    #[test]
    fn the_system_clock_waits_until_a_future_instant_and_not_for_a_past_one() {
        let c = SystemClock;
        assert_eq!(c.real_wait(Timestamp::UNIX_EPOCH), Some(Duration::ZERO));
        let later = crate::domain::zone::plus_ms(c.now(), 60_000);
        assert!(c
            .real_wait(later)
            .is_some_and(|d| d > Duration::from_secs(50)));
    }
}
