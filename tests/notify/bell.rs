//! The bell: who is told of what, the live count, marking read, preferences,
//! and the jobs thread's automatic assignments and SLA marks.

use crate::email::{reply, send_due, use_relay, PASS, START};
use crate::helpers::{desk, desk_with_mail, move_to, raise};
use crate::sink::{free_port, SmtpSink};
use crate::stream::open;
use crate::support::Client;
use serde_json::{json, Value};
use std::time::Duration;

fn bell(c: &mut Client) -> Value {
    let r = c.get("/api/notifications");
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn kinds(b: &Value) -> Vec<String> {
    b["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_public_reply_counts_the_requesters_bell_up_live_and_never_the_authors() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Keyboard sticky");
    let mut alice = open(&d.alice);
    alice.next("ready");
    reply(&mut d.agent1, n, "Have you tried cleaning it?", false);

    let ev = alice.next_named("notification.created");
    let data = ev.json();
    assert_eq!(data["unread"], 1);
    assert_eq!(data["notification"]["ticket_number"], n);
    assert_eq!(data["notification"]["kind"], "reply");
    let text = data["notification"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Tom Tier-One replied: Have you tried"),
        "{text}"
    );

    let b = bell(&mut d.alice);
    assert_eq!(b["unread"], 1);
    assert_eq!(b["notifications"][0]["ticket_title"], "Keyboard sticky");
    assert_eq!(bell(&mut d.agent1)["unread"], 0, "the author hears nothing");
    assert_eq!(bell(&mut d.bob)["unread"], 0, "not Bob's ticket");
}

#[test]
fn the_requesters_reply_reaches_the_assignee_and_internal_notes_never_reach_requesters() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Mail bounces");
    let id = d.ids.agent1;
    let r = d.admin.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({ "assignee_id": id }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(kinds(&bell(&mut d.agent1)), vec!["assigned"]);

    reply(&mut d.alice, n, "It still bounces.", false);
    assert_eq!(kinds(&bell(&mut d.agent1)), vec!["reply", "assigned"]);

    let before = bell(&mut d.alice)["unread"].as_i64().unwrap();
    reply(&mut d.agent2, n, "Secret: the MX record is wrong.", true);
    let b = bell(&mut d.alice);
    assert_eq!(b["unread"].as_i64().unwrap(), before, "{b}");
    assert!(!b.to_string().contains("MX record"));
    let tom = bell(&mut d.agent1);
    assert!(tom["notifications"][0]["text"]
        .as_str()
        .unwrap()
        .contains("internal note"));
}

#[test]
fn marking_one_or_all_read_counts_down_and_ignores_other_peoples_ids() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Screen dim");
    reply(&mut d.agent1, n, "One.", false);
    reply(&mut d.agent1, n, "Two.", false);
    let r = move_to(&mut d.agent1, n, "resolved");
    assert_eq!(r.status, 200, "{}", r.text());
    let b = bell(&mut d.alice);
    assert_eq!(b["unread"], 3, "{b}");
    assert_eq!(kinds(&b)[0], "resolved", "newest first");
    let first = b["notifications"][0]["id"].as_i64().unwrap();

    // Bob cannot mark Alice's notification read.
    let r = d
        .bob
        .post_json("/api/notifications/read", &json!({ "ids": [first] }));
    assert_eq!(r.status, 200);
    assert_eq!(bell(&mut d.alice)["unread"], 3);

    let r = d
        .alice
        .post_json("/api/notifications/read", &json!({ "ids": [first] }));
    assert_eq!(r.json()["unread"], 2);
    assert_eq!(bell(&mut d.alice)["notifications"][0]["read"], true);
    let r = d
        .alice
        .post_json("/api/notifications/read", &json!({ "all": true }));
    assert_eq!(r.json()["unread"], 0);

    for bad in [
        json!({}),
        json!({"ids": [1], "all": true}),
        json!({"ids": "x"}),
    ] {
        let r = d.alice.post_json("/api/notifications/read", &bad);
        assert!(r.status == 422 || r.status == 400, "{bad}: {}", r.status);
    }
    assert_eq!(d.server.client().get("/api/notifications").status, 401);
}

#[test]
fn preferences_choose_in_app_and_email_per_kind_over_the_admins_defaults() {
    let sink = SmtpSink::start(free_port());
    let (mut d, clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);

    // The admin's default: no e-mail for replies. Only admins set defaults.
    let defaults =
        json!({"defaults": true, "settings": {"reply": {"in_app": true, "email": false}}});
    let r = d
        .agent1
        .send_json("PUT", "/api/me/notification-settings", &defaults);
    assert_eq!(r.status, 403);
    let r = d
        .admin
        .send_json("PUT", "/api/me/notification-settings", &defaults);
    assert_eq!(r.status, 200, "{}", r.text());

    let s = d.alice.get("/api/me/notification-settings").json();
    let reply_row = s["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "reply")
        .cloned()
        .unwrap();
    assert_eq!(reply_row["email"], false, "{s}");
    assert_eq!(s["email_available"], true);

    let n = raise(&mut d.alice, "Wifi slow");
    reply(&mut d.agent1, n, "Checking the access point.", false);
    send_due(&clock, &mail);
    assert!(
        sink.to("alice@acme.test").is_empty(),
        "the default said no e-mail"
    );
    assert_eq!(bell(&mut d.alice)["unread"], 1);

    // Alice wants e-mail after all, and no bell for replies.
    let mine = json!({"settings": {"reply": {"in_app": false, "email": true}}});
    let r = d
        .alice
        .send_json("PUT", "/api/me/notification-settings", &mine);
    assert_eq!(r.status, 200, "{}", r.text());
    reply(&mut d.agent1, n, "Replaced the access point.", false);
    send_due(&clock, &mail);
    sink.wait_for(2); // the admin's "waiting" e-mail went in the first pass
    assert_eq!(sink.to("alice@acme.test").len(), 1);
    assert_eq!(bell(&mut d.alice)["unread"], 1, "no new bell line");

    let bad = json!({"settings": {"gossip": {"in_app": true, "email": true}}});
    let r = d
        .alice
        .send_json("PUT", "/api/me/notification-settings", &bad);
    assert_eq!(r.status, 422);
}

#[test]
fn the_jobs_thread_publishes_automatic_assignments_and_tells_the_assignee_and_sla_marks() {
    // Monday 07:30 in Berlin: nobody is on shift yet.
    let (mut d, clock, jobs, _mail) = desk_with_mail("2026-11-30T06:30:00Z");
    let r = d
        .admin
        .patch_json("/api/org", &json!({"time_zone": "Europe/Berlin"}));
    assert_eq!(r.status, 200);
    let day = json!([["08:00", "17:00"]]);
    let hours = json!({"hours": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}});
    let r = d.admin.send_json(
        "PUT",
        &format!("/api/users/{}/schedule", d.ids.agent1),
        &hours,
    );
    assert_eq!(r.status, 200, "{}", r.text());

    let n = raise(&mut d.alice, "New starter needs a laptop");
    let admin = bell(&mut d.admin);
    assert_eq!(kinds(&admin), vec!["waiting"], "{admin}");

    let mut alice = open(&d.alice);
    alice.next("ready");
    clock.advance(Duration::from_secs(35 * 60));
    assert!(jobs.run_pass(PASS));
    let ev = alice.next_named("ticket.updated");
    assert_eq!(ev.json()["number"], n);
    assert!(ev.json()["changes"]
        .as_array()
        .unwrap()
        .contains(&json!("assignee")));
    let tom = bell(&mut d.agent1);
    assert_eq!(kinds(&tom), vec!["assigned"], "{tom}");
    assert!(tom["notifications"][0]["text"]
        .as_str()
        .unwrap()
        .contains("Help desk assigned the ticket to you"));

    // Much later the SLA clocks warn and breach: the assignee hears of it.
    clock.advance(Duration::from_secs(3 * 24 * 3600));
    assert!(jobs.run_pass(PASS));
    let tom = bell(&mut d.agent1);
    assert!(kinds(&tom).contains(&"sla".to_string()), "{tom}");
    assert!(!kinds(&bell(&mut d.alice)).contains(&"sla".to_string()));
}

#[test]
fn a_bulk_change_tells_each_tickets_people_once_per_ticket() {
    let mut d = desk();
    let a = raise(&mut d.alice, "Badge reader");
    let b = raise(&mut d.bob, "Docking station");
    let agent = d.ids.agent2;
    let r = d.admin.post_json(
        "/api/tickets/bulk",
        &json!({"numbers": [a, b], "status": "open", "assignee_id": agent}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    for (c, n) in [(&mut d.alice, a), (&mut d.bob, b)] {
        let mine = bell(c);
        assert_eq!(kinds(&mine), vec!["status"], "{mine}");
        assert_eq!(mine["notifications"][0]["ticket_number"], n);
    }
    let tess = bell(&mut d.agent2);
    assert_eq!(kinds(&tess), vec!["assigned", "assigned"], "{tess}");
}

#[test]
fn admins_hear_when_a_ticket_is_left_without_an_agent_not_only_when_it_is_filed() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Projector dead");
    let filed = bell(&mut d.admin);
    assert_eq!(
        kinds(&filed),
        vec!["waiting"],
        "nobody was on shift to take it"
    );
    let id = d.ids.agent1;
    let r = d.admin.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({ "assignee_id": id }),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // The agent releases it (an escalation past their tier does the same).
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({ "assignee_id": null }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let b = bell(&mut d.admin);
    assert_eq!(kinds(&b), vec!["waiting", "waiting"], "{b}");
    let text = b["notifications"][0]["text"].as_str().unwrap();
    assert!(text.contains("left the ticket without an agent"), "{text}");
    assert_eq!(
        kinds(&bell(&mut d.agent1)),
        vec!["assigned"],
        "the actor hears nothing"
    );
    let alice = kinds(&bell(&mut d.alice));
    assert!(!alice.contains(&"waiting".to_string()), "{alice:?}");
}

#[test]
fn read_notifications_are_forgotten_after_ninety_days_and_unread_ones_after_a_year() {
    let (mut d, clock, _jobs, mail) = crate::helpers::desk_with_mail(START);
    let first = raise(&mut d.alice, "Dock not charging");
    reply(&mut d.agent1, first, "Try the other port.", false);
    let second = raise(&mut d.alice, "Headset crackles");
    reply(&mut d.agent1, second, "A new one is on its way.", false);
    let b = bell(&mut d.alice);
    let id = b["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["ticket_number"] == first)
        .unwrap()["id"]
        .clone();
    let r = d
        .alice
        .post_json("/api/notifications/read", &json!({ "ids": [id] }));
    assert!(r.status < 300, "{}", r.text());

    clock.advance(Duration::from_secs(91 * 24 * 3600));
    assert!(mail.run_pass(PASS));
    let b = bell(&mut d.alice);
    let left: Vec<&Value> = b["notifications"].as_array().unwrap().iter().collect();
    assert_eq!(left.len(), 1, "the read one is gone: {b}");
    assert_eq!(left[0]["ticket_number"], second, "the unread one stays");

    clock.advance(Duration::from_secs(275 * 24 * 3600));
    assert!(mail.run_pass(PASS));
    assert_eq!(bell(&mut d.alice)["notifications"], json!([]), "a year on");
}
