//! Deadlines: the whole head within `head_timeout` of its first byte, the body
//! within `body_timeout`, the next request within `idle_timeout`; and parked
//! clients, however many or slow, never keep a new client waiting.

use crate::spawn_test_server;
use crate::support::*;
use std::io::{Read, Write};
use std::time::Duration;

#[test]
fn a_client_trickling_its_head_gets_408_and_is_closed() {
    let (server, handler) = spawn_test_server(|c| c.limits.head_timeout = Duration::from_secs(1));
    let mut s = server.wire();
    s.write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n").unwrap();
    // A header every 200 ms: each gap is far shorter than the 1 s deadline, so a
    // per-read timeout would never fire. Only a deadline for the whole head does.
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 1024];
    for i in 0..100 {
        if s.write_all(format!("X-Trickle-{i}: 1\r\n").as_bytes())
            .is_err()
        {
            break;
        }
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
        if !received.is_empty() {
            break;
        }
    }
    let (rest, closed) = read_until_close(&mut s, Duration::from_secs(5));
    let raw = String::from_utf8_lossy(&received).into_owned() + &rest;
    assert_eq!(first_status(&raw), 408, "{raw}");
    assert!(closed);
    assert!(!handler.saw("/text"));
}

#[test]
fn a_body_that_never_arrives_gets_408() {
    let (server, _) = spawn_test_server(|c| c.limits.body_timeout = Duration::from_secs(1));
    let mut s = server.wire();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(10));
    assert_eq!(first_status(&raw), 408, "{raw}");
    assert!(closed);
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let (server, _) = spawn_test_server(|c| c.limits.idle_timeout = Duration::from_secs(1));
    let mut s = server.wire();
    s.write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (raw, closed) = read_until_close(&mut s, Duration::from_secs(10));
    assert_eq!(first_status(&raw), 200);
    assert!(closed, "the idle connection was never closed");
}

#[test]
fn idle_and_trickling_clients_do_not_block_a_new_client() {
    let (server, _) = spawn_test_server(|c| c.workers = 2);
    let idle: Vec<Wire> = (0..200).map(|_| server.wire()).collect();
    let trickling: Vec<Wire> = (0..50)
        .map(|i| {
            let mut s = server.wire();
            s.write_all(format!("POST /echo HTTP/1.1\r\nHost: x\r\nX-{i}: ").as_bytes())
                .unwrap();
            s
        })
        .collect();
    let announced: Vec<Wire> = (0..50)
        .map(|_| {
            let mut s = server.wire();
            s.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
                .unwrap();
            s
        })
        .collect();
    let mut client = server.client();
    for _ in 0..3 {
        assert_eq!(client.get("/text").text(), "hello");
        assert_eq!(server.client().get("/text").status, 200);
    }
    drop((idle, trickling, announced));
}
