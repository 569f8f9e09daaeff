//! The engine: sockets, threads and deadlines. It speaks HTTP/1.1 framing
//! (through `crate::http`) but knows nothing about tickets: every complete request
//! goes to a [`Handler`].
//!
//! # A request's life, and the module that owns each step
//!
//! ```text
//!  client ─connect─▶ listener.rs ─register─▶ poller.rs: parked (fd + deadline, no thread)
//!                    (accept; 503 when full)     │ readable, or writable      ▲
//!                                                │ (a response waits)         │ park: keep-alive,
//!                                                ▼                            │ head or body
//!                                   pool.rs: bounded queue                    │ incomplete, or
//!                                   (503 + Retry-After when full)             │ socket full
//!                                                ▼                            │ (Sending)
//!                     serve.rs: read ▶ parse head ▶ admit ▶ body ▶ handle ▶ write.rs
//!                                                │
//!                   close: Connection: close, framing error, deadline (408, or just
//!                   close when a response stopped moving), shutdown
//!                   turn over (32 requests): park, or back of the queue if requests
//!                   are already buffered (so no client keeps a worker to itself)
//! ```
//!
//! No step waits for a client. Reads take what is there; a response the socket
//! cannot take at once keeps its unsent rest with the connection, which parks
//! until the socket is writable (`write.rs`), so a client that never reads costs
//! memory for one response and a file descriptor, and is closed when its write
//! deadline passes.
//!
//! Read in this order:
//! 1. [`listener`]: accepts TCP connections and hands them to the poller.
//! 2. [`poller`]: parks idle connections in epoll and enforces deadlines.
//! 3. [`pool`]: the fixed set of worker threads and their bounded queue.
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
//! 11. [`stats`]: the figures `/metrics` reads (connections, queue, busy workers).
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
//! one poller thread, one stream hub thread, and `workers` worker threads. A parked connection costs a
//! file descriptor and a small struct, never a thread, so thousands of idle
//! keep-alive clients and slow "trickling" clients cannot starve new ones.

mod addresses;
mod connection;
mod exchange;
mod listener;
mod poller;
mod pool;
mod serve;
mod shutdown;
mod sink;
mod stats;
mod streams;
mod write;

pub use addresses::addresses_to_open;
pub use shutdown::ShutdownHandle;
pub use sink::SinkSpec;
pub use stats::{Snapshot, Stats};
pub use streams::{Frame, StreamHub, StreamId};

use crate::config::Limits;
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
    pub handler: Arc<dyn Handler>,
    pub limits: Limits,
    pub parking: Arc<Parking>,
    pub shutdown: ShutdownHandle,
}

/// A bound, not yet running server.
pub struct Server {
    listener: Listener,
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
        let parking = Arc::new(Parking::new()?);
        let shutdown = ShutdownHandle::new(vec![listener.waker(), parking.waker()]);
        let hub = StreamHub::new(&limits)?;
        Ok(Server {
            listener,
            workers: workers.max(1),
            context: Arc::new(Context {
                handler,
                limits,
                parking,
                shutdown,
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
        self.listener.local_addr()
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
        let capacity = ctx.limits.queue_capacity.max(1);
        let (pool, queue) = ThreadPool::new(self.workers, capacity, Arc::clone(&ctx))?;
        let poller = {
            let ctx = Arc::clone(&ctx);
            std::thread::Builder::new()
                .name("poller".into())
                .spawn(move || poller::run(&ctx, queue))?
        };

        // This thread accepts until shutdown; dropping the listener closes the
        // listening socket, so new clients are refused by the kernel from here on.
        self.listener.run(&ctx);
        drop(self.listener);
        hub.shutdown();

        let grace = ctx.limits.shutdown_grace;
        let deadline = Instant::now().checked_add(grace);
        shutdown::drain(&ctx.parking, deadline);
        ctx.parking.finish();
        if poller.join().is_err() {
            log::error!("the poller thread panicked");
        }
        if hub_thread.join().is_err() {
            log::error!("the stream hub thread panicked");
        }
        pool.shutdown(deadline.map(|d| d.max(Instant::now() + Duration::from_millis(100))));
        log::info!("server stopped");
        Ok(())
    }
}
