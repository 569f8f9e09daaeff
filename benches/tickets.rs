//! Ticket API benchmark through the real server: an organization with 100,000
//! tickets (seed-demo), signed in as an agent, N keep-alive client threads.
//!
//! Measures the list's first page, a filtered page, one ticket with its
//! conversation, and ticket creation; prints requests/s, p50 and p99. Creation is
//! measured with `synchronous=FULL` (an fsync per commit, the default) and NORMAL.
//!
//! Run: `cargo bench --bench tickets` (env `TICKETS=100000`, `CLIENTS=4`, `SECS=3`).

use helpdesk::api::App;
use helpdesk::config::Config;
use helpdesk::server::Server;
use helpdesk::store::{demo, now_ms, Db, StoreError};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Conn {
    reader: BufReader<TcpStream>,
    cookie: String,
}

impl Conn {
    fn new(addr: SocketAddr, cookie: &str) -> Conn {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_nodelay(true).ok();
        Conn {
            reader: BufReader::new(s),
            cookie: cookie.to_string(),
        }
    }

    /// One request; returns status, Set-Cookie and body.
    fn send(&mut self, method: &str, path: &str, body: &str) -> (u16, String, Vec<u8>) {
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

/// Runs `work` on `clients` threads for `secs` seconds; prints rate and percentiles.
fn measure(
    name: &str,
    addr: SocketAddr,
    cookie: &str,
    clients: usize,
    secs: u64,
    work: fn(&mut Conn, u64) -> u16,
) {
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
}

fn list_first_page(c: &mut Conn, _: u64) -> u16 {
    c.send("GET", "/api/tickets", "").0
}

fn list_filtered(c: &mut Conn, _: u64) -> u16 {
    c.send(
        "GET",
        "/api/tickets?status=open&priority=high&sort=created",
        "",
    )
    .0
}

fn ticket_with_conversation(c: &mut Conn, i: u64) -> u16 {
    let seeded = SEEDED.load(std::sync::atomic::Ordering::Relaxed).max(1);
    let n = (i.wrapping_mul(2_654_435_761) % seeded) + 1;
    let a = c.send("GET", &format!("/api/tickets/{n}"), "").0;
    let b = c.send("GET", &format!("/api/tickets/{n}/comments"), "").0;
    a.max(b)
}

fn create(c: &mut Conn, i: u64) -> u16 {
    let body = format!(
        r#"{{"category_id": {}, "title": "Bench ticket {i}", "description": "Printer offline again", "answers": {{}}}}"#,
        CATEGORY.with(|c| c.get())
    );
    c.send("POST", "/api/tickets", &body).0
}

thread_local! {
    static CATEGORY: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}
static OTHER_CATEGORY: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
/// How many tickets were seeded, so reads pick numbers that exist.
static SEEDED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn create_wrapped(c: &mut Conn, i: u64) -> u16 {
    CATEGORY.with(|cell| cell.set(OTHER_CATEGORY.load(std::sync::atomic::Ordering::Relaxed)));
    create(c, i)
}

fn serve(
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

fn sign_in(addr: SocketAddr) -> String {
    let mut c = Conn::new(addr, "");
    let body = format!(
        r#"{{"email": "agent1@demo.test", "password": "{}"}}"#,
        demo::PASSWORD
    );
    let (status, cookie, _) = c.send("POST", "/api/auth/login", &body);
    assert_eq!(status, 200, "sign-in");
    cookie
}

fn main() {
    let tickets = env("TICKETS", 100_000);
    let clients = env("CLIENTS", 4);
    let secs = env("SECS", 3) as u64;
    let dir = std::env::temp_dir().join(format!("helpdesk-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = Db::open(&dir, false).expect("db");
    let password = helpdesk::domain::Password::try_from(demo::PASSWORD).expect("password");
    let phc = helpdesk::auth::password::hash(&password).expect("hash");
    let t = Instant::now();
    let summary = db
        .write(|tx| demo::seed(tx, tickets, &phc, now_ms()))
        .map_err(|e: StoreError| e)
        .expect("seed");
    println!(
        "seeded {} tickets in {:.1}s; {clients} keep-alive clients, {secs}s per scenario, {} cores",
        summary.tickets,
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let other: i64 = db
        .read(|c| {
            Ok::<_, StoreError>(c.query_row(
                "SELECT id FROM categories WHERE org_id = ?1 AND name = 'Other'",
                [summary.org_id],
                |r| r.get(0),
            )?)
        })
        .expect("category");
    OTHER_CATEGORY.store(other, std::sync::atomic::Ordering::Relaxed);
    SEEDED.store(tickets as u64, std::sync::atomic::Ordering::Relaxed);

    for sync_full in [true, false] {
        let mode = if sync_full { "FULL" } else { "NORMAL" };
        let (addr, handle, thread) = serve(&dir, sync_full);
        let cookie = sign_in(addr);
        println!("-- synchronous={mode}");
        if sync_full {
            measure(
                "list, first page",
                addr,
                &cookie,
                clients,
                secs,
                list_first_page,
            );
            measure(
                "list, open+high sorted by created",
                addr,
                &cookie,
                clients,
                secs,
                list_filtered,
            );
            measure(
                "ticket + its conversation (2 req)",
                addr,
                &cookie,
                clients,
                secs,
                ticket_with_conversation,
            );
        }
        measure(
            "create ticket",
            addr,
            &cookie,
            clients,
            secs,
            create_wrapped,
        );
        handle.shutdown();
        thread.join().ok();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
