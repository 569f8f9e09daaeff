//! Tickets: finding one the actor may see, creating one with the next
//! per-organization number ([`insert`] is the row itself, shared with the demo
//! seeder), and reading one whole as a typed [`TicketView`] (answers, watchers,
//! resolution) that the API wraps with the viewer's `can`.
//! Changes to an existing ticket live in [`super::ticket_changes`], the list in
//! [`super::ticket_list`].
//!
//! # Security
//! [`find`] is the only way in to a single ticket: it filters by the actor's
//! organization and, for requesters, by ownership or watching. A ticket it does
//! not return answers 404, exactly like a missing one.

use super::row::At;
use super::{history, search, StoreError};
use crate::domain::access::Relation;
use crate::domain::answers::AnswerValue;
use crate::domain::ticket::{Contact, Description, Priority, Status, TicketNumber, Tier, Title};
use crate::domain::Actor;
use crate::domain::{OrgId, UserId};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

/// A ticket the actor may see, with what the rules need to know about it.
#[derive(Debug, Clone)]
pub struct TicketRef {
    pub id: i64,
    pub number: TicketNumber,
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    pub category_id: i64,
    pub status: Status,
    pub priority: Priority,
    pub tier: Tier,
    pub escalated: bool,
    pub title: String,
    pub description: String,
    pub contact: Contact,
    pub staff_touched: bool,
    pub resolved_at: Option<i64>,
    /// How the actor relates to this ticket.
    pub relation: Relation,
}

/// Finds ticket `number` in the actor's organization, if the actor may see it.
pub fn find(
    conn: &Connection,
    actor: &Actor,
    number: TicketNumber,
) -> Result<Option<TicketRef>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT id, requester_id, assignee_id, category_id, status, priority, tier, escalated,
                    title, description, contact_name, contact_email, contact_phone,
                    staff_touched_at IS NOT NULL, resolved_at,
                    EXISTS (SELECT 1 FROM watchers w WHERE w.ticket_id = t.id AND w.user_id = ?3)
             FROM tickets t WHERE org_id = ?1 AND number = ?2",
        )?
        .query_row(
            params![actor.org_id.0, number.0, super::person(actor)],
            |r| {
                let id: i64 = r.get(0)?;
                let at = At::new("tickets", id);
                let status: String = r.get(4)?;
                let rank: i64 = r.get(5)?;
                let watching: bool = r.get(15)?;
                let requester_id: i64 = r.get(1)?;
                Ok((
                    TicketRef {
                        id,
                        number,
                        requester_id,
                        assignee_id: r.get(2)?,
                        category_id: r.get(3)?,
                        status: at.check("status", Status::try_from(status.as_str()))?,
                        priority: at.some("priority", rank, Priority::from_rank(rank))?,
                        tier: at.check("tier", Tier::try_from(r.get::<_, i64>(6)?))?,
                        escalated: r.get(7)?,
                        title: r.get(8)?,
                        description: r.get(9)?,
                        contact: Contact {
                            name: r.get(10)?,
                            email: r.get(11)?,
                            phone: r.get(12)?,
                        },
                        staff_touched: r.get(13)?,
                        resolved_at: r.get(14)?,
                        relation: Relation::Watcher,
                    },
                    watching,
                ))
            },
        )
        .optional()?;
    Ok(found.and_then(|(mut t, watching)| {
        t.relation = if actor.is_staff() {
            Relation::Staff
        } else if actor.is(UserId(t.requester_id)) {
            Relation::Owner
        } else if watching {
            Relation::Watcher
        } else {
            return None;
        };
        Some(t)
    }))
}

/// A checked new ticket.
pub struct NewTicket {
    pub category_id: i64,
    pub title: Title,
    pub description: Description,
    pub priority: Priority,
    pub answers: Vec<(i64, AnswerValue)>,
    pub contact: Contact,
}

/// The `tickets` row of a new ticket, before its answers, search text and
/// history: what [`create`] and the demo seeder both write.
pub struct TicketInsert<'a> {
    pub org_id: OrgId,
    pub number: i64,
    pub category_id: i64,
    pub requester_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub priority: Priority,
    /// `None`: the requester's own name, e-mail and phone.
    pub contact: Option<&'a Contact>,
    pub created_at: i64,
}

/// Inserts a new ticket's row (status `new`, tier 1) and returns its row id.
pub fn insert(conn: &Connection, t: &TicketInsert<'_>) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO tickets (org_id, number, category_id, requester_id, title, description,
                              status, priority, contact_name, contact_email, contact_phone,
                              created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'new', ?7, COALESCE(?8, name), COALESCE(?9, email),
                COALESCE(?10, phone), ?11, ?11
         FROM users WHERE id = ?4",
    )?
    .execute(params![
        t.org_id.0,
        t.number,
        t.category_id,
        t.requester_id,
        t.title,
        t.description,
        t.priority.rank(),
        t.contact.map(|c| c.name.as_str()),
        t.contact.map(|c| c.email.as_str()),
        t.contact.map(|c| c.phone.as_str()),
        t.created_at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Creates a ticket raised by the actor and returns its number. Must run inside
/// the `BEGIN IMMEDIATE` write, so the number cannot be taken twice; a deleted
/// ticket's number is never reused (`organizations.ticket_number_floor`).
pub fn create(
    conn: &Connection,
    actor: &Actor,
    t: &NewTicket,
    now: i64,
) -> Result<TicketNumber, StoreError> {
    let number: i64 = conn
        .prepare_cached(
            "SELECT MAX(COALESCE((SELECT MAX(number) FROM tickets WHERE org_id = ?1), 0),
                        (SELECT ticket_number_floor FROM organizations WHERE id = ?1)) + 1",
        )?
        .query_row([actor.org_id.0], |r| r.get(0))?;
    // A ticket is raised by a person; the system actor raises none.
    let requester_id = actor
        .user_id()
        .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?;
    let id = insert(
        conn,
        &TicketInsert {
            org_id: actor.org_id,
            number,
            category_id: t.category_id,
            requester_id: requester_id.0,
            title: t.title.as_str(),
            description: t.description.as_str(),
            priority: t.priority,
            contact: Some(&t.contact),
            created_at: now,
        },
    )?;
    write_answers(conn, id, &t.answers)?;
    super::sla_clocks::start(conn, actor.org_id, id, t.priority, t.category_id, now)?;
    search::index_ticket(conn, id, t.title.as_str(), t.description.as_str(), "", "")?;
    history::record(
        conn,
        id,
        actor,
        history::Entry::action("created").with_detail(t.title.as_str()),
        now,
    )?;
    Ok(TicketNumber(number))
}

/// Replaces a ticket's answers.
pub fn write_answers(
    conn: &Connection,
    ticket_id: i64,
    answers: &[(i64, AnswerValue)],
) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM answers WHERE ticket_id = ?1")?
        .execute([ticket_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO answers (ticket_id, question_id, value) VALUES (?1, ?2, ?3)",
    )?;
    for (qid, value) in answers {
        insert.execute(params![ticket_id, qid, value.to_json().to_string()])?;
    }
    Ok(())
}

/// The ticket's answers as `{question_id: value}`, for history entries.
pub fn answers_map(conn: &Connection, ticket_id: i64) -> Result<Value, StoreError> {
    let mut map = serde_json::Map::new();
    for a in answers(conn, ticket_id)? {
        map.insert(a.question_id.to_string(), a.value);
    }
    Ok(Value::Object(map))
}

/// One answer to a category question, with the question's label and kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerRow {
    pub question_id: i64,
    pub label: String,
    pub kind: String,
    pub value: Value,
}

/// The ticket's answers, in question order.
pub fn answers(conn: &Connection, ticket_id: i64) -> Result<Vec<AnswerRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.id, q.label, q.kind, a.value FROM answers a
         JOIN questions q ON q.id = a.question_id
         WHERE a.ticket_id = ?1 ORDER BY q.active DESC, q.position, q.id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        let question_id: i64 = r.get(0)?;
        let value: String = r.get(3)?;
        // answers is keyed by (ticket, question): the row is named by its ticket.
        let value = At::new("answers", ticket_id).check(
            &format!("value of question {question_id}"),
            serde_json::from_str::<Value>(&value),
        )?;
        Ok(AnswerRow {
            question_id,
            label: r.get(1)?,
            kind: r.get(2)?,
            value,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A person or thing by id and name: `{id, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// The people watching a ticket.
pub fn watchers(conn: &Connection, ticket_id: i64) -> Result<Vec<Named>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.name FROM watchers w JOIN users u ON u.id = w.user_id
         WHERE w.ticket_id = ?1 ORDER BY w.created_at, u.id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        Ok(Named {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Who besides staff may read the ticket now: its requester and its watchers.
/// Live events about the ticket are addressed to them (read inside the write
/// transaction, so the list is the one the change committed with).
pub fn readers(conn: &Connection, ticket_id: i64) -> Result<Vec<UserId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT requester_id FROM tickets WHERE id = ?1
         UNION SELECT user_id FROM watchers WHERE ticket_id = ?1",
    )?;
    let rows = stmt.query_map([ticket_id], |r| r.get(0).map(UserId))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The requester as a ticket shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Requester {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The assignee as a ticket shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Assignee {
    pub id: i64,
    pub name: String,
    pub tier: Option<i64>,
}

/// The resolution log of a resolved (or once resolved) ticket.
#[derive(Debug, Clone, Serialize)]
pub struct ResolutionRow {
    pub cause: String,
    pub steps: Option<String>,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<Named>,
}

/// The whole ticket as stored; the API adds the viewer's `can` around it.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    pub number: i64,
    pub title: String,
    pub description: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub tier: i64,
    pub escalated: bool,
    pub category: Named,
    pub requester: Requester,
    pub contact: Contact,
    pub assignee: Option<Assignee>,
    pub resolution: Option<ResolutionRow>,
    pub created_at: i64,
    pub updated_at: i64,
    pub staff_touched: bool,
    pub answers: Vec<AnswerRow>,
    pub watchers: Vec<Named>,
}

/// The whole ticket `t`: category, people, resolution, answers and watchers.
pub fn view(conn: &Connection, t: &TicketRef) -> Result<TicketView, StoreError> {
    let mut ticket = conn
        .prepare_cached(
            "SELECT c.id, c.name, r.id, r.name, r.email, a.id, a.name, a.tier,
                    t.resolution_cause, t.resolution_steps, t.resolved_at, rb.id, rb.name,
                    t.created_at, t.updated_at
             FROM tickets t
             JOIN categories c ON c.id = t.category_id
             JOIN users r ON r.id = t.requester_id
             LEFT JOIN users a ON a.id = t.assignee_id
             LEFT JOIN users rb ON rb.id = t.resolved_by
             WHERE t.id = ?1",
        )?
        .query_row([t.id], |r| {
            let assignee = match r.get::<_, Option<i64>>(5)? {
                Some(id) => Some(Assignee {
                    id,
                    name: r.get(6)?,
                    tier: r.get(7)?,
                }),
                None => None,
            };
            let resolution = match r.get::<_, Option<String>>(8)? {
                Some(cause) => Some(ResolutionRow {
                    cause,
                    steps: r.get(9)?,
                    resolved_at: r.get(10)?,
                    resolved_by: match r.get::<_, Option<i64>>(11)? {
                        Some(id) => Some(Named {
                            id,
                            name: r.get(12)?,
                        }),
                        None => None,
                    },
                }),
                None => None,
            };
            Ok(TicketView {
                number: t.number.0,
                title: t.title.clone(),
                description: t.description.clone(),
                status: t.status.as_str(),
                priority: t.priority.as_str(),
                tier: i64::from(t.tier.get()),
                escalated: t.escalated,
                category: Named {
                    id: r.get(0)?,
                    name: r.get(1)?,
                },
                requester: Requester {
                    id: r.get(2)?,
                    name: r.get(3)?,
                    email: r.get(4)?,
                },
                contact: t.contact.clone(),
                assignee,
                resolution,
                created_at: r.get(13)?,
                updated_at: r.get(14)?,
                staff_touched: t.staff_touched,
                answers: Vec::new(),
                watchers: Vec::new(),
            })
        })?;
    ticket.answers = answers(conn, t.id)?;
    ticket.watchers = watchers(conn, t.id)?;
    Ok(ticket)
}

/// Notes that the actor changed the ticket now: bumps `updated_at`, and when the
/// actor is a staff member, ends the requester's editing rights (staff touched
/// it). The help desk acting by itself (automatic assignment) does not: nobody
/// has started on the ticket yet.
pub fn touch(conn: &Connection, actor: &Actor, ticket_id: i64, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET updated_at = ?2,
                staff_touched_at = CASE WHEN ?3 THEN COALESCE(staff_touched_at, ?2)
                                        ELSE staff_touched_at END
         WHERE id = ?1",
    )?
    .execute(params![
        ticket_id,
        now,
        actor.is_staff() && !actor.is_system()
    ])?;
    Ok(())
}

/// The actor's own name, e-mail and phone: a new ticket's default contact.
pub fn profile_contact(conn: &Connection, actor: &Actor) -> Result<Contact, StoreError> {
    Ok(conn
        .prepare_cached("SELECT name, email, phone FROM users WHERE id = ?1 AND org_id = ?2")?
        .query_row(params![super::person(actor), actor.org_id.0], |r| {
            Ok(Contact {
                name: r.get(0)?,
                email: r.get(1)?,
                phone: r.get(2)?,
            })
        })?)
}
