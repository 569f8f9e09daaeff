//! Attachment rows: which file (by content hash) belongs to which ticket and,
//! optionally, which reply or internal note, with its name, type and size. The
//! files themselves are `blobs.rs`'s; a row is inserted and removed together
//! with its file under [`Blobs::lock`](super::blobs::Blobs::lock).
//!
//! Visibility follows the comment: an attachment on an internal note is staff
//! only, like the note. Every query is scoped to the actor's organization.
//!
//! Deleting a ticket (issue 19) must go through [`delete_for_ticket`], then
//! remove the files it returns once the transaction has committed:
//!
//! ```text
//! let _turn = blobs.lock();
//! let gone = db.write(|tx| { let gone = attachments::delete_for_ticket(tx, &actor, t.id)?;
//!                            /* delete the ticket */ Ok(gone) })?;
//! for sha in &gone { blobs.remove(sha) }
//! ```

use super::blobs::Sha256Hex;
use super::tickets::TicketRef;
use super::{history, StoreError};
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// An attachment as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: i64,
    /// The reply or note it belongs to; `None` for the ticket itself.
    pub comment_id: Option<i64>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploader: Uploader,
    pub created_at: i64,
    /// Whether it sits on an internal note (staff only).
    pub internal: bool,
    #[serde(skip)]
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Uploader {
    pub id: i64,
    pub name: String,
}

/// An attachment found by id, with what the API needs to check access.
#[derive(Debug, Clone)]
pub struct Found {
    pub attachment: Attachment,
    pub ticket_number: i64,
}

/// What a new row holds.
pub struct NewAttachment<'a> {
    pub comment_id: Option<i64>,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub sha256: &'a Sha256Hex,
}

const SELECT: &str = "SELECT a.id, a.comment_id, a.name, a.content_type, a.size, a.uploader_id,
        u.name, a.created_at, COALESCE(c.internal, 0), a.sha256, t.number
    FROM attachments a
    JOIN users u ON u.id = a.uploader_id
    JOIN tickets t ON t.id = a.ticket_id
    LEFT JOIN comments c ON c.id = a.comment_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Found> {
    Ok(Found {
        attachment: Attachment {
            id: r.get(0)?,
            comment_id: r.get(1)?,
            name: r.get(2)?,
            content_type: r.get(3)?,
            size: r.get(4)?,
            uploader: Uploader {
                id: r.get(5)?,
                name: r.get(6)?,
            },
            created_at: r.get(7)?,
            internal: r.get(8)?,
            sha256: r.get(9)?,
        },
        ticket_number: r.get(10)?,
    })
}

/// The ticket's attachments the actor may see, oldest first.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
) -> Result<Vec<Attachment>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE a.ticket_id = ?1 AND a.org_id = ?2
           AND (COALESCE(c.internal, 0) = 0 OR ?3) ORDER BY a.id"
    ))?;
    let rows = stmt.query_map(params![t.id, actor.org_id.0, actor.is_staff()], row)?;
    Ok(rows
        .map(|r| r.map(|f| f.attachment))
        .collect::<Result<_, _>>()?)
}

/// Attachment `id` in the actor's organization. Whether the actor may see its
/// ticket, and its note, is for the caller to check.
pub fn find(conn: &Connection, actor: &Actor, id: i64) -> Result<Option<Found>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE a.id = ?1 AND a.org_id = ?2"))?
        .query_row(params![id, actor.org_id.0], row)
        .optional()?)
}

/// The comment `id` on ticket `t`: its author and whether it is internal.
pub fn comment_on(
    conn: &Connection,
    t: &TicketRef,
    id: i64,
) -> Result<Option<(i64, bool)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT author_id, internal FROM comments WHERE id = ?1 AND ticket_id = ?2",
        )?
        .query_row(params![id, t.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Inserts a row by the actor and records it in the ticket's history.
pub fn insert(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    new: &NewAttachment,
    internal: bool,
    now: i64,
) -> Result<Attachment, StoreError> {
    conn.prepare_cached(
        "INSERT INTO attachments (org_id, ticket_id, comment_id, uploader_id, name,
                                  content_type, size, sha256, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        actor.org_id.0,
        t.id,
        new.comment_id,
        super::person(actor),
        new.name,
        new.content_type,
        new.size as i64,
        new.sha256.as_str(),
        now
    ])?;
    let id = conn.last_insert_rowid();
    history::record(
        conn,
        t.id,
        actor,
        history::Entry::action("attached")
            .with_detail(new.name)
            .internal(internal),
        now,
    )?;
    find(conn, actor, id)?
        .map(|f| f.attachment)
        .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Removes row `id`; returns its content hash when no row names that content
/// any more (the caller removes the file after commit).
pub fn delete(
    conn: &Connection,
    actor: &Actor,
    found: &Found,
    now: i64,
) -> Result<Option<Sha256Hex>, StoreError> {
    let a = &found.attachment;
    let ticket_id: i64 = conn.query_row(
        "SELECT ticket_id FROM attachments WHERE id = ?1 AND org_id = ?2",
        params![a.id, actor.org_id.0],
        |r| r.get(0),
    )?;
    conn.prepare_cached("DELETE FROM attachments WHERE id = ?1 AND org_id = ?2")?
        .execute(params![a.id, actor.org_id.0])?;
    history::record(
        conn,
        ticket_id,
        actor,
        history::Entry::action("removed_attachment")
            .with_detail(a.name.as_str())
            .internal(a.internal),
        now,
    )?;
    unreferenced(conn, &a.sha256)
}

/// Removes every attachment row of ticket `ticket_id` (in the actor's
/// organization); returns the contents no row names any more, whose files the
/// caller removes after commit (see the module docs).
pub fn delete_for_ticket(
    conn: &Connection,
    actor: &Actor,
    ticket_id: i64,
) -> Result<Vec<Sha256Hex>, StoreError> {
    let shas: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT sha256 FROM attachments WHERE ticket_id = ?1 AND org_id = ?2",
        )?
        .query_map(params![ticket_id, actor.org_id.0], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached("DELETE FROM attachments WHERE ticket_id = ?1 AND org_id = ?2")?
        .execute(params![ticket_id, actor.org_id.0])?;
    let mut gone = Vec::new();
    for sha in shas {
        if let Some(sha) = unreferenced(conn, &sha)? {
            gone.push(sha);
        }
    }
    Ok(gone)
}

/// `Some(sha)` when no row names this content.
fn unreferenced(conn: &Connection, sha: &str) -> Result<Option<Sha256Hex>, StoreError> {
    let used: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?1)")?
        .query_row([sha], |r| r.get(0))?;
    Ok(if used { None } else { Sha256Hex::parse(sha) })
}

/// The organization's attachment limit, when its admin set one.
pub fn org_limit(conn: &Connection, actor: &Actor) -> Result<Option<u64>, StoreError> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT attachment_limit_bytes FROM organizations WHERE id = ?1")?
        .query_row([actor.org_id.0], |r| r.get(0))?;
    Ok(v.and_then(|v| u64::try_from(v).ok()))
}

/// Sets the organization's attachment limit (the API checks it against the
/// ceiling first).
pub fn set_org_limit(conn: &Connection, actor: &Actor, bytes: u64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE organizations SET attachment_limit_bytes = ?2 WHERE id = ?1")?
        .execute(params![actor.org_id.0, bytes as i64])?;
    Ok(())
}
