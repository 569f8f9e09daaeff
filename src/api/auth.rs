//! Sign-up, sign-in, sign-out: `POST /api/auth/register`, `/login`, `/logout`.
//!
//! # Security
//! - Sign-in answers the same 401 `invalid_credentials` for an unknown e-mail, a
//!   wrong password and a deactivated account, after the same work (an unknown
//!   e-mail is verified against a dummy hash), so neither the answer nor its
//!   timing says which e-mails have accounts.
//! - Failed sign-ins are throttled (see `auth::throttle`); while throttled the
//!   password is not checked at all.
//! - Every sign-in, successful or not, is also rate-limited per account and per
//!   address (see `auth::rate`), so a script with a valid password cannot spend
//!   the machine on Argon2; hashing itself is bounded by `auth::hasher`.
//! - Every sign-in issues a fresh token; a session the browser already had is ended.
//! - Registration needs a valid join code before an e-mail is even looked at, so
//!   only people who were given the code can probe e-mails at all. A taken e-mail
//!   then gets a 409 whose wording does not say "exists" and which counts as a
//!   failure against the client's address. Without e-mail verification (no SMTP
//!   yet) a registration form cannot hide existence completely: the person either
//!   gets an account or does not. The password is hashed before the insert, so a
//!   taken address costs the same time as a new one.

use super::json::{parse_body, Fields};
use super::{views, ApiError, State};
use crate::auth::{self, password, session, SessionToken};
use crate::domain::{Email, JoinCode, Name, Password, Role};
use crate::http::{Request, Response, Status};
use crate::store::{self, now_ms, StoreError};
use serde::Deserialize;
use std::time::Instant;

const TAKEN: &str =
    "An account cannot be created with these details. If you already have one, sign in instead.";

/// Maps a taken e-mail to the 409 every sign-up path uses.
pub(super) fn email_taken(e: StoreError) -> ApiError {
    if e.is_duplicate_of("users.email") {
        ApiError::Conflict(TAKEN.into())
    } else {
        e.into()
    }
}

fn throttled(secs: u64) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_secs: secs,
    }
}

#[derive(Deserialize)]
struct RegisterBody {
    join_code: String,
    name: String,
    email: String,
    password: String,
}

/// `POST /api/auth/register`: a requester in the organization owning the join code.
pub fn register(state: &State, req: &Request) -> Result<Response, ApiError> {
    let ip = req.peer.ip();
    state.signup_throttle.check(None, ip).map_err(throttled)?;
    let body: RegisterBody = parse_body(req)?;
    let mut f = Fields::new();
    let code = JoinCode::parse(&body.join_code);
    let name = f.parse::<Name>("name", &body.name);
    let email = f.parse::<Email>("email", &body.email);
    let password = f.parse::<Password>("password", &body.password);
    let org = match &code {
        Some(code) => state.db.read(|c| store::orgs::by_join_code(c, code))?,
        None => None,
    };
    if org.is_none() {
        state.signup_throttle.failed(None, ip);
        f.add(
            "join_code",
            "That join code is not valid. Ask your IT team for the current one.",
        );
    }
    let (Some(org), Some(name), Some(email), Some(password)) = (org, name, email, password) else {
        return Err(f.error());
    };
    let hash = state.hasher.hash(&password)?;
    let result = state.db.write(|tx| {
        let new = store::users::NewUser {
            org_id: org.id,
            name: &name,
            email: &email,
            role: Role::Requester,
            password_hash: &hash,
        };
        let user = store::users::insert(tx, &new, now_ms()).map_err(email_taken)?;
        let token = auth::guard::start_session(tx, user.id)?;
        Ok::<_, ApiError>((user, token))
    });
    let (user, token) = result.inspect_err(|e| {
        if matches!(e, ApiError::Conflict(_)) {
            state.signup_throttle.failed(None, ip);
        }
    })?;
    Ok(
        Response::json(Status::CREATED, &views::user_and_org(&user, &org)).with_appended_header(
            "Set-Cookie",
            super::guard::session_cookie(state, req, &token),
        ),
    )
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

/// `POST /api/auth/login`.
pub fn login(state: &State, req: &Request) -> Result<Response, ApiError> {
    let body: LoginBody = parse_body(req)?;
    let ip = req.peer.ip();
    // Throttle on the normalized address, valid or not, so case games do not help.
    let email = Email::try_from(body.email.as_str()).ok();
    let key = match &email {
        Some(e) => e.as_str().to_string(),
        None => body.email.trim().to_lowercase(),
    };
    state
        .login_throttle
        .check(Some(&key), ip)
        .map_err(throttled)?;
    // Every attempt that will hash is counted, successful ones too.
    state
        .sign_in_rate
        .take(&key, ip, Instant::now())
        .map_err(throttled)?;
    let found = match email {
        Some(email) => state
            .db
            .read(|c| store::users::credentials(c, email.as_str()))?,
        None => None,
    };
    // Who the attempt was for, when the e-mail is an account: its organization's
    // audit log records the failure.
    let account = found.as_ref().map(|(u, _)| (u.id, u.org_id));
    let checked = match found {
        Some((user, hash)) => state
            .hasher
            .verify(&body.password, &hash)
            .map(|ok| (ok && user.active).then_some(user)),
        None => state.hasher.verify_unknown(&body.password).map(|()| None),
    };
    if matches!(checked, Err(password::HashError::Busy)) {
        state.sign_in_rate.give_back(&key, ip);
    }
    let user = checked?;
    let Some(user) = user else {
        state.login_throttle.failed(Some(&key), ip);
        if let Some((id, org)) = account {
            state.db.write(|tx| {
                let (target, who) = (format!("user {}", id.0), Some(id.0));
                super::audit::note(
                    tx,
                    state,
                    req,
                    (org, who),
                    "sign_in_failed",
                    target,
                    String::new(),
                )
            })?;
        }
        return Err(ApiError::InvalidCredentials);
    };
    state.login_throttle.succeeded(&key, ip);
    let previous = SessionToken::from_request(req).map(|t| t.hash());
    let (org, token) = state.db.write(|tx| {
        if let Some(old) = &previous {
            store::sessions::delete(tx, &old.0)?;
        }
        let token = auth::guard::start_session(tx, user.id)?;
        let org = store::orgs::of_user_org(tx, user.org_id)?;
        let target = format!("user {}", user.id.0);
        let who = Some(user.id.0);
        super::audit::note(
            tx,
            state,
            req,
            (user.org_id, who),
            "sign_in",
            target,
            String::new(),
        )?;
        Ok::<_, ApiError>((org, token))
    })?;
    if let Some(old) = &previous {
        // Signing in again replaces the session: its streams end with it.
        state.live.close_session(&old.0);
    }
    Ok(
        Response::json(Status::OK, &views::user_and_org(&user, &org)).with_appended_header(
            "Set-Cookie",
            super::guard::session_cookie(state, req, &token),
        ),
    )
}

/// `POST /api/auth/logout`: ends the session on the server and in the browser.
/// Answers 204 even without a session, so a stale tab can always sign out.
pub fn logout(state: &State, req: &Request) -> Result<Response, ApiError> {
    if let Some(token) = SessionToken::from_request(req) {
        let hash = token.hash();
        state.db.write(|tx| store::sessions::delete(tx, &hash.0))?;
        // The session's event streams end with it (other sessions keep theirs).
        state.live.close_session(&hash.0);
    }
    Ok(Response::empty(Status::NO_CONTENT).with_appended_header(
        "Set-Cookie",
        session::clear_cookie(session::came_over_tls(req)),
    ))
}
