//! SLAs over the API: business hours and targets (and their 422s), the `sla`
//! object on a ticket moved by replies, holds, priority changes and a due time
//! set by hand, the queue's sort and filters, and warnings and breaches firing
//! exactly once, also after a restart.

use crate::helpers::{category, desk, move_to, ticket, Desk};
use crate::support::{spawn_handler, test_config, TempDir};
use helpdesk::api::sla::fire_marks;
use helpdesk::api::App;
use helpdesk::jobs::Clock;
use helpdesk::store::{now_ms, sla_marks, Db};
use serde_json::{json, Value};
use std::sync::Arc;

const MINUTE: i64 = 60_000;

/// Round-the-clock hours in UTC, so due times are plain arithmetic on now.
fn always_open(d: &mut Desk) {
    let all = json!([["00:00", "24:00"]]);
    let hours = json!({"mon": all, "tue": all, "wed": all, "thu": all, "fri": all,
                       "sat": all, "sun": all});
    let r = d.admin.send_json(
        "PUT",
        "/api/business-hours",
        &json!({"hours": hours, "holidays": [], "time_zone": "UTC"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

fn raise_with(d: &mut Desk, title: &str, priority: &str) -> i64 {
    let cat = category(&mut d.alice, "Other");
    let r = d.alice.post_json(
        "/api/tickets",
        &json!({"category_id": cat["id"], "title": title, "description": "Please help.",
                "priority": priority, "answers": {}}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["ticket"]["number"].as_i64().unwrap()
}

fn sla(d: &mut Desk, n: i64) -> Value {
    ticket(&mut d.agent1, n)["sla"].clone()
}

fn field_names(r: &crate::support::TestResponse) -> Vec<String> {
    let mut keys: Vec<String> = r.json()["error"]["fields"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

#[test]
fn business_hours_default_to_weekdays_and_bad_input_names_its_field() {
    let mut d = desk();
    let r = d.agent1.get("/api/business-hours");
    assert_eq!(r.status, 200, "{}", r.text());
    let bh = &r.json()["business_hours"];
    assert_eq!(bh["hours"]["mon"], json!([["08:00", "17:00"]]));
    assert_eq!(bh["hours"]["sat"], json!([]));

    let r = d.admin.send_json(
        "PUT",
        "/api/business-hours",
        &json!({"hours": {"mon": [["08:00", "12:00"], ["11:00", "17:00"]]},
                "holidays": [{"date": "2026-02-30", "name": "Nope"}],
                "time_zone": "Mars/Olympus_Mons"}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let fields = field_names(&r);
    assert!(
        fields.iter().any(|f| f.starts_with("hours.mon")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"holidays.0.date".to_string()),
        "{fields:?}"
    );
    assert!(fields.contains(&"time_zone".to_string()), "{fields:?}");

    let r = d
        .agent1
        .send_json("PUT", "/api/business-hours", &json!({"hours": {}}));
    assert_eq!(r.status, 403, "agents read, admins change");

    let r = d.admin.send_json(
        "PUT",
        "/api/business-hours",
        &json!({"hours": {"mon": [["09:00", "17:00"]]},
                "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
                "time_zone": "Europe/Berlin"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let bh = &r.json()["business_hours"];
    assert_eq!(bh["time_zone"], "Europe/Berlin");
    assert_eq!(bh["holidays"][0]["name"], "Christmas Day");
}

#[test]
fn targets_are_saved_per_priority_and_category_and_zero_is_refused() {
    let mut d = desk();
    let r = d.agent1.get("/api/sla");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json()["sla"]["targets"]["urgent"],
        json!({"first_response": 60, "resolution": 240})
    );

    let r = d.admin.send_json(
        "PUT",
        "/api/sla",
        &json!({"targets": {"urgent": {"first_response": 0}, "high": {"resolution": -1}},
                "categories": [{"category_id": 999_999, "targets": {}}]}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        field_names(&r),
        [
            "categories.0.category_id",
            "targets.high.resolution",
            "targets.urgent.first_response"
        ]
    );

    let hardware = category(&mut d.admin, "Other");
    let r = d.admin.send_json(
        "PUT",
        "/api/sla",
        &json!({"targets": {"urgent": {"first_response": 30}},
                "categories": [{"category_id": hardware["id"],
                                "targets": {"urgent": {"first_response": 15}}}]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let s = &r.json()["sla"];
    assert_eq!(s["targets"]["urgent"]["first_response"], 30);
    assert_eq!(
        s["categories"][0]["targets"]["urgent"]["first_response"],
        15
    );

    always_open(&mut d);
    let n = raise_with(&mut d, "Server down", "urgent");
    assert_eq!(
        sla(&mut d, n)["first_response"]["target_minutes"],
        15,
        "the category's own"
    );
}

#[test]
fn a_ticket_carries_due_times_in_business_time_for_staff_only() {
    let mut d = desk();
    always_open(&mut d);
    let before = now_ms();
    let n = raise_with(&mut d, "Laptop dead", "urgent");
    let after = now_ms();
    let s = sla(&mut d, n);
    assert_eq!(s["state"], "on_track");
    let due = s["first_response_due"].as_i64().unwrap();
    assert!(
        (before + 60 * MINUTE..=after + 60 * MINUTE).contains(&due),
        "{s}"
    );
    let due = s["resolution_due"].as_i64().unwrap();
    assert!(
        (before + 240 * MINUTE..=after + 240 * MINUTE).contains(&due),
        "{s}"
    );
    assert!(s["first_response"]["business_ms_left"].as_i64().unwrap() > 59 * MINUTE);
    assert!(
        ticket(&mut d.alice, n)["sla"].is_null(),
        "requesters do not see SLAs"
    );
}

#[test]
fn a_public_staff_reply_stops_the_first_response_clock_and_a_note_does_not() {
    let mut d = desk();
    always_open(&mut d);
    let n = raise_with(&mut d, "VPN", "high");
    let path = format!("/api/tickets/{n}/comments");
    let r = d
        .agent1
        .post_json(&path, &json!({"body": "Looking", "internal": true}));
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(
        sla(&mut d, n)["first_response_due"].is_i64(),
        "a note is no response"
    );
    let r = d.alice.post_json(&path, &json!({"body": "Any news?"}));
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(
        sla(&mut d, n)["first_response_due"].is_i64(),
        "nor is the requester's reply"
    );
    let r = d.agent1.post_json(&path, &json!({"body": "On it"}));
    assert_eq!(r.status, 201, "{}", r.text());
    let s = sla(&mut d, n);
    assert!(s["first_response_due"].is_null(), "{s}");
    assert_eq!(s["first_response"]["state"], "met");
    assert!(s["resolution_due"].is_i64(), "resolution still runs");
}

#[test]
fn on_hold_pauses_the_clocks_and_resolving_and_reopening_stop_and_resume_them() {
    let mut d = desk();
    always_open(&mut d);
    let n = raise_with(&mut d, "Printer", "normal");
    let due = sla(&mut d, n)["resolution_due"].as_i64().unwrap();
    assert_eq!(move_to(&mut d.agent1, n, "open").status, 200);
    let r = move_to(&mut d.agent1, n, "on_hold");
    assert_eq!(r.status, 200, "{}", r.text());
    let s = sla(&mut d, n);
    assert_eq!(s["resolution"]["paused"], true, "{s}");
    assert!(s["resolution_due"].is_null(), "no due time while on hold");
    std::thread::sleep(std::time::Duration::from_millis(30));
    assert_eq!(move_to(&mut d.agent1, n, "in_progress").status, 200);
    let resumed = sla(&mut d, n)["resolution_due"].as_i64().unwrap();
    assert!(
        resumed >= due + 30,
        "the time on hold moved the due time: {due} -> {resumed}"
    );

    assert_eq!(move_to(&mut d.agent1, n, "resolved").status, 200);
    let s = sla(&mut d, n);
    assert!(s["resolution_due"].is_null());
    assert_eq!(s["resolution"]["state"], "met");
    assert_eq!(
        move_to(&mut d.alice, n, "open").status,
        200,
        "the requester reopens"
    );
    assert!(sla(&mut d, n)["resolution_due"].as_i64().unwrap() >= resumed);
}

#[test]
fn a_priority_change_keeps_the_time_used_and_a_hand_set_due_time_wins() {
    let mut d = desk();
    always_open(&mut d);
    let n = raise_with(&mut d, "Email slow", "low");
    let low_due = sla(&mut d, n)["first_response_due"].as_i64().unwrap();
    let r = d
        .agent1
        .patch_json(&format!("/api/tickets/{n}"), &json!({"priority": "urgent"}));
    assert_eq!(r.status, 200, "{}", r.text());
    let s = sla(&mut d, n);
    let urgent_due = s["first_response_due"].as_i64().unwrap();
    assert!(urgent_due < low_due, "{s}");
    assert_eq!(s["first_response"]["target_minutes"], 60);

    let by_hand = now_ms() + 3 * 24 * 60 * MINUTE;
    let path = format!("/api/tickets/{n}/sla");
    let r = d
        .agent1
        .send_json("PUT", &path, &json!({"resolution_due": by_hand}));
    assert_eq!(r.status, 200, "{}", r.text());
    let s = &r.json()["ticket"]["sla"];
    assert_eq!(s["resolution_due"], by_hand);
    assert_eq!(s["resolution"]["due_set_by_hand"], true);
    let r = d
        .agent1
        .send_json("PUT", &path, &json!({"resolution_due": "tomorrow"}));
    assert_eq!(r.status, 422);
    assert_eq!(field_names(&r), ["resolution_due"]);
    let r = d
        .alice
        .send_json("PUT", &path, &json!({"resolution_due": null}));
    assert_eq!(r.status, 403, "{}", r.text());
}

fn queue(c: &mut crate::support::Client, query: &str) -> Vec<i64> {
    let r = c.get(&format!("/api/tickets?{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect()
}

#[test]
fn the_queue_sorts_by_due_time_and_filters_breached_and_at_risk() {
    let mut d = desk();
    always_open(&mut d);
    let low = raise_with(&mut d, "Low", "low");
    let urgent = raise_with(&mut d, "Urgent", "urgent");
    let normal = raise_with(&mut d, "Normal", "normal");
    let late = raise_with(&mut d, "Late", "normal");
    let close = raise_with(&mut d, "Close", "urgent");
    let done = raise_with(&mut d, "Done", "urgent");
    assert_eq!(move_to(&mut d.agent1, done, "resolved").status, 200);
    let set_due = |d: &mut Desk, n: i64, due: i64| {
        let r = d.agent1.send_json(
            "PUT",
            &format!("/api/tickets/{n}/sla"),
            &json!({"resolution_due": due}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    };
    set_due(&mut d, late, now_ms() - MINUTE);
    // Due in 30 minutes of a 240-minute target: the last 20 %.
    set_due(&mut d, close, now_ms() + 30 * MINUTE);
    // Another at risk, due sooner (the normal target is longer, so 30 minutes
    // before it is well inside its last 20 % too).
    let closer = raise_with(&mut d, "Closer", "urgent");
    set_due(&mut d, closer, now_ms() + 20 * MINUTE);

    assert_eq!(
        queue(&mut d.agent1, "sort=due&dir=asc"),
        [late, closer, close, urgent, normal, low, done],
        "soonest first, a ticket with no running clock last"
    );
    assert_eq!(queue(&mut d.agent1, "sla=breached"), [late]);
    assert_eq!(queue(&mut d.agent1, "sla=at_risk"), [closer, close]);
    // At risk by due time reads its index in order (migration 015), both ways.
    assert_eq!(
        queue(&mut d.agent1, "sla=at_risk&sort=due&dir=asc"),
        [closer, close]
    );
    assert_eq!(
        queue(&mut d.agent1, "sla=at_risk&sort=due&dir=desc"),
        [close, closer]
    );
    let r = d.agent1.get("/api/tickets?sla=breached");
    let row = &r.json()["tickets"][0];
    assert_eq!(row["sla"]["state"], "breached");
    assert_eq!(row["sla"]["overdue"], true);
    let r = d.agent1.get("/api/tickets?sla=soon");
    assert_eq!(r.status, 422);
    let r = d.alice.get("/api/tickets?sort=due");
    assert!(
        r.json()["tickets"][0]["sla"].is_null(),
        "requesters see no SLA cue"
    );
}

fn marks(history: &Value) -> Vec<(String, String)> {
    history["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"].as_str().is_some_and(|a| a.starts_with("sla_")))
        .map(|h| {
            assert_eq!(h["actor"]["system"], true, "{h}");
            (
                h["action"].as_str().unwrap().into(),
                h["field"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn a_warning_and_a_breach_fire_exactly_once_each_also_after_a_restart() {
    let mut d = desk();
    always_open(&mut d);
    let r = d.admin.send_json(
        "PUT",
        "/api/sla",
        &json!({"targets": {"urgent": {"first_response": 10, "resolution": 100}}}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let created = now_ms();
    let n = raise_with(&mut d, "Outage", "urgent");
    let history = |d: &mut Desk| marks(&d.agent1.get(&format!("/api/tickets/{n}/history")).json());

    let db = Db::open(&d.server.data_dir.0, false).unwrap();
    let pass = |db: &Db, at: i64| db.write(|tx| sla_marks::fire_due(tx, at)).unwrap();
    assert!(
        pass(&db, created + 7 * MINUTE).is_empty(),
        "70 % used: nothing yet"
    );
    let fired = pass(&db, created + 9 * MINUTE);
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].number, n);
    assert!(
        pass(&db, created + 9 * MINUTE + 1).is_empty(),
        "the warning fired once"
    );
    assert_eq!(
        history(&mut d),
        [("sla_warning".into(), "first_response".into())]
    );
    let fired = pass(&db, created + 11 * MINUTE);
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert!(
        pass(&db, created + 12 * MINUTE).is_empty(),
        "the breach fired once"
    );

    // Restart: stop the server, start the help desk again on the same data.
    drop(db);
    let mut server = d.server;
    let data_dir = std::mem::replace(&mut server.data_dir, TempDir::new("moved"));
    server.stop();
    let config = test_config(&data_dir);
    let app = Arc::new(App::new(config.clone()).expect("the help desk starts again"));
    let server = spawn_handler(config, app.clone(), data_dir);
    let db = Db::open(&server.data_dir.0, false).unwrap();
    // The jobs thread's call: records, then publishes on the live stream.
    let fire = |at: i64| fire_marks(&app.state().notifier, at).unwrap();
    let (fired, next) = fire(created + 20 * MINUTE);
    assert_eq!(fired, 0, "nothing fires twice after a restart");
    let warning = created + 80 * MINUTE;
    assert!(
        next.is_some_and(|t| (warning - MINUTE..=warning + MINUTE).contains(&t)),
        "the resolution warning comes next: {next:?}"
    );
    assert_eq!(
        fire(created + 81 * MINUTE).0,
        1,
        "the resolution warning, once"
    );
    assert_eq!(fire(created + 81 * MINUTE).0, 0);
    let count: i64 = db
        .read(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM history WHERE action LIKE 'sla_%'",
                [],
                |r| r.get(0),
            )
            .map_err(helpdesk::store::StoreError::from)
        })
        .unwrap();
    assert_eq!(
        count, 3,
        "first-response warning and breach, resolution warning"
    );
}

#[test]
fn the_jobs_thread_fires_each_mark_once_on_a_manual_clock() {
    let start = jiff::Timestamp::now().to_string();
    let (mut d, clock, jobs) = crate::helpers::desk_at(&start);
    always_open(&mut d);
    let r = d.admin.send_json(
        "PUT",
        "/api/sla",
        &json!({"targets": {"urgent": {"first_response": 10}}}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let n = raise_with(&mut d, "Outage", "urgent");
    let path = format!("/api/tickets/{n}/history");
    let pass = |by_minutes: u64| {
        clock.advance(std::time::Duration::from_secs(by_minutes * 60));
        assert!(jobs.run_pass(std::time::Duration::from_secs(10)));
    };
    pass(9);
    assert_eq!(
        marks(&d.agent1.get(&path).json()),
        [("sla_warning".into(), "first_response".into())]
    );
    pass(0);
    assert_eq!(marks(&d.agent1.get(&path).json()).len(), 1, "once");
    pass(2);
    pass(1);
    assert_eq!(
        marks(&d.agent1.get(&path).json()),
        [
            ("sla_warning".into(), "first_response".into()),
            ("sla_breached".into(), "first_response".into())
        ]
    );
}

#[test]
fn raising_a_priority_wakes_the_jobs_thread_so_a_warning_due_now_fires_at_once() {
    let start = jiff::Timestamp::now().to_string();
    let (mut d, clock, jobs) = crate::helpers::desk_at(&start);
    always_open(&mut d);
    let r = d.admin.send_json(
        "PUT",
        "/api/sla",
        &json!({"targets": {"urgent": {"first_response": 10},
                            "normal": {"first_response": 600}}}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let n = raise_with(&mut d, "Printer on fire", "normal");
    let path = format!("/api/tickets/{n}/history");
    assert!(jobs.settle(std::time::Duration::from_secs(10)));
    // Nine minutes pass with nothing due; the manual clock wakes nobody.
    clock.advance(std::time::Duration::from_secs(9 * 60));
    assert!(jobs.run_pass(std::time::Duration::from_secs(10)));
    assert!(marks(&d.agent1.get(&path).json()).is_empty());

    // Urgent: 9 of 10 minutes used, the warning is due now. Only the request
    // can wake the thread (the test runs no pass of its own).
    let r = d.agent1.send_json(
        "PATCH",
        &format!("/api/tickets/{n}"),
        &json!({"priority": "urgent"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(jobs.settle(std::time::Duration::from_secs(10)));
    assert_eq!(
        marks(&d.agent1.get(&path).json()),
        [("sla_warning".into(), "first_response".into())]
    );
}

#[test]
fn a_due_time_set_by_hand_in_the_past_wakes_the_jobs_thread() {
    let start = jiff::Timestamp::now().to_string();
    let (mut d, clock, jobs) = crate::helpers::desk_at(&start);
    always_open(&mut d);
    let n = raise_with(&mut d, "Laptop", "normal");
    clock.advance(std::time::Duration::from_secs(60));
    assert!(jobs.run_pass(std::time::Duration::from_secs(10)));
    let path = format!("/api/tickets/{n}/history");
    let due = clock.now_ms() - MINUTE;
    let r = d.agent1.send_json(
        "PUT",
        &format!("/api/tickets/{n}/sla"),
        &json!({"resolution_due": due}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(jobs.settle(std::time::Duration::from_secs(10)));
    assert!(
        marks(&d.agent1.get(&path).json()).contains(&("sla_breached".into(), "resolution".into())),
        "{:?}",
        marks(&d.agent1.get(&path).json())
    );
}
