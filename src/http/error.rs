//! Why a request could not be parsed, and which status code says so.

use super::Status;
use std::fmt;

/// A request the server refuses before any handler sees it. After any of these the
/// connection is closed: once framing is in doubt, the next byte cannot be trusted
/// to start a request (RFC 9112 section 6.3, and the smuggling attacks it prevents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The bytes are not an HTTP/1.x request head (bad token, bad line ending,
    /// whitespace before a header's colon, ...).
    Malformed(&'static str),
    /// The head grew past the limit before its blank line arrived.
    HeadTooLarge,
    /// More header fields than the limit.
    TooManyHeaders,
    /// The request target is longer than the limit.
    UriTooLong,
    /// A method token the server does not implement.
    UnknownMethod,
    /// A protocol version other than HTTP/1.0 and HTTP/1.1.
    UnsupportedVersion,
    /// Content-Length and Transfer-Encoding disagree, or either is malformed.
    BadFraming(&'static str),
    /// A transfer coding other than `chunked` that we do not decode.
    UnsupportedCoding,
    /// The announced or decoded body is larger than the route accepts.
    BodyTooLarge,
    /// A chunked body broke the chunk grammar.
    BadChunk(&'static str),
}

impl ParseError {
    /// The one place that maps a parse failure to a status code.
    pub fn status(&self) -> Status {
        match self {
            ParseError::Malformed(_) | ParseError::BadFraming(_) | ParseError::BadChunk(_) => {
                Status::BAD_REQUEST
            }
            ParseError::HeadTooLarge | ParseError::TooManyHeaders => Status::HEADERS_TOO_LARGE,
            ParseError::UriTooLong => Status::URI_TOO_LONG,
            ParseError::UnknownMethod | ParseError::UnsupportedCoding => Status::NOT_IMPLEMENTED,
            ParseError::UnsupportedVersion => Status::VERSION_NOT_SUPPORTED,
            ParseError::BodyTooLarge => Status::PAYLOAD_TOO_LARGE,
        }
    }

    /// A short machine-readable code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::Malformed(_) => "malformed_request",
            ParseError::HeadTooLarge => "headers_too_large",
            ParseError::TooManyHeaders => "too_many_headers",
            ParseError::UriTooLong => "uri_too_long",
            ParseError::UnknownMethod => "method_not_implemented",
            ParseError::UnsupportedVersion => "version_not_supported",
            ParseError::BadFraming(_) => "bad_framing",
            ParseError::UnsupportedCoding => "unsupported_transfer_coding",
            ParseError::BodyTooLarge => "payload_too_large",
            ParseError::BadChunk(_) => "bad_chunked_body",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Malformed(why) => write!(f, "malformed request: {why}"),
            ParseError::HeadTooLarge => f.write_str("request head is too large"),
            ParseError::TooManyHeaders => f.write_str("too many header fields"),
            ParseError::UriTooLong => f.write_str("request target is too long"),
            ParseError::UnknownMethod => f.write_str("method not implemented"),
            ParseError::UnsupportedVersion => {
                f.write_str("only HTTP/1.0 and HTTP/1.1 are supported")
            }
            ParseError::BadFraming(why) => write!(f, "ambiguous message framing: {why}"),
            ParseError::UnsupportedCoding => {
                f.write_str("only the chunked transfer coding is supported")
            }
            ParseError::BodyTooLarge => f.write_str("request body is too large"),
            ParseError::BadChunk(why) => write!(f, "malformed chunked body: {why}"),
        }
    }
}

impl std::error::Error for ParseError {}
