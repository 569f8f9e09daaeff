//! The host names this server answers API requests for: its `--public-url`, the
//! addresses it prints at start, localhost on its port, and the listen address.
//!
//! `App` checks the `Host` of every request for an API endpoint here, before
//! CSRF and the endpoint (`/healthz` excepted: it carries no one's data, and
//! health probes use whatever name or address they were configured with).
//! Unknown API paths still answer 404, which tells nobody anything.
//!
//! # Security
//! DNS rebinding: a page on `evil.example` can make its own name resolve to the
//! help desk's address. The browser then treats our API as same-origin with the
//! attacker's page, sends `Host: evil.example` and `Origin: http://evil.example`,
//! and the CSRF check (which compares Origin with Host) would pass. Answering
//! only for names we know to be ours closes that: the attacker's name is not on
//! the list, so every API request under it gets 421 Misdirected Request.

use crate::http::{Request, Response, Status};
use std::net::SocketAddr;

/// `host[:port]` values, lowercase, that name this server.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// The hosts for a server bound to `local`, with its `printed` URLs (see
    /// `server::addresses_to_open`) and its configured public URL, if any.
    pub fn new(local: SocketAddr, printed: &[String], public_url: Option<&str>) -> AllowedHosts {
        let port = local.port();
        let mut hosts = AllowedHosts::default();
        hosts.add_url(&format!("http://{local}"));
        for name in ["localhost", "127.0.0.1", "[::1]"] {
            hosts.add_url(&format!("http://{name}:{port}"));
        }
        for url in printed {
            hosts.add_url(url);
        }
        if let Some(url) = public_url {
            hosts.add_url(url);
        }
        hosts
    }

    /// Adds the authority of an `http(s)://authority/...` URL; when its port is
    /// the scheme's default, the bare host too (browsers leave it out of `Host`).
    fn add_url(&mut self, url: &str) {
        let (default_port, rest) = match url.split_once("://") {
            Some(("https", rest)) => (443, rest),
            Some((_, rest)) => (80, rest),
            None => (80, url),
        };
        let authority = rest.split('/').next().unwrap_or("").to_ascii_lowercase();
        if authority.is_empty() {
            return;
        }
        let (host, port) = split_port(&authority);
        match port {
            Some(p) if p == default_port => self.push(host.to_string()),
            None => self.push(format!("{host}:{default_port}")),
            _ => {}
        }
        self.push(authority);
    }

    fn push(&mut self, host: String) {
        if !self.0.contains(&host) {
            self.0.push(host);
        }
    }

    /// Whether a request's `Host` header names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let host = host.strip_suffix('.').unwrap_or(&host);
        self.0.iter().any(|h| *h == host)
    }
}

/// `host` and its port, if it has one (`[::1]:8080`, `desk.lan`, `10.0.0.5:80`).
fn split_port(authority: &str) -> (&str, Option<u16>) {
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && (!host.contains(':') || host.ends_with(']')) => {
            (host, port.parse().ok())
        }
        _ => (authority, None),
    }
}

/// 421 for a request whose `Host` is not one of ours.
///
/// # Security
/// See the module docs: this is the DNS-rebinding defence.
pub fn check(allowed: Option<&AllowedHosts>, req: &Request) -> Result<(), Response> {
    let Some(allowed) = allowed else {
        return Ok(()); // not yet bound (an App built for a route listing, say)
    };
    if req.path() == "/healthz" || req.header("host").is_some_and(|h| allowed.allows(h)) {
        return Ok(());
    }
    Err(Response::error(
        Status::MISDIRECTED_REQUEST,
        "unknown_host",
        "This help desk does not answer under that host name. Use its address \
         (see --public-url in the operations guide).",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> AllowedHosts {
        AllowedHosts::new(
            "0.0.0.0:8080".parse().unwrap(),
            &[
                "http://localhost:8080/".into(),
                "http://192.168.1.20:8080/".into(),
            ],
            Some("https://Desk.Example.com"),
        )
    }

    #[test]
    fn our_own_names_are_allowed() {
        let h = hosts();
        for ok in [
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "192.168.1.20:8080",
            "0.0.0.0:8080",
            "desk.example.com",
            "desk.example.com:443",
            "DESK.example.com.",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
    }

    #[test]
    fn other_names_and_ports_are_refused() {
        let h = hosts();
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost",
            "localhost:8081",
            "desk.example.com:8080",
            "",
        ] {
            assert!(!h.allows(bad), "{bad}");
        }
    }

    #[test]
    fn a_server_on_port_80_answers_to_its_bare_name() {
        let h = AllowedHosts::new("0.0.0.0:80".parse().unwrap(), &[], None);
        assert!(h.allows("localhost"));
        assert!(h.allows("localhost:80"));
    }
}
