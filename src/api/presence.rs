//! `POST /api/tickets/:number/typing` and `POST /api/tickets/:number/presence`:
//! "I am typing" and "I have this ticket open". Neither is stored; both go to
//! [`live::Presence`](crate::live::Presence) (in memory, expiring by itself) and
//! out as ephemeral `typing` / `presence` events (no id, never replayed).
//!
//! Presence that runs out (a tab that crashed or lost its network) is announced
//! by [`sweep`], which runs on every typing and presence call: an open ticket
//! page or chat says it is there every 20 s, so the sweep runs at least that
//! often while anyone watches, and when nobody does, nobody needs the news.
//!
//! # Security
//! Both answer 404 for a ticket the person cannot see (through the same
//! [`find`] as reading it), and the events go to the ticket's audience only; a
//! requester cannot send internal typing (it would tell staff nothing they need
//! and would let a requester reach the staff-only audience).

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::ticket::TicketNumber;
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::live::presence::{TicketKey, TYPING_SHOWN_MS};
use crate::live::{Audience, Event, Present};
use crate::store::{now_ms, tickets, users};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct TypingBody {
    #[serde(default)]
    internal: bool,
}

/// `POST /api/tickets/:number/typing {internal}`: 204, passed on at most once
/// every 2 s per person and ticket.
pub fn typing(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: TypingBody = parse_body(req)?;
    let (me, news) = looking_at(state, &actor, n)?;
    if body.internal && !actor.is_staff() {
        return Err(ApiError::Forbidden(
            "Only the help desk writes internal notes.".into(),
        ));
    }
    let now = now_ms();
    sweep(state, now);
    if state.presence.typing((actor.org_id, n.0), me.id, now) {
        let audience = if body.internal {
            Audience::Staff
        } else {
            news.audience().clone()
        };
        let data = json!({
            "number": n.0,
            "user": { "id": me.id, "name": me.name },
            "internal": body.internal,
            "expires_in_ms": TYPING_SHOWN_MS,
        });
        state
            .live
            .signal(Event::new(actor.org_id, "typing", audience, data));
    }
    Ok(Response::empty(Status::NO_CONTENT))
}

/// Longest page id kept (a page makes up a short random one).
const TAB_MAX: usize = 64;

#[derive(Deserialize)]
struct PresenceBody {
    open: Option<bool>,
    /// Which page of the person's this is, so closing one tab does not hide
    /// them while their chat window is still open.
    #[serde(default)]
    tab: String,
}

/// `POST /api/tickets/:number/presence {open}`: `{people}`, who has it open now.
pub fn presence(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: PresenceBody = parse_body(req)?;
    let open = body
        .open
        .ok_or_else(|| ApiError::field("open", "Say true (open) or false (closed)."))?;
    let tab: String = body.tab.chars().take(TAB_MAX).collect();
    let (me, news) = looking_at(state, &actor, n)?;
    let now = now_ms();
    sweep(state, now);
    let key = (actor.org_id, n.0);
    let who = me.id;
    let changed = if open {
        state.presence.open(key, me, &tab, now)
    } else {
        state.presence.close(key, who, &tab)
    };
    if let Some(people) = changed {
        announce(state, key, news.audience().clone(), &people);
    }
    let people = state.presence.of(key, now);
    Ok(Response::json(Status::OK, &json!({ "people": people })))
}

/// The person as presence lists them, and news addressed to the ticket's
/// audience; 404 when they cannot see the ticket.
fn looking_at(state: &State, actor: &Actor, n: TicketNumber) -> Result<(Present, News), ApiError> {
    state.db.read(|c| {
        let t = find(c, actor, n)?;
        let me = users::me(c, actor)?;
        let news = News::about(c, actor, &t)?;
        Ok((
            Present {
                id: me.id,
                name: me.name,
                staff: actor.is_staff(),
            },
            news,
        ))
    })
}

fn announce(state: &State, (org, number): TicketKey, audience: Audience, people: &[Present]) {
    let data = json!({ "number": number, "people": people });
    state
        .live
        .signal(Event::new(org, "presence", audience, data));
}

/// Announces everyone whose presence ran out at `now`. A failure to read a
/// ticket's audience is logged and that announcement skipped: presence is a
/// courtesy, never a reason to fail the request that triggered the sweep.
pub fn sweep(state: &State, now: i64) {
    for (key, people) in state.presence.expire(now) {
        let (org, number) = key;
        let system = Actor::system(org, "presence");
        let readers = state.db.read(|c| {
            let Some(t) = tickets::find(c, &system, TicketNumber(number))? else {
                return Ok(None);
            };
            Ok::<_, ApiError>(Some(tickets::readers(c, t.id)?))
        });
        match readers {
            Ok(Some(readers)) => announce(state, key, Audience::Ticket { readers }, &people),
            Ok(None) => {}
            Err(e) => log::warn!("presence: could not read ticket {number}'s audience: {e}"),
        }
    }
}
