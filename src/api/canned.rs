//! Canned replies: `/api/canned-replies` to manage them (staff: their own;
//! admins: the shared ones too), and `GET /api/tickets/:number/canned-replies`,
//! which the reply box's picker reads: the same replies with their placeholders
//! filled in for that ticket (`domain::canned::fill`).

use super::guard::require_staff;
use super::json::{parse_body, Fields};
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::canned::{self, may_manage, Fill};
use crate::domain::ticket_rules::staff_only;
use crate::http::{Request, Response, Status};
use crate::store::canned::{self as replies, CannedReply};
use crate::store::{now_ms, tickets, users};
use serde::Deserialize;
use serde_json::json;

/// `GET /api/canned-replies` (staff): shared ones and the viewer's own, by title.
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let list = state.db.read(|c| replies::list(c, &actor))?;
    Ok(Response::json(Status::OK, &json!({ "replies": list })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    shared: bool,
}

/// `POST /api/canned-replies {title, body, shared}`: 201 `{reply}`; shared ones
/// are the admins'.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body: NewBody = parse_body(req)?;
    let mut f = Fields::new();
    let (title, text) = canned::parse(&body.title, &body.body);
    let title = title.map_err(|e| f.add("title", e)).ok();
    let text = text.map_err(|e| f.add("body", e)).ok();
    let (Some(title), Some(text)) = (title, text) else {
        return Err(f.error());
    };
    if body.shared && !actor.is_admin() {
        return Err(ApiError::Forbidden(
            "Only admins make shared replies; save it as your own instead.".into(),
        ));
    }
    let reply = state
        .db
        .write(|tx| replies::create(tx, &actor, &title, &text, body.shared, now_ms()))?;
    Ok(Response::json(Status::CREATED, &json!({ "reply": reply })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    title: Option<String>,
    body: Option<String>,
}

fn id(req: &Request) -> Result<i64, ApiError> {
    req.param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)
}

/// The reply the actor may change, or 404 (not theirs to see) / 403 (shared,
/// and not an admin).
fn managed(
    conn: &rusqlite::Connection,
    actor: &crate::domain::Actor,
    id: i64,
) -> Result<CannedReply, ApiError> {
    let reply = replies::get(conn, actor, id)?.ok_or(ApiError::NotFound)?;
    if !may_manage(actor, reply.owner_id) {
        return Err(ApiError::Forbidden(
            "Only admins change shared replies.".into(),
        ));
    }
    Ok(reply)
}

/// `PATCH /api/canned-replies/:id {title?, body?}`: `{reply}`.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let id = id(req)?;
    let body: EditBody = parse_body(req)?;
    let mut f = Fields::new();
    let title = body
        .title
        .as_deref()
        .and_then(|t| canned::parse(t, "x").0.map_err(|e| f.add("title", e)).ok());
    let text = body
        .body
        .as_deref()
        .and_then(|b| canned::parse("x", b).1.map_err(|e| f.add("body", e)).ok());
    f.finish()?;
    let reply = state.db.write(|tx| {
        managed(tx, &actor, id)?;
        replies::update(tx, &actor, id, title.as_deref(), text.as_deref(), now_ms())?;
        replies::get(tx, &actor, id)?.ok_or(ApiError::NotFound)
    })?;
    Ok(Response::json(Status::OK, &json!({ "reply": reply })))
}

/// `DELETE /api/canned-replies/:id`: 204.
pub fn delete(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    super::json::no_body(req)?;
    let id = id(req)?;
    state.db.write(|tx| {
        managed(tx, &actor, id)?;
        Ok::<_, ApiError>(replies::delete(tx, &actor, id)?)
    })?;
    Ok(Response::empty(Status::NO_CONTENT))
}

/// `GET /api/tickets/:number/canned-replies` (staff): `{replies}` with the
/// placeholders filled in for this ticket and the viewer.
pub fn for_ticket(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let n = number(req)?;
    let list = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        staff_only(t.relation)?;
        let view = tickets::view(c, &t)?;
        let me = users::me(c, &actor)?;
        let fill = Fill {
            requester_name: &view.requester.name,
            ticket_number: n.0,
            agent_name: &me.name,
        };
        let mut list = replies::list(c, &actor)?;
        for r in &mut list {
            r.body = canned::fill(&r.body, &fill);
        }
        Ok::<_, ApiError>(list)
    })?;
    Ok(Response::json(Status::OK, &json!({ "replies": list })))
}
