//! The engine: sockets, threads and deadlines. It knows HTTP framing (through
//! `crate::http`) but nothing about tickets: it calls a [`Handler`].
//!
//! STAND-IN: this file is a thread-per-connection placeholder with the final
//! public API (`Server::bind`, `run`, `ShutdownHandle`, `Handler`), so the layers
//! above can be built and tested over real TCP while the real engine (listener,
//! poller, worker pool, connection state machine) is written.

use crate::config::Limits;
use crate::http::chunked::ChunkedDecoder;
use crate::http::parse::{parse_head, BodyFraming};
use crate::http::{date, Body, Method, Request, Response, Status};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

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

    /// Answers one complete request.
    fn handle(&self, request: Request) -> Response;
}

/// Stops a running server from another thread (or a signal handler thread).
#[derive(Clone, Default)]
pub struct ShutdownHandle {
    stop: Arc<AtomicBool>,
}

impl ShutdownHandle {
    /// Begins a graceful shutdown: stop accepting, finish requests in flight.
    pub fn shutdown(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    limits: Limits,
    shutdown: ShutdownHandle,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port, as tests do).
    pub fn bind(
        addr: &str,
        workers: usize,
        limits: Limits,
        handler: Arc<dyn Handler>,
    ) -> io::Result<Server> {
        let _ = workers;
        let listener = TcpListener::bind(addr)?;
        Ok(Server {
            listener,
            handler,
            limits,
            shutdown: ShutdownHandle::default(),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Serves until [`ShutdownHandle::shutdown`] is called.
    pub fn run(self) -> io::Result<()> {
        self.listener.set_nonblocking(true)?;
        while !self.shutdown.is_shutting_down() {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    let handler = Arc::clone(&self.handler);
                    let limits = self.limits.clone();
                    std::thread::spawn(move || {
                        let _ = serve_connection(stream, peer, &*handler, &limits);
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(e) => log::warn!("accept failed: {e}"),
            }
        }
        Ok(())
    }
}

fn serve_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    handler: &dyn Handler,
    limits: &Limits,
) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(limits.idle_timeout))?;
    stream.set_write_timeout(Some(limits.write_timeout))?;
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let parsed = loop {
            match parse_head(&buf, &limits.head, peer) {
                Ok(Some(p)) => break p,
                Ok(None) => {}
                Err(e) => {
                    write_response(
                        &mut stream,
                        Response::error(e.status(), e.code(), &e.to_string()),
                        false,
                        false,
                    )?;
                    return Ok(());
                }
            }
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        buf.drain(..parsed.head_len);
        let mut request = parsed.request;
        let head_only = request.method == Method::Head;
        let keep_alive = request.wants_keep_alive();
        let limit = match handler.admit(&request, limits.max_body_bytes) {
            Ok(limit) => limit,
            Err(resp) => {
                let has_body = parsed.framing != BodyFraming::None;
                write_response(&mut stream, resp, keep_alive && !has_body, head_only)?;
                if has_body || !keep_alive {
                    return Ok(());
                }
                continue;
            }
        };
        match parsed.framing {
            BodyFraming::None => {}
            BodyFraming::Length(n) => {
                if n > limit as u64 {
                    let e = crate::http::ParseError::BodyTooLarge;
                    write_response(
                        &mut stream,
                        Response::error(e.status(), e.code(), &e.to_string()),
                        false,
                        false,
                    )?;
                    return Ok(());
                }
                if request.expects_continue() {
                    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                }
                while (buf.len() as u64) < n {
                    let r = stream.read(&mut chunk)?;
                    if r == 0 {
                        return Ok(());
                    }
                    buf.extend_from_slice(&chunk[..r]);
                }
                request.body = buf.drain(..n as usize).collect();
            }
            BodyFraming::Chunked => {
                if request.expects_continue() {
                    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                }
                let mut decoder = ChunkedDecoder::new(limit as u64);
                let mut body = Vec::new();
                loop {
                    let used = match decoder.decode(&buf, &mut body) {
                        Ok(u) => u,
                        Err(e) => {
                            write_response(
                                &mut stream,
                                Response::error(e.status(), e.code(), &e.to_string()),
                                false,
                                false,
                            )?;
                            return Ok(());
                        }
                    };
                    buf.drain(..used);
                    if decoder.over_limit() {
                        let e = crate::http::ParseError::BodyTooLarge;
                        write_response(
                            &mut stream,
                            Response::error(e.status(), e.code(), &e.to_string()),
                            false,
                            false,
                        )?;
                        return Ok(());
                    }
                    if decoder.is_done() {
                        break;
                    }
                    let r = stream.read(&mut chunk)?;
                    if r == 0 {
                        return Ok(());
                    }
                    buf.extend_from_slice(&chunk[..r]);
                }
                request.body = body;
            }
        }
        let response =
            catch_unwind(AssertUnwindSafe(|| handler.handle(request))).unwrap_or_else(|_| {
                Response::error(
                    Status::INTERNAL_ERROR,
                    "internal",
                    "Something went wrong on the server.",
                )
            });
        let streaming = response.is_stream();
        write_response(&mut stream, response, keep_alive, head_only)?;
        if streaming || !keep_alive {
            return Ok(());
        }
    }
}

fn write_response(
    stream: &mut TcpStream,
    response: Response,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(512);
    response.write_head(&mut out, &date::now(), keep_alive);
    if !head_only && response.status.allows_body() {
        out.extend_from_slice(response.body.as_bytes());
    }
    stream.write_all(&out)?;
    if let Body::Stream(handoff) = response.body {
        (handoff.0)(stream.try_clone()?);
    }
    Ok(())
}

/// The URLs a person can open for a server bound to `local`: for a wildcard
/// address, localhost and this machine's LAN address.
pub fn addresses_to_open(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    if !local.ip().is_unspecified() {
        return vec![format!("http://{local}/")];
    }
    let mut urls = vec![format!("http://localhost:{port}/")];
    if let Some(ip) = lan_address() {
        urls.push(format!("http://{ip}:{port}/"));
    }
    urls
}

/// This machine's LAN address: the source address the kernel would pick for an
/// outside destination. Connecting a UDP socket sends no packet; it only asks the
/// routing table. 192.0.2.1 is a documentation address (RFC 5737).
fn lan_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}
