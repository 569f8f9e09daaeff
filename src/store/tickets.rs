//! Tickets: finding one the actor may see, creating one with the next
//! per-organization number, and reading one whole (answers, watchers, resolution).
//! Changes to an existing ticket live in [`super::ticket_changes`], the list in
//! [`super::ticket_list`].
//!
//! # Security
//! [`find`] is the only way in to a single ticket: it filters by the actor's
//! organization and, for requesters, by ownership or watching. A ticket it does
//! not return answers 404, exactly like a missing one.

use super::{history, search, StoreError};
use crate::domain::access::Relation;
use crate::domain::answers::AnswerValue;
use crate::domain::ticket::{Contact, Description, Priority, Status, TicketNumber, Tier, Title};
use crate::domain::Actor;
use crate::domain::UserId;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

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
                let status: String = r.get(4)?;
                let watching: bool = r.get(15)?;
                let requester_id: i64 = r.get(1)?;
                Ok((
                    TicketRef {
                        id: r.get(0)?,
                        number,
                        requester_id,
                        assignee_id: r.get(2)?,
                        category_id: r.get(3)?,
                        status: Status::try_from(status.as_str()).unwrap_or(Status::Open),
                        priority: Priority::from_rank(r.get(5)?).unwrap_or(Priority::Normal),
                        tier: Tier::try_from(r.get::<_, i64>(6)?).unwrap_or(Tier::FIRST),
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

/// Creates a ticket raised by the actor and returns its number. Must run inside
/// the `BEGIN IMMEDIATE` write, so the number cannot be taken twice.
pub fn create(
    conn: &Connection,
    actor: &Actor,
    t: &NewTicket,
    now: i64,
) -> Result<TicketNumber, StoreError> {
    let number: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE org_id = ?1")?
        .query_row([actor.org_id.0], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO tickets (org_id, number, category_id, requester_id, title, description,
                              status, priority, contact_name, contact_email, contact_phone,
                              created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'new', ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        actor.org_id.0,
        number,
        t.category_id,
        super::person(actor),
        t.title.as_str(),
        t.description.as_str(),
        t.priority.rank(),
        t.contact.name,
        t.contact.email,
        t.contact.phone,
        now
    ])?;
    let id = conn.last_insert_rowid();
    write_answers(conn, id, &t.answers)?;
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
        map.insert(a["question_id"].to_string(), a["value"].clone());
    }
    Ok(Value::Object(map))
}

/// The ticket's answers in the API's Answer shape, in question order.
pub fn answers(conn: &Connection, ticket_id: i64) -> Result<Vec<Value>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.id, q.label, q.kind, a.value FROM answers a JOIN questions q ON q.id = a.question_id
         WHERE a.ticket_id = ?1 ORDER BY q.active DESC, q.position, q.id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        let value: String = r.get(3)?;
        Ok(json!({
            "question_id": r.get::<_, i64>(0)?,
            "label": r.get::<_, String>(1)?,
            "kind": r.get::<_, String>(2)?,
            "value": serde_json::from_str::<Value>(&value).unwrap_or(Value::Null),
        }))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The people watching a ticket, as `[{id, name}]`.
pub fn watchers(conn: &Connection, ticket_id: i64) -> Result<Vec<Value>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.name FROM watchers w JOIN users u ON u.id = w.user_id
         WHERE w.ticket_id = ?1 ORDER BY w.created_at, u.id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        Ok(json!({"id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?}))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The whole ticket in the API's Ticket shape, without `can` (the API adds it).
pub fn view(conn: &Connection, t: &TicketRef) -> Result<Value, StoreError> {
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
                Some(id) => json!({"id": id, "name": r.get::<_, String>(6)?,
                                   "tier": r.get::<_, Option<i64>>(7)?}),
                None => Value::Null,
            };
            let resolution = match r.get::<_, Option<String>>(8)? {
                Some(cause) => json!({
                    "cause": cause,
                    "steps": r.get::<_, Option<String>>(9)?,
                    "resolved_at": r.get::<_, Option<i64>>(10)?,
                    "resolved_by": match r.get::<_, Option<i64>>(11)? {
                        Some(id) => json!({"id": id, "name": r.get::<_, String>(12)?}),
                        None => Value::Null,
                    },
                }),
                None => Value::Null,
            };
            Ok(json!({
                "number": t.number.0,
                "title": t.title,
                "description": t.description,
                "status": t.status.as_str(),
                "priority": t.priority.as_str(),
                "tier": t.tier.get(),
                "escalated": t.escalated,
                "category": {"id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?},
                "requester": {"id": r.get::<_, i64>(2)?, "name": r.get::<_, String>(3)?,
                              "email": r.get::<_, String>(4)?},
                "contact": {"name": t.contact.name, "email": t.contact.email,
                            "phone": t.contact.phone},
                "assignee": assignee,
                "resolution": resolution,
                "created_at": r.get::<_, i64>(13)?,
                "updated_at": r.get::<_, i64>(14)?,
                "staff_touched": t.staff_touched,
            }))
        })?;
    ticket["answers"] = Value::Array(answers(conn, t.id)?);
    ticket["watchers"] = Value::Array(watchers(conn, t.id)?);
    Ok(ticket)
}

/// Notes that the actor changed the ticket now: bumps `updated_at`, and when the
/// actor is staff, ends the requester's editing rights (staff touched it).
pub fn touch(conn: &Connection, actor: &Actor, ticket_id: i64, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET updated_at = ?2,
                staff_touched_at = CASE WHEN ?3 THEN COALESCE(staff_touched_at, ?2)
                                        ELSE staff_touched_at END
         WHERE id = ?1",
    )?
    .execute(params![ticket_id, now, actor.is_staff()])?;
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
