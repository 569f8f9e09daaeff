//! Merging a duplicate into another ticket, and links between related tickets.
//! Both tickets were found for the acting staff member (so both are in their
//! organization); everything happens in the caller's transaction.

use super::tickets::TicketRef;
use super::{comments, history, search, ticket_changes, StoreError};
use crate::domain::status::Status;
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// Moves `from`'s conversation, tasks and watchers to `into`, makes `from`'s
/// requester a watcher of `into`, closes `from` pointing at `into`, and tells
/// `from`'s requester (a public reply on `from`) where to look.
pub fn merge(
    conn: &Connection,
    actor: &Actor,
    from: &TicketRef,
    into: &TicketRef,
    now: i64,
) -> Result<(), StoreError> {
    let moved: Vec<(String, bool)> = {
        let mut stmt =
            conn.prepare("SELECT body, internal FROM comments WHERE ticket_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([from.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    conn.execute(
        "UPDATE comments SET ticket_id = ?2 WHERE ticket_id = ?1",
        params![from.id, into.id],
    )?;
    for (body, internal) in &moved {
        search::add_comment(conn, into.id, body, *internal)?;
    }
    conn.execute(
        "UPDATE tasks SET ticket_id = ?2,
                position = position + (SELECT COALESCE(MAX(position) + 1, 0) FROM tasks WHERE ticket_id = ?2)
         WHERE ticket_id = ?1",
        params![from.id, into.id],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO watchers (ticket_id, user_id, created_at)
         SELECT ?2, user_id, ?3 FROM watchers WHERE ticket_id = ?1",
        params![from.id, into.id, now],
    )?;
    conn.execute("DELETE FROM watchers WHERE ticket_id = ?1", [from.id])?;
    if from.requester_id != into.requester_id {
        conn.execute(
            "INSERT OR IGNORE INTO watchers (ticket_id, user_id, created_at) VALUES (?1, ?2, ?3)",
            params![into.id, from.requester_id, now],
        )?;
    }
    conn.execute(
        "UPDATE tickets SET merged_into = ?2 WHERE id = ?1",
        params![from.id, into.id],
    )?;
    let note = format!(
        "This ticket was merged into #{}, which handles the same problem. \
         Its conversation continues there, and you can follow it as a watcher.",
        into.number.0
    );
    comments::add(conn, actor, from, &note, false, comments::Format::Text, now)?;
    if from.status != Status::Closed {
        ticket_changes::set_status(conn, actor, from, Status::Closed, None, now)?;
    }
    let detail = format!("#{} merged into #{}", from.number.0, into.number.0);
    history::record(
        conn,
        from.id,
        actor,
        history::Entry::action("merged").with_detail(detail.clone()),
        now,
    )?;
    history::record(
        conn,
        into.id,
        actor,
        history::Entry::action("merged").with_detail(detail),
        now,
    )?;
    Ok(())
}

/// The number of the ticket `t` was merged into, if any.
pub fn merged_into(conn: &Connection, t: &TicketRef) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT m.number FROM tickets t JOIN tickets m ON m.id = t.merged_into WHERE t.id = ?1",
        )?
        .query_row([t.id], |r| r.get(0))
        .optional()?)
}

/// A related ticket as a ticket lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub number: i64,
    pub title: String,
    pub status: String,
}

/// Links `a` and `b` both ways (again is a no-op), with history on both.
pub fn link(
    conn: &Connection,
    actor: &Actor,
    a: &TicketRef,
    b: &TicketRef,
    now: i64,
) -> Result<(), StoreError> {
    let added = conn.execute(
        "INSERT OR IGNORE INTO ticket_links (ticket_id, linked_id, created_at) VALUES (?1, ?2, ?3)",
        params![a.id, b.id, now],
    )?;
    conn.execute(
        "INSERT OR IGNORE INTO ticket_links (ticket_id, linked_id, created_at) VALUES (?1, ?2, ?3)",
        params![b.id, a.id, now],
    )?;
    if added > 0 {
        for (t, other) in [(a, b), (b, a)] {
            let entry =
                history::Entry::action("linked").with_detail(format!("#{}", other.number.0));
            history::record(conn, t.id, actor, entry.internal(true), now)?;
        }
    }
    Ok(())
}

/// Removes the link between `a` and `b` both ways.
pub fn unlink(conn: &Connection, a: &TicketRef, b: &TicketRef) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM ticket_links WHERE (ticket_id = ?1 AND linked_id = ?2)
                                     OR (ticket_id = ?2 AND linked_id = ?1)",
        params![a.id, b.id],
    )?;
    Ok(())
}

/// The tickets linked to `t`, by number.
pub fn links(conn: &Connection, t: &TicketRef) -> Result<Vec<Link>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.number, o.title, o.status FROM ticket_links l JOIN tickets o ON o.id = l.linked_id
         WHERE l.ticket_id = ?1 ORDER BY o.number",
    )?;
    let rows = stmt.query_map([t.id], |r| {
        Ok(Link {
            number: r.get(0)?,
            title: r.get(1)?,
            status: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
