//! Internal notes are invisible to the requester, directly and indirectly: a
//! note changes nothing the requester can observe about their ticket.

use crate::helpers::*;
use serde_json::json;

#[test]
fn an_internal_note_changes_nothing_the_requester_can_see_or_do() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Printer jams");
    let before = ticket(&mut d.alice, n);
    let listed_before = d.alice.get("/api/tickets").json();
    // Let the clock move on, so a touched ticket would show a new updated_at.
    std::thread::sleep(std::time::Duration::from_millis(20));

    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Probably the fuser again", "internal": true}),
    );
    assert_eq!(r.status, 201, "{}", r.text());

    let after = ticket(&mut d.alice, n);
    for field in ["updated_at", "staff_touched", "status"] {
        assert_eq!(after[field], before[field], "{field} changed");
    }
    assert_eq!(
        after["can"], before["can"],
        "what the requester may do changed"
    );
    assert_eq!(after["can"]["edit"], true);
    assert_eq!(d.alice.get("/api/tickets").json(), listed_before);

    let r = d.alice.patch_json(
        &format!("/api/tickets/{n}"),
        &json!({"title": "Printer jams on every page"}),
    );
    assert_eq!(r.status, 200, "the requester may still edit: {}", r.text());
}

#[test]
fn a_public_reply_from_staff_still_shows_and_ends_editing() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Screen flickers");
    let before = ticket(&mut d.alice, n);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Which monitor?", "internal": false}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let after = ticket(&mut d.alice, n);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(after["staff_touched"], true);
    assert_eq!(after["can"]["edit"], false);
}
