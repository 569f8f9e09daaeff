//! The conversation on a ticket: public replies and internal notes.
//! Requesters never read internal notes; the API refuses to let them write one.

use super::tickets::{touch, TicketRef};
use super::{history, search, StoreError};
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// Who wrote a comment, with their role (the web app marks staff replies).
#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub id: i64,
    pub name: String,
    pub role: String,
}

/// A comment as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: i64,
    pub author: Author,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
}

const SELECT: &str = "SELECT c.id, u.id, u.name, u.role, c.body, c.internal, c.created_at
                      FROM comments c JOIN users u ON u.id = c.author_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: r.get(0)?,
        author: Author {
            id: r.get(1)?,
            name: r.get(2)?,
            role: r.get(3)?,
        },
        body: r.get(4)?,
        internal: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// The ticket's conversation, oldest first; internal notes for staff only.
pub fn list(conn: &Connection, actor: &Actor, t: &TicketRef) -> Result<Vec<Comment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.ticket_id = ?1 AND (c.internal = 0 OR ?2) ORDER BY c.id"
    ))?;
    let rows = stmt.query_map(params![t.id, actor.is_staff()], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds a comment by the actor, indexes it for search and records it.
pub fn add(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    body: &str,
    internal: bool,
    now: i64,
) -> Result<Comment, StoreError> {
    conn.prepare_cached(
        "INSERT INTO comments (ticket_id, author_id, body, internal, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![t.id, super::person(actor), body, internal, now])?;
    let id = conn.last_insert_rowid();
    search::add_comment(conn, t.id, body, internal)?;
    let action = if internal { "internal_note" } else { "replied" };
    let excerpt: String = body.chars().take(120).collect();
    history::record(
        conn,
        t.id,
        actor,
        history::Entry::action(action)
            .with_detail(excerpt)
            .internal(internal),
        now,
    )?;
    if actor.is_staff() && !internal {
        super::sla_clocks::on_staff_reply(conn, actor.org_id, t.id, now)?;
    }
    // An internal note changes nothing a requester can see: not `updated_at`,
    // and not "staff touched", which would end the requester's right to edit.
    if !internal {
        touch(conn, actor, t.id, now)?;
    }
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE c.id = ?1"))?
        .query_row([id], row)?)
}

/// One comment on the ticket (staff reach only: internal notes included).
fn get(conn: &Connection, t: &TicketRef, id: i64) -> Result<Option<Comment>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE c.id = ?1 AND c.ticket_id = ?2"))?
        .query_row(params![id, t.id], row)
        .optional()?)
}

/// Turns a public reply into an internal note (staff only; the API checks).
/// Records it in history as an internal entry, so the requester does not learn
/// of it there either, and moves its text to the notes in the search index.
/// `None` when the ticket has no such comment; an internal note stays as it is.
pub fn make_internal(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    id: i64,
    now: i64,
) -> Result<Option<Comment>, StoreError> {
    let Some(comment) = get(conn, t, id)? else {
        return Ok(None);
    };
    if comment.internal {
        return Ok(Some(comment));
    }
    conn.prepare_cached("UPDATE comments SET internal = 1 WHERE id = ?1")?
        .execute([id])?;
    search::reindex_comments(conn, t.id)?;
    let excerpt: String = comment.body.chars().take(120).collect();
    history::record(
        conn,
        t.id,
        actor,
        history::Entry::action("made_internal")
            .with_detail(excerpt)
            .internal(true),
        now,
    )?;
    // Like adding a note: nothing a requester could observe (not `updated_at`).
    Ok(Some(Comment {
        internal: true,
        ..comment
    }))
}
