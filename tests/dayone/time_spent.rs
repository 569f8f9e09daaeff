//! Time spent: staff log minutes, alone or with a reply; the ticket shows the total.

use crate::helpers::{desk, raise, ticket, Desk};
use serde_json::json;

#[test]
fn staff_log_minutes_alone_and_with_a_reply_and_the_ticket_shows_the_total() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let n = raise(&mut alice, "New starter laptop");
    let r = agent1.post_json(
        &format!("/api/tickets/{n}/time"),
        &json!({"minutes": 45, "note": "Imaging"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["total_minutes"], 45);
    let r = agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Ready for pickup", "minutes": 15}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(ticket(&mut agent1, n)["time_spent_minutes"], 60);
    let list = agent1.get(&format!("/api/tickets/{n}/time")).json();
    assert_eq!(list["entries"].as_array().unwrap().len(), 2);
    assert_eq!(list["entries"][0]["note"], "Imaging");
    // Requesters see neither the total nor the entries.
    assert!(ticket(&mut alice, n)["time_spent_minutes"].is_null());
    assert_eq!(alice.get(&format!("/api/tickets/{n}/time")).status, 403);
}

#[test]
fn negative_zero_or_huge_minutes_and_requesters_logging_are_refused() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let n = raise(&mut alice, "Keyboard");
    for bad in [-5, 0, 100_000] {
        let r = agent1.post_json(
            &format!("/api/tickets/{n}/time"),
            &json!({ "minutes": bad }),
        );
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.json()["error"]["fields"]["minutes"].is_string());
    }
    let r = agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "x", "minutes": -1}),
    );
    assert_eq!(r.status, 422, "the reply is not sent with bad minutes");
    assert_eq!(
        agent1.get(&format!("/api/tickets/{n}/comments")).json()["comments"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let r = alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "me too", "minutes": 5}),
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        alice
            .post_json(&format!("/api/tickets/{n}/time"), &json!({"minutes": 5}))
            .status,
        403
    );
}
