//! Business time: the organization's working hours and holidays, and arithmetic
//! that counts only the time inside them. SLA targets ([`super::sla`]) are in
//! business minutes, so a ticket raised Friday 16:30 with one hour to go is due
//! Monday 09:30, not Friday 17:30.
//!
//! # Model
//! A [`BusinessCalendar`] is [`WeeklyHours`] (the default is Monday to Friday,
//! 08:00-17:00) plus holidays, whole local dates with a name, all read in the
//! organization's zone. A holiday removes the intervals that *start* on that
//! date (an overnight interval starting the evening before still runs into it).
//! Real instants of intervals follow [`super::shifts`], so DST days count their
//! real length: a 24/7 desk's spring-forward Sunday has 23 business hours.
//!
//! The arithmetic walks interval by interval, never minute by minute: adding ten
//! business days visits about fourteen days' intervals. Times are kept in
//! milliseconds so pausing and resuming an SLA clock loses nothing to rounding;
//! the minute functions are thin wrappers.
//!
//! # JSON
//! `{"hours": {"mon": [["08:00","17:00"]], ...}, "holidays": [{"date":
//! "2026-12-25", "name": "Christmas Day"}]}`; problems are keyed `hours.mon.0`,
//! `holidays.1.date`.

use super::category::Problems;
use super::schedule::WeeklyHours;
use super::shifts::Shift;
use super::ticket::bounded_text;
use super::zone::plus_ms;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

pub const MAX_HOLIDAYS: usize = 1000;
pub const HOLIDAY_NAME_MAX: usize = 100;
const MINUTE_MS: i64 = 60_000;

/// A day the desk is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
}

/// Business hours and holidays. Always has some hours, so every walk ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    hours: WeeklyHours,
    /// Sorted by date, no date twice.
    holidays: Vec<Holiday>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar::office()
    }
}

impl BusinessCalendar {
    /// Monday to Friday, 08:00-17:00, no holidays.
    pub fn office() -> BusinessCalendar {
        BusinessCalendar {
            hours: WeeklyHours::office(),
            holidays: Vec::new(),
        }
    }

    /// A calendar from checked hours and holidays. Problems: `hours` when it has
    /// no interval, `holidays.N.date` for a date given twice, `holidays` for too many.
    pub fn new(hours: WeeklyHours, mut holidays: Vec<Holiday>) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        if hours.is_empty() {
            let m = "Business hours need at least one interval.";
            problems.push(("hours".into(), m.into()));
        }
        if holidays.len() > MAX_HOLIDAYS {
            let m = format!("At most {MAX_HOLIDAYS} holidays.");
            problems.push(("holidays".into(), m));
        }
        for (i, h) in holidays.iter().enumerate() {
            if holidays[..i].iter().any(|o| o.date == h.date) {
                let m = "This date is already a holiday.";
                problems.push((format!("holidays.{i}.date"), m.into()));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        holidays.sort_by_key(|h| h.date);
        Ok(BusinessCalendar { hours, holidays })
    }

    /// Parses the JSON in the module docs; missing `hours` means the default
    /// office hours, missing `holidays` none.
    pub fn parse(v: &Value) -> Result<BusinessCalendar, Problems> {
        let mut problems = Problems::new();
        let hours = match v.get("hours") {
            None | Some(Value::Null) => WeeklyHours::office(),
            Some(h) => WeeklyHours::parse("hours", h).unwrap_or_else(|mut p| {
                problems.append(&mut p);
                WeeklyHours::office()
            }),
        };
        let mut holidays = Vec::new();
        match v.get("holidays") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (i, h) in list.iter().enumerate() {
                    let date = h
                        .get("date")
                        .and_then(Value::as_str)
                        .and_then(|s| s.parse().ok());
                    let name = h.get("name").and_then(Value::as_str).unwrap_or("");
                    let name = bounded_text(name, HOLIDAY_NAME_MAX, "the holiday's name");
                    match (date, name) {
                        (Some(date), Ok(name)) => holidays.push(Holiday { date, name }),
                        (date, name) => {
                            if date.is_none() {
                                let m = "Enter a date like 2026-12-25.";
                                problems.push((format!("holidays.{i}.date"), m.into()));
                            }
                            if let Err(m) = name {
                                problems.push((format!("holidays.{i}.name"), m));
                            }
                        }
                    }
                }
            }
            Some(_) => problems.push(("holidays".into(), "Holidays are a list.".into())),
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        BusinessCalendar::new(hours, holidays)
    }

    pub fn to_json(&self) -> Value {
        let holidays: Vec<Value> = self
            .holidays
            .iter()
            .map(|h| json!({"date": h.date.to_string(), "name": h.name}))
            .collect();
        json!({"hours": self.hours.to_json(), "holidays": holidays})
    }

    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }

    /// Holidays sorted by date.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    pub fn is_holiday(&self, date: Date) -> bool {
        self.holidays
            .binary_search_by_key(&date, |h| h.date)
            .is_ok()
    }

    /// The length of one business day in minutes: the week's hours over the days
    /// that have some (540 for the default, 1440 round the clock). SLA targets
    /// in days multiply this, so "1 day" means one working day of this desk.
    pub fn day_minutes(&self) -> i64 {
        self.hours.weekly_minutes() / self.hours.working_days().max(1) as i64
    }

    /// The open intervals from `from` on, in order (the one containing `from` first).
    pub fn forward<'a>(
        &'a self,
        tz: &'a TimeZone,
        from: Timestamp,
    ) -> impl Iterator<Item = Shift> + 'a {
        self.hours.shifts_from(tz, from, |d| self.is_holiday(d))
    }
}

/// The instant `ms` business milliseconds after `start` (before it when
/// negative). Adding zero is `start` itself; a sum that lands on the end of an
/// interval is that end (Friday 16:30 plus 30 minutes is Friday 17:00).
pub fn add_business_ms(
    cal: &BusinessCalendar,
    tz: &TimeZone,
    start: Timestamp,
    ms: i64,
) -> Timestamp {
    let mut left = ms.unsigned_abs() as i128;
    let ms_between =
        |a: Timestamp, b: Timestamp| b.as_millisecond() as i128 - a.as_millisecond() as i128;
    if ms > 0 {
        for s in cal.forward(tz, start).filter(|s| s.end > start) {
            let from = s.start.max(start);
            let here = ms_between(from, s.end);
            if left <= here {
                return plus_ms(from, left as i64);
            }
            left -= here;
        }
    } else if ms < 0 {
        let back = cal.hours.shifts_back_from(tz, start, |d| cal.is_holiday(d));
        for s in back.filter(|s| s.start < start) {
            let to = s.end.min(start);
            let here = ms_between(s.start, to);
            if left <= here {
                return plus_ms(to, -(left as i64));
            }
            left -= here;
        }
    }
    start
}

/// Business milliseconds from `a` to `b`; negative when `b` is before `a`.
pub fn business_ms_between(
    cal: &BusinessCalendar,
    tz: &TimeZone,
    a: Timestamp,
    b: Timestamp,
) -> i64 {
    if b < a {
        return -business_ms_between(cal, tz, b, a);
    }
    cal.forward(tz, a)
        .take_while(|s| s.start < b)
        .map(|s| {
            let (from, to) = (s.start.max(a), s.end.min(b));
            (to.as_millisecond() - from.as_millisecond()).max(0)
        })
        .sum()
}

/// The instant `minutes` business minutes after `start` (before it when negative).
pub fn add_business_minutes(
    cal: &BusinessCalendar,
    tz: &TimeZone,
    start: Timestamp,
    minutes: i64,
) -> Timestamp {
    add_business_ms(cal, tz, start, minutes.saturating_mul(MINUTE_MS))
}

/// Whole business minutes from `a` to `b` (rounded toward zero).
pub fn business_minutes_between(
    cal: &BusinessCalendar,
    tz: &TimeZone,
    a: Timestamp,
    b: Timestamp,
) -> i64 {
    business_ms_between(cal, tz, a, b) / MINUTE_MS
}

#[cfg(test)]
mod tests {
    use super::super::zone::{instant_of, parse_time_zone};
    use super::*;

    /// A wall-clock time in `tz`, as a person reads a due time.
    fn local(tz: &TimeZone, s: &str) -> Timestamp {
        instant_of(tz, s.parse().unwrap())
    }

    fn calendar(hours: Value, holidays: Value) -> BusinessCalendar {
        BusinessCalendar::parse(&json!({"hours": hours, "holidays": holidays})).unwrap()
    }

    fn office() -> Value {
        BusinessCalendar::office().to_json()["hours"].clone()
    }

    #[test]
    fn adding_business_minutes_skips_nights_weekends_and_holidays() {
        let nights = json!({"mon": [["22:00", "06:00"]], "tue": [["22:00", "06:00"]]});
        let christmas = json!([{"date": "2026-12-25", "name": "Christmas Day"}]);
        let always = WeeklyHours::always().to_json();
        let day = json!([["09:00", "17:00"]]);
        let nine_to_five = json!({"mon": day, "tue": day, "wed": day, "thu": day, "fri": day});
        #[rustfmt::skip]
        let cases = [
            // zone, hours, holidays, start (local), minutes, due (local)
            ("Europe/Berlin", office(), json!([]), "2026-11-27T16:30", 60, "2026-11-30T08:30"),
            ("Europe/Berlin", nine_to_five, json!([]), "2026-11-27T16:30", 60, "2026-11-30T09:30"),
            ("Europe/Berlin", office(), json!([]), "2026-11-27T16:30", 30, "2026-11-27T17:00"),
            ("Europe/Berlin", office(), json!([]), "2026-11-28T10:00", 30, "2026-11-30T08:30"),
            ("Europe/Berlin", office(), json!([]), "2026-11-28T10:00", 0, "2026-11-28T10:00"),
            ("Europe/Berlin", office(), json!([]), "2026-11-30T08:30", -60, "2026-11-27T16:30"),
            ("Europe/Berlin", office(), json!([]), "2026-11-30T10:00", 3 * 540, "2026-12-03T10:00"),
            ("Europe/Berlin", office(), christmas, "2026-12-24T16:30", 60, "2026-12-28T08:30"),
            ("UTC", nights.clone(), json!([]), "2026-12-01T05:30", 60, "2026-12-01T22:30"),
            ("UTC", nights, json!([]), "2026-11-30T23:00", 8 * 60, "2026-12-01T23:00"),
            ("UTC", always.clone(), json!([]), "2026-11-30T10:00", 3 * 1440, "2026-12-03T10:00"),
            // Spring forward: the day has 23 hours, so a day of business time ends an hour later.
            ("Europe/Berlin", always.clone(), json!([]), "2026-03-28T12:00", 1440, "2026-03-29T13:00"),
            ("America/New_York", always.clone(), json!([]), "2026-03-07T12:00", 1440, "2026-03-08T13:00"),
            // Fall back: 25 hours.
            ("Europe/Berlin", always.clone(), json!([]), "2026-10-24T12:00", 1440, "2026-10-25T11:00"),
            ("America/New_York", always, json!([]), "2026-10-31T12:00", 1440, "2026-11-01T11:00"),
            // Office hours stay 08:00-17:00 local across both changes.
            ("Europe/Berlin", office(), json!([]), "2026-03-27T16:00", 120, "2026-03-30T09:00"),
            ("Europe/Berlin", office(), json!([]), "2026-10-23T16:00", 120, "2026-10-26T09:00"),
            ("America/New_York", office(), json!([]), "2026-03-06T16:00", 120, "2026-03-09T09:00"),
            ("America/New_York", office(), json!([]), "2026-10-30T16:30", 60, "2026-11-02T08:30"),
        ];
        for (zone, hours, holidays, start, minutes, due) in cases {
            let tz = parse_time_zone(zone).unwrap();
            let cal = calendar(hours, holidays);
            let (start, due) = (local(&tz, start), local(&tz, due));
            let got = add_business_minutes(&cal, &tz, start, minutes);
            assert_eq!(got, due, "{zone} {start} + {minutes}");
            assert_eq!(
                business_minutes_between(&cal, &tz, start, got),
                minutes,
                "{zone} {start}"
            );
        }
    }

    #[test]
    fn business_minutes_between_counts_only_open_time() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let cal = calendar(
            office(),
            json!([{"date": "2026-12-01", "name": "Founders' Day"}]),
        );
        let fri = local(&tz, "2026-11-27T16:30");
        let wed = local(&tz, "2026-12-02T09:00");
        // Friday 30 min, Monday 540, Tuesday a holiday, Wednesday 60.
        assert_eq!(business_minutes_between(&cal, &tz, fri, wed), 30 + 540 + 60);
        assert_eq!(
            business_minutes_between(&cal, &tz, wed, fri),
            -(30 + 540 + 60)
        );
        let sat = local(&tz, "2026-11-28T09:00");
        assert_eq!(business_minutes_between(&cal, &tz, sat, sat), 0);
    }

    #[test]
    fn an_overnight_interval_before_a_holiday_still_runs_into_it() {
        let tz = parse_time_zone("UTC").unwrap();
        let cal = calendar(
            json!({"thu": [["22:00", "06:00"]], "fri": [["22:00", "06:00"]]}),
            json!([{"date": "2026-12-25", "name": "Christmas Day"}]),
        );
        let thu = local(&tz, "2026-12-24T23:00");
        assert_eq!(
            add_business_minutes(&cal, &tz, thu, 8 * 60),
            local(&tz, "2026-12-31T23:00"),
            "7 hours Thursday night, Friday night skipped, 1 hour next Thursday night"
        );
    }

    #[test]
    fn calendars_validate_hours_and_holidays_and_know_a_days_length() {
        let p = BusinessCalendar::parse(&json!({"hours": {}, "holidays": [
            {"date": "2026-12-25", "name": "Christmas"}, {"date": "2026-12-25", "name": "Again"},
            {"date": "25.12.", "name": ""}]}))
        .unwrap_err();
        let keys: Vec<_> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["holidays.2.date", "holidays.2.name"]);
        let p = BusinessCalendar::parse(&json!({"hours": {}, "holidays": [
            {"date": "2026-12-25", "name": "Christmas"}, {"date": "2026-12-25", "name": "Again"}]}))
        .unwrap_err();
        let keys: Vec<_> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["hours", "holidays.1.date"]);
        let cal = BusinessCalendar::parse(&json!({})).unwrap();
        assert_eq!(cal, BusinessCalendar::office());
        assert_eq!(cal.day_minutes(), 540);
        let always = calendar(WeeklyHours::always().to_json(), json!([]));
        assert_eq!(always.day_minutes(), 1440);
        assert_eq!(BusinessCalendar::parse(&always.to_json()), Ok(always));
    }
}
