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
}
