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
use super::epoll::{Epoll, Ready};
use super::transport::Transport;
use super::{write, Context};
use crate::http::Response;
use rustix::net::SocketFlags;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// The listening socket and the epoll instance it waits in.
pub(crate) struct Listener {
    socket: TcpListener,
    epoll: Arc<Epoll>,
}

impl Listener {
    pub fn bind(addr: &str) -> io::Result<Listener> {
        let socket = TcpListener::bind(addr)?;
        socket.set_nonblocking(true)?;
        let epoll = Epoll::new()?;
        // Only this thread waits here, so the socket can stay armed: no
        // re-arming after every batch of accepts.
        epoll.add_persistent(&socket, 0)?;
        Ok(Listener {
            socket,
            epoll: Arc::new(epoll),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    pub fn waker(&self) -> Arc<Epoll> {
        Arc::clone(&self.epoll)
    }

    /// Accepts until shutdown begins.
    pub fn run(&self, ctx: &Context) {
        let mut ready = Ready::with_capacity(2);
        while !ctx.shutdown.is_shutting_down() {
            match self.epoll.wait(&mut ready, None) {
                Ok(true) => {}
                Ok(false) => break, // woken for shutdown
                Err(e) => {
                    log::error!("listener wait failed: {e}");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            }
            self.accept_pending(ctx);
        }
    }

    /// One `accept4` that makes the socket non-blocking too (std's `accept`
    /// would need a second system call for that).
    fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
        let (fd, peer) = rustix::net::acceptfrom_with(&self.socket, flags)?;
        let stream = TcpStream::from(fd);
        match peer.and_then(|p| SocketAddr::try_from(p).ok()) {
            Some(peer) => Ok((stream, peer)),
            None => stream.peer_addr().map(|peer| (stream, peer)),
        }
    }

    fn accept_pending(&self, ctx: &Context) {
        loop {
            match self.accept() {
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
    // Already non-blocking (`accept4`).
    if let Err(e) = stream.set_nodelay(true) {
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
