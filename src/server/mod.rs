//! The engine: sockets, threads and deadlines. It speaks HTTP/1.1 framing
//! (through `crate::http`) but knows nothing about tickets: every complete request
//! goes to a [`Handler`].
//!
//! # A request's life, and the module that owns each step
//!
//! ```text
//!  client ─connect─▶ listener.rs, run by a worker that epoll told of it: accept up to 32
//!                    (TLS session on an HTTPS port; 503 when full) ─▶ ready queue
//!                                            │ served at once: the request usually came with it
//!  poller.rs: parked (fd + deadline, no thread)  ◀───────────────────────────┐
//!                                            │ readable, or writable          │ park: keep-alive,
//!                                            │ (a response waits)             │ head or body
//!                                            ▼                                │ incomplete, or
//!              a worker itself, as a leader in epoll_wait (pool.rs):          │ socket full
//!              keeps one ready connection, queues the rest (503 +             │ (Sending); first
//!              Retry-After past the queue's capacity)                         │ park registers
//!                                            ▼                                │
//!                     serve.rs: read ▶ parse head ▶ admit ▶ body ▶ handle ▶ write.rs
//!                     (transport.rs: plain TCP, or TLS decrypted and encrypted here)
//!                                            │
//!                   close: Connection: close, framing error, deadline (408, or just
//!                   close when a response stopped moving), shutdown
//!                   turn over (32 requests): park, or back of the queue if requests
//!                   are already buffered (so no client keeps a worker to itself)
//! ```
//!
//! # How a ready request reaches a worker, before and after
//!
//! First, one poller thread sat in `epoll_wait`; a keep-alive request crossed
//! two threads: the worker parked the connection, the poller thread woke and
//! queued it, a worker woke and served it. A listener thread accepted every
//! connection and registered it, and a worker was woken to read it. Now the
//! workers do all of it themselves (`poller.rs`), in four steps:
//!
//! 1. **Leader/follower.** The idle worker in `epoll_wait` takes the ready
//!    connection and serves it on the same thread. A client sending one request
//!    at a time is served by one thread from `epoll_wait` to `write`.
//! 2. **One system call per wait.** The `polling` crate's wait costs five (it
//!    arms a timer descriptor and re-arms its notifier around `epoll_wait`), so
//!    the workers call epoll themselves (`epoll.rs`); a read that came back
//!    short means the socket is empty, so the worker parks without reading
//!    again for "would block"; a closed socket leaves epoll by itself; `accept4`
//!    makes a socket non-blocking in the same call.
//! 3. **No wake-up chain.** Workers used to wake a follower for every connection
//!    they left in the queue, and on two cores that cost almost one `futex` call
//!    per request and a context switch every six. Now up to one worker per core
//!    waits in epoll and busy workers drain the queue between them. A follower
//!    is woken only at light load (so that someone always waits in epoll) and
//!    by the overseer, for a connection stuck behind a slow handler.
//! 4. **Workers accept.** The listening socket sits in the same epoll; a
//!    fresh connection is served from the queue at once and registered only if
//!    it must wait.
//!
//! A keep-alive request now costs a read, a write, a re-arm and a share of one
//! `epoll_wait`, on one thread. What each step did, from `perf stat` on the
//! server during `wrk -t2 -c32 -d5s` against `GET /healthz` (release builds):
//!
//! | per request, keep-alive | poller thread | + leader/follower, own epoll | + no wake-up chain, workers accept |
//! |---|---|---|---|
//! | system calls | 5.5–6.3 | 4.25–4.46 | 3.15 |
//! | `futex` calls | | 0.98 | 0.01 |
//! | context switches | 0.30–0.38 | 0.15–0.19 | 0.05–0.10 |
//! | server CPU time, µs | 12.0–14.0 | 10.3–13.1 | 8.2–9.2 |
//!
//! Requests per second, from `CEILING=1 benches/handoff.sh` (old and new
//! binaries alternated, five rounds, medians; 2026-11-30, wrk on the same two
//! cores): keep-alive `/healthz` 1.34 and 1.29 times the old binary in two
//! runs, `/` 1.24 and 1.28 times, `Connection: close` 1.15 and 1.17 times. On
//! the same runs `examples/ceiling.rs`, a server that only reads and answers
//! with the same bytes (one thread per core, no locks, edge-triggered), reached
//! 1.50 / 1.52, 1.36 / 1.36 and 1.20 / 1.21 times: the issue's target of 1.4
//! times for keep-alive `/` is beyond what even that reaches here, and 1.2 times
//! for `Connection: close` is at it. The kernel's part (loopback TCP, waking
//! `wrk`) is fixed, so the gap to the ceiling, 10 % or less, is all there is
//! left to win. axum on tokio, serving the same bytes in the second run,
//! reached 1.34, 1.20 and 1.00 times. The README has the table.
//!
//! Two experiments did not survive. Every idle worker waiting in `epoll_wait`
//! for one event (no leader, the kernel choosing whom to wake) doubled the
//! context switches per request, because every event woke a sleeping thread.
//! Waking one more worker for every batch that left connections queued brought
//! back a quarter of a context switch per request and did not shorten the
//! tail. Under `wrk` on the same two cores, at full load, the p99 latency rose
//! from about 1 ms to 4–6 ms, as it is for axum and the ceiling (3–4 ms): busy
//! workers no longer sleep, so `wrk`'s own threads wait for a core. The
//! `load` bench's own client, which waits less for the CPU, measures p99
//! 1.15 ms at 32 keep-alive connections.
//!
//! No step waits for a client. Reads take what is there; a response the socket
//! cannot take at once keeps its unsent rest with the connection, which parks
//! until the socket is writable (`write.rs`), so a client that never reads costs
//! memory for one response and a file descriptor, and is closed when its write
//! deadline passes.
//!
//! Read in this order:
//! 1. [`listener`]: accepts TCP connections (in whichever worker epoll told)
//!    into the ready queue.
//! 2. [`poller`]: parks idle connections in epoll, hands ready ones to workers
//!    (leader/follower) and enforces deadlines; [`epoll`] is the thin layer
//!    over the system calls it makes (one per wait).
//! 3. [`pool`]: the fixed set of worker threads.
//! 4. [`connection`]: what is remembered about a connection between reads, and
//!    its deadlines.
//! 5. [`serve`]: the per-connection loop a worker runs for one bounded turn
//!    (RFC 9112: persistence, pipelining, closing).
//! 6. [`exchange`]: one request from parsed head to response (framing of the
//!    body, `Expect`, `HEAD`, handler panics, stream hand-off).
//! 7. [`write`]: puts a response on the wire; what the socket cannot take
//!    waits with the connection (the outbox), under a write deadline.
//! 8. [`sink`]: large bodies (uploads) written to a temporary file as they
//!    arrive, under a minimum-rate deadline; `write.rs` sends files back the
//!    same way, a chunk at a time as the socket takes it.
//! 9. [`shutdown`]: the graceful stop.
//! 10. [`streams`]: the stream hub, which owns server-sent event streams after
//!     their head is out, so a stream never holds a worker.
//! 11. [`transport`]: plain TCP or TLS under one `Read`/`Write`, for workers and
//!     the hub alike; the TLS handshake is driven by the same non-blocking reads.
//! 12. `crate::http::forwarded`: `X-Forwarded-For`/`-Proto`, believed from
//!     trusted proxies only (applied in `serve.rs`).
//! 13. [`stats`]: the figures `/metrics` reads (connections, queue, busy workers).
//!
//! # HTTPS
//! [`Server::with_tls`] takes a rustls configuration (`crate::tls` reads the
//! PEM files). Each accepted socket then gets a TLS session (`transport.rs`);
//! everything above reads and writes plaintext through it, so deadlines,
//! parking, the outbox and the stream hub work unchanged. The handshake is just
//! the first bytes a connection exchanges: it happens in non-blocking reads
//! under the first-request deadline, so a client that stalls mid-handshake
//! holds no worker and is closed like one that never sends a head. Answers over
//! HTTPS carry `Strict-Transport-Security` (`exchange.rs`).
//!
//! # Streams
//!
//! ```text
//!  handler: hub.open() ─▶ (StreamId, Response) ─▶ write.rs sends the head
//!                                   │ hand-off (socket, non-blocking)
//!                                   ▼
//!  any thread: send / broadcast / close ─▶ streams.rs hub thread, own epoll:
//!        bounded queue per stream, writes when writable, heartbeat, evicts a
//!        client that stops reading, closes all at shutdown ─▶ on_close(id)
//! ```
//!
//! The application gets the hub before the server exists (it holds a clone in
//! its state): `StreamHub::new(&limits)`, then
//! `Server::bind(..)?.with_stream_hub(hub)`. A server bound without one makes
//! its own ([`Server::stream_hub`]).
//!
//! The threads are: the caller of [`Server::run`] (which waits for shutdown
//! and then stops the listening socket), one overseer thread (deadlines, the
//! watch for connections queued behind slow handlers, and the lead while every
//! worker is busy), one stream hub thread, and `workers` worker threads, which
//! also accept. A parked connection
//! costs a file descriptor and a small struct, never a thread, so thousands of
//! idle keep-alive clients and slow "trickling" clients cannot starve new ones.

mod addresses;
mod connection;
mod epoll;
mod exchange;
mod listener;
mod poller;
mod pool;
mod serve;
mod shutdown;
mod sink;
mod stats;
mod streams;
mod transport;
mod write;

pub use addresses::addresses_to_open;
pub use shutdown::ShutdownHandle;
pub use sink::SinkSpec;
pub use stats::{Snapshot, Stats};
pub use streams::{Frame, StreamHub, StreamId};
pub use transport::Transport;

use crate::config::Limits;
use crate::http::forwarded::IpNet;
use crate::http::{Request, Response};
use listener::Listener;
use poller::Parking;
use pool::ThreadPool;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the server calls for every request. Implemented by `api::App`.
pub trait Handler: Send + Sync + 'static {
    /// Called once the head is parsed and before any of the body is read.
    ///
    /// Return `Ok(limit)` to have the body read, up to `limit` bytes (`default` is
    /// the server-wide limit), or `Err(response)` to answer at once: the body is
    /// then never read, `Expect: 100-continue` gets the final status instead of
    /// `100 Continue`, and the connection is closed if a body was announced.
    fn admit(&self, request: &Request, default: usize) -> Result<usize, Response> {
        let _ = request;
        Ok(default)
    }

    /// Like [`Handler::admit`], but may also send the body to a file
    /// ([`Admission::Sink`]) instead of memory: for routes that take large
    /// bodies. The default asks `admit` and keeps the body in memory.
    fn admit_body(&self, request: &Request, default: usize) -> Result<Admission, Response> {
        self.admit(request, default).map(Admission::Memory)
    }

    /// Answers one complete request.
    fn handle(&self, request: Request) -> Response;
}

/// How the server reads an admitted request's body.
#[derive(Debug, Clone)]
pub enum Admission {
    /// Into `Request::body`, up to this many bytes.
    Memory(usize),
    /// Into a temporary file as it arrives (`Request::upload`); see `sink.rs`.
    Sink(SinkSpec),
}

/// What every worker needs to serve a connection; shared read-only.
pub(crate) struct Context {
    pub listener: Listener,
    pub handler: Arc<dyn Handler>,
    pub limits: Limits,
    pub parking: Arc<Parking>,
    pub shutdown: ShutdownHandle,
    /// Set when this server speaks HTTPS (`Server::with_tls`).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Reverse proxies whose `X-Forwarded-*` fields are believed.
    pub trusted_proxies: Vec<IpNet>,
}

/// A bound, not yet running server.
pub struct Server {
    workers: usize,
    context: Arc<Context>,
    hub: StreamHub,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port, as tests do) and prepares the
    /// pollers, so [`Server::shutdown_handle`] works before [`Server::run`].
    pub fn bind(
        addr: &str,
        workers: usize,
        limits: Limits,
        handler: Arc<dyn Handler>,
    ) -> io::Result<Server> {
        let listener = Listener::bind(addr)?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let parking = Arc::new(Parking::new(limits.queue_capacity, cores.min(workers))?);
        listener.start(&parking.registry().epoll)?;
        // Only the listener is woken at once: the workers' epoll is woken for
        // good by `Parking::finish`, after the drain (the overseer's sweep
        // closes idle connections meanwhile).
        let shutdown = ShutdownHandle::new(vec![listener.waker()]);
        let hub = StreamHub::new(&limits)?;
        Ok(Server {
            workers: workers.max(1),
            context: Arc::new(Context {
                listener,
                handler,
                limits,
                parking,
                shutdown,
                tls: None,
                trusted_proxies: Vec::new(),
            }),
            hub,
        })
    }

    /// Serves streams through `hub` (made before the server, so the handler
    /// could keep a clone) instead of the one `bind` made.
    pub fn with_stream_hub(mut self, hub: StreamHub) -> Server {
        self.hub = hub;
        self
    }

    /// Speaks HTTPS with `config` (see `crate::tls::server_config`) instead of
    /// plain HTTP. Call before [`Server::run`].
    pub fn with_tls(mut self, config: Arc<rustls::ServerConfig>) -> Server {
        self.context_mut().tls = Some(config);
        self
    }

    /// Believes `X-Forwarded-For` and `X-Forwarded-Proto` from these addresses
    /// (reverse proxies) only. Call before [`Server::run`].
    pub fn with_trusted_proxies(mut self, proxies: Vec<IpNet>) -> Server {
        self.context_mut().trusted_proxies = proxies;
        self
    }

    /// The context is shared only once `run` starts; before that it is ours.
    fn context_mut(&mut self) -> &mut Context {
        match Arc::get_mut(&mut self.context) {
            Some(ctx) => ctx,
            None => unreachable!("the context is shared only by Server::run"),
        }
    }

    /// True when this server speaks HTTPS.
    pub fn is_tls(&self) -> bool {
        self.context.tls.is_some()
    }

    /// The hub that owns this server's event streams.
    pub fn stream_hub(&self) -> StreamHub {
        self.hub.clone()
    }

    /// A handle on this server's connection and queue figures (for `/metrics`).
    /// Take it after [`Server::with_stream_hub`], so it watches the right hub.
    pub fn stats(&self) -> Stats {
        Stats {
            parking: Arc::clone(&self.context.parking),
            hub: self.hub.clone(),
        }
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.context.listener.local_addr()
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.context.shutdown.clone()
    }

    /// Serves until [`ShutdownHandle::shutdown`] is called, then stops gracefully:
    /// no new connections, idle ones closed, event streams closed (a stream never
    /// ends by itself, so it is not waited for), requests in flight finished
    /// (within `limits.shutdown_grace`), workers joined.
    pub fn run(self) -> io::Result<()> {
        let ctx = self.context;
        let hub = self.hub;
        let hub_thread = {
            let hub = hub.clone();
            std::thread::Builder::new()
                .name("streams".into())
                .spawn(move || hub.run())?
        };
        let pool = ThreadPool::new(self.workers, Arc::clone(&ctx))?;
        let overseer = {
            let ctx = Arc::clone(&ctx);
            std::thread::Builder::new()
                .name("overseer".into())
                .spawn(move || poller::oversee(&ctx))?
        };

        // The workers accept; this thread waits for shutdown, then stops the
        // listening socket, so new clients are refused by the kernel from here on.
        ctx.listener.wait_for_shutdown(&ctx);
        ctx.listener.stop(&ctx.parking.registry().epoll);
        hub.shutdown();

        let grace = ctx.limits.shutdown_grace;
        let deadline = Instant::now().checked_add(grace);
        shutdown::drain(&ctx.parking, deadline);
        ctx.parking.finish();
        if overseer.join().is_err() {
            log::error!("the overseer thread panicked");
        }
        if hub_thread.join().is_err() {
            log::error!("the stream hub thread panicked");
        }
        pool.shutdown(deadline.map(|d| d.max(Instant::now() + Duration::from_millis(100))));
        log::info!("server stopped");
        Ok(())
    }
}
