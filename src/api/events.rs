//! `GET /api/events`: the signed-in person's live event stream (server-sent
//! events). PLACEHOLDER until the server's stream hub lands.

use super::guard::require_session;
use super::{ApiError, State};
use crate::http::{Request, Response};
use crate::live::{LiveHub, Sink, Viewer, REPLAY_EVENTS};
use std::sync::Arc;

pub type StreamKey = u64;

struct Nowhere;
impl Sink<u64> for Nowhere {
    fn send(&self, _: u64, _: Arc<[u8]>) -> bool {
        false
    }
    fn close(&self, _: u64) {}
}

pub fn live_hub() -> LiveHub<StreamKey> {
    LiveHub::new(
        Arc::new(Nowhere),
        crate::store::now_ms() as u64,
        REPLAY_EVENTS,
    )
}

/// The `Last-Event-ID` header, else `?last_event_id=`; malformed is absent.
pub fn last_event_id(req: &Request) -> Option<u64> {
    let header = req.headers.get("Last-Event-ID").map(str::trim);
    match header {
        Some(h) => h.parse().ok(),
        None => req
            .query()
            .into_iter()
            .find(|(k, _)| k == "last_event_id")
            .and_then(|(_, v)| v.trim().parse().ok()),
    }
}

/// `GET /api/events`
pub fn stream(state: &State, req: &Request) -> Result<Response, ApiError> {
    let signed = require_session(state, req)?;
    let _viewer = Viewer {
        user: signed.user_id,
        org: signed.actor.org_id,
        staff: signed.actor.is_staff(),
        session: signed.session.0,
    };
    let _ = last_event_id(req);
    Err(ApiError::NotFound)
}
