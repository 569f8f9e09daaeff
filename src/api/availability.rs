//! Who is on now: `PUT /api/me/availability` (the header's Available/Away
//! switch) and `GET /api/availability` (the "Who's on now" board).
//!
//! Switching to Available assigns waiting tickets in the same request, so the
//! person sees their new work at once; the jobs thread is nudged as well (it
//! plans its next wake-up around who is away).

use super::guard::require_staff;
use super::json::parse_body;
use super::schedules::org_zone;
use super::{ApiError, State};
use crate::domain::availability::Availability;
use crate::domain::zone::zone_name;
use crate::http::{Request, Response, Status};
use crate::jobs::assign::assign_waiting;
use crate::store::{assignment, schedules};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SwitchBody {
    available: Option<serde_json::Value>,
}

/// The state's short code for the board: `available`, `full`, `away`,
/// `time_off`, `off_shift` or `inactive`.
fn code(a: &Availability) -> &'static str {
    match a {
        Availability::Available { .. } => "available",
        Availability::Full { .. } => "full",
        Availability::Away => "away",
        Availability::TimeOff { .. } => "time_off",
        Availability::OffShift { .. } => "off_shift",
        Availability::Inactive => "inactive",
    }
}

/// `PUT /api/me/availability {available: bool}`: `{available, assigned}`, the
/// number of waiting tickets the switch to Available brought in.
pub fn switch(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body: SwitchBody = parse_body(req)?;
    let Some(serde_json::Value::Bool(available)) = body.available else {
        return Err(ApiError::field("available", "Available is true or false."));
    };
    let me = actor.user_id().ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let done = state.db.write(|tx| {
        schedules::set_available(tx, &actor, me, available, now.as_millisecond())?;
        if !available {
            return Ok::<_, ApiError>(Vec::new());
        }
        Ok(assign_waiting(tx, actor.org_id, now, &state.server_zone)?.tickets)
    })?;
    let assigned = done.len();
    state
        .notifier
        .assigned(actor.org_id, &done, now.as_millisecond());
    state.jobs.nudge();
    Ok(Response::json(
        Status::OK,
        &json!({"available": available, "assigned": assigned}),
    ))
}

/// `GET /api/availability`: `{time_zone, now, waiting, staff: [...]}`, every
/// active agent and admin with their state now, lowest id first.
pub fn board(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let now = state.clock.now();
    let body = state.db.read(|c| {
        let tz = org_zone(c, &actor, state)?;
        let staff = schedules::staff_states(c, &actor, now.as_millisecond())?;
        let waiting = assignment::waiting(c, &actor, 1000)?.len();
        let rows: Vec<_> = staff
            .iter()
            .map(|s| {
                let a = s.availability(&tz, now);
                json!({
                    "id": s.id, "name": s.name, "tier": s.tier,
                    "state": code(&a), "available_now": a.is_available(),
                    "on_shift": s.settings.hours.is_on_shift(&tz, now),
                    "switch": s.settings.available,
                    "text": a.describe(&tz, now),
                    "open_tickets": s.open_tickets, "cap": s.settings.cap,
                })
            })
            .collect();
        Ok::<_, ApiError>(json!({
            "time_zone": zone_name(&tz), "now": now.as_millisecond(),
            "waiting": waiting, "staff": rows,
        }))
    })?;
    Ok(Response::json(Status::OK, &body))
}
