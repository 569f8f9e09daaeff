//! What the server remembers about one client connection between reads: its
//! socket, its unconsumed bytes, where it is in a request's life ([`Phase`]) and
//! the deadline of that phase. `serve.rs` moves it through the phases; the
//! poller parks it between them.
//!
//! # Deadlines
//! Each phase has one deadline, set when the phase begins and not extended by
//! reads: the whole head within `head_timeout` of its first byte (so a client
//! trickling one header every few seconds is still cut off), the body within
//! `body_timeout` of its head, the next request within `idle_timeout`. The
//! overseer's sweep (`poller.rs`) enforces them while parked; workers check before parking.
//!
//! A response the socket could not take at once puts the connection in
//! [`Phase::Sending`]: the unsent bytes ([`Outbox`]) wait with it, parked until
//! the socket is writable, under the write deadline (`write.rs`: at least
//! `min_send_bytes` every `write_timeout`). [`After`] remembers what the
//! connection does once they are out, so it resumes exactly where it was.

use super::poller::Registry;
use super::transport::Transport;
use super::write::{Outbox, Written};
use crate::http::parse::BodyFraming;
use crate::http::{Request, StreamHandoff};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a closing connection may keep sending before we drop it.
const LINGER: Duration = Duration::from_secs(2);

/// Where a connection is in its life; decides what a passed deadline means.
pub(crate) enum Phase {
    /// Accepted; not a byte received yet.
    Fresh,
    /// Between requests on a keep-alive connection.
    Idle,
    /// Part of a request head has arrived.
    Head,
    /// The head is parsed and admitted; the body is arriving.
    Body(Box<Pending>),
    /// A response (or `100 Continue`) is waiting for the socket to take it; the
    /// connection is parked for *writable*, and nothing else is read or parsed.
    Sending(Box<Sending>),
    /// A final response was sent and our side is shut for writing; whatever the
    /// client still sends is discarded until it closes or [`LINGER`] passes.
    Closing,
}

/// A request whose body is still arriving.
pub(crate) struct Pending {
    pub request: Request,
    pub framing: BodyFraming,
    pub decoder: crate::http::chunked::ChunkedDecoder,
    /// The file the body goes to, when the route admitted it into a sink.
    pub sink: Option<super::sink::Sink>,
    pub keep_alive: bool,
    pub started: Instant,
}

impl Pending {
    /// The deadline a body phase starts with: the whole body within
    /// `body_timeout`, or for a sink the first window of its minimum rate.
    pub fn first_deadline(&self, limits: &crate::config::Limits) -> Duration {
        if self.sink.is_some() {
            limits.upload_window
        } else {
            limits.body_timeout
        }
    }
}

/// Bytes waiting for the socket, and what comes after them.
pub(crate) struct Sending {
    pub outbox: Outbox,
    pub then: After,
}

/// What a connection does once its outbox is empty.
pub(crate) enum After {
    /// A keep-alive response: serve buffered pipelined requests next, in order,
    /// or wait idle for the next one.
    NextRequest,
    /// `100 Continue` went out: the body follows.
    Body(Box<Pending>),
    /// The response said `Connection: close` and nothing is left unread.
    Close,
    /// The response said `Connection: close` with bytes possibly unread.
    Linger,
    /// A stream's head went out: hand the socket over.
    HandOff(StreamHandoff),
}

/// One client connection and everything known about it between reads.
pub(crate) struct Connection {
    pub id: usize,
    /// The socket, with its TLS session on an HTTPS port.
    pub stream: Transport,
    pub peer: SocketAddr,
    /// Received bytes not yet consumed: part of a head, a body, pipelined requests.
    pub buf: Vec<u8>,
    pub phase: Phase,
    pub deadline: Instant,
    /// Registered with epoll yet. A worker that accepts a connection serves
    /// it at once (its request has usually arrived with it); only one that
    /// must wait is registered, by its first park.
    pub registered: bool,
    registry: Arc<Registry>,
}

impl Connection {
    /// Wraps a freshly accepted socket; counts it as open until dropped.
    pub fn new(
        id: usize,
        stream: Transport,
        peer: SocketAddr,
        registry: Arc<Registry>,
        first_request_within: Duration,
    ) -> Connection {
        registry.opened();
        Connection {
            id,
            stream,
            peer,
            buf: Vec::new(),
            phase: Phase::Fresh,
            deadline: after(first_request_within),
            registered: false,
            registry,
        }
    }

    /// True when no request is under way, so closing loses nothing.
    pub fn is_between_requests(&self) -> bool {
        matches!(self.phase, Phase::Fresh | Phase::Idle) && self.buf.is_empty()
    }

    /// True when a client is owed a 408 if its deadline passes now.
    pub fn has_started_request(&self) -> bool {
        matches!(self.phase, Phase::Head | Phase::Body(_))
    }

    /// Parks what the socket did not take, under a fresh write deadline.
    pub fn start_sending(&mut self, outbox: Outbox, then: After, write_timeout: Duration) {
        self.enter(
            Phase::Sending(Box::new(Sending { outbox, then })),
            write_timeout,
        );
    }

    pub fn is_sending(&self) -> bool {
        matches!(self.phase, Phase::Sending(_))
    }

    /// Enters the phase with its own deadline.
    pub fn enter(&mut self, phase: Phase, within: Duration) {
        self.phase = phase;
        self.deadline = after(within);
    }

    /// Half-closes after a final response: our FIN follows the response bytes,
    /// and the poller discards input until the client closes (see `poller.rs`).
    pub fn start_closing(&mut self) {
        self.stream.shutdown_write();
        self.buf = Vec::new();
        self.enter(Phase::Closing, LINGER);
    }
}

impl Connection {
    /// Takes the socket out of epoll before it lives on in a duplicate (a
    /// stream handed to the hub). Closing alone removes it otherwise
    /// (`epoll.rs`).
    pub fn leave_epoll(&self) {
        let _ = self.registry.epoll.delete(self.stream.socket());
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Closing the socket takes it out of epoll: no `epoll_ctl` here.
        self.registry.closed();
    }
}

/// `now + d`, saturating far in the future for absurd configured durations.
pub(crate) fn after(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// What the access log records for one answered request.
pub(crate) struct LogLine<'a> {
    pub peer: SocketAddr,
    pub method: &'a str,
    pub path: &'a str,
    pub started: Instant,
}

impl LogLine<'_> {
    /// One access-log line: peer, method, path, status, body bytes, microseconds.
    /// The path only: query strings can carry tokens that do not belong in logs.
    /// Its own target, so operators can silence it (`RUST_LOG=info,access=warn`).
    pub fn write(&self, status: u16, written: &Written) {
        log::info!(
            target: "access",
            "{} {} {} {} {} {}us",
            self.peer,
            self.method,
            self.path,
            status,
            written.body_bytes,
            self.started.elapsed().as_micros()
        );
    }
}
