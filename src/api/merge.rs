//! `POST /api/tickets/:number/merge {into}`: staff merge a duplicate into another
//! ticket; `POST /api/tickets/:number/links {number}` and `DELETE
//! /api/tickets/:number/links/:other` link related tickets both ways. The rules
//! are `domain::merge`'s: merging into itself, into a ticket that does not exist
//! (another organization's included) or into a closed one is a 422 naming the
//! field; a closed or already merged source is 409.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, number, ticket_json, ticket_response};
use super::{ApiError, State};
use crate::domain::merge::{may_link, may_merge, MergeRefusal};
use crate::domain::ticket::TicketNumber;
use crate::http::{Request, Response, Status};
use crate::store::{merge, now_ms, tickets};
use serde::Deserialize;

fn refused(field: &str) -> impl Fn(MergeRefusal) -> ApiError + '_ {
    move |r| match r {
        MergeRefusal::Refused(r) => r.into(),
        MergeRefusal::Field(m) => ApiError::field(field, m),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    into: Option<i64>,
}

/// `POST /api/tickets/:number/merge {into}`: `{ticket}` (the ticket merged into).
pub fn merge(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: MergeBody = parse_body(req)?;
    let into_n = body
        .into
        .and_then(|i| TicketNumber::try_from(i.to_string().as_str()).ok());
    let (ticket, news) = state.db.write(|tx| {
        let from = find(tx, &actor, n)?;
        let into = match into_n {
            Some(i) => tickets::find(tx, &actor, i)?,
            None => None,
        };
        let merged = merge::merged_into(tx, &from)?.is_some();
        may_merge(
            from.relation,
            (n.0, from.status, merged),
            into.as_ref().map(|t| (t.number.0, t.status)),
        )
        .map_err(refused("into"))?;
        let into = into.ok_or(ApiError::NotFound)?;
        merge::merge(tx, &actor, &from, &into, now_ms())?;
        let mut from_news = News::about(tx, &actor, &from)?;
        from_news.updated(&["status", "merged_into", "comments"]);
        let mut into_news = News::about(tx, &actor, &into)?;
        into_news.updated(&["comments", "watchers"]);
        into_news.tasks();
        Ok::<_, ApiError>((
            ticket_json(tx, &actor, into.number)?,
            [from_news, into_news],
        ))
    })?;
    state.tell_all(news);
    Ok(ticket_response(Status::OK, ticket))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    number: Option<i64>,
}

/// `POST /api/tickets/:number/links {number}`: `{ticket}` with its `links`.
pub fn link(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: LinkBody = parse_body(req)?;
    let other_n = body
        .number
        .and_then(|i| TicketNumber::try_from(i.to_string().as_str()).ok());
    let ticket = state.db.write(|tx| {
        let a = find(tx, &actor, n)?;
        let b = match other_n {
            Some(o) => tickets::find(tx, &actor, o)?,
            None => None,
        };
        may_link(a.relation, n.0, b.as_ref().map(|t| t.number.0)).map_err(refused("number"))?;
        let b = b.ok_or(ApiError::NotFound)?;
        merge::link(tx, &actor, &a, &b, now_ms())?;
        ticket_json(tx, &actor, n)
    })?;
    Ok(ticket_response(Status::OK, ticket))
}

/// `DELETE /api/tickets/:number/links/:other`: 204.
pub fn unlink(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    super::json::no_body(req)?;
    let n = number(req)?;
    let other = req
        .param("other")
        .and_then(|s| TicketNumber::try_from(s).ok())
        .ok_or(ApiError::NotFound)?;
    state.db.write(|tx| {
        let a = find(tx, &actor, n)?;
        crate::domain::ticket_rules::staff_only(a.relation)?;
        let b = find(tx, &actor, other)?;
        Ok::<_, ApiError>(merge::unlink(tx, &a, &b)?)
    })?;
    Ok(Response::empty(Status::NO_CONTENT))
}
