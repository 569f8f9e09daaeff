//! Step 4 of a request's life: a worker serves one connection for one *turn*,
//! then parks it again, sends it to the back of the line, or closes it.
//!
//! A worker receives a [`Connection`] from the queue when its socket is readable,
//! and:
//!
//! 1. **reads** what is available (the socket is non-blocking, so a slow client
//!    never holds a worker) and appends it to the connection's buffer;
//! 2. **parses the head** (`http::parse`, RFC 9112 sections 2 to 6). A parse error
//!    is answered with its status and the connection is closed: once framing is in
//!    doubt the next byte cannot be trusted to start a request;
//! 3. **admits** it: [`Handler::admit`](super::Handler::admit) picks the body limit
//!    or answers at once. `Expect: 100-continue` gets `100 Continue` only when the
//!    body will really be read (RFC 9110 section 10.1.1); a refused body that is
//!    not already buffered is never read, so the connection is closed after the
//!    answer rather than risk reading that body as the next request;
//! 4. **reads the body**, by `Content-Length` (413 before a byte is read when it is
//!    over the limit) or chunked (`http::chunked`, counted against the limit);
//! 5. **handles** it inside `catch_unwind`: a panicking handler costs its request
//!    a 500, never the worker;
//! 6. **writes** the response (`write.rs`), then serves pipelined requests already
//!    buffered, in order (RFC 9112 section 9.3.2). If the socket cannot take the
//!    whole response, the rest stays with the connection and it is parked until
//!    the socket is writable (`Phase::Sending`); the worker moves on at once, and
//!    the next pipelined request waits until that response is all out;
//! 7. **reads again** only if the last read filled the buffer (a pipelining
//!    client may have sent more). A read that came back short emptied the
//!    socket, so one more would only say "would block": the connection parks
//!    at once instead, and since re-arming is level-triggered (`epoll.rs`),
//!    bytes that arrived in between are reported straight away. That saves a
//!    system call on every keep-alive request. (Over TLS the decrypted bytes
//!    are not the socket's, so there the worker reads until "would block".)
//! 8. **parks** the connection (keep-alive, or a head or body still incomplete) or
//!    closes it (`Connection: close`, HTTP/1.0 without keep-alive, an error),
//!    RFC 9112 section 9.3.
//!
//! # Turns
//! Steps 2 to 7 repeat while the client keeps bytes coming, but only for
//! [`TURN_REQUESTS`] answered requests. A client that keeps its socket full of
//! pipelined requests would otherwise hold a worker for as long as it likes, and
//! as many such clients as workers would starve everyone else. When the turn is
//! over the connection goes to the back of the line: with nothing buffered it is
//! parked, and epoll hands it back at once if its socket is still readable; with
//! requests already in its own buffer (which epoll cannot see) it is requeued
//! to the back of the ready queue (`Parking::requeue`). Either way one worker serves a
//! connection at a time, so pipelined responses stay in order. Deadlines are
//! kept on the connection, so they carry across turns unchanged.

use super::connection::{After, Connection, LogLine, Phase};
use super::exchange::{read_body, resume_sending, start_request};
use super::{write, Context};
use crate::http::forwarded;
use crate::http::parse::parse_head;
use crate::http::{ParseError, Request, Response};
use std::io::{self, Read};
use std::time::Instant;

/// Requests a connection may have answered in one turn before it goes to the back
/// of the line. One request per turn would send every pipelined request through
/// epoll; 32 keep pipelining's batching (one wake-up per 32 responses) while
/// a turn of cheap requests lasts well under a millisecond, which bounds how long
/// a new client waits behind busy connections. A client sending one request at a
/// time ends its turn after one request anyway (its next read would block).
const TURN_REQUESTS: usize = 32;
/// Bytes read per `read` call.
const READ_SIZE: usize = 16 * 1024;
/// A worker keeps one spare buffer for connections that arrive without one; a
/// buffer grown past this (a big body) is given back to the allocator instead.
const KEEP_BUFFER: usize = 64 * 1024;

/// Buffers a worker reuses for every connection, so serving a request on a
/// keep-alive connection allocates no I/O buffers.
pub(crate) struct WorkerState {
    read: Box<[u8]>,
    pub(super) out: Vec<u8>,
    /// Lent to a connection while it is being served, taken back when it parks
    /// with nothing buffered: an idle parked connection holds no buffer at all.
    spare: Vec<u8>,
}

impl WorkerState {
    pub fn new() -> WorkerState {
        WorkerState {
            read: vec![0; READ_SIZE].into_boxed_slice(),
            out: Vec::with_capacity(1024),
            spare: Vec::with_capacity(READ_SIZE),
        }
    }
}

/// What to do after one step of the state machine.
pub(super) enum Step {
    /// A response was written; look at the buffer again.
    Again,
    /// Nothing more can happen without more bytes from the client.
    NeedBytes,
    /// The socket is full with a response still unsent: park until writable.
    NeedWritable,
    /// Close now: everything was consumed (or the client is gone).
    Close,
    /// A final response was sent with bytes possibly unread: half-close, linger.
    Linger,
    /// The socket was handed to a stream; the connection is finished here.
    HandedOff,
}

/// Serves `conn` for one turn: until it must wait for the client (park), until
/// it is done (close), or until [`TURN_REQUESTS`] are answered (back of the line).
pub(crate) fn serve(mut conn: Connection, ctx: &Context, ws: &mut WorkerState) {
    if conn.buf.capacity() == 0 {
        std::mem::swap(&mut conn.buf, &mut ws.spare);
    }
    let mut answered = 0;
    // The last read came back short: the socket was empty then (plain TCP).
    let mut drained = false;
    loop {
        let step = loop {
            match advance(&mut conn, ctx, ws) {
                Step::Again => {
                    answered += 1;
                    if answered >= TURN_REQUESTS {
                        return end_turn(conn, ctx, ws);
                    }
                }
                other => break other,
            }
        };
        match step {
            Step::NeedBytes if drained => return park(conn, ctx, ws),
            Step::NeedBytes => {}
            Step::NeedWritable => return park(conn, ctx, ws),
            Step::Again | Step::Close | Step::HandedOff => return reclaim(conn, ws),
            Step::Linger => {
                reclaim_buffer(&mut conn, ws);
                conn.start_closing();
                return ctx.parking.park(conn);
            }
        }
        match conn.stream.read(&mut ws.read) {
            Ok(0) => return reclaim(conn, ws), // the client closed its side
            Ok(n) => {
                drained = n < ws.read.len() && !conn.stream.is_tls();
                conn.buf.extend_from_slice(&ws.read[..n]);
                if matches!(conn.phase, Phase::Fresh | Phase::Idle) {
                    // The head deadline runs from the first byte of the head.
                    conn.enter(Phase::Head, ctx.limits.head_timeout);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return park(conn, ctx, ws),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                log::debug!("{}: read failed: {e}", conn.peer);
                return reclaim(conn, ws);
            }
        }
    }
}

/// The turn is used up. Requests already buffered (in our buffer, or decrypted
/// and waiting in the TLS session) are invisible to epoll, so such a connection
/// is requeued directly; otherwise it is parked like any other
/// and epoll reports it again if its socket still holds bytes.
fn end_turn(mut conn: Connection, ctx: &Context, ws: &mut WorkerState) {
    if conn.buf.is_empty() && !conn.stream.has_buffered_input() {
        park(conn, ctx, ws);
    } else {
        ctx.parking.requeue(conn);
    }
}

/// Nothing more to read for now: park, unless a deadline passed or the server is
/// stopping and the connection is between requests.
fn park(mut conn: Connection, ctx: &Context, ws: &mut WorkerState) {
    if Instant::now() >= conn.deadline {
        if conn.has_started_request() {
            let response = Response::request_timeout();
            log::info!("{}: request not received in time; answered 408", conn.peer);
            let _ = write::respond(&mut conn.stream, &mut ws.out, response, false, false);
        }
        return reclaim(conn, ws);
    }
    if ctx.shutdown.is_shutting_down() && conn.is_between_requests() {
        return reclaim(conn, ws);
    }
    reclaim_buffer(&mut conn, ws);
    ctx.parking.park(conn);
}

/// Takes the connection's buffer back into the worker when it holds nothing, so
/// a parked idle connection costs no buffer memory.
fn reclaim_buffer(conn: &mut Connection, ws: &mut WorkerState) {
    if !conn.buf.is_empty() {
        return;
    }
    let buf = std::mem::take(&mut conn.buf);
    if ws.spare.capacity() == 0 && buf.capacity() <= KEEP_BUFFER {
        ws.spare = buf;
    }
}

/// Closes the connection (by dropping it), keeping its buffer for the next one.
fn reclaim(mut conn: Connection, ws: &mut WorkerState) {
    conn.buf.clear();
    reclaim_buffer(&mut conn, ws);
}

/// One step: start a request from buffered bytes, or continue its body.
fn advance(conn: &mut Connection, ctx: &Context, ws: &mut WorkerState) -> Step {
    match conn.phase {
        Phase::Body(_) => return read_body(conn, ctx, ws),
        Phase::Sending(_) => return resume_sending(conn, ctx, ws),
        Phase::Closing => return Step::Linger,
        Phase::Fresh | Phase::Idle | Phase::Head => {}
    }
    if conn.buf.is_empty() {
        return Step::NeedBytes;
    }
    match parse_head(&conn.buf, &ctx.limits.head, conn.peer) {
        Ok(None) => Step::NeedBytes,
        Ok(Some(mut parsed)) => {
            conn.buf.drain(..parsed.head_len);
            let tls = conn.stream.is_tls();
            forwarded::apply(&mut parsed.request, &ctx.trusted_proxies, tls);
            start_request(conn, ctx, ws, parsed)
        }
        Err(e) => refuse(conn, ctx, ws, &e, None),
    }
}

/// Answers a request the server refuses itself (parse errors, 413, 400 in a
/// chunked body) and closes: RFC 9112 section 9.6 `Connection: close`.
pub(super) fn refuse(
    conn: &mut Connection,
    ctx: &Context,
    ws: &mut WorkerState,
    e: &ParseError,
    req: Option<&Request>,
) -> Step {
    let response = Response::error(e.status(), e.code(), &e.to_string());
    let (method, path) = req.map_or(("-", "-"), |r| (r.method.as_str(), r.path()));
    let line = LogLine {
        peer: conn.peer,
        method,
        path,
        started: Instant::now(),
    };
    log::debug!("{}: refused: {e}", conn.peer);
    match write::respond(&mut conn.stream, &mut ws.out, response, false, false) {
        Ok(written) => {
            line.write(e.status().code(), &written);
            match written.unsent {
                Some(outbox) => {
                    conn.start_sending(outbox, After::Linger, ctx.limits.write_timeout);
                    Step::NeedWritable
                }
                None => Step::Linger,
            }
        }
        Err(_) => Step::Close,
    }
}
