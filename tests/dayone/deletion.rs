//! Deleting tickets: the requester withdraws an untouched one; an admin deletes
//! any after typing its number; everything under it goes; numbers are not reused.

use crate::helpers::{desk, raise, Desk};
use serde_json::json;

#[test]
fn a_requester_withdraws_their_untouched_ticket_but_not_once_staff_acted() {
    let Desk {
        server: _server,
        mut alice,
        mut bob,
        mut agent1,
        ..
    } = desk();
    let n = raise(&mut alice, "Wrong printer");
    assert_eq!(bob.delete(&format!("/api/tickets/{n}")).status, 404);
    assert_eq!(alice.delete(&format!("/api/tickets/{n}")).status, 204);
    assert_eq!(alice.get(&format!("/api/tickets/{n}")).status, 404);

    let n = raise(&mut alice, "Mouse broken");
    let r = agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "On it"}),
    );
    assert_eq!(r.status, 201);
    let r = alice.delete(&format!("/api/tickets/{n}"));
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(agent1.delete(&format!("/api/tickets/{n}")).status, 403);
}

#[test]
fn an_admin_must_type_the_number_and_then_everything_under_the_ticket_goes() {
    let Desk {
        server: _server,
        mut alice,
        mut admin,
        mut agent1,
        ids,
        ..
    } = desk();
    let n = raise(&mut alice, "Laptop fan loud quasar");
    let t = format!("/api/tickets/{n}");
    agent1.post_json(&format!("{t}/comments"), &json!({"body": "reply quasar"}));
    agent1.post_json(
        &format!("{t}/comments"),
        &json!({"body": "note", "internal": true}),
    );
    agent1.post_json(&format!("{t}/tasks"), &json!({"title": "Clean fan"}));
    agent1.post_json(&format!("{t}/watchers"), &json!({"user_id": ids.agent1}));

    let r = admin.delete(&t);
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["confirm"].is_string());
    let r = admin.send_json("DELETE", &t, &json!({"confirm": n + 1}));
    assert_eq!(r.status, 422);
    let r = admin.send_json("DELETE", &t, &json!({"confirm": n}));
    assert_eq!(r.status, 204, "{}", r.text());

    assert_eq!(admin.get(&t).status, 404);
    let found = admin.get("/api/tickets?q=quasar").json();
    assert_eq!(found["total"], 0, "search rows went too");
    // The next ticket does not take the deleted number.
    let next = raise(&mut alice, "Another");
    assert_eq!(next, n + 1);
}

#[test]
fn a_deleted_top_number_is_never_handed_out_again() {
    let Desk {
        server: _server,
        mut alice,
        mut admin,
        ..
    } = desk();
    let first = raise(&mut alice, "One");
    let top = raise(&mut alice, "Two");
    assert_eq!(alice.delete(&format!("/api/tickets/{top}")).status, 204);
    let r = admin.send_json(
        "DELETE",
        &format!("/api/tickets/{first}"),
        &json!({"confirm": first}),
    );
    assert_eq!(r.status, 204);
    assert_eq!(raise(&mut alice, "Three"), top + 1);
}

#[test]
fn another_organizations_admin_cannot_delete_our_ticket() {
    let Desk {
        server,
        mut alice,
        mut admin,
        ..
    } = desk();
    let n = raise(&mut alice, "Ours");
    let (mut other, _) = crate::helpers::other_org(&server, &mut admin);
    let r = other.send_json(
        "DELETE",
        &format!("/api/tickets/{n}"),
        &json!({"confirm": n}),
    );
    assert_eq!(r.status, 404);
    assert_eq!(alice.get(&format!("/api/tickets/{n}")).status, 200);
}

#[test]
fn the_queue_total_drops_after_a_deletion() {
    let Desk {
        server: _server,
        mut alice,
        mut admin,
        mut agent1,
        ..
    } = desk();
    let first = raise(&mut alice, "Scanner jams");
    raise(&mut alice, "Monitor flickers");
    let before = agent1.get("/api/tickets").json()["total"].as_i64().unwrap();
    assert!(before >= 2);
    // Not the top number: the highest number no longer says how many there are.
    let r = admin.send_json(
        "DELETE",
        &format!("/api/tickets/{first}"),
        &json!({"confirm": first}),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    let page = agent1.get("/api/tickets").json();
    assert_eq!(page["total"], before - 1, "{page}");
    let due = agent1.get("/api/tickets?sort=due").json();
    assert_eq!(due["total"], before - 1, "{due}");
}
