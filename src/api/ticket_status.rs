//! Working a ticket: `POST /api/tickets/:number/status`, `/assign` and `/escalate`.
//! The rules are the domain's ([`check_move`], [`ticket_rules`]); these handlers
//! read and check the body before the write starts, then inside it find the
//! ticket, ask the rules, and hand the change to `store::ticket_changes`. Taking or
//! assigning a `new` ticket also opens it ([`open_when_staff_start`]).

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, invalid, number, ticket_json, ticket_response};
use super::{ApiError, State};
use crate::domain::ticket::{check_move, MoveRefusal, Resolution, Status as TicketStatus};
use crate::domain::ticket_rules::{self, staff_only};
use crate::domain::{Actor, UserId};
use crate::http::{Request, Response, Status};
use crate::jobs::assign;
use crate::store::tickets::TicketRef;
use crate::store::{assignment, ticket_changes};
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
    // A resolution is only read when resolving; its 422 comes after the move's
    // own 403/409, as before, so the parse result waits until then.
    let resolution = (to == TicketStatus::Resolved).then(|| {
        let raw = body.resolution.as_ref();
        Resolution::parse(
            raw.map_or("", |r| r.cause.as_str()),
            raw.map_or("", |r| r.steps.as_str()),
        )
    });
    let now = state.now_ms();
    let (ticket, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        check_move(t.relation.mover(), t.status, to, t.resolved_at, now).map_err(|r| match r {
            MoveRefusal::NotYours => ApiError::Forbidden(r.to_string()),
            other => ApiError::Conflict(other.to_string()),
        })?;
        let resolution = resolution.transpose().map_err(invalid)?;
        ticket_changes::set_status(tx, &actor, &t, to, resolution.as_ref(), now)?;
        let mut news = News::about(tx, &actor, &t)?;
        news.updated(&["status"]);
        Ok::<_, ApiError>((ticket_json(tx, &actor, n)?, news))
    })?;
    state.tell(news);
    // A resolved (or held, or reopened) ticket changes someone's open count:
    // waiting tickets may now fit under a cap.
    state.jobs.nudge();
    Ok(ticket_response(Status::OK, ticket))
}

/// Staff started work on `t` (took or assigned it, or replied in public): a `new`
/// ticket becomes `open` in the same transaction, recorded like any status move
/// with the staff member as actor. True when it moved.
fn open_when_staff_start(
    tx: &Connection,
    actor: &Actor,
    t: &TicketRef,
    now: i64,
) -> Result<bool, ApiError> {
    let Some(to) = t.status.when_staff_start() else {
        return Ok(false);
    };
    ticket_changes::set_status(tx, actor, t, to, None, now)?;
    Ok(true)
}

/// `POST /api/tickets/:number/assign {assignee_id: id | null}`: an agent takes a
/// ticket or releases their own; an admin assigns any active agent or admin. The
/// assignee's tier must reach the ticket's (409 otherwise).
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
    let now = state.now_ms();
    let (ticket, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        staff_only(t.relation)?;
        ticket_rules::may_assign(&actor, t.assignee_id.map(UserId), assignee.map(UserId))?;
        if let Some(id) = assignee {
            let Some(member) = ticket_changes::staff_member(tx, &actor, id)? else {
                return Err(ApiError::field(
                    "assignee_id",
                    "Choose an active agent or admin.",
                ));
            };
            ticket_rules::assignee_reaches(t.tier, member.tier, &member.name)?;
        }
        ticket_changes::assign(tx, &actor, &t, assignee, now)?;
        // A person decided: the engine leaves this ticket alone from now on.
        assignment::mark_manual(tx, t.id)?;
        let mut news = News::about(tx, &actor, &t)?;
        if assignee.is_some() && open_when_staff_start(tx, &actor, &t, now)? {
            news.updated(&["assignee", "status"]);
        } else {
            news.updated(&["assignee"]);
        }
        Ok::<_, ApiError>((ticket_json(tx, &actor, n)?, news))
    })?;
    state.tell(news);
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
    let at = state.clock.now();
    let now = at.as_millisecond();
    let (ticket, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        staff_only(t.relation)?;
        let tier = ticket_rules::escalation(t.status, t.tier)?;
        ticket_changes::escalate(tx, &actor, &t, tier, &reason, now)?;
        // An assignee below the new tier was freed: the engine may fill it.
        assignment::mark_free(tx, t.id)?;
        assign::reconsider(tx, actor.org_id, t.id, at, &state.server_zone)?;
        let mut news = News::about(tx, &actor, &t)?;
        news.updated(&["tier", "escalated", "assignee"]);
        Ok::<_, ApiError>((ticket_json(tx, &actor, n)?, news))
    })?;
    state.tell(news);
    state.jobs.nudge();
    Ok(ticket_response(Status::OK, ticket))
}
