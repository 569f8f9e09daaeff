//! Typing and presence: only on tickets the person can see, passed on to the
//! ticket's audience, throttled, and internal typing for staff only.

use crate::helpers::{desk, other_org, raise};
use crate::stream::open;
use serde_json::json;
use std::time::Duration;

#[test]
fn typing_and_presence_on_a_ticket_one_cannot_see_answer_404() {
    let mut d = desk();
    let (mut globex, _) = other_org(&d.server, &mut d.admin);
    let n = raise(&mut d.alice, "Mine");
    for c in [&mut d.bob, &mut globex] {
        assert_eq!(
            c.post_json(&format!("/api/tickets/{n}/typing"), &json!({}))
                .status,
            404
        );
        assert_eq!(
            c.post_json(
                &format!("/api/tickets/{n}/presence"),
                &json!({"open": true})
            )
            .status,
            404
        );
    }
    assert_eq!(
        d.alice
            .post_json("/api/tickets/999/typing", &json!({}))
            .status,
        404
    );
    let anonymous = &mut d.server.client();
    assert_eq!(
        anonymous
            .post_json(&format!("/api/tickets/{n}/typing"), &json!({}))
            .status,
        401
    );
    let r = d.alice.post_json(
        &format!("/api/tickets/{n}/typing"),
        &json!({"internal": true}),
    );
    assert_eq!(r.status, 403, "a requester cannot type an internal note");
    let r = d
        .alice
        .post_json(&format!("/api/tickets/{n}/presence"), &json!({}));
    assert_eq!(r.status, 422);
}

#[test]
fn typing_reaches_the_other_side_at_most_once_per_interval() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Mouse");
    let mut agent = open(&d.agent1);
    agent.next("ready");
    for _ in 0..3 {
        let r = d.alice.post_json(
            &format!("/api/tickets/{n}/typing"),
            &json!({"internal": false}),
        );
        assert_eq!(r.status, 204);
    }
    let ev = agent.next("typing");
    assert_eq!(ev.name, "typing");
    assert!(ev.id.is_none(), "typing is never replayed");
    let data = ev.json();
    assert_eq!(data["user"]["name"], "Alice Requester");
    assert_eq!(data["number"], n);
    // The next thing the agent hears is the reply, not two more typing signals.
    d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Hi"}),
    );
    assert_eq!(agent.next("comment.created").name, "comment.created");
}

#[test]
fn internal_typing_reaches_staff_only() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Keyboard");
    let mut alice = open(&d.alice);
    alice.next("ready");
    let mut tess = open(&d.agent2);
    tess.next("ready");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/typing"),
        &json!({"internal": true}),
    );
    assert_eq!(r.status, 204);
    let ev = tess.next("typing");
    assert_eq!(ev.json()["internal"], true);
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Reply"}),
    );
    let ev = alice.next("the reply");
    assert_eq!(ev.name, "comment.created", "no typing before it");
}

#[test]
fn presence_says_who_has_the_ticket_open_and_when_they_leave() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Monitor");
    let mut alice = open(&d.alice);
    alice.next("ready");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/presence"),
        &json!({"open": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["people"][0]["name"], "Tom Tier-One");
    let ev = alice.next("presence");
    assert_eq!(ev.json()["people"][0]["staff"], true);

    let r = d.alice.post_json(
        &format!("/api/tickets/{n}/presence"),
        &json!({"open": true}),
    );
    assert_eq!(r.json()["people"].as_array().unwrap().len(), 2);
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/presence"),
        &json!({"open": false}),
    );
    assert_eq!(r.json()["people"].as_array().unwrap().len(), 1);
    let last = alice
        .drain(Duration::from_millis(300))
        .into_iter()
        .rfind(|e| e.name == "presence")
        .expect("presence events");
    assert_eq!(last.json()["people"].as_array().unwrap().len(), 1);
}
