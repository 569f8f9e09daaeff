//! Strict framing (RFC 9112 section 6): ambiguous messages are refused with 400
//! and the connection is closed; chunked bodies are decoded; a refused body is
//! never read as the next request.

use crate::support::*;
use crate::{connect, send, spawn_test_server};
use std::io::Write;
use std::time::Duration;

fn assert_refused_and_closed(server: &TestServer, raw_request: &str, why: &str) {
    let mut s = server.wire();
    s.write_all(raw_request.as_bytes()).unwrap();
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(5));
    assert_eq!(first_status(&raw), 400, "{why}: {raw}");
    assert!(
        raw.contains("\"error\""),
        "{why}: no JSON error body: {raw}"
    );
    assert!(closed, "{why}: the connection stayed open");
}

#[test]
fn content_length_that_is_not_digits_is_refused() {
    let (server, _) = spawn_test_server(|_| {});
    for bad in ["+5", "5 5", "0x5", "-1"] {
        let raw = format!("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {bad}\r\n\r\nhello");
        assert_refused_and_closed(&server, &raw, bad);
    }
}

#[test]
fn differing_duplicate_content_lengths_are_refused() {
    let (server, _) = spawn_test_server(|_| {});
    let raw =
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!";
    assert_refused_and_closed(&server, raw, "5 and 6");
}

#[test]
fn content_length_with_transfer_encoding_is_refused() {
    let (server, _) = spawn_test_server(|_| {});
    let raw = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_refused_and_closed(&server, raw, "CL + TE");
}

#[test]
fn transfer_encoding_not_ending_in_chunked_is_refused() {
    let (server, _) = spawn_test_server(|_| {});
    let raw = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n";
    assert_refused_and_closed(&server, raw, "chunked, identity");
}

#[test]
fn whitespace_before_a_header_colon_is_refused() {
    let (server, _) = spawn_test_server(|_| {});
    let raw = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello";
    assert_refused_and_closed(&server, raw, "space before colon");
}

#[test]
fn a_chunked_body_is_decoded() {
    let (server, _) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    let resp = send(
        &mut conn,
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n",
    );
    assert_eq!(resp.text(), "Wikipedia");
    // The connection is still in step for the next request.
    assert_eq!(
        send(&mut conn, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n").text(),
        "hello"
    );
}

#[test]
fn a_body_arriving_in_pieces_is_assembled() {
    let (server, _) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    let pieces = [
        "POST /echo HTTP/1.1\r\nHo",
        "st: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "6\r\nhel",
        "lo \r\n5\r\nworld\r\n",
        "0\r\n\r\n",
    ];
    for piece in pieces {
        conn.get_mut().write_all(piece.as_bytes()).unwrap();
        // Give the server a chance to see each piece on its own.
        std::thread::sleep(Duration::from_millis(30));
    }
    let resp = read_response(&mut conn, false).unwrap();
    assert_eq!(resp.text(), "hello world");
}

#[test]
fn a_refused_body_is_never_read_as_a_request() {
    let (server, handler) = spawn_test_server(|_| {});
    let smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut s = server.wire();
    // Announce the body, but send it only after the refusal could have come.
    let head = format!(
        "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        smuggled.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let _ = s.write_all(smuggled.as_bytes());
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(5));
    assert_eq!(first_status(&raw), 404);
    assert_eq!(raw.matches("HTTP/1.1 ").count(), 1, "{raw}");
    assert!(closed);
    assert!(!handler.saw("/smuggled"));
}

#[test]
fn a_refused_body_already_buffered_is_skipped_and_the_connection_kept() {
    let (server, handler) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    conn.get_mut()
        .write_all(b"POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /text HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let first = read_response(&mut conn, false).unwrap();
    assert_eq!(first.status, 404);
    assert_ne!(
        first.header("connection"),
        Some("close"),
        "the connection is kept"
    );
    // The body was read out, so the pipelined request is answered in step, on
    // the same connection: a server that closed it fails here.
    let second = read_response(&mut conn, false).expect("a second response on the same connection");
    assert_eq!(second.text(), "hello");
    assert!(!handler.saw("/refuse"));
}
