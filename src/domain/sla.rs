//! SLA clocks: how much of a ticket's business-time allowance is used, when it is
//! due, and whether it is on track, at risk or breached.
//!
//! # Model
//! Each ticket has two [`SlaClock`]s, first response and resolution, each against
//! a target in business minutes ([`super::sla_targets`]). A clock holds the
//! business time used so far and whether it is running (since an instant),
//! paused or stopped. Business time is counted by [`super::business_time`], so a
//! clock running overnight or over a holiday uses nothing.
//!
//! The help desk moves the clocks on ticket events; every function is pure and
//! returns the new clock, and does nothing when the move does not apply (pausing a
//! paused clock), so callers need not branch:
//!
//! | event                                | first response    | resolution        |
//! |--------------------------------------|-------------------|-------------------|
//! | ticket created                       | [`SlaClock::start`] | [`SlaClock::start`] |
//! | put on hold (waiting on requester)   | `pause`           | `pause`           |
//! | taken off hold                       | `resume`          | `resume`          |
//! | first public reply by staff          | `stop`            |                   |
//! | resolved or closed                   | `stop`            | `stop`            |
//! | reopened                             |                   | `resume`          |
//! | priority changed                     | `retarget`        | `retarget`        |
//! | due date set by hand                 |                   | `override_due`    |
//!
//! Reopening resumes the resolution clock with the time it had used: a reopened
//! ticket gets no fresh allowance, and one resolved late stays breached.
//! A priority change keeps the time used and measures it against the new target,
//! so a ticket raised to urgent after two hours is at once breached on a 1 h
//! first-response target, and the due time moves back accordingly.
//!
//! [`SlaClock::state`]: breached once used time reaches the target (the due
//! instant itself is late), at risk from 80 % used, otherwise on track; a clock
//! stopped before its target is met. A due date set by hand is an absolute
//! instant: pauses do not move it, and the state compares now with it (at risk
//! in its last 20 % of the target's business time).

use super::business_time::{add_business_ms, business_ms_between, BusinessCalendar};
use jiff::tz::TimeZone;
use jiff::Timestamp;

const MINUTE_MS: i64 = 60_000;

/// Whether a clock is counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// Counting business time since `since` (on top of `used_ms`).
    Running { since: Timestamp },
    /// On hold; `used_ms` is all there is.
    Paused,
    /// Done at `at`: replied to, or resolved.
    Stopped { at: Timestamp },
}

/// Where a clock stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    OnTrack,
    /// 80 % or more of the target used.
    AtRisk,
    /// The target is used up (or the manual due instant has passed).
    Breached,
    /// Stopped in time.
    Met,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::OnTrack => "on_track",
            SlaState::AtRisk => "at_risk",
            SlaState::Breached => "breached",
            SlaState::Met => "met",
        }
    }
}

/// One SLA clock; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaClock {
    /// The allowance in business minutes.
    pub target_minutes: i64,
    /// Business milliseconds used before the current run (all of it unless running).
    pub used_ms: i64,
    pub run: Run,
    /// A due instant set by hand, replacing the computed one.
    pub due_override: Option<Timestamp>,
}

impl SlaClock {
    /// A new clock running from `now` with nothing used.
    pub fn start(target_minutes: i64, now: Timestamp) -> SlaClock {
        SlaClock {
            target_minutes,
            used_ms: 0,
            run: Run::Running { since: now },
            due_override: None,
        }
    }

    /// Business milliseconds used by `now`.
    pub fn used_ms_at(&self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> i64 {
        match self.run {
            Run::Running { since } => {
                self.used_ms + business_ms_between(cal, tz, since, now).max(0)
            }
            Run::Paused | Run::Stopped { .. } => self.used_ms,
        }
    }

    /// Folds the current run into `used_ms`, as of `now`.
    fn settled(self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> SlaClock {
        SlaClock {
            used_ms: self.used_ms_at(cal, tz, now),
            ..self
        }
    }

    /// On hold: stops counting, keeps what was used.
    pub fn pause(self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> SlaClock {
        match self.run {
            Run::Running { .. } => SlaClock {
                run: Run::Paused,
                ..self.settled(cal, tz, now)
            },
            _ => self,
        }
    }

    /// Counts again from `now`: off hold, or (for resolution) reopened. A
    /// running clock is left alone.
    pub fn resume(self, now: Timestamp) -> SlaClock {
        match self.run {
            Run::Running { .. } => self,
            Run::Paused | Run::Stopped { .. } => SlaClock {
                run: Run::Running { since: now },
                ..self
            },
        }
    }

    /// Done at `now` (first reply, or resolution). A stopped clock keeps its
    /// first stop.
    pub fn stop(self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> SlaClock {
        match self.run {
            Run::Stopped { .. } => self,
            _ => SlaClock {
                run: Run::Stopped { at: now },
                ..self.settled(cal, tz, now)
            },
        }
    }

    /// A new target (the priority changed), keeping the time used.
    pub fn retarget(
        self,
        cal: &BusinessCalendar,
        tz: &TimeZone,
        target_minutes: i64,
        now: Timestamp,
    ) -> SlaClock {
        let mut c = self.settled(cal, tz, now);
        if let Run::Running { .. } = c.run {
            c.run = Run::Running { since: now };
        }
        SlaClock {
            target_minutes,
            ..c
        }
    }

    /// Sets (or with `None` clears) a due instant by hand.
    pub fn override_due(self, due: Option<Timestamp>) -> SlaClock {
        SlaClock {
            due_override: due,
            ..self
        }
    }

    fn target_ms(&self) -> i64 {
        self.target_minutes.saturating_mul(MINUTE_MS)
    }

    /// When the target is used up: the override if set, else computed from a
    /// running clock (in the past if already breached). `None` while paused or
    /// stopped, when no instant is coming.
    pub fn due(&self, cal: &BusinessCalendar, tz: &TimeZone) -> Option<Timestamp> {
        match (self.run, self.due_override) {
            (Run::Stopped { .. }, _) => None,
            (_, Some(due)) => Some(due),
            (Run::Running { since }, None) => Some(add_business_ms(
                cal,
                tz,
                since,
                self.target_ms() - self.used_ms,
            )),
            (Run::Paused, None) => None,
        }
    }

    /// When a running clock reaches 80 % of its target, for the jobs thread's
    /// warning; `None` if it is not running or already past it.
    pub fn at_risk_at(&self, cal: &BusinessCalendar, tz: &TimeZone) -> Option<Timestamp> {
        let Run::Running { since } = self.run else {
            return None;
        };
        if let Some(due) = self.due_override {
            return Some(add_business_ms(cal, tz, due, -self.target_ms() / 5))
                .filter(|t| *t > since);
        }
        let left = self.target_ms() * 4 / 5 - self.used_ms;
        (left > 0).then(|| add_business_ms(cal, tz, since, left))
    }

    /// Where the clock stands at `now`.
    pub fn state(&self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> SlaState {
        let (target, used) = (self.target_ms(), self.used_ms_at(cal, tz, now));
        let stopped_at = match self.run {
            Run::Stopped { at } => Some(at),
            _ => None,
        };
        if let Some(due) = self.due_override {
            let at = stopped_at.unwrap_or(now);
            return match stopped_at {
                _ if at >= due => SlaState::Breached,
                Some(_) => SlaState::Met,
                None if business_ms_between(cal, tz, now, due) * 5 <= target => SlaState::AtRisk,
                None => SlaState::OnTrack,
            };
        }
        match stopped_at {
            _ if used >= target => SlaState::Breached,
            Some(_) => SlaState::Met,
            None if used * 5 >= target * 4 => SlaState::AtRisk,
            None => SlaState::OnTrack,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::zone::{instant_of, parse_time_zone};
    use super::*;

    /// The default office calendar in Berlin, and local wall-clock times there.
    fn desk() -> (BusinessCalendar, TimeZone) {
        (
            BusinessCalendar::office(),
            parse_time_zone("Europe/Berlin").unwrap(),
        )
    }

    fn at(tz: &TimeZone, s: &str) -> Timestamp {
        instant_of(tz, s.parse().unwrap())
    }

    #[test]
    fn a_running_clock_is_on_track_then_at_risk_then_breached_at_its_due_time() {
        let (cal, tz) = desk();
        let c = SlaClock::start(60, at(&tz, "2026-11-30T08:00"));
        assert_eq!(c.due(&cal, &tz), Some(at(&tz, "2026-11-30T09:00")));
        assert_eq!(c.at_risk_at(&cal, &tz), Some(at(&tz, "2026-11-30T08:48")));
        for (now, state) in [
            ("2026-11-30T08:47", SlaState::OnTrack),
            ("2026-11-30T08:48", SlaState::AtRisk),
            ("2026-11-30T09:00", SlaState::Breached),
        ] {
            assert_eq!(c.state(&cal, &tz, at(&tz, now)), state, "{now}");
        }
    }

    #[test]
    fn a_clock_counts_only_business_time() {
        let (cal, tz) = desk();
        let c = SlaClock::start(60, at(&tz, "2026-11-27T16:30"));
        assert_eq!(c.due(&cal, &tz), Some(at(&tz, "2026-11-30T08:30")));
        let saturday = at(&tz, "2026-11-28T12:00");
        assert_eq!(c.used_ms_at(&cal, &tz, saturday), 30 * 60_000);
        assert_eq!(c.state(&cal, &tz, saturday), SlaState::OnTrack);
    }

    #[test]
    fn on_hold_pauses_the_clock_and_keeps_the_time_used() {
        let (cal, tz) = desk();
        let c = SlaClock::start(240, at(&tz, "2026-11-30T08:00"));
        let held = c.pause(&cal, &tz, at(&tz, "2026-11-30T09:00"));
        assert_eq!(held.used_ms, 60 * 60_000);
        assert_eq!(held.due(&cal, &tz), None, "no due time while on hold");
        let later = at(&tz, "2026-12-04T16:00");
        assert_eq!(
            held.state(&cal, &tz, later),
            SlaState::OnTrack,
            "time on hold is not counted"
        );
        assert_eq!(
            held.pause(&cal, &tz, later),
            held,
            "pausing twice changes nothing"
        );
        let back = held.resume(at(&tz, "2026-12-01T08:00"));
        assert_eq!(back.due(&cal, &tz), Some(at(&tz, "2026-12-01T11:00")));
        assert_eq!(
            back.resume(later),
            back,
            "resuming a running clock changes nothing"
        );
    }

    #[test]
    fn a_priority_change_measures_the_time_used_against_the_new_target() {
        let (cal, tz) = desk();
        let c = SlaClock::start(480, at(&tz, "2026-11-30T08:00"));
        let ten = at(&tz, "2026-11-30T10:00");
        let urgent = c.retarget(&cal, &tz, 60, ten);
        assert_eq!(urgent.state(&cal, &tz, ten), SlaState::Breached);
        assert_eq!(
            urgent.due(&cal, &tz),
            Some(at(&tz, "2026-11-30T09:00")),
            "in the past"
        );
        let high = c.retarget(&cal, &tz, 240, ten);
        assert_eq!(high.due(&cal, &tz), Some(at(&tz, "2026-11-30T12:00")));
        assert_eq!(high.state(&cal, &tz, ten), SlaState::OnTrack);
        let held = c.pause(&cal, &tz, ten).retarget(&cal, &tz, 60, ten);
        assert_eq!(held.run, Run::Paused, "a paused clock stays paused");
    }

    #[test]
    fn stopping_in_time_is_met_and_reopening_resumes_with_the_time_used() {
        let (cal, tz) = desk();
        let c = SlaClock::start(240, at(&tz, "2026-11-30T08:00"));
        let resolved = c.stop(&cal, &tz, at(&tz, "2026-11-30T10:00"));
        let next_week = at(&tz, "2026-12-07T10:00");
        assert_eq!(resolved.state(&cal, &tz, next_week), SlaState::Met);
        assert_eq!(resolved.due(&cal, &tz), None);
        assert_eq!(
            resolved.stop(&cal, &tz, next_week),
            resolved,
            "the first stop counts"
        );
        let reopened = resolved.resume(at(&tz, "2026-12-02T08:00"));
        assert_eq!(reopened.due(&cal, &tz), Some(at(&tz, "2026-12-02T10:00")));
        let late = c.stop(&cal, &tz, at(&tz, "2026-11-30T12:00"));
        assert_eq!(late.state(&cal, &tz, next_week), SlaState::Breached);
    }

    #[test]
    fn a_due_time_set_by_hand_is_fixed_through_pauses() {
        let (cal, tz) = desk();
        let due = at(&tz, "2026-12-01T12:00");
        let c = SlaClock::start(240, at(&tz, "2026-11-30T08:00")).override_due(Some(due));
        assert_eq!(c.due(&cal, &tz), Some(due));
        let held = c.pause(&cal, &tz, at(&tz, "2026-11-30T09:00"));
        assert_eq!(held.due(&cal, &tz), Some(due));
        assert_eq!(
            c.state(&cal, &tz, at(&tz, "2026-12-01T08:00")),
            SlaState::OnTrack
        );
        assert_eq!(
            c.state(&cal, &tz, at(&tz, "2026-12-01T11:12")),
            SlaState::AtRisk
        );
        assert_eq!(held.state(&cal, &tz, due), SlaState::Breached);
        assert_eq!(c.at_risk_at(&cal, &tz), Some(at(&tz, "2026-12-01T11:12")));
        let met = c.stop(&cal, &tz, at(&tz, "2026-12-01T11:59"));
        assert_eq!(
            met.state(&cal, &tz, at(&tz, "2026-12-02T08:00")),
            SlaState::Met
        );
        assert_eq!(
            c.override_due(None).due(&cal, &tz),
            Some(at(&tz, "2026-11-30T12:00"))
        );
    }
}
