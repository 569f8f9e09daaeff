//! Step 4, continued: one request/response exchange on a connection, from a
//! parsed head to the written response.
//!
//! `serve.rs` owns the loop around it (reading, parking, closing); this file owns
//! what happens to one request: `admit` (RFC 9110 section 10.1.1 for
//! `Expect: 100-continue`), the body by its framing (RFC 9112 sections 6.2, 6.3
//! and 7.1) into memory or, for a route that asked for a sink, into a file as it
//! arrives (`sink.rs`), the handler inside `catch_unwind`, the response and its `Connection`
//! decision (RFC 9112 section 9.3), and the hand-off of a `Body::Stream`.
//!
//! When the socket cannot take the whole response at once, the rest waits in
//! the connection's outbox (`Phase::Sending`, see `write.rs`) together with
//! what to do next ([`After`]); [`resume_sending`] picks it up when the socket
//! turns writable and, once it is all out, carries on from there.

use super::connection::{After, Connection, LogLine, Pending, Phase};
use super::serve::{refuse, Step, WorkerState};
use super::sink::Sink;
use super::{write, Admission, Context};
use crate::http::chunked::ChunkedDecoder;
use crate::http::parse::{BodyFraming, ParsedHead};
use crate::http::{Method, ParseError, Request, Response};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

/// `Strict-Transport-Security` for answers over HTTPS.
const HSTS: (&str, &str) = ("Strict-Transport-Security", "max-age=31536000");

/// The head is complete: ask the handler whether to read the body, then read it
/// or answer at once.
pub(super) fn start_request(
    conn: &mut Connection,
    ctx: &Context,
    ws: &mut WorkerState,
    parsed: ParsedHead,
) -> Step {
    let started = Instant::now();
    let request = parsed.request;
    let keep_alive = request.wants_keep_alive();
    let default = ctx.limits.max_body_bytes;
    let admitted = catch_unwind(AssertUnwindSafe(|| {
        ctx.handler.admit_body(&request, default)
    }))
    .unwrap_or_else(|_| {
        log::error!(
            "{}: admit panicked on {} {}",
            conn.peer,
            request.method,
            request.target
        );
        Err(Response::internal_error())
    });
    let (limit, sink) = match admitted {
        Ok(Admission::Memory(limit)) => (limit as u64, None),
        Ok(Admission::Sink(spec)) => (spec.limit, Some(spec)),
        Err(response) => {
            // The body will not be read. If it is already here in full, skip it
            // and keep the connection; otherwise close after answering.
            let skipped = match parsed.framing {
                BodyFraming::None => true,
                BodyFraming::Length(n) if conn.buf.len() as u64 >= n => {
                    conn.buf.drain(..n as usize);
                    true
                }
                _ => false,
            };
            return finish(
                conn,
                ctx,
                ws,
                &request,
                started,
                response,
                keep_alive && skipped,
            );
        }
    };
    match parsed.framing {
        BodyFraming::None => dispatch(conn, ctx, ws, request, keep_alive, started),
        BodyFraming::Length(n) if n > limit => {
            refuse(conn, ctx, ws, &ParseError::BodyTooLarge, Some(&request))
        }
        framing => {
            // The file is made only now that the body will really be read.
            let sink = match sink.as_ref().map(Sink::create).transpose() {
                Ok(sink) => sink,
                Err(e) => {
                    log::error!("{}: cannot create an upload file: {e}", conn.peer);
                    return finish(
                        conn,
                        ctx,
                        ws,
                        &request,
                        started,
                        Response::internal_error(),
                        false,
                    );
                }
            };
            let send_continue = request.expects_continue() && conn.buf.is_empty();
            let pending = Pending {
                request,
                framing,
                decoder: ChunkedDecoder::new(limit),
                sink,
                keep_alive,
                started,
            };
            if send_continue {
                match write::continue_100(&mut conn.stream) {
                    Ok(None) => {}
                    Ok(Some(outbox)) => {
                        let then = After::Body(Box::new(pending));
                        conn.start_sending(outbox, then, ctx.limits.write_timeout);
                        return Step::NeedWritable;
                    }
                    Err(e) => {
                        log::debug!("{}: writing 100 Continue failed: {e}", conn.peer);
                        return Step::Close;
                    }
                }
            }
            let within = pending.first_deadline(&ctx.limits);
            conn.enter(Phase::Body(Box::new(pending)), within);
            read_body(conn, ctx, ws)
        }
    }
}

/// Moves buffered bytes into the pending request's body (memory or its sink);
/// dispatches when whole.
pub(super) fn read_body(conn: &mut Connection, ctx: &Context, ws: &mut WorkerState) -> Step {
    let Phase::Body(pending) = &mut conn.phase else {
        return Step::NeedBytes;
    };
    let progress = match &mut pending.sink {
        Some(sink) => sink_bytes(&mut conn.buf, pending.framing, &mut pending.decoder, sink),
        None => memory_bytes(&mut conn.buf, pending),
    };
    if let Some(sink) = &mut pending.sink {
        sink.record(&mut conn.deadline, &ctx.limits);
    }
    match progress {
        Progress::More => return Step::NeedBytes,
        Progress::Done => {}
        Progress::Refused(e) => {
            let req = &pending.request;
            let peer_req = Request::new(req.method, req.target.clone(), req.peer);
            return refuse(conn, ctx, ws, &e, Some(&peer_req));
        }
        Progress::Failed(e) => {
            // The disk said no (full, read-only): our fault, not the client's.
            log::error!("{}: writing an upload failed: {e}", conn.peer);
            let req = &pending.request;
            let head = Request::new(req.method, req.target.clone(), req.peer);
            let started = pending.started;
            conn.phase = Phase::Head;
            let response = Response::internal_error();
            return finish(conn, ctx, ws, &head, started, response, false);
        }
    }
    let Phase::Body(pending) = std::mem::replace(&mut conn.phase, Phase::Head) else {
        return Step::NeedBytes;
    };
    let Pending {
        mut request,
        keep_alive,
        started,
        sink,
        ..
    } = *pending;
    if let Some(sink) = sink {
        match sink.finish() {
            Ok(upload) => request.upload = Some(Arc::new(upload)),
            Err(e) => {
                log::error!("{}: finishing an upload failed: {e}", conn.peer);
                let response = Response::internal_error();
                return finish(conn, ctx, ws, &request, started, response, false);
            }
        }
    }
    dispatch(conn, ctx, ws, request, keep_alive, started)
}

/// Where reading a body stands after the bytes buffered so far.
enum Progress {
    /// The body is not complete yet.
    More,
    /// The whole body is read.
    Done,
    /// The client broke a rule (over the limit, bad chunk): answer and close.
    Refused(ParseError),
    /// Writing to the sink failed.
    Failed(std::io::Error),
}

/// A body kept in memory: by length once all of it is buffered, or decoded
/// chunk by chunk.
fn memory_bytes(buf: &mut Vec<u8>, pending: &mut Pending) -> Progress {
    match pending.framing {
        BodyFraming::Length(n) => {
            let n = n as usize;
            if buf.len() < n {
                return Progress::More;
            }
            pending.request.body = buf.drain(..n).collect();
            Progress::Done
        }
        BodyFraming::Chunked => {
            let decoded = pending.decoder.decode(buf, &mut pending.request.body);
            chunked_progress(buf, &pending.decoder, decoded)
        }
        BodyFraming::None => Progress::Done,
    }
}

/// A body going to a file: whatever is buffered is written now, so the buffer
/// never holds more than one read.
fn sink_bytes(
    buf: &mut Vec<u8>,
    framing: BodyFraming,
    decoder: &mut ChunkedDecoder,
    sink: &mut Sink,
) -> Progress {
    match framing {
        BodyFraming::Length(n) => {
            let want = n.saturating_sub(sink.written());
            let take = (buf.len() as u64).min(want) as usize;
            if let Err(e) = sink.write(&buf[..take]) {
                return Progress::Failed(e);
            }
            buf.drain(..take);
            if sink.written() < n {
                Progress::More
            } else {
                Progress::Done
            }
        }
        BodyFraming::Chunked => {
            let decoded = decoder.decode(buf, &mut sink.scratch);
            if let Err(e) = sink.drain_scratch() {
                return Progress::Failed(e);
            }
            chunked_progress(buf, decoder, decoded)
        }
        BodyFraming::None => Progress::Done,
    }
}

/// Consumes what the chunked decoder used and says where the body stands. The
/// decoder counts decoded bytes against the limit as they arrive.
fn chunked_progress(
    buf: &mut Vec<u8>,
    decoder: &ChunkedDecoder,
    decoded: Result<usize, ParseError>,
) -> Progress {
    match decoded {
        Ok(used) => {
            buf.drain(..used);
            if decoder.over_limit() {
                Progress::Refused(ParseError::BodyTooLarge)
            } else if decoder.is_done() {
                Progress::Done
            } else {
                Progress::More
            }
        }
        Err(e) => Progress::Refused(e),
    }
}

/// Calls the handler for a complete request and writes its answer.
fn dispatch(
    conn: &mut Connection,
    ctx: &Context,
    ws: &mut WorkerState,
    request: Request,
    keep_alive: bool,
    started: Instant,
) -> Step {
    // The handler takes the request by value; keep what the log needs.
    let mut head = Request::new(request.method, request.target.clone(), request.peer);
    head.secure = request.secure;
    let response =
        catch_unwind(AssertUnwindSafe(|| ctx.handler.handle(request))).unwrap_or_else(|_| {
            log::error!(
                "{}: handler panicked on {} {}; answered 500",
                head.peer,
                head.method,
                head.target
            );
            Response::internal_error()
        });
    finish(conn, ctx, ws, &head, started, response, keep_alive)
}

/// Writes the response, logs it, and decides the connection's next phase.
fn finish(
    conn: &mut Connection,
    ctx: &Context,
    ws: &mut WorkerState,
    request: &Request,
    started: Instant,
    response: Response,
    keep_alive: bool,
) -> Step {
    // While stopping, every answer says `Connection: close` (RFC 9112 section 9.6).
    let keep_alive = keep_alive && !ctx.shutdown.is_shutting_down();
    let head_only = request.method == Method::Head;
    // Over HTTPS, tell browsers to use nothing else for this host for a year
    // (RFC 6797); sent only over HTTPS, where it cannot be forged.
    let response = if request.secure && !response.headers.contains(HSTS.0) {
        response.with_header(HSTS.0, HSTS.1)
    } else {
        response
    };
    let status = response.status.code();
    let written = match write::respond(
        &mut conn.stream,
        &mut ws.out,
        response,
        keep_alive,
        head_only,
    ) {
        Ok(written) => written,
        Err(e) => {
            write::log_failure(conn.peer, &e);
            return Step::Close;
        }
    };
    LogLine {
        peer: request.peer,
        method: request.method.as_str(),
        path: request.path(),
        started,
    }
    .write(status, &written);
    let then = if let Some(handoff) = written.handoff {
        After::HandOff(handoff)
    } else if keep_alive {
        After::NextRequest
    } else if conn.buf.is_empty() {
        After::Close
    } else {
        After::Linger
    };
    match written.unsent {
        Some(outbox) => {
            conn.start_sending(outbox, then, ctx.limits.write_timeout);
            Step::NeedWritable
        }
        None => carry_on(conn, ctx, ws, then),
    }
}

/// The socket turned writable for a connection in `Phase::Sending`: send what
/// it takes, and once the outbox is empty carry on where the connection was.
pub(super) fn resume_sending(conn: &mut Connection, ctx: &Context, ws: &mut WorkerState) -> Step {
    let Phase::Sending(sending) = &mut conn.phase else {
        return Step::NeedBytes;
    };
    match sending.outbox.send(&mut conn.stream) {
        Ok(false) => {
            sending.outbox.record(&mut conn.deadline, &ctx.limits);
            Step::NeedWritable
        }
        Ok(true) => match std::mem::replace(&mut conn.phase, Phase::Head) {
            Phase::Sending(sending) => carry_on(conn, ctx, ws, sending.then),
            _ => Step::Close,
        },
        Err(e) => {
            write::log_failure(conn.peer, &e);
            Step::Close
        }
    }
}

/// Everything sent: move on to what the response decided.
fn carry_on(conn: &mut Connection, ctx: &Context, ws: &mut WorkerState, then: After) -> Step {
    match then {
        After::NextRequest => {
            if conn.buf.is_empty() {
                conn.enter(Phase::Idle, ctx.limits.idle_timeout);
            } else {
                conn.enter(Phase::Head, ctx.limits.head_timeout);
            }
            Step::Again
        }
        After::Body(pending) => {
            let within = pending.first_deadline(&ctx.limits);
            conn.enter(Phase::Body(pending), within);
            read_body(conn, ctx, ws)
        }
        After::Close => Step::Close,
        After::Linger => Step::Linger,
        After::HandOff(handoff) => hand_off(conn, handoff),
    }
}

/// Gives the socket to a long-lived stream (the stream hub, `streams.rs`), still
/// non-blocking; the head is already out. The socket leaves our epoll first, and
/// dropping `conn` afterwards closes our descriptor; the stream keeps its own (a duplicate, with the
/// TLS session moved along: `Transport::hand_over`), so the connection leaves the poller and the open-connection count.
fn hand_off(conn: &mut Connection, handoff: crate::http::StreamHandoff) -> Step {
    conn.leave_epoll();
    match conn.stream.hand_over() {
        Ok(stream) => (handoff.0)(Box::new(stream)),
        Err(e) => log::warn!(
            "{}: could not hand the connection to a stream: {e}",
            conn.peer
        ),
    }
    Step::HandedOff
}
