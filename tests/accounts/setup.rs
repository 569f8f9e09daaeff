//! First-run setup: only the console token claims the instance, and only once.

use crate::helpers::*;
use crate::support::spawn_app;
use serde_json::json;

fn setup_body(token: Option<&str>) -> serde_json::Value {
    let mut body = json!({
        "organization": {"name": "Acme IT"},
        "admin": {"name": "Ada", "email": "ada@acme.test", "password": PASSWORD},
    });
    if let Some(t) = token {
        body["token"] = json!(t);
    }
    body
}

#[test]
fn a_fresh_instance_says_setup_is_needed_and_then_that_it_is_not() {
    let server = spawn_app();
    let mut c = server.client();
    assert_eq!(c.get("/api/setup").json()["needed"], true);
    set_up(&server);
    assert_eq!(c.get("/api/setup").json()["needed"], false);
}

#[test]
fn setup_without_the_token_or_with_a_wrong_one_is_refused_and_creates_nothing() {
    let server = spawn_app();
    let mut c = server.client();
    for body in [
        setup_body(None),
        setup_body(Some("guess")),
        setup_body(Some("")),
    ] {
        let resp = c.post_json("/api/setup", &body);
        assert_eq!(resp.status, 403, "{}", resp.text());
    }
    assert_eq!(c.get("/api/setup").json()["needed"], true);
    let orgs: i64 = db(&server)
        .query_row("SELECT COUNT(*) FROM organizations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orgs, 0);
}

#[test]
fn setup_creates_the_admin_and_signs_them_in() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let me = admin.get("/api/me").json();
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["user"]["email"], ADMIN_EMAIL);
    assert_eq!(me["organization"]["slug"], "acme-it");
    assert_eq!(me["organization"]["join_code"], code.as_str());
}

#[test]
fn setup_is_refused_forever_once_done_even_with_the_right_token() {
    let server = spawn_app();
    set_up(&server);
    let resp = server
        .client()
        .post_json("/api/setup", &setup_body(Some("test-setup-token")));
    assert_eq!(resp.status, 409);
    let admins: i64 = db(&server)
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(admins, 1);
}

#[test]
fn setup_with_bad_fields_names_each_one() {
    let server = spawn_app();
    let resp = server.client().post_json(
        "/api/setup",
        &json!({"token": "test-setup-token", "organization": {"name": " "},
                "admin": {"name": "Ada", "email": "nope", "password": "short"}}),
    );
    assert_eq!(resp.status, 422);
    let fields = &resp.json()["error"]["fields"];
    assert!(fields["organization.name"].is_string());
    assert!(fields["admin.email"].is_string());
    assert!(fields["admin.password"].is_string());
}

#[test]
fn malformed_json_is_a_400() {
    let server = spawn_app();
    let resp = server.client().request(
        "POST",
        "/api/setup",
        &[("Content-Type", "application/json")],
        Some(b"{not json"),
    );
    assert_eq!(resp.status, 400);
    assert_eq!(resp.error_code(), "bad_request");
}

#[test]
fn a_new_organization_names_bad_fields_by_their_path_in_the_body() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let resp = admin.post_json(
        "/api/organizations",
        &json!({"name": " ", "admin": {"name": " ", "email": "nope", "password": "short"}}),
    );
    assert_eq!(resp.status, 422);
    let fields = resp.json()["error"]["fields"].clone();
    let keys: Vec<&String> = fields.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["admin.email", "admin.name", "admin.password", "name"],
        "{fields}"
    );
}
