//! Load benchmark for the server core: starts the release binary on loopback,
//! drives it with its own keep-alive load generator and reports requests per
//! second, p50/p99 latency and the server's resident memory.
//!
//! Run (the 5,000-connection step needs about 10,100 file descriptors):
//!
//! ```text
//! ulimit -n 20000 && cargo bench --bench load
//! ```
//!
//! `cargo bench --bench load -- signins` instead measures the server's resident
//! memory after 100 correct sign-ins (10 accounts, 10 at a time): what password
//! hashing costs in memory (about 40 s, most of it waiting out rate limits).
//!
//! The whole run takes well under two minutes. The generator shares the machine
//! with the server, so its own cost is in the figures; `wrk` is a leaner client
//! and its figures are quoted beside these in docs/server.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUN_FOR: Duration = Duration::from_secs(3);
const IDLE_CONNECTIONS: usize = 5_000;
const NEVER_READING: usize = 50;

fn main() {
    // `cargo bench` passes flags such as `--bench`; this harness takes none.
    let root = env!("CARGO_MANIFEST_DIR");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--quiet"])
        .current_dir(root)
        .status()
        .expect("run cargo build --release");
    assert!(built.success(), "cargo build --release failed");

    let data_dir = std::env::temp_dir().join(format!("helpdesk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir).expect("temp data dir");
    let server = Server::start(&format!("{root}/target/release/helpdesk"), &data_dir);
    let addr = server.addr;

    println!("helpdesk load benchmark (loopback, {} cores)", cores());
    println!("server RSS idle: {:.1} MB", server.rss_mb());
    if std::env::args().any(|a| a == "signins") {
        sign_in_memory(&server);
        server.stop();
        let _ = std::fs::remove_dir_all(&data_dir);
        return;
    }
    println!(
        "\n{:<34} {:>10} {:>10} {:>10} {:>7}",
        "scenario", "req/s", "p50", "p99", "errors"
    );
    for path in ["/healthz", "/"] {
        for conns in [1, 32, 256] {
            let r = run_load(addr, path, conns, true);
            r.print(&format!("GET {path} keep-alive x{conns}"));
        }
    }
    run_load(addr, "/healthz", 32, false).print("GET /healthz Connection: close x32");

    let idle = open_idle(addr, IDLE_CONNECTIONS);
    println!(
        "\n{} idle keep-alive connections parked; server RSS: {:.1} MB",
        idle.len(),
        server.rss_mb()
    );
    let newcomer = new_client_latency(addr, 200);
    newcomer.print("new client while they are parked");
    let busy = run_load(addr, "/healthz", 32, true);
    busy.print("GET /healthz x32 beside them");
    drop(idle);

    // Issue 9: clients that pipeline requests for a large document and never
    // read. Each costs the server one parked response, never a worker.
    let hogs = never_reading(addr, NEVER_READING, "/api/openapi.json", 100);
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "\n{} clients pipelining GET /api/openapi.json, never reading; server RSS: {:.1} MB",
        hogs.len(),
        server.rss_mb()
    );
    let traffic = std::thread::spawn(move || run_load(addr, "/healthz", 8, true));
    let fresh = new_client_latency(addr, 500);
    fresh.print("new client beside them");
    if let Ok(traffic) = traffic.join() {
        traffic.print("GET /healthz x8 beside them");
    }
    drop(hogs);

    server.stop();
    let _ = std::fs::remove_dir_all(&data_dir);
}

const SETUP_TOKEN: &str = "bench-setup-token";
const PASSWORD: &str = "correct horse battery";

/// Sets up an organization with ten accounts, signs in 100 times (ten threads,
/// each honouring `Retry-After` on 429 and 503 like a browser), and prints the
/// server's resident memory before and after.
fn sign_in_memory(server: &Server) {
    let addr = server.addr;
    let setup = format!(
        r#"{{"token":"{SETUP_TOKEN}","organization":{{"name":"Bench IT"}},
            "admin":{{"name":"Ada","email":"user0@bench.test","password":"{PASSWORD}"}}}}"#
    );
    let (status, body) = post_patiently(addr, "/api/setup", &setup);
    assert_eq!(status, 201, "setup: {body}");
    let code = body
        .split("\"join_code\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("join code in the setup answer")
        .to_string();
    for i in 1..10 {
        let register = format!(
            r#"{{"join_code":"{code}","name":"User {i}","email":"user{i}@bench.test","password":"{PASSWORD}"}}"#
        );
        let (status, body) = post_patiently(addr, "/api/auth/register", &register);
        assert_eq!(status, 201, "register: {body}");
    }
    println!(
        "server RSS after 10 accounts were created: {:.1} MB",
        server.rss_mb()
    );
    let started = Instant::now();
    let threads: Vec<_> = (0..10)
        .map(|i| {
            std::thread::spawn(move || {
                let login = format!(r#"{{"email":"user{i}@bench.test","password":"{PASSWORD}"}}"#);
                for _ in 0..10 {
                    let (status, body) = post_patiently(addr, "/api/auth/login", &login);
                    assert_eq!(status, 200, "sign-in: {body}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("sign-in thread");
    }
    println!(
        "server RSS after 100 sign-ins ({:.1} s): {:.1} MB",
        started.elapsed().as_secs_f64(),
        server.rss_mb()
    );
}

/// POSTs JSON on a fresh connection; on 429 or 503 waits `Retry-After` and
/// tries again. Returns the final status and body.
fn post_patiently(addr: SocketAddr, path: &str, json: &str) -> (u16, String) {
    loop {
        let mut s = TcpStream::connect(addr).expect("connect");
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
            json.len()
        );
        s.write_all(request.as_bytes()).expect("send");
        let mut raw = String::new();
        s.read_to_string(&mut raw).expect("read");
        let status: u16 = raw
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        if status != 429 && status != 503 {
            return (status, body.to_string());
        }
        let wait = head
            .lines()
            .find_map(|l| l.strip_prefix("Retry-After: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1);
        std::thread::sleep(Duration::from_secs(wait));
    }
}

/// The release binary running on a free loopback port.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(binary: &str, data_dir: &std::path::Path) -> Server {
        let mut child = Command::new(binary)
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            // The access log stays on (info), but goes nowhere, like a quiet journal.
            .env("RUST_LOG", "info")
            .env("HELPDESK_SETUP_TOKEN", SETUP_TOKEN)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start target/release/helpdesk");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address line");
        let url = line.trim().rsplit(' ').next().unwrap_or_default();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|_| panic!("no address in {line:?}"));
        Server { child, addr }
    }

    fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        kb / 1024.0
    }

    fn stop(mut self) {
        // SIGTERM through `kill`, so the graceful path is what ends the run.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        match self.child.wait() {
            Ok(status) => println!("\nserver exited on SIGTERM with {status}"),
            Err(e) => println!("\nserver wait failed: {e}"),
        }
    }
}

struct Report {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl Report {
    fn print(mut self, name: &str) {
        self.latencies_us.sort_unstable();
        let pct = |p: f64| -> String {
            if self.latencies_us.is_empty() {
                return "-".into();
            }
            let i = ((self.latencies_us.len() - 1) as f64 * p) as usize;
            let us = self.latencies_us[i];
            if us >= 1000 {
                format!("{:.2}ms", us as f64 / 1000.0)
            } else {
                format!("{us}us")
            }
        };
        println!(
            "{:<34} {:>10.0} {:>10} {:>10} {:>7}",
            name,
            self.requests as f64 / self.elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.99),
            self.errors
        );
    }
}

/// `conns` client threads, each sending one request at a time for [`RUN_FOR`].
fn run_load(addr: SocketAddr, path: &str, conns: usize, keep_alive: bool) -> Report {
    let stop = Arc::new(AtomicBool::new(false));
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: {connection}\r\n\r\n");
    let threads: Vec<_> = (0..conns)
        .map(|_| {
            let stop = Arc::clone(&stop);
            let request = request.clone();
            std::thread::spawn(move || client_loop(addr, request.as_bytes(), keep_alive, &stop))
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(RUN_FOR);
    stop.store(true, Ordering::Relaxed);
    let mut report = Report {
        requests: 0,
        errors: 0,
        elapsed: started.elapsed(),
        latencies_us: Vec::new(),
    };
    for t in threads {
        let (latencies, errors) = t.join().unwrap_or_default();
        report.requests += latencies.len();
        report.errors += errors;
        report.latencies_us.extend(latencies);
    }
    report
}

fn client_loop(
    addr: SocketAddr,
    request: &[u8],
    keep_alive: bool,
    stop: &AtomicBool,
) -> (Vec<u32>, usize) {
    let mut latencies = Vec::with_capacity(100_000);
    let mut errors = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let mut conn: Option<TcpStream> = None;
    while !stop.load(Ordering::Relaxed) {
        let t0 = Instant::now();
        let stream = match conn.take() {
            Some(s) => s,
            None => match TcpStream::connect(addr) {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    s
                }
                Err(_) => {
                    errors += 1;
                    continue;
                }
            },
        };
        match exchange(stream, request, &mut buf) {
            Some(stream) => {
                latencies.push(t0.elapsed().as_micros() as u32);
                if keep_alive {
                    conn = Some(stream);
                }
            }
            None => errors += 1,
        }
    }
    (latencies, errors)
}

/// One request and its 200 response; `None` on any failure.
fn exchange(mut stream: TcpStream, request: &[u8], buf: &mut [u8]) -> Option<TcpStream> {
    stream.write_all(request).ok()?;
    let mut have = 0;
    loop {
        let n = stream.read(&mut buf[have..]).ok()?;
        if n == 0 {
            return None;
        }
        have += n;
        let Some(end) = find(&buf[..have], b"\r\n\r\n") else {
            continue;
        };
        let head = std::str::from_utf8(&buf[..end]).ok()?;
        if !head.starts_with("HTTP/1.1 200") {
            return None;
        }
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .and_then(|v| v.trim().parse().ok())?;
        let total = end + 4 + len;
        while have < total {
            let n = stream.read(&mut buf[have..]).ok()?;
            if n == 0 {
                return None;
            }
            have += n;
        }
        return Some(stream);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Opens `n` keep-alive connections, each after one request, and leaves them idle.
fn open_idle(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
    let mut buf = vec![0u8; 4096];
    let mut idle = Vec::with_capacity(n);
    for _ in 0..n {
        let Ok(stream) = TcpStream::connect(addr) else {
            println!(
                "could only open {} connections (raise ulimit -n)",
                idle.len()
            );
            break;
        };
        if let Some(stream) = exchange(stream, request, &mut buf) {
            idle.push(stream);
        }
    }
    idle
}

/// Opens `n` connections that each pipeline `requests` GETs for `path` and never
/// read: their receive windows fill and the server's writes would block.
fn never_reading(addr: SocketAddr, n: usize, path: &str, requests: usize) -> Vec<TcpStream> {
    let burst: String = (0..requests)
        .map(|_| format!("GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n"))
        .collect();
    (0..n)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(addr).ok()?;
            stream.write_all(burst.as_bytes()).ok()?;
            Some(stream)
        })
        .collect()
}

/// Latency of `n` brand-new clients, one after another: connect, request, answer.
fn new_client_latency(addr: SocketAddr, n: usize) -> Report {
    let request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
    let mut buf = vec![0u8; 4096];
    let started = Instant::now();
    let mut report = Report {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies_us: Vec::new(),
    };
    for _ in 0..n {
        let t0 = Instant::now();
        match TcpStream::connect(addr)
            .ok()
            .and_then(|s| exchange(s, request, &mut buf))
        {
            Some(_) => {
                report.requests += 1;
                report.latencies_us.push(t0.elapsed().as_micros() as u32);
            }
            None => report.errors += 1,
        }
    }
    report.elapsed = started.elapsed();
    report
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
