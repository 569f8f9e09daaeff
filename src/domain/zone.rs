//! The organization's time zone, and how instants are put into words in it.
//!
//! Shifts, time off and business hours are wall-clock times in one IANA zone per
//! organization ("Europe/Berlin"). Zones come from the tz database bundled into
//! the binary by `jiff` ([`TimeZoneDatabase::bundled`]), never from the host's
//! `/usr/share/zoneinfo`: two servers, or a server and its tests, must compute the
//! same due time for the same ticket whatever the host's tzdata version.
//!
//! Instants are [`jiff::Timestamp`]s (the store keeps them as UTC Unix
//! milliseconds; [`from_ms`] converts without panicking). Nothing here reads a
//! clock: "now" is always an argument.

use jiff::civil::DateTime;
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::Timestamp;
use std::sync::OnceLock;

/// Longest zone name accepted; the longest IANA name is about 30 characters.
pub const ZONE_NAME_MAX: usize = 64;

/// The bundled tz database, loaded once.
fn db() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// Parses an IANA zone name such as `Europe/Berlin` (any ASCII case) or `UTC`.
/// Abbreviations and offsets (`CET`, `+01:00`) are refused unless the database
/// itself names them, so a zone always follows its region's DST rules.
pub fn parse_time_zone(name: &str) -> Result<TimeZone, String> {
    let name = name.trim();
    let refuse = || format!("Unknown time zone {name:?}: use an IANA name like Europe/Berlin.");
    if name.is_empty() || name.len() > ZONE_NAME_MAX {
        return Err("Enter a time zone like Europe/Berlin.".into());
    }
    match db().get(name) {
        Ok(tz) if !tz.is_unknown() => Ok(tz),
        _ => Err(refuse()),
    }
}

/// The zone's canonical name (`Europe/Berlin`), for storage and JSON.
pub fn zone_name(tz: &TimeZone) -> &str {
    tz.iana_name().unwrap_or("UTC")
}

/// UTC Unix milliseconds (as stored) to an instant, saturating at jiff's range
/// (about ±9999 years) instead of panicking on a corrupt row.
pub fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// `at` plus `ms` milliseconds, saturating.
pub fn plus_ms(at: Timestamp, ms: i64) -> Timestamp {
    from_ms(at.as_millisecond().saturating_add(ms))
}

/// The instant of a wall-clock time in `tz`. A time skipped by a spring-forward
/// change is read as if the clocks had not yet moved (02:30 becomes 03:30), a time
/// repeated by a fall-back change is its first occurrence: RFC 5545's and
/// Temporal's "compatible" rule, so a calendar app and we agree.
pub fn instant_of(tz: &TimeZone, local: DateTime) -> Timestamp {
    tz.to_timestamp(local).unwrap_or(Timestamp::MAX)
}

/// One day in milliseconds (local days are this long on their own clock).
const DAY_MS: i64 = 86_400_000;

/// First and last instant (Unix ms) whose UTC offsets reports keep: 1970 to
/// 2100 covers any ticket a help desk has today, plus room.
const OFFSETS_FROM_MS: i64 = 0;
const OFFSETS_TO_MS: i64 = 4_102_444_800_000;

/// The zone's UTC offsets as `(since_ms, offset_ms)`, in time order, each one
/// in force from `since_ms` until the next: the first is from `i64::MIN`, then
/// one per change of offset up to 2100. Reports store this list so SQL can
/// put an instant on its local day without a time zone database.
pub fn utc_offsets(tz: &TimeZone) -> Vec<(i64, i64)> {
    let start = from_ms(OFFSETS_FROM_MS);
    let ms = |o: jiff::tz::Offset| i64::from(o.seconds()) * 1000;
    let mut out = vec![(i64::MIN, ms(tz.to_offset(start)))];
    for t in tz.following(start) {
        let at = t.timestamp().as_millisecond();
        if at > OFFSETS_TO_MS {
            break;
        }
        // Transitions that only rename the zone (same offset) change no day.
        if out.last().is_some_and(|&(_, o)| o != ms(t.offset())) {
            out.push((at, ms(t.offset())));
        }
    }
    out
}

/// The local day number (days since 1970-01-01 on the zone's calendar) of an
/// instant: the same arithmetic the report triggers do with [`utc_offsets`].
pub fn local_day(tz: &TimeZone, ms: i64) -> i64 {
    let offset = i64::from(tz.to_offset(from_ms(ms)).seconds()) * 1000;
    (ms + offset).div_euclid(DAY_MS)
}

/// The first instant (Unix ms) of local day `day` in `tz`: local midnight, or
/// the first instant after it where a change of clocks skips midnight.
pub fn local_day_start_ms(tz: &TimeZone, day: i64) -> i64 {
    let Ok(date) = jiff::civil::Date::constant(1970, 1, 1).checked_add(jiff::Span::new().days(day))
    else {
        return day * DAY_MS;
    };
    instant_of(tz, date.to_datetime(jiff::civil::Time::midnight())).as_millisecond()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `at` in words for a reason text, read in `tz` relative to `now`: "17:00" on
/// the same local day, otherwise "3 Dec" at midnight or "3 Dec 08:00", with the
/// year when it differs from now's ("3 Jan 2027").
pub fn describe_instant(tz: &TimeZone, now: Timestamp, at: Timestamp) -> String {
    let (here, there) = (tz.to_datetime(now), tz.to_datetime(at));
    let clock = format!("{:02}:{:02}", there.hour(), there.minute());
    if here.date() == there.date() {
        return clock;
    }
    let mut s = format!("{} {}", there.day(), MONTHS[(there.month() - 1) as usize]);
    if here.year() != there.year() {
        s.push_str(&format!(" {}", there.year()));
    }
    if (there.hour(), there.minute()) != (0, 0) {
        s.push(' ');
        s.push_str(&clock);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn iana_names_parse_in_any_case_and_unknown_ones_are_refused() {
        let tz = parse_time_zone(" europe/berlin ").unwrap();
        assert_eq!(zone_name(&tz), "Europe/Berlin");
        assert_eq!(zone_name(&parse_time_zone("UTC").unwrap()), "UTC");
        for bad in [
            "",
            "Mars/Olympus",
            "+01:00",
            "Europe/../etc",
            &"x".repeat(80),
        ] {
            assert!(parse_time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants_are_described_in_the_organizations_zone() {
        let tz = parse_time_zone("Europe/Berlin").unwrap();
        let now = ts("2026-11-30T09:00:00Z");
        assert_eq!(
            describe_instant(&tz, now, ts("2026-11-30T16:00:00Z")),
            "17:00"
        );
        assert_eq!(
            describe_instant(&tz, now, ts("2026-12-02T23:00:00Z")),
            "3 Dec"
        );
        assert_eq!(
            describe_instant(&tz, now, ts("2026-12-01T07:00:00Z")),
            "1 Dec 08:00"
        );
        assert_eq!(
            describe_instant(&tz, now, ts("2027-01-03T23:00:00Z")),
            "4 Jan 2027"
        );
    }

    #[test]
    fn stored_milliseconds_convert_without_panicking() {
        assert_eq!(from_ms(0), Timestamp::UNIX_EPOCH);
        assert_eq!(from_ms(i64::MAX), Timestamp::MAX);
        assert_eq!(plus_ms(Timestamp::MAX, 1), Timestamp::MAX);
    }

    #[test]
    fn local_days_follow_the_zones_offset_through_a_change_of_clocks() {
        let ny = parse_time_zone("America/New_York").unwrap();
        // 2026-03-02T03:00Z is 22:00 on 1 March in New York (UTC-5).
        let d0 = 20_514; // 2026-03-02
        assert_eq!(
            local_day(&ny, ts("2026-03-02T03:00:00Z").as_millisecond()),
            d0 - 1
        );
        assert_eq!(
            local_day(&ny, ts("2026-03-02T05:00:00Z").as_millisecond()),
            d0
        );
        assert_eq!(
            local_day_start_ms(&ny, d0),
            ts("2026-03-02T05:00:00Z").as_millisecond()
        );
        // After 8 March 2026 it is UTC-4: the day starts an hour earlier.
        assert_eq!(
            local_day_start_ms(&ny, d0 + 7),
            ts("2026-03-09T04:00:00Z").as_millisecond()
        );
        let offsets = utc_offsets(&ny);
        assert_eq!(offsets[0], (i64::MIN, -5 * 3_600_000));
        assert!(offsets.contains(&(ts("2026-03-08T07:00:00Z").as_millisecond(), -4 * 3_600_000)));
        // The list agrees with local_day for instants on both sides of a change.
        let by_list = |ms: i64| {
            let o = offsets
                .iter()
                .rev()
                .find(|(since, _)| *since <= ms)
                .unwrap()
                .1;
            (ms + o).div_euclid(DAY_MS)
        };
        for at in [
            "2026-03-08T06:59:59Z",
            "2026-03-08T07:00:00Z",
            "2026-11-01T05:30:00Z",
        ] {
            let ms = ts(at).as_millisecond();
            assert_eq!(by_list(ms), local_day(&ny, ms), "{at}");
        }
        assert_eq!(utc_offsets(&TimeZone::UTC), vec![(i64::MIN, 0)]);
    }
}
