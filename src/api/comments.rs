//! `GET/POST /api/tickets/:number/comments`: the conversation. Requesters neither
//! read nor write internal notes; a requester's reply on a ticket that is waiting
//! for them (on hold) moves it back to open; a staff member's public reply on a
//! `new` ticket opens it (an internal note does not: the requester sees no change).

use super::json::parse_body;
use super::ticket_status::open_when_staff_start;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::auth::require_user;
use crate::domain::access::Relation;
use crate::domain::ticket::{bounded_text, Status as TicketStatus};
use crate::http::{Request, Response, Status};
use crate::store::{comments, now_ms, ticket_changes};
use serde::Deserialize;
use serde_json::json;

pub const BODY_MAX: usize = 20_000;

/// `GET /api/tickets/:number/comments`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let list = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        Ok::<_, ApiError>(comments::list(c, &actor, &t)?)
    })?;
    Ok(Response::json(Status::OK, &json!({ "comments": list })))
}

#[derive(Deserialize)]
struct CommentBody {
    #[serde(default)]
    body: String,
    #[serde(default)]
    internal: bool,
}

/// `POST /api/tickets/:number/comments {body, internal}`
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: CommentBody = parse_body(req)?;
    let text =
        bounded_text(&body.body, BODY_MAX, "a message").map_err(|e| ApiError::field("body", e))?;
    let now = now_ms();
    let comment = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        let staff = t.relation == Relation::Staff;
        if body.internal && !staff {
            return Err(ApiError::Forbidden(
                "Only the help desk can write internal notes.".into(),
            ));
        }
        if !staff && t.status == TicketStatus::Closed {
            return Err(ApiError::Conflict(
                "This ticket is closed; please open a new ticket.".into(),
            ));
        }
        let comment = comments::add(tx, &actor, &t, &text, body.internal, now)?;
        if !staff && t.status == TicketStatus::OnHold {
            ticket_changes::set_status(tx, &actor, &t, TicketStatus::Open, None, now)?;
        }
        if staff && !body.internal {
            open_when_staff_start(tx, &actor, &t, now)?;
        }
        Ok(comment)
    })?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "comment": comment }),
    ))
}
