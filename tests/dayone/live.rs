//! Day-one changes are published live after they commit: a bulk change, a merge
//! and a deletion each tell the ticket's readers `ticket.updated`.

use crate::helpers::{desk, raise};
use crate::stream::open;
use serde_json::json;

#[test]
fn bulk_changes_merges_and_deletions_reach_the_requesters_open_pages() {
    let mut d = desk();
    let a = raise(&mut d.alice, "Bulk me");
    let b = raise(&mut d.alice, "Duplicate");
    let mut alice = open(&d.alice);
    alice.next("ready");

    let r = d.agent1.post_json(
        "/api/tickets/bulk",
        &json!({"numbers": [a], "priority": "high"}),
    );
    assert_eq!(r.status, 200);
    let ev = alice.next_named("ticket.updated");
    assert_eq!(ev.json()["number"], a);
    assert_eq!(ev.json()["changes"], json!(["priority"]));

    let r = d
        .agent1
        .post_json(&format!("/api/tickets/{b}/merge"), &json!({ "into": a }));
    assert_eq!(r.status, 200);
    let ev = alice.next_named("ticket.updated");
    assert_eq!(ev.json()["number"], b);

    let r = d.admin.send_json(
        "DELETE",
        &format!("/api/tickets/{a}"),
        &json!({ "confirm": a }),
    );
    assert_eq!(r.status, 204);
    loop {
        let ev = alice.next_named("ticket.updated");
        if ev.json()["changes"] == json!(["deleted"]) {
            assert_eq!(ev.json()["number"], a);
            break;
        }
    }
}
