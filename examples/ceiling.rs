//! The ceiling: the least an HTTP/1.1 server can do per request on this
//! machine, to measure ours against (issue 18, `benches/handoff.sh` with
//! `CEILING=1`).
//!
//! ```text
//! cargo run --release --example ceiling -- ADDR PATH=FILE...
//! ```
//!
//! Each `FILE` holds a whole response (head and body) that is sent, byte for
//! byte, for every request whose target is `PATH`; the bench script captures
//! them from the real server, so both send the same bytes. One thread per core,
//! each with its own listening socket (`SO_REUSEPORT`: the kernel spreads
//! connections over them) and its own epoll instance, every socket
//! edge-triggered: no locks, no queue, no thread ever hands a connection to
//! another, no `epoll_ctl` after a connection's first. It parses nothing beyond the request line and a
//! `Connection: close`, has no deadlines, no limits and no handler, and trusts
//! every client: never deploy it. What it costs per request is the kernel's
//! part (loopback TCP, waking the client, `epoll_wait`) and nearly nothing
//! else, so the gap between it and our server is all the server can win.

use rustix::buffer::spare_capacity;
use rustix::event::epoll::{self, CreateFlags, EventData, EventFlags};
use rustix::net::{AddressFamily, SocketFlags, SocketType};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

type Responses = HashMap<String, Vec<u8>>;

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8090".into());
    let mut responses = Responses::new();
    for arg in args {
        let Some((path, file)) = arg.split_once('=') else {
            return Err(io::Error::other(format!("expected PATH=FILE, got {arg}")));
        };
        responses.insert(path.to_string(), std::fs::read(file)?);
    }
    let addr: SocketAddr = addr
        .parse()
        .map_err(|e| io::Error::other(format!("{addr}: {e}")))?;
    let responses = Arc::new(responses);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut threads = Vec::new();
    for _ in 0..cores {
        let listener = listen_shared(addr)?;
        let responses = Arc::clone(&responses);
        threads.push(std::thread::spawn(move || run(&listener, &responses)));
    }
    for thread in threads {
        if let Ok(Err(e)) = thread.join() {
            eprintln!("ceiling: {e}");
        }
    }
    Ok(())
}

/// A listening socket that shares its port with the other threads' (which
/// `std::net::TcpListener::bind` cannot do: the option must come before `bind`).
fn listen_shared(addr: SocketAddr) -> io::Result<TcpListener> {
    let family = if addr.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
    let socket = rustix::net::socket_with(family, SocketType::STREAM, flags, None)?;
    rustix::net::sockopt::set_socket_reuseaddr(&socket, true)?;
    rustix::net::sockopt::set_socket_reuseport(&socket, true)?;
    rustix::net::bind(&socket, &addr)?;
    rustix::net::listen(&socket, 1024)?;
    Ok(TcpListener::from(socket))
}

/// One thread's loop: accept what it is told of, and answer every complete
/// request head in what each readable socket holds.
fn run(listener: &TcpListener, responses: &Responses) -> io::Result<()> {
    let epoll = epoll::create(CreateFlags::CLOEXEC)?;
    epoll::add(&epoll, listener, EventData::new_u64(0), EventFlags::IN)?;
    let mut conns: HashMap<u64, (TcpStream, Vec<u8>)> = HashMap::new();
    let mut next = 1u64;
    let mut events = Vec::with_capacity(64);
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::new();
    loop {
        events.clear();
        epoll::wait(&epoll, spare_capacity(&mut events), None)?;
        for event in &events {
            let key = event.data.u64();
            if key == 0 {
                while let Ok((socket, _)) = listener.accept() {
                    socket.set_nonblocking(true)?;
                    socket.set_nodelay(true)?;
                    let flags = EventFlags::IN | EventFlags::RDHUP | EventFlags::ET;
                    epoll::add(&epoll, &socket, EventData::new_u64(next), flags)?;
                    conns.insert(next, (socket, Vec::new()));
                    next += 1;
                }
                continue;
            }
            let Some((socket, pending)) = conns.get_mut(&key) else {
                continue;
            };
            if !answer(socket, pending, &mut buf, &mut out, responses) {
                // Closing the socket takes it out of epoll.
                conns.remove(&key);
            }
        }
    }
}

/// Reads until the socket is empty, answering each complete head; false when
/// the connection is over.
fn answer(
    socket: &mut TcpStream,
    pending: &mut Vec<u8>,
    buf: &mut [u8],
    out: &mut Vec<u8>,
    responses: &Responses,
) -> bool {
    loop {
        let n = match socket.read(buf) {
            Ok(0) => return false,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(_) => return false,
        };
        pending.extend_from_slice(&buf[..n]);
        out.clear();
        let mut close = false;
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&pending[..end]).to_ascii_lowercase();
            let path = head.split(' ').nth(1).unwrap_or("/");
            match responses.get(path) {
                Some(response) => out.extend_from_slice(response),
                None => {
                    out.extend_from_slice(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                }
            }
            close |= head.contains("\r\nconnection: close");
            pending.drain(..end + 4);
        }
        if socket.write_all(out).is_err() || close {
            return false;
        }
        // A short read emptied the socket; edge-triggered epoll reports new bytes.
        if n < buf.len() {
            return true;
        }
    }
}
