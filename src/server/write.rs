//! Step 5 of a request's life: putting the response on the wire.
//!
//! The head is serialised by `http::Response::write_head` (RFC 9112 sections 4
//! and 5: status line, `Date`, `Content-Length`, `Connection`, security headers)
//! into a buffer the worker reuses; small bodies are appended so a whole response
//! usually leaves in one `write` call. `HEAD` answers carry GET's headers and no
//! body (RFC 9110 section 9.3.2).
//!
//! Sockets are non-blocking. When the kernel's send buffer is full (a slow reader,
//! a large asset) the socket is switched to blocking for the rest of that response
//! and `SO_SNDTIMEO` (set to `limits.write_timeout` at accept) bounds every wait:
//! a write that makes no progress for that long is abandoned. A client that goes
//! away mid-response is normal life on the web and is logged at debug level.

use crate::http::{date, Body, Response, StreamHandoff};
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};

/// Bodies up to this size are copied behind the head and sent in one write.
const INLINE_BODY: usize = 16 * 1024;

/// What went out for one response.
pub(crate) struct Written {
    /// Body bytes written (0 for `HEAD`, 304, ...), for the access log.
    pub body_bytes: usize,
    /// For `Body::Stream`: the handler's handoff, to call once the head is out.
    pub handoff: Option<StreamHandoff>,
}

/// Writes `response`; `out` is the worker's reusable buffer.
pub(crate) fn respond(
    stream: &mut TcpStream,
    out: &mut Vec<u8>,
    response: Response,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<Written> {
    out.clear();
    response.write_head(out, &date::now(), keep_alive);
    let body = if head_only || !response.status.allows_body() {
        &[][..]
    } else {
        response.body.as_bytes()
    };
    if body.len() <= INLINE_BODY {
        out.extend_from_slice(body);
        write_all(stream, out)?;
    } else {
        write_all(stream, out)?;
        write_all(stream, body)?;
    }
    let body_bytes = body.len();
    let handoff = match response.body {
        Body::Stream(handoff) => Some(handoff),
        _ => None,
    };
    Ok(Written {
        body_bytes,
        handoff,
    })
}

/// The interim response that tells a client waiting on `Expect: 100-continue`
/// to send its body (RFC 9110 section 15.2.1).
pub(crate) fn continue_100(stream: &mut TcpStream) -> io::Result<()> {
    write_all(stream, b"HTTP/1.1 100 Continue\r\n\r\n")
}

/// One non-blocking attempt to send a final answer on a connection about to be
/// closed (408 from the sweep, 503 when full). A small response fits in an empty
/// send buffer; if it does not, the client was not reading anyway.
pub(crate) fn best_effort(stream: &mut TcpStream, response: Response, extra: &[(&str, &str)]) {
    let mut response = response;
    for (name, value) in extra {
        response = response.with_header(name, *value);
    }
    let mut out = Vec::with_capacity(512);
    response.write_head(&mut out, &date::now(), false);
    out.extend_from_slice(response.body.as_bytes());
    let _ = stream.set_nonblocking(true);
    let _ = stream.write(&out);
}

/// `write_all` for a non-blocking socket: falls back to a blocking write bounded
/// by `SO_SNDTIMEO` when the send buffer is full.
fn write_all(stream: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    let mut sent = 0;
    while sent < bytes.len() {
        match stream.write(&bytes[sent..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                stream.set_nonblocking(false)?;
                let result = stream.write_all(&bytes[sent..]);
                stream.set_nonblocking(true)?;
                return result.map_err(|e| match e.kind() {
                    // SO_SNDTIMEO expiring surfaces as EAGAIN.
                    io::ErrorKind::WouldBlock => io::ErrorKind::TimedOut.into(),
                    _ => e,
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Logs a failed response write at the level it deserves.
pub(crate) fn log_failure(peer: SocketAddr, e: &io::Error) {
    match e.kind() {
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::WriteZero => log::debug!("{peer}: client went away mid-response: {e}"),
        io::ErrorKind::TimedOut => log::debug!("{peer}: client stopped reading; write timed out"),
        _ => log::warn!("{peer}: writing the response failed: {e}"),
    }
}
