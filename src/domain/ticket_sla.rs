//! A ticket's SLA: its two [`SlaClock`]s (first response, resolution), which
//! marks (warning, breach) have already fired, and what the store keeps beside
//! them so the queue can sort and filter and the jobs thread can find work
//! without reading every ticket.
//!
//! # Ticket events
//! [`TicketSla::on_status`], [`TicketSla::on_staff_reply`],
//! [`TicketSla::retarget`] and [`TicketSla::override_resolution_due`] apply the
//! table in [`super::sla`] to both clocks. Moving a ticket to a status says all
//! there is to say: on hold pauses whatever runs, resolved or closed stops both,
//! any working status resumes a paused clock and (reopening) a stopped
//! resolution clock. A stopped first-response clock never starts again.
//!
//! # Marks
//! A warning fires when a running clock reaches 80 % of its target, a breach
//! when it reaches its due time; each at most once per clock and ticket, for
//! ever ([`Fired`] is persisted with the clocks). A breach found before its
//! warning fired (the help desk was down through both) fires the breach alone
//! and retires the warning: nobody needs "at risk" about a ticket already late.
//! [`TicketSla::columns`] gives the instants the store indexes: the earliest due
//! time (queue sort, "breached"), the earliest at-risk instant ("at risk"), and
//! the next mark to fire (the jobs thread's `WHERE sla_next_at <= now`).

use super::business_time::{business_ms_between, BusinessCalendar};
use super::business_timeline::Timeline;
use super::sla::{Run, SlaClock, SlaState};
use super::sla_targets::{SlaKind, Target};
use super::ticket::Status;
use super::zone::from_ms;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

/// Which marks have fired: two bits per clock, stored as one integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fired(pub i64);

/// A mark the jobs thread records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Warning,
    Breach,
}

impl Mark {
    /// The history action.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Warning => "sla_warning",
            Mark::Breach => "sla_breached",
        }
    }

    /// The live stream's event name.
    pub fn event_name(self) -> &'static str {
        match self {
            Mark::Warning => "sla.warning",
            Mark::Breach => "sla.breached",
        }
    }
}

impl Fired {
    fn bit(kind: SlaKind, mark: Mark) -> i64 {
        match (kind, mark) {
            (SlaKind::FirstResponse, Mark::Warning) => 1,
            (SlaKind::FirstResponse, Mark::Breach) => 2,
            (SlaKind::Resolution, Mark::Warning) => 4,
            (SlaKind::Resolution, Mark::Breach) => 8,
        }
    }

    pub fn has(self, kind: SlaKind, mark: Mark) -> bool {
        self.0 & Fired::bit(kind, mark) != 0
    }

    pub fn with(self, kind: SlaKind, mark: Mark) -> Fired {
        Fired(self.0 | Fired::bit(kind, mark))
    }

    /// Any breach has fired (the queue's "breached" filter reads this bit mask).
    pub const BREACHES: i64 = 2 | 8;
}

/// Both clocks of one ticket and the marks fired so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketSla {
    pub first_response: SlaClock,
    pub resolution: SlaClock,
    pub fired: Fired,
}

/// What the store keeps beside the clocks, as Unix ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Columns {
    /// The earliest due instant of a running clock (or a hand-set one).
    pub due_at: Option<i64>,
    /// The earliest instant a running clock is at risk.
    pub risk_at: Option<i64>,
    /// When the next unfired mark comes due.
    pub next_at: Option<i64>,
}

/// One clock as the ticket JSON shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockView {
    pub state: SlaState,
    pub due: Option<i64>,
    /// Business milliseconds left before the due time (negative once late); for
    /// a stopped clock, what was left when it stopped.
    pub left_ms: i64,
    pub target_minutes: i64,
    pub paused: bool,
    pub due_set_by_hand: bool,
}

impl ClockView {
    pub fn to_json(&self) -> Value {
        json!({
            "state": self.state.as_str(),
            "due": self.due,
            "business_ms_left": self.left_ms,
            "target_minutes": self.target_minutes,
            "paused": self.paused,
            "due_set_by_hand": self.due_set_by_hand,
        })
    }
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// The instant a running clock is (or was) at risk; a clock already past 80 %
/// when its run began has been at risk since then.
fn risk_at(c: &SlaClock, cal: &BusinessCalendar, tz: &TimeZone) -> Option<Timestamp> {
    let Run::Running { since } = c.run else {
        return None;
    };
    Some(c.at_risk_at(cal, tz).unwrap_or(since))
}

/// The worse of two states, for the ticket as a whole.
fn worse(a: SlaState, b: SlaState) -> SlaState {
    let rank = |s| match s {
        SlaState::Met => 0,
        SlaState::OnTrack => 1,
        SlaState::AtRisk => 2,
        SlaState::Breached => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

impl TicketSla {
    /// Clocks for a ticket created at `now` with `target`.
    pub fn start(target: Target, now: Timestamp) -> TicketSla {
        TicketSla {
            first_response: SlaClock::start(target.first_response, now),
            resolution: SlaClock::start(target.resolution, now),
            fired: Fired::default(),
        }
    }

    fn clocks(&self) -> [(SlaKind, &SlaClock); 2] {
        [
            (SlaKind::FirstResponse, &self.first_response),
            (SlaKind::Resolution, &self.resolution),
        ]
    }

    /// The ticket moved to `to` at `now`.
    pub fn on_status(
        self,
        cal: &BusinessCalendar,
        tz: &TimeZone,
        to: Status,
        now: Timestamp,
    ) -> Self {
        let resume_paused = |c: SlaClock| match c.run {
            Run::Paused => c.resume(now),
            _ => c,
        };
        let (first_response, resolution) = match to {
            Status::OnHold => (
                self.first_response.pause(cal, tz, now),
                match self.resolution.run {
                    Run::Stopped { .. } => SlaClock {
                        run: Run::Paused,
                        ..self.resolution
                    },
                    _ => self.resolution.pause(cal, tz, now),
                },
            ),
            Status::Resolved | Status::Closed => (
                self.first_response.stop(cal, tz, now),
                self.resolution.stop(cal, tz, now),
            ),
            Status::New | Status::Open | Status::InProgress => (
                resume_paused(self.first_response),
                self.resolution.resume(now),
            ),
        };
        TicketSla {
            first_response,
            resolution,
            ..self
        }
    }

    /// Staff answered in public at `now`: the first response is given.
    pub fn on_staff_reply(self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> Self {
        TicketSla {
            first_response: self.first_response.stop(cal, tz, now),
            ..self
        }
    }

    /// New targets (priority or category changed, or an admin changed the
    /// targets or the hours): clocks not yet stopped keep the time they used,
    /// counted up to `now` with `cal`, and are measured against `target`.
    pub fn retarget(
        self,
        cal: &BusinessCalendar,
        tz: &TimeZone,
        target: Target,
        now: Timestamp,
    ) -> Self {
        let re = |c: SlaClock, minutes: i64| match c.run {
            Run::Stopped { .. } => c,
            _ => c.retarget(cal, tz, minutes, now),
        };
        TicketSla {
            first_response: re(self.first_response, target.first_response),
            resolution: re(self.resolution, target.resolution),
            ..self
        }
    }

    /// New targets on the same calendar (an admin changed the targets): the
    /// same as [`TicketSla::retarget`] at any instant, since the time used is
    /// the same counted either way, but without settling the running clock, so
    /// the due time is found by walking forward from the clock's start by at
    /// most the target instead of over all the time already past.
    pub fn with_targets(self, target: Target) -> Self {
        let re = |c: SlaClock, target_minutes: i64| match c.run {
            Run::Stopped { .. } => c,
            _ => SlaClock {
                target_minutes,
                ..c
            },
        };
        TicketSla {
            first_response: re(self.first_response, target.first_response),
            resolution: re(self.resolution, target.resolution),
            ..self
        }
    }

    /// Staff set (or with `None` cleared) the resolution due time by hand.
    pub fn override_resolution_due(self, due: Option<Timestamp>) -> Self {
        TicketSla {
            resolution: self.resolution.override_due(due),
            ..self
        }
    }

    /// The instants the store indexes; see the module docs.
    pub fn columns(&self, cal: &BusinessCalendar, tz: &TimeZone) -> Columns {
        self.columns_on(cal, tz, None)
    }

    /// [`TicketSla::columns`], summing on `timeline` where it can (recomputing
    /// many tickets at once); the answer is the same.
    pub fn columns_on(
        &self,
        cal: &BusinessCalendar,
        tz: &TimeZone,
        timeline: Option<&Timeline>,
    ) -> Columns {
        // Due and at-risk instants of a running clock without a hand-set due
        // time, from the timeline when it answers.
        let quick = |c: &SlaClock| -> Option<(Timestamp, Timestamp)> {
            let (Run::Running { since }, None, Some(tl)) = (c.run, c.due_override, timeline) else {
                return None;
            };
            let target = c.target_minutes.saturating_mul(60_000);
            let due = tl.add_ms(since, target - c.used_ms)?;
            let left = target * 4 / 5 - c.used_ms;
            let risk = if left > 0 {
                tl.add_ms(since, left)?
            } else {
                since
            };
            Some((due, risk))
        };
        let mut out = Columns::default();
        let min = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (kind, c) in self.clocks() {
            let (due, risk) = match quick(c) {
                Some((due, risk)) => (Some(due), Some(risk)),
                None => (
                    match c.run {
                        Run::Running { .. } => c.due(cal, tz),
                        _ => None,
                    },
                    risk_at(c, cal, tz),
                ),
            };
            out.due_at = min(out.due_at, due.map(ms));
            out.risk_at = min(out.risk_at, risk.map(ms));
            let next = if !self.fired.has(kind, Mark::Warning) {
                risk
            } else if !self.fired.has(kind, Mark::Breach) {
                due
            } else {
                None
            };
            out.next_at = min(out.next_at, next.map(ms));
        }
        out
    }

    /// Fires the marks due at `now`: returns the clocks with them recorded and
    /// the marks to announce, at most one per clock.
    pub fn fire_due(
        self,
        cal: &BusinessCalendar,
        tz: &TimeZone,
        now: Timestamp,
    ) -> (TicketSla, Vec<(SlaKind, Mark)>) {
        let mut fired = self.fired;
        let mut marks = Vec::new();
        for (kind, c) in self.clocks() {
            if !matches!(c.run, Run::Running { .. }) {
                continue;
            }
            let breach_due = c.due(cal, tz).is_some_and(|d| d <= now);
            if breach_due && !fired.has(kind, Mark::Breach) {
                fired = fired.with(kind, Mark::Breach).with(kind, Mark::Warning);
                marks.push((kind, Mark::Breach));
            } else if !fired.has(kind, Mark::Warning)
                && risk_at(c, cal, tz).is_some_and(|r| r <= now)
            {
                fired = fired.with(kind, Mark::Warning);
                marks.push((kind, Mark::Warning));
            }
        }
        (TicketSla { fired, ..self }, marks)
    }

    /// One clock as shown at `now`.
    pub fn view(
        &self,
        kind: SlaKind,
        cal: &BusinessCalendar,
        tz: &TimeZone,
        now: Timestamp,
    ) -> ClockView {
        let c = match kind {
            SlaKind::FirstResponse => &self.first_response,
            SlaKind::Resolution => &self.resolution,
        };
        let left_ms = match (c.due_override, c.run) {
            (Some(due), Run::Stopped { at }) => business_ms_between(cal, tz, at, due),
            (Some(due), _) => business_ms_between(cal, tz, now, due),
            (None, _) => c.target_minutes.saturating_mul(60_000) - c.used_ms_at(cal, tz, now),
        };
        ClockView {
            state: c.state(cal, tz, now),
            due: c.due(cal, tz).map(ms),
            left_ms,
            target_minutes: c.target_minutes,
            paused: c.run == Run::Paused,
            due_set_by_hand: c.due_override.is_some(),
        }
    }

    /// The ticket's `sla` object at `now`.
    pub fn to_json(&self, cal: &BusinessCalendar, tz: &TimeZone, now: Timestamp) -> Value {
        let first = self.view(SlaKind::FirstResponse, cal, tz, now);
        let resolution = self.view(SlaKind::Resolution, cal, tz, now);
        json!({
            "state": worse(first.state, resolution.state).as_str(),
            "first_response_due": first.due,
            "resolution_due": resolution.due,
            "first_response": first.to_json(),
            "resolution": resolution.to_json(),
        })
    }
}

/// A clock as stored: `{"t": target minutes, "u": used ms, "run": "running" |
/// "paused" | "stopped", "at": since or stopped-at ms, "due": hand-set ms}`.
pub fn clock_to_json(c: &SlaClock) -> Value {
    let (run, at) = match c.run {
        Run::Running { since } => ("running", Some(ms(since))),
        Run::Paused => ("paused", None),
        Run::Stopped { at } => ("stopped", Some(ms(at))),
    };
    json!({"t": c.target_minutes, "u": c.used_ms, "run": run, "at": at,
           "due": c.due_override.map(ms)})
}

/// The stored form back; `None` when it is not one.
pub fn clock_from_json(v: &Value) -> Option<SlaClock> {
    let at = v.get("at").and_then(Value::as_i64).map(from_ms);
    let run = match v.get("run")?.as_str()? {
        "running" => Run::Running { since: at? },
        "paused" => Run::Paused,
        "stopped" => Run::Stopped { at: at? },
        _ => return None,
    };
    Some(SlaClock {
        target_minutes: v.get("t")?.as_i64()?,
        used_ms: v.get("u")?.as_i64()?,
        run,
        due_override: v.get("due").and_then(Value::as_i64).map(from_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::super::schedule::WeeklyHours;
    use super::super::zone::{instant_of, parse_time_zone};
    use super::*;

    fn desk() -> (BusinessCalendar, TimeZone) {
        (
            BusinessCalendar::office(),
            parse_time_zone("Europe/Berlin").unwrap(),
        )
    }

    fn at(tz: &TimeZone, s: &str) -> Timestamp {
        instant_of(tz, s.parse().unwrap())
    }

    const URGENT: Target = Target {
        first_response: 60,
        resolution: 240,
    };

    #[test]
    fn warning_then_breach_fire_once_each_and_the_next_mark_moves_on() {
        let (cal, tz) = desk();
        let sla = TicketSla::start(URGENT, at(&tz, "2026-11-30T08:00"));
        let cols = sla.columns(&cal, &tz);
        assert_eq!(cols.next_at, Some(ms(at(&tz, "2026-11-30T08:48"))));
        assert_eq!(cols.due_at, Some(ms(at(&tz, "2026-11-30T09:00"))));
        let (sla, marks) = sla.fire_due(&cal, &tz, at(&tz, "2026-11-30T08:47"));
        assert!(marks.is_empty());
        let (sla, marks) = sla.fire_due(&cal, &tz, at(&tz, "2026-11-30T08:50"));
        assert_eq!(marks, [(SlaKind::FirstResponse, Mark::Warning)]);
        let (sla, marks) = sla.fire_due(&cal, &tz, at(&tz, "2026-11-30T08:55"));
        assert!(marks.is_empty(), "a warning fires once");
        assert_eq!(
            sla.columns(&cal, &tz).next_at,
            Some(ms(at(&tz, "2026-11-30T09:00"))),
            "next comes the breach"
        );
        let (sla, marks) = sla.fire_due(&cal, &tz, at(&tz, "2026-11-30T09:00"));
        assert_eq!(marks, [(SlaKind::FirstResponse, Mark::Breach)]);
        let (_, marks) = sla.fire_due(&cal, &tz, at(&tz, "2026-11-30T09:30"));
        assert!(marks.is_empty(), "a breach fires once");
    }

    #[test]
    fn a_breach_found_late_fires_alone() {
        let (cal, tz) = desk();
        let sla = TicketSla::start(URGENT, at(&tz, "2026-11-30T08:00"));
        let (sla, marks) = sla.fire_due(&cal, &tz, at(&tz, "2026-11-30T10:00"));
        assert_eq!(marks, [(SlaKind::FirstResponse, Mark::Breach)]);
        assert!(sla.fired.has(SlaKind::FirstResponse, Mark::Warning));
    }

    #[test]
    fn on_hold_pauses_both_clocks_and_off_hold_resumes_them() {
        let (cal, tz) = desk();
        let sla = TicketSla::start(URGENT, at(&tz, "2026-11-30T08:00"));
        let held = sla.on_status(&cal, &tz, Status::OnHold, at(&tz, "2026-11-30T08:30"));
        assert_eq!(
            held.columns(&cal, &tz),
            Columns::default(),
            "nothing comes due"
        );
        let back = held.on_status(&cal, &tz, Status::InProgress, at(&tz, "2026-12-01T08:00"));
        let v = back.view(
            SlaKind::FirstResponse,
            &cal,
            &tz,
            at(&tz, "2026-12-01T08:00"),
        );
        assert_eq!(v.left_ms, 30 * 60_000, "the 30 minutes used are kept");
        assert_eq!(v.due, Some(ms(at(&tz, "2026-12-01T08:30"))));
    }

    #[test]
    fn a_reply_stops_only_the_first_response_and_reopening_resumes_resolution() {
        let (cal, tz) = desk();
        let sla = TicketSla::start(URGENT, at(&tz, "2026-11-30T08:00"));
        let replied = sla.on_staff_reply(&cal, &tz, at(&tz, "2026-11-30T08:20"));
        let now = at(&tz, "2026-11-30T12:00");
        assert_eq!(
            replied.view(SlaKind::FirstResponse, &cal, &tz, now).state,
            SlaState::Met
        );
        let resolved = replied.on_status(&cal, &tz, Status::Resolved, at(&tz, "2026-11-30T09:00"));
        assert_eq!(resolved.columns(&cal, &tz).due_at, None);
        let reopened = resolved.on_status(&cal, &tz, Status::Open, at(&tz, "2026-12-01T08:00"));
        assert_eq!(
            reopened.columns(&cal, &tz).due_at,
            Some(ms(at(&tz, "2026-12-01T11:00"))),
            "one hour used, three left"
        );
        assert_eq!(
            reopened.first_response.run, replied.first_response.run,
            "a given first response stays given"
        );
    }

    #[test]
    fn a_clock_already_at_risk_after_a_priority_change_is_at_risk_from_then() {
        let (cal, tz) = desk();
        let low = Target {
            first_response: 480,
            resolution: 1000,
        };
        let sla = TicketSla::start(low, at(&tz, "2026-11-30T08:00"));
        let ten = at(&tz, "2026-11-30T08:55");
        let urgent = sla.retarget(&cal, &tz, URGENT, ten);
        let cols = urgent.columns(&cal, &tz);
        assert_eq!(cols.risk_at, Some(ms(ten)));
        assert_eq!(cols.due_at, Some(ms(at(&tz, "2026-11-30T09:00"))));
    }

    #[test]
    fn new_targets_on_the_same_calendar_give_the_same_due_times_as_settling() {
        let (cal, tz) = desk();
        let sla = TicketSla::start(URGENT, at(&tz, "2026-11-27T16:00"))
            .on_status(&cal, &tz, Status::OnHold, at(&tz, "2026-11-30T09:00"))
            .on_status(&cal, &tz, Status::Open, at(&tz, "2026-11-30T11:00"));
        let now = at(&tz, "2026-12-01T10:00");
        let high = Target {
            first_response: 240,
            resolution: 540,
        };
        let fast = sla.with_targets(high).columns(&cal, &tz);
        let tl = Timeline::new(
            &cal,
            &tz,
            at(&tz, "2026-11-01T00:00"),
            at(&tz, "2027-01-01T00:00"),
        );
        assert_eq!(
            sla.with_targets(high).columns_on(&cal, &tz, Some(&tl)),
            fast
        );
        let settled = sla.retarget(&cal, &tz, high, now).columns(&cal, &tz);
        assert_eq!(fast.due_at, settled.due_at);
        // Settling forgets when a clock already at risk became so; both are at
        // risk now, which is what the queue and the warning read.
        let at_risk = |c: Columns| c.risk_at.is_some_and(|r| r <= ms(now));
        assert!(at_risk(fast) && at_risk(settled));
    }

    #[test]
    fn the_stored_form_round_trips() {
        let (cal, tz) = desk();
        let always = BusinessCalendar::new(WeeklyHours::always(), vec![]).unwrap();
        let sla = TicketSla::start(URGENT, at(&tz, "2026-11-30T08:00"))
            .on_staff_reply(&always, &tz, at(&tz, "2026-11-30T08:10"))
            .on_status(&cal, &tz, Status::OnHold, at(&tz, "2026-11-30T09:00"))
            .override_resolution_due(Some(at(&tz, "2026-12-02T12:00")));
        for c in [sla.first_response, sla.resolution] {
            assert_eq!(clock_from_json(&clock_to_json(&c)), Some(c));
        }
        assert_eq!(clock_from_json(&json!({"run": "sideways"})), None);
    }
}
