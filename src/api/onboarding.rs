//! Onboarding without e-mail: an admin creates a person directly
//! (`POST /api/users`) or makes a password-reset link for someone who forgot
//! theirs (`POST /api/users/:id/password-link`); either answers a one-time link
//! (`/welcome?token=...`) the admin hands over. The person opens it, the page
//! asks `POST /api/password-links/check {token}` who it is for, and
//! `POST /api/password-links/use {token, password}` sets the password and signs
//! them in.
//!
//! # Security
//! The token is 256 random bits; only its SHA-256 is stored; it works once,
//! expires (invitations after 7 days, resets after 24 hours), and a new link
//! replaces the old one. It travels in the page's query string and in POST
//! bodies, never in an API path, so the access log never records it. Using a
//! link ends the person's other sessions, like a password change does.

use super::guard::require_admin;
use super::json::{parse_body, Fields};
use super::{audit, views, ApiError, State};
use crate::auth::{self, guard};
use crate::domain::role::tier_for;
use crate::domain::{Email, Name, Password, Role, Tier, UserId};
use crate::http::{Request, Response, Status};
use crate::store::{self, now_ms, password_links, StoreError};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::json;

const HOUR_MS: i64 = 3_600_000;
/// How long an invitation waits for its person.
pub const INVITE_HOURS: i64 = 7 * 24;
/// How long a reset link lives: long enough to hand over, short if it leaks.
pub const RESET_HOURS: i64 = 24;

/// Makes a link for `user` and returns its `{path, expires_at}`.
fn make_link(
    conn: &Connection,
    user: UserId,
    purpose: &str,
    hours: i64,
) -> Result<serde_json::Value, StoreError> {
    make_link_at(conn, user, purpose, hours, now_ms(), true)
}

/// [`make_link`] at `now` (Unix ms); `replace_earlier`: the person's other
/// links stop working (see `password_links::create`).
pub(crate) fn make_link_at(
    conn: &Connection,
    user: UserId,
    purpose: &str,
    hours: i64,
    now: i64,
    replace_earlier: bool,
) -> Result<serde_json::Value, StoreError> {
    let token = auth::random_token();
    let expires_at = now + hours * HOUR_MS;
    let hash = auth::digest(&token);
    password_links::create(
        conn,
        user,
        &hash,
        purpose,
        (now, expires_at),
        replace_earlier,
    )?;
    Ok(json!({ "path": format!("/welcome?token={token}"), "expires_at": expires_at }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPersonBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    tier: Option<i64>,
}

/// `POST /api/users {name, email, role, tier?}` (admin): 201 `{user, link}`.
pub fn create_user(state: &State, req: &Request) -> Result<Response, ApiError> {
    let (_, user, link) = add_person(state, req)?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "user": user, "link": link }),
    ))
}

/// Creates the person a `POST /api/users` or `/api/invitations` body names,
/// with an invitation link: the admin, the person and the link.
pub(crate) fn add_person(
    state: &State,
    req: &Request,
) -> Result<(crate::domain::Actor, store::users::User, serde_json::Value), ApiError> {
    let actor = require_admin(state, req)?;
    let body: NewPersonBody = parse_body(req)?;
    let mut f = Fields::new();
    let name = f.parse::<Name>("name", &body.name);
    let email = f.parse::<Email>("email", &body.email);
    let role = Role::parse(&body.role);
    if role.is_none() {
        f.add("role", "Use requester, agent or admin.");
    }
    let tier = match body.tier.map(Tier::try_from) {
        Some(Ok(t)) if role.is_some_and(Role::is_staff) => Some(t),
        Some(Ok(_)) => {
            f.add("tier", "Requesters have no tier.");
            None
        }
        Some(Err(m)) => {
            f.add("tier", m);
            None
        }
        None => None,
    };
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        return Err(f.error());
    };
    f.finish()?;
    // Nobody knows this password: the person sets their own through the link.
    let unusable = Password::try_from(auth::random_token().as_str()).map_err(ApiError::Internal)?;
    let phc = state.hasher.hash(&unusable)?;
    let (user, link) = state.db.write(|tx| {
        let new = store::users::NewUser {
            org_id: actor.org_id,
            name: &name,
            email: &email,
            role,
            password_hash: &phc,
        };
        let user = match store::users::insert(tx, &new, now_ms()) {
            Err(StoreError::Duplicate(_)) => {
                return Err(ApiError::field(
                    "email",
                    "Someone already has an account with this e-mail address.",
                ))
            }
            other => other?,
        };
        let user = match tier {
            Some(t) => {
                let tier = tier_for(role, Some(role), Some(t), user.tier);
                store::users::set_access(tx, &actor, user.id, role, tier, true, now_ms())?
                    .ok_or(ApiError::NotFound)?
            }
            None => user,
        };
        let link = make_link(tx, user.id, "invite", INVITE_HOURS)?;
        let target = format!("user {} ({})", user.id.0, user.name);
        audit::note_by(
            tx,
            state,
            req,
            &actor,
            "user_created",
            target,
            role.as_str().into(),
        )?;
        Ok::<_, ApiError>((user, link))
    })?;
    Ok((actor, user, link))
}

/// `POST /api/users/:id/password-link` (admin): 201 `{link}`, a reset link.
pub fn reset_link(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    super::json::no_body(req)?;
    let id: UserId = req
        .param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let link = state.db.write(|tx| {
        let user = store::users::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        if !user.active {
            return Err(ApiError::Conflict(
                "This account is deactivated; reactivate it first.".into(),
            ));
        }
        let link = make_link(tx, user.id, "reset", RESET_HOURS)?;
        let target = format!("user {} ({})", user.id.0, user.name);
        audit::note_by(
            tx,
            state,
            req,
            &actor,
            "password_link_made",
            target,
            "reset".into(),
        )?;
        Ok::<_, ApiError>(link)
    })?;
    Ok(Response::json(Status::CREATED, &json!({ "link": link })))
}

#[derive(Deserialize)]
struct TokenBody {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

/// The live link for `token`, or 404 for unknown, used and expired alike.
fn live(
    conn: &Connection,
    token: &str,
    now: i64,
) -> Result<(String, password_links::LinkRow), ApiError> {
    let hash = auth::digest(token.trim());
    let link = password_links::find(conn, &hash)?.ok_or(ApiError::NotFound)?;
    if link.used || link.expires_at <= now {
        return Err(ApiError::NotFound);
    }
    Ok((hash, link))
}

/// `POST /api/password-links/check {token}` (anyone): `{name, purpose}`.
pub fn check(state: &State, req: &Request) -> Result<Response, ApiError> {
    let body: TokenBody = parse_body(req)?;
    let (_, link) = state.db.read(|c| live(c, &body.token, state.now_ms()))?;
    Ok(Response::json(
        Status::OK,
        &json!({ "name": link.name, "purpose": link.purpose }),
    ))
}

/// `POST /api/password-links/use {token, password}` (anyone): sets the
/// password, ends other sessions, signs in: `{user, organization}` + cookie.
pub fn use_link(state: &State, req: &Request) -> Result<Response, ApiError> {
    let body: TokenBody = parse_body(req)?;
    state.db.read(|c| live(c, &body.token, state.now_ms()))?;
    let password =
        Password::try_from(body.password.as_str()).map_err(|e| ApiError::field("password", e))?;
    let phc = state.hasher.hash(&password)?;
    let (user, org, session) = state.db.write(|tx| {
        let now = state.now_ms();
        // Checked again inside the write: two tabs must not both use one link.
        let (hash, link) = live(tx, &body.token, now)?;
        password_links::set_password(tx, link.user_id, &phc, now)?;
        password_links::mark_used(tx, &hash, now)?;
        store::sessions::delete_for_user(tx, link.user_id)?;
        let session = guard::start_session(tx, link.user_id)?;
        let actor = crate::domain::Actor::system(link.org_id, "password link");
        let user = store::users::get(tx, &actor, link.user_id)?.ok_or(ApiError::NotFound)?;
        let org = store::orgs::of_user_org(tx, link.org_id)?;
        Ok::<_, ApiError>((user, org, session))
    })?;
    Ok(
        Response::json(Status::OK, &views::user_and_org(&user, &org)).with_appended_header(
            "Set-Cookie",
            super::guard::session_cookie(state, req, &session),
        ),
    )
}
