//! `GET/POST /api/tickets/:number/comments`: the conversation. Who may reply and
//! what a reply does to the ticket's status are the domain's
//! ([`ticket_rules::reply`]): requesters neither read nor write internal notes; a
//! requester's reply on a ticket waiting for them (on hold) moves it back to open;
//! a staff member's public reply on a `new` ticket opens it. Staff may log the
//! minutes the reply took (`minutes`) in the same transaction.

use super::guard::require_user;
use super::json::parse_body;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::ticket::bounded_text;
use crate::domain::ticket_rules;
use crate::http::{Request, Response, Status};
use crate::store::{comments, now_ms, ticket_changes, time_entries};
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
    /// Minutes spent, logged with the reply (staff only).
    minutes: Option<i64>,
}

/// `POST /api/tickets/:number/comments {body, internal}`
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: CommentBody = parse_body(req)?;
    let text =
        bounded_text(&body.body, BODY_MAX, "a message").map_err(|e| ApiError::field("body", e))?;
    let minutes = body.minutes.map(super::time_spent::minutes).transpose()?;
    let now = now_ms();
    let comment = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        let effect = ticket_rules::reply(t.relation, t.status, body.internal)?;
        if minutes.is_some() {
            ticket_rules::staff_only(t.relation)?;
        }
        let comment = comments::add(tx, &actor, &t, &text, body.internal, now)?;
        if let Some(m) = minutes {
            time_entries::add(tx, &actor, &t, m, "", now)?;
        }
        if let Some(to) = effect.moves_to {
            ticket_changes::set_status(tx, &actor, &t, to, None, now)?;
        }
        Ok::<_, ApiError>(comment)
    })?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "comment": comment }),
    ))
}
