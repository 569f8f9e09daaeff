//! Clients that read slowly or never: a response that does not fit in the socket
//! waits with its connection, parked until writable, and never holds a worker.
//! Issue 9: pipelined requests for a large document from clients with a tiny
//! receive window that never read used to hold every worker for the write
//! timeout, and a fresh `/healthz` timed out.

use crate::support::*;
use crate::{big_body, spawn_test_server, BIG};
use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A client with a receive buffer of a few KiB (the kernel doubles the value and
/// rounds it up to its floor), so the server's writes block almost at once.
pub fn small_window_connect(addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    // Before connecting, so the window advertised in the handshake is small too.
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&addr.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

fn pipelined(path: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("GET {path}?n={i} HTTP/1.1\r\nHost: x\r\n\r\n"))
        .collect()
}

/// Opens `clients` connections that pipeline `requests` GETs for `path` each and
/// never read a byte (over TLS, once the handshake is done).
fn never_readers(server: &TestServer, clients: usize, path: &str, requests: usize) -> Vec<Wire> {
    (0..clients)
        .map(|_| {
            let mut s = server.wire_over(small_window_connect(server.addr));
            s.write_all(pipelined(path, requests).as_bytes()).unwrap();
            s
        })
        .collect()
}

#[test]
fn clients_that_never_read_do_not_keep_a_fresh_client_waiting() {
    // More never-reading clients than workers: each used to hold a worker in a
    // blocking write for the whole write timeout (10 s).
    let server = spawn_app_with(|c| c.workers = 4);
    let _hogs = never_readers(&server, 10, "/api/openapi.json", 50);
    // Let the server start answering them and fill their windows.
    std::thread::sleep(Duration::from_millis(300));

    for _ in 0..20 {
        let started = Instant::now();
        let mut fresh = server.client();
        let resp = fresh.get("/healthz");
        let took = started.elapsed();
        assert_eq!(resp.status, 200);
        // The bound the issue asks for; an answer normally takes about 1 ms.
        assert!(
            took < Duration::from_millis(100),
            "a fresh /healthz took {took:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_client_that_stops_reading_is_closed_after_the_write_deadline() {
    let (server, _) = spawn_test_server(|c| {
        c.workers = 1;
        c.limits.write_timeout = Duration::from_millis(300);
    });
    let requests = 16;
    let mut stalled = never_readers(&server, 1, "/big", requests).remove(0);
    // Meanwhile the only worker is free for others.
    let mut other = server.client();
    assert_eq!(other.get("/text").status, 200);

    std::thread::sleep(Duration::from_millis(1500));
    let (received, closed) = read_until_close(&mut stalled, Duration::from_secs(5));
    assert!(closed, "the stalled connection is closed");
    assert!(
        received.len() < requests * BIG,
        "closed before the {requests} responses went out ({} bytes arrived)",
        received.len()
    );
}

#[test]
fn a_client_reading_below_the_minimum_rate_is_closed() {
    // A trickle keeps every single write moving, so a per-write timeout never
    // fires; the minimum rate (here 256 KiB per 300 ms) does.
    let (server, _) = spawn_test_server(|c| {
        c.limits.write_timeout = Duration::from_millis(300);
        c.limits.min_send_bytes = 256 * 1024;
    });
    let requests = 16;
    let mut trickler = never_readers(&server, 1, "/big", requests).remove(0);
    let started = Instant::now();
    let mut received = 0;
    let mut bite = [0u8; 1024];
    let closed = loop {
        // About 50 KB/s: the whole 4 MiB would take well over a minute.
        match trickler.read(&mut bite) {
            Ok(0) => break true,
            Ok(n) => received += n,
            Err(e) if is_closed(&e) => break true,
            Err(e) => panic!("read failed: {e}"),
        }
        if started.elapsed() > Duration::from_secs(15) {
            break false;
        }
        // It keeps pipelining too. Besides being what such clients do, this makes
        // the close visible at once: a socket closed with unread input resets,
        // where otherwise the kernel would first deliver the megabyte or so of
        // response it had already accepted, at this client's pace.
        if trickler
            .write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
            .is_err()
        {
            break true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(closed, "the trickling client was not closed in 15 s");
    assert!(received < requests * BIG);
}

#[test]
fn pipelined_responses_reach_a_slow_reader_complete_and_in_order() {
    let (server, _) = spawn_test_server(|c| c.workers = 1);
    let requests = 8;
    let mut slow = server.wire_over(small_window_connect(server.addr));
    let mut burst = pipelined("/big", requests - 1);
    burst.push_str(&format!(
        "GET /big?n={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        requests - 1
    ));
    slow.write_all(burst.as_bytes()).unwrap();

    // While this client's responses wait for it, the one worker serves others.
    let mut other = server.client();
    assert_eq!(other.get("/text").text(), "hello");

    let mut all = Vec::new();
    let mut bite = [0u8; 4096];
    for reads in 0.. {
        match slow.read(&mut bite).unwrap() {
            0 => break,
            n => all.extend_from_slice(&bite[..n]),
        }
        if reads % 4 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    let mut rest = &all[..];
    for n in 0..requests {
        let (status, body, after) = split_response(rest).expect("a whole response");
        assert_eq!(status, 200);
        assert!(
            body == big_body(&format!("/big?n={n}")),
            "response {n} is complete and answers request {n}"
        );
        rest = after;
    }
    assert!(rest.is_empty(), "nothing after the last response");
}

/// Splits one response (status, body by Content-Length) off the front of `raw`.
fn split_response(raw: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))?
        .parse()
        .ok()?;
    let body_start = end + 4;
    let body = raw.get(body_start..body_start + len)?;
    Some((status, body, &raw[body_start + len..]))
}

#[test]
fn shutdown_lets_a_waiting_response_finish_within_the_grace_period() {
    let (server, _) = spawn_test_server(|_| {});
    let mut slow = never_readers(&server, 1, "/big", 1).remove(0);
    std::thread::sleep(Duration::from_millis(200));
    server.shutdown.shutdown();
    // Only now does the client read: the response was waiting for it.
    std::thread::sleep(Duration::from_millis(200));
    let mut all = Vec::new();
    slow.read_to_end(&mut all).unwrap();
    let (status, body, rest) = split_response(&all).expect("the whole response");
    assert_eq!(status, 200);
    assert!(body == big_body("/big?n=0"));
    assert!(rest.is_empty());
    assert!(server.stop_within(Duration::from_secs(5)));
}
