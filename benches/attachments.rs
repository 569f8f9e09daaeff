//! Attachment benchmark: starts the release binary on loopback and measures what
//! issue 15 asks of files.
//!
//! 1. A 25 MiB upload must raise the server's resident memory by at most 2 MiB:
//!    the body goes to a file as it arrives (`server/sink.rs`). RSS is sampled
//!    every 2 ms during the upload; the peak over the RSS before it is reported.
//! 2. 100 clients download a 1 MiB attachment at once, 10 times each on
//!    keep-alive connections: throughput and p50/p99 per download. The file is
//!    sent from disk a chunk at a time (`server/write.rs`).
//!
//! ```text
//! cargo bench --bench attachments
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const SETUP_TOKEN: &str = "bench-attachments";
const BIG: usize = 25 * 1024 * 1024;
const SMALL: usize = 1024 * 1024;
const CLIENTS: usize = 100;
const EACH: usize = 10;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--quiet"])
        .current_dir(root)
        .status()
        .expect("run cargo build --release");
    assert!(built.success(), "cargo build --release failed");
    let data_dir = std::env::temp_dir().join(format!("helpdesk-bench-att-{}", std::process::id()));
    std::fs::create_dir_all(&data_dir).expect("temp data dir");
    let mut server = start(&format!("{root}/target/release/helpdesk"), &data_dir);
    let addr = server.1;

    let cookie = setup(addr);
    let categories = get(addr, &cookie, "/api/categories").1;
    // "Other" has no required questions; its id is the last one before its name.
    let other = categories
        .find("\"name\":\"Other\"")
        .expect("the Other category");
    let at = categories[..other].rfind("\"id\":").expect("its id");
    let category = number_after(&categories[at..], "\"id\":").expect("a category id");
    let body = format!(
        r#"{{"category_id":{category},"title":"Bench","description":"Files","priority":"normal","answers":{{}}}}"#
    );
    let (status, text) = send(
        addr,
        &cookie,
        "POST",
        "/api/tickets",
        "application/json",
        body.as_bytes(),
    );
    assert_eq!(status, 201, "{text}");
    let ticket = number_after(&text, "\"number\":").expect("a ticket number");
    let path = |name: &str| format!("/api/tickets/{ticket}/attachments?name={name}");

    // Warm up: one small upload so one-time allocations are not counted.
    let (status, _) = upload(addr, &cookie, &path("warm.png"), SMALL, 1);
    assert_eq!(status, 201);
    std::thread::sleep(Duration::from_millis(200));

    let pid = server.0.id();
    let before = rss_kb(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss_kb(pid));
                std::thread::sleep(Duration::from_millis(2));
            }
            peak
        })
    };
    let started = Instant::now();
    let (status, text) = upload(addr, &cookie, &path("big.png"), BIG, 2);
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.join().unwrap_or(0);
    let after = rss_kb(pid);
    assert_eq!(status, 201, "{text}");
    println!(
        "helpdesk attachment benchmark (loopback, {} cores)",
        cores()
    );
    println!(
        "25 MiB upload: {:.0} ms ({:.0} MiB/s); server RSS {:.1} MiB before, peak +{:.2} MiB during, +{:.2} MiB after",
        took.as_secs_f64() * 1000.0,
        25.0 / took.as_secs_f64(),
        before as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0,
        after.saturating_sub(before) as f64 / 1024.0,
    );

    let (status, text) = upload(addr, &cookie, &path("one-mib.png"), SMALL, 3);
    assert_eq!(status, 201, "{text}");
    let id = number_after(&text, "\"id\":").expect("an attachment id");
    let target = format!("/api/attachments/{id}");
    let gate = Arc::new(Barrier::new(CLIENTS + 1));
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let gate = gate.clone();
            let cookie = cookie.clone();
            let target = target.clone();
            std::thread::spawn(move || download_loop(addr, &cookie, &target, &gate))
        })
        .collect();
    gate.wait();
    let started = Instant::now();
    let mut samples: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap_or_default())
        .collect();
    let wall = started.elapsed();
    samples.sort();
    let n = samples.len();
    let pct = |p: f64| samples[((n as f64 * p) as usize).min(n - 1)];
    println!(
        "{CLIENTS} concurrent downloads of 1 MiB x {EACH}: {n} in {:.2} s = {:.0} downloads/s, {:.0} MiB/s; \
         p50 {:.1} ms, p99 {:.1} ms; server RSS after {:.1} MiB",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        rss_kb(pid) as f64 / 1024.0,
    );
    assert_eq!(n, CLIENTS * EACH, "every download completed");

    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = server.0.wait();
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// `EACH` downloads on one keep-alive connection; the time of each.
fn download_loop(addr: SocketAddr, cookie: &str, target: &str, gate: &Barrier) -> Vec<Duration> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut body = vec![0u8; SMALL];
    gate.wait();
    let mut times = Vec::with_capacity(EACH);
    for _ in 0..EACH {
        let t = Instant::now();
        stream.write_all(request.as_bytes()).expect("send");
        let len = read_head(&mut reader);
        assert_eq!(len, SMALL, "a whole file");
        reader.read_exact(&mut body).expect("body");
        times.push(t.elapsed());
    }
    times
}

/// Reads a response head; returns its Content-Length.
fn read_head(reader: &mut BufReader<TcpStream>) -> usize {
    let mut len = 0;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("head");
        if line == "\r\n" || line.is_empty() {
            return len;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
}

/// Streams `len` bytes of a PNG-looking file (distinct per `seed`) in 64 KiB
/// writes: the client never holds the file either.
fn upload(addr: SocketAddr, cookie: &str, path: &str, len: usize, seed: u8) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nX-Requested-With: bench\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).expect("head");
    let mut chunk = vec![seed; 64 * 1024];
    chunk[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut sent = 0;
    while sent < len {
        let n = chunk.len().min(len - sent);
        s.write_all(&chunk[..n]).expect("body");
        if sent == 0 {
            chunk[..8].fill(seed);
        }
        sent += n;
    }
    read_all(s)
}

fn setup(addr: SocketAddr) -> String {
    let body = format!(
        r#"{{"token":"{SETUP_TOKEN}","organization":{{"name":"Bench IT"}},"admin":{{"name":"Bench Admin","email":"bench@example.test","password":"correct horse battery"}}}}"#
    );
    let mut s = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "POST /api/setup HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    raw.lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie: {raw}"))
        .to_string()
}

fn get(addr: SocketAddr, cookie: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).expect("send");
    read_all(s)
}

fn send(
    addr: SocketAddr,
    cookie: &str,
    method: &str,
    path: &str,
    kind: &str,
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nContent-Type: {kind}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("send");
    s.write_all(body).expect("send");
    read_all(s)
}

fn read_all(mut s: TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn number_after(text: &str, key: &str) -> Option<i64> {
    let at = text.find(key)? + key.len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn start(binary: &str, data_dir: &std::path::Path) -> (Child, SocketAddr) {
    let mut child = Command::new(binary)
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .env("HELPDESK_SETUP_TOKEN", SETUP_TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start target/release/helpdesk");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the address line");
    let url = line.trim().rsplit(' ').next().unwrap_or_default();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("no address in {line:?}"));
    (child, addr)
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
