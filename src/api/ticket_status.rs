//! Working a ticket: `POST /api/tickets/:number/status`, `/assign` and `/escalate`.
//! The rules are the domain's ([`check_move`], [`Tier::next`]); these handlers
//! read the body, ask, and hand the change to `store::ticket_changes`. Taking or
//! assigning a `new` ticket also opens it ([`open_when_staff_start`]).

use super::json::parse_body;
use super::tickets::{find, invalid, number, ticket_json, ticket_response};
use super::{ApiError, State};
use crate::auth::{require_user, Actor};
use crate::domain::access::Relation;
use crate::domain::ticket::{check_move, MoveRefusal, Mover, Resolution, Status as TicketStatus};
use crate::http::{Request, Response, Status};
use crate::store::tickets::TicketRef;
use crate::store::{now_ms, ticket_changes};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct RawResolution {
    #[serde(default)]
    cause: String,
    #[serde(default)]
    steps: String,
}

#[derive(Deserialize)]
struct StatusBody {
    #[serde(default)]
    status: String,
    resolution: Option<RawResolution>,
}

/// `POST /api/tickets/:number/status {status, resolution?: {cause, steps}}`
pub fn set_status(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: StatusBody = parse_body(req)?;
    let to =
        TicketStatus::try_from(body.status.as_str()).map_err(|e| ApiError::field("status", e))?;
    let now = now_ms();
    let ticket = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        let mover = match t.relation {
            Relation::Staff => Mover::Staff,
            Relation::Owner => Mover::Owner,
            Relation::Watcher => Mover::Other,
        };
        check_move(mover, t.status, to, t.resolved_at, now).map_err(|r| match r {
            MoveRefusal::NotYours => ApiError::Forbidden(r.to_string()),
            other => ApiError::Conflict(other.to_string()),
        })?;
        let resolution = if to == TicketStatus::Resolved {
            let raw = body.resolution.as_ref();
            let parsed = Resolution::parse(
                raw.map_or("", |r| r.cause.as_str()),
                raw.map_or("", |r| r.steps.as_str()),
            )
            .map_err(invalid)?;
            Some(parsed)
        } else {
            None
        };
        ticket_changes::set_status(tx, &actor, &t, to, resolution.as_ref(), now)?;
        ticket_json(tx, &actor, n)
    })?;
    Ok(ticket_response(Status::OK, ticket))
}

/// Staff started work on `t` (took or assigned it, or replied in public): a `new`
/// ticket becomes `open` in the same transaction, recorded like any status move
/// with the staff member as actor.
pub(super) fn open_when_staff_start(
    tx: &Connection,
    actor: &Actor,
    t: &TicketRef,
    now: i64,
) -> Result<(), ApiError> {
    if let Some(to) = t.status.when_staff_start() {
        ticket_changes::set_status(tx, actor, t, to, None, now)?;
    }
    Ok(())
}

/// Staff only; checked after the ticket lookup, so a requester probing another
/// person's ticket gets the same 404 as on every other route.
fn staff_only(relation: Relation) -> Result<(), ApiError> {
    match relation {
        Relation::Staff => Ok(()),
        _ => Err(ApiError::Forbidden(
            "This needs an agent or admin account.".into(),
        )),
    }
}

/// `POST /api/tickets/:number/assign {assignee_id: id | null}`: an agent takes a
/// ticket or releases their own; an admin assigns any active agent or admin.
pub fn assign(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: Value = parse_body(req)?;
    let assignee = match body.get("assignee_id") {
        Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            ApiError::field("assignee_id", "Give a person's id, or null to unassign.")
        })?),
        None => {
            return Err(ApiError::field(
                "assignee_id",
                "Give a person's id, or null to unassign.",
            ))
        }
    };
    let now = now_ms();
    let ticket = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        staff_only(t.relation)?;
        if !actor.is_admin() {
            let me = actor.user_id.0;
            let allowed = match assignee {
                // Take an unassigned ticket, or release one's own; re-assigning
                // someone else's ticket is the admin's call.
                Some(id) => id == me && t.assignee_id.map_or(true, |a| a == me),
                None => t.assignee_id.map_or(true, |a| a == me),
            };
            if !allowed {
                return Err(ApiError::Forbidden(
                    "Agents can take a ticket or release their own; ask an admin to assign others."
                        .into(),
                ));
            }
        }
        if let Some(id) = assignee {
            if ticket_changes::staff_member(tx, &actor, id)?.is_none() {
                return Err(ApiError::field(
                    "assignee_id",
                    "Choose an active agent or admin.",
                ));
            }
        }
        ticket_changes::assign(tx, &actor, &t, assignee, now)?;
        if assignee.is_some() {
            open_when_staff_start(tx, &actor, &t, now)?;
        }
        ticket_json(tx, &actor, n)
    })?;
    Ok(ticket_response(Status::OK, ticket))
}

#[derive(Deserialize)]
struct EscalateBody {
    #[serde(default)]
    reason: String,
}

/// `POST /api/tickets/:number/escalate {reason}`: tier 1 -> 2 -> 3 (409 at 3).
pub fn escalate(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: EscalateBody = parse_body(req)?;
    let reason = crate::domain::ticket::bounded_text(&body.reason, 2_000, "a reason")
        .map_err(|e| ApiError::field("reason", e))?;
    let now = now_ms();
    let ticket = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        staff_only(t.relation)?;
        if !t.status.is_active() {
            return Err(ApiError::Conflict(
                "Only an open ticket can be escalated.".into(),
            ));
        }
        let tier = t.tier.next().ok_or_else(|| {
            ApiError::Conflict("The ticket is already at the top tier (3).".into())
        })?;
        ticket_changes::escalate(tx, &actor, &t, tier, &reason, now)?;
        ticket_json(tx, &actor, n)
    })?;
    Ok(ticket_response(Status::OK, ticket))
}
