//! Reports benchmark through the real server: the dashboard's summary for a year
//! of 1,000,000 tickets (issue 17: p99 under 200 ms), and the daily backlog series
//! and a 30-day summary beside it. One client, requests one after another, as a
//! manager opening the dashboard would; signed in as the demo admin (who sees
//! every agent's row, the widest answer).
//!
//! Run: `cargo bench --bench reports`. Seeding a million tickets takes minutes, so
//! build the data once and reuse it:
//!
//! ```text
//! cargo run --release -- seed-demo --tickets 1000000 --days 365 --data-dir /tmp/reports-1m
//! DATA_DIR=/tmp/reports-1m cargo bench --bench reports
//! ```
//!
//! Without `DATA_DIR` it seeds `TICKETS` (default 1,000,000) over 365 days into a
//! temporary folder first. `RUNS` (default 40) requests per scenario.

use helpdesk::api::App;
use helpdesk::config::Config;
use helpdesk::domain::calendar::{day_of, format_date};
use helpdesk::server::Server;
use helpdesk::store::{demo, now_ms, Db, StoreError};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One keep-alive connection and its session cookie.
struct Conn(BufReader<TcpStream>, String);

impl Conn {
    fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, String, Vec<u8>) {
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.0.get_ref().peer_addr().map_or(String::new(), |a| a.to_string()),
            self.1,
            body.len()
        );
        self.0.get_mut().write_all(req.as_bytes()).expect("write");
        let mut line = String::new();
        self.0.read_line(&mut line).expect("status line");
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (mut len, mut cookie) = (0usize, String::new());
        loop {
            let mut h = String::new();
            self.0.read_line(&mut h).expect("header");
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
        self.0.read_exact(&mut out).expect("body");
        (status, cookie, out)
    }
}

fn measure(name: &str, conn: &mut Conn, path: &str, runs: usize) {
    // The first answer warms SQLite's page cache; it is reported, not counted.
    let t = Instant::now();
    let (status, _, body) = conn.send("GET", path, "");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    let cold = t.elapsed();
    let mut lat: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let (status, _, _) = conn.send("GET", path, "");
            assert_eq!(status, 200);
            t.elapsed()
        })
        .collect();
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |p: f64| ms(lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1]);
    println!(
        "{name:<44} first {:>7.1} ms   p50 {:>7.1} ms   p99 {:>7.1} ms   max {:>7.1} ms  ({runs} runs)",
        ms(cold),
        pct(0.50),
        pct(0.99),
        ms(lat[lat.len() - 1]),
    );
}

fn main() {
    let runs = env("RUNS", 40);
    let dir = match std::env::var("DATA_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => {
            let tickets = env("TICKETS", 1_000_000);
            let dir = std::env::temp_dir().join(format!("helpdesk-reports-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let db = Db::open(&dir, false).expect("db");
            let password = helpdesk::domain::Password::try_from(demo::PASSWORD).expect("password");
            let phc = helpdesk::auth::password::hash(&password).expect("hash");
            let t = Instant::now();
            db.write(|tx| demo::seed_over(tx, tickets, 365, &phc, now_ms()))
                .map_err(|e: StoreError| e)
                .expect("seed");
            println!(
                "seeded {tickets} tickets over 365 days in {:.0} s",
                t.elapsed().as_secs_f64()
            );
            dir
        }
    };
    let config = Config {
        addr: "127.0.0.1:0".into(),
        data_dir: dir.clone(),
        sync_full: false,
        ..Config::default()
    };
    let app = Arc::new(App::new(config.clone()).expect("app"));
    let server = Server::bind(
        &config.addr,
        config.workers,
        config.limits.clone(),
        app.clone(),
    )
    .expect("bind");
    let addr: SocketAddr = server.local_addr().expect("addr");
    app.listening_on(addr);
    let handle = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.run().expect("run"));

    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).ok();
    let mut conn = Conn(BufReader::new(stream), String::new());
    let body = format!(
        r#"{{"email": "admin@demo.test", "password": "{}"}}"#,
        demo::PASSWORD
    );
    let (status, cookie, _) = conn.send("POST", "/api/auth/login", &body);
    assert_eq!(status, 200, "sign-in as the demo admin");
    conn.1 = cookie;

    let count: i64 = Db::open(&dir, false)
        .expect("db")
        .read(|c| {
            Ok::<_, StoreError>(c.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?)
        })
        .expect("count");
    let today = day_of(now_ms());
    let year = format!(
        "from={}&to={}",
        format_date(today - 364),
        format_date(today)
    );
    let month = format!("from={}&to={}", format_date(today - 29), format_date(today));
    println!(
        "{count} tickets; {} cores; one client, {runs} requests per scenario after one warm-up",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    measure(
        "summary, last 365 days",
        &mut conn,
        &format!("/api/reports/summary?{year}"),
        runs,
    );
    measure(
        "summary, last 365 days, priority=high",
        &mut conn,
        &format!("/api/reports/summary?{year}&priority=high"),
        runs,
    );
    measure(
        "summary, last 30 days",
        &mut conn,
        &format!("/api/reports/summary?{month}"),
        runs,
    );
    measure(
        "series backlog, last 365 days",
        &mut conn,
        &format!("/api/reports/series?metric=backlog&{year}"),
        runs,
    );
    handle.shutdown();
    thread.join().expect("server thread");
}
