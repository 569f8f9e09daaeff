//! `DELETE /api/tickets/:number`: a requester withdraws their own untouched
//! ticket; an admin deletes any ticket after typing its number (`{confirm}`).
//! The rule is `domain::deletion`'s; the store removes the ticket and everything
//! under it in the one write transaction, and its number is never reused.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::deletion::{may_delete, DeleteRefusal};
use crate::http::{Request, Response, Status};
use crate::store::{attachments, ticket_delete};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteBody {
    /// The ticket's number, typed by an admin to confirm.
    confirm: Option<i64>,
}

/// `DELETE /api/tickets/:number {confirm?}`: 204.
pub fn delete(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: DeleteBody = parse_body(req)?;
    // Files are removed together with their rows, under the blob store's lock.
    let _turn = state.blobs.lock();
    let (gone, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        match may_delete(
            &actor,
            t.relation,
            t.status,
            t.staff_touched,
            n.0,
            body.confirm,
        ) {
            Ok(_) => {}
            Err(DeleteRefusal::Unconfirmed) => {
                return Err(ApiError::field(
                    "confirm",
                    format!("Type the ticket's number, {}, to delete it.", n.0),
                ))
            }
            Err(DeleteRefusal::Refused(r)) => return Err(r.into()),
        }
        // Its readers are read before the rows go: open pages hear "deleted",
        // fetch the ticket and show that it is gone.
        let mut news = News::about(tx, &actor, &t)?;
        news.updated(&["deleted"]);
        // Attachments do not cascade from tickets: their files outlive the rows
        // until no row names them, so they go through their own store call.
        let gone = attachments::delete_for_ticket(tx, &actor, t.id)?;
        ticket_delete::delete(tx, &actor, &t)?;
        let how = if actor.is_admin() {
            "deleted by an admin"
        } else {
            "withdrawn by its requester"
        };
        let target = format!("ticket {} ({})", n.0, t.title);
        super::audit::note_by(tx, state, req, &actor, "ticket_deleted", target, how.into())?;
        Ok::<_, ApiError>((gone, news))
    })?;
    for sha in &gone {
        state.blobs.remove(sha);
    }
    state.tell(news);
    Ok(Response::empty(Status::NO_CONTENT))
}
