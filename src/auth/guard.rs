//! The guards every endpoint starts with, and sign-in itself.
//!
//! - [`signed_in`]: the live session a request carries, if any, as a
//!   [`SignedIn`] (the domain [`Actor`] and the session's hash).
//! - [`require_staff`], [`require_admin`]: refuse an actor whose role is not enough.
//! - [`start_session`]: a fresh token at every sign-in, stored as its hash.
//!
//! Guards take what they need (the database and the session lifetimes in a
//! [`SessionPolicy`]) and answer [`AuthError`]; `api/` wraps them for its
//! endpoints and maps the errors to responses.
//!
//! # Security
//! Expired sessions are deleted when presented; a deactivated user's sessions
//! no longer resolve (and are deleted when they are deactivated). The session
//! row's last use is recorded at most every half idle period, so a read-only
//! request does not cost a disk sync.

use super::session::{self, SessionHash, SessionToken};
use super::AuthError;
use crate::domain::{Actor, UserId};
use crate::http::Request;
use crate::store::{self, Db, StoreError};
use rusqlite::Connection;
use std::time::Duration;

/// How long a session lives: idle, and in all.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub max: Duration,
}

/// A signed-in request: who acts, and the session it came with (to end it, or
/// to keep it while ending the others).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    /// The person the session belongs to (the actor's own id, never absent).
    pub user_id: UserId,
    pub session: SessionHash,
}

/// The signed-in person, if the request carries a live session at `now` (ms).
pub fn signed_in(
    db: &Db,
    policy: SessionPolicy,
    req: &Request,
    now: i64,
) -> Result<Option<SignedIn>, AuthError> {
    let Some(token) = SessionToken::from_request(req) else {
        return Ok(None);
    };
    let hash = token.hash();
    let Some(row) = db.read(|c| store::sessions::find(c, &hash.0))? else {
        return Ok(None);
    };
    if session::is_expired(
        row.created_at,
        row.last_seen_at,
        now,
        policy.idle,
        policy.max,
    ) {
        db.write(|tx| store::sessions::delete(tx, &hash.0))?;
        return Ok(None);
    }
    if session::should_touch(row.last_seen_at, now, policy.idle) {
        db.write(|tx| store::sessions::touch(tx, &hash.0, now))?;
    }
    Ok(Some(SignedIn {
        actor: Actor::person(row.user_id, row.org_id, row.role, row.tier),
        user_id: row.user_id,
        session: hash,
    }))
}

/// The signed-in person, or [`AuthError::NotSignedIn`].
pub fn require_signed_in(
    db: &Db,
    policy: SessionPolicy,
    req: &Request,
    now: i64,
) -> Result<SignedIn, AuthError> {
    signed_in(db, policy, req, now)?.ok_or(AuthError::NotSignedIn)
}

/// An agent or admin, or [`AuthError::NotStaff`].
pub fn require_staff(actor: Actor) -> Result<Actor, AuthError> {
    if actor.is_staff() {
        Ok(actor)
    } else {
        Err(AuthError::NotStaff)
    }
}

/// An admin, or [`AuthError::NotAdmin`].
pub fn require_admin(actor: Actor) -> Result<Actor, AuthError> {
    if actor.is_admin() {
        Ok(actor)
    } else {
        Err(AuthError::NotAdmin)
    }
}

/// Creates a session for `user` inside the caller's transaction and returns the
/// token for the cookie. Call [`session_cookie`] to build the header.
pub fn start_session(conn: &Connection, user: UserId) -> Result<SessionToken, StoreError> {
    let token = SessionToken::generate();
    store::sessions::create(conn, &token.hash().0, user, store::now_ms())?;
    Ok(token)
}

/// `Set-Cookie` for a new session on this request.
pub fn session_cookie(policy: SessionPolicy, req: &Request, token: &SessionToken) -> String {
    session::set_cookie(token, policy.max, session::came_over_tls(req))
}
