//! A staff member's schedule: `GET`/`PUT /api/users/:id/schedule` (weekly
//! hours, categories they take, cap, Available/Away) and their time off,
//! `GET`/`POST /api/users/:id/time-off`, `DELETE /api/users/:id/time-off/:time_off_id`.
//!
//! Admins see and set anyone's in their organization; agents see and set their
//! own (403 for someone else's). Another organization's user is 404, like a
//! missing one; a requester cannot have a schedule (422 naming `user`). The
//! parsing and every rule are the domain's ([`StaffSettings::parse`],
//! [`TimeOff::parse`]); problems come back as 422 keyed like the JSON
//! (`hours.tue.1`, `cap`, `end`). A change that may make someone available
//! nudges the jobs thread, which assigns waiting tickets.

use super::guard::require_staff;
use super::json::parse_body;
use super::tickets::invalid;
use super::{ApiError, State};
use crate::domain::availability::StaffSettings;
use crate::domain::time_off::TimeOff;
use crate::domain::zone::{from_ms, zone_name};
use crate::domain::{Actor, UserId};
use crate::http::{Request, Response, Status};
use crate::store::schedules::{self, TimeOffRow};
use crate::store::users::User;
use crate::store::{self, categories};
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde_json::{json, Value};

/// The `:id` user, if the actor may see their schedule: 404 when not in the
/// organization, 403 for an agent asking about someone else, 422 for a requester.
fn target(conn: &Connection, actor: &Actor, req: &Request) -> Result<User, ApiError> {
    let id: UserId = req
        .param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let user = store::users::get(conn, actor, id)?.ok_or(ApiError::NotFound)?;
    if !actor.is_admin() && !actor.is(user.id) {
        return Err(ApiError::Forbidden(
            "Only admins see and change other people's schedules.".into(),
        ));
    }
    if !user.role.is_staff() {
        return Err(ApiError::field(
            "user",
            "Requesters have no schedule: make them an agent first.",
        ));
    }
    Ok(user)
}

/// The organization's zone (or the server's).
pub(crate) fn org_zone(
    conn: &Connection,
    actor: &Actor,
    state: &State,
) -> Result<TimeZone, ApiError> {
    Ok(schedules::org_scheduling(conn, actor)?.zone(&state.server_zone))
}

/// An instant as JSON: milliseconds, and the wall-clock time in `tz` for forms
/// (`"2026-12-01T09:00"`, what `<input type="datetime-local">` takes).
fn local(tz: &TimeZone, ms: i64) -> String {
    tz.to_datetime(from_ms(ms))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn time_off_json(tz: &TimeZone, row: &TimeOffRow) -> Value {
    let (start, end) = (
        row.time_off.start().as_millisecond(),
        row.time_off.end().as_millisecond(),
    );
    json!({"id": row.id, "start": start, "end": end, "start_local": local(tz, start),
           "end_local": local(tz, end), "reason": row.time_off.reason()})
}

/// `{schedule: {user, time_zone, hours, categories, cap, available, time_off}}`.
fn schedule_json(
    conn: &Connection,
    actor: &Actor,
    state: &State,
    user: &User,
) -> Result<Value, ApiError> {
    let tz = org_zone(conn, actor, state)?;
    let settings = schedules::settings(conn, actor, user.id)?;
    let off = schedules::time_off(conn, actor, user.id, state.now_ms())?;
    let mut v = settings.to_json();
    v["user"] = json!({"id": user.id, "name": user.name, "role": user.role, "tier": user.tier});
    v["time_zone"] = json!(zone_name(&tz));
    v["time_off"] = off.iter().map(|r| time_off_json(&tz, r)).collect();
    Ok(json!({ "schedule": v }))
}

/// `GET /api/users/:id/schedule`
pub fn show(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body = state.db.read(|c| {
        let user = target(c, &actor, req)?;
        schedule_json(c, &actor, state, &user)
    })?;
    Ok(Response::json(Status::OK, &body))
}

/// `PUT /api/users/:id/schedule {hours, categories?, cap?, available?}`: the
/// whole schedule; `available` left out keeps the switch as it is.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body: Value = parse_body(req)?;
    let mut settings = StaffSettings::parse(&body).map_err(invalid)?;
    let now = state.now_ms();
    let answer = state.db.write(|tx| {
        let user = target(tx, &actor, req)?;
        let known: Vec<i64> = categories::list(tx, &actor, true)?
            .iter()
            .map(|c| c.id)
            .collect();
        if settings.categories.iter().any(|id| !known.contains(id)) {
            return Err(ApiError::field(
                "categories",
                "Choose categories of this organization.",
            ));
        }
        if matches!(body.get("available"), None | Some(Value::Null)) {
            settings.available = schedules::settings(tx, &actor, user.id)?.available;
        }
        schedules::put_settings(tx, &actor, user.id, &settings, now)?;
        schedule_json(tx, &actor, state, &user)
    })?;
    state.jobs.nudge();
    Ok(Response::json(Status::OK, &answer))
}

/// `GET /api/users/:id/time-off`: current and coming time off, earliest first.
pub fn time_off(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let list = state.db.read(|c| {
        let user = target(c, &actor, req)?;
        let tz = org_zone(c, &actor, state)?;
        let rows = schedules::time_off(c, &actor, user.id, state.now_ms())?;
        Ok::<_, ApiError>(
            rows.iter()
                .map(|r| time_off_json(&tz, r))
                .collect::<Vec<_>>(),
        )
    })?;
    Ok(Response::json(Status::OK, &json!({ "time_off": list })))
}

/// `POST /api/users/:id/time-off {start, end, reason?}`: 201 `{time_off}`.
/// Local times are read in the organization's zone.
pub fn add_time_off(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body: Value = parse_body(req)?;
    let now = state.now_ms();
    let created = state.db.write(|tx| {
        let user = target(tx, &actor, req)?;
        let tz = org_zone(tx, &actor, state)?;
        let t = TimeOff::parse(&tz, &body).map_err(invalid)?;
        let id =
            schedules::add_time_off(tx, &actor, user.id, &t, now)?.ok_or(ApiError::NotFound)?;
        Ok::<_, ApiError>(time_off_json(&tz, &TimeOffRow { id, time_off: t }))
    })?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "time_off": created }),
    ))
}

/// `DELETE /api/users/:id/time-off/:time_off_id`: 204; 404 when it is not theirs.
pub fn delete_time_off(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let id: i64 = req
        .param("time_off_id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    state.db.write(|tx| {
        let user = target(tx, &actor, req)?;
        match schedules::delete_time_off(tx, &actor, user.id, id)? {
            true => Ok(()),
            false => Err(ApiError::NotFound),
        }
    })?;
    state.jobs.nudge();
    Ok(Response::empty(Status::NO_CONTENT))
}
