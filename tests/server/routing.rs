//! Where a request goes: API routes through the router, 404 vs 405, OPTIONS, and
//! the web app's own URLs falling back to index.html.

use crate::support::*;

#[test]
fn options_answers_with_the_methods_a_path_allows() {
    let app = spawn_app();
    let resp = app.client().request("OPTIONS", "/api/tickets", &[], None);
    assert_eq!(resp.status, 204);
    let allow = resp.header("allow").unwrap_or_default().to_string();
    for method in ["GET", "POST", "HEAD", "OPTIONS"] {
        assert!(allow.contains(method), "Allow: {allow} lacks {method}");
    }
    assert!(!allow.contains("DELETE"), "Allow: {allow}");
}

#[test]
fn a_known_path_with_the_wrong_method_is_405_with_allow() {
    let app = spawn_app();
    let resp = app.client().request(
        "PUT",
        "/healthz",
        &[("Content-Type", "application/json")],
        Some(b"{}"),
    );
    assert_eq!(resp.status, 405);
    assert_eq!(resp.error_code(), "method_not_allowed");
    let allow = resp.header("allow").unwrap_or_default();
    assert!(
        allow.contains("GET") && allow.contains("HEAD"),
        "Allow: {allow}"
    );
}

#[test]
fn an_unknown_api_path_is_a_json_404_not_the_web_app() {
    let app = spawn_app();
    let resp = app.client().get("/api/no-such-thing");
    assert_eq!(resp.status, 404);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    assert_eq!(resp.error_code(), "not_found");
}

#[test]
fn an_unknown_page_path_falls_back_to_the_web_app() {
    let app = spawn_app();
    let resp = app.client().get("/tickets/42");
    assert_eq!(resp.status, 200);
    assert!(resp
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert!(resp.text().contains("<script type=\"module\""));
}
