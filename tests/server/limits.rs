//! Every limit has a status code: 431 (head size, header count), 414 (URI),
//! 413 (body, from Content-Length before reading, and while decoding chunked).

use crate::spawn_test_server;
use crate::support::*;
use std::io::Write;
use std::time::Duration;

fn status_and_closed(server: &TestServer, raw_request: &[u8]) -> (u16, bool) {
    let mut s = server.wire();
    let _ = s.write_all(raw_request);
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(5));
    (first_status(&raw), closed)
}

#[test]
fn a_head_over_16_kib_gets_431() {
    let (server, _) = spawn_test_server(|_| {});
    let raw = format!(
        "GET /text HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(17 * 1024)
    );
    assert_eq!(status_and_closed(&server, raw.as_bytes()), (431, true));
}

#[test]
fn more_than_100_headers_get_431() {
    let (server, _) = spawn_test_server(|_| {});
    let mut raw = String::from("GET /text HTTP/1.1\r\nHost: x\r\n");
    for i in 0..101 {
        raw.push_str(&format!("X-H{i}: v\r\n"));
    }
    raw.push_str("\r\n");
    assert_eq!(status_and_closed(&server, raw.as_bytes()), (431, true));
}

#[test]
fn a_uri_over_8_kib_gets_414() {
    let (server, _) = spawn_test_server(|_| {});
    let raw = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(9 * 1024));
    assert_eq!(status_and_closed(&server, raw.as_bytes()), (414, true));
}

#[test]
fn an_oversized_content_length_gets_413_before_the_body_is_sent() {
    let (server, handler) = spawn_test_server(|_| {});
    // No body follows: a server that waited for it would never answer.
    let raw = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n";
    assert_eq!(status_and_closed(&server, raw), (413, true));
    assert!(!handler.saw("/echo"));
}

#[test]
fn a_route_can_lower_the_body_limit() {
    let (server, _) = spawn_test_server(|_| {});
    let ok = b"POST /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 10\r\n\r\n0123456789";
    assert_eq!(status_and_closed(&server, ok).0, 200);
    let big = b"POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n0123456789!";
    assert_eq!(status_and_closed(&server, big), (413, true));
}

#[test]
fn a_chunked_body_over_the_limit_gets_413_while_decoding() {
    let (server, handler) = spawn_test_server(|c| c.limits.max_body_bytes = 16);
    let raw = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n9\r\n012345678\r\n0\r\n\r\n";
    assert_eq!(status_and_closed(&server, raw), (413, true));
    assert!(!handler.saw("/echo"));
}

#[test]
fn endless_blank_lines_before_a_request_get_431_not_a_growing_buffer() {
    let (server, _) = spawn_test_server(|_| {});
    // RFC 9112 lets a server skip empty lines before a request line; they must
    // still count against the head limit, or we would buffer them until the deadline.
    let raw = "\r\n".repeat(20 * 1024);
    assert_eq!(status_and_closed(&server, raw.as_bytes()), (431, true));
}
