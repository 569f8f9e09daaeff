//! Automatic assignment: who gets a ticket nobody has picked, and why.
//!
//! # Model
//! [`choose`] looks at every staff member's [`StaffState`] at one instant. A
//! person is eligible when their tier is at least the ticket's, they take its
//! category, and they are available now ([`super::availability`]). Among the
//! eligible it picks, in order: fewest open tickets, then the longest since their
//! last assignment (never assigned counts as longest), then the lowest user id.
//! Every input is an argument, so the same staff and instant always give the same
//! choice, and a test can replay it. Nobody eligible: the ticket waits, and the
//! jobs thread asks again when a shift starts or someone switches to Available.
//!
//! The [`Decision`] carries the reason in words, for the ticket's history:
//! "Assigned automatically to Alan Agent: on shift until 17:00, 2 open. Skipped
//! Bea: time off until 3 Dec." Times are in the organization's zone.

use super::availability::StaffState;
use super::ids::UserId;
use super::role::Tier;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// How many skipped people the reason text names before "and N more".
pub const SKIPPED_IN_TEXT: usize = 5;

/// Someone who could not take the ticket, and why ("time off until 3 Dec").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub id: UserId,
    pub name: String,
    pub reason: String,
}

/// The outcome of one automatic assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Who gets the ticket; `None`: it waits.
    pub chosen: Option<UserId>,
    /// The whole decision in a sentence or two, for the history and the screen.
    pub reason: String,
    /// Everyone not eligible, lowest id first.
    pub skipped: Vec<Skipped>,
}

/// Chooses who gets a ticket needing `tier` in `category` (`None`: uncategorized)
/// among `staff` at `now`; see the module docs for the rules.
pub fn choose(
    tier: Tier,
    category: Option<i64>,
    staff: &[StaffState],
    tz: &TimeZone,
    now: Timestamp,
) -> Decision {
    let mut skipped = Vec::new();
    let mut best: Option<(&StaffState, String)> = None;
    for s in staff {
        let why_not = if s.tier < tier {
            Some(format!(
                "tier {}, the ticket needs {}",
                s.tier.get(),
                tier.get()
            ))
        } else if !s.takes(category) {
            Some("does not take this category".to_string())
        } else {
            let a = s.availability(tz, now);
            if a.is_available() {
                if best.as_ref().map_or(true, |(b, _)| fairer(s, b)) {
                    best = Some((s, a.describe(tz, now)));
                }
                None
            } else {
                Some(a.describe(tz, now))
            }
        };
        if let Some(reason) = why_not {
            skipped.push(Skipped {
                id: s.id,
                name: s.name.clone(),
                reason,
            });
        }
    }
    skipped.sort_by_key(|s| s.id);
    let mut reason = match &best {
        Some((s, shift)) => format!(
            "Assigned automatically to {}: {shift}, {} open.",
            s.name, s.open_tickets
        ),
        None if staff.is_empty() => {
            "Nobody is available, so the ticket waits: no staff yet.".into()
        }
        None => "Nobody is available, so the ticket waits.".into(),
    };
    if !skipped.is_empty() {
        let named: Vec<String> = skipped
            .iter()
            .take(SKIPPED_IN_TEXT)
            .map(|s| format!("{}: {}", s.name, s.reason))
            .collect();
        reason.push_str(" Skipped ");
        reason.push_str(&named.join("; "));
        if skipped.len() > SKIPPED_IN_TEXT {
            reason.push_str(&format!("; and {} more", skipped.len() - SKIPPED_IN_TEXT));
        }
        reason.push('.');
    }
    Decision {
        chosen: best.map(|(s, _)| s.id),
        reason,
        skipped,
    }
}

/// `a` goes before `b`: fewer open tickets, then longer since the last
/// assignment (never is longest), then the lower id.
fn fairer(a: &StaffState, b: &StaffState) -> bool {
    let key = |s: &StaffState| (s.open_tickets, s.last_assigned_at, s.id);
    key(a) < key(b)
}

#[cfg(test)]
mod tests {
    use super::super::availability::StaffSettings;
    use super::super::time_off::TimeOff;
    use super::super::zone::parse_time_zone;
    use super::*;
    use serde_json::json;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn person(id: i64, name: &str, open: u32) -> StaffState {
        let hours = json!({"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]]});
        StaffState {
            id: UserId(id),
            name: name.into(),
            active: true,
            tier: Tier::FIRST,
            settings: StaffSettings::parse(&json!({"hours": hours})).unwrap(),
            time_off: vec![],
            open_tickets: open,
            last_assigned_at: None,
        }
    }

    /// Monday 30 Nov 2026, 10:00 in Berlin.
    fn monday_morning() -> (TimeZone, Timestamp) {
        (
            parse_time_zone("Europe/Berlin").unwrap(),
            ts("2026-11-30T09:00:00Z"),
        )
    }

    #[test]
    fn the_available_person_with_fewest_open_tickets_gets_it_with_reasons() {
        let (tz, now) = monday_morning();
        let mut bea = person(2, "Bea", 0);
        let off = TimeOff::new(
            ts("2026-11-29T23:00:00Z"),
            ts("2026-12-02T23:00:00Z"),
            "Leave",
        );
        bea.time_off.push(off.unwrap());
        let staff = [person(1, "Alan Agent", 2), bea, person(3, "Carl", 4)];
        let d = choose(Tier::FIRST, Some(5), &staff, &tz, now);
        assert_eq!(d.chosen, Some(UserId(1)));
        assert_eq!(
            d.reason,
            "Assigned automatically to Alan Agent: on shift until 17:00, 2 open. \
             Skipped Bea: time off until 3 Dec."
        );
    }

    #[test]
    fn ties_go_to_the_longest_idle_then_the_lowest_id() {
        let (tz, now) = monday_morning();
        let mut a = person(1, "A", 1);
        let mut b = person(2, "B", 1);
        let c = person(3, "C", 1);
        a.last_assigned_at = Some(ts("2026-11-30T08:00:00Z"));
        b.last_assigned_at = Some(ts("2026-11-30T07:00:00Z"));
        assert_eq!(
            choose(
                Tier::FIRST,
                None,
                &[a.clone(), b.clone(), c.clone()],
                &tz,
                now
            )
            .chosen,
            Some(UserId(3)),
            "never assigned"
        );
        assert_eq!(
            choose(Tier::FIRST, None, &[a.clone(), b.clone()], &tz, now).chosen,
            Some(UserId(2))
        );
        b.last_assigned_at = a.last_assigned_at;
        assert_eq!(
            choose(Tier::FIRST, None, &[b, a], &tz, now).chosen,
            Some(UserId(1))
        );
    }

    #[test]
    fn tier_category_and_cap_make_people_ineligible_and_the_ticket_waits() {
        let (tz, now) = monday_morning();
        let mut picky = person(1, "Pia", 0);
        picky.settings.categories = vec![9];
        let mut full = person(2, "Fred", 3);
        full.settings.cap = Some(3);
        let mut senior = person(3, "Sam", 0);
        senior.tier = Tier::TOP;
        let staff = [picky, full, senior];
        let d = choose(Tier::TOP, Some(5), &staff, &tz, now);
        assert_eq!(d.chosen, Some(UserId(3)));
        let d = choose(Tier::TOP, Some(5), &staff[..2], &tz, now);
        assert_eq!(d.chosen, None);
        assert_eq!(
            d.reason,
            "Nobody is available, so the ticket waits. Skipped Pia: tier 1, the ticket needs 3; \
             Fred: tier 1, the ticket needs 3."
        );
        let d = choose(Tier::FIRST, Some(5), &staff[..2], &tz, now);
        let reasons: Vec<_> = d.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            reasons,
            ["does not take this category", "at their cap (3 of 3 open)"]
        );
    }

    #[test]
    fn off_shift_people_are_skipped_with_their_next_start_and_long_lists_are_cut() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let evening = ts("2026-11-30T18:00:00Z");
        let staff: Vec<_> = (1..=7).map(|i| person(i, &format!("P{i}"), 0)).collect();
        let d = choose(Tier::FIRST, None, &staff, &tz, evening);
        assert_eq!(d.chosen, None);
        assert_eq!(d.skipped.len(), 7);
        assert_eq!(d.skipped[0].reason, "off shift until 1 Dec 08:00");
        assert!(d.reason.ends_with("; and 2 more."), "{}", d.reason);
        assert_eq!(choose(Tier::FIRST, None, &[], &tz, evening).chosen, None);
    }
}
