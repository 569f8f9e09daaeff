//! HTTPS set-up: certificates in, a rustls configuration out; a self-signed
//! certificate for a LAN (`helpdesk cert`); and the plain-HTTP listener that
//! only redirects to HTTPS (`--redirect-http`).
//!
//! The server (`server::Transport`) does the encrypting; this module only
//! reads what the operator gave it, and refuses to start with a clear message
//! (never a panic) when a file is missing, holds no certificate or key, or the
//! key does not belong to the certificate. rustls runs with the `ring`
//! provider: no OpenSSL, TLS 1.3 and 1.2 with rustls' safe defaults.

use crate::http::{Request, Response, Status};
use crate::server::Handler;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why HTTPS could not be set up.
#[derive(Debug)]
pub enum TlsError {
    /// A file could not be read (missing, no permission).
    Unreadable { path: PathBuf, reason: String },
    /// The certificate file holds no PEM certificate.
    NoCertificate(PathBuf),
    /// The key file holds no PEM private key (PKCS#8, PKCS#1 or SEC1).
    NoKey(PathBuf),
    /// rustls refused the pair, typically a key that is not the certificate's.
    Rejected(String),
    /// `helpdesk cert` could not make or write a certificate.
    Generate(String),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::Unreadable { path, reason } => {
                write!(f, "cannot read {}: {reason}", path.display())
            }
            TlsError::NoCertificate(path) => write!(
                f,
                "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                path.display()
            ),
            TlsError::NoKey(path) => write!(
                f,
                "{} holds no PEM private key (-----BEGIN PRIVATE KEY-----)",
                path.display()
            ),
            TlsError::Rejected(reason) => write!(
                f,
                "the TLS certificate and key cannot be used together: {reason}"
            ),
            TlsError::Generate(reason) => write!(f, "cannot make a certificate: {reason}"),
        }
    }
}

/// The server's TLS configuration from a PEM certificate chain and key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let cert_pem = read(cert)?;
    let key_pem = read(key)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .filter_map(Result::ok)
        .collect();
    if chain.is_empty() {
        return Err(TlsError::NoCertificate(cert.to_path_buf()));
    }
    let key_der =
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::NoKey(key.to_path_buf()))?;
    config_from(chain, key_der)
}

/// The same from DER values already in memory (tests use this).
pub fn config_from(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Rejected(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Rejected(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|e| TlsError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// A self-signed certificate and its key, both PEM.
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
}

/// A self-signed certificate for `hosts` (DNS names or IP addresses), valid
/// for about two years: what `helpdesk cert` writes.
pub fn self_signed(hosts: &[String]) -> Result<SelfSigned, TlsError> {
    let certified = rcgen::generate_simple_self_signed(hosts.to_vec())
        .map_err(|e| TlsError::Generate(e.to_string()))?;
    Ok(SelfSigned {
        cert_pem: certified.cert.pem(),
        key_pem: certified.key_pair.serialize_pem(),
    })
}

/// `helpdesk cert --host NAME`: writes `cert` and `key` (the key readable by
/// its owner only) and returns what to tell the operator.
pub fn write_self_signed(hosts: &[String], cert: &Path, key: &Path) -> Result<String, TlsError> {
    let pair = self_signed(hosts)?;
    let write = |path: &Path, text: &str, private: bool| -> Result<(), TlsError> {
        let failed = |e: std::io::Error| TlsError::Generate(format!("{}: {e}", path.display()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(failed)?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)
    };
    write(cert, &pair.cert_pem, false)?;
    write(key, &pair.key_pem, true)?;
    let first = hosts.first().map_or("localhost", String::as_str);
    Ok(format!(
        "Wrote a self-signed certificate for {names} to {cert} and its key to {key}.\n\
         Serve HTTPS with:\n    helpdesk --tls-cert {cert} --tls-key {key}\n\
         Browsers warn about a certificate nobody vouches for until it is trusted on each\n\
         computer that opens https://{first}/ :\n\
         \x20 Windows: double-click {cert_name}, Install Certificate, Local Machine,\n\
         \x20          \"Trusted Root Certification Authorities\"\n\
         \x20 macOS:   open {cert_name} in Keychain Access, then under Trust choose \"Always Trust\"\n\
         \x20 Linux:   copy it to /usr/local/share/ca-certificates/helpdesk.crt and run\n\
         \x20          sudo update-ca-certificates (Firefox: Settings, Certificates, Import)\n\
         Keep {key} private: anyone with it can pretend to be this help desk.",
        names = hosts.join(", "),
        cert = cert.display(),
        key = key.display(),
        cert_name = cert.file_name().map_or(cert.display().to_string(), |n| n
            .to_string_lossy()
            .into_owned()),
    ))
}

/// The handler of the `--redirect-http` listener: every request is sent to the
/// same host and target over HTTPS (`308`, so a method and body are kept).
pub struct RedirectToHttps {
    /// The HTTPS port, left out of the address when it is 443.
    pub https_port: u16,
}

impl Handler for RedirectToHttps {
    fn admit(&self, _request: &Request, _default: usize) -> Result<usize, Response> {
        Ok(0) // no body is ever read: the answer does not depend on it
    }

    fn handle(&self, request: Request) -> Response {
        let host = request.headers.get("host").unwrap_or("");
        // The name without its port, and nothing that could end the authority.
        let name = match host.rsplit_once(':') {
            Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    name
                } else {
                    host
                }
            }
            _ => host,
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c));
        if !valid {
            return Response::error(
                Status::BAD_REQUEST,
                "bad_host",
                "This address only redirects to HTTPS, and needs a Host header to do so.",
            );
        }
        let port = match self.https_port {
            443 => String::new(),
            p => format!(":{p}"),
        };
        let target = if request.target.starts_with('/') {
            request.target.as_str()
        } else {
            "/"
        };
        Response::empty(Status::PERMANENT_REDIRECT)
            .with_header("Location", format!("https://{name}{port}{target}"))
    }
}
