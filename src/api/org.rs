//! Organizations: `GET`/`PATCH /api/org`, `POST /api/org/join-code`, and
//! `POST /api/organizations` to create another one.

use super::guard::{optional_user, require_admin, require_user};
use super::json::{parse_body, Fields};
use super::setup::{AdminBody, NewOrg};
use super::{attachments, views, ApiError, State};
use crate::auth;
use crate::domain::zone::{parse_time_zone, zone_name};
use crate::domain::OrgName;
use crate::http::{Request, Response, Status};
use crate::store;
use crate::store::schedules;
use serde::Deserialize;
use serde_json::json;

/// `GET /api/org`: `{organization}`, with the join code and the categories
/// assigned by hand only (`manual_categories`) for admins, the zone the desk
/// computes in (`effective_time_zone`: its own, else the server's), and, for
/// everyone, the attachment limit (the web app shows it before an upload).
pub fn show(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let (org, scheduling, limit) = state.db.read(|c| {
        Ok::<_, ApiError>((
            store::orgs::get(c, &actor)?,
            schedules::org_scheduling(c, &actor)?,
            attachments::limit_for(state, c, &actor)?,
        ))
    })?;
    let mut organization = views::org(&org, actor.is_admin());
    organization["effective_time_zone"] = json!(zone_name(&scheduling.zone(&state.server_zone)));
    if actor.is_admin() {
        organization["manual_categories"] = json!(scheduling.manual_categories);
    }
    Ok(org_response(organization, actor.is_admin(), limit, state))
}

/// The organization with its attachment limit and the ceiling an admin may
/// raise it to.
fn org_response(mut v: serde_json::Value, admin: bool, limit: u64, state: &State) -> Response {
    v["attachment_limit_bytes"] = json!(limit);
    if admin {
        v["attachment_ceiling_bytes"] = json!(state.config.attachment_ceiling);
    }
    Response::json(Status::OK, &json!({ "organization": v }))
}

/// The smallest attachment limit an admin may choose: 64 KiB.
const MIN_ATTACHMENT_LIMIT: u64 = 64 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgPatch {
    name: Option<String>,
    /// An IANA zone, or null for the server's.
    #[serde(default, deserialize_with = "present")]
    time_zone: Option<Option<String>>,
    auto_assign: Option<bool>,
    manual_categories: Option<Vec<i64>>,
    attachment_limit_bytes: Option<u64>,
}

/// Tells a `null` apart from a missing field: `Some(None)` is "set to null".
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `PATCH /api/org {name?, time_zone?, auto_assign?, manual_categories?,
/// attachment_limit_bytes?}`: `{organization}` (with `manual_categories`).
/// `time_zone` is an IANA name (422 `fields.time_zone` for an unknown one) or
/// null for the server's zone; `manual_categories` lists the categories whose
/// tickets are assigned by hand; `attachment_limit_bytes` is 64 KiB up to the
/// operator's ceiling (422 `fields.attachment_limit_bytes`).
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let body: OrgPatch = parse_body(req)?;
    let mut f = Fields::new();
    let name = body
        .name
        .as_deref()
        .and_then(|n| f.parse::<OrgName>("name", n));
    let time_zone = match &body.time_zone {
        Some(Some(tz)) => match parse_time_zone(tz) {
            Ok(tz) => Some(Some(zone_name(&tz).to_string())),
            Err(e) => {
                f.add("time_zone", e);
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    f.finish()?;
    let ceiling = state.config.attachment_ceiling as u64;
    if let Some(limit) = body.attachment_limit_bytes {
        if !(MIN_ATTACHMENT_LIMIT..=ceiling).contains(&limit) {
            return Err(ApiError::field(
                "attachment_limit_bytes",
                format!("Choose between {MIN_ATTACHMENT_LIMIT} and {ceiling} bytes."),
            ));
        }
    }
    let (org, scheduling, limit) = state.db.write(|tx| {
        if let Some(name) = &name {
            let before = store::orgs::get(tx, &actor)?;
            let org = store::orgs::rename(tx, &actor, name)?;
            if before.name != org.name {
                let detail = format!("{} -> {}", before.name, org.name);
                let target = "organization".to_string();
                super::audit::note_by(tx, state, req, &actor, "org_renamed", target, detail)?;
            }
        }
        if let Some(tz) = &time_zone {
            store::orgs::set_time_zone(tx, &actor, tz.as_deref())?;
        }
        schedules::set_org_scheduling(
            tx,
            &actor,
            body.auto_assign,
            body.manual_categories.as_deref(),
        )?;
        if let Some(limit) = body.attachment_limit_bytes {
            store::attachments::set_org_limit(tx, &actor, limit)?;
        }
        let org = store::orgs::get(tx, &actor)?;
        Ok::<_, ApiError>((
            org,
            schedules::org_scheduling(tx, &actor)?,
            attachments::limit_for(state, tx, &actor)?,
        ))
    })?;
    state.jobs.nudge();
    let mut organization = views::org(&org, true);
    organization["manual_categories"] = json!(scheduling.manual_categories);
    Ok(org_response(organization, true, limit, state))
}

/// `POST /api/org/join-code`: a new join code; the old one stops working.
pub fn rotate_join_code(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let org = state.db.write(|tx| {
        let org = store::orgs::rotate_join_code(tx, &actor)?;
        let target = "organization".to_string();
        super::audit::note_by(
            tx,
            state,
            req,
            &actor,
            "join_code_rotated",
            target,
            String::new(),
        )?;
        Ok::<_, ApiError>(org)
    })?;
    Ok(Response::json(
        Status::OK,
        &json!({ "organization": views::org(&org, true) }),
    ))
}

#[derive(Deserialize)]
struct CreateBody {
    name: String,
    admin: AdminBody,
}

/// `POST /api/organizations {name, admin}`: 201 `{organization, user}`.
///
/// Signed-in admins may create organizations; anyone may when the instance
/// allows open sign-up (`--open-signup`). An anonymous creator is signed in as
/// the new organization's admin; a signed-in admin keeps their own session.
///
/// # Security
/// Creations are rate-limited per address (`auth::rate::ADDRESS_ORGS`), so one
/// machine cannot fill the instance with organizations under open sign-up.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = optional_user(state, req)?;
    if !state.config.open_signup {
        match &actor {
            None => return Err(ApiError::Unauthorized),
            Some(a) if !a.is_admin() => {
                return Err(ApiError::Forbidden(
                    "Only admins can create organizations.".into(),
                ))
            }
            Some(_) => {}
        }
    }
    let ip = req.peer.ip();
    state
        .signup_throttle
        .check(None, ip)
        .map_err(|secs| ApiError::TooManyRequests {
            retry_after_secs: secs,
        })?;
    let body: CreateBody = parse_body(req)?;
    let new = NewOrg::parse("name", &body.name, &body.admin)?;
    state
        .org_rate
        .take(ip, std::time::Instant::now())
        .map_err(|secs| ApiError::TooManyRequests {
            retry_after_secs: secs,
        })?;
    let hash = state.hasher.hash(&new.password)?;
    let sign_in = actor.is_none();
    let result = state.db.write(|tx| {
        let (org, user) = new.create(tx, &hash)?;
        let token = match sign_in {
            true => Some(auth::guard::start_session(tx, user.id)?),
            false => None,
        };
        Ok::<_, ApiError>((org, user, token))
    });
    let (org, user, token) = result.inspect_err(|e| {
        if matches!(e, ApiError::Conflict(_)) {
            state.signup_throttle.failed(None, ip);
        }
    })?;
    let mut resp = Response::json(
        Status::CREATED,
        &json!({ "organization": views::org(&org, true), "user": user }),
    );
    if let Some(token) = token {
        resp = resp.with_appended_header(
            "Set-Cookie",
            super::guard::session_cookie(state, req, &token),
        );
    }
    Ok(resp)
}
