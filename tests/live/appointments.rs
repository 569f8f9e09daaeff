//! Appointment changes on the stream: staff hear `appointment.changed` so an open
//! calendar redraws; the ticket's requester hears only `ticket.updated` naming
//! `appointments` (their visit line may have changed), never the appointment itself.

use crate::helpers::{desk, raise};
use crate::stream::open;
use serde_json::json;
use std::time::Duration;

const QUIET: Duration = Duration::from_millis(300);

#[test]
fn staff_hear_appointment_changes_and_the_requester_only_that_their_ticket_changed() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Docking station dead");
    let mut staff = open(&d.agent2);
    staff.next("ready");
    let mut alice = open(&d.alice);
    alice.next("ready");
    let mut bob = open(&d.bob);
    bob.next("ready");

    let r = d.agent1.post_json(
        "/api/appointments",
        &json!({"title": "Swap the dock", "start": "2030-01-07T10:00:00Z",
                "end": "2030-01-07T10:30:00Z", "ticket": n, "visible_to_requester": true}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["appointment"]["id"].clone();
    let ev = staff.next_named("appointment.changed");
    assert_eq!(
        ev.json(),
        json!({"id": id, "action": "created", "ticket": n})
    );
    let heard: Vec<(String, serde_json::Value)> = alice
        .drain(QUIET)
        .into_iter()
        .map(|e| (e.name.clone(), e.json()))
        .collect();
    assert_eq!(
        heard,
        [(
            "ticket.updated".to_string(),
            json!({"number": n, "changes": ["appointments"]})
        )],
        "the requester learns only that the ticket changed"
    );
    assert!(
        bob.drain(QUIET).is_empty(),
        "another requester hears nothing"
    );

    assert_eq!(
        d.agent1.delete(&format!("/api/appointments/{id}")).status,
        200
    );
    let ev = staff.next_named("appointment.changed");
    assert_eq!(ev.json()["action"], "cancelled");
}
