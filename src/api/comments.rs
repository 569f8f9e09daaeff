//! `GET/POST /api/tickets/:number/comments`: the conversation. Who may reply and
//! what a reply does to the ticket's status are the domain's
//! ([`ticket_rules::reply`]): requesters neither read nor write internal notes; a
//! requester's reply on a ticket waiting for them (on hold) moves it back to open;
//! a staff member's public reply on a `new` ticket opens it.
//!
//! A reply written in the editor is Markdown (`format: "markdown"`); its answer
//! carries `html`, rendered and sanitised on the server ([`crate::markdown`]).
//! Older replies are plain text and are shown as written.
//! Staff may log the minutes the reply took (`minutes`) in the same transaction.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::ticket::bounded_text;
use crate::domain::ticket_rules;
use crate::http::{Request, Response, Status};
use crate::store::comments::{Comment, Format};
use crate::store::{attachments, comments, now_ms, ticket_changes, time_entries};
use serde::Deserialize;
use serde_json::{json, Value};

/// A comment as the API shows it: Markdown ones with their sanitised HTML.
pub(crate) fn shape(c: Comment) -> Value {
    let html = (c.format == Format::Markdown.as_str()).then(|| crate::markdown::to_html(&c.body));
    let mut v = json!(c);
    if let Some(h) = html {
        v["html"] = json!(h);
    }
    v
}

pub const BODY_MAX: usize = 20_000;

/// `GET /api/tickets/:number/comments`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let (list, files) = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        let list = comments::list(c, &actor, &t)?;
        Ok::<_, ApiError>((list, attachments::list(c, &actor, &t)?))
    })?;
    // Each comment lists its own files (the viewer only gets ones they may see).
    let list: Vec<Value> = list
        .into_iter()
        .map(|comment| {
            let id = comment.id;
            let mine: Vec<_> = files.iter().filter(|a| a.comment_id == Some(id)).collect();
            let mut v = shape(comment);
            v["attachments"] = json!(mine);
            v
        })
        .collect();
    Ok(Response::json(Status::OK, &json!({ "comments": list })))
}

#[derive(Deserialize)]
struct CommentBody {
    #[serde(default)]
    body: String,
    #[serde(default)]
    internal: bool,
    format: Option<String>,
    /// Minutes spent, logged with the reply (staff only).
    minutes: Option<i64>,
}

/// `POST /api/tickets/:number/comments {body, internal}`: the new comment,
/// with `attachments: []` (files are added to it afterwards by id).
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: CommentBody = parse_body(req)?;
    let text =
        bounded_text(&body.body, BODY_MAX, "a message").map_err(|e| ApiError::field("body", e))?;
    let format = match body.format.as_deref() {
        None => Format::Text,
        Some(f) => Format::try_from(f).map_err(|e| ApiError::field("format", e))?,
    };
    let minutes = body.minutes.map(super::time_spent::minutes).transpose()?;
    let now = now_ms();
    let (comment, news, moved) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        let effect = ticket_rules::reply(t.relation, t.status, body.internal)?;
        if minutes.is_some() {
            ticket_rules::staff_only(t.relation)?;
        }
        let comment = comments::add(tx, &actor, &t, &text, body.internal, format, now)?;
        if let Some(m) = minutes {
            time_entries::add(tx, &actor, &t, m, "", now)?;
        }
        let mut news = News::about(tx, &actor, &t)?;
        news.comment(&comment);
        if let Some(to) = effect.moves_to {
            ticket_changes::set_status(tx, &actor, &t, to, None, now)?;
            news.updated(&["status"]);
        }
        Ok::<_, ApiError>((comment, news, effect.moves_to.is_some()))
    })?;
    state.tell(news);
    if moved {
        // A reply that reopens a ticket restarts its resolution clock.
        state.jobs.nudge();
    }
    let mut comment = shape(comment);
    comment["attachments"] = json!([]);
    Ok(Response::json(
        Status::CREATED,
        &json!({ "comment": comment }),
    ))
}

#[derive(Deserialize)]
struct CommentEdit {
    internal: Option<bool>,
}

/// `PATCH /api/tickets/:number/comments/:id {internal: true}`: staff turn a reply
/// (a chat message) into an internal note. The requester's open pages drop it
/// (`comment.updated`); the change is recorded in the staff-only history. An
/// internal note is never made public again here: what was hidden stays hidden.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let id: i64 = req
        .param("id")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let body: CommentEdit = parse_body(req)?;
    if body.internal != Some(true) {
        return Err(ApiError::field(
            "internal",
            "Only true is accepted: a message can become an internal note, not the other way.",
        ));
    }
    let now = now_ms();
    let (comment, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        if !actor.is_staff() {
            return Err(ApiError::Forbidden(
                "Only the help desk can make a message an internal note.".into(),
            ));
        }
        let comment =
            comments::make_internal(tx, &actor, &t, id, now)?.ok_or(ApiError::NotFound)?;
        let mut news = News::about(tx, &actor, &t)?;
        news.comment_internal(comment.id);
        Ok((comment, news))
    })?;
    state.tell(news);
    Ok(Response::json(
        Status::OK,
        &json!({ "comment": shape(comment) }),
    ))
}
