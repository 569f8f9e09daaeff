//! Integration tests for live updates and chat: the event stream over real TCP
//! (framing, replay, resync, who hears what, streams that end), typing and
//! presence, a message made internal, and "Chat with IT now".

#[path = "../support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "../tickets/helpers.rs"]
mod helpers;

mod stream;

mod appointments;
mod attachments;
mod audience;
mod chat;
mod closing;
mod typing;
