//! Writing the tickets' full-text index (SQLite FTS5), read by the ticket list's `q`
//! and the one search (`store::site_search`); queries are built by
//! `domain::search_query`.
//!
//! One row per ticket (rowid = tickets.id) with four columns: title, description,
//! the public conversation and the internal notes. The other stores call these
//! functions in the same transaction as the change, instead of triggers, so a
//! bulk load (seed-demo) can write each ticket's text once. Edits and deletions
//! of comments and deleted tickets are followed by triggers (migration 004).

use super::StoreError;
use rusqlite::{params, Connection};

/// Indexes a new ticket, or replaces its whole row.
pub fn index_ticket(
    conn: &Connection,
    ticket_id: i64,
    title: &str,
    description: &str,
    conversation: &str,
    notes: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO ticket_search (rowid, title, description, conversation, notes)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![ticket_id, title, description, conversation, notes])?;
    Ok(())
}

/// Follows an edit of the title or description.
pub fn update_text(
    conn: &Connection,
    ticket_id: i64,
    title: &str,
    description: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE ticket_search SET title = ?2, description = ?3 WHERE rowid = ?1")?
        .execute(params![ticket_id, title, description])?;
    Ok(())
}

/// Adds a comment's text to the ticket's conversation (or notes, when internal).
pub fn add_comment(
    conn: &Connection,
    ticket_id: i64,
    body: &str,
    internal: bool,
) -> Result<(), StoreError> {
    let sql = if internal {
        "UPDATE ticket_search SET notes = notes || char(10) || ?2 WHERE rowid = ?1"
    } else {
        "UPDATE ticket_search SET conversation = conversation || char(10) || ?2 WHERE rowid = ?1"
    };
    conn.prepare_cached(sql)?
        .execute(params![ticket_id, body])?;
    Ok(())
}
