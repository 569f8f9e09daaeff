//! The staff calendar over the API: booking, moving and cancelling
//! appointments with conflicts answering 409, the calendar window, who may see
//! what (requesters, other organizations), and the iCalendar feed read back by
//! a real parser (Python's `icalendar`, installed by `.ci/run`).

use crate::helpers::{desk_at, other_org, raise, Desk};
use crate::support::TestResponse;
use serde_json::{json, Value};
use std::process::Command;

/// Monday 30 November 2026, 10:00 in Berlin.
const MONDAY_10: &str = "2026-11-30T09:00:00Z";

fn fields(r: &TestResponse) -> Vec<String> {
    assert_eq!(r.status, 422, "{}", r.text());
    let mut keys: Vec<String> = r.json()["error"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn kinds(r: &TestResponse) -> Vec<String> {
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.error_code(), "scheduling_conflict");
    r.json()["error"]["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect()
}

/// A desk in Berlin where Tom (agent1) works weekdays 08:00-17:00 and is on
/// leave on Friday 4 December.
fn berlin_desk() -> Desk {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    let r = d
        .admin
        .patch_json("/api/org", &json!({"time_zone": "Europe/Berlin"}));
    assert_eq!(r.status, 200, "{}", r.text());
    let week: Value = json!({"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]],
        "wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]]});
    let r = d.admin.send_json(
        "PUT",
        &format!("/api/users/{}/schedule", d.ids.agent1),
        &json!({ "hours": week }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = d.admin.post_json(
        &format!("/api/users/{}/time-off", d.ids.agent1),
        &json!({"start": "2026-12-04", "end": "2026-12-05", "reason": "Dentist"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    d
}

fn book(d: &mut Desk, body: Value) -> TestResponse {
    d.agent1.post_json("/api/appointments", &body)
}

#[test]
fn appointments_are_booked_moved_and_cancelled_and_clashes_answer_409() {
    let mut d = berlin_desk();
    let number = raise(&mut d.alice, "Printer jams");
    let tom = d.ids.agent1;
    let r = book(
        &mut d,
        json!({"title": "Fix the printer", "start": "2026-12-01T10:00", "end": "2026-12-01T10:30",
               "ticket": number, "location": "Room 2", "visible_to_requester": true}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let a = r.json()["appointment"].clone();
    assert_eq!(
        a["start"], 1_796_115_600_000_i64,
        "10:00 Berlin is 09:00 UTC"
    );
    assert_eq!(a["participants"][0]["id"], tom, "the booker by default");
    assert_eq!(a["ticket"]["number"], number);
    assert_eq!(a["sequence"], 0);

    let overlap = json!({"title": "Other", "start": "2026-12-01T10:15", "end": "2026-12-01T11:00"});
    assert_eq!(kinds(&book(&mut d, overlap.clone())), ["overlap"]);
    let evening = json!({"title": "Late", "start": "2026-12-01T16:30", "end": "2026-12-01T17:30"});
    assert_eq!(kinds(&book(&mut d, evening)), ["outside_hours"]);
    let leave = json!({"title": "Friday", "start": "2026-12-04T09:00", "end": "2026-12-04T10:00"});
    assert_eq!(kinds(&book(&mut d, leave)), ["time_off"]);
    let back_to_back =
        json!({"title": "Next", "start": "2026-12-01T10:30", "end": "2026-12-01T11:00"});
    assert_eq!(book(&mut d, back_to_back).status, 201);
    let mut forced = overlap;
    forced["force"] = json!(true);
    assert_eq!(book(&mut d, forced).status, 201, "force books anyway");

    let path = format!("/api/appointments/{}", a["id"]);
    let r = d.agent1.patch_json(
        &path,
        &json!({"start": "2026-12-02T14:00", "end": "2026-12-02T15:00"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let moved = &r.json()["appointment"];
    assert_eq!(moved["sequence"], 1, "every change raises the sequence");
    assert_eq!(moved["title"], "Fix the printer", "an edit keeps the rest");
    assert_eq!(moved["start_local"], "2026-12-02T14:00");
    let r = d
        .agent1
        .patch_json(&path, &json!({"title": "Fix the printer (bring toner)"}));
    assert_eq!(r.status, 200, "a new title is no clash: {}", r.text());

    let r = d.agent1.delete(&path);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["appointment"]["cancelled"], true);
    assert_eq!(r.json()["appointment"]["sequence"], 3);
    let r = d.agent1.patch_json(&path, &json!({"title": "Again"}));
    assert_eq!(fields(&r), ["cancelled"], "a cancelled one is not edited");
    assert_eq!(fields(&d.agent1.delete(&path)), ["cancelled"]);

    let list = d
        .agent2
        .get(&format!("/api/tickets/{number}/appointments"))
        .json();
    assert_eq!(list["appointments"][0]["cancelled"], true, "staff see it");
}

#[test]
fn bad_input_answers_4xx_naming_the_field() {
    let mut d = berlin_desk();
    let (mut gus, _gina) = other_org(&d.server, &mut d.admin);
    let theirs = raise(&mut gus, "Globex ticket");
    let gus_id = gus.get("/api/me").json()["user"]["id"].as_i64().unwrap();
    let base = json!({"title": "Visit", "start": "2026-12-01T10:00", "end": "2026-12-01T11:00"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases = [
        (with("end", json!("2026-12-01T09:00")), "end"),
        (with("end", json!("2026-12-16T10:00")), "end"),
        (with("ticket", json!(theirs + 1000)), "ticket"),
        (with("participants", json!([gus_id])), "participants"),
        (with("participants", json!([d.ids.alice])), "participants"),
        (with("force", json!("yes")), "force"),
    ];
    for (body, field) in cases {
        assert_eq!(fields(&book(&mut d, body.clone())), [field], "{body}");
    }
    let r = d
        .agent1
        .get("/api/calendar?from=2026-12-01&to=2027-02-02&who=team");
    assert_eq!(fields(&r), ["to"], "a window wider than 62 days");
    let r = d.agent1.get("/api/calendar?from=2026-12-05&to=2026-12-01");
    assert_eq!(fields(&r), ["to"]);
    let r = d.agent1.get("/api/calendar?from=soon&to=2026-12-01");
    assert_eq!(fields(&r), ["from"]);
    let r = d.agent1.get(&format!(
        "/api/calendar?from=2026-12-01&to=2026-12-02&who={gus_id}"
    ));
    assert_eq!(fields(&r), ["who"], "another organization's person");
}

#[test]
fn requesters_and_other_organizations_find_no_calendar() {
    let mut d = berlin_desk();
    let number = raise(&mut d.alice, "Screen flickers");
    let body = json!({"title": "Swap the screen", "start": "2026-12-01T10:00",
                      "end": "2026-12-01T10:30", "ticket": number, "notes": "Bring a spare",
                      "visible_to_requester": true});
    let a = book(&mut d, body).json()["appointment"].clone();
    let hidden = json!({"title": "Order parts", "start": "2026-12-01T11:00",
                        "end": "2026-12-01T11:30", "ticket": number});
    assert_eq!(book(&mut d, hidden).status, 201);
    let path = format!("/api/appointments/{}", a["id"]);
    for (method, p) in [
        ("GET", "/api/calendar?from=2026-11-30&to=2026-12-07"),
        ("GET", "/api/me/calendar-feed"),
        ("POST", "/api/me/calendar-feed"),
        ("POST", "/api/appointments"),
        ("PATCH", path.as_str()),
        ("DELETE", path.as_str()),
    ] {
        let r = d.alice.send_json(method, p, &json!({"title": "x"}));
        assert_eq!(r.status, 404, "{method} {p}: {}", r.text());
    }
    let r = d.alice.get(&format!("/api/tickets/{number}/appointments"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"visits": [{"start": a["start"], "end": a["end"],
                           "text": "Visit scheduled: Tue 1 Dec, 10:00-10:30"}]}),
        "only the visible one, and nothing but its time"
    );
    let r = d.bob.get(&format!("/api/tickets/{number}/appointments"));
    assert_eq!(r.status, 404, "not bob's ticket");

    let (mut gus, _gina) = other_org(&d.server, &mut d.admin);
    assert_eq!(gus.patch_json(&path, &json!({"title": "Mine"})).status, 404);
    assert_eq!(gus.delete(&path).status, 404);
    let theirs = gus
        .get("/api/calendar?from=2026-11-30&to=2026-12-07&who=team")
        .json();
    assert_eq!(theirs["appointments"], json!([]), "nothing crosses over");
}

#[test]
fn the_window_has_appointments_working_hours_and_time_off_per_person() {
    let mut d = berlin_desk();
    let body = json!({"title": "Team meeting", "start": "2026-12-02T09:00",
                      "end": "2026-12-02T10:00", "participants": [d.ids.agent1, d.ids.agent2],
                      "force": true});
    assert_eq!(book(&mut d, body).status, 201);
    let team = d
        .agent2
        .get("/api/calendar?from=2026-11-30&to=2026-12-07&who=team")
        .json();
    assert_eq!(team["time_zone"], "Europe/Berlin");
    assert_eq!(team["appointments"].as_array().unwrap().len(), 1);
    let tom = team["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == d.ids.agent1)
        .unwrap();
    assert_eq!(tom["shifts"].as_array().unwrap().len(), 5, "Mon to Fri");
    assert_eq!(
        tom["shifts"][0]["start"], 1_796_022_000_000_i64,
        "Mon 08:00 Berlin"
    );
    assert_eq!(tom["time_off"][0]["start"], 1_796_338_800_000_i64);
    assert!(
        tom["time_off"][0].get("reason").is_none(),
        "private to Tom and admins"
    );
    let own = d
        .agent1
        .get("/api/calendar?from=2026-11-30&to=2026-12-07")
        .json();
    assert_eq!(own["people"].as_array().unwrap().len(), 1, "me by default");
    assert_eq!(own["people"][0]["time_off"][0]["reason"], "Dentist");
    let other = d.agent1.get(&format!(
        "/api/calendar?from=2026-12-03&to=2026-12-04&who={}",
        d.ids.agent2
    ));
    assert_eq!(other.json()["appointments"], json!([]), "a colleague's day");
}

/// Parses an iCalendar text with Python's `icalendar` and answers its events as
/// JSON. Fails (never skips) when Python or the package is missing.
fn parse_with_icalendar(text: &str) -> Value {
    let dir = crate::support::TempDir::new("ics");
    let file = dir.0.join("feed.ics");
    std::fs::write(&file, text).unwrap();
    let script = r#"
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = {"name": str(cal.get('X-WR-CALNAME')), "events": []}
for e in cal.walk('VEVENT'):
    out["events"].append({
        "uid": str(e['UID']), "sequence": int(e['SEQUENCE']), "status": str(e['STATUS']),
        "summary": str(e['SUMMARY']), "location": str(e.get('LOCATION', '')),
        "description": str(e.get('DESCRIPTION', '')),
        "start": e.decoded('DTSTART').isoformat(), "end": e.decoded('DTEND').isoformat(),
        "stamp": e.decoded('DTSTAMP').isoformat()})
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3 must be installed to check the feed (see .ci/run)");
    assert!(
        out.status.success(),
        "the icalendar parser refused the feed (or `pip install icalendar` is missing): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_feed_parses_back_with_a_real_icalendar_parser_and_rotates() {
    let mut d = berlin_desk();
    let r = d.agent1.post_json("/api/me/calendar-feed", &json!({}));
    assert_eq!(r.status, 201, "{}", r.text());
    let feed = r.json()["feed"]["path"].as_str().unwrap().to_string();
    assert!(feed.starts_with("/cal/hdc_") && feed.ends_with(".ics") && feed.len() > 70);
    let notes = format!(
        "Ring twice; the door, on the left.\nThen: {}",
        "Größe ".repeat(30)
    );
    let body = json!({"title": "Printer; 3rd floor, room \\2", "start": "2026-12-01T10:00",
                      "end": "2026-12-01T10:30", "location": "Main, B", "notes": notes});
    let a = book(&mut d, body).json()["appointment"].clone();
    let path = format!("/api/appointments/{}", a["id"]);
    let r = d.agent1.patch_json(
        &path,
        &json!({"start": "2026-12-01T11:00", "end": "2026-12-01T11:30"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let gone = json!({"title": "Cancelled visit", "start": "2026-12-02T10:00",
                      "end": "2026-12-02T10:30"});
    let gone = book(&mut d, gone).json()["appointment"]["id"].clone();
    assert_eq!(
        d.agent1.delete(&format!("/api/appointments/{gone}")).status,
        200
    );

    let mut app = d.server.client();
    let r = app.get(&feed);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let text = r.text();
    assert!(text.lines().all(|l| l.len() <= 75), "folded at 75 octets");
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF line ends");
    let cal = parse_with_icalendar(&text);
    assert_eq!(cal["name"], "Help desk: Tom Tier-One");
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{cal}");
    let e = &events[0];
    assert_eq!(e["summary"], "Printer; 3rd floor, room \\2");
    assert_eq!(e["location"], "Main, B");
    assert_eq!(
        e["description"],
        notes.trim(),
        "escaped and folded text comes back whole"
    );
    assert_eq!(
        e["start"], "2026-12-01T10:00:00+00:00",
        "11:00 Berlin in UTC"
    );
    assert_eq!(e["sequence"], 1);
    assert_eq!(e["status"], "CONFIRMED");
    assert_eq!(events[1]["status"], "CANCELLED", "not silently dropped");
    assert_eq!(events[1]["sequence"], 1);
    let uid = e["uid"].clone();
    let again = parse_with_icalendar(&app.get(&feed).text());
    assert_eq!(again["events"][0]["uid"], uid, "the UID is stable");

    let r = d.agent1.post_json("/api/me/calendar-feed", &json!({}));
    let rotated = r.json()["feed"]["path"].as_str().unwrap().to_string();
    assert_ne!(rotated, feed);
    assert_eq!(app.get(&feed).status, 404, "the old address ends");
    assert_eq!(app.get(&rotated).status, 200);
    assert_eq!(app.get("/cal/hdc_nothing.ics").status, 404);
    assert_eq!(d.agent1.delete("/api/me/calendar-feed").status, 204);
    assert_eq!(app.get(&rotated).status, 404, "turned off");
}

#[test]
fn working_hours_and_bookings_follow_berlin_across_the_spring_change() {
    let mut d = berlin_desk();
    let sundays = json!({"hours": {"sun": [["08:00", "10:00"]]}});
    let path = format!("/api/users/{}/schedule", d.ids.agent1);
    assert_eq!(d.admin.send_json("PUT", &path, &sundays).status, 200);
    // 28 March 2027: Berlin moves from UTC+1 to UTC+2 at 02:00.
    let r = d.agent1.get("/api/calendar?from=2027-03-21&to=2027-03-29");
    let shifts = r.json()["people"][0]["shifts"].clone();
    assert_eq!(
        shifts[0]["start"], 1_805_612_400_000_i64,
        "21 Mar 08:00 is 07:00 UTC"
    );
    assert_eq!(
        shifts[1]["start"], 1_806_213_600_000_i64,
        "28 Mar 08:00 is 06:00 UTC"
    );
    let on_time =
        json!({"title": "Patch night", "start": "2027-03-28T08:00", "end": "2027-03-28T10:00"});
    let r = book(&mut d, on_time);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["appointment"]["start"], 1_806_213_600_000_i64);
    let early =
        json!({"title": "Too early", "start": "2027-03-21T07:30", "end": "2027-03-21T08:30"});
    assert_eq!(kinds(&book(&mut d, early)), ["outside_hours"]);
}
