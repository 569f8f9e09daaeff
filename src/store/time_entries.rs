//! Time spent on a ticket: entries of minutes by staff, and their total.

use super::history;
use super::tickets::{Named, TicketRef};
use super::StoreError;
use crate::domain::time_spent::Minutes;
use crate::domain::Actor;
use rusqlite::{params, Connection};
use serde::Serialize;

/// One entry as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TimeEntry {
    pub id: i64,
    pub user: Named,
    pub minutes: i64,
    pub note: String,
    pub created_at: i64,
}

/// Logs `minutes` by the actor on ticket `t`, with its (internal) history entry.
pub fn add(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    minutes: Minutes,
    note: &str,
    now: i64,
) -> Result<TimeEntry, StoreError> {
    conn.prepare_cached(
        "INSERT INTO time_entries (ticket_id, user_id, minutes, note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        t.id,
        super::person(actor),
        minutes.get(),
        note,
        now
    ])?;
    let id = conn.last_insert_rowid();
    // Staff bookkeeping: requesters do not see it.
    let entry = history::Entry::action("logged_time")
        .with_detail(format!("{} min", minutes.get()))
        .internal(true);
    history::record(conn, t.id, actor, entry, now)?;
    list(conn, t)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Every entry on ticket `t`, oldest first.
pub fn list(conn: &Connection, t: &TicketRef) -> Result<Vec<TimeEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, u.id, u.name, e.minutes, e.note, e.created_at
         FROM time_entries e JOIN users u ON u.id = e.user_id
         WHERE e.ticket_id = ?1 ORDER BY e.id",
    )?;
    let rows = stmt.query_map([t.id], |r| {
        Ok(TimeEntry {
            id: r.get(0)?,
            user: Named {
                id: r.get(1)?,
                name: r.get(2)?,
            },
            minutes: r.get(3)?,
            note: r.get(4)?,
            created_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The minutes logged on ticket `t` in all.
pub fn total(conn: &Connection, t: &TicketRef) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(SUM(minutes), 0) FROM time_entries WHERE ticket_id = ?1")?
        .query_row([t.id], |r| r.get(0))?)
}
