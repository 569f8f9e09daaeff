//! The signed-in user's own account: `GET`/`PATCH /api/me`, `POST /api/me/password`.

use super::guard::{require_session, require_user};
use super::json::{parse_body, Fields};
use super::{views, ApiError, State};
use crate::domain::{Name, Password, Phone};
use crate::http::{Request, Response, Status};
use crate::store::{self, now_ms};
use serde::Deserialize;
use serde_json::json;

/// `GET /api/me`: `{user, organization}`, and for staff `available`: their
/// Available/Away switch, which the header shows.
pub fn show(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let (user, org, available) = state.db.read(|c| {
        let user = store::users::me(c, &actor)?;
        let available = match user.role.is_staff() {
            true => Some(store::schedules::settings(c, &actor, user.id)?.available),
            false => None,
        };
        Ok::<_, ApiError>((user, store::orgs::get(c, &actor)?, available))
    })?;
    let mut body = views::user_and_org(&user, &org);
    if let Some(available) = available {
        body["available"] = json!(available);
    }
    Ok(Response::json(Status::OK, &body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileBody {
    name: Option<String>,
    phone: Option<String>,
}

/// `PATCH /api/me {name?, phone?}`: `{user}`.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body: ProfileBody = parse_body(req)?;
    let mut f = Fields::new();
    let name = body
        .name
        .as_deref()
        .and_then(|n| f.parse::<Name>("name", n));
    let phone = body
        .phone
        .as_deref()
        .and_then(|p| f.parse::<Phone>("phone", p));
    f.finish()?;
    let user = state.db.write(|tx| {
        store::users::update_profile(tx, &actor, name.as_ref(), phone.as_ref(), now_ms())
    })?;
    Ok(Response::json(Status::OK, &json!({ "user": user })))
}

#[derive(Deserialize)]
struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// `POST /api/me/password`: checks the current password, sets the new one and
/// ends every other session of this user (a stolen session dies with the change).
///
/// # Security
/// Wrong current passwords count against the sign-in throttle for this account,
/// so a borrowed session cannot be used to guess the password faster than the
/// sign-in form allows.
pub fn change_password(state: &State, req: &Request) -> Result<Response, ApiError> {
    let signed_in = require_session(state, req)?;
    let actor = &signed_in.actor;
    let body: PasswordBody = parse_body(req)?;
    let ip = req.peer.ip();
    let (me, hash) = state.db.read(|c| {
        Ok::<_, ApiError>((
            store::users::me(c, actor)?,
            store::users::password_hash(c, actor)?,
        ))
    })?;
    state
        .login_throttle
        .check(Some(&me.email), ip)
        .map_err(|secs| ApiError::TooManyRequests {
            retry_after_secs: secs,
        })?;
    let mut f = Fields::new();
    let new = f.parse::<Password>("new_password", &body.new_password);
    if !state.hasher.verify(&body.current_password, &hash)? {
        state.login_throttle.failed(Some(&me.email), ip);
        f.add("current_password", "That is not your current password.");
    }
    let Some(new) = new else {
        return Err(f.error());
    };
    f.finish()?;
    let new_hash = state.hasher.hash(&new)?;
    state.db.write(|tx| {
        store::users::set_password_hash(tx, actor, &new_hash, now_ms())?;
        store::sessions::delete_others(tx, signed_in.user_id, &signed_in.session.0)?;
        Ok::<_, ApiError>(())
    })?;
    // The other sessions' event streams end with them.
    state
        .live
        .close_other_sessions(actor.org_id, signed_in.user_id, &signed_in.session.0);
    Ok(Response::empty(Status::NO_CONTENT))
}
