//! Who is available now, and why not.
//!
//! # Model
//! A staff member's [`StaffSettings`] (weekly hours, categories they take, a cap
//! on open tickets, the Available/Away switch) plus their time off, account state
//! and live counts form a [`StaffState`], which the store fills in. They are
//! *available now* when all of these hold, checked in this order so the reason
//! given is the most telling one:
//! 1. their account is active;
//! 2. no time off covers now;
//! 3. their switch says Available (not Away);
//! 4. they are on shift now ([`super::shifts`]);
//! 5. their open tickets (new, open, in progress) are under their cap.
//!
//! [`Availability::describe`] puts the answer in words in the organization's zone
//! ("on shift until 17:00", "time off until 3 Dec"). The reason for time off is
//! not repeated there: it may be private (sickness), and decisions are shown to
//! other staff.
//!
//! # JSON (settings)
//! `{"hours": {"mon": [["08:00","17:00"]]}, "categories": [3, 7], "cap": 5,
//! "available": true}`; `categories: []` takes every category, `cap: null` means
//! no cap, `cap: 0` takes no automatic assignments.

use super::category::Problems;
use super::ids::UserId;
use super::role::Tier;
use super::schedule::WeeklyHours;
use super::time_off::{away_until, TimeOff};
use super::zone::describe_instant;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

/// More categories than this in one person's list is a mistake.
pub const MAX_CATEGORIES: usize = 500;

/// What an admin sets for one staff member (time off is kept apart: it is a list
/// that grows entry by entry).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffSettings {
    pub hours: WeeklyHours,
    /// Category ids they take; empty means all.
    pub categories: Vec<i64>,
    /// Most open tickets automatic assignment gives them; `None` is no limit.
    pub cap: Option<u32>,
    /// The Available/Away switch.
    pub available: bool,
}

impl StaffSettings {
    /// Parses the JSON in the module docs; every field is required but
    /// `categories` (default all), `cap` (default none) and `available` (default
    /// true). Problems are keyed `hours.mon.0`, `categories`, `cap`, `available`.
    pub fn parse(v: &Value) -> Result<StaffSettings, Problems> {
        let mut problems = Problems::new();
        let hours = match v.get("hours") {
            Some(h) => WeeklyHours::parse("hours", h).map_err(|mut p| problems.append(&mut p)),
            None => {
                problems.push(("hours".into(), "Enter the weekly hours.".into()));
                Err(())
            }
        };
        let mut categories = Vec::new();
        match v.get("categories") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) if list.len() <= MAX_CATEGORIES => {
                for c in list {
                    match c.as_i64().filter(|id| *id > 0) {
                        Some(id) if !categories.contains(&id) => categories.push(id),
                        Some(_) => {}
                        None => {
                            let m = "Categories are a list of category ids.";
                            problems.push(("categories".into(), m.into()));
                            break;
                        }
                    }
                }
            }
            Some(_) => {
                let m = format!("Categories are a list of at most {MAX_CATEGORIES} ids.");
                problems.push(("categories".into(), m));
            }
        }
        let cap = match v.get("cap") {
            None | Some(Value::Null) => None,
            Some(c) => match c.as_i64().map(u32::try_from) {
                Some(Ok(n)) => Some(n),
                _ => {
                    let m = "The cap is a whole number of open tickets, 0 or more, or null.";
                    problems.push(("cap".into(), m.into()));
                    None
                }
            },
        };
        let available = match v.get("available") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                problems.push(("available".into(), "Available is true or false.".into()));
                true
            }
        };
        match hours {
            Ok(hours) if problems.is_empty() => Ok(StaffSettings {
                hours,
                categories,
                cap,
                available,
            }),
            _ => Err(problems),
        }
    }

    pub fn to_json(&self) -> Value {
        json!({"hours": self.hours.to_json(), "categories": self.categories,
               "cap": self.cap, "available": self.available})
    }
}

/// Everything availability and assignment need to know about one staff member
/// at one moment; the store builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffState {
    pub id: UserId,
    pub name: String,
    /// The account may sign in and work (not deactivated).
    pub active: bool,
    pub tier: Tier,
    pub settings: StaffSettings,
    pub time_off: Vec<TimeOff>,
    /// Tickets assigned to them in new, open or in progress.
    pub open_tickets: u32,
    /// When a ticket was last assigned to them (by anyone); `None` if never.
    pub last_assigned_at: Option<Timestamp>,
}

/// Whether someone is available now, and if not the first reason why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Available; `shift_end` is `None` for round-the-clock hours.
    Available { shift_end: Option<Timestamp> },
    /// The account is deactivated.
    Inactive,
    /// Time off covers now, until `until` (chained entries joined).
    TimeOff { until: Timestamp, reason: String },
    /// Switched to Away.
    Away,
    /// Not on shift; `next_start` is `None` when no shift starts within a week.
    OffShift { next_start: Option<Timestamp> },
    /// At or over their cap of open tickets.
    Full { open: u32, cap: u32 },
}

impl Availability {
    pub fn is_available(&self) -> bool {
        matches!(self, Availability::Available { .. })
    }

    /// A short phrase in the organization's zone, relative to `now`.
    pub fn describe(&self, tz: &TimeZone, now: Timestamp) -> String {
        let when = |t: &Timestamp| describe_instant(tz, now, *t);
        match self {
            Availability::Available { shift_end: Some(t) } => format!("on shift until {}", when(t)),
            Availability::Available { shift_end: None } => "on shift around the clock".into(),
            Availability::Inactive => "account deactivated".into(),
            Availability::TimeOff { until, .. } => format!("time off until {}", when(until)),
            Availability::Away => "switched to Away".into(),
            Availability::OffShift {
                next_start: Some(t),
            } => {
                format!("off shift until {}", when(t))
            }
            // Weekly hours always have a shift within the look-ahead, so none means
            // none are set: say so, since that is what the reader can fix.
            Availability::OffShift { next_start: None } => "no working hours set".into(),
            Availability::Full { open, cap } => format!("at their cap ({open} of {cap} open)"),
        }
    }
}

impl StaffState {
    /// Availability at `now` (see the module docs for the order of checks).
    pub fn availability(&self, tz: &TimeZone, now: Timestamp) -> Availability {
        if !self.active {
            return Availability::Inactive;
        }
        if let Some(off) = away_until(&self.time_off, now) {
            return Availability::TimeOff {
                until: off.end(),
                reason: off.reason().to_string(),
            };
        }
        if !self.settings.available {
            return Availability::Away;
        }
        let hours = &self.settings.hours;
        // Round-the-clock hours need no walk over a week of shifts to find a gap.
        let shift_end = if hours.is_always() {
            None
        } else {
            match hours.shift_end_after(tz, now) {
                Some(end) => Some(end),
                None => {
                    return Availability::OffShift {
                        next_start: hours.next_shift_start(tz, now),
                    }
                }
            }
        };
        if let Some(cap) = self.settings.cap.filter(|cap| self.open_tickets >= *cap) {
            return Availability::Full {
                open: self.open_tickets,
                cap,
            };
        }
        Availability::Available { shift_end }
    }

    /// The next instant after `now` at which this person's availability may
    /// change by the clock alone (a shift starts or ends, time off starts or
    /// ends), so the jobs thread can sleep until then and retry waiting tickets.
    /// Changes by people (the switch, the cap, a closed ticket) are events, not
    /// times, and are not included. `None`: nothing is scheduled within a week.
    pub fn next_change(&self, tz: &TimeZone, now: Timestamp) -> Option<Timestamp> {
        let hours = &self.settings.hours;
        let shift = if hours.is_always() {
            None
        } else {
            hours.shift_end_after(tz, now)
        };
        let time_off = self.time_off.iter().flat_map(|t| [t.start(), t.end()]);
        [shift, hours.next_shift_start(tz, now)]
            .into_iter()
            .flatten()
            .chain(time_off.filter(|t| *t > now))
            .min()
    }

    /// Takes tickets of `category` (`None`: a ticket without one, which anyone takes).
    pub fn takes(&self, category: Option<i64>) -> bool {
        let list = &self.settings.categories;
        list.is_empty() || category.map_or(true, |c| list.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::super::zone::parse_time_zone;
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn alan() -> StaffState {
        let settings =
            StaffSettings::parse(&json!({"hours": {"mon": [["08:00", "17:00"]]}, "cap": 3}))
                .unwrap();
        StaffState {
            id: UserId(1),
            name: "Alan Agent".into(),
            active: true,
            tier: Tier::FIRST,
            settings,
            time_off: vec![],
            open_tickets: 2,
            last_assigned_at: None,
        }
    }

    #[test]
    fn available_when_active_on_shift_switched_on_and_under_the_cap() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let now = ts("2026-11-30T09:00:00Z"); // Monday 10:00 in Berlin
        let a = alan().availability(&tz, now);
        assert!(a.is_available());
        assert_eq!(a.describe(&tz, now), "on shift until 17:00");
        let evening = ts("2026-11-30T17:00:00Z");
        assert_eq!(
            alan().availability(&tz, evening).describe(&tz, evening),
            "off shift until 7 Dec 08:00"
        );
    }

    #[test]
    fn each_reason_for_not_being_available_is_named() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let now = ts("2026-11-30T09:00:00Z");
        let mut full = alan();
        full.open_tickets = 3;
        assert_eq!(
            full.availability(&tz, now),
            Availability::Full { open: 3, cap: 3 }
        );
        let mut away = alan();
        away.settings.available = false;
        assert_eq!(away.availability(&tz, now), Availability::Away);
        let mut gone = away.clone();
        gone.active = false;
        assert_eq!(gone.availability(&tz, now), Availability::Inactive);
        let mut leave = away;
        let off = TimeOff::new(
            ts("2026-11-29T23:00:00Z"),
            ts("2026-12-02T23:00:00Z"),
            "Sick",
        );
        leave.time_off.push(off.unwrap());
        let a = leave.availability(&tz, now);
        assert_eq!(
            a.describe(&tz, now),
            "time off until 3 Dec",
            "time off wins over Away"
        );
    }

    #[test]
    fn the_next_change_is_the_nearest_shift_edge_or_time_off_edge() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let mut s = alan();
        let now = ts("2026-11-30T09:00:00Z");
        assert_eq!(
            s.next_change(&tz, now),
            Some(ts("2026-11-30T16:00:00Z")),
            "shift end"
        );
        let off = TimeOff::new(
            ts("2026-11-30T12:00:00Z"),
            ts("2026-11-30T13:00:00Z"),
            "Dentist",
        );
        s.time_off.push(off.unwrap());
        assert_eq!(s.next_change(&tz, now), Some(ts("2026-11-30T12:00:00Z")));
        let evening = ts("2026-11-30T18:00:00Z");
        assert_eq!(
            s.next_change(&tz, evening),
            Some(ts("2026-12-07T07:00:00Z")),
            "next Monday"
        );
    }

    #[test]
    fn an_empty_category_list_takes_every_category() {
        let mut s = alan();
        assert!(s.takes(Some(4)) && s.takes(None));
        s.settings.categories = vec![7];
        assert!(s.takes(Some(7)) && !s.takes(Some(4)) && s.takes(None));
    }

    #[test]
    fn bad_settings_name_their_fields() {
        let p = StaffSettings::parse(&json!({"hours": {"mon": [["18:00", "18:00"]]}, "cap": -1,
                                              "categories": ["x"], "available": "yes"}))
        .unwrap_err();
        let keys: Vec<_> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["hours.mon.0", "categories", "cap", "available"]);
        let ok = StaffSettings::parse(&json!({"hours": {}, "cap": 0})).unwrap();
        assert_eq!((ok.cap, ok.available), (Some(0), true));
        assert_eq!(StaffSettings::parse(&ok.to_json()), Ok(ok));
    }
}
