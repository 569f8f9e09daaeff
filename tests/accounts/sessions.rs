//! Sessions: the cookie, server-side sign-out, expiry, and sign-out everywhere.

use crate::helpers::*;
use crate::support::{spawn_app, spawn_app_with};
use serde_json::json;
use std::time::Duration;

#[test]
fn the_session_cookie_is_http_only_same_site_lax_and_site_wide() {
    let server = spawn_app();
    let mut c = server.client();
    let resp = c.post_json(
        "/api/setup",
        &json!({"token": "test-setup-token", "organization": {"name": "Acme"},
                "admin": {"name": "Ada", "email": ADMIN_EMAIL, "password": PASSWORD}}),
    );
    let cookie = resp.header("set-cookie").unwrap();
    assert!(cookie.starts_with("hd_session="));
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            cookie.split("; ").any(|a| a == attr),
            "{attr} missing in {cookie}"
        );
    }
}

#[test]
fn session_tokens_are_stored_only_as_hashes() {
    let server = spawn_app();
    let (admin, _) = set_up(&server);
    let token = session_cookie(&admin);
    assert_eq!(token.len(), 64);
    let stored: Vec<String> = db(&server)
        .prepare("SELECT token_hash FROM sessions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored.iter().any(|h| h.contains(&token)));
}

#[test]
fn sign_out_ends_the_session_on_the_server_so_the_old_cookie_no_longer_works() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let old = admin.cookies.clone();
    let resp = admin.post_json("/api/auth/logout", &json!({}));
    assert_eq!(resp.status, 204);
    assert!(resp.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(admin.get("/api/me").status, 401);
    let mut replay = server.client();
    replay.cookies = old;
    assert_eq!(replay.get("/api/me").status, 401);
}

#[test]
fn every_sign_in_gets_a_fresh_token() {
    let server = spawn_app();
    set_up(&server);
    let (a, _) = sign_in(&server, ADMIN_EMAIL, PASSWORD);
    let (b, _) = sign_in(&server, ADMIN_EMAIL, PASSWORD);
    assert_ne!(session_cookie(&a), session_cookie(&b));
}

#[test]
fn an_idle_session_expires() {
    let server = spawn_app_with(|c| c.session_idle = Duration::from_secs(1));
    let (mut admin, _) = set_up(&server);
    assert_eq!(admin.get("/api/me").status, 200);
    std::thread::sleep(Duration::from_millis(1300));
    assert_eq!(admin.get("/api/me").status, 401);
}

#[test]
fn a_session_used_within_the_idle_limit_lives_on() {
    let server = spawn_app_with(|c| c.session_idle = Duration::from_secs(2));
    let (mut admin, _) = set_up(&server);
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(admin.get("/api/me").status, 200);
    }
}

#[test]
fn changing_the_password_signs_out_every_other_session_but_this_one() {
    let server = spawn_app();
    set_up(&server);
    let (mut here, _) = sign_in(&server, ADMIN_EMAIL, PASSWORD);
    let (mut elsewhere, _) = sign_in(&server, ADMIN_EMAIL, PASSWORD);
    let resp = here.post_json(
        "/api/me/password",
        &json!({"current_password": PASSWORD, "new_password": "a much better passphrase"}),
    );
    assert_eq!(resp.status, 204, "{}", resp.text());
    assert_eq!(here.get("/api/me").status, 200);
    assert_eq!(elsewhere.get("/api/me").status, 401);
    assert_eq!(sign_in(&server, ADMIN_EMAIL, PASSWORD).1, 401);
    assert_eq!(
        sign_in(&server, ADMIN_EMAIL, "a much better passphrase").1,
        200
    );
}

#[test]
fn a_wrong_current_password_changes_nothing() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let resp = admin.post_json(
        "/api/me/password",
        &json!({"current_password": "not my password", "new_password": "a much better passphrase"}),
    );
    assert_eq!(resp.status, 422);
    assert!(resp.json()["error"]["fields"]["current_password"].is_string());
    assert_eq!(sign_in(&server, ADMIN_EMAIL, PASSWORD).1, 200);
}

#[test]
fn people_edit_their_own_name_and_phone() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let resp = admin.patch_json(
        "/api/me",
        &json!({"name": "Ada L.", "phone": "+1 555 0100"}),
    );
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["user"]["name"], "Ada L.");
    assert_eq!(admin.get("/api/me").json()["user"]["phone"], "+1 555 0100");
    assert_eq!(
        admin.patch_json("/api/me", &json!({"name": ""})).status,
        422
    );
}

#[test]
fn without_a_session_account_endpoints_answer_401() {
    let server = spawn_app();
    set_up(&server);
    let mut c = server.client();
    for path in ["/api/me", "/api/users", "/api/agents", "/api/org"] {
        assert_eq!(c.get(path).status, 401, "{path}");
    }
}

#[test]
fn api_answers_with_personal_data_are_never_cached() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let me = admin.get("/api/me");
    assert_eq!(me.status, 200);
    assert_eq!(me.header("cache-control"), Some("no-store"));
    // Errors too: a 401 or 404 must not be replayed from a cache either.
    let mut stranger = server.client();
    let denied = stranger.get("/api/me");
    assert_eq!(denied.status, 401);
    assert_eq!(denied.header("cache-control"), Some("no-store"));
    let missing = admin.get("/api/no-such-thing");
    assert_eq!(missing.header("cache-control"), Some("no-store"));
    // An endpoint that chose its own policy keeps it: the public document.
    let doc = stranger.get("/api/openapi.json");
    assert_eq!(doc.header("cache-control"), Some("no-cache"));
}
