//! The iCalendar writer for the staff members' personal feeds
//! (`GET /cal/TOKEN.ics`), per RFC 5545. Our own: the format is small, and what
//! calendar apps trip over is exactly what we must get right.
//!
//! - Each appointment is one `VEVENT` with a stable `UID` (made when it was
//!   created, never reused), `SEQUENCE` raised on every change (so a client
//!   replaces its copy), and `DTSTAMP` (RFC 5545 §3.8.7.2: in a feed published
//!   without a scheduling method, the time the event last changed).
//! - Times are UTC (`19970714T173000Z`, §3.3.5 form 2), which every client
//!   reads without a `VTIMEZONE`; the feed names the organization's zone in
//!   `X-WR-TIMEZONE` for apps that show it.
//! - A cancelled appointment stays in the feed with `STATUS:CANCELLED` (§3.8.1.11)
//!   so subscribed calendars remove or strike it instead of keeping a stale copy.
//! - Text values escape backslash, semicolon, comma and newline (§3.3.11); lines
//!   end in CRLF and are folded at 75 octets (§3.1), never inside a UTF-8
//!   sequence, continuing with a single space.

use jiff::Timestamp;
use std::fmt::Write;

/// One event of a feed.
#[derive(Debug, Clone)]
pub struct FeedEvent<'a> {
    pub uid: &'a str,
    pub sequence: i64,
    /// When it last changed.
    pub stamp: Timestamp,
    pub start: Timestamp,
    pub end: Timestamp,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub cancelled: bool,
}

/// A text value escaped per RFC 5545 §3.3.11. A CR is dropped (a CRLF in the
/// input is one newline).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Other control characters are not allowed in a TEXT value (§3.1).
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets without splitting a character,
/// ended with CRLF.
pub fn push_line(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            // The leading space of a continuation line counts toward its 75.
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// An instant as an RFC 5545 UTC date-time: `20261203T090000Z`.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A whole `VCALENDAR` with `events`, named `name`, in zone `zone` (for display).
pub fn calendar(name: &str, zone: &str, events: &[FeedEvent<'_>]) -> String {
    let mut out = String::with_capacity(256 + events.len() * 320);
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//helpdesk//staff calendar//EN");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    push_line(&mut out, &format!("X-WR-TIMEZONE:{}", escape_text(zone)));
    let mut line = String::new();
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        let mut put = |key: &str, value: &str| {
            line.clear();
            let _ = write!(line, "{key}:{value}");
            push_line(&mut out, &line);
        };
        put("UID", &escape_text(e.uid));
        put("SEQUENCE", &e.sequence.to_string());
        put("DTSTAMP", &utc(e.stamp));
        put("LAST-MODIFIED", &utc(e.stamp));
        put("DTSTART", &utc(e.start));
        put("DTEND", &utc(e.end));
        put("SUMMARY", &escape_text(e.summary));
        if !e.location.is_empty() {
            put("LOCATION", &escape_text(e.location));
        }
        if !e.description.is_empty() {
            put("DESCRIPTION", &escape_text(e.description));
        }
        put(
            "STATUS",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            },
        );
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("a\\b;c,d\r\ne\nf\u{7}"),
            "a\\\\b\\;c\\,d\\ne\\nf"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        push_line(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert!(out.lines().skip(1).all(|l| l.starts_with(' ')));
        let mut short = String::new();
        push_line(&mut short, &"x".repeat(75));
        assert_eq!(short, format!("{}\r\n", "x".repeat(75)), "75 octets fit");
    }

    #[test]
    fn a_cancelled_event_stays_with_its_uid_and_sequence() {
        let t: Timestamp = "2026-12-03T09:00:00Z".parse().unwrap();
        let e = FeedEvent {
            uid: "abc@helpdesk",
            sequence: 3,
            stamp: t,
            start: t,
            end: t,
            summary: "Visit",
            location: "",
            description: "",
            cancelled: true,
        };
        let cal = calendar("Tom", "Europe/Berlin", &[e]);
        assert!(cal.contains("\r\nUID:abc@helpdesk\r\nSEQUENCE:3\r\nDTSTAMP:20261203T090000Z\r\n"));
        assert!(cal.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(!cal.contains("LOCATION"), "empty values are left out");
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        assert!(!cal.replace("\r\n", "").contains('\n'), "no bare LF");
    }
}
