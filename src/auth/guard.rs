//! The guards every endpoint starts with, and sign-in itself.
//!
//! - [`require_user`]: 401 without a live session.
//! - [`require_staff`], [`require_admin`]: 403 when the role is not enough.
//! - [`start_session`]: a fresh token at every sign-in, stored as its hash.
//!
//! # Security
//! Expired sessions are deleted when presented; a deactivated user's sessions
//! no longer resolve (and are deleted when they are deactivated). The session
//! row's last use is recorded at most every half idle period, so a read-only
//! request does not cost a disk sync.

use super::session::{self, SessionToken};
use super::Actor;
use crate::api::{ApiError, State};
use crate::domain::UserId;
use crate::http::Request;
use crate::store::{self, now_ms, StoreError};
use rusqlite::Connection;

/// The signed-in user, if the request carries a live session.
pub fn optional_user(state: &State, req: &Request) -> Result<Option<Actor>, ApiError> {
    let Some(token) = SessionToken::from_request(req) else {
        return Ok(None);
    };
    let hash = token.hash();
    let Some(row) = state.db.read(|c| store::sessions::find(c, &hash))? else {
        return Ok(None);
    };
    let now = now_ms();
    let cfg = &state.config;
    if session::is_expired(
        row.created_at,
        row.last_seen_at,
        now,
        cfg.session_idle,
        cfg.session_max,
    ) {
        state.db.write(|tx| store::sessions::delete(tx, &hash))?;
        return Ok(None);
    }
    if session::should_touch(row.last_seen_at, now, cfg.session_idle) {
        state
            .db
            .write(|tx| store::sessions::touch(tx, &hash, now))?;
    }
    Ok(Some(Actor {
        user_id: row.user_id,
        org_id: row.org_id,
        role: row.role,
        tier: row.tier,
        session: hash,
    }))
}

/// The signed-in user, or 401.
pub fn require_user(state: &State, req: &Request) -> Result<Actor, ApiError> {
    optional_user(state, req)?.ok_or(ApiError::Unauthorized)
}

/// An agent or admin, or 401/403.
pub fn require_staff(state: &State, req: &Request) -> Result<Actor, ApiError> {
    let actor = require_user(state, req)?;
    if !actor.is_staff() {
        return Err(ApiError::Forbidden(
            "This needs an agent or admin account.".into(),
        ));
    }
    Ok(actor)
}

/// An admin, or 401/403.
pub fn require_admin(state: &State, req: &Request) -> Result<Actor, ApiError> {
    let actor = require_user(state, req)?;
    if !actor.is_admin() {
        return Err(ApiError::Forbidden("This needs an admin account.".into()));
    }
    Ok(actor)
}

/// Creates a session for `user` inside the caller's transaction and returns the
/// token for the cookie. Call [`session_cookie`] to build the header.
pub fn start_session(conn: &Connection, user: UserId) -> Result<SessionToken, StoreError> {
    let token = SessionToken::generate();
    store::sessions::create(conn, &token.hash(), user, now_ms())?;
    Ok(token)
}

/// `Set-Cookie` for a new session on this request.
pub fn session_cookie(state: &State, req: &Request, token: &SessionToken) -> String {
    session::set_cookie(token, state.config.session_max, session::came_over_tls(req))
}
