//! What to print at start-up: the URLs a person can open. Not part of a request's
//! life; it lives here because only the server knows which address it bound.

use std::net::{IpAddr, SocketAddr, UdpSocket};

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
fn lan_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}
