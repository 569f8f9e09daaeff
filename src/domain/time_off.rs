//! Time off: a stretch of real time a staff member is away (leave, training,
//! sickness), with a reason. It overrides their weekly hours: on time off nobody is
//! available, whatever their shift says.
//!
//! # JSON
//! `{"start": "2026-12-01T00:00", "end": "2026-12-03T00:00", "reason": "Leave"}`.
//! `start` and `end` are local date-times read in the organization's zone
//! (`YYYY-MM-DDTHH:MM`, what an `<input type="datetime-local">` sends), or
//! RFC 3339 instants with an offset (`2026-12-01T00:00:00+01:00`), or dates
//! (`2026-12-01`, meaning that day's local midnight). Start inclusive, end
//! exclusive, so "1 Dec to 3 Dec" is away on 1 and 2 December.

use super::category::Problems;
use super::ticket::bounded_text;
use super::zone::instant_of;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

pub const REASON_MAX: usize = 200;

/// A checked stretch of time off: `start < end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeOff {
    start: Timestamp,
    end: Timestamp,
    reason: String,
}

impl TimeOff {
    /// Time off from `start` to `end` (exclusive). Problems are keyed `end` and
    /// `reason`; the reason may be empty ("time off" is shown then).
    pub fn new(start: Timestamp, end: Timestamp, reason: &str) -> Result<TimeOff, Problems> {
        let mut problems = Problems::new();
        if end <= start {
            problems.push(("end".into(), "Time off must end after it starts.".into()));
        }
        let reason = if reason.trim().is_empty() {
            String::new()
        } else {
            bounded_text(reason, REASON_MAX, "a reason")
                .map_err(|e| problems.push(("reason".into(), e)))
                .unwrap_or_default()
        };
        if problems.is_empty() {
            Ok(TimeOff { start, end, reason })
        } else {
            Err(problems)
        }
    }

    /// Parses the JSON in the module docs, local times read in `tz`.
    pub fn parse(tz: &TimeZone, v: &Value) -> Result<TimeOff, Problems> {
        let mut problems = Problems::new();
        let mut instant = |key: &str| {
            let parsed = v
                .get(key)
                .and_then(Value::as_str)
                .and_then(|s| parse_instant(tz, s));
            if parsed.is_none() {
                let m = "Enter a date and time like 2026-12-01T09:00.";
                problems.push((key.to_string(), m.into()));
            }
            parsed
        };
        let (start, end) = (instant("start"), instant("end"));
        let reason = match v.get("reason") {
            None | Some(Value::Null) => "",
            Some(Value::String(s)) => s.as_str(),
            Some(_) => {
                problems.push(("reason".into(), "The reason is text.".into()));
                ""
            }
        };
        match (start, end) {
            (Some(start), Some(end)) if problems.is_empty() => TimeOff::new(start, end, reason),
            _ => Err(problems),
        }
    }

    pub fn start(&self) -> Timestamp {
        self.start
    }

    pub fn end(&self) -> Timestamp {
        self.end
    }

    /// The reason as entered, possibly empty.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Away at `now`: `start <= now < end`.
    pub fn covers(&self, now: Timestamp) -> bool {
        self.start <= now && now < self.end
    }

    /// As JSON: RFC 3339 UTC instants and the reason.
    pub fn to_json(&self) -> Value {
        json!({"start": self.start.to_string(), "end": self.end.to_string(), "reason": self.reason})
    }
}

/// When a run of time off that covers `now` ends: overlapping or touching
/// entries chain (leave, then training the day after), so "away until" is the
/// day they are really back. `None` when no entry covers `now`.
pub fn away_until<'a>(
    entries: impl IntoIterator<Item = &'a TimeOff, IntoIter: Clone>,
    now: Timestamp,
) -> Option<&'a TimeOff> {
    let entries = entries.into_iter();
    let mut entries: Vec<&TimeOff> = match entries.clone().any(|t| t.covers(now)) {
        true => entries.filter(|t| t.end > now).collect(),
        false => return None,
    };
    entries.sort_by_key(|t| t.start);
    let mut current = *entries.iter().find(|t| t.covers(now))?;
    for t in entries {
        if t.start <= current.end && t.end > current.end {
            current = t;
        }
    }
    Some(current)
}

/// An instant from RFC 3339, a local `YYYY-MM-DDTHH:MM[:SS]`, or a local date.
pub fn parse_instant(tz: &TimeZone, s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if s.len() == 10 {
        return s
            .parse::<Date>()
            .ok()
            .map(|d| instant_of(tz, d.to_datetime(jiff::civil::Time::midnight())));
    }
    s.parse::<DateTime>().ok().map(|dt| instant_of(tz, dt))
}

#[cfg(test)]
mod tests {
    use super::super::zone::parse_time_zone;
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn local_times_are_read_in_the_organizations_zone() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let t = TimeOff::parse(
            &tz,
            &json!({"start": "2026-12-01", "end": "2026-12-03T00:00", "reason": " Leave "}),
        )
        .unwrap();
        assert_eq!(t.start(), ts("2026-11-30T23:00:00Z"));
        assert_eq!(t.end(), ts("2026-12-02T23:00:00Z"));
        assert_eq!(t.reason(), "Leave");
        let exact = TimeOff::parse(
            &tz,
            &json!({"start": "2026-12-01T08:00:00Z", "end": "2026-12-01T09:00:00Z"}),
        );
        assert_eq!(exact.unwrap().start(), ts("2026-12-01T08:00:00Z"));
    }

    #[test]
    fn time_off_that_ends_before_it_starts_names_the_end() {
        let tz = parse_time_zone("UTC").unwrap();
        let p =
            TimeOff::parse(&tz, &json!({"start": "2026-12-03", "end": "2026-12-01"})).unwrap_err();
        assert_eq!(p[0].0, "end");
        let p = TimeOff::parse(&tz, &json!({"start": "soon", "reason": 4})).unwrap_err();
        let keys: Vec<_> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["start", "end", "reason"]);
    }

    #[test]
    fn time_off_covers_its_start_but_not_its_end_and_chains() {
        let leave = TimeOff::new(
            ts("2026-12-01T00:00:00Z"),
            ts("2026-12-03T00:00:00Z"),
            "Leave",
        )
        .unwrap();
        let course =
            TimeOff::new(ts("2026-12-03T00:00:00Z"), ts("2026-12-04T00:00:00Z"), "").unwrap();
        assert!(leave.covers(ts("2026-12-01T00:00:00Z")));
        assert!(!leave.covers(ts("2026-12-03T00:00:00Z")));
        let all = [course.clone(), leave];
        assert_eq!(away_until(&all, ts("2026-12-02T10:00:00Z")), Some(&course));
        assert_eq!(away_until(&all, ts("2026-12-05T10:00:00Z")), None);
    }
}
