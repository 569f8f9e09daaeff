//! DNS rebinding: API endpoints answer only under the server's own host names.

use crate::support::{raw_connect, read_response, spawn_app, spawn_app_with};
use std::io::{BufReader, Write};
use std::net::SocketAddr;

/// Sends `GET /api/setup` with the given `Host` and returns the status and body.
fn status_with_host(addr: SocketAddr, host: &str) -> (u16, String) {
    let mut s = raw_connect(addr);
    let req = format!("GET /api/setup HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let resp = read_response(&mut BufReader::new(s), false).expect("a response");
    (resp.status, resp.text())
}

#[test]
fn a_foreign_host_name_is_refused_with_a_json_421() {
    let server = spawn_app();
    let (status, body) = status_with_host(server.addr, "evil.example");
    assert_eq!(status, 421, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"]["code"], "unknown_host");
    let port = server.addr.port();
    let (status, _) = status_with_host(server.addr, &format!("evil.example:{port}"));
    assert_eq!(status, 421);
}

#[test]
fn a_rebound_sign_in_is_refused_even_with_a_matching_origin() {
    let server = spawn_app();
    let body = br#"{"email":"a@b.test","password":"correct horse battery"}"#;
    // Exactly what a rebinding page sends: its own name as Host and Origin.
    let mut s = raw_connect(server.addr);
    let req = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let resp = read_response(&mut BufReader::new(s), false).unwrap();
    assert_eq!(resp.status, 421, "{}", resp.text());
}

#[test]
fn localhost_loopback_and_printed_addresses_work() {
    let server = spawn_app();
    let port = server.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(status_with_host(server.addr, &host).0, 200, "{host}");
    }
    for printed in helpdesk::server::addresses_to_open(server.addr) {
        let host = printed
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        assert_eq!(status_with_host(server.addr, &host).0, 200, "{host}");
    }
    assert_eq!(
        status_with_host(server.addr, &format!("localhost:{}", port.wrapping_add(1))).0,
        421,
        "another port is another origin"
    );
}

#[test]
fn the_public_url_host_works_and_health_checks_answer_any_host() {
    let server = spawn_app_with(|c| c.public_url = Some("https://desk.example.com".into()));
    assert_eq!(status_with_host(server.addr, "desk.example.com").0, 200);
    assert_eq!(status_with_host(server.addr, "desk.example.com:443").0, 200);
    assert_eq!(status_with_host(server.addr, "desk.example.org").0, 421);

    let mut s = raw_connect(server.addr);
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: monitor.internal\r\nConnection: close\r\n\r\n")
        .unwrap();
    let resp = read_response(&mut BufReader::new(s), false).unwrap();
    assert_eq!(resp.status, 200);
}
