//! How a ticket's assignment was made, and the automatic assignment's writes.
//!
//! A ticket's `assignment_kind` is `automatic` (the engine chose, and
//! `assignment_reason` says why), `manual` (a person assigned or unassigned it:
//! the engine never changes it), or NULL (never assigned, or freed by an
//! escalation: the engine may fill it). A ticket is **waiting** when it has no
//! assignee, its kind is NULL, it is new, open or in progress, and automatic
//! assignment is on for its organization and category. The decisions themselves
//! are the domain's ([`crate::domain::assignment::choose`]); `jobs::assign`
//! runs them, in a request or on the jobs thread.

use super::row::At;
use super::ticket_changes::user_ref;
use super::tickets::touch;
use super::{history, schedules, StoreError};
use crate::domain::ticket::{Priority, Tier};
use crate::domain::{Actor, OrgId};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// A ticket as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineTicket {
    pub id: i64,
    pub tier: Tier,
    pub category_id: i64,
    pub priority: Priority,
    pub assignee_id: Option<i64>,
    /// `"automatic"`, `"manual"` or `None`.
    pub kind: Option<String>,
    /// New, open or in progress.
    pub open: bool,
    /// Automatic assignment is on for its organization and its category.
    pub auto_on: bool,
    /// The engine's last decision about it, in words.
    pub reason: Option<String>,
}

impl EngineTicket {
    /// No assignee, nobody decided by hand, open, and the engine may act.
    pub fn is_waiting(&self) -> bool {
        self.assignee_id.is_none() && self.kind.is_none() && self.open && self.auto_on
    }
}

/// The engine's view of tickets: each with its organization's and category's switches.
const FROM: &str = "tickets t JOIN organizations o ON o.id = t.org_id
    JOIN categories c ON c.id = t.category_id";

const COLUMNS: &str = "t.id, t.tier, t.category_id, t.priority, t.assignee_id, t.assignment_kind,
    t.status IN ('new', 'open', 'in_progress'), o.auto_assign AND c.auto_assign,
    t.assignment_reason";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<EngineTicket> {
    let id: i64 = r.get(0)?;
    let at = At::new("tickets", id);
    let rank: i64 = r.get(3)?;
    Ok(EngineTicket {
        id,
        tier: at.check("tier", Tier::try_from(r.get::<_, i64>(1)?))?,
        category_id: r.get(2)?,
        priority: at.some("priority", rank, Priority::from_rank(rank))?,
        assignee_id: r.get(4)?,
        kind: r.get(5)?,
        open: r.get(6)?,
        auto_on: r.get(7)?,
        reason: r.get(8)?,
    })
}

/// The ticket with row id `id` in the actor's organization.
pub fn engine_ticket(
    conn: &Connection,
    actor: &Actor,
    id: i64,
) -> Result<Option<EngineTicket>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE t.id = ?1 AND t.org_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id, actor.org_id.0], from_row)
        .optional()?)
}

/// Up to `limit` waiting tickets of the actor's organization, most urgent
/// first, then oldest.
pub fn waiting(
    conn: &Connection,
    actor: &Actor,
    limit: usize,
) -> Result<Vec<EngineTicket>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE t.org_id = ?1 AND t.assignee_id IS NULL AND t.assignment_kind IS NULL
           AND t.status IN ('new', 'open', 'in_progress')
           AND o.auto_assign = 1 AND c.auto_assign = 1
         ORDER BY t.priority DESC, t.created_at, t.id LIMIT ?2"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![actor.org_id.0, limit], from_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Organizations that have waiting tickets: the jobs thread's round. Runs as
/// the help desk itself, across organizations, and returns only ids; each is
/// then served under its own system actor.
pub fn orgs_with_waiting(conn: &Connection) -> Result<Vec<OrgId>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT o.id FROM organizations o
             WHERE o.auto_assign = 1 AND EXISTS (
                 SELECT 1 FROM tickets t WHERE t.org_id = o.id AND t.assignee_id IS NULL
                   AND t.assignment_kind IS NULL AND t.status IN ('new', 'open', 'in_progress'))
             ORDER BY o.id",
        )?
        .query_map([], |r| Ok(OrgId(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The engine assigns ticket `t` to `user` with `reason`, as the system actor.
/// The history entry carries the reason and is internal: it names other staff
/// and why they were skipped (time off), which requesters do not read.
pub fn assign_automatically(
    conn: &Connection,
    actor: &Actor,
    t: &EngineTicket,
    user: i64,
    reason: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET assignee_id = ?2, assignment_kind = 'automatic',
                assignment_reason = ?3 WHERE id = ?1 AND org_id = ?4",
    )?
    .execute(params![t.id, user, reason, actor.org_id.0])?;
    let mut entry = history::Entry::changed(
        "assignee",
        user_ref(conn, t.assignee_id)?,
        user_ref(conn, Some(user))?,
    )
    .with_detail(reason)
    .internal(true);
    entry.action = "assigned";
    history::record(conn, t.id, actor, entry, now)?;
    schedules::mark_assigned(conn, user, now)?;
    touch(conn, actor, t.id, now)
}

/// The engine found nobody: the ticket waits, and the decision is kept (for
/// the ticket page) and, when `record` is set, written to the history.
pub fn note_waiting(
    conn: &Connection,
    actor: &Actor,
    t: &EngineTicket,
    reason: &str,
    record: bool,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE tickets SET assignment_reason = ?2 WHERE id = ?1 AND org_id = ?3")?
        .execute(params![t.id, reason, actor.org_id.0])?;
    if record {
        let entry = history::Entry::action("waiting")
            .with_detail(reason)
            .internal(true);
        history::record(conn, t.id, actor, entry, now)?;
    }
    Ok(())
}

/// A person assigned or unassigned the ticket: the engine leaves it alone from
/// now on. Called beside [`super::ticket_changes::assign`].
pub fn mark_manual(conn: &Connection, ticket_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET assignment_kind = 'manual', assignment_reason = NULL WHERE id = ?1",
    )?
    .execute([ticket_id])?;
    Ok(())
}

/// The engine takes an automatic assignment back (the ticket moved to a
/// category its assignee does not take), leaving the ticket waiting.
pub fn release_automatic(
    conn: &Connection,
    actor: &Actor,
    t: &EngineTicket,
    why: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET assignee_id = NULL, assignment_kind = NULL, assignment_reason = NULL
         WHERE id = ?1 AND org_id = ?2",
    )?
    .execute(params![t.id, actor.org_id.0])?;
    let mut entry =
        history::Entry::changed("assignee", user_ref(conn, t.assignee_id)?, Value::Null)
            .with_detail(why)
            .internal(true);
    entry.action = "unassigned";
    history::record(conn, t.id, actor, entry, now)
}

/// The assignee was freed by a rule (escalation past their tier, a category
/// they do not take): the engine may fill the ticket again.
pub fn mark_free(conn: &Connection, ticket_id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tickets SET assignment_kind = NULL, assignment_reason = NULL
         WHERE id = ?1 AND assignee_id IS NULL",
    )?
    .execute([ticket_id])?;
    Ok(())
}
