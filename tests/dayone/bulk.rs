//! Bulk changes from the queue: each ticket by its own rules and with its own
//! history; refusals reported per ticket without undoing the others.

use crate::helpers::{desk, move_to, raise, ticket, Desk};
use serde_json::json;

#[test]
fn staff_assign_move_and_reprioritise_several_tickets_with_history_in_each() {
    let Desk {
        server: _server,
        mut alice,
        mut admin,
        ids,
        ..
    } = desk();
    let a = raise(&mut alice, "One");
    let b = raise(&mut alice, "Two");
    let r = admin.post_json(
        "/api/tickets/bulk",
        &json!({"numbers": [a, b], "assignee_id": ids.agent1, "status": "in_progress", "priority": "high"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["changed"], 2);
    for n in [a, b] {
        let t = ticket(&mut admin, n);
        assert_eq!(t["assignee"]["id"], ids.agent1);
        assert_eq!(t["status"], "in_progress");
        assert_eq!(t["priority"], "high");
        let history = admin
            .get(&format!("/api/tickets/{n}/history"))
            .json()
            .to_string();
        assert!(
            history.contains("in_progress") && history.contains("high"),
            "{history}"
        );
    }
}

#[test]
fn a_refused_ticket_is_reported_and_left_alone_while_the_others_change() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let open = raise(&mut alice, "Open one");
    let closed = raise(&mut alice, "Closed one");
    move_to(&mut agent1, closed, "closed");
    let r = agent1.post_json(
        "/api/tickets/bulk",
        &json!({"numbers": [open, closed, 999], "priority": "urgent", "status": "on_hold"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let results = r.json()["results"].clone();
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[1]["ok"], false);
    assert!(results[1]["error"].is_string());
    assert_eq!(results[2]["ok"], false, "no such ticket");
    assert_eq!(ticket(&mut agent1, open)["priority"], "urgent");
    let c = ticket(&mut agent1, closed);
    assert_eq!(
        (c["status"].as_str(), c["priority"].as_str()),
        (Some("closed"), Some("normal"))
    );
}

#[test]
fn bulk_needs_staff_a_change_and_no_resolving() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let n = raise(&mut alice, "Mine");
    assert_eq!(
        alice
            .post_json(
                "/api/tickets/bulk",
                &json!({"numbers": [n], "priority": "low"})
            )
            .status,
        403
    );
    for (body, field) in [
        (json!({"numbers": [], "priority": "low"}), "numbers"),
        (json!({"numbers": [n]}), "numbers"),
        (json!({"numbers": [n], "status": "resolved"}), "status"),
        (json!({"numbers": [n], "priority": "whenever"}), "priority"),
    ] {
        let r = agent1.post_json("/api/tickets/bulk", &body);
        assert_eq!(r.status, 422, "{body}");
        assert!(r.json()["error"]["fields"][field].is_string(), "{body}");
    }
}
