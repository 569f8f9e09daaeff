//! Step 1 of a request's life after the bytes arrive: the request head.
//!
//! [`parse_head`] looks at the bytes buffered so far. It answers "not yet" while the
//! blank line that ends the head has not arrived, an error as soon as the bytes can
//! no longer become a valid head (so a slow attacker cannot make us buffer more than
//! the limit), or a [`Request`] without body plus the [`BodyFraming`] that says how
//! to read the body.
//!
//! Tokenising is `httparse`'s job; this module adds the rules of RFC 9112:
//!
//! - section 3: HTTP/1.1 requests need exactly one `Host`;
//! - section 5.1: no whitespace between a field name and its colon (httparse refuses);
//! - section 6.1: a `Transfer-Encoding` whose final coding is not `chunked` is refused,
//!   and so is one sent together with `Content-Length`;
//! - section 6.3: `Content-Length` must be digits only, and differing duplicates are
//!   refused. These are the ambiguities request smuggling lives on.

use super::error::ParseError;
use super::{Headers, Method, Request, Version};
use std::net::SocketAddr;

/// Size limits for a request head. The defaults are in `config::Limits`.
#[derive(Debug, Clone, Copy)]
pub struct HeadLimits {
    /// Bytes from the request line to the blank line, inclusive (431 beyond).
    pub max_head_bytes: usize,
    /// Header fields (431 beyond).
    pub max_headers: usize,
    /// Bytes in the request target (414 beyond).
    pub max_uri_bytes: usize,
}

impl Default for HeadLimits {
    fn default() -> HeadLimits {
        HeadLimits {
            max_head_bytes: 16 * 1024,
            max_headers: 100,
            max_uri_bytes: 8 * 1024,
        }
    }
}

/// How the body that follows a head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body (no Content-Length and no Transfer-Encoding, or `Content-Length: 0`).
    None,
    /// Exactly this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`; see `http::chunked`.
    Chunked,
}

/// A complete head.
#[derive(Debug)]
pub struct ParsedHead {
    pub request: Request,
    /// How many bytes of the buffer the head used; the body starts here.
    pub head_len: usize,
    pub framing: BodyFraming,
}

/// Parses the request head at the start of `buf`.
///
/// Returns `Ok(None)` while more bytes are needed and the buffer is still within
/// the limits.
///
/// # Security
/// Every byte before the blank line counts against `max_head_bytes`, the empty
/// lines we skip before the request line included, so the connection's buffer
/// for a head can never grow past the limit (plus one read).
pub fn parse_head(
    buf: &[u8],
    limits: &HeadLimits,
    peer: SocketAddr,
) -> Result<Option<ParsedHead>, ParseError> {
    // RFC 9112 section 2.2: a server SHOULD ignore empty lines before a request line.
    // They still count against the head limit: otherwise a client could stream
    // blank lines for the whole head deadline and have us buffer (and rescan) them
    // all, an unbounded memory and quadratic CPU cost per connection.
    let skipped = leading_blank_lines(buf);
    if skipped > limits.max_head_bytes {
        return Err(ParseError::HeadTooLarge);
    }
    let buf = &buf[skipped..];

    let mut storage = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut parsed = httparse::Request::new(&mut storage);
    let status = match parsed.parse(buf) {
        Ok(status) => status,
        Err(httparse::Error::TooManyHeaders) => return Err(ParseError::TooManyHeaders),
        Err(httparse::Error::Version) => return Err(ParseError::UnsupportedVersion),
        Err(httparse::Error::HeaderName) => {
            return Err(ParseError::Malformed(
                "invalid header name (whitespace before a colon?)",
            ))
        }
        Err(_) => return Err(ParseError::Malformed("not an HTTP/1.x request head")),
    };

    let head_len = match status {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial => {
            // The request line alone may already be too long, which deserves 414.
            if first_line_len(buf).unwrap_or(buf.len()) > limits.max_uri_bytes + 32 {
                return Err(ParseError::UriTooLong);
            }
            if skipped + buf.len() > limits.max_head_bytes {
                return Err(ParseError::HeadTooLarge);
            }
            return Ok(None);
        }
    };
    let target = parsed.path.unwrap_or("");
    if target.len() > limits.max_uri_bytes {
        return Err(ParseError::UriTooLong);
    }
    if skipped + head_len > limits.max_head_bytes {
        return Err(ParseError::HeadTooLarge);
    }
    let method = Method::parse(parsed.method.unwrap_or("")).ok_or(ParseError::UnknownMethod)?;
    let version = match parsed.version {
        Some(0) => Version::Http10,
        Some(1) => Version::Http11,
        _ => return Err(ParseError::UnsupportedVersion),
    };
    if !(target.starts_with('/') || (method == Method::Options && target == "*")) {
        // Absolute-form targets are for proxies; we are an origin server.
        return Err(ParseError::Malformed(
            "request target must be an absolute path",
        ));
    }

    let mut headers = Headers::new();
    for h in parsed.headers.iter() {
        let value = std::str::from_utf8(h.value)
            .map_err(|_| ParseError::Malformed("header value is not UTF-8"))?;
        headers.append(h.name, value.trim());
    }

    let host_count = headers.get_all("host").count();
    if host_count > 1 || (version == Version::Http11 && host_count == 0) {
        return Err(ParseError::Malformed(
            "an HTTP/1.1 request needs exactly one Host",
        ));
    }

    let framing = body_framing(&headers, version)?;
    let mut request = Request::new(method, target, peer);
    request.version = version;
    request.headers = headers;
    Ok(Some(ParsedHead {
        request,
        head_len: skipped + head_len,
        framing,
    }))
}

/// Decides how the body is delimited (RFC 9112 section 6), refusing every
/// combination two parsers might read differently.
pub fn body_framing(headers: &Headers, version: Version) -> Result<BodyFraming, ParseError> {
    let codings: Vec<String> = headers
        .get_all("transfer-encoding")
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let has_te = headers.contains("transfer-encoding");
    let has_cl = headers.contains("content-length");

    if has_te {
        if has_cl {
            return Err(ParseError::BadFraming(
                "both Content-Length and Transfer-Encoding",
            ));
        }
        if version == Version::Http10 {
            // Section 6.1: a 1.0 peer cannot have meant chunked framing.
            return Err(ParseError::BadFraming(
                "Transfer-Encoding in an HTTP/1.0 request",
            ));
        }
        return match codings.last().map(String::as_str) {
            Some("chunked") if codings.len() == 1 => Ok(BodyFraming::Chunked),
            // `gzip, chunked` is well framed, but we do not decode gzip.
            Some("chunked") => Err(ParseError::UnsupportedCoding),
            _ => Err(ParseError::BadFraming(
                "the final transfer coding is not chunked",
            )),
        };
    }

    let mut length: Option<u64> = None;
    for value in headers.get_all("content-length") {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::BadFraming(
                "Content-Length is not a plain number",
            ));
        }
        let n: u64 = value
            .parse()
            .map_err(|_| ParseError::BadFraming("Content-Length is too large"))?;
        if length.is_some_and(|earlier| earlier != n) {
            return Err(ParseError::BadFraming("differing Content-Length values"));
        }
        length = Some(n);
    }
    Ok(match length {
        None | Some(0) => BodyFraming::None,
        Some(n) => BodyFraming::Length(n),
    })
}

fn leading_blank_lines(buf: &[u8]) -> usize {
    let mut i = 0;
    while i < buf.len() {
        if buf[i..].starts_with(b"\r\n") {
            i += 2;
        } else if buf[i] == b'\n' {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn first_line_len(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:1".parse().unwrap()
    }

    fn parse(raw: &str) -> Result<Option<ParsedHead>, ParseError> {
        parse_head(raw.as_bytes(), &HeadLimits::default(), peer())
    }

    fn framing(raw: &str) -> Result<BodyFraming, ParseError> {
        parse(raw).map(|p| p.expect("complete head").framing)
    }

    #[test]
    fn a_complete_head_parses_into_a_request() {
        let p =
            parse("GET /api/tickets?status=open HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\nrest")
                .unwrap()
                .unwrap();
        assert_eq!(p.request.method, Method::Get);
        assert_eq!(p.request.path(), "/api/tickets");
        assert_eq!(p.request.query_string(), "status=open");
        assert_eq!(p.request.header("accept"), Some("*/*"));
        assert_eq!(p.head_len, 63);
        assert_eq!(p.framing, BodyFraming::None);
    }

    #[test]
    fn a_partial_head_asks_for_more() {
        assert!(parse("GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none());
    }

    #[test]
    fn content_length_must_be_digits_only() {
        for bad in ["+5", "5 5", "0x10", "-1", "5,5", ""] {
            let raw = format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {bad}\r\n\r\n");
            assert!(
                matches!(parse(&raw), Err(ParseError::BadFraming(_))),
                "Content-Length {bad:?} was accepted"
            );
        }
        assert_eq!(
            framing("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n"),
            Ok(BodyFraming::Length(12))
        );
    }

    #[test]
    fn differing_duplicate_content_lengths_are_refused_but_equal_ones_are_one() {
        let raw = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
        assert!(matches!(parse(raw), Err(ParseError::BadFraming(_))));
        let raw = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(framing(raw), Ok(BodyFraming::Length(5)));
    }

    #[test]
    fn content_length_with_transfer_encoding_is_refused() {
        let raw =
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(matches!(parse(raw), Err(ParseError::BadFraming(_))));
    }

    #[test]
    fn transfer_encoding_must_end_in_chunked() {
        let raw = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n";
        assert!(matches!(parse(raw), Err(ParseError::BadFraming(_))));
        let raw = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
        assert_eq!(parse(raw).unwrap_err(), ParseError::UnsupportedCoding);
        let raw = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n";
        assert_eq!(framing(raw), Ok(BodyFraming::Chunked));
    }

    #[test]
    fn whitespace_before_a_colon_is_refused() {
        let raw = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n";
        assert!(matches!(parse(raw), Err(ParseError::Malformed(_))));
    }

    #[test]
    fn http11_needs_exactly_one_host() {
        assert!(parse("GET / HTTP/1.1\r\n\r\n").is_err());
        assert!(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").is_err());
        assert!(parse("GET / HTTP/1.0\r\n\r\n").unwrap().is_some());
    }

    #[test]
    fn limits_map_to_their_status_codes() {
        let limits = HeadLimits {
            max_head_bytes: 64,
            max_headers: 2,
            max_uri_bytes: 16,
        };
        let long_uri = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(40));
        assert_eq!(
            parse_head(long_uri.as_bytes(), &limits, peer()).unwrap_err(),
            ParseError::UriTooLong
        );
        let many = "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n";
        assert_eq!(
            parse_head(many.as_bytes(), &limits, peer()).unwrap_err(),
            ParseError::TooManyHeaders
        );
        let big = format!("GET / HTTP/1.1\r\nHost: x\r\nA: {}", "b".repeat(100));
        assert_eq!(
            parse_head(big.as_bytes(), &limits, peer()).unwrap_err(),
            ParseError::HeadTooLarge
        );
    }

    #[test]
    fn endless_blank_lines_before_the_request_line_hit_the_head_limit() {
        let limits = HeadLimits::default();
        let blank = "\r\n".repeat(limits.max_head_bytes / 2 + 1);
        assert!(matches!(parse(&blank), Err(ParseError::HeadTooLarge)));
        let late = format!("{blank}GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(matches!(parse(&late), Err(ParseError::HeadTooLarge)));
        let partial = format!(
            "{}GET / HTTP/1.1\r\n",
            "\r\n".repeat(limits.max_head_bytes / 2 - 4)
        );
        assert!(matches!(parse(&partial), Err(ParseError::HeadTooLarge)));
        let few = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assert!(
            parse(few).unwrap().is_some(),
            "a few blank lines are still fine"
        );
    }

    #[test]
    fn unknown_methods_and_versions_are_named() {
        assert_eq!(
            parse("BREW / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap_err(),
            ParseError::UnknownMethod
        );
        assert_eq!(
            parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n").unwrap_err(),
            ParseError::UnsupportedVersion
        );
    }
}
