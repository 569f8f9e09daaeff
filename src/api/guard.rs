//! The guards as endpoints call them: `require_user(state, req)` and friends.
//! They hand `auth::guard` what it needs (the database, the session lifetimes
//! from `Config`, the time) and turn its [`AuthError`](crate::auth::AuthError)s
//! into [`ApiError`]s through the one `From` in `api::error`.
//!
//! A request with `Authorization: Bearer` and no session cookie is a script
//! using a personal API token: [`optional_user`] and everything built on it
//! accept it (scope, expiry and revocation checked in `auth::bearer`). The
//! `*_session` guards do not: signing out, changing the password and managing
//! tokens need a browser session, so a leaked token cannot mint more tokens or
//! lock its owner out.

use super::{ApiError, State};
use crate::auth::bearer;
use crate::auth::guard::{self, SessionPolicy, SignedIn};
use crate::auth::SessionToken;
use crate::domain::Actor;
use crate::http::Request;
use crate::store::now_ms;

impl State {
    /// How long sessions live, from the configuration.
    pub fn session_policy(&self) -> SessionPolicy {
        SessionPolicy {
            idle: self.config.session_idle,
            max: self.config.session_max,
        }
    }
}

/// The signed-in person and their session, if the request carries a live one.
pub fn optional_session(state: &State, req: &Request) -> Result<Option<SignedIn>, ApiError> {
    Ok(guard::signed_in(
        &state.db,
        state.session_policy(),
        req,
        now_ms(),
    )?)
}

/// The signed-in person and their session, or 401.
pub fn require_session(state: &State, req: &Request) -> Result<SignedIn, ApiError> {
    optional_session(state, req)?.ok_or(ApiError::Unauthorized)
}

/// The signed-in person (by session, or by API token), if any.
pub fn optional_user(state: &State, req: &Request) -> Result<Option<Actor>, ApiError> {
    if bearer::is_bearer_only(req) {
        let now = now_ms();
        let found = bearer::authenticate(&state.db, req, now)?;
        if found.touched && super::audit::first_use_today(found.token.last_used_at, now) {
            let target = format!("token {}", found.token.id);
            let detail = format!("{} {}", req.method.as_str(), req.path());
            state.db.write(|tx| {
                super::audit::note_by(tx, state, req, &found.actor, "token_used", target, detail)
            })?;
        }
        return Ok(Some(found.actor));
    }
    Ok(optional_session(state, req)?.map(|s| s.actor))
}

/// The signed-in person (by session, or by API token), or 401.
pub fn require_user(state: &State, req: &Request) -> Result<Actor, ApiError> {
    optional_user(state, req)?.ok_or(ApiError::Unauthorized)
}

/// An agent or admin, or 401/403.
pub fn require_staff(state: &State, req: &Request) -> Result<Actor, ApiError> {
    Ok(guard::require_staff(require_user(state, req)?)?)
}

/// An admin, or 401/403.
pub fn require_admin(state: &State, req: &Request) -> Result<Actor, ApiError> {
    Ok(guard::require_admin(require_user(state, req)?)?)
}

/// `Set-Cookie` for a new session on this request.
pub fn session_cookie(state: &State, req: &Request, token: &SessionToken) -> String {
    guard::session_cookie(state.session_policy(), req, token)
}
