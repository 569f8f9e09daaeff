//! Deleting a ticket, whole, in the caller's transaction: its row and everything
//! hanging from it (answers, replies and notes, tasks, watchers, history,
//! report facts (their triggers take them out of the reports' rollups), ratings,
//! time entries and links cascade through their foreign
//! keys; the SLA clocks and fired marks are columns of the ticket row itself), its search row (FTS5 has no foreign keys), and
//! the organization's number floor, so the number is never handed out again.
//!
//! Tables other features add under a ticket must either cascade from
//! `tickets(id)` or be cleared here (appointments, attachments on disk: their
//! owners expose a function to call before this one).

use super::tickets::TicketRef;
use super::StoreError;
use crate::domain::Actor;
use rusqlite::params;
use rusqlite::Connection;

/// Deletes ticket `t` (found with `tickets::find` for this actor).
pub fn delete(conn: &Connection, actor: &Actor, t: &TicketRef) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE organizations SET ticket_number_floor = MAX(ticket_number_floor, ?2) WHERE id = ?1",
        params![actor.org_id.0, t.number.0],
    )?;
    conn.execute("DELETE FROM ticket_search WHERE rowid = ?1", [t.id])?;
    conn.execute(
        "DELETE FROM tickets WHERE id = ?1 AND org_id = ?2",
        params![t.id, actor.org_id.0],
    )?;
    Ok(())
}
