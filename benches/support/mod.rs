//! What the benchmarks share: a keep-alive HTTP/1.1 client with a session cookie,
//! a server on port 0 over a data directory, a demo sign-in, and `measure`, which
//! runs one scenario on N client threads and prints requests/s, p50 and p99.
//! Each bench includes it with `mod support;`.
#![allow(dead_code)]

use helpdesk::api::App;
use helpdesk::config::Config;
use helpdesk::server::Server;
use helpdesk::store::demo;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub struct Conn {
    reader: BufReader<TcpStream>,
    cookie: String,
}

impl Conn {
    pub fn new(addr: SocketAddr, cookie: &str) -> Conn {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_nodelay(true).ok();
        Conn {
            reader: BufReader::new(s),
            cookie: cookie.to_string(),
        }
    }

    /// One request; returns status, Set-Cookie and body.
    pub fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, String, Vec<u8>) {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nCookie: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.cookie,
            body.len()
        );
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .expect("write");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (mut len, mut cookie) = (0usize, String::new());
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).expect("header");
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                if n.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                } else if n.eq_ignore_ascii_case("set-cookie") {
                    cookie = v.trim().split(';').next().unwrap_or("").to_string();
                }
            }
        }
        let mut out = vec![0; len];
        self.reader.read_exact(&mut out).expect("body");
        (status, cookie, out)
    }
}

/// Runs `work` on `clients` threads for `secs` seconds; prints rate and
/// percentiles, and answers the p99 in milliseconds.
pub fn measure(
    name: &str,
    addr: SocketAddr,
    cookie: &str,
    clients: usize,
    secs: u64,
    work: fn(&mut Conn, u64) -> u16,
) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|t| {
            let cookie = cookie.to_string();
            std::thread::spawn(move || {
                let mut conn = Conn::new(addr, &cookie);
                let mut lat = Vec::new();
                let mut i = t as u64 * 1_000_003;
                while Instant::now() < deadline {
                    let s = Instant::now();
                    let status = work(&mut conn, i);
                    assert!(status < 300, "status {status}");
                    lat.push(s.elapsed());
                    i += 1;
                }
                lat
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "{name:<34} {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests)",
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        all.len()
    );
    pct(0.99)
}

pub fn serve(
    dir: &std::path::Path,
    sync_full: bool,
) -> (
    SocketAddr,
    helpdesk::server::ShutdownHandle,
    std::thread::JoinHandle<()>,
) {
    let config = Config {
        addr: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        sync_full,
        ..Config::default()
    };
    let app = App::new(config.clone()).expect("app");
    let hub = app.stream_hub();
    let server = Server::bind(
        &config.addr,
        config.workers,
        config.limits.clone(),
        Arc::new(app),
    )
    .expect("bind")
    .with_stream_hub(hub);
    let addr = server.local_addr().expect("addr");
    let handle = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.run().expect("run"));
    (addr, handle, thread)
}

/// Signs in as `email` (a demo account) and returns the session cookie.
pub fn sign_in_as(addr: SocketAddr, email: &str) -> String {
    let mut c = Conn::new(addr, "");
    let body = format!(
        r#"{{"email": "{email}", "password": "{}"}}"#,
        demo::PASSWORD
    );
    let (status, cookie, _) = c.send("POST", "/api/auth/login", &body);
    assert_eq!(status, 200, "sign-in");
    cookie
}
