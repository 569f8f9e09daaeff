//! Responses: named constructors for handlers, and serialisation of the head.
//!
//! Handlers build a `Response` with a constructor (`Response::json`,
//! `Response::text`, `Response::error`, ...) and consuming `with_*` builders. The
//! server calls [`Response::write_head`], which adds the fields every response
//! carries: `Date`, `Server`, the framing (`Content-Length`, or none for a stream),
//! `Connection`, and the security defaults in [`SECURITY_HEADERS`] unless the
//! handler set its own.

use super::{FileBody, Headers, Status};
use serde::Serialize;
use std::fmt;
use std::io::{Read, Write};
use std::os::fd::AsFd;

/// The Content-Security-Policy every page is served with: only our own scripts,
/// styles, images and connections; no inline script or style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Safe defaults added to every response that does not set the field itself.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
];

/// Takes over a connection for a long-lived stream (server-sent events). The server
/// writes the response head first, then calls this with the socket (non-blocking)
/// and forgets the connection, so the stream never holds a worker. The closure must
/// return quickly: hand the socket to a hub thread, do not loop in it. The
/// server's own hub (`server::StreamHub::open`) builds one of these. If the
/// response is never sent (the client went away, or the request was `HEAD`) the
/// closure is dropped without being called.
pub struct StreamHandoff(pub Box<dyn FnOnce(Box<dyn StreamSocket>) + Send>);

/// The socket a stream is handed: plain TCP or TLS, always non-blocking. Over
/// TLS, `write` takes plaintext and `flush` answers `WouldBlock` while encrypted
/// bytes still wait for the socket; `as_fd` is the TCP socket, for epoll.
pub trait StreamSocket: Read + Write + AsFd + Send {}

impl<T: Read + Write + AsFd + Send> StreamSocket for T {}

impl fmt::Debug for StreamHandoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamHandoff(..)")
    }
}

/// What follows the head.
#[derive(Debug)]
pub enum Body {
    Empty,
    Bytes(Vec<u8>),
    /// Embedded assets are served straight from the binary, without a copy.
    Static(&'static [u8]),
    /// A long-lived stream: no `Content-Length`, the connection is handed off.
    Stream(StreamHandoff),
    /// A file (or a range of one) sent from disk in chunks as the socket takes
    /// them, never read into memory whole.
    File(FileBody),
}

impl Body {
    /// The framed length, or `None` for a stream.
    pub fn len(&self) -> Option<usize> {
        match self {
            Body::Empty => Some(0),
            Body::Bytes(b) => Some(b.len()),
            Body::Static(b) => Some(b.len()),
            Body::File(f) => Some(usize::try_from(f.len()).unwrap_or(usize::MAX)),
            Body::Stream(_) => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The bytes to write after the head, when they are in memory (empty for
    /// a stream and for a file, which `server::write` reads as it sends).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Bytes(b) => b,
            Body::Static(b) => b,
            Body::Empty | Body::Stream(_) | Body::File(_) => &[],
        }
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: Status,
    pub headers: Headers,
    pub body: Body,
}

impl Response {
    /// A response with no body and no content headers.
    pub fn empty(status: Status) -> Response {
        Response {
            status,
            headers: Headers::new(),
            body: Body::Empty,
        }
    }

    /// A body of bytes with its media type.
    pub fn bytes(status: Status, content_type: &str, body: Vec<u8>) -> Response {
        Response::empty(status)
            .with_header("Content-Type", content_type)
            .with_body(Body::Bytes(body))
    }

    pub fn text(status: Status, body: impl Into<String>) -> Response {
        Response::bytes(
            status,
            "text/plain; charset=utf-8",
            body.into().into_bytes(),
        )
    }

    /// Serialises `value` as the JSON body. Serialising our own types cannot fail
    /// in practice; if it ever does, the client gets a 500 rather than a panic.
    pub fn json<T: Serialize + ?Sized>(status: Status, value: &T) -> Response {
        match serde_json::to_vec(value) {
            Ok(body) => Response::bytes(status, "application/json", body),
            Err(e) => {
                log::error!("serialising a response body failed: {e}");
                Response::internal_error()
            }
        }
    }

    /// The JSON error shape every endpoint uses:
    /// `{"error": {"code": "...", "message": "..."}}`.
    pub fn error(status: Status, code: &str, message: &str) -> Response {
        let body = serde_json::json!({ "error": { "code": code, "message": message } });
        Response::bytes(status, "application/json", body.to_string().into_bytes())
    }

    /// 408: a request was started but did not arrive within its deadline
    /// (RFC 9110 section 15.5.9). The server closes the connection after it.
    pub fn request_timeout() -> Response {
        Response::error(
            Status::REQUEST_TIMEOUT,
            "request_timeout",
            "The request did not arrive in time.",
        )
    }

    /// 503 with `Retry-After: 1`: the server turned the client away rather than
    /// queue it (connection cap reached, or every worker busy and the queue full).
    pub fn service_unavailable() -> Response {
        Response::error(
            Status::SERVICE_UNAVAILABLE,
            "busy",
            "The server is busy. Try again in a moment.",
        )
        .with_header("Retry-After", "1")
    }

    /// 500 with no detail: the detail goes to the log, never to the client.
    pub fn internal_error() -> Response {
        Response::error(
            Status::INTERNAL_ERROR,
            "internal",
            "Something went wrong on the server.",
        )
    }

    /// A file from disk (or a range of it) as the body; see [`FileBody`].
    pub fn file(status: Status, content_type: &str, body: FileBody) -> Response {
        Response::empty(status)
            .with_header("Content-Type", content_type)
            .with_body(Body::File(body))
    }

    /// A long-lived stream; see [`StreamHandoff`].
    pub fn stream(
        content_type: &str,
        handoff: impl FnOnce(Box<dyn StreamSocket>) + Send + 'static,
    ) -> Response {
        Response::empty(Status::OK)
            .with_header("Content-Type", content_type)
            .with_header("Cache-Control", "no-store")
            .with_body(Body::Stream(StreamHandoff(Box::new(handoff))))
    }

    /// Sets a header, replacing any earlier value.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.set(name, value);
        self
    }

    /// Appends a header, keeping earlier ones (for `Set-Cookie`).
    pub fn with_appended_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.append(name, value);
        self
    }

    pub fn with_body(mut self, body: Body) -> Response {
        self.body = body;
        self
    }

    pub fn is_stream(&self) -> bool {
        matches!(self.body, Body::Stream(_))
    }

    /// Writes the status line and header block (RFC 9112 sections 4 and 5).
    ///
    /// `keep_alive` decides the `Connection` field. The `Content-Length` always
    /// describes the body the response would have, so a HEAD answer carries GET's
    /// length (RFC 9110 section 9.3.2) while the caller writes no body.
    pub fn write_head(&self, out: &mut Vec<u8>, date: &str, keep_alive: bool) {
        out.extend_from_slice(b"HTTP/1.1 ");
        push_number(out, usize::from(self.status.code()));
        out.push(b' ');
        out.extend_from_slice(self.status.reason().as_bytes());
        out.extend_from_slice(b"\r\nDate: ");
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(b"\r\nServer: helpdesk\r\n");
        for (name, value) in self.headers.iter() {
            // Framing is ours to decide; a handler's value would risk a desync.
            if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("transfer-encoding")
                || name.eq_ignore_ascii_case("connection")
            {
                continue;
            }
            push_field(out, name, value);
        }
        for (name, value) in SECURITY_HEADERS {
            if !self.headers.contains(name) {
                // Our own constants: no CR or LF to look for.
                for part in [name, ": ", value, "\r\n"] {
                    out.extend_from_slice(part.as_bytes());
                }
            }
        }
        // A 304 must not carry a length that contradicts the cached one, and 1xx/204
        // carry none; every other response states its length.
        if let Some(len) = self.body.len() {
            if self.status.allows_body() {
                out.extend_from_slice(b"Content-Length: ");
                push_number(out, len);
                out.extend_from_slice(b"\r\n");
            }
        }
        let connection = if self.is_stream() || !keep_alive {
            "close"
        } else {
            "keep-alive"
        };
        push_field(out, "Connection", connection);
        out.extend_from_slice(b"\r\n");
    }
}

fn push_field(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    // A CR or LF in a value would let text we echo split the response. Values
    // almost never hold one, so they are copied whole after one scan.
    if value.bytes().any(|b| b == b'\r' || b == b'\n') {
        for b in value.bytes() {
            out.push(if b == b'\r' || b == b'\n' { b' ' } else { b });
        }
    } else {
        out.extend_from_slice(value.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
}

/// Writes `n` in decimal without allocating a string for it.
fn push_number(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_of(resp: &Response, keep_alive: bool) -> String {
        let mut out = Vec::new();
        resp.write_head(&mut out, "Sun, 22 Nov 2026 08:00:00 GMT", keep_alive);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_response_carries_date_length_server_and_security_headers() {
        let head = head_of(&Response::text(Status::OK, "hi"), true);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(head.contains("Date: Sun, 22 Nov 2026 08:00:00 GMT\r\n"));
        assert!(head.contains("Content-Length: 2\r\n"));
        assert!(head.contains("Server: helpdesk\r\n"));
        assert!(head.contains("Content-Security-Policy: default-src 'self'"));
        assert!(head.contains("frame-ancestors 'none'"));
        assert!(head.contains("X-Content-Type-Options: nosniff\r\n"));
        assert!(head.contains("Referrer-Policy: same-origin\r\n"));
        assert!(head.contains("Connection: keep-alive\r\n"));
        assert!(head.ends_with("\r\n\r\n"));
    }

    #[test]
    fn header_values_cannot_split_the_response() {
        let resp = Response::empty(Status::OK).with_header("X-Name", "a\r\nSet-Cookie: evil");
        let head = head_of(&resp, false);
        assert!(!head.contains("\r\nSet-Cookie"));
        assert!(head.contains("Connection: close\r\n"));
    }

    #[test]
    fn handler_framing_headers_are_ignored() {
        let resp = Response::text(Status::OK, "abc").with_header("Content-Length", "99");
        let head = head_of(&resp, true);
        assert!(head.contains("Content-Length: 3\r\n"));
        assert!(!head.contains("99"));
    }
}
