//! The help desk's live events: who may hear what, the replay log, presence and
//! typing. It sits between `api/` (which publishes after its transaction
//! commits) and the server's stream hub (which owns the sockets):
//!
//! ```text
//!  api handler ──commit──▶ LiveHub::publish ──per subscriber: Audience::admits──▶ Sink
//!                               │ replay log per organization (bounded)            │
//!  GET /api/events ──▶ LiveHub::subscribe (replay since Last-Event-ID, or resync)   ▼
//!                                                                server stream hub: socket
//! ```
//!
//! Read in this order: [`event`] (what an event is and its audience), [`replay`]
//! (ids and the bounded log), [`hub`] (subscribers and delivery), [`presence`]
//! (who has a ticket open, who is typing: in memory only).

pub mod event;
pub mod hub;
pub mod presence;
pub mod replay;

pub use event::{Audience, Event, Viewer};
pub use hub::{LiveHub, Sink, StreamKey, REPLAY_EVENTS};
pub use presence::{Presence, Present};
