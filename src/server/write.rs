//! Step 5 of a request's life: putting the response on the wire without ever
//! waiting for the client.
//!
//! The head is serialised by `http::Response::write_head` (RFC 9112 sections 4
//! and 5: status line, `Date`, `Content-Length`, `Connection`, security headers)
//! into a buffer the worker reuses; small bodies are appended so a whole response
//! usually leaves in one `write` call. `HEAD` answers carry GET's headers and no
//! body (RFC 9110 section 9.3.2).
//!
//! # When the socket is full
//! Sockets stay non-blocking for their whole life. A response that does not fit
//! in the kernel's send buffer (a large asset, a client that reads slowly or not
//! at all) is *not* waited for on the worker: what is left of it becomes the
//! connection's [`Outbox`] (the rest of the head, and the body itself, moved, not
//! copied: an embedded asset stays a `&'static` slice), the connection enters
//! `Phase::Sending` and is parked with *writable* interest (`poller.rs`). When
//! epoll says the socket has room again, a worker sends what fits and parks it
//! again, or, once the outbox is empty, carries on exactly where the connection
//! was: the next pipelined request, idle keep-alive, or closing. Nothing else is
//! parsed or computed for a connection while its outbox holds bytes, so a client
//! that pipelines requests and never reads costs one response's memory, not one
//! per request, and never a worker.
//!
//! Before this, a full send buffer switched the socket to blocking mode and the
//! worker waited up to the write timeout for every write: a handful of clients
//! that asked for a large document and never read could hold every worker.
//!
//! # Write deadline and minimum rate
//! A parked response must move at least `limits.min_send_bytes` every
//! `limits.write_timeout` ([`Outbox::record`]): each time that many bytes have
//! gone out since the deadline was last set (or the outbox empties), the
//! deadline moves to `write_timeout` from now. A client that stops reading, or
//! reads a trickle to keep the connection alive, misses it and is closed by the
//! overseer's sweep without another word (a 408 could not reach it anyway). A
//! client that goes away mid-response is normal life on the web and is logged at
//! debug level.

use super::connection::after;
use super::transport::Transport;
use crate::config::Limits;
use crate::http::{date, Body, Response, StreamHandoff};
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::Instant;

/// Bodies up to this size are copied behind the head and sent in one write.
const INLINE_BODY: usize = 16 * 1024;

/// What went out for one response.
pub(crate) struct Written {
    /// Body bytes of the response (0 for `HEAD`, 304, ...), for the access log;
    /// some may still be in `unsent`.
    pub body_bytes: usize,
    /// For `Body::Stream`: the handler's handoff, to call once the head is out.
    pub handoff: Option<StreamHandoff>,
    /// What the socket could not take yet; `None` when everything went out.
    pub unsent: Option<Outbox>,
}

/// The unsent rest of a response, kept with its connection while it waits for
/// the socket to turn writable.
pub(crate) struct Outbox {
    /// The unsent part of the head (and of an inlined body), owned.
    head: Vec<u8>,
    /// The body, when it was not inlined; sent after `head`.
    body: Body,
    /// Bytes of `head` then `body` already sent.
    sent: usize,
    /// Bytes sent since the write deadline was last moved.
    since_deadline: usize,
}

impl Outbox {
    /// Bytes still to send.
    pub fn remaining(&self) -> usize {
        self.head.len() + self.body.as_bytes().len() - self.sent
    }

    /// Sends as much as the socket takes now. `Ok(true)` when the outbox is empty;
    /// `Ok(false)` when the socket is full again (park until writable).
    pub fn send(&mut self, stream: &mut Transport) -> io::Result<bool> {
        while self.remaining() > 0 {
            let head_len = self.head.len();
            let pending = if self.sent < head_len {
                &self.head[self.sent..]
            } else {
                &self.body.as_bytes()[self.sent - head_len..]
            };
            match stream.write(pending) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.sent += n;
                    self.since_deadline += n;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        // Over TLS the last records may still wait for the socket.
        match stream.flush() {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Moves `deadline` when enough bytes went out since it was last moved: the
    /// minimum-rate rule in the module docs.
    pub fn record(&mut self, deadline: &mut Instant, limits: &Limits) {
        if self.since_deadline >= limits.min_send_bytes.max(1) {
            self.since_deadline = 0;
            *deadline = after(limits.write_timeout);
        }
    }
}

/// Serialises `response` and sends what the socket takes at once; `out` is the
/// worker's reusable buffer. The rest comes back in [`Written::unsent`].
pub(crate) fn respond(
    stream: &mut Transport,
    out: &mut Vec<u8>,
    response: Response,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<Written> {
    out.clear();
    response.write_head(out, &date::now(), keep_alive);
    let send_body = !head_only && response.status.allows_body();
    let body_bytes = if send_body {
        response.body.as_bytes().len()
    } else {
        0
    };
    let (handoff, body) = match response.body {
        // A stream's handoff is dropped unused for HEAD, which frees its slot.
        Body::Stream(handoff) if send_body => (Some(handoff), Body::Empty),
        _ if !send_body => (None, Body::Empty),
        body if body_bytes <= INLINE_BODY => {
            out.extend_from_slice(body.as_bytes());
            (None, Body::Empty)
        }
        body => (None, body),
    };
    let mut outbox = Outbox {
        head: Vec::new(),
        body,
        sent: 0,
        since_deadline: 0,
    };
    let head_sent = write_some(stream, out)?;
    let done = if head_sent == out.len() {
        outbox.send(stream)?
    } else {
        false
    };
    let unsent = if done {
        None
    } else {
        // Only the unsent part of the head is copied; the body is moved.
        outbox.head = out[head_sent..].to_vec();
        Some(outbox)
    };
    Ok(Written {
        body_bytes,
        handoff,
        unsent,
    })
}

/// The interim response that tells a client waiting on `Expect: 100-continue`
/// to send its body (RFC 9110 section 15.2.1). `Some` holds what did not fit.
pub(crate) fn continue_100(stream: &mut Transport) -> io::Result<Option<Outbox>> {
    const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";
    let sent = write_some(stream, CONTINUE)?;
    let mut outbox = Outbox {
        head: CONTINUE[sent..].to_vec(),
        body: Body::Empty,
        sent: 0,
        since_deadline: 0,
    };
    Ok((!outbox.send(stream)?).then_some(outbox))
}

/// One non-blocking attempt to send a final answer on a connection about to be
/// closed (408 from the sweep, 503 when full). A small response fits in an empty
/// send buffer; if it does not, the client was not reading anyway.
pub(crate) fn best_effort(stream: &mut Transport, response: Response, extra: &[(&str, &str)]) {
    let mut response = response;
    for (name, value) in extra {
        response = response.with_header(name, *value);
    }
    let mut out = Vec::with_capacity(512);
    response.write_head(&mut out, &date::now(), false);
    out.extend_from_slice(response.body.as_bytes());
    let _ = stream.socket().set_nonblocking(true);
    let _ = stream.write(&out);
    let _ = stream.flush();
}

/// Writes what the non-blocking socket takes now; returns how much that was.
fn write_some(stream: &mut Transport, bytes: &[u8]) -> io::Result<usize> {
    let mut sent = 0;
    while sent < bytes.len() {
        match stream.write(&bytes[sent..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    Ok(sent)
}

/// Logs a failed response write at the level it deserves.
pub(crate) fn log_failure(peer: SocketAddr, e: &io::Error) {
    match e.kind() {
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::WriteZero => log::debug!("{peer}: client went away mid-response: {e}"),
        _ => log::warn!("{peer}: writing the response failed: {e}"),
    }
}
