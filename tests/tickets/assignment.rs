//! Automatic assignment over real TCP, with the server's clock in the test's hand:
//! Monday 30 November 2026 in Europe/Berlin (UTC+1), the desk's agents Tom (tier 1)
//! and Tess (tier 2), and Ada the admin, who has no hours and so never gets one.

use crate::helpers::{category, desk_at, move_to, raise, ticket, Desk};
use crate::support::Client;
use serde_json::{json, Value};
use std::time::Duration;

/// Monday 10:00 in Berlin.
const MONDAY_10: &str = "2026-11-30T09:00:00Z";
/// Monday 07:30 in Berlin.
const MONDAY_0730: &str = "2026-11-30T06:30:00Z";
const PASS: Duration = Duration::from_secs(20);

fn weekdays(from: &str, to: &str) -> Value {
    let day = json!([[from, to]]);
    json!({"mon": day, "tue": day, "wed": day, "thu": day, "fri": day})
}

/// The desk computes in Berlin.
fn berlin(d: &mut Desk) {
    let r = d
        .admin
        .patch_json("/api/org", &json!({"time_zone": "Europe/Berlin"}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["organization"]["time_zone"], "Europe/Berlin");
}

fn set_schedule(admin: &mut Client, user: i64, body: Value) {
    let r = admin.send_json("PUT", &format!("/api/users/{user}/schedule"), &body);
    assert_eq!(r.status, 200, "{}", r.text());
}

fn office_hours(admin: &mut Client, user: i64) {
    set_schedule(admin, user, json!({"hours": weekdays("08:00", "17:00")}));
}

fn assignee(c: &mut Client, n: i64) -> Option<i64> {
    ticket(c, n)["assignee"]["id"].as_i64()
}

#[test]
fn a_ticket_filed_while_one_agent_is_on_shift_goes_to_them_with_the_reason() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    let n = raise(&mut d.alice, "Laptop will not boot");

    let t = ticket(&mut d.agent1, n);
    assert_eq!(t["assignee"]["id"], d.ids.agent1);
    assert_eq!(t["assignment"]["kind"], "automatic");
    assert_eq!(t["assignment"]["waiting"], false);
    let reason = t["assignment"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("Assigned automatically to Tom Tier-One: on shift until 17:00, 0 open."),
        "{reason}"
    );
    assert!(
        reason.contains("Ada Admin: no working hours set"),
        "{reason}"
    );
    assert_eq!(t["status"], "new", "nobody has started on it yet");

    // The requester sees who has it, not why others were skipped, and may still
    // edit: the help desk assigning it is not staff starting work.
    let mine = ticket(&mut d.alice, n);
    assert_eq!(mine["assignee"]["id"], d.ids.agent1);
    assert!(mine["assignment"]["reason"].is_null());
    assert_eq!(mine["can"]["edit"], true);

    let history = d.agent1.get(&format!("/api/tickets/{n}/history")).json();
    let entry = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "assigned")
        .cloned()
        .expect("the decision is in the history");
    assert_eq!(entry["actor"]["rule"], "automatic assignment");
    assert_eq!(entry["detail"], reason);
    let public = d.alice.get(&format!("/api/tickets/{n}/history")).json();
    assert!(
        public["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["action"] != "assigned"),
        "the reasons name other staff: staff only"
    );
}

#[test]
fn someone_on_time_off_is_skipped_and_the_reason_says_until_when() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    office_hours(&mut d.admin, d.ids.agent2);
    let r = d.admin.post_json(
        &format!("/api/users/{}/time-off", d.ids.agent1),
        &json!({"start": "2026-11-30", "end": "2026-12-03", "reason": "Leave"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    let n = raise(&mut d.alice, "Printer jammed");
    let t = ticket(&mut d.admin, n);
    assert_eq!(t["assignee"]["id"], d.ids.agent2, "Tom would win the tie");
    let reason = t["assignment"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Tom Tier-One: time off until 3 Dec"),
        "{reason}"
    );
    assert!(
        !reason.contains("Leave"),
        "the reason for time off stays private"
    );
}

#[test]
fn with_nobody_available_it_waits_until_an_agent_switches_to_available() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    let r = d
        .agent1
        .send_json("PUT", "/api/me/availability", &json!({"available": false}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(d.agent1.get("/api/me").json()["available"], false);

    let n = raise(&mut d.alice, "No e-mail");
    let t = ticket(&mut d.agent1, n);
    assert!(t["assignee"].is_null());
    assert_eq!(t["assignment"]["waiting"], true);
    assert!(t["assignment"]["kind"].is_null());
    let reason = t["assignment"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("Nobody is available, so the ticket waits."),
        "{reason}"
    );
    assert!(
        reason.contains("Tom Tier-One: switched to Away"),
        "{reason}"
    );

    let r = d
        .agent1
        .send_json("PUT", "/api/me/availability", &json!({"available": true}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["assigned"], 1, "assigned in the same request");
    let t = ticket(&mut d.agent1, n);
    assert_eq!(t["assignee"]["id"], d.ids.agent1);
    assert_eq!(t["assignment"]["waiting"], false);
}

#[test]
fn a_waiting_ticket_goes_to_the_first_agent_whose_shift_starts() {
    let (mut d, clock, jobs) = desk_at(MONDAY_0730);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    let urgent = {
        let cat = category(&mut d.alice, "Other");
        let r = d.alice.post_json(
            "/api/tickets",
            &json!({"category_id": cat["id"], "title": "Server room hot", "description": "Hot.",
                    "priority": "urgent", "answers": {}}),
        );
        r.json()["ticket"]["number"].as_i64().unwrap()
    };
    let older = raise(&mut d.bob, "Mouse broken");
    assert!(ticket(&mut d.admin, urgent)["assignment"]["waiting"] == true);
    assert!(jobs.run_pass(PASS));
    assert_eq!(assignee(&mut d.admin, urgent), None, "07:30: not yet");

    clock.advance(Duration::from_secs(30 * 60));
    assert!(jobs.run_pass(PASS));
    assert_eq!(assignee(&mut d.admin, urgent), Some(d.ids.agent1));
    assert_eq!(assignee(&mut d.admin, older), Some(d.ids.agent1));
    let t = ticket(&mut d.admin, older);
    let reason = t["assignment"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("1 open"),
        "the urgent one went first, so this one saw it: {reason}"
    );
}

#[test]
fn a_persons_assignment_and_unassignment_are_never_changed_by_the_engine() {
    let (mut d, clock, jobs) = desk_at(MONDAY_0730);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    let kept = raise(&mut d.alice, "Keyboard sticky");
    let released = raise(&mut d.alice, "Screen flickers");
    let r = d.admin.post_json(
        &format!("/api/tickets/{kept}/assign"),
        &json!({"assignee_id": d.ids.agent2}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["assignment"]["kind"], "manual");
    d.admin.post_json(
        &format!("/api/tickets/{released}/assign"),
        &json!({"assignee_id": d.ids.agent2}),
    );
    let r = d.admin.post_json(
        &format!("/api/tickets/{released}/assign"),
        &json!({"assignee_id": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    clock.advance(Duration::from_secs(3600));
    assert!(jobs.run_pass(PASS));
    assert_eq!(assignee(&mut d.admin, kept), Some(d.ids.agent2));
    assert_eq!(assignee(&mut d.admin, released), None);
    let t = ticket(&mut d.admin, released);
    assert_eq!(t["assignment"]["kind"], "manual");
    assert_eq!(t["assignment"]["waiting"], false);
}

#[test]
fn escalation_hands_the_ticket_to_an_available_agent_of_the_new_tier() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    office_hours(&mut d.admin, d.ids.agent2);
    let n = raise(&mut d.alice, "VPN drops");
    assert_eq!(assignee(&mut d.admin, n), Some(d.ids.agent1));
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/escalate"),
        &json!({"reason": "Needs the firewall team"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = &r.json()["ticket"];
    assert_eq!(t["assignee"]["id"], d.ids.agent2);
    assert_eq!(t["assignment"]["kind"], "automatic");
    let reason = t["assignment"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Tom Tier-One: tier 1, the ticket needs 2"),
        "{reason}"
    );
}

#[test]
fn a_move_to_a_category_the_assignee_does_not_take_reassigns_it() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    let other = category(&mut d.admin, "Other")["id"].as_i64().unwrap();
    let r = d.admin.post_json(
        "/api/categories",
        &json!({"name": "Facilities", "guidance": "", "default_priority": "normal",
                "active": true, "questions": []}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let facilities = r.json()["category"]["id"].as_i64().unwrap();
    set_schedule(
        &mut d.admin,
        d.ids.agent1,
        json!({"hours": weekdays("08:00", "17:00"), "categories": [other]}),
    );
    office_hours(&mut d.admin, d.ids.agent2);
    let n = raise(&mut d.alice, "Odd noise");
    assert_eq!(assignee(&mut d.admin, n), Some(d.ids.agent1));
    let r = d.agent1.patch_json(
        &format!("/api/tickets/{n}"),
        &json!({"category_id": facilities, "answers": {}}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["assignee"]["id"], d.ids.agent2);
}

#[test]
fn resolving_a_ticket_brings_a_capped_agent_back_under_the_cap() {
    let (mut d, _clock, jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    set_schedule(
        &mut d.admin,
        d.ids.agent1,
        json!({"hours": weekdays("08:00", "17:00"), "cap": 1}),
    );
    let first = raise(&mut d.alice, "First");
    let second = raise(&mut d.alice, "Second");
    assert_eq!(assignee(&mut d.admin, first), Some(d.ids.agent1));
    let t = ticket(&mut d.admin, second);
    assert_eq!(t["assignment"]["waiting"], true);
    assert!(
        t["assignment"]["reason"]
            .as_str()
            .unwrap()
            .contains("at their cap (1 of 1 open)"),
        "{t}"
    );
    let r = move_to(&mut d.agent1, first, "resolved");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(jobs.run_pass(PASS));
    assert_eq!(assignee(&mut d.admin, second), Some(d.ids.agent1));
}

#[test]
fn with_automatic_assignment_off_tickets_wait_for_a_person() {
    let (mut d, _clock, jobs) = desk_at(MONDAY_10);
    berlin(&mut d);
    office_hours(&mut d.admin, d.ids.agent1);
    let other = category(&mut d.admin, "Other")["id"].as_i64().unwrap();
    let r = d
        .admin
        .patch_json("/api/org", &json!({"manual_categories": [other]}));
    assert_eq!(
        r.json()["organization"]["manual_categories"],
        json!([other])
    );
    let by_hand = raise(&mut d.alice, "Category assigned by hand");
    let r = d.admin.patch_json(
        "/api/org",
        &json!({"manual_categories": [], "auto_assign": false}),
    );
    assert_eq!(r.json()["organization"]["auto_assign"], false);
    let off = raise(&mut d.alice, "Desk turned it off");
    assert!(jobs.run_pass(PASS));
    for n in [by_hand, off] {
        let t = ticket(&mut d.admin, n);
        assert!(t["assignee"].is_null());
        assert_eq!(
            t["assignment"]["waiting"], false,
            "not waiting for the engine"
        );
    }
}
