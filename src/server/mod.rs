//! The engine: sockets, threads and deadlines. It speaks HTTP/1.1 framing
//! (through `crate::http`) but knows nothing about tickets: every complete request
//! goes to a [`Handler`].
//!
//! # A request's life, and the module that owns each step
//!
//! ```text
//!  client ─connect─▶ listener.rs ─register─▶ poller.rs: parked (fd + deadline, no thread)
//!                    (accept; TLS session    │ readable, or writable        ▲
//!                    on an HTTPS port;       │ (a response waits)           │ park: keep-alive,
//!                    503 when full)          ▼                              │ head or body
//!              a worker itself, as leader in epoll_wait (pool.rs):          │ incomplete, or
//!              keeps one ready connection, queues the rest for the          │ socket full
//!              followers (503 + Retry-After past the queue's capacity)      │ (Sending)
//!                                            ▼                              │
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
//! queued it, a worker woke and served it. Now the workers wait for readiness
//! themselves (leader/follower, `poller.rs`): the idle worker in `epoll_wait`
//! takes the ready connection and serves it on the same thread, after waking a
//! follower to lead in its place. A client sending one request at a time is
//! served by one thread from `epoll_wait` to `write`. The overseer thread (the
//! old poller's other duties) sweeps deadlines and, only when every worker is
//! busy, looks at epoll to queue or refuse (503) what arrives meanwhile.
//!
//! Then the system calls: the `polling` crate's wait costs five (it arms a
//! timer descriptor and re-arms its notifier around `epoll_wait`), so the
//! workers now call epoll themselves (`epoll.rs`, one call per wait); a read
//! that came back short means the socket is empty, so the worker parks without
//! reading again for "would block"; a closed socket leaves epoll by itself; and
//! `accept4` makes a socket non-blocking in the same call. A keep-alive
//! request now costs a read, a write, a re-arm and a share of one
//! `epoll_wait`.
//!
//! What each step did, from `perf stat -e raw_syscalls:sys_enter,context-switches,task-clock`
//! on the server during `wrk -t2 -c32 -d5s` (keep-alive, release builds, the
//! old binary being the commit before leader/follower):
//!
//! | per request, keep-alive | poller thread | leader/follower | + own epoll |
//! |---|---|---|---|
//! | system calls, `GET /healthz` | 5.5–6.2 | 5.7 | 4.25–4.43 |
//! | system calls, `GET /` | 5.9–6.3 | | 4.31–4.46 |
//! | context switches | 0.38–0.76 | 0.29 | 0.30–0.44 |
//! | server CPU time, µs | 12.0–12.6 | | 10.6–11.4 |
//!
//! Requests per second are a different story on this 2-core machine, where
//! `wrk` takes one core and other builds kept the load average at 7 to 28
//! during every measurement: runs swing by a third, and the old design, with
//! more threads runnable, gets a bigger share of a contended CPU. Alternated
//! runs (`benches/handoff.sh`) have not shown the issue's target of 1.4 times
//! (keep-alive) and 1.2 times (`Connection: close`) the old binary's requests
//! per second; see the README for the figures. About 80 % of the server's CPU
//! time per request is in the kernel (TCP on loopback, scheduling), so the
//! user-space work left is a small share.
//!
//! One experiment did not survive: every idle worker waiting in `epoll_wait`
//! for one event (no leader, the kernel choosing whom to wake). It doubled
//! the context switches per request (0.62–0.73), because every event woke a
//! sleeping thread, where a leader takes up to eight events at once and
//! followers find them queued without sleeping.
//!
//! No step waits for a client. Reads take what is there; a response the socket
//! cannot take at once keeps its unsent rest with the connection, which parks
//! until the socket is writable (`write.rs`), so a client that never reads costs
//! memory for one response and a file descriptor, and is closed when its write
//! deadline passes.
//!
//! Read in this order:
//! 1. [`listener`]: accepts TCP connections and hands them to the poller.
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
//! The threads are: the caller of [`Server::run`] (which becomes the listener),
//! one overseer thread (deadlines, and the lead while every worker is busy),
//! one stream hub thread, and `workers` worker threads. A parked connection
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
