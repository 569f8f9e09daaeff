//! Behind a reverse proxy: whose word to take about the client. Pure rules on a
//! [`Request`] and a list of address ranges (the server applies them to every
//! request it parses; `config` parses `--trust-proxy` into [`IpNet`]s), so they
//! live here with the rest of the HTTP vocabulary, below both.
//!
//! A proxy in front of the help desk (nginx, Caddy, a load balancer) connects
//! to us itself, so every request seems to come from the proxy's address and
//! over plain HTTP. Proxies say who the client really was in `X-Forwarded-For`
//! and how it connected in `X-Forwarded-Proto`. Anyone can send those fields,
//! so they are believed only on connections from addresses the operator named
//! (`--trust-proxy CIDR,...`); from anyone else they are ignored.
//!
//! # Security
//! `X-Forwarded-For` is a list each proxy appends to. Only the entries our own
//! proxies added can be trusted: walking from the right, the first address that
//! is not one of our proxies is the client (a client can put anything on the
//! left of the list, and it is never read). The result replaces
//! `Request::peer`, which is what sign-in throttling and the access log see.
//! Tested below and over TCP in `tests/server/tls.rs`
//! (`forwarded_fields_are_believed_only_from_trusted_proxies`).

use crate::http::Request;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An address range such as `10.0.0.0/8`, `::1/128` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let bits = usize::from(prefix);
    let whole = bits / 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

impl FromStr for IpNet {
    type Err = String;

    fn from_str(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let bad = || format!("{s:?} is not an address or a range such as 10.0.0.0/8");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// `10.0.0.0/8,127.0.0.1`: the value of `--trust-proxy`.
pub fn parse_list(s: &str) -> Result<Vec<IpNet>, String> {
    s.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(IpNet::from_str)
        .collect()
}

/// Sets `request.secure` and, when the connection comes from a trusted proxy,
/// the client address and scheme the proxy reports.
pub fn apply(request: &mut Request, trusted: &[IpNet], tls: bool) {
    request.secure = tls;
    let from_proxy = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if trusted.is_empty() || !from_proxy(request.peer.ip()) {
        return;
    }
    let forwarded: Vec<IpAddr> = request
        .headers
        .get_all("x-forwarded-for")
        .flat_map(|v| v.split(','))
        .filter_map(|a| parse_forwarded(a.trim()))
        .collect();
    let client = forwarded
        .iter()
        .rev()
        .find(|ip| !from_proxy(**ip))
        .or(forwarded.first());
    if let Some(ip) = client {
        request.peer = SocketAddr::new(*ip, 0);
    }
    // The nearest proxy appends last.
    let proto = request.headers.get_all("x-forwarded-proto").last();
    if let Some(proto) = proto.and_then(|v| v.rsplit(',').next()) {
        request.secure = proto.trim().eq_ignore_ascii_case("https");
    }
}

/// An entry of `X-Forwarded-For`: an address, possibly with a port or brackets.
fn parse_forwarded(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    fn request_from(peer: &str, headers: &[(&str, &str)]) -> Request {
        let mut r = Request::new(Method::Get, "/", peer.parse().unwrap());
        for (n, v) in headers {
            r.headers.append(*n, *v);
        }
        r
    }

    #[test]
    fn ranges_contain_what_their_prefix_covers() {
        let net: IpNet = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one: IpNet = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("127.0.0.1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!("proxy".parse::<IpNet>().is_err());
        assert_eq!(parse_list("127.0.0.1, 10.0.0.0/8").unwrap().len(), 2);
    }

    #[test]
    fn forwarded_fields_are_believed_only_from_trusted_proxies() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        let headers = [
            ("X-Forwarded-For", "203.0.113.7"),
            ("X-Forwarded-Proto", "https"),
        ];
        let mut via_proxy = request_from("10.0.0.2:5000", &headers);
        apply(&mut via_proxy, &trusted, false);
        assert_eq!(via_proxy.peer.ip().to_string(), "203.0.113.7");
        assert!(via_proxy.secure);

        let mut direct = request_from("198.51.100.1:5000", &headers);
        apply(&mut direct, &trusted, false);
        assert_eq!(direct.peer.ip().to_string(), "198.51.100.1");
        assert!(!direct.secure);
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_prepending_to_the_list() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        let mut r = request_from(
            "10.0.0.2:5000",
            &[("X-Forwarded-For", "1.2.3.4, 203.0.113.7, 10.0.0.9")],
        );
        apply(&mut r, &trusted, true);
        assert_eq!(r.peer.ip().to_string(), "203.0.113.7");
        assert!(
            r.secure,
            "no X-Forwarded-Proto: the connection's own scheme"
        );
    }
}
