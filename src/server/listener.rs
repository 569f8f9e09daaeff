//! Step 1 of a request's life: a TCP connection is accepted.
//!
//! The listening socket is registered, one-shot, in the workers' epoll
//! (`poller.rs`), so the worker waiting there accepts too: it takes up to
//! [`ACCEPT_BATCH`] pending connections, prepares each socket, puts them in the
//! ready queue and re-arms the socket. A connection is served straight from
//! the queue, without first being registered with epoll: a client usually
//! sends its request right after connecting, so its bytes are most often
//! already there, and a `Connection: close` client then costs no `epoll_ctl`
//! and no wait at all. Only a connection that has to wait is registered, by
//! its first park. Before, a listener thread accepted and registered every
//! connection, and a worker was woken by epoll to read it: two threads and a
//! context switch or two for every connection.
//!
//! Out of file descriptors (`EMFILE`), the socket is left unarmed: no worker
//! spins on it or sleeps instead of serving the connections it has, and the
//! overseer arms it again after its next sweep (within 100 ms), when closed
//! connections may have freed some.
//!
//! The thread that calls `Server::run` now only waits for shutdown, in its
//! own small epoll instance (so [`ShutdownHandle`](super::ShutdownHandle) can
//! wake it), and then stops the listening socket ([`Listener::stop`]): new
//! clients are refused by the kernel from then on.
//!
//! Each socket is made non-blocking (workers only read what is there), gets
//! `TCP_NODELAY` (a response leaves in one write, and Nagle's algorithm would hold
//! it back waiting for an ACK the client delays). No socket ever blocks, so none
//! needs `SO_SNDTIMEO`: a response waits for a slow reader in its connection's
//! outbox (`write.rs`), a stream in the hub (`streams.rs`). Beyond `limits.max_connections` open connections a
//! new client gets `503 Service Unavailable` and is closed: file descriptors and
//! memory stay bounded whatever the clients do.

use super::connection::Connection;
use super::epoll::{Epoll, Interest, Ready};
use super::poller::LISTENER;
use super::transport::Transport;
use super::{write, Context};
use crate::http::Response;
use rustix::net::{Shutdown, SocketFlags};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The most connections one worker accepts before re-arming the socket, so a
/// flood of connections is taken in turns with the requests already waiting.
const ACCEPT_BATCH: usize = 32;

/// The listening socket, and the epoll instance `Server::run`'s thread waits
/// for shutdown in.
pub(crate) struct Listener {
    socket: TcpListener,
    epoll: Arc<Epoll>,
    /// Accepting failed (out of file descriptors): the socket was left
    /// unarmed, and the overseer re-arms it at its next sweep ([`Listener::resume`]).
    paused: AtomicBool,
}

impl Listener {
    pub fn bind(addr: &str) -> io::Result<Listener> {
        let socket = TcpListener::bind(addr)?;
        socket.set_nonblocking(true)?;
        let epoll = Epoll::new()?;
        Ok(Listener {
            socket,
            epoll: Arc::new(epoll),
            paused: AtomicBool::new(false),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    pub fn waker(&self) -> Arc<Epoll> {
        Arc::clone(&self.epoll)
    }

    /// Registers the listening socket in the workers' epoll.
    pub fn start(&self, workers: &Epoll) -> io::Result<()> {
        workers.add(&self.socket, LISTENER, Interest::Read)
    }

    /// Sleeps until shutdown begins.
    pub fn wait_for_shutdown(&self, ctx: &Context) {
        let mut ready = Ready::with_capacity(2);
        while !ctx.shutdown.is_shutting_down() {
            if let Err(e) = self.epoll.wait(&mut ready, None) {
                log::error!("waiting for shutdown failed: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// Stops accepting: the socket leaves the workers' epoll and stops
    /// listening (`shutdown` on a listening socket makes the kernel refuse new
    /// clients, and pending ones are reset), though workers may still hold it.
    pub fn stop(&self, workers: &Epoll) {
        let _ = workers.delete(&self.socket);
        if let Err(e) = rustix::net::shutdown(&self.socket, Shutdown::Read) {
            log::warn!("could not stop listening: {e}");
        }
    }

    /// The worker's part when epoll reports the listening socket: accepts up
    /// to [`ACCEPT_BATCH`] connections into the ready queue, then re-arms.
    pub fn accept_ready(&self, ctx: &Context) {
        let mut accepted = Vec::new();
        while accepted.len() < ACCEPT_BATCH && !ctx.shutdown.is_shutting_down() {
            match self.accept() {
                Ok((stream, peer)) => accepted.extend(admit(ctx, stream, peer)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Typically EMFILE: out of file descriptors. The socket
                    // stays unarmed until the overseer's next sweep, so that
                    // closing connections free some, and no worker spins on
                    // it or sleeps instead of serving what it has.
                    log::warn!("accept failed: {e}; accepting again within 100 ms");
                    self.paused.store(true, Ordering::SeqCst);
                    break;
                }
            }
        }
        ctx.parking.enqueue_accepted(&mut accepted);
        if ctx.shutdown.is_shutting_down() || self.paused.load(Ordering::SeqCst) {
            return; // `stop` takes the socket out of epoll; `resume` re-arms it
        }
        let epoll = &ctx.parking.registry().epoll;
        if let Err(e) = epoll.rearm(&self.socket, LISTENER, Interest::Read) {
            log::error!("could not re-arm the listening socket: {e}");
        }
    }

    /// The overseer's part after a failed accept: arm the socket again.
    pub fn resume(&self, ctx: &Context) {
        if !self.paused.swap(false, Ordering::SeqCst) || ctx.shutdown.is_shutting_down() {
            return;
        }
        let epoll = &ctx.parking.registry().epoll;
        if let Err(e) = epoll.rearm(&self.socket, LISTENER, Interest::Read) {
            log::error!("could not re-arm the listening socket: {e}");
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
}

/// Prepares an accepted socket, or refuses it when full.
fn admit(ctx: &Context, stream: TcpStream, peer: SocketAddr) -> Option<Connection> {
    if ctx.parking.open_connections() >= ctx.limits.max_connections {
        log::warn!("{peer}: connection limit reached; answered 503");
        // Over TLS a plain answer would be noise to the client: just close.
        if ctx.tls.is_none() {
            let mut plain = Transport::plain(stream);
            write::best_effort(&mut plain, Response::service_unavailable(), &[]);
        }
        return None;
    }
    // Already non-blocking (`accept4`).
    if let Err(e) = stream.set_nodelay(true) {
        log::debug!("{peer}: could not prepare the socket: {e}");
        return None;
    }
    let stream = match &ctx.tls {
        None => Transport::plain(stream),
        Some(config) => match Transport::tls(stream, config) {
            Ok(stream) => stream,
            Err(e) => {
                log::warn!("{peer}: could not start a TLS session: {e}");
                return None;
            }
        },
    };
    // Over TLS the handshake happens within this deadline too: a client that
    // stalls mid-handshake is closed like one that never sends a head.
    let first_request_within = ctx.limits.head_timeout.min(ctx.limits.idle_timeout);
    let id = ctx.parking.next_id();
    Some(Connection::new(
        id,
        stream,
        peer,
        ctx.parking.registry(),
        first_request_within,
    ))
}
