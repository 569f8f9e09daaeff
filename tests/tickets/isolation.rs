//! Every ticket route called with another organization's ticket numbers and with
//! another requester's tickets answers 404 and changes nothing.

use crate::helpers::*;
use crate::support::Client;
use serde_json::{json, Value};

fn every_route(c: &mut Client, n: i64, someone: i64) -> Vec<(String, u16)> {
    let b = format!("/api/tickets/{n}");
    vec![
        (format!("GET {b}"), c.get(&b).status),
        (
            format!("PATCH {b}"),
            c.patch_json(&b, &json!({"title": "hacked"})).status,
        ),
        (
            "status".to_string(),
            c.post_json(&format!("{b}/status"), &json!({"status": "closed"}))
                .status,
        ),
        (
            "assign".to_string(),
            c.post_json(&format!("{b}/assign"), &json!({"assignee_id": null}))
                .status,
        ),
        (
            "escalate".to_string(),
            c.post_json(&format!("{b}/escalate"), &json!({"reason": "x"}))
                .status,
        ),
        (
            "watch".to_string(),
            c.post_json(&format!("{b}/watchers"), &json!({"user_id": someone}))
                .status,
        ),
        (
            "unwatch".to_string(),
            c.delete(&format!("{b}/watchers/{someone}")).status,
        ),
        (
            "GET comments".to_string(),
            c.get(&format!("{b}/comments")).status,
        ),
        (
            "POST comments".to_string(),
            c.post_json(&format!("{b}/comments"), &json!({"body": "hi"}))
                .status,
        ),
        ("GET tasks".to_string(), c.get(&format!("{b}/tasks")).status),
        (
            "POST tasks".to_string(),
            c.post_json(&format!("{b}/tasks"), &json!({"title": "x"}))
                .status,
        ),
        (
            "PATCH task".to_string(),
            c.patch_json(&format!("{b}/tasks/1"), &json!({"done": true}))
                .status,
        ),
        (
            "DELETE task".to_string(),
            c.delete(&format!("{b}/tasks/1")).status,
        ),
        ("history".to_string(), c.get(&format!("{b}/history")).status),
    ]
}

fn snapshot(c: &mut Client, n: i64) -> (Value, Value, Value, Value) {
    let b = format!("/api/tickets/{n}");
    (
        c.get(&b).json()["ticket"].clone(),
        c.get(&format!("{b}/comments")).json(),
        c.get(&format!("{b}/tasks")).json(),
        c.get(&format!("{b}/history")).json(),
    )
}

#[test]
fn another_organizations_ticket_numbers_answer_404_and_change_nothing() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Ours");
    d.agent1.post_json(
        &format!("/api/tickets/{n}/tasks"),
        &json!({"title": "Task one"}),
    );
    let before = snapshot(&mut d.admin, n);
    let (mut gus, mut gina) = other_org(&d.server, &mut d.admin);
    for who in [&mut gus, &mut gina] {
        for (route, status) in every_route(who, n, d.ids.alice) {
            assert_eq!(status, 404, "{route}");
        }
    }
    assert_eq!(snapshot(&mut d.admin, n), before);
    assert_eq!(gus.get("/api/tickets").json()["total"], 0);
    let cat = category(&mut d.admin, "Other")["id"].as_i64().unwrap();
    assert_eq!(
        gus.patch_json(&format!("/api/categories/{cat}"), &json!({"name": "Mine"}))
            .status,
        404
    );
    assert_eq!(gus.delete(&format!("/api/categories/{cat}")).status, 404);
    let r = gina.post_json(
        "/api/tickets",
        &json!({"category_id": cat, "title": "t", "description": "d"}),
    );
    assert_eq!(
        r.status, 422,
        "another organization's category cannot be used"
    );
}

#[test]
fn another_requesters_tickets_answer_404_and_change_nothing() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Alice's");
    d.agent1.post_json(
        &format!("/api/tickets/{n}/tasks"),
        &json!({"title": "Task one"}),
    );
    let before = snapshot(&mut d.admin, n);
    for (route, status) in every_route(&mut d.bob, n, d.ids.bob) {
        assert_eq!(status, 404, "{route}");
    }
    assert_eq!(snapshot(&mut d.admin, n), before);
    assert_eq!(d.bob.get("/api/tickets").json()["total"], 0);
    assert_eq!(d.bob.get("/api/tickets?q=Alice").json()["total"], 0);
}
