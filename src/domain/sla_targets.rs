//! SLA targets: per priority, how many business minutes a ticket may wait for the
//! first public staff reply and for its resolution. The clocks that count against
//! them are [`super::sla`].
//!
//! # Defaults
//! | priority | first response | resolution |
//! |----------|----------------|------------|
//! | urgent   | 1 h            | 4 h        |
//! | high     | 4 h            | 1 day      |
//! | normal   | 8 h            | 3 days     |
//! | low      | 2 days         | 10 days    |
//!
//! A "day" is one business day of the organization's calendar,
//! [`BusinessCalendar::day_minutes`]: 9 hours for the default Monday-Friday
//! 08:00-17:00 desk, 24 hours round the clock. So "1 day" means "by this time
//! on the next working day" whatever the desk's hours, which is what people mean.
//! Targets are stored in minutes once set, so changing the hours later does not
//! move targets an admin typed.
//!
//! # JSON
//! `{"urgent": {"first_response": 60, "resolution": 240}, "high": {...}, ...}`,
//! business minutes; a missing priority keeps its default. Problems are keyed
//! `urgent.first_response`.

use super::business_time::BusinessCalendar;
use super::category::Problems;
use super::ticket::Priority;
use serde_json::{json, Map, Value};

/// The longest target: a year of round-the-clock minutes.
pub const TARGET_MAX_MINUTES: i64 = 366 * 1440;

/// Which promise a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlaKind {
    /// Until the first public reply by staff.
    FirstResponse,
    /// Until the ticket is resolved.
    Resolution,
}

impl SlaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaKind::FirstResponse => "first_response",
            SlaKind::Resolution => "resolution",
        }
    }
}

/// Business minutes allowed for one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub first_response: i64,
    pub resolution: i64,
}

/// Targets for every priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaTargets {
    /// Indexed by [`Priority::rank`].
    by_priority: [Target; 4],
}

impl SlaTargets {
    /// The defaults in the module docs, days measured by `cal`.
    pub fn defaults(cal: &BusinessCalendar) -> SlaTargets {
        let day = cal.day_minutes();
        let t = |first_response, resolution| Target {
            first_response,
            resolution,
        };
        SlaTargets {
            by_priority: [
                t(2 * day, 10 * day), // low
                t(8 * 60, 3 * day),   // normal
                t(4 * 60, day),       // high
                t(60, 4 * 60),        // urgent
            ],
        }
    }

    /// Business minutes allowed for `kind` at `priority`.
    pub fn minutes(&self, priority: Priority, kind: SlaKind) -> i64 {
        let t = self.by_priority[priority.rank() as usize];
        match kind {
            SlaKind::FirstResponse => t.first_response,
            SlaKind::Resolution => t.resolution,
        }
    }

    pub fn target(&self, priority: Priority) -> Target {
        self.by_priority[priority.rank() as usize]
    }

    /// Parses the JSON in the module docs over `base` (the current targets).
    pub fn parse(base: &SlaTargets, v: &Value) -> Result<SlaTargets, Problems> {
        let Some(obj) = v.as_object() else {
            let m = "Targets are an object keyed by priority.";
            return Err(vec![("targets".into(), m.into())]);
        };
        let mut problems = Problems::new();
        let mut out = base.clone();
        for (key, entry) in obj {
            let Ok(priority) = Priority::try_from(key.as_str()) else {
                problems.push((key.clone(), "Use low, normal, high or urgent.".into()));
                continue;
            };
            let target = &mut out.by_priority[priority.rank() as usize];
            for (kind, slot) in [
                (SlaKind::FirstResponse, &mut target.first_response),
                (SlaKind::Resolution, &mut target.resolution),
            ] {
                match entry.get(kind.as_str()) {
                    None | Some(Value::Null) => {}
                    Some(n) => match n.as_i64().filter(|n| (1..=TARGET_MAX_MINUTES).contains(n)) {
                        Some(n) => *slot = n,
                        None => problems.push((
                            format!("{key}.{}", kind.as_str()),
                            format!(
                                "A target is a whole number of minutes, 1 to {TARGET_MAX_MINUTES}."
                            ),
                        )),
                    },
                }
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for p in Priority::ALL {
            let t = self.target(p);
            out.insert(
                p.as_str().into(),
                json!({"first_response": t.first_response, "resolution": t.resolution}),
            );
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_days_are_the_calendars_business_days() {
        let office = SlaTargets::defaults(&BusinessCalendar::office());
        assert_eq!(office.minutes(Priority::Urgent, SlaKind::FirstResponse), 60);
        assert_eq!(office.minutes(Priority::High, SlaKind::Resolution), 540);
        assert_eq!(
            office.minutes(Priority::Normal, SlaKind::Resolution),
            3 * 540
        );
        assert_eq!(
            office.minutes(Priority::Low, SlaKind::FirstResponse),
            2 * 540
        );
        let always = BusinessCalendar::new(super::super::schedule::WeeklyHours::always(), vec![]);
        let always = SlaTargets::defaults(&always.unwrap());
        assert_eq!(
            always.minutes(Priority::Low, SlaKind::Resolution),
            10 * 1440
        );
    }

    #[test]
    fn targets_of_zero_or_below_name_their_field() {
        let base = SlaTargets::defaults(&BusinessCalendar::office());
        let p = SlaTargets::parse(
            &base,
            &json!({"urgent": {"first_response": 0}, "high": {"resolution": -5}, "asap": {}}),
        )
        .unwrap_err();
        let mut keys: Vec<_> = p.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort();
        assert_eq!(keys, ["asap", "high.resolution", "urgent.first_response"]);
        let t = SlaTargets::parse(&base, &json!({"urgent": {"resolution": 120}})).unwrap();
        assert_eq!(t.minutes(Priority::Urgent, SlaKind::Resolution), 120);
        assert_eq!(
            t.minutes(Priority::Urgent, SlaKind::FirstResponse),
            60,
            "kept"
        );
        assert_eq!(SlaTargets::parse(&base, &t.to_json()), Ok(t));
    }
}
