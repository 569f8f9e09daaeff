//! Personal API tokens: `/api/me/tokens` (a person's own) and `/api/tokens`
//! (an admin's view of everyone's in the organization).
//!
//! Creating returns the secret once (`secret`); afterwards only the name, scope,
//! expiry and last use are shown. Managing tokens needs a browser session, not a
//! token ([`require_session`]), so a leaked token cannot make more of itself.
//! The wire format and checks are `auth::bearer`'s.

use super::guard::require_session;
use super::json::{parse_body, Fields};
use super::{ApiError, State};
use crate::auth::{bearer, guard};
use crate::domain::{Actor, Name};
use crate::http::{Request, Response, Status};
use crate::store::api_tokens::{self, NewToken, Scope};
use crate::store::now_ms;
use serde::Deserialize;
use serde_json::json;

/// The longest a token may live, in days; "never expires" is `null`.
pub const MAX_DAYS: i64 = 366;
const DAY_MS: i64 = 86_400_000;

/// `GET /api/me/tokens`: `{tokens: [ApiToken]}`, newest first.
pub fn list_mine(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_session(state, req)?.actor;
    let tokens = state.db.read(|c| api_tokens::list(c, &actor, true))?;
    Ok(Response::json(Status::OK, &json!({ "tokens": tokens })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTokenBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    expires_in_days: Option<i64>,
}

/// `POST /api/me/tokens {name, scope, expires_in_days}`: 201 `{token, secret}`.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_session(state, req)?.actor;
    let body: NewTokenBody = parse_body(req)?;
    let mut f = Fields::new();
    let name = f.parse::<Name>("name", &body.name);
    let scope = Scope::parse(&body.scope);
    if scope.is_none() {
        f.add("scope", "Choose read, or read and write.");
    }
    if body
        .expires_in_days
        .is_some_and(|d| !(1..=MAX_DAYS).contains(&d))
    {
        f.add(
            "expires_in_days",
            format!("Choose between 1 and {MAX_DAYS} days, or no expiry."),
        );
    }
    let (Some(name), Some(scope)) = (name, scope) else {
        return Err(f.error());
    };
    f.finish()?;
    let now = now_ms();
    let secret = bearer::generate();
    let token = state.db.write(|tx| {
        let token = api_tokens::create(
            tx,
            &actor,
            &NewToken {
                name: name.as_str(),
                hash: &secret.hash,
                scope,
                expires_at: body.expires_in_days.map(|d| now + d * DAY_MS),
            },
            now,
        )?;
        let target = format!("token {} ({})", token.id, token.name);
        let detail = format!("scope {}", token.scope.as_str());
        super::audit::note_by(tx, state, req, &actor, "token_created", target, detail)?;
        Ok::<_, ApiError>(token)
    })?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "token": token, "secret": secret.secret }),
    ))
}

/// `DELETE /api/me/tokens/:id`: revokes one's own token; 204.
pub fn revoke_mine(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_session(state, req)?.actor;
    revoke(state, req, &actor, true)
}

/// `GET /api/tokens` (admin): every token in the organization.
pub fn list_all(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = admin_session(state, req)?;
    let tokens = state.db.read(|c| api_tokens::list(c, &actor, false))?;
    Ok(Response::json(Status::OK, &json!({ "tokens": tokens })))
}

/// `DELETE /api/tokens/:id` (admin): revokes anyone's token; 204.
pub fn revoke_any(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = admin_session(state, req)?;
    revoke(state, req, &actor, false)
}

fn admin_session(state: &State, req: &Request) -> Result<Actor, ApiError> {
    Ok(guard::require_admin(require_session(state, req)?.actor)?)
}

fn revoke(
    state: &State,
    req: &Request,
    actor: &Actor,
    own_only: bool,
) -> Result<Response, ApiError> {
    super::json::no_body(req)?;
    let id: i64 = req
        .param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    state.db.write(|tx| {
        let token = api_tokens::get(tx, actor, id, own_only)?.ok_or(ApiError::NotFound)?;
        api_tokens::revoke(tx, actor, id, now_ms())?;
        let target = format!("token {} ({}) of {}", token.id, token.name, token.user.name);
        super::audit::note_by(
            tx,
            state,
            req,
            actor,
            "token_revoked",
            target,
            String::new(),
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(Response::empty(Status::NO_CONTENT))
}
