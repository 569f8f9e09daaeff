//! `GET /api/events`: the signed-in person's live event stream (server-sent
//! events; the contract is docs/live.md).
//!
//! The handler opens a stream in the server's [`StreamHub`] (which owns the
//! socket once the head is out, so the stream holds no worker), subscribes it
//! with the [`LiveHub`] as a [`Viewer`] built from the session, and returns the
//! hub's response. What the person missed since `Last-Event-ID` (or
//! `?last_event_id=`, for a tab taking over the stream) is queued before the
//! first byte goes out. When the server closes a stream (client gone, eviction,
//! shutdown), its `on_close` tells the live hub to forget it.
//!
//! ```text
//!  GET /api/events ─▶ require_session ─▶ StreamHub::open ─▶ LiveHub::subscribe(id, viewer, last id)
//!                                            │ response (head) ─▶ worker writes it ─▶ hand-off
//!  api write ─commit─▶ State::tell ─▶ LiveHub::publish ─▶ Sink::send = StreamHub::send ─▶ socket
//! ```
//!
//! # Security
//! The viewer carries the person's organization and whether they are staff, as
//! of this request; a role change or deactivation closes their streams
//! ([`LiveHub::close_user`]), and signing out closes the session's
//! ([`LiveHub::close_session`]), so a stream never outlives the rights it was
//! filtered with.

use super::guard::require_session;
use super::{ApiError, State};
use crate::http::{Request, Response};
use crate::live::{LiveHub, Sink, Viewer, REPLAY_EVENTS};
use crate::server::{StreamHub, StreamId};
use std::sync::{Arc, Weak};

/// Streams, as the live hub knows them: the server's own ids.
pub type StreamKey = StreamId;

/// The server's stream hub is where the live hub's bytes go.
impl Sink<StreamId> for StreamHub {
    fn send(&self, stream: StreamId, bytes: Arc<[u8]>) -> bool {
        StreamHub::send(self, stream, bytes)
    }

    /// One broadcast: one lock and one wake-up of the hub thread for the whole
    /// fan-out, the frame shared. Streams that refuse it are reported through
    /// `on_close` (see [`forget_closed_streams`]), so none are returned here.
    fn send_all(&self, streams: &[StreamId], bytes: Arc<[u8]>) -> Vec<StreamId> {
        StreamHub::broadcast(self, streams, bytes);
        Vec::new()
    }

    fn close(&self, stream: StreamId) {
        StreamHub::close(self, stream);
    }
}

/// A live hub sending through `streams`. Event ids start at the current time
/// in milliseconds, so they keep rising across restarts and an id from before
/// one answers `resync` instead of being mistaken for a recent one.
pub fn live_hub(streams: &StreamHub) -> LiveHub<StreamKey> {
    let first_id = u64::try_from(crate::store::now_ms()).unwrap_or(1);
    LiveHub::new(Arc::new(streams.clone()), first_id, REPLAY_EVENTS)
}

/// Tells the live hub when the server closes a stream. Holds the state weakly:
/// the hub lives inside the state, and a strong reference would keep both alive.
pub fn forget_closed_streams(state: &Arc<State>) {
    let weak: Weak<State> = Arc::downgrade(state);
    state.streams.on_close(move |id| {
        if let Some(state) = weak.upgrade() {
            state.live.unsubscribe(id);
        }
    });
}

/// The `Last-Event-ID` header, else `?last_event_id=`. The header wins when
/// both are present (EventSource sends it by itself on a reconnect, so it is
/// the fresher); a malformed value is treated as absent, as the contract says.
pub fn last_event_id(req: &Request) -> Option<u64> {
    match req.headers.get("Last-Event-ID") {
        Some(h) => h.trim().parse().ok(),
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
    let viewer = Viewer {
        user: signed.user_id,
        org: signed.actor.org_id,
        staff: signed.actor.is_staff(),
        session: signed.session.0,
    };
    let (id, response) = match state.streams.open() {
        Ok(opened) => opened,
        // Over the stream cap, or shutting down: the hub's 503 with Retry-After.
        Err(busy) => return Ok(busy),
    };
    state.live.subscribe(id, viewer, last_event_id(req));
    Ok(response)
}
