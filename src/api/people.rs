//! `GET /api/people?q=`: the staff's people picker. Staff may add anyone in the
//! organization as a watcher, but only admins may list users with everything
//! `GET /api/users` shows; this answers just enough to pick someone: id, name,
//! e-mail and role of active people, at most [`LIMIT`], sorted by name.
//!
//! # Security
//! Staff only (a requester gets 403, so the organization's directory is not
//! open to every requester), and only the caller's organization is searched
//! (`store::users::search_active` filters by the actor's organization).

use super::guard::require_staff;
use super::{ApiError, State};
use crate::http::{Request, Response, Status};
use crate::store;
use serde_json::json;

/// The most people one search answers; a picker narrows by typing.
pub const LIMIT: usize = 20;

/// `GET /api/people?q=`: `{people: [{id, name, email, role}]}`.
pub fn search(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let q = req
        .query()
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let people: Vec<_> = state
        .db
        .read(|c| store::users::search_active(c, &actor, q.as_deref(), LIMIT))?
        .into_iter()
        .map(|u| json!({ "id": u.id, "name": u.name, "email": u.email, "role": u.role }))
        .collect();
    Ok(Response::json(Status::OK, &json!({ "people": people })))
}
