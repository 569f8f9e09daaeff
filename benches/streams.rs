//! Stream hub benchmark: what 1,000 open server-sent event streams cost.
//!
//! The bench re-runs its own binary as the server (a child process, so its
//! memory is measured apart from the clients'): the HTTP engine with a tiny
//! handler where `GET /events` opens a stream, `POST /publish` broadcasts one
//! event to every open stream, and anything else answers `ok`. Then it reports:
//!
//! 1. the server's RSS before and after 1,000 streams are open;
//! 2. brand-new HTTP clients (connect, `GET /healthz`, answer) while they are
//!    open: p50/p99, target p99 under 5 ms, which shows no worker is held;
//! 3. fan-out: the time from asking for a publish to each of the 1,000 streams
//!    receiving the event, over 20 events: p50/p99, target p99 under 50 ms.
//!
//! It does this twice: once on the raw hub (`/events`, `/publish`), then through
//! the help desk's live layer (`/live/events`, `/live/publish`): each stream
//! subscribed to a `live::LiveHub` as a person of one organization, each event
//! published there (stored in the replay log, filtered per subscriber by its
//! audience, then queued on the hub), as `GET /api/events` and `State::tell` do.
//!
//! Run: `ulimit -n 20000 && cargo bench --bench streams` (about 10 s).

use helpdesk::config::Limits;
use helpdesk::domain::{OrgId, UserId};
use helpdesk::http::sse::Event;
use helpdesk::http::{Method, Request, Response, Status};
use helpdesk::live::{Audience, LiveHub, Viewer, REPLAY_EVENTS};
use helpdesk::server::{Handler, Server, StreamHub, StreamId};
use polling::{Events, Poller};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const STREAMS: usize = 1_000;
const EVENTS: usize = 20;
const NEW_CLIENTS: usize = 500;
const ROLE: &str = "HELPDESK_STREAMS_BENCH_SERVER";

fn main() {
    if std::env::var_os(ROLE).is_some() {
        return serve();
    }
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(ROLE, "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server child");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address line");
    let addr: SocketAddr = line.trim().parse().expect("an address");

    println!("stream hub benchmark (loopback, 4 workers)");
    measure(&child, addr, "", "raw hub");
    measure(
        &child,
        addr,
        "/live",
        "live hub (audience filter, replay log)",
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Opens [`STREAMS`] streams under `prefix`, measures, and closes them.
fn measure(child: &Child, addr: SocketAddr, prefix: &str, label: &str) {
    let idle_rss = rss_mb(child);
    let mut streams: Vec<TcpStream> = (0..STREAMS).map(|_| open_stream(addr, prefix)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let open_rss = rss_mb(child);
    println!(
        "{label}: server RSS {idle_rss:.1} MB before, {open_rss:.1} MB with {STREAMS} streams open \
         ({:.1} KB per stream)",
        (open_rss - idle_rss) * 1024.0 / STREAMS as f64
    );

    let mut fresh = Vec::with_capacity(NEW_CLIENTS);
    for _ in 0..NEW_CLIENTS {
        let t0 = Instant::now();
        let mut s = TcpStream::connect(addr).expect("connect");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
            .expect("write");
        let mut out = Vec::new();
        s.read_to_end(&mut out).expect("read");
        assert!(out.starts_with(b"HTTP/1.1 200"), "healthz answered");
        fresh.push(t0.elapsed());
    }
    report(
        &format!("{label}: new client GET /healthz beside them"),
        &mut fresh,
    );

    let mut fan_out = fan_out(addr, prefix, &mut streams);
    report(
        &format!("{label}: one event to all {STREAMS} streams, arrival"),
        &mut fan_out,
    );

    drop(streams);
    std::thread::sleep(Duration::from_millis(300));
}

/// Opens one stream and reads its head and `retry:` line.
fn open_stream(addr: SocketAddr, prefix: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect (raise ulimit -n)");
    s.write_all(format!("GET {prefix}/events HTTP/1.1\r\nHost: b\r\n\r\n").as_bytes())
        .expect("write");
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"retry: 3000\n\n") {
        s.read_exact(&mut byte).expect("the stream's start");
        seen.push(byte[0]);
    }
    s
}

/// Publishes [`EVENTS`] events one at a time; for each, the time from the
/// publish request to its arrival on every stream.
fn fan_out(addr: SocketAddr, prefix: &str, streams: &mut [TcpStream]) -> Vec<Duration> {
    let poller = Poller::new().expect("poller");
    for (key, s) in streams.iter().enumerate() {
        s.set_nonblocking(true).expect("non-blocking");
        // SAFETY: every socket is deleted from the poller below, before it closes.
        unsafe { poller.add(s, polling::Event::readable(key)) }.expect("register");
    }
    let mut arrivals = Vec::with_capacity(EVENTS * streams.len());
    let mut buf = [0u8; 4096];
    let mut events = Events::new();
    for seq in 0..EVENTS {
        let needle = format!("data: {seq}\n\n");
        let mut got = vec![Vec::new(); streams.len()];
        let mut done = vec![false; streams.len()];
        let mut left = streams.len();
        let t0 = Instant::now();
        let mut publish = TcpStream::connect(addr).expect("connect");
        let request = format!(
            "POST {prefix}/publish HTTP/1.1\r\nHost: b\r\nContent-Length: 0\r\nX-Seq: {seq}\r\n\
             Connection: close\r\n\r\n"
        );
        publish.write_all(request.as_bytes()).expect("publish");
        while left > 0 {
            events.clear();
            poller
                .wait(&mut events, Some(Duration::from_secs(5)))
                .expect("wait");
            assert!(
                !events.is_empty(),
                "event {seq}: {left} streams got nothing"
            );
            for ev in events.iter() {
                let key = ev.key;
                while let Ok(n) = streams[key].read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got[key].extend_from_slice(&buf[..n]);
                }
                if !done[key]
                    && got[key]
                        .windows(needle.len())
                        .any(|w| w == needle.as_bytes())
                {
                    done[key] = true;
                    left -= 1;
                    arrivals.push(t0.elapsed());
                }
                poller
                    .modify(&streams[key], polling::Event::readable(key))
                    .expect("re-arm");
            }
        }
        let _ = publish.read_to_end(&mut Vec::new());
    }
    for s in streams.iter() {
        let _ = poller.delete(s);
    }
    arrivals
}

fn report(name: &str, samples: &mut [Duration]) {
    samples.sort_unstable();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    println!(
        "{name:<44} n={:<6} p50 {:>9.3?}  p99 {:>9.3?}  max {:>9.3?}",
        samples.len(),
        pct(0.50),
        pct(0.99),
        samples[samples.len() - 1]
    );
}

fn rss_mb(child: &Child) -> f64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// The server side: the engine with a handler that opens and feeds streams.
struct Bench {
    hub: StreamHub,
    open: Arc<Mutex<Vec<StreamId>>>,
    live: Arc<LiveHub<StreamId>>,
    people: std::sync::atomic::AtomicI64,
}

impl Handler for Bench {
    fn handle(&self, request: Request) -> Response {
        match (request.method, request.path()) {
            (Method::Get, "/events") => match self.hub.open() {
                Ok((id, response)) => {
                    self.open.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                    response
                }
                Err(busy) => busy,
            },
            (Method::Post, "/publish") => {
                let seq = request.headers.get("x-seq").unwrap_or("0").to_string();
                let ids = self.open.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let sent = self
                    .hub
                    .broadcast(&ids, Event::new(seq).event("bench").encode());
                Response::text(Status::OK, sent.to_string())
            }
            (Method::Get, "/live/events") => match self.hub.open() {
                Ok((id, response)) => {
                    let user = self
                        .people
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let viewer = Viewer {
                        user: UserId(user),
                        org: OrgId(1),
                        staff: user % 2 == 0,
                        session: format!("s{user}"),
                    };
                    self.live.subscribe(id, viewer, Some(0));
                    response
                }
                Err(busy) => busy,
            },
            (Method::Post, "/live/publish") => {
                let seq: i64 = request
                    .headers
                    .get("x-seq")
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0);
                // Staff hear it, and every requester is a reader: all 1,000 admit it,
                // each after the same per-subscriber check a real event gets.
                let readers = (1..=STREAMS as i64 * 2).map(UserId).collect();
                let event = helpdesk::live::Event::new(
                    OrgId(1),
                    "bench",
                    Audience::Ticket { readers },
                    serde_json::json!(seq),
                );
                self.live.publish(event);
                Response::text(Status::OK, "ok")
            }
            _ => Response::text(Status::OK, "ok"),
        }
    }
}

fn serve() {
    let limits = Limits::default();
    let hub = StreamHub::new(&limits).expect("hub");
    let open = Arc::new(Mutex::new(Vec::new()));
    let closed = Arc::clone(&open);
    let live_hub: Arc<std::sync::OnceLock<Arc<LiveHub<StreamId>>>> = Arc::default();
    let forget = Arc::clone(&live_hub);
    hub.on_close(move |id| {
        closed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|&o| o != id);
        if let Some(live) = forget.get() {
            live.unsubscribe(id);
        }
    });
    let live = Arc::new(LiveHub::new(Arc::new(hub.clone()), 1, REPLAY_EVENTS));
    let _ = live_hub.set(Arc::clone(&live));
    let handler = Arc::new(Bench {
        hub: hub.clone(),
        open,
        live: Arc::clone(&live),
        people: std::sync::atomic::AtomicI64::new(1),
    });
    let server = Server::bind("127.0.0.1:0", 4, limits, handler)
        .expect("bind")
        .with_stream_hub(hub);
    println!("{}", server.local_addr().expect("address"));
    server.run().expect("run");
}
