//! The server core over real TCP: protocol semantics, strict framing, limits,
//! deadlines, failures and shutdown. Most tests use [`TestHandler`], a handler
//! made for probing the engine, so they do not depend on the help desk's routes.
//!
//! Every test here runs over plain TCP, and again over HTTPS with
//! `HELPDESK_TEST_TLS=1 cargo test --test server` (see `support/wire.rs`):
//! servers and clients made by the helpers below then speak TLS, and a test
//! asserts the same behaviour over both unless it says why not. The tests in
//! `tls.rs` choose their transport themselves.

#[path = "../support/mod.rs"]
mod support;

mod deadlines;
mod failures;
mod fairness;
mod framing;
mod limits;
mod parser_properties;
mod protocol;
mod routing;
mod slow_readers;
mod streams;
mod tls;

use helpdesk::config::Config;
use helpdesk::http::{Request, Response, Status};
use helpdesk::server::Handler;
use std::io::{BufReader, Read, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use support::*;

/// A handler for engine tests:
/// - `/text` answers `hello`; `/panic` panics; `/slow` waits at the [`Gate`];
/// - `/stream` hands its socket to a thread that sends one server-sent event;
/// - `/target` answers with the request target, query included, so a test can
///   tell pipelined responses apart and check their order;
/// - `/peer` answers the client address and scheme the server settled on;
/// - `/big` answers [`BIG`] bytes: the target and a newline, then dots;
/// - `/small` accepts bodies up to 10 bytes; `/refuse` is refused in `admit`;
/// - anything else echoes the request body.
///
/// It records every target it handled, so tests can prove a body was never
/// mistaken for a request.
#[derive(Default)]
pub struct TestHandler {
    pub seen: Mutex<Vec<String>>,
    pub gate: Gate,
}

impl Handler for TestHandler {
    fn admit(&self, request: &Request, default: usize) -> Result<usize, Response> {
        match request.path() {
            "/small" => Ok(10),
            "/refuse" => Err(Response::error(Status::NOT_FOUND, "not_found", "No.")),
            _ => Ok(default),
        }
    }

    fn handle(&self, request: Request) -> Response {
        self.seen.lock().unwrap().push(request.target.clone());
        match request.path() {
            "/text" => Response::text(Status::OK, "hello"),
            "/target" => Response::text(Status::OK, request.target.clone()),
            "/peer" => Response::text(
                Status::OK,
                format!("{} secure={}", request.peer.ip(), request.secure),
            ),
            "/big" => Response::bytes(Status::OK, "text/plain", big_body(&request.target)),
            "/panic" => panic!("the test handler panics on purpose"),
            "/stream" => Response::stream("text/event-stream", |mut socket| {
                // A real hub would keep the socket; one event is enough here.
                std::thread::spawn(move || {
                    let _ = socket.write_all(b"data: hi\n\n");
                });
            }),
            "/slow" => {
                self.gate.pass();
                Response::text(Status::OK, "slow done")
            }
            _ => Response::bytes(Status::OK, "application/octet-stream", request.body),
        }
    }
}

/// The length of a `/big` answer: far more than a socket buffer holds.
pub const BIG: usize = 256 * 1024;

/// The body `/big` answers for `target`.
pub fn big_body(target: &str) -> Vec<u8> {
    let mut body = format!("{target}\n").into_bytes();
    body.resize(BIG, b'.');
    body
}

impl TestHandler {
    pub fn saw(&self, target: &str) -> bool {
        self.seen.lock().unwrap().iter().any(|t| t == target)
    }
}

/// Holds `/slow` requests until the test opens it.
#[derive(Default)]
pub struct Gate {
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Gate {
    fn pass(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        self.changed.notify_all();
        while !state.1 {
            state = self.changed.wait(state).unwrap();
        }
    }

    /// Waits until `n` requests are waiting at (or went through) the gate.
    pub fn wait_for_arrivals(&self, n: usize) {
        let state = self.state.lock().unwrap();
        let (state, timeout) = self
            .changed
            .wait_timeout_while(state, Duration::from_secs(10), |s| s.0 < n)
            .unwrap();
        assert!(!timeout.timed_out(), "only {} arrived at the gate", state.0);
    }

    pub fn open(&self) {
        self.state.lock().unwrap().1 = true;
        self.changed.notify_all();
    }
}

/// A server running [`TestHandler`] with the config adjusted first, over
/// HTTPS when the run is (`HELPDESK_TEST_TLS`).
pub fn spawn_test_server(adjust: impl FnOnce(&mut Config)) -> (TestServer, Arc<TestHandler>) {
    spawn_test_server_over(tls_for_tests(), adjust)
}

/// The same over HTTPS, with the certificate in `tls`.
pub fn spawn_tls_test_server(
    tls: &TestTls,
    adjust: impl FnOnce(&mut Config),
) -> (TestServer, Arc<TestHandler>) {
    spawn_test_server_over(Some(tls), adjust)
}

/// The same over plain TCP whatever the run speaks.
pub fn spawn_plain_test_server(adjust: impl FnOnce(&mut Config)) -> (TestServer, Arc<TestHandler>) {
    spawn_test_server_over(None, adjust)
}

fn spawn_test_server_over(
    tls: Option<&TestTls>,
    adjust: impl FnOnce(&mut Config),
) -> (TestServer, Arc<TestHandler>) {
    let data_dir = TempDir::new("engine");
    let mut config = test_config(&data_dir);
    adjust(&mut config);
    let handler = Arc::new(TestHandler::default());
    let server = spawn_server(config, handler.clone(), data_dir, None, tls);
    (server, handler)
}

/// Sends `bytes` and reads one response on a kept connection.
pub fn send<S: Read + Write>(reader: &mut BufReader<S>, bytes: &str) -> TestResponse {
    reader.get_mut().write_all(bytes.as_bytes()).unwrap();
    read_response(reader, false).expect("a response")
}

/// A connection in the server's language, wrapped for [`send`] and
/// [`read_response`].
pub fn connect(server: &TestServer) -> BufReader<Wire> {
    BufReader::new(server.wire())
}

#[test]
fn healthz_answers_ok_with_version_and_uptime() {
    let app = spawn_app();
    let resp = app.client().get("/healthz");
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64());
}

#[test]
fn the_run_speaks_https_exactly_when_helpdesk_test_tls_asks() {
    // Read here on its own, so a switch that silently stopped working (the
    // binary renamed, say) fails the HTTPS run instead of repeating the plain one.
    let asked = std::env::var(TLS_SWITCH).is_ok_and(|v| !v.is_empty() && v != "0");
    let (server, _) = spawn_test_server(|_| {});
    assert_eq!(server.is_tls(), asked);
    let mut conn = connect(&server);
    assert_eq!(conn.get_ref().is_tls(), asked);
    let resp = send(&mut conn, "GET /peer HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(resp.text(), format!("127.0.0.1 secure={asked}"));
    let app = spawn_app();
    assert_eq!(app.is_tls(), asked);
    assert_eq!(app.client().get("/healthz").status, 200);
}
