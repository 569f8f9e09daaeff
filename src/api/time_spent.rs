//! `GET/POST /api/tickets/:number/time`: staff log minutes spent on a ticket
//! (alone here, or with a reply through `comments::create`'s `minutes`); the
//! ticket shows the total to staff as `time_spent_minutes`.

use super::guard::require_user;
use super::json::parse_body;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::ticket::bounded_text;
use crate::domain::ticket_rules::staff_only;
use crate::domain::time_spent::Minutes;
use crate::http::{Request, Response, Status};
use crate::store::{now_ms, time_entries};
use serde::Deserialize;
use serde_json::json;

/// The longest note on a time entry.
pub const NOTE_MAX: usize = 500;

/// `minutes` from a request body as checked [`Minutes`], or a 422 naming `minutes`.
pub(crate) fn minutes(raw: i64) -> Result<Minutes, ApiError> {
    Minutes::try_from(raw).map_err(|e| ApiError::field("minutes", e))
}

/// `GET /api/tickets/:number/time` (staff): `{entries: [TimeEntry], total_minutes}`.
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let (entries, total) = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        staff_only(t.relation)?;
        Ok::<_, ApiError>((time_entries::list(c, &t)?, time_entries::total(c, &t)?))
    })?;
    Ok(Response::json(
        Status::OK,
        &json!({ "entries": entries, "total_minutes": total }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeBody {
    minutes: Option<i64>,
    note: Option<String>,
}

/// `POST /api/tickets/:number/time {minutes, note?}` (staff): 201
/// `{entry, total_minutes}`.
pub fn add(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: TimeBody = parse_body(req)?;
    let minutes = minutes(body.minutes.unwrap_or(0))?;
    let note = match body.note.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(s) => bounded_text(s, NOTE_MAX, "a note").map_err(|e| ApiError::field("note", e))?,
    };
    let (entry, total) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        staff_only(t.relation)?;
        let entry = time_entries::add(tx, &actor, &t, minutes, &note, now_ms())?;
        Ok::<_, ApiError>((entry, time_entries::total(tx, &t)?))
    })?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "entry": entry, "total_minutes": total }),
    ))
}
