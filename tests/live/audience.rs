//! The stream itself: its framing, reconnecting without losing events, and who
//! hears what (the API's read rules, applied per subscriber).

use crate::helpers::{desk, other_org, raise};
use crate::stream::{open, open_with};
use serde_json::json;
use std::time::Duration;

const QUIET: Duration = Duration::from_millis(300);

#[test]
fn the_stream_is_server_sent_events_with_retry_ready_and_ids() {
    let mut d = desk();
    let anonymous = d.server.client();
    assert_eq!(open(&anonymous).status, 401);

    let mut s = open(&d.agent1);
    assert_eq!(s.status, 200, "{}", s.head);
    assert_eq!(
        s.header("content-type").as_deref(),
        Some("text/event-stream")
    );
    assert_eq!(s.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(s.header("x-accel-buffering").as_deref(), Some("no"));
    assert_eq!(s.next("ready").name, "ready");
    assert!(s.raw.starts_with("retry: "), "{}", s.raw);

    let n = raise(&mut d.alice, "Printer on fire");
    let ev = s.next("ticket.created");
    assert_eq!(ev.name, "ticket.created");
    let data = ev.json();
    assert_eq!(data["number"], n);
    assert_eq!(data["title"], "Printer on fire");
    assert_eq!(data["status"], "new");
    let first: u64 = ev
        .id
        .expect("a replayable event has an id")
        .parse()
        .unwrap();

    d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Smoke now"}),
    );
    let ev = s.next("comment.created");
    assert_eq!(ev.name, "comment.created");
    assert_eq!(ev.json()["comment"]["body"], "Smoke now");
    assert!(ev.id.unwrap().parse::<u64>().unwrap() > first, "ids rise");
}

#[test]
fn a_reconnect_replays_what_was_missed_and_the_header_wins_over_the_query() {
    let mut d = desk();
    let mut s = open(&d.agent1);
    s.next("ready");
    let n = raise(&mut d.alice, "VPN drops");
    let seen = s.next("ticket.created").id.unwrap();
    drop(s);

    d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Again"}),
    );
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Looking", "internal": true}),
    );

    let mut back = open_with(&d.agent1, "/api/events", &[("Last-Event-ID", &seen)]);
    let missed: Vec<String> = back.drain(QUIET).into_iter().map(|e| e.name).collect();
    assert_eq!(missed, ["comment.created", "comment.created"]);

    // A tab taking over the stream passes the id in the query; a header wins.
    let mut q = open_with(&d.agent1, &format!("/api/events?last_event_id={seen}"), &[]);
    assert_eq!(q.drain(QUIET).len(), 2);
    let mut both = open_with(
        &d.agent1,
        "/api/events?last_event_id=1",
        &[("Last-Event-ID", &seen)],
    );
    assert_eq!(both.drain(QUIET).len(), 2, "the header's id was used");
}

#[test]
fn an_id_the_log_cannot_answer_gets_resync_and_a_malformed_one_is_ignored() {
    let mut d = desk();
    raise(&mut d.alice, "Anything");
    let mut old = open_with(&d.agent1, "/api/events", &[("Last-Event-ID", "5")]);
    assert_eq!(old.next("resync").name, "resync");
    let mut bad = open_with(&d.agent1, "/api/events", &[("Last-Event-ID", "12abc")]);
    assert_eq!(bad.next("ready").name, "ready");
}

#[test]
fn an_internal_note_never_reaches_a_requester_live_or_replayed() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Laptop slow");
    let mut alice = open(&d.alice);
    alice.next("ready");
    let mut agent = open(&d.agent1);
    agent.next("ready");

    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Secret: she broke it", "internal": true}),
    );
    assert_eq!(r.status, 201);
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "On my way"}),
    );

    let heard = alice.drain(QUIET);
    assert!(
        !heard.iter().any(|e| e.data.contains("Secret")),
        "{heard:?}"
    );
    let comments: Vec<_> = heard
        .iter()
        .filter(|e| e.name == "comment.created")
        .collect();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].json()["comment"]["body"], "On my way");

    let staff: Vec<String> = agent.drain(QUIET).into_iter().map(|e| e.data).collect();
    assert!(
        staff.iter().any(|d| d.contains("Secret")),
        "staff hear the note"
    );

    // Replay from before the note: still nothing of it for the requester.
    let mut again = open_with(&d.alice, "/api/events", &[("Last-Event-ID", "1")]);
    let replay = again.drain(QUIET);
    assert!(
        !replay.iter().any(|e| e.data.contains("Secret")),
        "{replay:?}"
    );
}

#[test]
fn other_requesters_tickets_and_other_organizations_stay_silent() {
    let mut d = desk();
    let (mut globex_admin, _) = other_org(&d.server, &mut d.admin);
    let mut bob = open(&d.bob);
    bob.next("ready");
    let mut globex = open(&globex_admin);
    globex.next("ready");

    let n = raise(&mut d.alice, "Alice's own trouble");
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Hello Alice"}),
    );

    // Each then hears their own news, and that is the first thing they hear.
    let mine = raise(&mut d.bob, "Bob's trouble");
    let ev = bob.next("Bob's ticket.created");
    assert_eq!(
        (ev.name.as_str(), ev.json()["number"].as_i64()),
        ("ticket.created", Some(mine))
    );
    let cat = crate::helpers::category(&mut globex_admin, "Other");
    globex_admin.post_json(
        "/api/tickets",
        &json!({"category_id": cat["id"], "title": "Globex thing", "description": "x",
                "priority": "normal", "answers": {}}),
    );
    let ev = globex.next("Globex's ticket.created");
    assert_eq!(ev.json()["title"], "Globex thing");
}

#[test]
fn a_watcher_hears_of_the_ticket_once_added_and_a_message_made_internal_disappears() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Shared drive");
    let mut bob = open(&d.bob);
    bob.next("ready");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/watchers"),
        &json!({"user_id": d.ids.bob}),
    );
    assert_eq!(r.status, 200);
    let ev = bob.next("ticket.updated");
    assert_eq!(ev.json(), json!({"number": n, "changes": ["watchers"]}));

    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Oops, password is hunter2"}),
    );
    let id = r.json()["comment"]["id"].as_i64().unwrap();
    assert_eq!(bob.next("comment.created").name, "comment.created");

    assert_eq!(
        d.alice
            .patch_json(
                &format!("/api/tickets/{n}/comments/{id}"),
                &json!({"internal": true})
            )
            .status,
        403
    );
    let r = d.agent1.patch_json(
        &format!("/api/tickets/{n}/comments/{id}"),
        &json!({"internal": false}),
    );
    assert_eq!(r.status, 422);
    let r = d.agent1.patch_json(
        &format!("/api/tickets/{n}/comments/{id}"),
        &json!({"internal": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["comment"]["internal"], true);
    let ev = bob.next_named("comment.updated");
    assert_eq!(ev.json(), json!({"number": n, "id": id, "internal": true}));

    let list = d.alice.get(&format!("/api/tickets/{n}/comments")).json();
    assert_eq!(list["comments"].as_array().unwrap().len(), 0, "{list}");
    let found = d.alice.get("/api/tickets?q=hunter2").json();
    assert_eq!(found["total"], 0, "its text left the requester's search");
    let history = d.alice.get(&format!("/api/tickets/{n}/history")).json();
    assert!(!history.to_string().contains("made_internal"));
    let history = d.agent1.get(&format!("/api/tickets/{n}/history")).json();
    assert!(history.to_string().contains("made_internal"));

    // Removed, Bob hears that much, then nothing more of it.
    d.agent1
        .delete(&format!("/api/tickets/{n}/watchers/{}", d.ids.bob));
    assert_eq!(bob.next("ticket.updated").name, "ticket.updated");
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "After Bob left"}),
    );
    assert!(bob
        .drain(QUIET)
        .iter()
        .all(|e| !e.data.contains("After Bob left")));
}
