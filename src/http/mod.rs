//! The HTTP/1.1 vocabulary: requests, responses, methods, status codes, headers,
//! and the parser that turns bytes into a [`Request`] head under strict framing rules.
//!
//! Nothing here touches a socket or a thread, so every rule can be unit-tested with
//! byte strings. The `server` module owns the sockets and calls in here:
//!
//! 1. [`parse::parse_head`] turns the buffered bytes of a request head into a
//!    [`Request`] (without body) and a [`parse::BodyFraming`] (RFC 9112 section 6).
//! 2. The body is read as the framing says: a fixed length, or [`chunked::ChunkedDecoder`].
//! 3. A handler answers with a [`Response`], which [`response::Response::write_head`]
//!    serialises with the headers every response carries.
//!
//! Read in this order: `method`, `status`, `headers`, `request`, `parse`, `chunked`,
//! `response`, `upload` (bodies that live in files), `date`, `sse` (the server-sent
//! events wire format), `forwarded` (`X-Forwarded-*` from trusted proxies).

pub mod chunked;
pub mod date;
pub mod error;
pub mod forwarded;
pub mod headers;
pub mod method;
pub mod parse;
pub mod range;
pub mod request;
pub mod response;
pub mod sse;
pub mod status;
pub mod upload;
pub mod url;

pub use error::ParseError;
pub use headers::Headers;
pub use method::Method;
pub use request::{Request, Version};
pub use response::{Body, Response, StreamHandoff, StreamSocket};
pub use status::Status;
pub use upload::{FileBody, Upload};
