//! What a test client speaks to a test server: plain TCP, or HTTPS over it.
//!
//! `HELPDESK_TEST_TLS=1` runs a whole test binary over HTTPS (see
//! [`tls_for_tests`]): every server the shared helpers start serves the one
//! certificate made for the run, and every client the helpers make
//! (`server.wire()`, `server.client()`, `server.exchange(...)`) speaks TLS to
//! it. A test written against a [`Wire`] therefore asserts the same behaviour
//! over both. `raw_connect` stays plain TCP, for the tests that must speak
//! bytes below TLS on purpose (plain HTTP or garbage to the TLS port).
//!
//! The client finishes its handshake before a `Wire` is handed out, so a test
//! that goes on to hold every worker, or to trickle bytes, is measuring what
//! the server does with requests, not with handshakes.

use rustls::pki_types::ServerName;
use rustls::ClientConnection;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The environment variable that switches a test binary to HTTPS.
pub const TLS_SWITCH: &str = "HELPDESK_TEST_TLS";

/// The test binaries whose tests were written to pass over both transports.
/// Others keep plain TCP whatever the switch says: their raw-socket tests
/// speak plain HTTP on purpose.
const SPEAKS_BOTH: &[&str] = &["server"];

/// The certificate every server of this run serves, when the run is over
/// HTTPS (`HELPDESK_TEST_TLS=1` in a binary listed in [`SPEAKS_BOTH`]).
pub fn tls_for_tests() -> Option<&'static TestTls> {
    static SHARED: OnceLock<Option<TestTls>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let asked = std::env::var(TLS_SWITCH).is_ok_and(|v| !v.is_empty() && v != "0");
            (asked && SPEAKS_BOTH.contains(&env!("CARGO_CRATE_NAME"))).then(TestTls::new)
        })
        .as_ref()
}

/// A certificate made at test time (`helpdesk::tls::self_signed`, as `helpdesk
/// cert` makes it) for `localhost`, the server's configuration for it, and a
/// client configuration that trusts it and nothing else.
pub struct TestTls {
    pub server: Arc<rustls::ServerConfig>,
    pub client: Arc<rustls::ClientConfig>,
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestTls {
    pub fn new() -> TestTls {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let pair = helpdesk::tls::self_signed(&["localhost".to_string()]).expect("a certificate");
        let cert = CertificateDer::from_pem_slice(pair.cert_pem.as_bytes()).unwrap();
        let key = PrivateKeyDer::from_pem_slice(pair.key_pem.as_bytes()).unwrap();
        let server = helpdesk::tls::config_from(vec![cert.clone()], key).expect("a server config");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        TestTls {
            server,
            client: Arc::new(client),
            cert_pem: pair.cert_pem,
            key_pem: pair.key_pem,
        }
    }

    /// A blocking HTTPS connection to `addr` (name checked: `localhost`); the
    /// handshake happens on first use.
    pub fn connect(&self, addr: SocketAddr) -> TlsStream {
        let tcp = super::raw_connect(addr);
        let session = ClientConnection::new(Arc::clone(&self.client), localhost()).unwrap();
        rustls::StreamOwned::new(session, tcp)
    }
}

/// A client's end of an HTTPS connection.
pub type TlsStream = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

fn localhost() -> ServerName<'static> {
    ServerName::try_from("localhost").expect("a valid name")
}

/// A test client's connection: plain TCP, or TLS with the handshake done.
pub enum Wire {
    Plain(TcpStream),
    Tls(Box<TlsStream>),
}

impl Wire {
    /// Connects to `addr`, over TLS when `tls` is given; an error when the
    /// server refuses the connection or the handshake.
    pub fn connect(addr: SocketAddr, tls: Option<&Arc<rustls::ClientConfig>>) -> io::Result<Wire> {
        let tcp = TcpStream::connect(addr)?;
        tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
        Wire::over(tcp, tls)
    }

    /// Speaks over an already connected socket (one with special options,
    /// such as a tiny receive window); handshakes first when `tls` is given.
    pub fn over(mut tcp: TcpStream, tls: Option<&Arc<rustls::ClientConfig>>) -> io::Result<Wire> {
        let Some(config) = tls else {
            return Ok(Wire::Plain(tcp));
        };
        let mut session =
            ClientConnection::new(Arc::clone(config), localhost()).map_err(io::Error::other)?;
        while session.is_handshaking() {
            session.complete_io(&mut tcp)?;
        }
        // The client's last handshake flight may still be queued.
        while session.wants_write() {
            session.write_tls(&mut tcp)?;
        }
        Ok(Wire::Tls(Box::new(rustls::StreamOwned::new(session, tcp))))
    }

    /// The TCP socket underneath.
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Wire::Plain(tcp) => tcp,
            Wire::Tls(tls) => &tls.sock,
        }
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, Wire::Tls(_))
    }

    pub fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
        self.tcp().set_read_timeout(limit)
    }

    /// We are done sending: over TLS a `close_notify` first, then the TCP
    /// half-close.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        if let Wire::Tls(tls) = self {
            tls.conn.send_close_notify();
            tls.flush()?;
        }
        self.tcp().shutdown(Shutdown::Write)
    }

    /// Splits into a half to read on one thread and a half to write on
    /// another. Over TLS both share the session and only hold its lock to
    /// encrypt or decrypt, never while the socket blocks.
    pub fn split(self) -> (Box<dyn Read + Send>, Box<dyn Write + Send>) {
        match self {
            Wire::Plain(tcp) => {
                let writer = tcp.try_clone().expect("clone a socket");
                (Box::new(tcp), Box::new(writer))
            }
            Wire::Tls(tls) => {
                let rustls::StreamOwned { conn, sock } = *tls;
                let session = Arc::new(Mutex::new(conn));
                let writer = SplitWriter {
                    session: Arc::clone(&session),
                    tcp: sock.try_clone().expect("clone a socket"),
                };
                let reader = SplitReader {
                    session,
                    tcp: sock,
                    pending: Vec::new(),
                };
                (Box::new(reader), Box::new(writer))
            }
        }
    }
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Wire::Plain(tcp) => tcp.read(buf),
            Wire::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Wire::Plain(tcp) => tcp.write(buf),
            Wire::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Wire::Plain(tcp) => tcp.flush(),
            Wire::Tls(tls) => tls.flush(),
        }
    }
}

/// A socket whose reads can be given up after a while.
pub trait ReadTimeout {
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()>;
}

impl ReadTimeout for TcpStream {
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, limit)
    }
}

impl ReadTimeout for Wire {
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
        Wire::set_read_timeout(self, limit)
    }
}

impl ReadTimeout for TlsStream {
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(limit)
    }
}

/// True for the errors that mean the peer cut the connection off: a reset, or
/// over TLS the end of the TCP stream without a `close_notify` (a server
/// closing on a client that is not reading may not get its alert out), or a
/// TLS read that first had to flush the client's own records into a socket
/// the server has closed.
pub fn is_closed(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe
    )
}

/// The reading half of a split TLS connection.
struct SplitReader {
    session: Arc<Mutex<ClientConnection>>,
    tcp: TcpStream,
    /// Ciphertext read but not yet taken by rustls (it takes no more while
    /// its plaintext buffer is full).
    pending: Vec<u8>,
}

impl Read for SplitReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            {
                let mut session = self.session.lock().unwrap();
                match session.reader().read(buf) {
                    Ok(n) => return Ok(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e),
                }
                if !self.pending.is_empty() {
                    let mut rest = &self.pending[..];
                    session.read_tls(&mut rest)?;
                    let used = self.pending.len() - rest.len();
                    self.pending.drain(..used);
                    session.process_new_packets().map_err(io::Error::other)?;
                    continue;
                }
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.tcp.read(&mut chunk)?;
            if n == 0 {
                let mut session = self.session.lock().unwrap();
                session.read_tls(&mut &[][..])?;
                return match session.reader().read(buf) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        Err(io::ErrorKind::UnexpectedEof.into())
                    }
                    other => other,
                };
            }
            self.pending.extend_from_slice(&chunk[..n]);
        }
    }
}

/// The writing half of a split TLS connection.
struct SplitWriter {
    session: Arc<Mutex<ClientConnection>>,
    tcp: TcpStream,
}

impl Write for SplitWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut records = Vec::new();
        let n = {
            let mut session = self.session.lock().unwrap();
            let n = session.writer().write(buf)?;
            while session.wants_write() {
                session.write_tls(&mut records)?;
            }
            n
        };
        self.tcp.write_all(&records)?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
