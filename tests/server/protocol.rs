//! HTTP/1.1 semantics: persistence, pipelining, HEAD, Expect, 501, headers.

use crate::support::*;
use crate::{connect, send, spawn_test_server};
use std::io::Write;
use std::time::Duration;

const GET_TEXT: &str = "GET /text HTTP/1.1\r\nHost: x\r\n\r\n";

#[test]
fn keep_alive_serves_two_requests_on_one_connection() {
    let (server, _) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    let first = send(&mut conn, GET_TEXT);
    assert_eq!(first.header("connection"), Some("keep-alive"));
    let second = send(&mut conn, GET_TEXT);
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(second.text(), "hello");
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let (server, _) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    let mut burst = String::new();
    for body in ["one", "two", "three"] {
        burst.push_str(&format!(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    }
    conn.get_mut().write_all(burst.as_bytes()).unwrap();
    for expected in ["one", "two", "three"] {
        let resp = read_response(&mut conn, false).expect("a response");
        assert_eq!(resp.text(), expected);
    }
}

#[test]
fn http10_closes_unless_it_asks_for_keep_alive() {
    let (server, _) = spawn_test_server(|_| {});
    let mut plain = server.wire();
    plain.write_all(b"GET /text HTTP/1.0\r\n\r\n").unwrap();
    let (raw, closed) = read_until_close(&mut plain, Duration::from_secs(5));
    assert_eq!(first_status(&raw), 200);
    assert!(raw.contains("Connection: close"), "{raw}");
    assert!(closed, "an HTTP/1.0 connection stayed open");

    let mut kept = connect(&server);
    let ask = "GET /text HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    assert_eq!(
        send(&mut kept, ask).header("connection"),
        Some("keep-alive")
    );
    assert_eq!(send(&mut kept, ask).status, 200);
}

#[test]
fn connection_close_is_honoured() {
    let (server, _) = spawn_test_server(|_| {});
    let mut s = server.wire();
    s.write_all(b"GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(5));
    assert_eq!(first_status(&raw), 200);
    assert!(closed);
}

#[test]
fn head_gets_gets_headers_and_no_body() {
    let (server, _) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    let get = send(&mut conn, GET_TEXT);
    conn.get_mut()
        .write_all(b"HEAD /text HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let head = read_response(&mut conn, true).expect("a HEAD response");
    assert_eq!(head.header("content-length"), get.header("content-length"));
    assert_eq!(head.header("content-length"), Some("5"));
    // Had a body followed the HEAD answer, this response would be garbage.
    assert_eq!(send(&mut conn, GET_TEXT).text(), "hello");

    let raw = server.exchange(b"HEAD /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(raw.ends_with("\r\n\r\n"), "HEAD sent a body: {raw:?}");
}

#[test]
fn expect_100_continue_is_sent_when_the_body_will_be_read() {
    let (server, _) = spawn_test_server(|_| {});
    let mut conn = connect(&server);
    conn.get_mut()
        .write_all(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
        )
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut conn, &mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 100 Continue\r\n");
    line.clear();
    std::io::BufRead::read_line(&mut conn, &mut line).unwrap();
    assert_eq!(line, "\r\n");
    conn.get_mut().write_all(b"hello").unwrap();
    let resp = read_response(&mut conn, false).unwrap();
    assert_eq!((resp.status, resp.text().as_str()), (200, "hello"));
}

#[test]
fn expect_100_to_an_unknown_api_route_gets_404_at_once_and_no_100() {
    let app = spawn_app();
    let mut s = app.wire();
    s.write_all(
        b"POST /api/nope HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n",
    )
    .unwrap();
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(5));
    assert_eq!(first_status(&raw), 404, "{raw}");
    assert!(!raw.contains("100 Continue"));
    assert!(closed, "the unread body must not stay on the connection");
}

#[test]
fn an_unknown_method_gets_501() {
    let (server, _) = spawn_test_server(|_| {});
    let raw = server.exchange(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(first_status(&raw), 501);
}

#[test]
fn every_response_carries_date_server_and_security_headers() {
    let (server, _) = spawn_test_server(|_| {});
    let ok = server.exchange(b"GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let refused = server.exchange(b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!((first_status(&ok), first_status(&refused)), (200, 400));
    for raw in [ok, refused] {
        for field in [
            "Date: ",
            "Server: helpdesk",
            "Content-Length: ",
            "Content-Security-Policy: default-src 'self'",
            "frame-ancestors 'none'",
            "X-Content-Type-Options: nosniff",
            "Referrer-Policy: same-origin",
        ] {
            assert!(raw.contains(field), "missing {field:?} in {raw}");
        }
    }
}

#[test]
fn a_stream_response_hands_the_socket_over_after_the_head() {
    let (server, _) = spawn_test_server(|_| {});
    let mut s = server.wire();
    s.write_all(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(5));
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head");
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.contains("Content-Type: text/event-stream"));
    assert!(!head.contains("Content-Length"), "{head}");
    assert!(head.contains("Connection: close"));
    assert_eq!(body, "data: hi\n\n");
    assert!(closed, "the stream's owner closed it");
}
