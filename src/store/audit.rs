//! The audit log's rows: written by the API inside the transaction of the change
//! they record (or alone, for sign-ins and token use), read by admins.
//!
//! [`record`] also prunes the organization's entries older than the retention
//! period, so the table stays bounded without a timer; an index on
//! `(org_id, created_at)` makes that a short range delete.

use super::StoreError;
use crate::domain::audit::AuditFilter;
use crate::domain::{Actor, OrgId};
use rusqlite::{params, Connection};
use serde::Serialize;

/// One entry to write.
#[derive(Debug, Clone, Default)]
pub struct NewEntry<'a> {
    pub action: &'a str,
    /// The person acting (`None`: nobody signed in, such as an unknown sign-in).
    pub actor_id: Option<i64>,
    /// What it was done to: `user 12`, `ticket 42`, `token 3`.
    pub target: String,
    pub detail: String,
    /// The client's address.
    pub address: String,
}

/// Writes `e` for organization `org` at `now` and drops entries older than
/// `keep_ms`.
pub fn record(
    conn: &Connection,
    org: OrgId,
    e: &NewEntry<'_>,
    now: i64,
    keep_ms: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit_log (org_id, actor_id, action, target, detail, address, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        org.0, e.actor_id, e.action, e.target, e.detail, e.address, now
    ])?;
    conn.prepare_cached("DELETE FROM audit_log WHERE org_id = ?1 AND created_at < ?2")?
        .execute(params![org.0, now - keep_ms])?;
    Ok(())
}

/// An entry as admins read it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub action: String,
    pub actor: Option<super::tickets::Named>,
    pub target: String,
    pub detail: String,
    pub address: String,
    pub created_at: i64,
}

/// A page of entries, newest first, and how many match in all.
pub struct Page {
    pub rows: Vec<AuditEntry>,
    pub total: i64,
}

const WHERE: &str = "a.org_id = ?1 AND (?2 IS NULL OR a.action = ?2)
    AND (?3 IS NULL OR a.actor_id = ?3) AND (?4 IS NULL OR a.created_at >= ?4)
    AND (?5 IS NULL OR a.created_at <= ?5)";

/// The actor's organization's entries matching `f`; `limit`/`offset` page them.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<Page, StoreError> {
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM audit_log a WHERE {WHERE}"),
        params![actor.org_id.0, f.action, f.actor_id, f.from, f.to],
        |r| r.get(0),
    )?;
    let args = params![
        actor.org_id.0,
        f.action,
        f.actor_id,
        f.from,
        f.to,
        limit,
        offset
    ];
    let mut stmt = conn.prepare(&format!(
        "SELECT a.id, a.action, u.id, u.name, a.target, a.detail, a.address, a.created_at
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
         WHERE {WHERE} ORDER BY a.created_at DESC, a.id DESC LIMIT ?6 OFFSET ?7"
    ))?;
    let rows = stmt.query_map(args, |r| {
        let actor = match r.get::<_, Option<i64>>(2)? {
            Some(id) => Some(super::tickets::Named {
                id,
                name: r.get(3)?,
            }),
            None => None,
        };
        Ok(AuditEntry {
            id: r.get(0)?,
            action: r.get(1)?,
            actor,
            target: r.get(4)?,
            detail: r.get(5)?,
            address: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    Ok(Page {
        rows: rows.collect::<Result<_, _>>()?,
        total,
    })
}
