//! Weekly working hours: a staff member's shifts, and (reused) the organization's
//! business hours.
//!
//! # Model
//! For each weekday, a list of intervals in wall-clock minutes of that day, read in
//! the organization's time zone. An interval whose end is earlier than its start
//! is an overnight shift running into the next day (`["22:00", "06:00"]` on Sunday
//! ends Monday 06:00). `24:00` may only end an interval. Intervals never overlap,
//! across midnight and across the end of the week included; intervals that touch
//! (`["08:00","12:00"]`, `["12:00","17:00"]`) form one continuous shift. An
//! interval starts inclusive and ends exclusive: at 17:00 a 08:00-17:00 shift is
//! over. What these hours mean on a real day (DST) is [`super::shifts`].
//!
//! # JSON
//! `{"mon": [["08:00", "17:00"]], "tue": [["08:00", "12:00"], ["13:00", "17:00"]],
//! "sat": [["22:00", "06:00"]]}`: keys `mon`..`sun`, a missing or empty day has no
//! hours. Times are `H:MM` or `HH:MM`. [`WeeklyHours::to_json`] writes all seven
//! days. Problems are keyed like the JSON under the caller's field name
//! (`hours.tue.1`), so the API can answer 422 with `fields`.

use super::category::Problems;
use jiff::civil::Weekday;
use serde_json::{json, Map, Value};

/// Minutes in a day.
pub const DAY: u16 = 1440;
/// Keys of the JSON object, Monday first.
pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// More intervals than this in one day is a mistake, not a roster.
pub const MAX_PER_DAY: usize = 12;

/// One working interval of a day, in minutes after that day's local midnight.
/// `end` is past [`DAY`] for an overnight interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    start: u16,
    end: u16,
}

impl Interval {
    /// An interval from wall-clock minutes as typed: `end` up to 1440 (24:00);
    /// `end < start` means it ends the next day. Equal start and end is refused:
    /// it could mean nothing or the whole day.
    pub fn new(start: u16, end: u16) -> Result<Interval, String> {
        if start >= DAY || end > DAY {
            return Err("Times run from 00:00 to 24:00; 24:00 only ends a shift.".into());
        }
        match end {
            e if e == start => Err("A shift must end at a different time than it starts.".into()),
            e if e < start => Ok(Interval {
                start,
                end: e + DAY,
            }),
            e => Ok(Interval { start, end: e }),
        }
    }

    /// Minutes after the day's midnight when it starts (0..1440).
    pub fn start_minute(self) -> u16 {
        self.start
    }

    /// Minutes after the day's midnight when it ends (past 1440 when overnight).
    pub fn end_minute(self) -> u16 {
        self.end
    }

    /// Its length in wall-clock minutes (a DST change can make real time differ).
    pub fn minutes(self) -> u16 {
        self.end - self.start
    }

    /// Ends after midnight.
    pub fn is_overnight(self) -> bool {
        self.end > DAY
    }
}

/// Weekly hours: per weekday (Monday first) a sorted list of non-overlapping
/// intervals. Built only through [`WeeklyHours::new`] or [`WeeklyHours::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyHours {
    days: [Vec<Interval>; 7],
}

impl WeeklyHours {
    /// Checks per-day intervals (Monday first) for overlaps, and sorts them.
    /// Problems are keyed `{field}.{day}.{index}`.
    pub fn new(field: &str, mut days: [Vec<Interval>; 7]) -> Result<WeeklyHours, Problems> {
        let mut problems = Problems::new();
        // Minutes of the week each interval covers; overnight Sunday wraps to Monday.
        let mut spans: Vec<(u32, u32, String)> = Vec::new();
        for (d, list) in days.iter().enumerate() {
            if list.len() > MAX_PER_DAY {
                let m = format!("At most {MAX_PER_DAY} shifts a day.");
                problems.push((format!("{field}.{}", DAY_KEYS[d]), m));
            }
            for (i, iv) in list.iter().enumerate() {
                let key = format!("{field}.{}.{i}", DAY_KEYS[d]);
                let (s, e) = (
                    d as u32 * 1440 + iv.start as u32,
                    d as u32 * 1440 + iv.end as u32,
                );
                if e > 7 * 1440 {
                    spans.push((0, e - 7 * 1440, key.clone()));
                }
                spans.push((s, e.min(7 * 1440), key));
            }
        }
        spans.sort();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                let m = "This shift overlaps another one.".to_string();
                if !problems.iter().any(|(k, _)| *k == pair[1].2) {
                    problems.push((pair[1].2.clone(), m));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        days.iter_mut().for_each(|list| list.sort());
        Ok(WeeklyHours { days })
    }

    /// Parses the JSON shape in the module docs; `field` prefixes problem keys.
    pub fn parse(field: &str, v: &Value) -> Result<WeeklyHours, Problems> {
        let mut problems = Problems::new();
        let mut days: [Vec<Interval>; 7] = Default::default();
        let Some(obj) = v.as_object() else {
            let m = "Hours are an object like {\"mon\": [[\"08:00\", \"17:00\"]]}.";
            return Err(vec![(field.to_string(), m.into())]);
        };
        for (key, list) in obj {
            let Some(d) = DAY_KEYS.iter().position(|k| k == key) else {
                let m = "Use the days mon, tue, wed, thu, fri, sat and sun.";
                problems.push((format!("{field}.{key}"), m.into()));
                continue;
            };
            let items = match list {
                Value::Null => continue,
                Value::Array(items) => items,
                _ => {
                    let m = "A day is a list of [start, end] pairs.";
                    problems.push((format!("{field}.{key}"), m.into()));
                    continue;
                }
            };
            for (i, pair) in items.iter().enumerate() {
                match parse_pair(pair) {
                    Ok(iv) => days[d].push(iv),
                    Err(m) => problems.push((format!("{field}.{key}.{i}"), m)),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        WeeklyHours::new(field, days)
    }

    /// All seven days as JSON, in the shape [`WeeklyHours::parse`] reads.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (d, list) in self.days.iter().enumerate() {
            let pairs: Vec<Value> = list
                .iter()
                .map(|iv| {
                    json!([
                        clock(iv.start),
                        clock(if iv.end > DAY { iv.end - DAY } else { iv.end })
                    ])
                })
                .collect();
            out.insert(DAY_KEYS[d].to_string(), Value::Array(pairs));
        }
        Value::Object(out)
    }

    /// Monday to Friday, 08:00 to 17:00: the default business hours.
    pub fn office() -> WeeklyHours {
        let mut days: [Vec<Interval>; 7] = Default::default();
        for day in days.iter_mut().take(5) {
            day.push(Interval {
                start: 8 * 60,
                end: 17 * 60,
            });
        }
        WeeklyHours { days }
    }

    /// Every day, all day: a 24/7 desk.
    pub fn always() -> WeeklyHours {
        let whole = Interval { start: 0, end: DAY };
        WeeklyHours {
            days: std::array::from_fn(|_| vec![whole]),
        }
    }

    /// The intervals starting on `day`, sorted by start.
    pub fn day(&self, day: Weekday) -> &[Interval] {
        &self.days[day.to_monday_zero_offset() as usize]
    }

    /// No hours at all.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Every minute of the week is covered.
    pub fn is_always(&self) -> bool {
        self.weekly_minutes() == 7 * DAY as i64
    }

    /// Wall-clock minutes in a week.
    pub fn weekly_minutes(&self) -> i64 {
        self.days
            .iter()
            .flatten()
            .map(|iv| iv.minutes() as i64)
            .sum()
    }

    /// Weekdays on which at least one interval starts.
    pub fn working_days(&self) -> usize {
        self.days.iter().filter(|d| !d.is_empty()).count()
    }
}

/// `"08:00"` or `"8:00"` to minutes; `"24:00"` is 1440.
pub fn parse_clock(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let digits = |x: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(DAY),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Minutes (0..=1440) as `"HH:MM"`.
pub fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn parse_pair(v: &Value) -> Result<Interval, String> {
    let bad = "Times are HH:MM from 00:00 to 24:00.";
    match v.as_array().map(Vec::as_slice) {
        Some([Value::String(a), Value::String(b)]) => match (parse_clock(a), parse_clock(b)) {
            (Some(s), Some(e)) => Interval::new(s, e),
            _ => Err(bad.into()),
        },
        _ => Err("A shift is a pair like [\"08:00\", \"17:00\"].".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(p: &Problems) -> Vec<&str> {
        p.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn hours_round_trip_through_json_with_overnight_shifts() {
        let v =
            json!({"mon": [["13:00", "17:00"], ["8:00", "12:00"]], "sun": [["22:00", "06:00"]]});
        let h = WeeklyHours::parse("hours", &v).unwrap();
        assert_eq!(h.day(Weekday::Monday)[0].start_minute(), 480, "sorted");
        assert!(h.day(Weekday::Sunday)[0].is_overnight());
        assert_eq!(h.weekly_minutes(), 8 * 60 + 8 * 60);
        let out = h.to_json();
        assert_eq!(out["sun"], json!([["22:00", "06:00"]]));
        assert_eq!(out["tue"], json!([]));
        assert_eq!(WeeklyHours::parse("hours", &out).unwrap(), h);
    }

    #[test]
    fn times_outside_the_day_and_empty_shifts_name_their_field() {
        let v = json!({"mon": [["08:00", "25:00"], ["24:00", "10:00"]], "tue": [["9:00", "9:00"]],
                       "wed": [["8:0", "9:00"]], "thu": "all day", "xyz": []});
        let p = WeeklyHours::parse("hours", &v).unwrap_err();
        let mut k = keys(&p);
        k.sort();
        assert_eq!(
            k,
            [
                "hours.mon.0",
                "hours.mon.1",
                "hours.thu",
                "hours.tue.0",
                "hours.wed.0",
                "hours.xyz"
            ]
        );
        assert!(WeeklyHours::parse("hours", &json!([])).is_err());
    }

    #[test]
    fn overlaps_are_refused_across_midnight_and_the_end_of_the_week() {
        let same_day = json!({"mon": [["08:00", "12:00"], ["11:00", "17:00"]]});
        assert_eq!(
            keys(&WeeklyHours::parse("h", &same_day).unwrap_err()),
            ["h.mon.1"]
        );
        let overnight = json!({"mon": [["22:00", "07:00"]], "tue": [["06:00", "14:00"]]});
        assert_eq!(
            keys(&WeeklyHours::parse("h", &overnight).unwrap_err()),
            ["h.tue.0"]
        );
        let wraps = json!({"sun": [["20:00", "04:00"]], "mon": [["03:00", "05:00"]]});
        assert_eq!(
            keys(&WeeklyHours::parse("h", &wraps).unwrap_err()),
            ["h.mon.0"]
        );
        let touching =
            json!({"mon": [["08:00", "12:00"], ["12:00", "24:00"]], "tue": [["00:00", "02:00"]]});
        assert!(WeeklyHours::parse("h", &touching).is_ok());
    }

    #[test]
    fn the_default_office_and_round_the_clock_hours() {
        assert_eq!(WeeklyHours::office().weekly_minutes(), 5 * 9 * 60);
        assert_eq!(WeeklyHours::office().working_days(), 5);
        assert!(WeeklyHours::always().is_always());
        assert_eq!(
            WeeklyHours::always().to_json()["fri"],
            json!([["00:00", "24:00"]])
        );
        assert!(WeeklyHours::default().is_empty());
    }
}
