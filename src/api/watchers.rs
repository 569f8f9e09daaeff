//! `POST /api/tickets/:number/watchers {user_id}` and
//! `DELETE /api/tickets/:number/watchers/:user_id`. Staff add or remove anyone in
//! the organization; a requester adds or removes only themselves.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::store::{now_ms, watchers};
use serde::Deserialize;
use serde_json::json;

fn may_change(actor: &Actor, user_id: i64) -> Result<(), ApiError> {
    if actor.is_staff() || actor.is(crate::domain::UserId(user_id)) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "You can only add or remove yourself as a watcher.".into(),
        ))
    }
}

#[derive(Deserialize)]
struct WatcherBody {
    user_id: Option<i64>,
}

/// `POST /api/tickets/:number/watchers {user_id}`
pub fn add(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: WatcherBody = parse_body(req)?;
    let user_id = body
        .user_id
        .ok_or_else(|| ApiError::field("user_id", "Choose a person."))?;
    let (list, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        may_change(&actor, user_id)?;
        let user = watchers::org_member(tx, &actor, user_id)?
            .ok_or_else(|| ApiError::field("user_id", "Choose a person in this organization."))?;
        let list = watchers::add(tx, &actor, &t, &user, now_ms())?;
        // After the insert: the new watcher hears of it (and may now read).
        let mut news = News::about(tx, &actor, &t)?;
        news.updated(&["watchers"]);
        Ok::<_, ApiError>((list, news))
    })?;
    state.tell(news);
    Ok(Response::json(Status::OK, &json!({ "watchers": list })))
}

/// `DELETE /api/tickets/:number/watchers/:user_id`
pub fn remove(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let user_id: i64 = req
        .param("user_id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let news = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        may_change(&actor, user_id)?;
        // Before the delete: the removed watcher hears of it too (their open
        // page then finds it may no longer read the ticket).
        let mut news = News::about(tx, &actor, &t)?;
        if !watchers::remove(tx, &actor, &t, user_id, now_ms())? {
            return Err(ApiError::NotFound);
        }
        news.updated(&["watchers"]);
        Ok(news)
    })?;
    state.tell(news);
    Ok(Response::empty(Status::NO_CONTENT))
}
