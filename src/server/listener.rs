//! Step 1 of a request's life: a TCP connection is accepted.
//!
//! The thread that calls `Server::run` becomes the listener. It sleeps in its own
//! small epoll instance (so [`ShutdownHandle`](super::ShutdownHandle) can wake it),
//! accepts every pending connection, prepares each socket and registers it with
//! the poller. It never reads: a client that connects and says nothing costs a
//! parked entry, not a thread.
//!
//! Each socket is made non-blocking (workers only read what is there), gets
//! `TCP_NODELAY` (a response leaves in one write, and Nagle's algorithm would hold
//! it back waiting for an ACK the client delays). No socket ever blocks, so none
//! needs `SO_SNDTIMEO`: a response waits for a slow reader in its connection's
//! outbox (`write.rs`), a stream in the hub (`streams.rs`). Beyond `limits.max_connections` open connections a
//! new client gets `503 Service Unavailable` and is closed: file descriptors and
//! memory stay bounded whatever the clients do.

use super::connection::Connection;
use super::transport::Transport;
use super::{write, Context};
use crate::http::Response;
use polling::{Event, Events, Poller};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// The listening socket and the epoll instance it waits in.
pub(crate) struct Listener {
    socket: TcpListener,
    poller: Arc<Poller>,
}

impl Listener {
    pub fn bind(addr: &str) -> io::Result<Listener> {
        let socket = TcpListener::bind(addr)?;
        socket.set_nonblocking(true)?;
        let poller = Poller::new()?;
        // SAFETY: `Drop` deletes the socket from the poller before it is closed.
        unsafe { poller.add(&socket, Event::readable(0))? };
        Ok(Listener {
            socket,
            poller: Arc::new(poller),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    pub fn waker(&self) -> Arc<Poller> {
        Arc::clone(&self.poller)
    }

    /// Accepts until shutdown begins.
    pub fn run(&self, ctx: &Context) {
        let mut events = Events::new();
        while !ctx.shutdown.is_shutting_down() {
            events.clear();
            if let Err(e) = self.poller.wait(&mut events, None) {
                if e.kind() != io::ErrorKind::Interrupted {
                    log::error!("listener wait failed: {e}");
                    std::thread::sleep(Duration::from_millis(100));
                }
                continue;
            }
            if ctx.shutdown.is_shutting_down() {
                break;
            }
            self.accept_pending(ctx);
            if let Err(e) = self.poller.modify(&self.socket, Event::readable(0)) {
                log::error!("cannot re-arm the listening socket: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    fn accept_pending(&self, ctx: &Context) {
        loop {
            match self.socket.accept() {
                Ok((stream, peer)) => admit(ctx, stream, peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Typically EMFILE: out of file descriptors. Pausing lets
                    // closing connections free some instead of spinning.
                    log::warn!("accept failed: {e}");
                    std::thread::sleep(Duration::from_millis(10));
                    return;
                }
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.poller.delete(&self.socket);
    }
}

/// Prepares an accepted socket and parks it, or refuses it when full.
fn admit(ctx: &Context, stream: TcpStream, peer: SocketAddr) {
    if ctx.parking.open_connections() >= ctx.limits.max_connections {
        log::warn!("{peer}: connection limit reached; answered 503");
        // Over TLS a plain answer would be noise to the client: just close.
        if ctx.tls.is_none() {
            let mut plain = Transport::plain(stream);
            write::best_effort(&mut plain, Response::service_unavailable(), &[]);
        }
        return;
    }
    let prepared = stream
        .set_nonblocking(true)
        .and_then(|()| stream.set_nodelay(true));
    if let Err(e) = prepared {
        log::debug!("{peer}: could not prepare the socket: {e}");
        return;
    }
    let stream = match &ctx.tls {
        None => Transport::plain(stream),
        Some(config) => match Transport::tls(stream, config) {
            Ok(stream) => stream,
            Err(e) => {
                log::warn!("{peer}: could not start a TLS session: {e}");
                return;
            }
        },
    };
    // Over TLS the handshake happens within this deadline too: a client that
    // stalls mid-handshake is closed like one that never sends a head.
    let first_request_within = ctx.limits.head_timeout.min(ctx.limits.idle_timeout);
    let id = ctx.parking.next_id();
    let conn = Connection::new(
        id,
        stream,
        peer,
        ctx.parking.registry(),
        first_request_within,
    );
    ctx.parking.register(conn);
}
