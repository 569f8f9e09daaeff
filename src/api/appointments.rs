//! Appointments on the staff calendar: `POST /api/appointments`,
//! `PATCH`/`DELETE /api/appointments/:id`, and a ticket's list,
//! `GET /api/tickets/:number/appointments`.
//!
//! Staff only: a requester gets 404 on every appointment route (the calendar
//! does not exist for them), except a ticket's list, where a reader of the
//! ticket sees one line per appointment marked visible to them ("Visit
//! scheduled: Tue 3 Dec, 10:00-10:30") and nothing else of it.
//!
//! Creating, moving or changing who takes part checks the conflict rules
//! ([`crate::domain::appointments::conflicts`]) inside the write transaction and
//! answers 409 `scheduling_conflict` listing them, unless the body says
//! `"force": true`. A cancelled appointment is kept (the feeds say
//! `STATUS:CANCELLED`) and cannot be edited (422 naming `cancelled`). After the
//! commit, staff hear `appointment.changed`, and the ticket's readers
//! `ticket.updated` with `changes: ["appointments"]`.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::schedules::org_zone;
use super::tickets::{find, invalid, number};
use super::{ApiError, State};
use crate::domain::appointments::{conflicts, visit_text, Draft, Participant};
use crate::domain::ticket::TicketNumber;
use crate::domain::zone::from_ms;
use crate::domain::{Actor, UserId};
use crate::http::{Request, Response, Status};
use crate::live::{Audience, Event};
use crate::store::appointments::{self as store, Appointment};
use crate::store::schedules;
use crate::store::tickets::TicketRef;
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde_json::{json, Value};

/// An agent or admin; anyone else signed in gets 404 (no calendar exists for
/// them), someone signed out 401.
pub(crate) fn require_calendar(state: &State, req: &Request) -> Result<Actor, ApiError> {
    let actor = require_user(state, req)?;
    if actor.is_staff() {
        Ok(actor)
    } else {
        Err(ApiError::NotFound)
    }
}

/// An instant as a form's `datetime-local` value in `tz`.
pub(crate) fn local(tz: &TimeZone, ms: i64) -> String {
    tz.to_datetime(from_ms(ms))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The Appointment shape: the stored row, and its times as local values.
pub(crate) fn appointment_json(tz: &TimeZone, a: &Appointment) -> Value {
    let mut v = json!(a);
    v["start_local"] = json!(local(tz, a.start));
    v["end_local"] = json!(local(tz, a.end));
    v
}

fn id(req: &Request) -> Result<i64, ApiError> {
    req.param("id")
        .and_then(|s| s.parse().ok())
        .filter(|n: &i64| *n > 0)
        .ok_or(ApiError::NotFound)
}

/// The body's `force`: true books in spite of conflicts.
fn force(body: &Value) -> Result<bool, ApiError> {
    match body.get("force") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::field("force", "Force is true or false.")),
    }
}

/// The draft's ticket in the organization (422 naming `ticket` when there is
/// none such) and its participants as active staff of the organization (422
/// naming `participants`).
fn check_refs(
    conn: &Connection,
    actor: &Actor,
    d: &Draft,
) -> Result<(Option<TicketRef>, std::collections::HashMap<UserId, String>), ApiError> {
    let ticket =
        match d.ticket {
            None => None,
            Some(n) => Some(linked(conn, actor, Some(n)).ok_or_else(|| {
                ApiError::field("ticket", format!("There is no ticket {n} here."))
            })?),
        };
    let names = store::staff_named(conn, actor, &d.participants)?;
    if names.len() != d.participants.len() {
        return Err(ApiError::field(
            "participants",
            "Choose active agents or admins of this organization.",
        ));
    }
    Ok((ticket, names))
}

/// 409 when `d` clashes with its participants' calendars (ignoring `except`,
/// the appointment being changed).
fn check_conflicts(
    conn: &Connection,
    actor: &Actor,
    tz: &TimeZone,
    d: &Draft,
    names: &std::collections::HashMap<UserId, String>,
    except: Option<i64>,
) -> Result<(), ApiError> {
    let (start, end) = (d.start.as_millisecond(), d.end.as_millisecond());
    let booked = store::booked(conn, actor, &d.participants, start, end, except)?;
    let mut settings = Vec::new();
    for u in &d.participants {
        let hours = schedules::settings(conn, actor, *u)?.hours;
        let off: Vec<_> = schedules::time_off(conn, actor, *u, start)?
            .into_iter()
            .map(|r| r.time_off)
            .collect();
        settings.push((*u, hours, off));
    }
    let people: Vec<Participant<'_>> = settings
        .iter()
        .map(|(u, hours, off)| Participant {
            id: *u,
            hours,
            time_off: off,
            booked: booked.get(u).map(Vec::as_slice).unwrap_or(&[]),
        })
        .collect();
    let found = conflicts(tz, d.start, d.end, &people);
    if found.is_empty() {
        return Ok(());
    }
    let name_of = |u: UserId| names.get(&u).cloned().unwrap_or_default();
    Err(ApiError::Conflicts(
        found.iter().map(|c| c.to_json(name_of)).collect(),
    ))
}

/// What the open pages hear after a change commits.
struct Told {
    event: Event,
    news: Vec<News>,
}

fn told(
    conn: &Connection,
    actor: &Actor,
    a: &Appointment,
    action: &str,
    tickets: &[&TicketRef],
) -> Result<Told, ApiError> {
    let event = Event::new(
        actor.org_id,
        "appointment.changed",
        Audience::Staff,
        json!({"id": a.id, "action": action, "ticket": a.ticket.as_ref().map(|t| t.number)}),
    );
    let mut news = Vec::new();
    for t in tickets {
        let mut n = News::about(conn, actor, t)?;
        n.updated(&["appointments"]);
        news.push(n);
    }
    Ok(Told { event, news })
}

impl State {
    fn tell_appointment(&self, told: Told) {
        self.live.publish(told.event);
        for n in told.news {
            self.tell(n);
        }
    }
}

/// `POST /api/appointments {title, start, end, participants?, location?, ticket?,
/// notes?, visible_to_requester?, force?}`: 201 `{appointment}`; participants
/// default to the person booking.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_calendar(state, req)?;
    let mut body: Value = parse_body(req)?;
    let force = force(&body)?;
    if body.get("participants").is_none() {
        if let (Some(obj), Some(me)) = (body.as_object_mut(), actor.user_id()) {
            obj.insert("participants".into(), json!([me.0]));
        }
    }
    let now = state.now_ms();
    let (answer, told) = state.db.write(|tx| {
        let tz = org_zone(tx, &actor, state)?;
        let d = Draft::parse(&tz, &body, None).map_err(invalid)?;
        let (ticket, names) = check_refs(tx, &actor, &d)?;
        if !force {
            check_conflicts(tx, &actor, &tz, &d, &names, None)?;
        }
        let uid = format!("{}@helpdesk", &crate::auth::random_token()[..32]);
        let id = store::insert(tx, &actor, &uid, &d, ticket.as_ref().map(|t| t.id), now)?;
        let a = store::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        let told = told(
            tx,
            &actor,
            &a,
            "created",
            &ticket.iter().collect::<Vec<_>>(),
        )?;
        Ok::<_, ApiError>((appointment_json(&tz, &a), told))
    })?;
    state.tell_appointment(told);
    Ok(Response::json(
        Status::CREATED,
        &json!({ "appointment": answer }),
    ))
}

/// The ticket numbered `number`, if the actor can still see it: a ticket
/// deleted since has nobody left to tell.
fn linked(tx: &Connection, actor: &Actor, number: Option<i64>) -> Option<TicketRef> {
    number.and_then(|n| find(tx, actor, TicketNumber(n)).ok())
}

/// `PATCH /api/appointments/:id` with any fields of `POST` (and `force`):
/// `{appointment}`. A change of time or people is checked for conflicts.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_calendar(state, req)?;
    let id = id(req)?;
    let body: Value = parse_body(req)?;
    let force = force(&body)?;
    let now = state.now_ms();
    let (answer, told) = state.db.write(|tx| {
        let tz = org_zone(tx, &actor, state)?;
        let old = store::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        if old.cancelled {
            return Err(ApiError::field(
                "cancelled",
                "This appointment was cancelled; book a new one instead.",
            ));
        }
        let base = old.draft();
        let d = Draft::parse(&tz, &body, Some(&base)).map_err(invalid)?;
        let (ticket, names) = check_refs(tx, &actor, &d)?;
        let moved =
            (d.start, d.end) != (base.start, base.end) || d.participants != base.participants;
        if moved && !force {
            check_conflicts(tx, &actor, &tz, &d, &names, Some(id))?;
        }
        if !store::update(tx, &actor, id, &d, ticket.as_ref().map(|t| t.id), now)? {
            return Err(ApiError::NotFound);
        }
        let a = store::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        let left = old
            .ticket
            .as_ref()
            .map(|t| t.number)
            .filter(|&n| Some(n) != d.ticket);
        let old_ticket = linked(tx, &actor, left);
        let tickets: Vec<&TicketRef> = ticket.iter().chain(old_ticket.iter()).collect();
        let told = told(tx, &actor, &a, "updated", &tickets)?;
        Ok::<_, ApiError>((appointment_json(&tz, &a), told))
    })?;
    state.tell_appointment(told);
    Ok(Response::json(
        Status::OK,
        &json!({ "appointment": answer }),
    ))
}

/// `DELETE /api/appointments/:id`: cancels it (kept for the feeds with
/// `STATUS:CANCELLED`); `{appointment}` with `cancelled: true`.
pub fn cancel(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_calendar(state, req)?;
    let id = id(req)?;
    let now = state.now_ms();
    let (answer, told) = state.db.write(|tx| {
        let tz = org_zone(tx, &actor, state)?;
        let old = store::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        if old.cancelled || !store::cancel(tx, &actor, id, now)? {
            return Err(ApiError::field(
                "cancelled",
                "This appointment is already cancelled.",
            ));
        }
        let a = store::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        let ticket = linked(tx, &actor, a.ticket.as_ref().map(|t| t.number));
        let told = told(
            tx,
            &actor,
            &a,
            "cancelled",
            &ticket.iter().collect::<Vec<_>>(),
        )?;
        Ok::<_, ApiError>((appointment_json(&tz, &a), told))
    })?;
    state.tell_appointment(told);
    Ok(Response::json(
        Status::OK,
        &json!({ "appointment": answer }),
    ))
}

/// `GET /api/tickets/:number/appointments`: for staff `{appointments}` (all,
/// cancelled ones marked); for a requester who may read the ticket, `{visits:
/// [{start, end, text}]}` for the live appointments marked visible to them.
pub fn for_ticket(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        let tz = org_zone(c, &actor, state)?;
        let list = store::for_ticket(c, &actor, t.id)?;
        if actor.is_staff() {
            let list: Vec<Value> = list.iter().map(|a| appointment_json(&tz, a)).collect();
            return Ok::<_, ApiError>(json!({ "appointments": list }));
        }
        let visits: Vec<Value> = list
            .iter()
            .filter(|a| a.visible_to_requester && !a.cancelled)
            .map(|a| {
                json!({"start": a.start, "end": a.end,
                       "text": visit_text(&tz, from_ms(a.start), from_ms(a.end))})
            })
            .collect();
        Ok(json!({ "visits": visits }))
    })?;
    Ok(Response::json(Status::OK, &body))
}
