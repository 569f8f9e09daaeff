//! `/api/categories[/:id]`: the questionnaire. Everyone signed in reads the active
//! categories (the new-ticket form); admins list inactive ones with `all=1` and
//! create, change and remove them. A category in use is deactivated, not deleted.

use super::guard::{require_admin, require_user};
use super::json::parse_body;
use super::tickets::invalid;
use super::{ApiError, State};
use crate::domain::category::CategoryDraft;
use crate::http::{Request, Response, Status};
use crate::store::categories::{self, Removed};
use crate::store::now_ms;
use serde_json::{json, Value};

fn id(req: &Request) -> Result<i64, ApiError> {
    req.param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)
}

/// `GET /api/categories[?all=1]`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let all = actor.is_admin()
        && req
            .query()
            .iter()
            .any(|(k, v)| k == "all" && matches!(v.as_str(), "1" | "true"));
    let list = state.db.read(|c| categories::list(c, &actor, all))?;
    Ok(Response::json(Status::OK, &json!({ "categories": list })))
}

/// `POST /api/categories`
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let body: Value = parse_body(req)?;
    let draft = CategoryDraft::parse(&body).map_err(invalid)?;
    let category = state
        .db
        .write(|tx| categories::create(tx, &actor, &draft, now_ms()))?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "category": category }),
    ))
}

/// `PATCH /api/categories/:id`: the given fields over the stored category;
/// `questions` replaces the list (questions keep their `id`).
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let id = id(req)?;
    let body: Value = parse_body(req)?;
    let Value::Object(changes) = body else {
        return Err(ApiError::BadRequest("Send a JSON object.".into()));
    };
    let category = state.db.write(|tx| {
        let current = categories::get(tx, &actor, id)?.ok_or(ApiError::NotFound)?;
        let mut merged =
            serde_json::to_value(&current).map_err(|e| ApiError::Internal(e.to_string()))?;
        for (k, v) in changes {
            merged[k] = v;
        }
        let draft = CategoryDraft::parse(&merged).map_err(invalid)?;
        categories::update(tx, &actor, id, &draft, now_ms())?.ok_or(ApiError::NotFound)
    })?;
    Ok(Response::json(Status::OK, &json!({ "category": category })))
}

/// `DELETE /api/categories/:id`: 204 when unused, else 200 with it deactivated.
pub fn delete(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_admin(state, req)?;
    let id = id(req)?;
    let removed = state
        .db
        .write(|tx| categories::remove(tx, &actor, id, now_ms())?.ok_or(ApiError::NotFound))?;
    Ok(match removed {
        Removed::Deleted => Response::empty(Status::NO_CONTENT),
        Removed::Deactivated(c) => Response::json(Status::OK, &json!({ "category": c })),
    })
}
