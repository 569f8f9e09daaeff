//! The audit log: [`note`] is how the other endpoints write an entry (inside
//! their own transaction, so the entry and the change land together), and
//! `GET /api/audit` and `GET /api/audit.csv` are how admins read it.
//!
//! What is recorded: sign-ins and failed sign-ins (to a known account: an
//! unknown e-mail belongs to no organization), role, tier and deactivation
//! changes, ticket deletions, organization settings (name, join code), API
//! tokens made and revoked, and each token's first use of a (UTC) day — not
//! every request. Each entry has who, when and the client's address.

use super::csv::{Cell, Csv};
use super::guard::require_admin;
use super::{ApiError, FieldErrors, State};
use crate::domain::audit::{AuditFilter, EXPORT_MAX};
use crate::domain::{Actor, OrgId};
use crate::http::{Request, Response, Status};
use crate::store::audit::{self, NewEntry};
use crate::store::{now_ms, StoreError};
use rusqlite::Connection;
use serde_json::json;
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;

/// Writes an audit entry in organization `org`, by person `actor_id` (`who`),
/// from the request's address.
pub(crate) fn note(
    conn: &Connection,
    state: &State,
    req: &Request,
    (org, actor_id): (OrgId, Option<i64>),
    action: &str,
    target: String,
    detail: String,
) -> Result<(), StoreError> {
    let entry = NewEntry {
        action,
        actor_id,
        target,
        detail,
        address: req.peer.ip().to_string(),
    };
    let keep = i64::from(state.config.audit_days) * DAY_MS;
    audit::record(conn, org, &entry, now_ms(), keep)
}

/// [`note`] for an action by a signed-in actor.
pub(crate) fn note_by(
    conn: &Connection,
    state: &State,
    req: &Request,
    actor: &Actor,
    action: &str,
    target: String,
    detail: String,
) -> Result<(), StoreError> {
    let id = actor.user_id().map(|u| u.0);
    note(conn, state, req, (actor.org_id, id), action, target, detail)
}

/// True when `previous` (a token's last use, ms) was on an earlier UTC day than
/// `now`: the token's first use today, which the log records.
pub(crate) fn first_use_today(previous: Option<i64>, now: i64) -> bool {
    previous.map_or(true, |p| p.div_euclid(DAY_MS) < now.div_euclid(DAY_MS))
}

fn filter(req: &Request) -> Result<AuditFilter, ApiError> {
    let q: HashMap<String, String> = req.query().into_iter().collect();
    AuditFilter::parse(&q).map_err(|p| ApiError::Validation(p.into_iter().collect::<FieldErrors>()))
}

/// `GET /api/audit` (admin): `{entries: [AuditEntry], total, page, per_page}`.
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let f = filter(req)?;
    let page = state
        .db
        .read(|c| audit::list(c, &actor, &f, f.per_page, (f.page - 1) * f.per_page))?;
    Ok(Response::json(
        Status::OK,
        &json!({"entries": page.rows, "total": page.total, "page": f.page, "per_page": f.per_page}),
    ))
}

/// `GET /api/audit.csv` (admin): the filtered log as CSV, newest first.
pub fn export(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let f = filter(req)?;
    let page = state
        .db
        .read(|c| audit::list(c, &actor, &f, EXPORT_MAX, 0))?;
    let mut out = Csv::new(&[
        "time_utc_ms",
        "action",
        "actor_id",
        "actor",
        "target",
        "detail",
        "address",
    ]);
    for e in &page.rows {
        let (id, name) = match &e.actor {
            Some(a) => (Cell::Int(a.id), Cell::from(a.name.as_str())),
            None => (Cell::Empty, Cell::Empty),
        };
        out.row([
            Cell::Int(e.created_at),
            Cell::from(e.action.as_str()),
            id,
            name,
            Cell::from(e.target.as_str()),
            Cell::from(e.detail.as_str()),
            Cell::from(e.address.as_str()),
        ]);
    }
    Ok(out.into_response("audit-log.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_logged_on_its_first_use_of_each_day() {
        let day = DAY_MS;
        assert!(first_use_today(None, 5));
        assert!(!first_use_today(Some(3 * day + 10), 3 * day + 500));
        assert!(first_use_today(Some(3 * day - 1), 3 * day));
    }
}
