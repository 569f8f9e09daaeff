//! Weekly hours on real days: which instants a shift covers, whether someone is
//! on shift now, when their shift ends and when the next one starts.
//!
//! # Model
//! An interval of [`WeeklyHours`] that starts on local date D covers the instants
//! from "D at start" to "D (or D+1) at end" in the organization's zone, start
//! inclusive, end exclusive. Wall-clock times become instants with the
//! "compatible" rule of [`super::zone::instant_of`], which gives, on DST days:
//! - a 08:00-17:00 shift is 08:00-17:00 local on both change days (the change
//!   happens at night), so 9 real hours;
//! - spring forward (Berlin 02:00->03:00, New York 02:00->03:00): a 01:00-03:00
//!   shift is 01:00 to 03:00 local, one real hour, since 02:00-03:00 never
//!   happens; a time inside the gap reads as after it (02:30 is 03:30), so a
//!   02:00-02:30 shift is 03:00-03:30 that night, and one that would end at or
//!   before its start once moved (02:30-03:10) does not happen;
//! - fall back (Berlin 03:00->02:00, New York 02:00->01:00): a repeated time is
//!   its first occurrence, so a 00:00-03:00 Berlin night shift is 4 real hours.
//!
//! Touching intervals (Monday until 24:00, Tuesday from 00:00) are one shift.

use super::schedule::{Interval, WeeklyHours};
use super::zone::instant_of;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// How far ahead a shift's end or the next start is looked for. A 24/7 shift
/// "ends" here; hours with no interval have no next start.
pub const LOOKAHEAD_DAYS: usize = 8;

/// One stretch of working time in real instants: `start <= t < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Shift {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// The local date and the instant `minutes` after that date's midnight (which may
/// be past 1440: the next day).
fn at_minute(tz: &TimeZone, date: Date, minutes: u16) -> Timestamp {
    let (date, minutes) = match date.tomorrow() {
        Ok(next) if minutes >= 1440 => (next, minutes - 1440),
        _ => (date, minutes.min(1439)),
    };
    let time = Time::constant((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
    instant_of(tz, date.to_datetime(time))
}

/// The real instants of `iv` on local `date`; `None` when a DST gap swallows it.
fn shift_of(tz: &TimeZone, date: Date, iv: Interval) -> Option<Shift> {
    let start = at_minute(tz, date, iv.start_minute());
    let end = at_minute(tz, date, iv.end_minute());
    (start < end).then_some(Shift { start, end })
}

impl WeeklyHours {
    /// The shifts that start on local `date`, in order; a shift a DST gap
    /// swallows is left out.
    pub fn shifts_on<'a>(
        &'a self,
        tz: &'a TimeZone,
        date: Date,
    ) -> impl DoubleEndedIterator<Item = Shift> + 'a {
        let day = self.day(date.weekday()).iter();
        day.filter_map(move |iv| shift_of(tz, date, *iv))
    }

    /// Shifts in time order from those starting the local day before `from`
    /// (an overnight shift may still run), forward without end; `skip` leaves
    /// out whole dates (holidays). Callers stop it: with no hours it only ends
    /// at the end of jiff's calendar, so check [`WeeklyHours::is_empty`] first.
    pub fn shifts_from<'a>(
        &'a self,
        tz: &'a TimeZone,
        from: Timestamp,
        skip: impl Fn(Date) -> bool + 'a,
    ) -> impl Iterator<Item = Shift> + 'a {
        let today = tz.to_datetime(from).date();
        let yesterday = today.yesterday().ok();
        // Of yesterday's intervals only overnight ones can still run: the others
        // end by today's local midnight, which is not after `from`. Skipping them
        // saves zone conversions, the cost of every call here.
        let overnight = yesterday
            .filter(|d| !skip(*d))
            .into_iter()
            .flat_map(move |d| self.day(d.weekday()).iter().map(move |iv| (d, *iv)))
            .filter(|(_, iv)| iv.is_overnight())
            .filter_map(move |(d, iv)| shift_of(tz, d, iv));
        let days = std::iter::successors(Some(today), |d| d.tomorrow().ok())
            .filter(move |d| !skip(*d))
            .flat_map(move |d| self.shifts_on(tz, d));
        overnight.chain(days)
    }

    /// Shifts latest first, from those starting the local day of `until`
    /// backward without end; `skip` leaves out whole dates.
    pub fn shifts_back_from<'a>(
        &'a self,
        tz: &'a TimeZone,
        until: Timestamp,
        skip: impl Fn(Date) -> bool + 'a,
    ) -> impl Iterator<Item = Shift> + 'a {
        let today = tz.to_datetime(until).date();
        std::iter::successors(Some(today), |d| d.yesterday().ok())
            .filter(move |d| !skip(*d))
            .flat_map(move |d| self.shifts_on(tz, d).rev())
    }

    /// Merged working time (touching shifts joined) around `now`, if on shift.
    /// Its end is capped [`LOOKAHEAD_DAYS`] ahead, which is where a 24/7 shift ends.
    pub fn current_shift(&self, tz: &TimeZone, now: Timestamp) -> Option<Shift> {
        if self.is_empty() {
            return None;
        }
        let horizon = super::zone::plus_ms(now, LOOKAHEAD_DAYS as i64 * 86_400_000);
        let mut shifts = self.shifts_from(tz, now, |_| false);
        let mut current = loop {
            let s = shifts.next()?;
            if s.start > now {
                return None;
            }
            if s.contains(now) {
                break s;
            }
        };
        for next in shifts {
            if next.start > current.end || current.end >= horizon {
                break;
            }
            current.end = current.end.max(next.end);
        }
        current.end = current.end.min(horizon);
        Some(current)
    }

    /// On shift at `now`.
    pub fn is_on_shift(&self, tz: &TimeZone, now: Timestamp) -> bool {
        !self.is_empty()
            && self
                .shifts_from(tz, now, |_| false)
                .take_while(|s| s.start <= now)
                .any(|s| s.contains(now))
    }

    /// When the shift someone is on at `now` ends; `None` when off shift.
    pub fn shift_end_after(&self, tz: &TimeZone, now: Timestamp) -> Option<Timestamp> {
        self.current_shift(tz, now).map(|s| s.end)
    }

    /// The first instant after `now` when a shift begins that does not merely
    /// continue the one before it; `None` when there is none within
    /// [`LOOKAHEAD_DAYS`] (no hours at all, or 24/7 hours).
    pub fn next_shift_start(&self, tz: &TimeZone, now: Timestamp) -> Option<Timestamp> {
        if self.is_empty() {
            return None;
        }
        let horizon = super::zone::plus_ms(now, LOOKAHEAD_DAYS as i64 * 86_400_000);
        let mut previous_end: Option<Timestamp> = None;
        for s in self.shifts_from(tz, now, |_| false) {
            if s.start > horizon {
                return None;
            }
            let continues = previous_end.is_some_and(|e| e >= s.start);
            if s.start > now && !continues {
                return Some(s.start);
            }
            previous_end = Some(previous_end.map_or(s.end, |e| e.max(s.end)));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::zone::parse_time_zone;
    use super::*;
    use serde_json::json;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn hours(v: serde_json::Value) -> WeeklyHours {
        WeeklyHours::parse("hours", &v).unwrap()
    }

    fn hours_between(s: Shift) -> f64 {
        s.end.duration_since(s.start).as_secs_f64() / 3600.0
    }

    #[test]
    fn a_shift_starts_inclusive_and_ends_exclusive() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let h = hours(json!({"mon": [["08:00", "17:00"]]}));
        // Monday 30 Nov 2026, CET (+01:00).
        assert!(!h.is_on_shift(&tz, ts("2026-11-30T06:59:59Z")));
        assert!(h.is_on_shift(&tz, ts("2026-11-30T07:00:00Z")));
        assert!(h.is_on_shift(&tz, ts("2026-11-30T15:59:59Z")));
        assert!(!h.is_on_shift(&tz, ts("2026-11-30T16:00:00Z")));
        assert_eq!(
            h.shift_end_after(&tz, ts("2026-11-30T10:00:00Z")),
            Some(ts("2026-11-30T16:00:00Z"))
        );
        assert_eq!(h.shift_end_after(&tz, ts("2026-11-30T16:00:00Z")), None);
        assert_eq!(
            h.next_shift_start(&tz, ts("2026-11-30T16:00:00Z")),
            Some(ts("2026-12-07T07:00:00Z"))
        );
    }

    #[test]
    fn an_overnight_shift_runs_into_the_next_day_and_the_next_week() {
        let tz = parse_time_zone("UTC").unwrap();
        let h = hours(json!({"sun": [["22:00", "06:00"]]}));
        // Sunday 29 Nov 2026 22:00 to Monday 30 Nov 06:00.
        assert!(h.is_on_shift(&tz, ts("2026-11-30T05:00:00Z")));
        assert!(!h.is_on_shift(&tz, ts("2026-11-30T06:00:00Z")));
        assert_eq!(
            h.shift_end_after(&tz, ts("2026-11-29T23:00:00Z")),
            Some(ts("2026-11-30T06:00:00Z"))
        );
        assert_eq!(
            h.next_shift_start(&tz, ts("2026-11-30T12:00:00Z")),
            Some(ts("2026-12-06T22:00:00Z"))
        );
    }

    #[test]
    fn touching_shifts_are_one_and_round_the_clock_never_starts_again() {
        let tz = parse_time_zone("UTC").unwrap();
        let h = hours(
            json!({"mon": [["08:00", "24:00"]], "tue": [["00:00", "06:00"], ["06:00", "09:00"]]}),
        );
        assert_eq!(
            h.shift_end_after(&tz, ts("2026-11-30T20:00:00Z")),
            Some(ts("2026-12-01T09:00:00Z"))
        );
        assert_eq!(
            h.next_shift_start(&tz, ts("2026-11-30T20:00:00Z")),
            Some(ts("2026-12-07T08:00:00Z")),
            "Tuesday 00:00 only continues Monday's shift"
        );
        let always = WeeklyHours::always();
        assert!(always.is_on_shift(&tz, ts("2026-11-29T03:00:00Z")));
        assert_eq!(
            always.next_shift_start(&tz, ts("2026-11-29T03:00:00Z")),
            None
        );
        assert_eq!(
            always.shift_end_after(&tz, ts("2026-11-29T03:00:00Z")),
            Some(ts("2026-12-07T03:00:00Z"))
        );
        assert_eq!(
            WeeklyHours::default().next_shift_start(&tz, ts("2026-11-29T03:00:00Z")),
            None
        );
    }

    #[test]
    fn office_hours_stay_local_on_both_dst_changes() {
        let daily = json!([["08:00", "17:00"]]);
        let h = hours(json!({"sun": daily, "mon": daily}));
        for (zone, spring, fall, spring_utc, fall_utc) in [
            // Berlin: Sun 29 Mar 2026 (+01 -> +02), Sun 25 Oct 2026 (+02 -> +01).
            (
                "Europe/Berlin",
                "2026-03-29",
                "2026-10-25",
                "06:00",
                "07:00",
            ),
            // New York: Sun 8 Mar 2026 (-05 -> -04), Sun 1 Nov 2026 (-04 -> -05).
            (
                "America/New_York",
                "2026-03-08",
                "2026-11-01",
                "12:00",
                "13:00",
            ),
        ] {
            let tz = parse_time_zone(zone).unwrap();
            for (day, utc) in [(spring, spring_utc), (fall, fall_utc)] {
                let s: Vec<_> = h.shifts_on(&tz, day.parse().unwrap()).collect();
                assert_eq!(s[0].start, ts(&format!("{day}T{utc}:00Z")), "{zone} {day}");
                assert_eq!(hours_between(s[0]), 9.0, "{zone} {day}");
            }
        }
    }

    #[test]
    fn night_shifts_across_dst_changes_follow_the_wall_clock() {
        let h = hours(json!({"sun": [["01:00", "03:00"]]}));
        let berlin = parse_time_zone("Europe/Berlin").unwrap();
        let spring: Vec<_> = h
            .shifts_on(&berlin, "2026-03-29".parse().unwrap())
            .collect();
        assert_eq!(hours_between(spring[0]), 1.0, "02:00-03:00 never happens");
        let fall: Vec<_> = h
            .shifts_on(&berlin, "2026-10-25".parse().unwrap())
            .collect();
        assert_eq!(hours_between(fall[0]), 3.0, "02:00-03:00 happens twice");
        let ny = parse_time_zone("America/New_York").unwrap();
        let spring: Vec<_> = h.shifts_on(&ny, "2026-03-08".parse().unwrap()).collect();
        assert_eq!(hours_between(spring[0]), 1.0);
        let gap = hours(json!({"sun": [["02:00", "02:30"], ["02:40", "03:10"]]}));
        let moved: Vec<_> = gap.shifts_on(&ny, "2026-03-08".parse().unwrap()).collect();
        assert_eq!(moved.len(), 1, "02:40-03:10 would end before it starts");
        assert_eq!(moved[0].start, ts("2026-03-08T07:00:00Z"), "03:00 EDT");
    }
    #[test]
    fn the_next_start_after_a_dst_weekend_is_monday_0800_local_in_both_zones() {
        let h = hours(json!({"mon": [["08:00", "17:00"]]}));
        for (zone, friday_evening, monday_start) in [
            (
                "Europe/Berlin",
                "2026-03-27T17:00:00Z",
                "2026-03-30T06:00:00Z",
            ),
            (
                "Europe/Berlin",
                "2026-10-23T16:00:00Z",
                "2026-10-26T07:00:00Z",
            ),
            (
                "America/New_York",
                "2026-03-06T23:00:00Z",
                "2026-03-09T12:00:00Z",
            ),
            (
                "America/New_York",
                "2026-10-30T22:00:00Z",
                "2026-11-02T13:00:00Z",
            ),
        ] {
            let tz = parse_time_zone(zone).unwrap();
            let start = ts(monday_start);
            assert_eq!(
                h.next_shift_start(&tz, ts(friday_evening)),
                Some(start),
                "{zone}"
            );
            assert!(
                !h.is_on_shift(&tz, super::super::zone::plus_ms(start, -1)),
                "{zone}"
            );
            assert!(h.is_on_shift(&tz, start), "{zone} {monday_start}");
        }
    }

    #[test]
    fn an_overnight_shift_on_a_dst_night_ends_at_0600_local() {
        let h = hours(json!({"sat": [["22:00", "06:00"]]}));
        for (zone, during, end, real_hours) in [
            (
                "Europe/Berlin",
                "2026-03-28T23:00:00Z",
                "2026-03-29T04:00:00Z",
                7.0,
            ),
            (
                "Europe/Berlin",
                "2026-10-24T23:00:00Z",
                "2026-10-25T05:00:00Z",
                9.0,
            ),
            (
                "America/New_York",
                "2026-03-08T04:00:00Z",
                "2026-03-08T10:00:00Z",
                7.0,
            ),
            (
                "America/New_York",
                "2026-11-01T03:00:00Z",
                "2026-11-01T11:00:00Z",
                9.0,
            ),
        ] {
            let tz = parse_time_zone(zone).unwrap();
            let shift = h.current_shift(&tz, ts(during)).expect(zone);
            assert_eq!(shift.end, ts(end), "{zone}");
            assert_eq!(hours_between(shift), real_hours, "{zone} {during}");
            assert!(!h.is_on_shift(&tz, ts(end)), "{zone}: the end is exclusive");
        }
    }
}
