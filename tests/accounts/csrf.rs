//! CSRF: state-changing requests must be JSON from our own origin, sign-in included.

use crate::helpers::*;
use crate::support::spawn_app;

const LOGIN: &[u8] = br#"{"email":"admin@acme.test","password":"correct horse battery"}"#;

#[test]
fn a_form_post_without_a_json_content_type_is_refused() {
    let server = spawn_app();
    set_up(&server);
    let mut c = server.client();
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let headers: Vec<(&str, &str)> = ct.map(|v| ("Content-Type", v)).into_iter().collect();
        let resp = c.request("POST", "/api/auth/login", &headers, Some(LOGIN));
        assert_eq!(resp.status, 415, "{ct:?}");
        assert!(c.cookies.is_empty());
    }
}

#[test]
fn a_cross_site_fetch_is_refused() {
    let server = spawn_app();
    set_up(&server);
    let resp = server.client().request(
        "POST",
        "/api/auth/login",
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        Some(LOGIN),
    );
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error_code(), "csrf_rejected");
}

#[test]
fn a_same_site_request_from_a_sibling_host_is_refused() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    // Another origin on the same registrable domain (a sibling host or another
    // port) is not our page: only same-origin calls may change state.
    let resp = admin.request(
        "POST",
        "/api/org/join-code",
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "same-site"),
        ],
        Some(b"{}"),
    );
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error_code(), "csrf_rejected");
    let resp = admin.request(
        "POST",
        "/api/org/join-code",
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        Some(b"{}"),
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
}

#[test]
fn an_origin_that_is_not_this_host_is_refused_and_a_matching_one_allowed() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let evil = admin.request(
        "POST",
        "/api/org/join-code",
        &[
            ("Content-Type", "application/json"),
            ("Origin", "http://evil.example"),
        ],
        Some(b"{}"),
    );
    assert_eq!(evil.status, 403);
    assert_eq!(evil.error_code(), "csrf_rejected");
    let origin = format!("http://{}", server.addr);
    let ours = admin.request(
        "PATCH",
        "/api/org",
        &[
            ("Content-Type", "application/json"),
            ("Origin", &origin),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        Some(br#"{"name":"Acme Corp IT"}"#),
    );
    assert_eq!(ours.status, 200, "{}", ours.text());
}

#[test]
fn the_server_sends_no_cors_headers() {
    let server = spawn_app();
    let resp = server.client().request(
        "OPTIONS",
        "/api/auth/login",
        &[("Origin", "http://evil.example")],
        None,
    );
    assert!(resp.header("access-control-allow-origin").is_none());
}
