//! First-run setup: `GET /api/setup` says whether it is needed; `POST /api/setup`
//! creates the first organization and its admin and signs the admin in.
//!
//! # Security
//! Only someone who can read the server's console (where `main` prints the
//! one-time link) or who set `HELPDESK_SETUP_TOKEN` knows the token, so nobody
//! else on the LAN can claim a fresh instance. The token is compared in constant
//! time. Once any organization exists, setup answers 409 forever, checked again
//! inside the write transaction so two racing setups cannot both win.

use super::json::{parse_body, Fields};
use super::{views, ApiError, State};
use crate::auth;
use crate::domain::{Email, Name, OrgName, Password, Role};
use crate::http::{Request, Response, Status};
use crate::store::{self, now_ms, orgs::Org, users::User};
use serde::Deserialize;

#[derive(Deserialize)]
struct SetupBody {
    #[serde(default)]
    token: String,
    organization: OrgBody,
    admin: AdminBody,
}

#[derive(Deserialize)]
pub(super) struct OrgBody {
    pub name: String,
}

/// The first admin of a new organization, as sent.
#[derive(Deserialize)]
pub(super) struct AdminBody {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// A validated new organization with its first admin.
pub(super) struct NewOrg {
    pub org_name: OrgName,
    pub name: Name,
    pub email: Email,
    pub password: Password,
}

impl NewOrg {
    /// Parses the fields, naming bad ones `org_field`, `admin.name`, ...
    pub fn parse(org_field: &str, org_name: &str, admin: &AdminBody) -> Result<NewOrg, ApiError> {
        let mut f = Fields::new();
        let org_name = f.parse::<OrgName>(org_field, org_name);
        let name = f.parse::<Name>("admin.name", &admin.name);
        let email = f.parse::<Email>("admin.email", &admin.email);
        let password = f.parse::<Password>("admin.password", &admin.password);
        let (Some(org_name), Some(name), Some(email), Some(password)) =
            (org_name, name, email, password)
        else {
            return Err(f.error());
        };
        Ok(NewOrg {
            org_name,
            name,
            email,
            password,
        })
    }

    /// Creates the organization and its admin in the caller's transaction.
    /// A taken e-mail is a 409 with the same wording registration uses.
    pub fn create(
        &self,
        tx: &rusqlite::Connection,
        password_hash: &str,
    ) -> Result<(Org, User), ApiError> {
        let now = now_ms();
        let org = store::orgs::create_org(tx, &self.org_name, now)?;
        let new = store::users::NewUser {
            org_id: org.id,
            name: &self.name,
            email: &self.email,
            role: Role::Admin,
            password_hash,
        };
        let user = store::users::insert(tx, &new, now).map_err(super::auth::email_taken)?;
        Ok((org, user))
    }
}

/// `GET /api/setup`: `{needed}`.
pub fn status(state: &State, _req: &Request) -> Result<Response, ApiError> {
    let done = state.db.read(store::orgs::any_exists)?;
    Ok(Response::json(
        Status::OK,
        &serde_json::json!({ "needed": !done }),
    ))
}

fn already_done() -> ApiError {
    ApiError::Conflict("This help desk is already set up. Sign in instead.".into())
}

/// `POST /api/setup`.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let body: SetupBody = parse_body(req)?;
    if state.db.read(store::orgs::any_exists)? {
        return Err(already_done());
    }
    if !auth::constant_time_eq(body.token.as_bytes(), state.setup_token.as_bytes()) {
        return Err(ApiError::Forbidden(
            "The setup token is missing or wrong. Open the setup link printed in the server's console.".into(),
        ));
    }
    let new = NewOrg::parse("organization.name", &body.organization.name, &body.admin)?;
    // Hash before taking the write lock: the lock is held for milliseconds, the hash is slow.
    let hash = state.hasher.hash(&new.password)?;
    let (org, user, token) = state.db.write(|tx| {
        if store::orgs::any_exists(tx)? {
            return Err(already_done());
        }
        let (org, user) = new.create(tx, &hash)?;
        let token = auth::guard::start_session(tx, user.id)?;
        Ok((org, user, token))
    })?;
    log::info!("setup complete: organization {:?} created", org.slug);
    Ok(
        Response::json(Status::CREATED, &views::user_and_org(&user, &org)).with_appended_header(
            "Set-Cookie",
            super::guard::session_cookie(state, req, &token),
        ),
    )
}
