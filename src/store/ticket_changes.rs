//! Changes to an existing ticket: field edits, status moves, assignment and
//! escalation. Each writes the change, its history entries and the `updated_at` /
//! staff-touched marks in the caller's transaction. The API has already checked
//! the rules (domain) and found the ticket through [`super::tickets::find`].

use super::row::At;
use super::tickets::{answers_map, touch, write_answers, TicketRef};
use super::{history, search, sla_clocks, StoreError};
use crate::domain::answers::AnswerValue;
use crate::domain::ticket::{Contact, Description, Priority, Resolution, Status, Tier, Title};
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// A checked edit; `None` leaves a field as it is.
#[derive(Default)]
pub struct TicketEdit {
    pub title: Option<Title>,
    pub description: Option<Description>,
    pub priority: Option<Priority>,
    pub category_id: Option<i64>,
    pub answers: Option<Vec<(i64, AnswerValue)>>,
    pub contact: Option<Contact>,
}

impl TicketEdit {
    /// The fields this edit sets, by their API names.
    pub fn fields(&self) -> Vec<&'static str> {
        [
            ("title", self.title.is_some()),
            ("description", self.description.is_some()),
            ("priority", self.priority.is_some()),
            ("category", self.category_id.is_some()),
            ("answers", self.answers.is_some()),
            ("contact", self.contact.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

/// Applies an edit, recording each field that really changed.
pub fn edit(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    e: &TicketEdit,
    now: i64,
) -> Result<(), StoreError> {
    let who = actor;
    let mut changed = false;
    let mut text_changed = false;
    if let Some(title) = e.title.as_ref().filter(|v| v.as_str() != t.title) {
        conn.execute(
            "UPDATE tickets SET title = ?2 WHERE id = ?1",
            params![t.id, title.as_str()],
        )?;
        history::record(
            conn,
            t.id,
            who,
            history::Entry::changed(
                "title",
                Value::from(t.title.as_str()),
                Value::from(title.as_str()),
            ),
            now,
        )?;
        changed = true;
        text_changed = true;
    }
    if let Some(d) = e
        .description
        .as_ref()
        .filter(|v| v.as_str() != t.description)
    {
        conn.execute(
            "UPDATE tickets SET description = ?2 WHERE id = ?1",
            params![t.id, d.as_str()],
        )?;
        history::record(
            conn,
            t.id,
            who,
            history::Entry::changed(
                "description",
                Value::from(t.description.as_str()),
                Value::from(d.as_str()),
            ),
            now,
        )?;
        changed = true;
        text_changed = true;
    }
    if let Some(p) = e.priority.filter(|p| *p != t.priority) {
        conn.execute(
            "UPDATE tickets SET priority = ?2 WHERE id = ?1",
            params![t.id, p.rank()],
        )?;
        history::record(
            conn,
            t.id,
            who,
            history::Entry::changed(
                "priority",
                Value::from(t.priority.as_str()),
                Value::from(p.as_str()),
            ),
            now,
        )?;
        changed = true;
    }
    if let Some(c) = e.category_id.filter(|c| *c != t.category_id) {
        let name = |id: i64| -> Result<Value, StoreError> {
            Ok(conn
                .query_row("SELECT name FROM categories WHERE id = ?1", [id], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
                .map_or(Value::Null, Value::String))
        };
        conn.execute(
            "UPDATE tickets SET category_id = ?2 WHERE id = ?1",
            params![t.id, c],
        )?;
        history::record(
            conn,
            t.id,
            who,
            history::Entry::changed("category", name(t.category_id)?, name(c)?),
            now,
        )?;
        changed = true;
    }
    if let Some(answers) = &e.answers {
        let old = answers_map(conn, t.id)?;
        write_answers(conn, t.id, answers)?;
        let new = answers_map(conn, t.id)?;
        if old != new {
            history::record(
                conn,
                t.id,
                who,
                history::Entry::changed("answers", old, new),
                now,
            )?;
            changed = true;
        }
    }
    if let Some(c) = e.contact.as_ref().filter(|c| **c != t.contact) {
        conn.execute(
            "UPDATE tickets SET contact_name = ?2, contact_email = ?3, contact_phone = ?4 WHERE id = ?1",
            params![t.id, c.name, c.email, c.phone],
        )?;
        let as_json = |c: &Contact| {
            history::object([
                ("name", Value::from(c.name.as_str())),
                ("email", Value::from(c.email.as_str())),
                ("phone", Value::from(c.phone.as_str())),
            ])
        };
        history::record(
            conn,
            t.id,
            who,
            history::Entry::changed("contact", as_json(&t.contact), as_json(c)),
            now,
        )?;
        changed = true;
    }
    if text_changed {
        let (title, description) = (
            e.title.as_ref().map_or(t.title.as_str(), Title::as_str),
            e.description
                .as_ref()
                .map_or(t.description.as_str(), Description::as_str),
        );
        search::update_text(conn, t.id, title, description)?;
    }
    if e.priority.is_some_and(|p| p != t.priority)
        || e.category_id.is_some_and(|c| c != t.category_id)
    {
        let priority = e.priority.unwrap_or(t.priority);
        let category = e.category_id.unwrap_or(t.category_id);
        sla_clocks::on_retarget(conn, actor.org_id, t.id, priority, category, now)?;
    }
    if changed {
        touch(conn, actor, t.id, now)?;
    }
    Ok(())
}

/// Moves the ticket to `to` (already allowed by the domain). Resolving stores the
/// resolution log; reopening keeps the last log for the record.
pub fn set_status(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    to: Status,
    resolution: Option<&Resolution>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE tickets SET status = ?2,
                closed_at = CASE WHEN ?2 = 'closed' THEN ?3 ELSE NULL END
         WHERE id = ?1",
        params![t.id, to.as_str(), now],
    )?;
    let mut entry = history::Entry::changed(
        "status",
        Value::from(t.status.as_str()),
        Value::from(to.as_str()),
    );
    entry.action = "status";
    if let Some(r) = resolution {
        conn.execute(
            "UPDATE tickets SET resolution_cause = ?2, resolution_steps = ?3, resolved_at = ?4,
                    resolved_by = ?5 WHERE id = ?1",
            params![t.id, r.cause, r.steps, now, super::person(actor)],
        )?;
        entry = entry.with_detail(format!("Cause: {}\nSteps: {}", r.cause, r.steps));
    }
    history::record(conn, t.id, actor, entry, now)?;
    sla_clocks::on_status(conn, actor.org_id, t.id, to, now)?;
    touch(conn, actor, t.id, now)
}

/// An active agent or admin, as assignment needs them.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
}

/// An active agent or admin of the actor's organization.
pub fn staff_member(
    conn: &Connection,
    actor: &Actor,
    user_id: i64,
) -> Result<Option<StaffMember>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, COALESCE(tier, 1) FROM users
             WHERE id = ?1 AND org_id = ?2 AND active = 1 AND role IN ('agent', 'admin')",
        )?
        .query_row(params![user_id, actor.org_id.0], |r| {
            let id: i64 = r.get(0)?;
            Ok(StaffMember {
                id,
                name: r.get(1)?,
                tier: At::new("users", id).check("tier", Tier::try_from(r.get::<_, i64>(2)?))?,
            })
        })
        .optional()?)
}

/// A person as a history value (`{id, name}`), or null for nobody.
pub(crate) fn user_ref(conn: &Connection, id: Option<i64>) -> Result<Value, StoreError> {
    let Some(id) = id else { return Ok(Value::Null) };
    let name: Option<String> = conn
        .query_row("SELECT name FROM users WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    Ok(history::person_value(id, name.as_deref()))
}

/// Sets (or clears) the assignee.
pub fn assign(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    assignee: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    if assignee == t.assignee_id {
        return Ok(());
    }
    conn.execute(
        "UPDATE tickets SET assignee_id = ?2 WHERE id = ?1",
        params![t.id, assignee],
    )?;
    let mut entry = history::Entry::changed(
        "assignee",
        user_ref(conn, t.assignee_id)?,
        user_ref(conn, assignee)?,
    );
    entry.action = if assignee.is_some() {
        "assigned"
    } else {
        "unassigned"
    };
    history::record(conn, t.id, actor, entry, now)?;
    if let Some(user) = assignee {
        super::schedules::mark_assigned(conn, user, now)?;
    }
    touch(conn, actor, t.id, now)
}

/// Raises the ticket to `tier`, marks it escalated, and clears an assignee whose
/// tier is below the new one. The escalation entry (with its reason) is internal.
pub fn escalate(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    tier: Tier,
    reason: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE tickets SET tier = ?2, escalated = 1 WHERE id = ?1",
        params![t.id, tier.get()],
    )?;
    // The reason is written by staff for staff ("needs a tier-2 hardware order",
    // sometimes blunter): requesters see the tier on the ticket, not this entry.
    let mut entry =
        history::Entry::changed("tier", Value::from(t.tier.get()), Value::from(tier.get()))
            .with_detail(reason)
            .internal(true);
    entry.action = "escalated";
    history::record(conn, t.id, actor, entry, now)?;
    if let Some(current) = t.assignee_id {
        let below: bool = conn.query_row(
            "SELECT COALESCE(tier, 1) < ?2 FROM users WHERE id = ?1",
            params![current, tier.get()],
            |r| r.get(0),
        )?;
        if below {
            conn.execute(
                "UPDATE tickets SET assignee_id = NULL WHERE id = ?1",
                [t.id],
            )?;
            let mut entry =
                history::Entry::changed("assignee", user_ref(conn, Some(current))?, Value::Null)
                    .with_detail(format!("Below tier {}", tier.get()));
            entry.action = "unassigned";
            history::record(conn, t.id, actor, entry, now)?;
        }
    }
    touch(conn, actor, t.id, now)
}
