//! `/api/tickets/:number/tasks[/:id]`: the checklist inside a ticket. The owner
//! requester manages tasks on their own ticket, staff on every ticket; a watcher
//! reads them.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::access::Access;
use crate::domain::ticket::bounded_text;
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::store::now_ms;
use crate::store::tasks::{self, Task, TaskEdit};
use crate::store::tickets::TicketRef;
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::json;

pub const TITLE_MAX: usize = 200;

fn title(raw: &str) -> Result<String, ApiError> {
    bounded_text(raw, TITLE_MAX, "the task").map_err(|e| ApiError::field("title", e))
}

/// The ticket, when the actor may manage its tasks.
fn managed(conn: &Connection, actor: &Actor, req: &Request) -> Result<TicketRef, ApiError> {
    let t = find(conn, actor, number(req)?)?;
    if !Access::tasks(t.relation) {
        return Err(ApiError::Forbidden(
            "Only the requester and the help desk manage tasks.".into(),
        ));
    }
    Ok(t)
}

/// The ticket and the `:id` task on it.
fn task(conn: &Connection, actor: &Actor, req: &Request) -> Result<(TicketRef, Task), ApiError> {
    let t = managed(conn, actor, req)?;
    let id: i64 = req
        .param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let task = tasks::get(conn, &t, id)?.ok_or(ApiError::NotFound)?;
    Ok((t, task))
}

/// `task.changed` for the ticket's open pages.
fn changed(conn: &Connection, actor: &Actor, t: &TicketRef) -> Result<News, ApiError> {
    let mut news = News::about(conn, actor, t)?;
    news.tasks();
    Ok(news)
}

/// `GET /api/tickets/:number/tasks`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let list = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        Ok::<_, ApiError>(tasks::list(c, &t)?)
    })?;
    Ok(Response::json(Status::OK, &json!({ "tasks": list })))
}

#[derive(Deserialize)]
struct NewTask {
    #[serde(default)]
    title: String,
}

/// `POST /api/tickets/:number/tasks {title}`
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body: NewTask = parse_body(req)?;
    let title = title(&body.title)?;
    let (task, news) = state.db.write(|tx| {
        let t = managed(tx, &actor, req)?;
        let task = tasks::add(tx, &actor, &t, &title, now_ms())?;
        Ok::<_, ApiError>((task, changed(tx, &actor, &t)?))
    })?;
    state.tell(news);
    Ok(Response::json(Status::CREATED, &json!({ "task": task })))
}

#[derive(Deserialize)]
struct EditTask {
    title: Option<String>,
    done: Option<bool>,
    position: Option<i64>,
}

/// `PATCH /api/tickets/:number/tasks/:id {title?, done?, position?}`
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body: EditTask = parse_body(req)?;
    let edit = TaskEdit {
        title: body.title.as_deref().map(title).transpose()?,
        done: body.done,
        position: match body.position {
            Some(p) if p < 0 => return Err(ApiError::field("position", "Positions start at 0.")),
            p => p,
        },
    };
    let (task, news) = state.db.write(|tx| {
        let (t, task) = task(tx, &actor, req)?;
        let task = tasks::update(tx, &actor, &t, &task, &edit, now_ms())?;
        Ok::<_, ApiError>((task, changed(tx, &actor, &t)?))
    })?;
    state.tell(news);
    Ok(Response::json(Status::OK, &json!({ "task": task })))
}

/// `DELETE /api/tickets/:number/tasks/:id`
pub fn delete(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let news = state.db.write(|tx| {
        let (t, task) = task(tx, &actor, req)?;
        tasks::delete(tx, &actor, &t, &task, now_ms())?;
        changed(tx, &actor, &t)
    })?;
    state.tell(news);
    Ok(Response::empty(Status::NO_CONTENT))
}
