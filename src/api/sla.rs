//! SLA settings and a ticket's hand-set due time:
//! `GET`/`PUT /api/business-hours` (hours, holidays, time zone),
//! `GET`/`PUT /api/sla` (targets per priority and per category), and
//! `PUT /api/tickets/:number/sla` (the resolution due time set by staff);
//! and [`fire_marks`], the timed work that records and announces warnings and
//! breaches.
//!
//! Staff read the settings, admins change them. A change recomputes every open
//! ticket's due times in the same transaction (`store::sla_settings`), so the
//! queue never shows due times from the old settings.

use super::guard::{require_admin, require_staff};
use super::json::parse_body;
use super::notify::{Notice, Notifier};
use super::tickets::{find, invalid, number, ticket_json, ticket_response};
use super::{ApiError, State};
use crate::domain::business_time::BusinessCalendar;
use crate::domain::category::Problems;
use crate::domain::notify::Happening;
use crate::domain::sla_targets::SlaTargets;
use crate::domain::ticket_rules::staff_only;
use crate::domain::zone::{parse_time_zone, zone_name};
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::live::{Audience, Event};
use crate::store::{notifications, sla_clocks, sla_marks, sla_settings, StoreError};
use rusqlite::Connection;
use serde_json::{json, Value};

fn business_hours_json(conn: &Connection, actor: &Actor) -> Result<Value, ApiError> {
    let s = sla_settings::get(conn, actor.org_id)?;
    let mut v = s.calendar.to_json();
    v["time_zone"] = Value::from(zone_name(&s.zone));
    v["time_zone_set"] = Value::from(sla_settings::org_zone_name(conn, actor.org_id)?.is_some());
    Ok(json!({ "business_hours": v }))
}

/// `GET /api/business-hours`: `{business_hours: {hours, holidays, time_zone}}`.
pub fn get_business_hours(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body = state.db.read(|c| business_hours_json(c, &actor))?;
    Ok(Response::json(Status::OK, &body))
}

/// `PUT /api/business-hours {hours, holidays, time_zone?}`: replaces hours and
/// holidays; `time_zone` (an IANA name, or null for the server's) when present.
pub fn put_business_hours(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let body: Value = parse_body(req)?;
    if !body.is_object() {
        return Err(ApiError::field(
            "hours",
            "Send an object with hours and holidays.",
        ));
    }
    let mut problems = Problems::new();
    let calendar = BusinessCalendar::parse(&body)
        .map_err(|mut p| problems.append(&mut p))
        .ok();
    let zone = match body.get("time_zone") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(name)) => match parse_time_zone(name) {
            // Stored by its canonical name, whatever the case it was typed in.
            Ok(tz) => Some(Some(zone_name(&tz).to_string())),
            Err(e) => {
                problems.push(("time_zone".into(), e));
                None
            }
        },
        Some(_) => {
            let m = "Use an IANA time zone name like Europe/Berlin, or null.";
            problems.push(("time_zone".into(), m.into()));
            None
        }
    };
    let Some(calendar) = calendar.filter(|_| problems.is_empty()) else {
        return Err(invalid(problems));
    };
    let now = state.now_ms();
    let body = state.db.write(|tx| {
        sla_settings::set_calendar(
            tx,
            &actor,
            &calendar,
            zone.as_ref().map(|z| z.as_deref()),
            now,
        )?;
        business_hours_json(tx, &actor)
    })?;
    // Every open ticket's due times moved: the SLA job plans its next pass anew.
    state.jobs.nudge();
    Ok(Response::json(Status::OK, &body))
}

fn sla_json(conn: &Connection, actor: &Actor) -> Result<Value, ApiError> {
    let s = sla_settings::get(conn, actor.org_id)?;
    let categories: Vec<Value> = sla_settings::category_overrides(conn, actor)?
        .into_iter()
        .map(|(id, name, targets)| json!({"category_id": id, "name": name, "targets": targets}))
        .collect();
    Ok(json!({"sla": {
        "targets": s.targets.to_json(),
        "defaults": SlaTargets::defaults(&s.calendar).to_json(),
        "customized": s.targets_saved,
        "categories": categories,
    }}))
}

/// `GET /api/sla`: `{sla: {targets, defaults, customized, categories}}`.
pub fn get_sla(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let body = state.db.read(|c| sla_json(c, &actor))?;
    Ok(Response::json(Status::OK, &body))
}

/// Checks `categories: [{category_id, targets}]` over the organization's targets.
fn parse_categories(
    conn: &Connection,
    actor: &Actor,
    base: &SlaTargets,
    v: &Value,
    problems: &mut Problems,
) -> Result<Vec<(i64, Value)>, ApiError> {
    let Some(list) = v.as_array() else {
        problems.push(("categories".into(), "Categories are a list.".into()));
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let id = entry.get("category_id").and_then(Value::as_i64);
        match id {
            Some(id) if crate::store::categories::get(conn, actor, id)?.is_some() => {
                if out.iter().any(|(o, _)| *o == id) {
                    problems.push((
                        format!("categories.{i}.category_id"),
                        "This category is listed twice.".into(),
                    ));
                }
                let targets = entry.get("targets").cloned().unwrap_or(json!({}));
                match SlaTargets::parse(base, &targets) {
                    Ok(_) => out.push((id, targets)),
                    Err(p) => problems.extend(
                        p.into_iter()
                            .map(|(k, m)| (format!("categories.{i}.targets.{k}"), m)),
                    ),
                }
            }
            _ => problems.push((
                format!("categories.{i}.category_id"),
                "Choose a category.".into(),
            )),
        }
    }
    Ok(out)
}

/// `PUT /api/sla {targets, categories?}`: business minutes per priority (a
/// missing priority keeps its value); `categories` replaces the overrides.
pub fn put_sla(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let body: Value = parse_body(req)?;
    let (targets, categories) = state.db.read(|c| {
        let current = sla_settings::get(c, actor.org_id)?;
        let mut problems = Problems::new();
        let targets = match body.get("targets") {
            None => Some(current.targets.clone()),
            Some(v) => SlaTargets::parse(&current.targets, v)
                .map_err(|p| {
                    problems.extend(p.into_iter().map(|(k, m)| (format!("targets.{k}"), m)))
                })
                .ok(),
        };
        let base = targets.clone().unwrap_or(current.targets);
        let categories = match body.get("categories") {
            None => None,
            Some(v) => Some(parse_categories(c, &actor, &base, v, &mut problems)?),
        };
        match targets.filter(|_| problems.is_empty()) {
            Some(t) => Ok((t, categories)),
            None => Err(invalid(problems)),
        }
    })?;
    let now = state.now_ms();
    let body = state.db.write(|tx| {
        sla_settings::set_targets(tx, &actor, &targets, categories.as_deref(), now)?;
        sla_json(tx, &actor)
    })?;
    // Every open ticket's due times moved: the SLA job plans its next pass anew.
    state.jobs.nudge();
    Ok(Response::json(Status::OK, &body))
}

/// `PUT /api/tickets/:number/sla {resolution_due: ms | null}`: staff set the
/// resolution due time by hand (null goes back to the computed one).
pub fn put_ticket_due(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let n = number(req)?;
    let body: Value = parse_body(req)?;
    let due = match body.get("resolution_due") {
        Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|ms| (0..=253_402_300_799_999).contains(ms))
                .ok_or_else(|| {
                    ApiError::field(
                        "resolution_due",
                        "Give a time in Unix milliseconds, or null.",
                    )
                })?,
        ),
        None => {
            return Err(ApiError::field(
                "resolution_due",
                "Give a time in Unix milliseconds, or null.",
            ))
        }
    };
    let now = state.now_ms();
    let ticket = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        staff_only(t.relation)?;
        if !sla_clocks::set_resolution_due(tx, &actor, t.id, due, now)? {
            return Err(ApiError::Conflict(
                "This ticket predates SLAs and has no due times.".into(),
            ));
        }
        ticket_json(tx, &actor, n)
    })?;
    // A due time set earlier may be due now, or before the SLA job's next pass.
    state.jobs.nudge();
    Ok(ticket_response(Status::OK, ticket))
}

/// Most passes one call makes before it lets the caller come back later.
const MAX_PASSES: usize = 20;

/// Fires the SLA warnings and breaches due at `now` (Unix ms): each pass
/// records up to [`sla_marks::PASS_LIMIT`] tickets' marks in one transaction
/// (history as the system actor, the fired bit), and after it commits
/// publishes them on the live stream as `sla.warning` / `sla.breached` to
/// staff. Returns how many marks fired and when the next one comes due.
///
/// This is the jobs thread's SLA work ([`crate::jobs::sla::SlaJob`]): it calls
/// this with the job clock's `now` and sleeps until the answer (or a nudge).
pub fn fire_marks(notifier: &Notifier, now: i64) -> Result<(usize, Option<i64>), StoreError> {
    let db = &notifier.db;
    let mut fired = 0;
    for _ in 0..MAX_PASSES {
        let marks = db.write(|tx| sla_marks::fire_due(tx, now))?;
        fired += marks.len();
        for m in &marks {
            let event = Event::new(m.org_id, m.mark.event_name(), Audience::Staff, m.data());
            notifier.live.publish(event);
            // The assignee hears of it in the bell and by e-mail.
            if let Some(ticket_id) = db.read(|c| notifications::ticket_id(c, m.org_id, m.number))? {
                let notice = Notice {
                    org: m.org_id,
                    ticket_id,
                    actor: None,
                    items: vec![(Happening::Sla, mark_words(m))],
                };
                notifier.deliver(&notice, now);
            }
        }
        let next = db.read(sla_marks::next_due)?;
        if marks.is_empty() || !next.is_some_and(|t| t <= now) {
            return Ok((fired, next));
        }
    }
    Ok((fired, Some(now)))
}

/// How the bell words an SLA mark.
fn mark_words(m: &sla_marks::FiredMark) -> String {
    use crate::domain::sla_targets::SlaKind;
    use crate::domain::ticket_sla::Mark;
    let clock = match m.kind {
        SlaKind::FirstResponse => "First response",
        SlaKind::Resolution => "Resolution",
    };
    match m.mark {
        Mark::Warning => format!("{clock} at risk: 80 % of the time is used."),
        Mark::Breach => format!("{clock} breached: the due time has passed."),
    }
}
