//! `POST /api/tickets/:number/rating`: the requester rates a resolved ticket,
//! good or bad with an optional comment, once. The rule is
//! `domain::satisfaction::may_rate`; the rating then shows on the ticket.

use super::guard::require_user;
use super::json::{parse_body, Fields};
use super::tickets::{find, number, ticket_json, ticket_response};
use super::{ApiError, State};
use crate::domain::satisfaction::{self, may_rate, Rating};
use crate::http::{Request, Response, Status};
use crate::store::{now_ms, satisfaction as ratings};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatingBody {
    #[serde(default)]
    rating: String,
    comment: Option<String>,
}

/// `POST /api/tickets/:number/rating {rating: "good"|"bad", comment?}`: 201 `{ticket}`.
pub fn rate(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: RatingBody = parse_body(req)?;
    let mut f = Fields::new();
    let rating = f.parse::<Rating>("rating", &body.rating);
    let comment = satisfaction::comment(body.comment.as_deref())
        .map_err(|e| f.add("comment", e))
        .ok();
    let (Some(rating), Some(comment)) = (rating, comment) else {
        return Err(f.error());
    };
    let ticket = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        let already = ratings::of_ticket(tx, &t)?.is_some();
        may_rate(t.relation, t.status, already)?;
        ratings::rate(tx, &actor, &t, rating, comment.as_deref(), now_ms())?;
        ticket_json(tx, &actor, n)
    })?;
    Ok(ticket_response(Status::CREATED, ticket))
}
