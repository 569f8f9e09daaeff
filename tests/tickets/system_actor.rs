//! The help desk acting by itself (automatic assignment, SLA marks) is recorded in
//! history as the help desk, never as a person, and reaches only its own
//! organization's tickets.

use crate::helpers::{desk, raise};
use helpdesk::domain::ticket::TicketNumber;
use helpdesk::domain::{Actor, OrgId};
use helpdesk::store::{now_ms, ticket_changes, tickets, Db, StoreError};

#[test]
fn history_shows_the_system_actor_as_the_help_desk_with_its_rule() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Printer on fire");
    let db = Db::open(&d.server.data_dir.0, false).unwrap();
    let org: i64 = db
        .read(|c| {
            c.query_row(
                "SELECT org_id FROM users WHERE id = ?1",
                [d.ids.alice],
                |r| r.get(0),
            )
            .map_err(StoreError::from)
        })
        .unwrap();
    let system = Actor::system(OrgId(org), "automatic assignment");
    db.write(|tx| {
        let t = tickets::find(tx, &system, TicketNumber(n))?.expect("the system sees the ticket");
        ticket_changes::assign(tx, &system, &t, Some(d.ids.agent1), now_ms())
    })
    .unwrap();

    for viewer in [&mut d.alice, &mut d.agent1] {
        let r = viewer.get(&format!("/api/tickets/{n}/history"));
        assert_eq!(r.status, 200, "{}", r.text());
        let history = r.json()["history"].as_array().unwrap().clone();
        let assigned = history
            .iter()
            .find(|h| h["action"] == "assigned")
            .expect("the assignment is in the history");
        assert_eq!(assigned["actor"]["name"], "Help desk");
        assert_eq!(assigned["actor"]["system"], true);
        assert_eq!(assigned["actor"]["rule"], "automatic assignment");
        assert!(assigned["actor"]["id"].is_null(), "never a person");
        assert_eq!(assigned["new"]["id"], d.ids.agent1);
        // The person who raised it is still shown as a person.
        let created = history.iter().find(|h| h["action"] == "created").unwrap();
        assert_eq!(created["actor"]["id"], d.ids.alice);
    }
}

#[test]
fn the_system_actor_does_not_reach_another_organizations_tickets() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Mouse missing");
    let db = Db::open(&d.server.data_dir.0, false).unwrap();
    let elsewhere = Actor::system(OrgId(9_999), "automatic assignment");
    let found = db
        .read(|c| tickets::find(c, &elsewhere, TicketNumber(n)))
        .unwrap();
    assert!(found.is_none());
}
