//! Shared helpers for the integration tests: a real server on port 0 with a fresh
//! data directory, a small blocking HTTP/1.1 client with a cookie jar, and raw
//! socket helpers for protocol cases.
//!
//! Each test binary includes this with `#[path = "../support/mod.rs"] mod support;`.
//! What the clients speak (plain TCP or HTTPS, `HELPDESK_TEST_TLS`) is in `wire.rs`.
#![allow(dead_code)]

mod wire;
pub use wire::*;

use helpdesk::api::App;
use helpdesk::config::Config;
use helpdesk::server::{Handler, Server, ShutdownHandle, StreamHub};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("helpdesk-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server running on a background thread; shut down and joined on drop.
pub struct TestServer {
    pub addr: SocketAddr,
    pub shutdown: ShutdownHandle,
    thread: Option<JoinHandle<()>>,
    pub data_dir: TempDir,
    /// The client configuration when the server speaks HTTPS.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

impl TestServer {
    /// Stops the server gracefully and waits for `run` to return.
    pub fn stop(mut self) {
        self.shutdown.shutdown();
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread panicked");
        }
    }

    /// Stops the server gracefully; true when `run` returned within `limit`.
    pub fn stop_within(mut self, limit: Duration) -> bool {
        self.shutdown.shutdown();
        let Some(t) = self.thread.take() else {
            return true;
        };
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(t.join().is_ok());
        });
        finished.recv_timeout(limit).unwrap_or(false)
    }

    pub fn client(&self) -> Client {
        Client::over(self.addr, self.tls.clone())
    }

    /// True when this server speaks HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// A connection in the server's own language (TLS handshake done), for
    /// protocol tests.
    pub fn wire(&self) -> Wire {
        self.try_wire().expect("connect")
    }

    /// The same, or the error when the server refuses the connection.
    pub fn try_wire(&self) -> std::io::Result<Wire> {
        Wire::connect(self.addr, self.tls.as_ref())
    }

    /// Speaks the server's language over a socket connected by the caller.
    pub fn wire_over(&self, tcp: TcpStream) -> Wire {
        Wire::over(tcp, self.tls.as_ref()).expect("a handshake")
    }

    /// Writes `bytes` on a fresh connection and reads until the server closes
    /// it or the read times out; returns everything received.
    pub fn exchange(&self, bytes: &[u8]) -> String {
        let mut s = self.wire();
        s.write_all(bytes).expect("write");
        read_until_close(&mut s, Duration::from_secs(5)).0
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.shutdown();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A config for tests: port 0 on loopback, a fresh data dir, a known setup token.
pub fn test_config(data_dir: &TempDir) -> Config {
    Config {
        addr: "127.0.0.1:0".into(),
        data_dir: data_dir.0.clone(),
        workers: 4,
        setup_token: Some("test-setup-token".into()),
        // Tests commit a lot; durability across power loss is not what they check.
        sync_full: false,
        ..Config::default()
    }
}

/// Runs any handler on a real server with the given config.
pub fn spawn_handler(config: Config, handler: Arc<dyn Handler>, data_dir: TempDir) -> TestServer {
    spawn_handler_with_hub(config, handler, data_dir, None)
}

/// Runs a handler that holds a clone of `hub` (made with `StreamHub::new`).
pub fn spawn_handler_with_hub(
    config: Config,
    handler: Arc<dyn Handler>,
    data_dir: TempDir,
    hub: Option<StreamHub>,
) -> TestServer {
    spawn_server(config, handler, data_dir, hub, tls_for_tests())
}

/// Runs a handler, over HTTPS when `tls` is given (see [`TestTls`]), whatever
/// `HELPDESK_TEST_TLS` says.
pub fn spawn_server(
    config: Config,
    handler: Arc<dyn Handler>,
    data_dir: TempDir,
    hub: Option<StreamHub>,
    tls: Option<&TestTls>,
) -> TestServer {
    spawn_server_with(config, handler, data_dir, tls, |mut server| {
        if let Some(hub) = hub {
            server = server.with_stream_hub(hub);
        }
        server
    })
}

/// Runs a handler on a server that `adjust` finishes setting up, over HTTPS
/// when `tls` is given.
pub fn spawn_server_with(
    config: Config,
    handler: Arc<dyn Handler>,
    data_dir: TempDir,
    tls: Option<&TestTls>,
    adjust: impl FnOnce(Server) -> Server,
) -> TestServer {
    let mut server = Server::bind(&config.addr, config.workers, config.limits.clone(), handler)
        .expect("bind")
        .with_trusted_proxies(config.trust_proxy.clone());
    if let Some(tls) = tls {
        server = server.with_tls(Arc::clone(&tls.server));
    }
    let server = adjust(server);
    let addr = server.local_addr().expect("local addr");
    let shutdown = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.run().expect("server run"));
    TestServer {
        addr,
        shutdown,
        thread: Some(thread),
        data_dir,
        tls: tls.map(|t| Arc::clone(&t.client)),
    }
}

/// The whole help desk on a fresh database.
pub fn spawn_app() -> TestServer {
    spawn_app_with(|_| {})
}

/// The whole help desk, with the config adjusted first.
pub fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
    spawn_app_over(tls_for_tests(), adjust)
}

/// The whole help desk over HTTPS when `tls` is given, whatever
/// `HELPDESK_TEST_TLS` says.
pub fn spawn_app_over(tls: Option<&TestTls>, adjust: impl FnOnce(&mut Config)) -> TestServer {
    let data_dir = TempDir::new("app");
    let mut config = test_config(&data_dir);
    adjust(&mut config);
    let app = Arc::new(App::new(config.clone()).expect("build app"));
    let hub = app.stream_hub();
    let server = spawn_server(config, app.clone(), data_dir, Some(hub), tls);
    app.listening_on(server.addr);
    server
}

/// The whole help desk with a manual clock: its jobs thread never runs by
/// itself; a test moves the clock and calls `jobs.run_pass(...)`.
pub fn spawn_app_at(clock: Arc<helpdesk::jobs::ManualClock>) -> (TestServer, helpdesk::jobs::Jobs) {
    let data_dir = TempDir::new("app");
    let config = test_config(&data_dir);
    let app = Arc::new(App::with_clock(config.clone(), clock).expect("build app"));
    let jobs = app.state().jobs.clone();
    let server = spawn_handler(config, app.clone(), data_dir);
    app.listening_on(server.addr);
    (server, jobs)
}

/// A response as the client saw it.
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics with the body text when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The `error.code` of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// A keep-alive HTTP/1.1 client with a cookie jar, like a browser tab.
pub struct Client {
    pub addr: SocketAddr,
    tls: Option<Arc<rustls::ClientConfig>>,
    stream: Option<BufReader<Wire>>,
    pub cookies: Vec<(String, String)>,
    /// Extra headers sent with every request (such as `Origin`).
    pub extra_headers: Vec<(String, String)>,
}

impl Client {
    /// A plain-HTTP client.
    pub fn new(addr: SocketAddr) -> Client {
        Client::over(addr, None)
    }

    /// A client speaking HTTPS when `tls` is given.
    pub fn over(addr: SocketAddr, tls: Option<Arc<rustls::ClientConfig>>) -> Client {
        Client {
            addr,
            tls,
            stream: None,
            cookies: Vec::new(),
            extra_headers: Vec::new(),
        }
    }

    pub fn get(&mut self, path: &str) -> TestResponse {
        self.request("GET", path, &[], None)
    }

    pub fn delete(&mut self, path: &str) -> TestResponse {
        self.request(
            "DELETE",
            path,
            &[("Content-Type", "application/json")],
            Some(b""),
        )
    }

    pub fn post_json(&mut self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.send_json("POST", path, body)
    }

    /// POSTs like a patient browser: a 503 `busy` (the password hasher is full)
    /// is retried after its `Retry-After`, up to a minute in all.
    pub fn post_json_retrying_busy(
        &mut self,
        path: &str,
        body: &serde_json::Value,
    ) -> TestResponse {
        for _ in 0..60 {
            let resp = self.post_json(path, body);
            if resp.status != 503 {
                return resp;
            }
            let wait = resp
                .header("retry-after")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1u64);
            std::thread::sleep(Duration::from_secs(wait));
        }
        panic!("{path} stayed busy for a minute");
    }

    pub fn patch_json(&mut self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.send_json("PATCH", path, body)
    }

    pub fn send_json(
        &mut self,
        method: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> TestResponse {
        let bytes = body.to_string().into_bytes();
        self.request(
            method,
            path,
            &[("Content-Type", "application/json")],
            Some(&bytes),
        )
    }

    /// Sends one request (reconnecting when the server closed the connection) and
    /// reads the response, remembering any cookies it sets.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> TestResponse {
        let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for (n, v) in headers {
            raw.push_str(&format!("{n}: {v}\r\n"));
        }
        for (n, v) in &self.extra_headers {
            raw.push_str(&format!("{n}: {v}\r\n"));
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            raw.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        let body = body.unwrap_or(b"");
        if !body.is_empty() || method != "GET" {
            raw.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        raw.push_str("\r\n");
        let mut bytes = raw.into_bytes();
        bytes.extend_from_slice(body);

        for attempt in 0..2 {
            if self.stream.is_none() {
                let s = Wire::connect(self.addr, self.tls.as_ref()).expect("connect");
                self.stream = Some(BufReader::new(s));
            }
            let reader = self.stream.as_mut().expect("stream");
            if reader.get_mut().write_all(&bytes).is_err() {
                self.stream = None;
                continue;
            }
            match read_response(reader, method == "HEAD") {
                Some(resp) => {
                    if resp
                        .header("connection")
                        .is_some_and(|c| c.eq_ignore_ascii_case("close"))
                    {
                        self.stream = None;
                    }
                    self.remember_cookies(&resp);
                    return resp;
                }
                None if attempt == 0 => self.stream = None,
                None => break,
            }
        }
        panic!("no response to {method} {path}");
    }

    fn remember_cookies(&mut self, resp: &TestResponse) {
        for set in resp.headers_named("set-cookie") {
            let pair = set.split(';').next().unwrap_or("");
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let expired = set.to_ascii_lowercase().contains("max-age=0") || value.is_empty();
            self.cookies.retain(|(n, _)| n != name);
            if !expired {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }
}

/// Reads one response from a buffered stream; `None` if the connection closed first.
pub fn read_response<R: Read>(reader: &mut BufReader<R>, head_only: bool) -> Option<TestResponse> {
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).ok()? == 0 {
                return None;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        if status == 100 {
            continue; // interim response; the final one follows
        }
        let mut resp = TestResponse {
            status,
            headers,
            body: Vec::new(),
        };
        let len: usize = resp
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if !head_only && len > 0 {
            let mut body = vec![0; len];
            reader.read_exact(&mut body).ok()?;
            resp.body = body;
        }
        return Some(resp);
    }
}

/// Opens a plain TCP connection, whatever the server speaks: for tests that
/// must send bytes below TLS on purpose. Others use `server.wire()`.
pub fn raw_connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    s
}

/// Writes `bytes` on a fresh plain TCP connection and reads until the server
/// closes it or the read times out; returns everything received. Tests that
/// mean the server's own language use `server.exchange`.
pub fn raw_exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = raw_connect(addr);
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    s.write_all(bytes).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads until the server closes the connection or `limit` passes without data.
/// Returns what arrived and whether the server closed (EOF or reset).
///
/// # Panics
/// Over TLS, when the server closed without `close_notify`: a client could
/// not have told that end from a cut connection.
pub fn read_until_close<S: Read + ReadTimeout>(stream: &mut S, limit: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(limit)).ok();
    let mut out = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                panic!("the server closed without a TLS close_notify: {e}")
            }
            Err(_) => break false,
        }
    };
    (String::from_utf8_lossy(&out).into_owned(), closed)
}

/// The status code of the first response in raw bytes.
pub fn first_status(raw: &str) -> u16 {
    raw.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The password every test account uses (long enough for the 10-character floor).
pub const PASSWORD: &str = "correct horse battery";

/// Runs first-run setup for "Acme IT" with "Ada Admin" at `admin_email`. Returns
/// the signed-in admin and the instance's join code.
pub fn first_run_setup(server: &TestServer, admin_email: &str) -> (Client, String) {
    let mut admin = server.client();
    let resp = admin.post_json(
        "/api/setup",
        &serde_json::json!({
            "token": "test-setup-token",
            "organization": {"name": "Acme IT"},
            "admin": {"name": "Ada Admin", "email": admin_email, "password": PASSWORD},
        }),
    );
    assert_eq!(resp.status, 201, "{}", resp.text());
    let code = resp.json()["organization"]["join_code"]
        .as_str()
        .expect("the admin sees the join code")
        .to_string();
    (admin, code)
}
