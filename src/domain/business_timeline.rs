//! Business time over a fixed window, for many sums at once. Recomputing every
//! open ticket after an admin changes the targets asks for hundreds of
//! thousands of due times on one calendar; walking the calendar for each
//! ([`add_business_ms`]) visits the same days again and again. A [`Timeline`]
//! lists the window's intervals once with running totals of business time, so
//! each sum is two binary searches. It answers only what it can answer exactly
//! (non-negative sums that stay inside the window) and `None` otherwise, so
//! callers fall back to the walk and both always agree.

use super::business_time::BusinessCalendar;
use super::zone::from_ms;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A calendar's intervals between two instants; see the module docs.
#[derive(Debug, Clone)]
pub struct Timeline {
    from: i64,
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// `before[i]`: business ms in the intervals before `i`; one more entry
    /// than intervals, the last being the window's total.
    before: Vec<i64>,
}

impl Timeline {
    /// The intervals of `cal` in `tz` from `from` until the first one starting
    /// at or after `to` (the last one is kept whole).
    pub fn new(cal: &BusinessCalendar, tz: &TimeZone, from: Timestamp, to: Timestamp) -> Timeline {
        let from_ms = from.as_millisecond();
        let mut t = Timeline {
            from: from_ms,
            starts: Vec::new(),
            ends: Vec::new(),
            before: vec![0],
        };
        for s in cal.forward(tz, from).take_while(|s| s.start < to) {
            let (start, end) = (
                s.start.as_millisecond().max(from_ms),
                s.end.as_millisecond(),
            );
            if end <= start {
                continue;
            }
            let total = t.before[t.before.len() - 1];
            t.starts.push(start);
            t.ends.push(end);
            t.before.push(total + (end - start));
        }
        t
    }

    /// [`add_business_ms`]`(start, ms)` when `ms >= 0` and both ends lie in the
    /// window; `None` when the caller must walk.
    ///
    /// [`add_business_ms`]: super::business_time::add_business_ms
    pub fn add_ms(&self, start: Timestamp, ms: i64) -> Option<Timestamp> {
        let st = start.as_millisecond();
        if ms < 0 || st < self.from {
            return None;
        }
        if ms == 0 {
            return Some(start);
        }
        let i = self.ends.partition_point(|&e| e <= st);
        if i == self.ends.len() {
            return None;
        }
        let from = self.starts[i].max(st);
        let goal = self.before[i] + (from - self.starts[i]) + ms;
        // The first interval j whose end reaches the goal: before[j + 1] >= goal.
        let j = self.before[1..].partition_point(|&b| b < goal);
        if j == self.starts.len() {
            return None;
        }
        Some(from_ms(self.starts[j] + (goal - self.before[j])))
    }
}

#[cfg(test)]
mod tests {
    use super::super::business_time::add_business_ms;
    use super::super::schedule::WeeklyHours;
    use super::super::zone::{parse_time_zone, plus_ms};
    use super::*;
    use serde_json::json;

    #[test]
    fn a_timeline_sums_exactly_like_the_walk_across_dst_holidays_and_nights() {
        let christmas = json!([{"date": "2026-12-25", "name": "Christmas Day"}]);
        let night =
            json!({"mon": [["22:00", "06:00"]], "wed": [["08:00", "12:00"], ["13:00", "17:00"]]});
        let calendars = [
            BusinessCalendar::parse(&json!({"holidays": christmas})).unwrap(),
            BusinessCalendar::new(WeeklyHours::always(), vec![]).unwrap(),
            BusinessCalendar::parse(&json!({"hours": night})).unwrap(),
        ];
        let from: Timestamp = "2026-10-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2027-04-01T00:00:00Z".parse().unwrap();
        for zone in ["Europe/Berlin", "America/New_York"] {
            let tz = parse_time_zone(zone).unwrap();
            for cal in &calendars {
                let tl = Timeline::new(cal, &tz, from, to);
                let mut seed = 11u64;
                for _ in 0..2_000 {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let start = plus_ms(from, ((seed >> 20) % (120 * 86_400_000)) as i64);
                    let ms = ((seed >> 8) % (20 * 540 * 60_000)) as i64;
                    if let Some(fast) = tl.add_ms(start, ms) {
                        assert_eq!(
                            fast,
                            add_business_ms(cal, &tz, start, ms),
                            "{zone} {start} + {ms}"
                        );
                    }
                }
                let late: Timestamp = "2027-03-30T00:00:00Z".parse().unwrap();
                assert_eq!(
                    tl.add_ms(late, 60 * 86_400_000),
                    None,
                    "past the window: walk"
                );
                assert_eq!(tl.add_ms(from, -1), None, "backwards: walk");
            }
        }
    }
}
