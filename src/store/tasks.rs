//! A ticket's checklist: tasks to add, rename, tick, reorder and delete.
//! Positions are kept dense (0, 1, 2, ...) so a move is "put it at position n".

use super::tickets::{touch, TicketRef};
use super::{history, StoreError};
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

/// A task as the API shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub done: bool,
    pub position: i64,
    pub created_at: i64,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Task> {
    Ok(Task {
        id: r.get(0)?,
        title: r.get(1)?,
        done: r.get(2)?,
        position: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// The ticket's tasks in order.
pub fn list(conn: &Connection, t: &TicketRef) -> Result<Vec<Task>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, done, position, created_at FROM tasks WHERE ticket_id = ?1
         ORDER BY position, id",
    )?;
    let rows = stmt.query_map([t.id], row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One task of this ticket.
pub fn get(conn: &Connection, t: &TicketRef, id: i64) -> Result<Option<Task>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, title, done, position, created_at FROM tasks WHERE id = ?1 AND ticket_id = ?2",
        )?
        .query_row(params![id, t.id], row)
        .optional()?)
}

/// Adds a task at the end of the list.
pub fn add(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    title: &str,
    now: i64,
) -> Result<Task, StoreError> {
    conn.prepare_cached(
        "INSERT INTO tasks (ticket_id, title, done, position, created_at, updated_at)
         VALUES (?1, ?2, 0, (SELECT COUNT(*) FROM tasks WHERE ticket_id = ?1), ?3, ?3)",
    )?
    .execute(params![t.id, title, now])?;
    let id = conn.last_insert_rowid();
    let entry = history::Entry {
        action: "task_added",
        new: Some(Value::from(title)),
        ..Default::default()
    };
    history::record(conn, t.id, actor, entry, now)?;
    touch(conn, actor, t.id, now)?;
    get(conn, t, id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// A checked task change; `None` keeps a field.
pub struct TaskEdit {
    pub title: Option<String>,
    pub done: Option<bool>,
    pub position: Option<i64>,
}

/// Applies a change to a task, keeping positions dense.
pub fn update(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    task: &Task,
    e: &TaskEdit,
    now: i64,
) -> Result<Task, StoreError> {
    let who = actor;
    let detail = task.title.clone();
    if let Some(title) = e.title.as_ref().filter(|s| **s != task.title) {
        conn.execute(
            "UPDATE tasks SET title = ?2, updated_at = ?3 WHERE id = ?1",
            params![task.id, title, now],
        )?;
        let mut entry = history::Entry::changed(
            "task",
            Value::from(task.title.as_str()),
            Value::from(title.as_str()),
        );
        entry.action = "task_renamed";
        history::record(conn, t.id, who, entry, now)?;
    }
    if let Some(done) = e.done.filter(|d| *d != task.done) {
        conn.execute(
            "UPDATE tasks SET done = ?2, updated_at = ?3 WHERE id = ?1",
            params![task.id, done, now],
        )?;
        let action = if done { "task_done" } else { "task_reopened" };
        history::record(
            conn,
            t.id,
            who,
            history::Entry::action(action).with_detail(detail.clone()),
            now,
        )?;
    }
    if let Some(position) = e.position {
        let mut ids: Vec<i64> = list(conn, t)?
            .into_iter()
            .map(|x| x.id)
            .filter(|id| *id != task.id)
            .collect();
        let at = position.clamp(0, ids.len() as i64) as usize;
        if at as i64 != task.position {
            ids.insert(at, task.id);
            renumber(conn, &ids)?;
            let mut entry =
                history::Entry::changed("position", Value::from(task.position), Value::from(at))
                    .with_detail(detail);
            entry.action = "task_moved";
            history::record(conn, t.id, who, entry, now)?;
        }
    }
    touch(conn, actor, t.id, now)?;
    get(conn, t, task.id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

fn renumber(conn: &Connection, ids: &[i64]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached("UPDATE tasks SET position = ?2 WHERE id = ?1")?;
    for (i, id) in ids.iter().enumerate() {
        stmt.execute(params![id, i as i64])?;
    }
    Ok(())
}

/// Deletes a task and closes the gap it leaves.
pub fn delete(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    task: &Task,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute("DELETE FROM tasks WHERE id = ?1", [task.id])?;
    let ids: Vec<i64> = list(conn, t)?.into_iter().map(|x| x.id).collect();
    renumber(conn, &ids)?;
    let entry = history::Entry {
        action: "task_deleted",
        old: Some(Value::from(task.title.as_str())),
        ..Default::default()
    };
    history::record(conn, t.id, actor, entry, now)?;
    touch(conn, actor, t.id, now)
}
