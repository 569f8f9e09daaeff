//! Canned replies: the organization's shared ones and each person's own.
//! Every query is scoped to the actor's organization, and personal replies to
//! their owner: another person's personal reply is as missing as a foreign one.

use super::StoreError;
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A reply as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CannedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// True for the organization's shared replies.
    pub shared: bool,
    #[serde(skip)]
    pub owner_id: Option<i64>,
}

const SELECT: &str = "SELECT id, title, body, owner_id FROM canned_replies";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CannedReply> {
    let owner_id: Option<i64> = r.get(3)?;
    Ok(CannedReply {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        shared: owner_id.is_none(),
        owner_id,
    })
}

/// Shared replies and the actor's own, by title.
pub fn list(conn: &Connection, actor: &Actor) -> Result<Vec<CannedReply>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE org_id = ?1 AND (owner_id IS NULL OR owner_id = ?2)
         ORDER BY title COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map(params![actor.org_id.0, super::person(actor)], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reply `id`, if the actor can see it (shared, or their own).
pub fn get(conn: &Connection, actor: &Actor, id: i64) -> Result<Option<CannedReply>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "{SELECT} WHERE id = ?1 AND org_id = ?2 AND (owner_id IS NULL OR owner_id = ?3)"
            ),
            params![id, actor.org_id.0, super::person(actor)],
            row,
        )
        .optional()?)
}

/// Creates a reply: shared, or the actor's own.
pub fn create(
    conn: &Connection,
    actor: &Actor,
    title: &str,
    body: &str,
    shared: bool,
    now: i64,
) -> Result<CannedReply, StoreError> {
    let owner = if shared { None } else { super::person(actor) };
    conn.execute(
        "INSERT INTO canned_replies (org_id, owner_id, title, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![actor.org_id.0, owner, title, body, now],
    )?;
    get(conn, actor, conn.last_insert_rowid())?
        .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Changes reply `id` (already checked with `domain::canned::may_manage`).
pub fn update(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    title: Option<&str>,
    body: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE canned_replies SET title = COALESCE(?3, title), body = COALESCE(?4, body),
                updated_at = ?5 WHERE id = ?1 AND org_id = ?2",
        params![id, actor.org_id.0, title, body, now],
    )?;
    Ok(())
}

/// Deletes reply `id` (already checked).
pub fn delete(conn: &Connection, actor: &Actor, id: i64) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM canned_replies WHERE id = ?1 AND org_id = ?2",
        params![id, actor.org_id.0],
    )?;
    Ok(())
}
