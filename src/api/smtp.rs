//! The organization's SMTP relay (admins): `GET`/`PUT /api/settings/smtp` and
//! `POST /api/settings/smtp/test`, which sends a message at once and answers
//! the relay's failure in words (502 `relay_failed`).
//!
//! # Security
//! The password is write-only: `GET` and `PUT` answer `password_set`, never
//! the password; a `PUT` without `password` (or with `null`) keeps the stored
//! one, so the browser never needs to hold it.

use super::guard::require_admin;
use super::json::{parse_body, Fields};
use super::{audit, ApiError, State};
use crate::domain::notify::one_line;
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::mail;
use crate::store::mail::{self as outbox, Outgoing, Security, SmtpSettings};
use crate::store::notifications;
use serde_json::{json, Value};

fn settings_json(c: &rusqlite::Connection, actor: &Actor) -> Result<Value, ApiError> {
    let s = outbox::settings(c, actor.org_id)?;
    let waiting = outbox::waiting(c, actor.org_id)?;
    Ok(json!({ "smtp": s.map(|s| s.public_json()), "waiting": waiting }))
}

/// `GET /api/settings/smtp` (admin): `{smtp: null | {host, port, security,
/// username, password_set, sender, last_error, last_error_at}, waiting}`.
pub fn get(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let body = state.db.read(|c| settings_json(c, &actor))?;
    Ok(Response::json(Status::OK, &body))
}

/// Records a change of the relay in the audit log.
fn audited(
    tx: &rusqlite::Connection,
    state: &State,
    req: &Request,
    actor: &Actor,
    detail: String,
) -> Result<(), ApiError> {
    audit::note_by(
        tx,
        state,
        req,
        actor,
        "smtp_changed",
        "SMTP relay".into(),
        detail,
    )?;
    Ok(())
}

/// Where links in e-mail point when `--public-url` is not set: the address
/// the admin is using now.
fn link_base(state: &State, req: &Request) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let scheme = if state.config.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    let host = req.header("host").map(one_line).unwrap_or_default();
    format!("{scheme}://{host}")
}

/// `PUT /api/settings/smtp {host, port, security, username, password?, sender}`
/// (admin), or `{host: ""}` to turn e-mail off. Answers as `GET`.
pub fn put(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let body: Value = parse_body(req)?;
    if !body.is_object() {
        return Err(ApiError::field(
            "host",
            "Send an object with the relay's settings.",
        ));
    }
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::trim);
    let host = text("host").unwrap_or("");
    let now = state.now_ms();
    if host.is_empty() {
        let answer = state.db.write(|tx| {
            outbox::delete_settings(tx, actor.org_id)?;
            audited(tx, state, req, &actor, "off".into())?;
            settings_json(tx, &actor)
        })?;
        return Ok(Response::json(Status::OK, &answer));
    }
    let mut f = Fields::new();
    if host.len() > 253
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        f.add("host", "Give the relay's host name or address.");
    }
    let security = text("security").and_then(Security::parse);
    if security.is_none() {
        f.add("security", "Use starttls, tls or none.");
    }
    let port = match body.get("port").and_then(Value::as_u64) {
        Some(p) if (1..=65535).contains(&p) => p as u16,
        None => match security {
            Some(Security::Tls) => 465,
            Some(Security::StartTls) => 587,
            _ => 25,
        },
        Some(_) => {
            f.add("port", "A port is 1 to 65535.");
            0
        }
    };
    let sender = text("sender").unwrap_or("");
    if sender.is_empty() || mail::sender(sender).is_err() {
        f.add(
            "sender",
            "Give the sender as an address, or as Name <address>.",
        );
    }
    let username = text("username").unwrap_or("").to_string();
    if username.len() > 256 {
        f.add("username", "At most 256 characters.");
    }
    let password = match body.get("password") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p.len() <= 1024 => Some(p.clone()),
        Some(_) => {
            f.add("password", "A password is text of at most 1024 characters.");
            None
        }
    };
    f.finish()?;
    let Some(security) = security else {
        return Err(ApiError::field("security", "Use starttls, tls or none."));
    };
    let base = link_base(state, req);
    let answer = state.db.write(|tx| {
        let old = outbox::settings(tx, actor.org_id)?;
        let password = password
            .or_else(|| old.map(|o| o.password))
            .unwrap_or_default();
        let s = SmtpSettings {
            host: host.to_string(),
            port,
            security,
            username,
            password,
            sender: sender.to_string(),
            link_base: base,
            last_error: None,
            last_error_at: None,
        };
        outbox::save_settings(tx, actor.org_id, &s, now)?;
        audited(tx, state, req, &actor, format!("{host}:{port}"))?;
        settings_json(tx, &actor)
    })?;
    // Mail that waited for a relay may go now.
    state.notifier.mail.nudge();
    Ok(Response::json(Status::OK, &answer))
}

/// `POST /api/settings/smtp/test` (admin): sends a test message to the admin's
/// own address through the saved relay, now: `{sent: true, to}`, or 409 when no
/// relay is set, or 502 `relay_failed` with the relay's failure in words.
pub fn test(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    super::json::no_body(req)?;
    let me = actor.user_id().ok_or(ApiError::NotFound)?;
    let (relay, person) = state.db.read(|c| {
        Ok::<_, ApiError>((
            outbox::settings(c, actor.org_id)?,
            notifications::person(c, actor.org_id, me)?,
        ))
    })?;
    let relay =
        relay.ok_or_else(|| ApiError::Conflict("Save the relay's settings first.".into()))?;
    let person = person.ok_or(ApiError::NotFound)?;
    let now = state.now_ms();
    let domain = mail::domain_of(&relay.sender);
    let message = Outgoing {
        id: 0,
        org: actor.org_id,
        to_addr: person.email.clone(),
        to_name: person.name.clone(),
        subject: "Test e-mail from the help desk".into(),
        lines: vec![
            format!("Hello {},", person.name),
            "this is the test e-mail you asked for: the help desk can send e-mail through this relay."
                .into(),
        ],
        link: state.notifier.link_base(&relay.link_base),
        thread_id: None,
        message_id: mail::new_message_id(&domain),
        attempts: 0,
    };
    let sent = mail::compose(&message, &relay.sender, now)
        .and_then(|m| mail::transport(&relay).and_then(|t| mail::send(&t, &m)));
    let error = sent.as_ref().err().map(ToString::to_string);
    state
        .db
        .write(|tx| outbox::note_relay(tx, actor.org_id, error.as_deref(), now))?;
    match error {
        None => Ok(Response::json(
            Status::OK,
            &json!({ "sent": true, "to": person.email }),
        )),
        Some(e) => Err(ApiError::Relay(e)),
    }
}
