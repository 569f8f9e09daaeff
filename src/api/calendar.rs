//! The staff calendar's window and the personal iCalendar feeds:
//! `GET /api/calendar?from=&to=&who=`, `GET /cal/:file` (`TOKEN.ics`), and the
//! feed's address, `GET`/`POST`/`DELETE /api/me/calendar-feed`.
//!
//! The window answers what the month, week, day and agenda views draw: the
//! live appointments overlapping it, and for each person shown their working
//! hours as real instants (shaded) and their time off (marked), all computed in
//! the organization's zone. `who` is `me` (the default), `team`, or a staff
//! member's id. Requesters get 404, like for every calendar route.
//!
//! # Security
//! A feed is read by calendar apps that carry no cookie, so the secret in its
//! address is the credential: 256 bits from the operating system's CSPRNG,
//! shown once, only its SHA-256 stored (like API tokens, `auth::bearer`).
//! Rotating it from the profile ends the old address at once; a deactivated or
//! demoted person's feed stops answering. An unknown secret is a plain 404.
//! The time-off reason is shown only to its owner and admins (it may be private).

use super::appointments::require_calendar;
use super::guard::require_session;
use super::json::parse_body;
use super::schedules::org_zone;
use super::{ApiError, State};
use crate::domain::appointments::MAX_WINDOW_MS;
use crate::domain::ical::{self, FeedEvent};
use crate::domain::time_off::parse_instant;
use crate::domain::zone::{from_ms, zone_name};
use crate::domain::{Actor, UserId};
use crate::http::{Request, Response, Status};
use crate::store::appointments as store;
use crate::store::schedules;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// What a feed holds: three months back (recent history in the phone's
/// calendar) and a year ahead.
const FEED_BACK_MS: i64 = 92 * 86_400_000;
const FEED_AHEAD_MS: i64 = 366 * 86_400_000;
/// What a feed's secret starts with, so a leaked address is recognisable.
pub const FEED_PREFIX: &str = "hdc_";

/// Whose calendar a window shows.
enum Who {
    Team,
    One(UserId),
}

/// `from`, `to` and `who` from the query; 422 naming the field.
fn window(
    req: &Request,
    tz: &jiff::tz::TimeZone,
    actor: &Actor,
) -> Result<(i64, i64, Who), ApiError> {
    let q = req.query();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let instant = |k: &str| {
        get(k)
            .and_then(|s| parse_instant(tz, s))
            .map(|t| t.as_millisecond())
            .ok_or_else(|| {
                ApiError::field(
                    k,
                    "Use a date like 2026-12-01 or a time like 2026-12-01T09:00.",
                )
            })
    };
    let (from, to) = (instant("from")?, instant("to")?);
    if to <= from {
        return Err(ApiError::field(
            "to",
            "The window must end after it starts.",
        ));
    }
    if to - from > MAX_WINDOW_MS {
        return Err(ApiError::field("to", "Ask for at most 62 days at once."));
    }
    let who = match get("who").unwrap_or("me") {
        "me" | "" => Who::One(actor.user_id().ok_or(ApiError::NotFound)?),
        "team" => Who::Team,
        id => Who::One(
            id.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .map(UserId)
                .ok_or_else(|| ApiError::field("who", "Use me, team or a person's id."))?,
        ),
    };
    Ok((from, to, who))
}

/// A stretch of time in the window's answer, UTC milliseconds.
#[derive(Serialize)]
struct Span {
    start: i64,
    end: i64,
}

/// Time off as the window shows it; the reason only to its owner and admins.
#[derive(Serialize)]
struct Away<'a> {
    start: i64,
    end: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct PersonWindow<'a> {
    id: UserId,
    name: &'a str,
    shifts: Vec<Span>,
    time_off: Vec<Away<'a>>,
}

/// The window's answer, serialised straight from the rows: a team's month is
/// thousands of appointments, and building a JSON tree first doubled its cost.
#[derive(Serialize)]
struct WindowJson<'a> {
    time_zone: &'a str,
    now: i64,
    from: i64,
    to: i64,
    people: Vec<PersonWindow<'a>>,
    appointments: &'a [store::Appointment],
}

/// `GET /api/calendar?from=&to=&who=`: `{time_zone, now, from, to, people:
/// [{id, name, shifts: [{start, end}], time_off: [{start, end, reason?}]}],
/// appointments: [Appointment]}`. The appointments carry no `start_local` /
/// `end_local` here (the page computes them from `time_zone`).
pub fn show(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_calendar(state, req)?;
    let now = state.now_ms();
    state.db.read(|c| {
        let tz = org_zone(c, &actor, state)?;
        let (from, to, who) = window(req, &tz, &actor)?;
        let mut staff = schedules::staff_states(c, &actor, from)?;
        let only = match who {
            Who::Team => None,
            Who::One(u) => {
                staff.retain(|s| s.id == u);
                if staff.is_empty() {
                    return Err(ApiError::field("who", "Choose an active agent or admin."));
                }
                Some(u)
            }
        };
        let (start, end) = (from_ms(from), from_ms(to));
        let people: Vec<PersonWindow<'_>> = staff
            .iter()
            .map(|s| {
                let shifts = if s.settings.hours.is_empty() {
                    Vec::new()
                } else {
                    s.settings
                        .hours
                        .shifts_from(&tz, start, |_| false)
                        .take_while(|sh| sh.start < end)
                        .filter(|sh| sh.end > start)
                        .map(|sh| Span {
                            start: sh.start.as_millisecond(),
                            end: sh.end.as_millisecond(),
                        })
                        .collect()
                };
                let private = actor.is_admin() || actor.is(s.id);
                let time_off = s
                    .time_off
                    .iter()
                    .filter(|t| t.start() < end)
                    .map(|t| Away {
                        start: t.start().as_millisecond(),
                        end: t.end().as_millisecond(),
                        reason: private.then(|| t.reason()),
                    })
                    .collect();
                PersonWindow {
                    id: s.id,
                    name: &s.name,
                    shifts,
                    time_off,
                }
            })
            .collect();
        let list = store::window(c, &actor, from, to, only)?;
        Ok(Response::json(
            Status::OK,
            &WindowJson {
                time_zone: zone_name(&tz),
                now,
                from,
                to,
                people,
                appointments: &list,
            },
        ))
    })
}

/// `GET /cal/:file`: the feed of the person whose secret is `file` less
/// `.ics`, as `text/calendar`; 404 for anything else.
pub fn feed(state: &State, req: &Request) -> Result<Response, ApiError> {
    let secret = req
        .param("file")
        .and_then(|f| f.strip_suffix(".ics"))
        .filter(|s| s.starts_with(FEED_PREFIX) && s.len() < 200)
        .ok_or(ApiError::NotFound)?;
    let hash = crate::auth::bearer::hash(secret);
    let now = state.now_ms();
    let text = state.db.read(|c| {
        let (user, org, name) = store::feed_owner(c, &hash)?.ok_or(ApiError::NotFound)?;
        let actor = Actor::person(user, org, crate::domain::Role::Agent, None);
        let tz = org_zone(c, &actor, state)?;
        let list = store::feed(
            c,
            user,
            now.saturating_sub(FEED_BACK_MS),
            now.saturating_add(FEED_AHEAD_MS),
        )?;
        let events: Vec<FeedEvent<'_>> = list
            .iter()
            .map(|a| FeedEvent {
                uid: &a.uid,
                sequence: a.sequence,
                stamp: from_ms(a.updated_at),
                start: from_ms(a.start),
                end: from_ms(a.end),
                summary: &a.title,
                location: &a.location,
                description: &a.notes,
                cancelled: a.cancelled,
            })
            .collect();
        let title = format!("Help desk: {name}");
        Ok::<_, ApiError>(ical::calendar(&title, zone_name(&tz), &events))
    })?;
    Ok(Response::text(Status::OK, text)
        .with_header("Content-Type", "text/calendar; charset=utf-8")
        .with_header("Cache-Control", "private, no-cache"))
}

/// `GET /api/me/calendar-feed`: `{feed: {active, created_at}}` (the address
/// itself is shown only when made).
pub fn feed_status(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_calendar(state, req)?;
    let me = actor.user_id().ok_or(ApiError::NotFound)?;
    let created = state.db.read(|c| store::feed_created(c, me))?;
    Ok(Response::json(
        Status::OK,
        &json!({"feed": {"active": created.is_some(), "created_at": created}}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFields {}

/// `POST /api/me/calendar-feed` (a browser session): a new secret address,
/// ending the old one; 201 `{feed: {active, created_at, path}}`, `path` shown
/// this once.
pub fn rotate_feed(state: &State, req: &Request) -> Result<Response, ApiError> {
    let signed = require_session(state, req)?;
    if !signed.actor.is_staff() {
        return Err(ApiError::NotFound);
    }
    // The body is `{}`: anything else is a client's mistake worth saying.
    let _: NoFields = parse_body(req)?;
    let me = signed.actor.user_id().ok_or(ApiError::NotFound)?;
    let secret = format!("{FEED_PREFIX}{}", crate::auth::random_token());
    let now = state.now_ms();
    state
        .db
        .write(|tx| store::set_feed(tx, me, &crate::auth::bearer::hash(&secret), now))?;
    Ok(Response::json(
        Status::CREATED,
        &json!({"feed": {"active": true, "created_at": now, "path": format!("/cal/{secret}.ics")}}),
    ))
}

/// `DELETE /api/me/calendar-feed` (a browser session): the address stops
/// working; 204.
pub fn delete_feed(state: &State, req: &Request) -> Result<Response, ApiError> {
    let signed = require_session(state, req)?;
    if !signed.actor.is_staff() {
        return Err(ApiError::NotFound);
    }
    let me = signed.actor.user_id().ok_or(ApiError::NotFound)?;
    state.db.write(|tx| store::delete_feed(tx, me))?;
    Ok(Response::empty(Status::NO_CONTENT))
}
