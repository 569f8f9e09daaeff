//! `GET /api/tickets/:number/history`: every change in order. Requesters do not
//! see entries about internal notes.

use super::guard::require_user;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::http::{Request, Response, Status};
use crate::store::history;
use serde_json::json;

/// `GET /api/tickets/:number/history`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let items = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        Ok::<_, ApiError>(history::list(c, &actor, t.id)?)
    })?;
    Ok(Response::json(Status::OK, &json!({ "history": items })))
}
