//! A ticket's history: every change, who made it and when. Written by the other
//! ticket stores inside the same transaction as the change itself, so a change
//! without its history entry (or the reverse) cannot exist.
//!
//! `internal` marks entries requesters never read: internal notes, and escalations
//! (their reasons are written by staff for staff).
//!
//! The actor is recorded as `actor_id` for a person; for the system actor
//! `actor_id` is NULL and `actor_label` holds the rule's name (migration 003),
//! and [`list`] shows the row as the help desk ([`SYSTEM_NAME`]), never a person.

use super::row::At;
use super::StoreError;
use crate::domain::actor::SYSTEM_NAME;
use crate::domain::Actor;
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

/// A person as a history value: `{"id", "name"}`, the name `null` when unknown.
pub fn person_value(id: i64, name: Option<&str>) -> Value {
    object([
        ("id", Value::from(id)),
        ("name", name.map_or(Value::Null, Value::from)),
    ])
}

/// A JSON object from `(key, value)` pairs, for history's old and new values.
pub fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Records `entry` on the ticket with row id `ticket_id`, made by `actor` (a
/// person, or the system actor under its rule's name).
pub fn record(
    conn: &Connection,
    ticket_id: i64,
    actor: &Actor,
    entry: Entry<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    conn.prepare_cached(
        "INSERT INTO history (ticket_id, actor_id, actor_label, action, field, old_value,
                              new_value, detail, internal, created_at)
         VALUES (?1, ?2, ?10, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        ticket_id,
        super::person(actor),
        entry.action,
        entry.field,
        json(&entry.old),
        json(&entry.new),
        entry.detail,
        entry.internal,
        now,
        actor.rule(),
    ])?;
    Ok(())
}

/// Who made a change, as history shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum HistoryActor {
    /// `{"id", "name"}`.
    Person { id: i64, name: Option<String> },
    /// `{"id": null, "name": "Help desk", "system": true, "rule"}`.
    System {
        id: Option<i64>,
        name: &'static str,
        system: bool,
        rule: String,
    },
}

/// A history entry as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    pub id: i64,
    /// `None` only for rows written before the system actor existed without one.
    pub actor: Option<HistoryActor>,
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
                h.created_at, h.actor_label
         FROM history h LEFT JOIN users u ON u.id = h.actor_id
         WHERE h.ticket_id = ?1 AND (h.internal = 0 OR ?2) ORDER BY h.id",
    )?;
    let rows = stmt.query_map(params![ticket_id, actor.is_staff()], |r| {
        let id: i64 = r.get(0)?;
        let at = At::new("history", id);
        let parse = |column: &str, s: Option<String>| match s {
            Some(s) => at.check(column, serde_json::from_str::<Value>(&s)),
            None => Ok(Value::Null),
        };
        let actor_id: Option<i64> = r.get(1)?;
        let label: Option<String> = r.get(9)?;
        let actor = match (actor_id, label) {
            (Some(id), _) => Some(HistoryActor::Person {
                id,
                name: r.get(2)?,
            }),
            (None, Some(rule)) => Some(HistoryActor::System {
                id: None,
                name: SYSTEM_NAME,
                system: true,
                rule,
            }),
            (None, None) => None,
        };
        Ok(HistoryItem {
            id,
            actor,
            action: r.get(3)?,
            field: r.get(4)?,
            old: parse("old_value", r.get(5)?)?,
            new: parse("new_value", r.get(6)?)?,
            detail: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
