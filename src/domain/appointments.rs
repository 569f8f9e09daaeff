//! Appointments on the staff calendar: what one is (title, start, end, location,
//! ticket, the staff taking part, notes, whether the requester sees it), how a
//! request body becomes one, and the conflict rules that decide when creating or
//! moving one answers 409.
//!
//! # JSON
//! `{"title": "Replace the printer", "start": "2026-12-03T10:00", "end":
//! "2026-12-03T10:30", "location": "Room 2", "ticket": 42, "participants": [3, 7],
//! "notes": "", "visible_to_requester": true}`. Times are read like time off
//! ([`super::time_off::parse_instant`]): local `YYYY-MM-DDTHH:MM` in the
//! organization's zone, or RFC 3339 instants. `ticket` is the per-organization
//! ticket number. An edit ([`Draft::parse`] with a base) changes only the fields
//! it names; `"ticket": null` unlinks the ticket.
//!
//! # Conflicts
//! [`conflicts`] is pure: the API hands it each participant's weekly hours, time
//! off and other appointments, and it answers what clashes, in this order per
//! person: another appointment overlapping (start inclusive, end exclusive, so
//! back-to-back visits do not clash), time off overlapping, and any part of the
//! appointment outside their working hours read in the organization's zone (a
//! person with no hours at all is not checked: nothing is known about them).
//! Working hours are real instants from [`super::shifts`], so a daylight-saving
//! change moves them with the wall clock.

use super::category::Problems;
use super::schedule::WeeklyHours;
use super::ticket::bounded_text;
use super::time_off::{parse_instant, TimeOff};
use super::UserId;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

pub const TITLE_MAX: usize = 200;
pub const LOCATION_MAX: usize = 200;
pub const NOTES_MAX: usize = 4000;
/// More people than this on one appointment is a meeting, not a visit.
pub const MAX_PARTICIPANTS: usize = 50;
/// The longest appointment: two weeks (a project on site, not a standing block).
pub const MAX_LENGTH_MS: i64 = 14 * 86_400_000;
/// The widest window `GET /api/calendar` answers: a month view's six weeks fit,
/// two months do, a year does not (it would be one huge answer).
pub const MAX_WINDOW_MS: i64 = 62 * 86_400_000;

/// A checked appointment, before or after it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub location: String,
    /// The ticket's per-organization number.
    pub ticket: Option<i64>,
    pub participants: Vec<UserId>,
    pub notes: String,
    pub visible_to_requester: bool,
}

fn text(v: &Value, key: &str, max: usize, what: &str, p: &mut Problems) -> Option<String> {
    match v.get(key) {
        None => None,
        Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Some(String::new()),
        Some(Value::String(s)) => match bounded_text(s, max, what) {
            Ok(t) => Some(t),
            Err(e) => {
                p.push((key.into(), e));
                None
            }
        },
        Some(_) => {
            p.push((key.into(), format!("{what} is text.")));
            None
        }
    }
}

impl Draft {
    /// Parses a body; with `base`, fields left out keep the base's value (an
    /// edit). Problems are keyed like the JSON; `end` names an end before the
    /// start or a length past [`MAX_LENGTH_MS`].
    pub fn parse(tz: &TimeZone, v: &Value, base: Option<&Draft>) -> Result<Draft, Problems> {
        let mut p = Problems::new();
        if !v.is_object() {
            return Err(vec![("body".into(), "Send an object.".into())]);
        }
        let title = match text(v, "title", TITLE_MAX, "a title", &mut p) {
            Some(t) if t.is_empty() => {
                p.push(("title".into(), "Enter a title.".into()));
                None
            }
            Some(t) => Some(t),
            None if base.is_none() && v.get("title").is_none() => {
                p.push(("title".into(), "Enter a title.".into()));
                None
            }
            None => base.map(|b| b.title.clone()),
        };
        let mut instant = |key: &str, old: Option<Timestamp>| match v.get(key) {
            None if old.is_some() => old,
            Some(Value::String(s)) if parse_instant(tz, s).is_some() => parse_instant(tz, s),
            _ => {
                let m = "Enter a date and time like 2026-12-03T10:00.";
                p.push((key.to_string(), m.into()));
                None
            }
        };
        let start = instant("start", base.map(|b| b.start));
        let end = instant("end", base.map(|b| b.end));
        let location = text(v, "location", LOCATION_MAX, "a location", &mut p)
            .or_else(|| base.map(|b| b.location.clone()));
        let notes =
            text(v, "notes", NOTES_MAX, "notes", &mut p).or_else(|| base.map(|b| b.notes.clone()));
        let ticket = match v.get("ticket") {
            None => base.and_then(|b| b.ticket),
            Some(Value::Null) => None,
            Some(n) => match n.as_i64().filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    p.push(("ticket".into(), "A ticket is its number.".into()));
                    None
                }
            },
        };
        let participants = match v.get("participants") {
            None => base.map(|b| b.participants.clone()).unwrap_or_default(),
            Some(Value::Array(list)) if list.len() <= MAX_PARTICIPANTS => {
                let mut ids = Vec::new();
                for x in list {
                    match x.as_i64().filter(|n| *n > 0) {
                        Some(id) if !ids.contains(&UserId(id)) => ids.push(UserId(id)),
                        Some(_) => {}
                        None => {
                            let m = "Participants are a list of user ids.";
                            p.push(("participants".into(), m.into()));
                            break;
                        }
                    }
                }
                ids
            }
            Some(_) => {
                let m = format!("Participants are a list of at most {MAX_PARTICIPANTS} user ids.");
                p.push(("participants".into(), m));
                Vec::new()
            }
        };
        if participants.is_empty() && !p.iter().any(|(k, _)| k == "participants") {
            let m = "Choose at least one staff member.";
            p.push(("participants".into(), m.into()));
        }
        let visible_to_requester = match v.get("visible_to_requester") {
            None => base.is_some_and(|b| b.visible_to_requester),
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                let m = "This is true or false.";
                p.push(("visible_to_requester".into(), m.into()));
                false
            }
        };
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                p.push((
                    "end".into(),
                    "An appointment must end after it starts.".into(),
                ));
            } else if e.as_millisecond() - s.as_millisecond() > MAX_LENGTH_MS {
                let m = "An appointment lasts at most 14 days.";
                p.push(("end".into(), m.into()));
            }
        }
        match (title, start, end) {
            (Some(title), Some(start), Some(end)) if p.is_empty() => Ok(Draft {
                title,
                start,
                end,
                location: location.unwrap_or_default(),
                ticket,
                participants,
                notes: notes.unwrap_or_default(),
                visible_to_requester,
            }),
            _ => Err(p),
        }
    }
}

/// Another appointment of a participant, as the conflict rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub id: i64,
    pub title: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// What the rules know of one participant.
#[derive(Debug, Clone)]
pub struct Participant<'a> {
    pub id: UserId,
    pub hours: &'a WeeklyHours,
    pub time_off: &'a [TimeOff],
    /// Their other live (not cancelled) appointments near the new one.
    pub booked: &'a [Booked],
}

/// Why an appointment clashes with one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Overlaps another appointment of theirs.
    Overlap { user: UserId, other: Booked },
    /// Overlaps their time off (the reason is not repeated: it may be private).
    TimeOff {
        user: UserId,
        start: Timestamp,
        end: Timestamp,
    },
    /// Some of it falls outside their working hours.
    OutsideHours { user: UserId },
}

/// Whether two half-open stretches share an instant.
pub fn overlaps(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Whether `hours` cover all of `start..end` (touching shifts join).
pub fn within_hours(hours: &WeeklyHours, tz: &TimeZone, start: Timestamp, end: Timestamp) -> bool {
    let mut covered_to = start;
    for shift in hours.shifts_from(tz, start, |_| false) {
        if shift.end <= covered_to {
            continue;
        }
        if shift.start > covered_to {
            return false;
        }
        covered_to = shift.end;
        if covered_to >= end {
            return true;
        }
    }
    false
}

/// Every conflict of `start..end` for `people`, in the order of the module docs.
/// `hours` with no interval at all are not checked.
pub fn conflicts(
    tz: &TimeZone,
    start: Timestamp,
    end: Timestamp,
    people: &[Participant<'_>],
) -> Vec<Conflict> {
    let mut out = Vec::new();
    for p in people {
        for b in p.booked {
            if overlaps((start, end), (b.start, b.end)) {
                out.push(Conflict::Overlap {
                    user: p.id,
                    other: b.clone(),
                });
            }
        }
        for t in p.time_off {
            if overlaps((start, end), (t.start(), t.end())) {
                out.push(Conflict::TimeOff {
                    user: p.id,
                    start: t.start(),
                    end: t.end(),
                });
            }
        }
        if !p.hours.is_empty() && !within_hours(p.hours, tz, start, end) {
            out.push(Conflict::OutsideHours { user: p.id });
        }
    }
    out
}

impl Conflict {
    /// The conflict as the 409 answer lists it, with a sentence for the form.
    pub fn to_json(&self, name_of: impl Fn(UserId) -> String) -> Value {
        match self {
            Conflict::Overlap { user, other } => json!({
                "kind": "overlap", "user": {"id": user, "name": name_of(*user)},
                "appointment": {"id": other.id, "title": other.title,
                                "start": other.start.as_millisecond(),
                                "end": other.end.as_millisecond()},
                "message": format!("{} already has \u{201c}{}\u{201d} then.", name_of(*user), other.title),
            }),
            Conflict::TimeOff { user, start, end } => json!({
                "kind": "time_off", "user": {"id": user, "name": name_of(*user)},
                "start": start.as_millisecond(), "end": end.as_millisecond(),
                "message": format!("{} has time off then.", name_of(*user)),
            }),
            Conflict::OutsideHours { user } => json!({
                "kind": "outside_hours", "user": {"id": user, "name": name_of(*user)},
                "message": format!("This is outside {}'s working hours.", name_of(*user)),
            }),
        }
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// What a requester reads on their ticket, in the organization's zone:
/// "Visit scheduled: Tue 3 Dec, 10:00-10:30" (both days named when it runs past
/// midnight). Nothing else of the appointment (who, notes) is theirs to see.
pub fn visit_text(tz: &TimeZone, start: Timestamp, end: Timestamp) -> String {
    let (s, e) = (tz.to_datetime(start), tz.to_datetime(end));
    let day = |d: jiff::civil::DateTime| {
        format!(
            "{} {} {}",
            WEEKDAYS[d.weekday().to_monday_zero_offset() as usize],
            d.day(),
            MONTHS[(d.month() - 1) as usize]
        )
    };
    let clock = |d: jiff::civil::DateTime| format!("{:02}:{:02}", d.hour(), d.minute());
    if s.date() == e.date() {
        format!("Visit scheduled: {}, {}-{}", day(s), clock(s), clock(e))
    } else {
        format!(
            "Visit scheduled: {}, {} to {}, {}",
            day(s),
            clock(s),
            day(e),
            clock(e)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::zone::parse_time_zone;
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn hours(v: Value) -> WeeklyHours {
        WeeklyHours::parse("hours", &v).unwrap()
    }

    fn berlin() -> TimeZone {
        parse_time_zone("Europe/Berlin").unwrap()
    }

    #[test]
    fn a_body_becomes_a_draft_with_local_times_read_in_the_zone() {
        let d = Draft::parse(
            &berlin(),
            &json!({"title": " Printer ", "start": "2026-12-03T10:00", "end": "2026-12-03T10:30",
                    "ticket": 42, "participants": [3, 3, 7], "visible_to_requester": true}),
            None,
        )
        .unwrap();
        assert_eq!(d.title, "Printer");
        assert_eq!(d.start, ts("2026-12-03T09:00:00Z"));
        assert_eq!(d.participants, [UserId(3), UserId(7)], "duplicates dropped");
        assert_eq!(d.ticket, Some(42));
        let moved = Draft::parse(
            &berlin(),
            &json!({"start": "2026-12-03T11:00",
            "end": "2026-12-03T11:30", "ticket": null}),
            Some(&d),
        )
        .unwrap();
        assert_eq!(
            moved.title, "Printer",
            "an edit keeps what it does not name"
        );
        assert_eq!(moved.ticket, None, "null unlinks the ticket");
        assert!(moved.visible_to_requester);
    }

    #[test]
    fn bad_bodies_name_each_field() {
        let tz = berlin();
        let cases: [(Value, &[&str]); 6] = [
            (
                json!({"start": "x", "end": "2026-12-03T10:00", "participants": [1]}),
                &["start", "title"],
            ),
            (
                json!({"title": "a", "start": "2026-12-03T10:00", "end": "2026-12-03T09:00",
                    "participants": [1]}),
                &["end"],
            ),
            (
                json!({"title": "a", "start": "2026-12-01T10:00", "end": "2026-12-15T10:01",
                    "participants": [1]}),
                &["end"],
            ),
            (
                json!({"title": "a", "start": "2026-12-01T10:00", "end": "2026-12-01T11:00",
                    "participants": []}),
                &["participants"],
            ),
            (
                json!({"title": "a", "start": "2026-12-01T10:00", "end": "2026-12-01T11:00",
                    "participants": ["x"], "ticket": -1}),
                &["participants", "ticket"],
            ),
            (
                json!({"title": 5, "start": "2026-12-01T10:00", "end": "2026-12-01T11:00",
                    "participants": [1], "visible_to_requester": "yes"}),
                &["title", "visible_to_requester"],
            ),
        ];
        for (body, want) in cases {
            let mut keys: Vec<String> = Draft::parse(&tz, &body, None)
                .unwrap_err()
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            keys.sort();
            assert_eq!(keys, want, "{body}");
        }
        let exactly_14_days = json!({"title": "a", "start": "2026-12-01T10:00",
            "end": "2026-12-15T10:00", "participants": [1]});
        assert!(Draft::parse(&tz, &exactly_14_days, None).is_ok());
    }

    fn booked(id: i64, start: &str, end: &str) -> Booked {
        Booked {
            id,
            title: format!("visit {id}"),
            start: ts(start),
            end: ts(end),
        }
    }

    #[test]
    fn conflict_rules_in_a_table() {
        let tz = berlin();
        let office = hours(
            json!({"mon": [["08:00", "17:00"]], "tue": [["08:00", "12:00"], ["12:00", "17:00"]]}),
        );
        let none = WeeklyHours::default();
        let leave = [TimeOff::new(
            ts("2026-12-01T15:00:00Z"),
            ts("2026-12-02T00:00:00Z"),
            "Leave",
        )
        .unwrap()];
        let visits = [booked(9, "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z")];
        // Monday 30 Nov 2026 and Tuesday 1 Dec, Berlin is UTC+1.
        // start, end, hours, time off, other appointments, the conflicts expected.
        type Case<'a> = (
            &'a str,
            &'a str,
            &'a WeeklyHours,
            &'a [TimeOff],
            &'a [Booked],
            &'a [&'a str],
        );
        let cases: [Case<'_>; 8] = [
            (
                "2026-11-30T10:00:00Z",
                "2026-11-30T10:30:00Z",
                &office,
                &[],
                &visits,
                &[],
            ),
            (
                "2026-11-30T09:30:00Z",
                "2026-11-30T10:30:00Z",
                &office,
                &[],
                &visits,
                &["overlap"],
            ),
            (
                "2026-11-30T08:00:00Z",
                "2026-11-30T09:00:00Z",
                &office,
                &[],
                &visits,
                &[],
            ),
            (
                "2026-11-30T06:30:00Z",
                "2026-11-30T07:30:00Z",
                &office,
                &[],
                &[],
                &["outside_hours"],
            ),
            (
                "2026-11-30T15:30:00Z",
                "2026-11-30T16:30:00Z",
                &office,
                &[],
                &[],
                &["outside_hours"],
            ),
            (
                "2026-12-01T10:00:00Z",
                "2026-12-01T12:00:00Z",
                &office,
                &[],
                &[],
                &[],
            ),
            (
                "2026-12-01T14:30:00Z",
                "2026-12-01T15:30:00Z",
                &office,
                &leave,
                &[],
                &["time_off"],
            ),
            (
                "2026-12-05T10:00:00Z",
                "2026-12-05T11:00:00Z",
                &none,
                &[],
                &[],
                &[],
            ),
        ];
        for (start, end, h, off, b, want) in cases {
            let people = [Participant {
                id: UserId(1),
                hours: h,
                time_off: off,
                booked: b,
            }];
            let got: Vec<String> = conflicts(&tz, ts(start), ts(end), &people)
                .iter()
                .map(|c| {
                    c.to_json(|_| "Tom".into())["kind"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect();
            assert_eq!(got, want, "{start}..{end}");
        }
    }

    #[test]
    fn working_hours_follow_the_wall_clock_across_daylight_saving_changes() {
        let tz = berlin();
        let sundays = hours(json!({"sun": [["08:00", "10:00"]]}));
        // 29 March 2026: Berlin springs forward at 02:00, 08:00 local is 06:00 UTC.
        assert!(within_hours(
            &sundays,
            &tz,
            ts("2026-03-29T06:00:00Z"),
            ts("2026-03-29T08:00:00Z")
        ));
        assert!(!within_hours(
            &sundays,
            &tz,
            ts("2026-03-29T07:00:00Z"),
            ts("2026-03-29T09:00:00Z")
        ));
        // A week earlier, still winter time: 08:00 local is 07:00 UTC.
        assert!(!within_hours(
            &sundays,
            &tz,
            ts("2026-03-22T06:00:00Z"),
            ts("2026-03-22T08:00:00Z")
        ));
        assert!(within_hours(
            &sundays,
            &tz,
            ts("2026-03-22T07:00:00Z"),
            ts("2026-03-22T09:00:00Z")
        ));
        // 25 October 2026: back to UTC+1; a night shift 00:00-04:00 is five real hours.
        let night = hours(json!({"sun": [["00:00", "04:00"]]}));
        assert!(within_hours(
            &night,
            &tz,
            ts("2026-10-24T22:00:00Z"),
            ts("2026-10-25T03:00:00Z")
        ));
        assert!(!within_hours(
            &night,
            &tz,
            ts("2026-10-24T22:00:00Z"),
            ts("2026-10-25T03:01:00Z")
        ));
        let people = [Participant {
            id: UserId(1),
            hours: &night,
            time_off: &[],
            booked: &[],
        }];
        assert!(conflicts(
            &tz,
            ts("2026-10-25T02:00:00Z"),
            ts("2026-10-25T03:00:00Z"),
            &people
        )
        .is_empty());
    }

    #[test]
    fn a_requester_reads_the_visit_in_the_organizations_zone() {
        let tz = berlin();
        let (s, e) = (ts("2026-12-01T09:00:00Z"), ts("2026-12-01T09:30:00Z"));
        assert_eq!(
            visit_text(&tz, s, e),
            "Visit scheduled: Tue 1 Dec, 10:00-10:30"
        );
        let late = ts("2026-12-02T08:00:00Z");
        assert_eq!(
            visit_text(&tz, s, late),
            "Visit scheduled: Tue 1 Dec, 10:00 to Wed 2 Dec, 09:00"
        );
    }

    #[test]
    fn overnight_and_round_the_clock_hours_cover_across_midnight() {
        let tz = berlin();
        let night = hours(json!({"mon": [["22:00", "06:00"]]}));
        assert!(within_hours(
            &night,
            &tz,
            ts("2026-11-30T22:00:00Z"),
            ts("2026-12-01T04:00:00Z")
        ));
        let always = WeeklyHours::always();
        assert!(within_hours(
            &always,
            &tz,
            ts("2026-11-30T22:00:00Z"),
            ts("2026-12-10T04:00:00Z")
        ));
    }
}
