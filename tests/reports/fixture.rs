//! A desk with five tickets whose history happened at known times, written
//! through the store (the same functions the API calls) with chosen `now`s, so
//! every figure can be worked out by hand. Times are on and around D0 =
//! 2026-03-02, a Monday (UTC, the organization's zone here); the reports ask
//! for D0..D2 = 2026-03-02..2026-03-04. Business hours are the default office
//! hours, Monday to Friday 08:00-17:00, so business times are worked out from
//! those (T5's Sunday reply took no business time).
//!
//! | ticket | created     | cat      | prio   | assignee | history                                              |
//! |--------|-------------|----------|--------|----------|------------------------------------------------------|
//! | T5     | D-1 12:00   | Software | normal | Tess     | Tess replies D-1 13:00; resolved D0 12:00            |
//! | T1     | D0 09:00    | Software | high   | Tom      | Tom replies 09:30; resolved D0 13:00                 |
//! | T2     | D0 10:00    | Printing | normal | Tess     | Tess replies 11:00; resolved D1 10:00; reopened by   |
//! |        |             |          |        |          | Alice D2 09:00; resolved D2 12:00                    |
//! | T3     | D1 08:00    | Software | low    | Tom      | Alice replies 09:00; Tom replies 10:00; in progress  |
//! | T4     | D2 15:00    | Printing | urgent | nobody   | an internal note by Tom 16:00 (not a response)       |

use crate::helpers::{desk, Desk};
use helpdesk::domain::ticket::{
    Contact, Description, Priority, Resolution, Status, TicketNumber, Title,
};
use helpdesk::domain::{Actor, OrgId, Role, Tier, UserId};
use helpdesk::store::comments::Format;
use helpdesk::store::tickets::{self, NewTicket};
use helpdesk::store::{comments, orgs, ticket_changes, Db, StoreError};

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;
/// 2026-03-02T00:00:00Z.
pub const D0: i64 = 1_772_409_600_000;
pub const RANGE: &str = "from=2026-03-02&to=2026-03-04";

pub struct Fixture {
    pub desk: Desk,
    pub software: i64,
    pub printing: i64,
}

pub fn actor(db: &Db, id: i64) -> Actor {
    let (org, role): (i64, String) = db
        .read(|c| {
            c.query_row("SELECT org_id, role FROM users WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(StoreError::from)
        })
        .unwrap();
    let role = match role.as_str() {
        "admin" => Role::Admin,
        "agent" => Role::Agent,
        _ => Role::Requester,
    };
    let tier = (role != Role::Requester).then(|| Tier::try_from(1).unwrap());
    Actor::person(UserId(id), OrgId(org), role, tier)
}

fn category(db: &Db, org: OrgId, name: &str) -> i64 {
    db.read(|c| {
        c.query_row(
            "SELECT id FROM categories WHERE org_id = ?1 AND name = ?2",
            rusqlite::params![org.0, name],
            |r| r.get(0),
        )
        .map_err(StoreError::from)
    })
    .unwrap()
}

/// One step of a ticket's life, at a time.
pub enum Step<'a> {
    Reply(&'a Actor, bool),
    Assign(&'a Actor, i64),
    Move(&'a Actor, Status),
}

pub fn ticket(
    db: &Db,
    by: &Actor,
    category_id: i64,
    priority: Priority,
    created: i64,
    steps: &[(i64, Step<'_>)],
) -> TicketNumber {
    let number = db
        .write(|tx| {
            let t = NewTicket {
                category_id,
                title: Title::try_from("Fixture ticket").unwrap(),
                description: Description::try_from("Written at a known time.").unwrap(),
                priority,
                answers: Vec::new(),
                contact: Contact::parse("Alice Requester", "", "").unwrap(),
            };
            tickets::create(tx, by, &t, created)
        })
        .unwrap();
    for (at, step) in steps {
        db.write(|tx| -> Result<(), StoreError> {
            let who = match step {
                Step::Reply(a, _) | Step::Assign(a, _) | Step::Move(a, _) => *a,
            };
            let t = tickets::find(tx, who, number)?.expect("the fixture's actor sees it");
            match step {
                Step::Reply(a, internal) => {
                    comments::add(tx, a, &t, "A reply.", *internal, Format::Text, *at)?;
                }
                Step::Assign(a, id) => ticket_changes::assign(tx, a, &t, Some(*id), *at)?,
                Step::Move(a, to) => {
                    let r = Resolution::parse("A cause", "Some steps").unwrap();
                    let r = (*to == Status::Resolved).then_some(&r);
                    ticket_changes::set_status(tx, a, &t, *to, r, *at)?;
                }
            }
            Ok(())
        })
        .unwrap();
    }
    number
}

/// The desk of `helpers::desk` with the five tickets of the table above.
pub fn fixture() -> Fixture {
    let d = desk();
    let db = Db::open(&d.server.data_dir.0, false).unwrap();
    let alice = actor(&db, d.ids.alice);
    // Days and business hours in UTC whatever the host's zone.
    db.write(|tx| orgs::set_time_zone(tx, &actor(&db, d.ids.admin), Some("UTC")))
        .unwrap();
    let tom = actor(&db, d.ids.agent1);
    let tess = actor(&db, d.ids.agent2);
    let software = category(&db, alice.org_id, "Software");
    let printing = category(&db, alice.org_id, "Printing");
    let (tom_id, tess_id) = (d.ids.agent1, d.ids.agent2);
    use Step::{Assign, Move, Reply};
    // T5, raised the day before the range.
    ticket(
        &db,
        &alice,
        software,
        Priority::Normal,
        D0 - 12 * HOUR,
        &[
            (D0 - 12 * HOUR, Assign(&tess, tess_id)),
            (D0 - 11 * HOUR, Reply(&tess, false)),
            (D0 + 12 * HOUR, Move(&tess, Status::Resolved)),
        ],
    );
    ticket(
        &db,
        &alice,
        software,
        Priority::High,
        D0 + 9 * HOUR,
        &[
            (D0 + 9 * HOUR, Assign(&tom, tom_id)),
            (D0 + 9 * HOUR + HOUR / 2, Reply(&tom, false)),
            (D0 + 13 * HOUR, Move(&tom, Status::Resolved)),
        ],
    );
    ticket(
        &db,
        &alice,
        printing,
        Priority::Normal,
        D0 + 10 * HOUR,
        &[
            (D0 + 10 * HOUR, Assign(&tess, tess_id)),
            (D0 + 11 * HOUR, Reply(&tess, false)),
            (D0 + DAY + 10 * HOUR, Move(&tess, Status::Resolved)),
            (D0 + 2 * DAY + 9 * HOUR, Move(&alice, Status::Open)),
            (D0 + 2 * DAY + 12 * HOUR, Move(&tess, Status::Resolved)),
        ],
    );
    ticket(
        &db,
        &alice,
        software,
        Priority::Low,
        D0 + DAY + 8 * HOUR,
        &[
            (D0 + DAY + 8 * HOUR, Assign(&tom, tom_id)),
            (D0 + DAY + 9 * HOUR, Reply(&alice, false)),
            (D0 + DAY + 10 * HOUR, Reply(&tom, false)),
            (D0 + DAY + 10 * HOUR, Move(&tom, Status::InProgress)),
        ],
    );
    ticket(
        &db,
        &alice,
        printing,
        Priority::Urgent,
        D0 + 2 * DAY + 15 * HOUR,
        &[(D0 + 2 * DAY + 16 * HOUR, Reply(&tom, true))],
    );
    Fixture {
        desk: d,
        software,
        printing,
    }
}
