//! `POST /api/tickets/bulk`: staff change several tickets at once — assignee,
//! status, priority — from the queue. Each ticket goes through exactly the rules
//! of its own endpoint (`ticket_rules::may_assign`, the assignee's tier,
//! `check_move`, no edits to a closed ticket) and gets the same history entries;
//! a ticket that refuses is reported and left untouched (its own savepoint),
//! while the others are changed. Resolving needs a resolution log per ticket,
//! so it is not offered here.

use super::guard::require_staff;
use super::json::parse_body;
use super::news::News;
use super::{ApiError, State};
use crate::domain::ticket::{check_move, Priority, Status as TicketStatus, TicketNumber};
use crate::domain::ticket_rules;
use crate::domain::{Actor, UserId};
use crate::http::{Request, Response, Status};
use crate::store::ticket_changes::{self, TicketEdit};
use crate::store::{now_ms, tickets};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The most tickets one request changes: a queue page holds at most 100.
pub const MAX_TICKETS: usize = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkBody {
    #[serde(default)]
    numbers: Vec<i64>,
    /// Absent: leave as is; `null`: unassign; an id: assign.
    #[serde(default, deserialize_with = "present")]
    assignee_id: Option<Value>,
    status: Option<String>,
    priority: Option<String>,
}

/// Keeps `"assignee_id": null` apart from a missing key.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(Some(Value::deserialize(d)?))
}

/// The checked change to make to every ticket.
struct Change {
    assignee: Option<Option<i64>>,
    status: Option<TicketStatus>,
    priority: Option<Priority>,
}

/// One ticket's outcome.
#[derive(Serialize)]
struct Outcome {
    number: i64,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn parse(body: BulkBody) -> Result<(Vec<i64>, Change), ApiError> {
    let mut f = super::json::Fields::new();
    if body.numbers.is_empty() || body.numbers.len() > MAX_TICKETS {
        f.add("numbers", format!("Choose 1 to {MAX_TICKETS} tickets."));
    }
    let assignee = match &body.assignee_id {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match v.as_i64() {
            Some(id) => Some(Some(id)),
            None => {
                f.add("assignee_id", "Give a person's id, or null to unassign.");
                None
            }
        },
    };
    let status = match body.status.as_deref() {
        None => None,
        Some("resolved") => {
            f.add(
                "status",
                "Resolve tickets one at a time: each needs its own resolution log.",
            );
            None
        }
        Some(s) => TicketStatus::try_from(s)
            .map_err(|e| f.add("status", e))
            .ok(),
    };
    let priority = body
        .priority
        .as_deref()
        .and_then(|p| Priority::try_from(p).map_err(|e| f.add("priority", e)).ok());
    let change = Change {
        assignee,
        status,
        priority,
    };
    if change.assignee.is_none() && change.status.is_none() && change.priority.is_none() {
        f.add(
            "numbers",
            "Choose an assignee, a status or a priority to apply.",
        );
    }
    f.finish()?;
    Ok((body.numbers, change))
}

/// `POST /api/tickets/bulk {numbers, assignee_id?, status?, priority?}`:
/// `{results: [{number, ok, error?}], changed}`.
pub fn apply(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body: BulkBody = parse_body(req)?;
    let (numbers, change) = parse(body)?;
    let now = now_ms();
    let results = state.db.write(|tx| {
        let mut out = Vec::with_capacity(numbers.len());
        let mut news = Vec::new();
        for n in numbers {
            tx.execute_batch("SAVEPOINT bulk_one")?;
            match one(tx, &actor, n, &change, now) {
                Ok(t) => {
                    tx.execute_batch("RELEASE bulk_one")?;
                    let mut told = News::about(tx, &actor, &t)?;
                    told.updated(&change.fields());
                    news.push(told);
                    out.push(Outcome {
                        number: n,
                        ok: true,
                        error: None,
                    });
                }
                Err(e) => {
                    tx.execute_batch("ROLLBACK TO bulk_one; RELEASE bulk_one")?;
                    if let ApiError::Internal(_) = e {
                        return Err(e);
                    }
                    out.push(Outcome {
                        number: n,
                        ok: false,
                        error: Some(e.message()),
                    });
                }
            }
        }
        Ok::<_, ApiError>((out, news))
    })?;
    let (results, news) = results;
    state.tell_all(news);
    let changed = results.iter().filter(|r| r.ok).count();
    if changed > 0 {
        // Statuses and priorities moved: due times, and open counts under caps.
        state.jobs.nudge();
    }
    Ok(Response::json(
        Status::OK,
        &json!({ "results": results, "changed": changed }),
    ))
}

impl Change {
    /// The ticket fields this change touches, for the live `ticket.updated` event.
    fn fields(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.assignee.is_some() {
            f.extend(["assignee", "status"]);
        }
        if self.status.is_some() && !f.contains(&"status") {
            f.push("status");
        }
        if self.priority.is_some() {
            f.push("priority");
        }
        f
    }
}

/// Applies `change` to ticket `n`, re-reading it between steps (a step may move
/// it); answers the ticket as it was before, for the news (see the end).
fn one(
    tx: &Connection,
    actor: &Actor,
    n: i64,
    change: &Change,
    now: i64,
) -> Result<tickets::TicketRef, ApiError> {
    let number = TicketNumber::try_from(n.to_string().as_str()).map_err(|_| ApiError::NotFound)?;
    let fresh = || -> Result<tickets::TicketRef, ApiError> {
        tickets::find(tx, actor, number)?.ok_or(ApiError::NotFound)
    };
    let t = fresh()?;
    ticket_rules::staff_only(t.relation)?;
    if let Some(assignee) = change.assignee {
        ticket_rules::may_assign(actor, t.assignee_id.map(UserId), assignee.map(UserId))?;
        if let Some(id) = assignee {
            let member = ticket_changes::staff_member(tx, actor, id)?.ok_or_else(|| {
                ApiError::field("assignee_id", "Choose an active agent or admin.")
            })?;
            ticket_rules::assignee_reaches(t.tier, member.tier, &member.name)?;
        }
        ticket_changes::assign(tx, actor, &t, assignee, now)?;
        if let (Some(_), Some(to)) = (assignee, t.status.when_staff_start()) {
            ticket_changes::set_status(tx, actor, &t, to, None, now)?;
        }
    }
    if let Some(to) = change.status {
        let t = fresh()?;
        if t.status != to {
            check_move(t.relation.mover(), t.status, to, t.resolved_at, now)
                .map_err(|r| ApiError::Conflict(r.to_string()))?;
            ticket_changes::set_status(tx, actor, &t, to, None, now)?;
        }
    }
    if let Some(p) = change.priority {
        let t = fresh()?;
        if t.status == TicketStatus::Closed {
            return Err(ApiError::Conflict(
                "A closed ticket cannot be changed.".into(),
            ));
        }
        let edit = TicketEdit {
            priority: Some(p),
            ..TicketEdit::default()
        };
        ticket_changes::edit(tx, actor, &t, &edit, now)?;
    }
    // The ticket as it was: the news compares it with the ticket after the
    // commit to tell people what changed (status, assignee).
    Ok(t)
}
