//! What a connection's bytes travel over: plain TCP, or TLS on top of it
//! (HTTPS, through `rustls`). Workers and the stream hub read and write a
//! [`Transport`] and never ask which one it is.
//!
//! Both stay non-blocking. With TLS, `read` feeds whatever ciphertext the
//! socket holds to rustls, sends what the handshake wants to send, and returns
//! the plaintext there is; until the handshake is done there is none, so `read`
//! says `WouldBlock` and the connection parks like any other that is waiting
//! for bytes. A client that stalls mid-handshake therefore holds no worker, and
//! it is still in its first phase (`Phase::Fresh`), so the first-request
//! deadline closes it.
//!
//! `write` hands plaintext to rustls, which encrypts it into records, and
//! sends what the socket takes. Records the socket did not take wait inside
//! rustls; `flush` tries to send them and says `WouldBlock` while some remain,
//! so the outbox (`write.rs`) and the hub only count a response as sent when
//! the ciphertext is out, and park for *writable* meanwhile. New plaintext is
//! refused (`WouldBlock`) while old ciphertext waits, which keeps what rustls
//! buffers to one write's worth.
//!
//! However a connection ends (a final answer, a deadline, shutdown, the hub
//! closing a stream), dropping its transport sends a `close_notify` first, so
//! an HTTPS client can tell the end of an answer from a cut connection.
//!
//! A client that speaks plain HTTP to the TLS port gets a plain `400` that
//! says to use `https://` (its first byte is a letter, where a TLS record
//! starts with 22), instead of a connection closed without a word.

use rustls::ServerConnection;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;

/// The first byte of a TLS handshake record (RFC 8446 section 5.1).
const HANDSHAKE_RECORD: u8 = 22;

/// A connection's socket, with its TLS session when the server speaks HTTPS.
pub struct Transport {
    tcp: TcpStream,
    tls: Option<Box<ServerConnection>>,
}

impl Transport {
    pub fn plain(tcp: TcpStream) -> Transport {
        Transport { tcp, tls: None }
    }

    /// A server-side TLS session over `tcp`; the handshake happens as bytes arrive.
    pub fn tls(tcp: TcpStream, config: &Arc<rustls::ServerConfig>) -> io::Result<Transport> {
        let session = ServerConnection::new(Arc::clone(config)).map_err(io::Error::other)?;
        Ok(Transport {
            tcp,
            tls: Some(Box::new(session)),
        })
    }

    /// The TCP socket underneath, for registering with epoll.
    pub fn socket(&self) -> &TcpStream {
        &self.tcp
    }

    /// True when this connection is HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// True when decrypted bytes wait inside the TLS session: epoll cannot see
    /// them (they left the socket already), so such a connection must not be
    /// parked to wait for them.
    pub fn has_buffered_input(&mut self) -> bool {
        self.tls.as_mut().is_some_and(|tls| {
            tls.process_new_packets()
                .is_ok_and(|state| state.plaintext_bytes_to_read() > 0)
        })
    }

    /// True while encrypted bytes wait for the socket to take them.
    pub fn wants_write(&self) -> bool {
        self.tls.as_ref().is_some_and(|tls| tls.wants_write())
    }

    /// Moves the transport to a new owner (the stream hub) with a duplicate of
    /// the socket; `self` keeps its descriptor so its owner can deregister and
    /// close it as usual, but no longer has a session.
    pub fn hand_over(&mut self) -> io::Result<Transport> {
        Ok(Transport {
            tcp: self.tcp.try_clone()?,
            tls: self.tls.take(),
        })
    }

    /// Our side is done sending: with TLS, a `close_notify` alert first (so the
    /// client can tell the end from a truncation), then the TCP half-close.
    pub fn shutdown_write(&mut self) {
        if let Some(tls) = self.tls.as_mut() {
            tls.send_close_notify();
            let _ = flush_tls(tls, &mut self.tcp);
        }
        let _ = self.tcp.shutdown(Shutdown::Write);
    }
}

/// Sends queued ciphertext; `WouldBlock` while some is left.
fn flush_tls(tls: &mut ServerConnection, tcp: &mut TcpStream) -> io::Result<()> {
    while tls.wants_write() {
        match tls.write_tls(tcp) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `WouldBlock` is not a failure here: the bytes wait in rustls.
fn flush_quietly(tls: &mut ServerConnection, tcp: &mut TcpStream) -> io::Result<()> {
    match flush_tls(tls, tcp) {
        Err(e) if e.kind() != io::ErrorKind::WouldBlock => Err(e),
        _ => Ok(()),
    }
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(tls) = self.tls.as_mut() else {
            return self.tcp.read(buf);
        };
        loop {
            // Handshake messages (or an alert) may be waiting to go out.
            flush_quietly(tls, &mut self.tcp)?;
            match tls.reader().read(buf) {
                Ok(n) => return Ok(n), // 0: the client sent close_notify
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            if tls.is_handshaking() && !tls.wants_write() {
                refuse_plain_http(&self.tcp)?;
            }
            match tls.read_tls(&mut self.tcp) {
                Ok(0) => return Ok(0),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e), // WouldBlock: nothing more yet
            }
            if let Err(e) = tls.process_new_packets() {
                // rustls queued an alert saying why; send it before closing.
                let _ = flush_tls(tls, &mut self.tcp);
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
        }
    }
}

/// Before the first record is read: a client that speaks plain HTTP to the
/// HTTPS port is told so in plain HTTP, then the connection is refused.
fn refuse_plain_http(tcp: &TcpStream) -> io::Result<()> {
    let mut first = [0u8; 1];
    match tcp.peek(&mut first) {
        Ok(1) if first[0] != HANDSHAKE_RECORD && first[0].is_ascii_uppercase() => {
            const BODY: &str = "This port speaks HTTPS: use an https:// address.\n";
            let answer = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
                BODY.len()
            );
            let _ = (&*tcp).write(answer.as_bytes());
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "plain HTTP sent to the HTTPS port",
            ))
        }
        _ => Ok(()),
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(tls) = self.tls.as_mut() else {
            return self.tcp.write(buf);
        };
        // Older ciphertext first; while it waits, take no more plaintext.
        flush_tls(tls, &mut self.tcp)?;
        let n = tls.writer().write(buf)?;
        if n == 0 && !buf.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        flush_quietly(tls, &mut self.tcp)?;
        Ok(n)
    }

    /// Plain TCP has nothing buffered; TLS sends waiting records, and says
    /// `WouldBlock` while some are left.
    fn flush(&mut self) -> io::Result<()> {
        match self.tls.as_mut() {
            Some(tls) => flush_tls(tls, &mut self.tcp),
            None => Ok(()),
        }
    }
}

/// However a connection ends (a `Connection: close` answer that went out
/// whole, an idle or write deadline, shutdown, a stream the hub closes), an
/// HTTPS client is told with a `close_notify` alert (RFC 8446 section 6.1)
/// before the socket closes. Without it a client cannot tell the end of an
/// answer from a cut connection (rustls reports `UnexpectedEof`). One
/// non-blocking attempt: the socket is closing anyway.
impl Drop for Transport {
    fn drop(&mut self) {
        if let Some(tls) = self.tls.as_mut() {
            // A no-op when one was sent already, or a fatal alert instead.
            tls.send_close_notify();
            let _ = flush_tls(tls, &mut self.tcp);
        }
    }
}

impl AsFd for Transport {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.tcp.as_fd()
    }
}
