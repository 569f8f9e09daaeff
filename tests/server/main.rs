//! The server core over real TCP.

#[path = "../support/mod.rs"]
mod support;

use support::*;

#[test]
fn healthz_answers_ok_with_version_and_uptime() {
    let app = spawn_app();
    let resp = app.client().get("/healthz");
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64());
}
