//! A `new` ticket becomes `open` when staff start work on it: taking or assigning
//! it, or a public reply. The move is in the history like any other, made by that
//! staff member. Internal notes and the requester's own actions leave it `new`.

use crate::helpers::*;
use crate::support::Client;
use serde_json::{json, Value};

/// The ticket's status moves in history, as `(actor id, old, new)`.
fn status_moves(c: &mut Client, n: i64) -> Vec<(Value, Value, Value)> {
    c.get(&format!("/api/tickets/{n}/history")).json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "status")
        .map(|h| (h["actor"]["id"].clone(), h["old"].clone(), h["new"].clone()))
        .collect()
}

#[test]
fn an_agent_taking_a_new_ticket_opens_it() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Laptop will not boot");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({"assignee_id": d.ids.agent1}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["status"], "open");
    assert_eq!(
        status_moves(&mut d.agent1, n),
        [(json!(d.ids.agent1), json!("new"), json!("open"))]
    );
}

#[test]
fn an_admin_assigning_a_new_ticket_opens_it_in_the_admins_name() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Monitor flickers");
    let r = d.admin.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({"assignee_id": d.ids.agent2}),
    );
    assert_eq!(r.json()["ticket"]["status"], "open");
    assert_eq!(
        status_moves(&mut d.alice, n),
        [(json!(d.ids.admin), json!("new"), json!("open"))],
        "the requester sees the move too"
    );
}

#[test]
fn a_public_staff_reply_opens_a_new_ticket_but_an_internal_note_does_not() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Cannot print");
    let url = format!("/api/tickets/{n}/comments");
    let r = d.agent1.post_json(
        &url,
        &json!({"body": "Checking the queue", "internal": true}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(ticket(&mut d.agent1, n)["status"], "new");

    let r = d.agent2.post_json(
        &url,
        &json!({"body": "Which printer is it?", "internal": false}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(ticket(&mut d.alice, n)["status"], "open");
    assert_eq!(
        status_moves(&mut d.agent1, n),
        [(json!(d.ids.agent2), json!("new"), json!("open"))]
    );
}

#[test]
fn the_requesters_own_actions_leave_a_new_ticket_new() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Wi-Fi drops");
    let r = d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "It happens every hour."}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = d.alice.patch_json(
        &format!("/api/tickets/{n}"),
        &json!({"description": "Drops every hour, on every floor."}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = d.alice.post_json(
        &format!("/api/tickets/{n}/tasks"),
        &json!({"title": "Try a cable"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(ticket(&mut d.alice, n)["status"], "new");
    assert!(status_moves(&mut d.admin, n).is_empty());
}

#[test]
fn staff_work_on_a_ticket_past_new_does_not_move_it() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Password expired");
    assert_eq!(move_to(&mut d.agent1, n, "on_hold").status, 200);
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Waiting for your manager's approval."}),
    );
    d.agent1.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({"assignee_id": d.ids.agent1}),
    );
    assert_eq!(ticket(&mut d.alice, n)["status"], "on_hold");
}
