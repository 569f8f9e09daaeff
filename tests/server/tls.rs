//! The engine over HTTPS: the same protocol, framing, slow-reader and stream
//! guarantees as over plain TCP, with a certificate made at test time; bad
//! input on the TLS port (plain HTTP, a garbage ClientHello, a handshake that
//! never finishes); start-up with a bad certificate; the redirect listener;
//! and `X-Forwarded-*` from trusted proxies only.

use crate::streams::spawn_stream_server_over;
use crate::support::*;
use crate::{send, spawn_plain_test_server, spawn_tls_test_server, BIG};
use helpdesk::http::sse::Event;
use std::io::{BufReader, Read, Write};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn tls_connect(tls: &TestTls, server: &TestServer) -> BufReader<TlsStream> {
    BufReader::new(tls.connect(server.addr))
}

#[test]
fn https_keep_alive_serves_requests_on_one_connection_with_hsts() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |_| {});
    let mut conn = tls_connect(&tls, &server);
    for _ in 0..3 {
        let resp = send(&mut conn, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!((resp.status, resp.text().as_str()), (200, "hello"));
        assert_eq!(resp.header("connection"), Some("keep-alive"));
        assert_eq!(
            resp.header("strict-transport-security"),
            Some("max-age=31536000")
        );
    }
    let resp = send(&mut conn, "GET /peer HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(resp.text(), "127.0.0.1 secure=true");
}

#[test]
fn plain_http_answers_carry_no_hsts() {
    let (server, _) = spawn_plain_test_server(|_| {});
    let resp = server.client().get("/text");
    assert_eq!(resp.header("strict-transport-security"), None);
}

#[test]
fn pipelined_requests_beyond_one_turn_over_https_are_answered_in_order() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |c| c.workers = 2);
    let mut conn = tls_connect(&tls, &server);
    // About 60 KB of requests: several turns, and more than one read, so some
    // decrypted requests wait inside the TLS session when a turn ends.
    let n = 300;
    let pad = "p".repeat(150);
    let all: String = (0..n)
        .map(|i| format!("GET /target?n={i} HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\n\r\n"))
        .collect();
    conn.get_mut().write_all(all.as_bytes()).unwrap();
    for i in 0..n {
        let resp = read_response(&mut conn, false).expect("a response");
        assert_eq!(resp.text(), format!("/target?n={i}"));
    }
}

#[test]
fn every_way_an_https_connection_ends_sends_close_notify() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |c| {
        c.limits.idle_timeout = Duration::from_secs(1);
    });
    // `read_to_end` fails with `UnexpectedEof` on a close without the alert:
    // a client could not tell the end of the answer from a cut connection.
    let mut closing = tls.connect(server.addr);
    closing
        .write_all(b"GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    closing
        .read_to_end(&mut answer)
        .expect("an answer that ends with close_notify");
    assert!(answer.ends_with(b"hello"));

    let mut idle = tls.connect(server.addr);
    let mut answer = Vec::new();
    idle.write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    idle.read_to_end(&mut answer)
        .expect("an idle close with close_notify");
    assert!(answer.ends_with(b"hello"));
}

#[test]
fn a_chunked_body_over_https_is_read_and_bad_framing_is_refused() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |_| {});
    let mut conn = tls_connect(&tls, &server);
    let resp = send(
        &mut conn,
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    assert_eq!((resp.status, resp.text().as_str()), (200, "hello world"));

    let mut conn = tls_connect(&tls, &server);
    let resp = send(
        &mut conn,
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\
         Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert_eq!(resp.status, 400);
    assert_eq!(resp.header("connection"), Some("close"));
}

#[test]
fn an_https_client_that_never_reads_holds_no_worker() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |c| c.workers = 1);
    // Several large answers, far more than the socket buffers hold, never read.
    let mut stalled = tls.connect(server.addr);
    let asks: String = (0..8)
        .map(|i| format!("GET /big?n={i} HTTP/1.1\r\nHost: x\r\n\r\n"))
        .collect();
    stalled.write_all(asks.as_bytes()).unwrap();
    stalled.flush().unwrap();
    const { assert!(8 * BIG > 1024 * 1024) };
    std::thread::sleep(Duration::from_millis(200));

    // The one worker is free for someone else.
    let mut other = tls_connect(&tls, &server);
    other
        .get_mut()
        .sock
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let resp = send(&mut other, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(resp.text(), "hello");

    // And the stalled client still gets its first answer whole when it reads.
    let mut stalled = BufReader::new(stalled);
    let first = read_response(&mut stalled, false).expect("the first big answer");
    assert_eq!(first.body.len(), BIG);
    assert!(first.body.starts_with(b"/big?n=0\n"));
}

#[test]
fn an_event_stream_over_https_gets_its_events_from_the_hub() {
    let tls = TestTls::new();
    let (server, handler) = spawn_stream_server_over(|_| {}, Some(&tls));
    let mut conn = tls_connect(&tls, &server);
    conn.get_mut()
        .write_all(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let head = read_response(&mut conn, true).expect("a stream head");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/event-stream"));
    let id = *handler.opened.lock().unwrap().last().unwrap();
    // More than one TLS record (16 KB each), within the stream's outbox.
    let event = Event::new("x".repeat(10_000)).encode();
    for _ in 0..5 {
        assert!(handler.hub.send(id, event.clone()));
    }
    let expected = "retry: 3000\n\n".len() + 5 * event.len();
    let mut got = vec![0; expected];
    conn.read_exact(&mut got).expect("every event, decrypted");
    assert!(got.starts_with(b"retry: 3000\n\ndata: xxx"));
    assert!(got.ends_with(b"xxx\n\n"));

    drop(conn);
    handler.wait_closed(id);
}

#[test]
fn plain_http_to_the_https_port_is_told_to_use_https() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |_| {});
    let raw = raw_exchange(server.addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(first_status(&raw), 400, "{raw}");
    assert!(raw.contains("https://"), "{raw}");
}

#[test]
fn a_garbage_client_hello_is_refused_and_the_server_keeps_serving() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |c| c.workers = 1);
    // A handshake record header, then bytes that are no ClientHello.
    let mut garbage = vec![0x16, 0x03, 0x01, 0x00, 0x40];
    garbage.extend(std::iter::repeat_n(0xee, 0x40));
    let mut s = raw_connect(server.addr);
    s.write_all(&garbage).unwrap();
    let (answer, closed) = read_until_close(&mut s, Duration::from_secs(5));
    assert!(closed, "the connection was closed");
    assert!(!answer.contains("HTTP/1.1"), "no HTTP answer: {answer:?}");

    let mut conn = tls_connect(&tls, &server);
    let resp = send(&mut conn, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(resp.text(), "hello");
}

#[test]
fn a_handshake_that_never_finishes_holds_no_worker_and_is_closed_at_the_head_deadline() {
    let tls = TestTls::new();
    let (server, _) = spawn_tls_test_server(&tls, |c| {
        c.workers = 1;
        c.limits.head_timeout = Duration::from_secs(1);
    });
    // The start of a ClientHello record that announces 512 bytes and sends 10.
    let mut stalled = raw_connect(server.addr);
    stalled
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03])
        .unwrap();
    let started = Instant::now();

    let mut conn = tls_connect(&tls, &server);
    let resp = send(&mut conn, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(resp.text(), "hello", "the one worker was not held");

    let (_, closed) = read_until_close(&mut stalled, Duration::from_secs(10));
    assert!(closed, "the stalled handshake was closed");
    // Generous: the deadline is 1 s, swept every 100 ms, on a loaded machine.
    assert!(started.elapsed() < Duration::from_secs(8));
}

fn binary_with(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(args)
        .output()
        .expect("run helpdesk");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_missing_or_mismatched_certificate_stops_start_up_with_a_clear_error() {
    let dir = TempDir::new("tls-startup");
    let write = |name: &str, text: &str| {
        let path = dir.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let a = TestTls::new();
    let b = TestTls::new();
    let cert_a = write("a-cert.pem", &a.cert_pem);
    let key_b = write("b-key.pem", &b.key_pem);
    let data = dir.0.join("data").to_string_lossy().into_owned();
    let base = ["--addr", "127.0.0.1:0", "--data-dir", &data];

    let (code, err) =
        binary_with(&[&base[..], &["--tls-cert", &cert_a, "--tls-key", &key_b]].concat());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot be used together"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let missing = dir.0.join("missing.pem").to_string_lossy().into_owned();
    let (code, err) =
        binary_with(&[&base[..], &["--tls-cert", &missing, "--tls-key", &key_b]].concat());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot read"), "{err}");

    let (code, err) =
        binary_with(&[&base[..], &["--tls-cert", &key_b, "--tls-key", &key_b]].concat());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("no PEM certificate"), "{err}");

    let (code, err) = binary_with(&["--tls-cert", &cert_a]);
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn helpdesk_cert_writes_a_usable_pair_with_a_private_key() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("tls-cert");
    let out = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args([
            "cert",
            "--host",
            "desk.lan",
            "--host",
            "192.168.1.20",
            "--out",
        ])
        .arg(&dir.0)
        .output()
        .expect("run helpdesk cert");
    assert!(out.status.success());
    let told = String::from_utf8_lossy(&out.stdout);
    assert!(told.contains("--tls-cert"), "{told}");
    assert!(told.contains("Trusted Root"), "{told}");
    let cert = dir.0.join("helpdesk-cert.pem");
    let key = dir.0.join("helpdesk-key.pem");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the key is readable by its owner only");
    assert!(helpdesk::tls::server_config(&cert, &key).is_ok());
}

#[test]
fn the_redirect_listener_sends_every_request_to_https() {
    let data_dir = TempDir::new("redirect");
    let config = test_config(&data_dir);
    let handler = Arc::new(helpdesk::tls::RedirectToHttps { https_port: 8443 });
    // The redirect listener is plain HTTP by nature.
    let server = spawn_server(config, handler, data_dir, None, None);
    let raw = raw_exchange(
        server.addr,
        b"GET /tickets/7?tab=notes HTTP/1.1\r\nHost: desk.lan:8080\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(first_status(&raw), 308, "{raw}");
    assert!(
        raw.contains("Location: https://desk.lan:8443/tickets/7?tab=notes\r\n"),
        "{raw}"
    );
    let raw = raw_exchange(
        server.addr,
        b"GET / HTTP/1.1\r\nHost: evil/x@\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(first_status(&raw), 400, "{raw}");
}

#[test]
fn forwarded_fields_are_believed_only_from_trusted_proxies() {
    let forwarded = "GET /peer HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\
                     X-Forwarded-Proto: https\r\n\r\n";
    let data_dir = TempDir::new("proxy");
    let config = test_config(&data_dir);
    let handler = Arc::new(crate::TestHandler::default());
    let trusted = helpdesk::http::forwarded::parse_list("127.0.0.1").unwrap();
    // A TLS-terminating proxy speaks plain HTTP to us.
    let server = spawn_server_with(config, handler, data_dir, None, |s| {
        s.with_trusted_proxies(trusted)
    });
    let mut conn = BufReader::new(raw_connect(server.addr));
    let resp = send(&mut conn, forwarded);
    assert_eq!(resp.text(), "203.0.113.9 secure=true");
    assert_eq!(
        resp.header("strict-transport-security"),
        Some("max-age=31536000")
    );

    let (untrusting, _) = spawn_plain_test_server(|_| {});
    let mut conn = BufReader::new(raw_connect(untrusting.addr));
    let resp = send(&mut conn, forwarded);
    assert_eq!(resp.text(), "127.0.0.1 secure=false");
}

fn setup_cookie(server: &TestServer, headers: &[(&str, &str)]) -> String {
    let mut admin = server.client();
    for (n, v) in headers {
        admin.extra_headers.push((n.to_string(), v.to_string()));
    }
    let resp = admin.post_json(
        "/api/setup",
        &serde_json::json!({
            "token": "test-setup-token",
            "organization": {"name": "Acme IT"},
            "admin": {"name": "Ada Admin", "email": "ada@example.com", "password": PASSWORD},
        }),
    );
    assert_eq!(resp.status, 201, "{}", resp.text());
    resp.header("set-cookie")
        .expect("a session cookie")
        .to_string()
}

#[test]
fn session_cookies_are_secure_only_over_https() {
    let proxied = spawn_app_over(None, |c| {
        c.trust_proxy = helpdesk::http::forwarded::parse_list("127.0.0.1").unwrap();
    });
    let cookie = setup_cookie(&proxied, &[("X-Forwarded-Proto", "https")]);
    assert!(cookie.contains("; Secure"), "{cookie}");

    // The same header from a client nobody vouches for changes nothing.
    let direct = spawn_app_over(None, |_| {});
    let cookie = setup_cookie(&direct, &[("X-Forwarded-Proto", "https")]);
    assert!(!cookie.contains("Secure"), "{cookie}");

    // Served over HTTPS by the help desk itself.
    let https = spawn_app_over(Some(&TestTls::new()), |_| {});
    let cookie = setup_cookie(&https, &[]);
    assert!(cookie.contains("; Secure"), "{cookie}");
}
