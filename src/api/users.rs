//! People management: `GET /api/users` (paged and searched like the queue) and
//! `PATCH /api/users/:id` (admins); creating people and reset links are in
//! `onboarding`;
//! `GET /api/agents` (staff, for assignment pickers).

use super::guard::{require_admin, require_staff};
use super::json::{parse_body, Fields};
use super::{ApiError, State};
use crate::domain::role::tier_for;
use crate::domain::{Role, Tier, UserId};
use crate::http::{Request, Response, Status};
use crate::store::{self, now_ms};
use serde::Deserialize;
use serde_json::json;

/// The most people one page of `GET /api/users` holds.
pub const PER_PAGE_MAX: i64 = 200;

/// A page parameter: empty is the default, anything else must be in range.
fn page_param(name: &str, v: &str, max: i64) -> Result<i64, ApiError> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| ApiError::field(name, format!("Use a number from 1 to {max}.")))
}

/// `GET /api/users?role=&q=&page=&per_page=`: `{users, total, page, per_page}`.
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let mut role = None;
    let mut q = None;
    let (mut page, mut per_page) = (1, 50);
    for (k, v) in req.query() {
        match k.as_str() {
            "page" if !v.is_empty() => page = page_param("page", &v, 1_000_000)?,
            "per_page" if !v.is_empty() => per_page = page_param("per_page", &v, PER_PAGE_MAX)?,
            "role" if !v.is_empty() => {
                role = Some(
                    Role::parse(&v)
                        .ok_or_else(|| ApiError::field("role", "Use requester, agent or admin."))?,
                )
            }
            "q" if !v.trim().is_empty() => q = Some(v.trim().to_string()),
            _ => {}
        }
    }
    let found = state.db.read(|c| {
        store::users::list(
            c,
            &actor,
            role,
            q.as_deref(),
            per_page,
            (page - 1) * per_page,
        )
    })?;
    Ok(Response::json(
        Status::OK,
        &json!({ "users": found.rows, "total": found.total, "page": page, "per_page": per_page }),
    ))
}

/// `GET /api/agents`: active agents and admins, `{agents: [{id, name, role, tier}]}`.
pub fn agents(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let agents: Vec<_> = state
        .db
        .read(|c| store::users::agents(c, &actor))?
        .into_iter()
        .map(|u| json!({ "id": u.id, "name": u.name, "role": u.role, "tier": u.tier }))
        .collect();
    Ok(Response::json(Status::OK, &json!({ "agents": agents })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessBody {
    role: Option<String>,
    tier: Option<i64>,
    active: Option<bool>,
}

fn last_admin() -> ApiError {
    ApiError::Conflict(
        "This is the organization's last active admin. Make someone else an admin first.".into(),
    )
}

/// `PATCH /api/users/:id {role?, tier?, active?}`: `{user}`.
///
/// Rules: requesters have no tier; agents keep theirs (1 by default); someone made
/// admin gets tier 3 unless a tier is given; the last active admin cannot be demoted or
/// deactivated (409); a role change or deactivation ends the user's sessions, so
/// their next request signs in afresh with the new powers (or not at all).
/// History stays: nothing is deleted.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let id: UserId = req
        .param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let body: AccessBody = parse_body(req)?;
    let mut f = Fields::new();
    let role = match body.role.as_deref() {
        Some(r) => match Role::parse(r) {
            Some(role) => Some(role),
            None => {
                f.add("role", "Use requester, agent or admin.");
                None
            }
        },
        None => None,
    };
    let tier = match body.tier.map(Tier::try_from) {
        Some(Ok(t)) => Some(t),
        Some(Err(m)) => {
            f.add("tier", m);
            None
        }
        None => None,
    };
    f.finish()?;
    let (user, ends_access) = state.db.write(|tx| {
        let target = store::users::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        let new_role = role.unwrap_or(target.role);
        let new_active = body.active.unwrap_or(target.active);
        if tier.is_some() && !new_role.is_staff() {
            return Err(ApiError::field("tier", "Requesters have no tier."));
        }
        let was_admin = target.role.is_admin() && target.active;
        let stays_admin = new_role.is_admin() && new_active;
        if was_admin
            && !stays_admin
            && store::users::other_active_admins(tx, &actor, target.id)? == 0
        {
            return Err(last_admin());
        }
        let new_tier = tier_for(new_role, Some(target.role), tier, target.tier);
        let user =
            store::users::set_access(tx, &actor, id, new_role, new_tier, new_active, now_ms())?
                .ok_or(ApiError::NotFound)?;
        let ends_access = new_role != target.role || !new_active;
        if ends_access {
            store::sessions::delete_for_user(tx, id)?;
        }
        audit_access_change(tx, state, req, &actor, &target, &user)?;
        Ok((user, ends_access))
    })?;
    if ends_access {
        // Their open streams were filtered by the old role: end them; the
        // browser reconnects (or is refused) with its new rights.
        state.live.close_user(actor.org_id, id);
    }
    Ok(Response::json(Status::OK, &json!({ "user": user })))
}

/// Audit entries for what changed in someone's access: role, tier, active.
fn audit_access_change(
    tx: &rusqlite::Connection,
    state: &State,
    req: &Request,
    actor: &crate::domain::Actor,
    before: &store::users::User,
    after: &store::users::User,
) -> Result<(), ApiError> {
    let target = format!("user {} ({})", after.id.0, after.name);
    let note = |action: &str, detail: String| {
        super::audit::note_by(tx, state, req, actor, action, target.clone(), detail)
    };
    if before.role != after.role {
        let detail = format!("{} -> {}", before.role.as_str(), after.role.as_str());
        note("user_role_changed", detail)?;
    }
    if before.tier != after.tier {
        let shown =
            |t: Option<crate::domain::Tier>| t.map_or("none".to_string(), |t| t.get().to_string());
        note(
            "user_tier_changed",
            format!("{} -> {}", shown(before.tier), shown(after.tier)),
        )?;
    }
    if before.active != after.active {
        let action = if after.active {
            "user_reactivated"
        } else {
            "user_deactivated"
        };
        note(action, String::new())?;
    }
    Ok(())
}
