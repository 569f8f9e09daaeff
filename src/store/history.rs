//! A ticket's history: every change, who made it and when. Written by the other
//! ticket stores inside the same transaction as the change itself, so a change
//! without its history entry (or the reverse) cannot exist.
//!
//! `internal` marks entries requesters never read: internal notes, and escalations
//! (their reasons are written by staff for staff).

use super::StoreError;
use crate::auth::Actor;
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;

/// One change to record.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub detail: Option<String>,
    pub internal: bool,
}

impl<'a> Entry<'a> {
    pub fn action(action: &'a str) -> Entry<'a> {
        Entry {
            action,
            ..Entry::default()
        }
    }

    /// A field changed from `old` to `new`.
    pub fn changed(field: &'a str, old: Value, new: Value) -> Entry<'a> {
        Entry {
            action: "changed",
            field: Some(field),
            old: Some(old),
            new: Some(new),
            ..Entry::default()
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Entry<'a> {
        self.detail = Some(detail.into());
        self
    }

    pub fn internal(mut self, internal: bool) -> Entry<'a> {
        self.internal = internal;
        self
    }
}

/// Records `entry` on the ticket with row id `ticket_id`.
pub fn record(
    conn: &Connection,
    ticket_id: i64,
    actor_id: Option<i64>,
    entry: Entry<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    conn.prepare_cached(
        "INSERT INTO history (ticket_id, actor_id, action, field, old_value, new_value, detail,
                              internal, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        ticket_id,
        actor_id,
        entry.action,
        entry.field,
        json(&entry.old),
        json(&entry.new),
        entry.detail,
        entry.internal,
        now
    ])?;
    Ok(())
}

/// A history entry as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    pub id: i64,
    pub actor: Option<Value>,
    pub action: String,
    pub field: Option<String>,
    pub old: Value,
    pub new: Value,
    pub detail: Option<String>,
    pub created_at: i64,
}

/// The ticket's history in order; without internal entries unless the actor is staff.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    ticket_id: i64,
) -> Result<Vec<HistoryItem>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.actor_id, u.name, h.action, h.field, h.old_value, h.new_value, h.detail,
                h.created_at
         FROM history h LEFT JOIN users u ON u.id = h.actor_id
         WHERE h.ticket_id = ?1 AND (h.internal = 0 OR ?2) ORDER BY h.id",
    )?;
    let parse = |s: Option<String>| {
        s.and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null)
    };
    let rows = stmt.query_map(params![ticket_id, actor.is_staff()], |r| {
        let actor_id: Option<i64> = r.get(1)?;
        let name: Option<String> = r.get(2)?;
        Ok(HistoryItem {
            id: r.get(0)?,
            actor: actor_id.map(|id| serde_json::json!({"id": id, "name": name})),
            action: r.get(3)?,
            field: r.get(4)?,
            old: parse(r.get(5)?),
            new: parse(r.get(6)?),
            detail: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
