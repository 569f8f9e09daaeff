//! Who watches a ticket: people in the organization who follow it (a requester
//! watching someone else's ticket can read it and reply).

use super::tickets::{touch, watchers, Named, TicketRef};
use super::{history, StoreError};
use crate::domain::Actor;
use history::person_value;
use rusqlite::{params, Connection, OptionalExtension};

/// An active person in the actor's organization.
pub fn org_member(
    conn: &Connection,
    actor: &Actor,
    user_id: i64,
) -> Result<Option<Named>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM users WHERE id = ?1 AND org_id = ?2 AND active = 1")?
        .query_row(params![user_id, actor.org_id.0], |r| {
            Ok(Named {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .optional()?)
}

/// Adds a watcher (no-op when already watching); returns the watchers.
pub fn add(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    user: &Named,
    now: i64,
) -> Result<Vec<Named>, StoreError> {
    let added = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO watchers (ticket_id, user_id, created_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![t.id, user.id, now])?;
    if added > 0 {
        history::record(
            conn,
            t.id,
            actor,
            history::Entry {
                action: "watcher_added",
                new: Some(person_value(user.id, Some(&user.name))),
                ..Default::default()
            },
            now,
        )?;
        touch(conn, actor, t.id, now)?;
    }
    watchers(conn, t.id)
}

/// Removes a watcher; false when they were not watching.
pub fn remove(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    user_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let name: Option<String> = conn
        .query_row("SELECT name FROM users WHERE id = ?1", [user_id], |r| {
            r.get(0)
        })
        .optional()?;
    let removed = conn
        .prepare_cached("DELETE FROM watchers WHERE ticket_id = ?1 AND user_id = ?2")?
        .execute(params![t.id, user_id])?;
    if removed > 0 {
        history::record(
            conn,
            t.id,
            actor,
            history::Entry {
                action: "watcher_removed",
                old: Some(person_value(user_id, name.as_deref())),
                ..Default::default()
            },
            now,
        )?;
        touch(conn, actor, t.id, now)?;
    }
    Ok(removed > 0)
}
