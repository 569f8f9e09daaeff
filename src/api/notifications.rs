//! The bell and its preferences: `GET /api/notifications`,
//! `POST /api/notifications/read`, `GET`/`PUT /api/me/notification-settings`,
//! and the organization's defaults through the same body with
//! `"defaults": true` (admins).
//!
//! Everything here reads or changes the signed-in person's own rows; the
//! store's queries name the person and the organization, so another person's
//! notification id is silently ignored, never read or marked.

use super::guard::require_user;
use super::json::parse_body;
use super::{ApiError, State};
use crate::domain::notify::{Channels, Kind};
use crate::http::{Request, Response, Status};
use crate::store::notifications;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `GET /api/notifications`: `{notifications: [...], unread}`, newest first.
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let me = actor.user_id().ok_or(ApiError::NotFound)?;
    let (list, unread) = state.db.read(|c| {
        Ok::<_, ApiError>((
            notifications::list(c, &actor)?,
            notifications::unread(c, actor.org_id, me)?,
        ))
    })?;
    Ok(Response::json(
        Status::OK,
        &json!({ "notifications": list, "unread": unread }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadBody {
    ids: Option<Vec<i64>>,
    #[serde(default)]
    all: bool,
}

/// `POST /api/notifications/read {ids: [..]}` or `{all: true}`: `{unread}`.
pub fn mark_read(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let me = actor.user_id().ok_or(ApiError::NotFound)?;
    let body: ReadBody = parse_body(req)?;
    let ids = match (body.ids, body.all) {
        (Some(_), true) | (None, false) => {
            return Err(ApiError::field(
                "ids",
                "Give the ids to mark read, or all: true.",
            ))
        }
        (Some(ids), false) if ids.len() > 500 => {
            return Err(ApiError::field("ids", "At most 500 ids at once."))
        }
        (ids, _) => ids,
    };
    let now = state.now_ms();
    let unread = state.db.write(|tx| {
        notifications::mark_read(tx, &actor, ids.as_deref(), now)?;
        Ok::<_, ApiError>(notifications::unread(tx, actor.org_id, me)?)
    })?;
    Ok(Response::json(Status::OK, &json!({ "unread": unread })))
}

fn settings_json(
    c: &rusqlite::Connection,
    actor: &crate::domain::Actor,
) -> Result<Value, ApiError> {
    let mine = actor.user_id();
    let mut kinds = Vec::new();
    for kind in Kind::ALL {
        let own = notifications::channels(c, actor.org_id, mine, kind)?;
        let default = notifications::channels(c, actor.org_id, None, kind)?;
        kinds.push(json!({
            "kind": kind.as_str(), "label": kind.label(),
            "in_app": own.in_app, "email": own.email,
            "default": {"in_app": default.in_app, "email": default.email},
        }));
    }
    let email_on = crate::store::mail::settings(c, actor.org_id)?.is_some();
    Ok(json!({ "settings": kinds, "email_available": email_on }))
}

/// `GET /api/me/notification-settings`: `{settings: [{kind, label, in_app,
/// email, default: {in_app, email}}], email_available}`.
pub fn get_settings(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body = state.db.read(|c| settings_json(c, &actor))?;
    Ok(Response::json(Status::OK, &body))
}

/// `PUT /api/me/notification-settings {settings: {kind: {in_app, email}},
/// defaults?: true}`: the person's own choices, or with `defaults` (admins)
/// the organization's defaults. Answers as `GET`.
pub fn put_settings(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body: Value = parse_body(req)?;
    let defaults = match body.get("defaults") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err(ApiError::field("defaults", "Defaults is true or false.")),
    };
    if defaults && !actor.role.is_admin() {
        return Err(ApiError::Forbidden(
            "Only admins set the organization's defaults.".into(),
        ));
    }
    let Some(given) = body.get("settings").and_then(Value::as_object) else {
        return Err(ApiError::field(
            "settings",
            "Send settings: {kind: {in_app, email}}.",
        ));
    };
    let parsed = parse_settings(given)?;
    let user = if defaults { None } else { actor.user_id() };
    let body = state.db.write(|tx| {
        for (kind, c) in &parsed {
            notifications::set_channels(tx, actor.org_id, user, *kind, *c)?;
        }
        settings_json(tx, &actor)
    })?;
    Ok(Response::json(Status::OK, &body))
}

fn parse_settings(given: &Map<String, Value>) -> Result<Vec<(Kind, Channels)>, ApiError> {
    let mut out = Vec::new();
    for (name, v) in given {
        let Some(kind) = Kind::parse(name) else {
            return Err(ApiError::field(
                "settings",
                format!("Unknown kind {name:?}."),
            ));
        };
        let flag = |f: &str| v.get(f).and_then(Value::as_bool);
        let (Some(in_app), Some(email)) = (flag("in_app"), flag("email")) else {
            return Err(ApiError::field(
                "settings",
                format!("{name}: give in_app and email as true or false."),
            ));
        };
        out.push((kind, Channels { in_app, email }));
    }
    Ok(out)
}
