//! A parsed request: the head the parser produced plus the body the server read.
//!
//! The server builds a `Request` in two steps. After the head is parsed it has no
//! body yet, and the handler's `admit` hook sees it that way to choose a body limit
//! (or refuse at once, before a byte of body is read). Then the body is filled in
//! and the request goes to the router.

use super::url::{parse_query, split_target};
use super::{Headers, Method};
use std::net::SocketAddr;

/// The protocol version on the request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

/// One HTTP request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// The request target exactly as sent, such as `/api/tickets?status=open`.
    pub target: String,
    pub version: Version,
    pub headers: Headers,
    pub body: Vec<u8>,
    /// The client's address, for logs and sign-in throttling: the socket's
    /// peer, or the client a trusted reverse proxy names (`X-Forwarded-For`).
    pub peer: SocketAddr,
    /// The request came over HTTPS: to us, or to a trusted reverse proxy that
    /// said so (`X-Forwarded-Proto: https`). Decides `Secure` cookies.
    pub secure: bool,
    /// Path parameters filled in by the router (`:number` in `/api/tickets/:number`).
    pub params: Vec<(String, String)>,
}

impl Request {
    /// A request with no body, as the parser produces it. Tests use this too.
    pub fn new(method: Method, target: impl Into<String>, peer: SocketAddr) -> Request {
        Request {
            method,
            target: target.into(),
            version: Version::Http11,
            headers: Headers::new(),
            body: Vec::new(),
            peer,
            secure: false,
            params: Vec::new(),
        }
    }

    /// The path without the query string, still percent-encoded.
    pub fn path(&self) -> &str {
        split_target(&self.target).0
    }

    /// The raw query string (without `?`).
    pub fn query_string(&self) -> &str {
        split_target(&self.target).1
    }

    /// Decoded query pairs, in order; repeated keys stay repeated.
    pub fn query(&self) -> Vec<(String, String)> {
        parse_query(self.query_string())
    }

    /// A path parameter captured by the router.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// Whether the connection should stay open after this request's response
    /// (RFC 9112 section 9.3): HTTP/1.1 persists unless `Connection: close`;
    /// HTTP/1.0 persists only with `Connection: keep-alive`.
    pub fn wants_keep_alive(&self) -> bool {
        match self.version {
            Version::Http11 => !self.headers.has_token("connection", "close"),
            Version::Http10 => self.headers.has_token("connection", "keep-alive"),
        }
    }

    /// True when the client sent `Expect: 100-continue` (RFC 9110 section 10.1.1).
    pub fn expects_continue(&self) -> bool {
        self.version == Version::Http11
            && self
                .headers
                .get("expect")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }
}
