//! Onboarding without e-mail: admins create people and hand over a one-time link
//! to set a password; reset links for people who forgot theirs.

use crate::helpers::{desk, other_org, Desk, PASSWORD};
use serde_json::{json, Value};

fn token(link: &Value) -> String {
    let path = link["path"].as_str().unwrap();
    assert!(path.starts_with("/welcome?token="), "{path}");
    path.trim_start_matches("/welcome?token=").to_string()
}

#[test]
fn an_admin_creates_an_agent_who_sets_a_password_through_the_link_once() {
    let Desk {
        server,
        mut admin,
        mut agent1,
        ..
    } = desk();
    let r = admin.post_json(
        "/api/users",
        &json!({"name": "Nia New", "email": "nia@acme.test", "role": "agent", "tier": 2}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let body = r.json();
    assert_eq!(body["user"]["role"], "agent");
    assert_eq!(body["user"]["tier"], 2);
    let t = token(&body["link"]);

    let mut nia = server.client();
    let who = nia.post_json("/api/password-links/check", &json!({ "token": t }));
    assert_eq!(who.status, 200);
    assert_eq!(who.json()["name"], "Nia New");
    assert_eq!(who.json()["purpose"], "invite");
    let r = nia.post_json(
        "/api/password-links/use",
        &json!({"token": t, "password": "short"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["password"].is_string());
    let r = nia.post_json(
        "/api/password-links/use",
        &json!({"token": t, "password": PASSWORD}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(nia.get("/api/me").json()["user"]["email"], "nia@acme.test");
    // Once only.
    let again = server.client().post_json(
        "/api/password-links/use",
        &json!({"token": t, "password": PASSWORD}),
    );
    assert_eq!(again.status, 404);
    // And the password works for signing in.
    let r = server.client().post_json(
        "/api/auth/login",
        &json!({"email": "nia@acme.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200);
    // Only admins create people.
    let r = agent1.post_json(
        "/api/users",
        &json!({"name": "X", "email": "x@acme.test", "role": "requester"}),
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_reset_link_replaces_the_old_password_and_signs_out_other_sessions() {
    let Desk {
        server,
        mut admin,
        mut alice,
        ids,
        ..
    } = desk();
    let r = admin.post_json(
        &format!("/api/users/{}/password-link", ids.alice),
        &json!({}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let t = token(&r.json()["link"]);
    let mut fresh = server.client();
    let r = fresh.post_json(
        "/api/password-links/use",
        &json!({"token": t, "password": "a brand new passphrase"}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(alice.get("/api/me").status, 401, "the old session ended");
    let old = server.client().post_json(
        "/api/auth/login",
        &json!({"email": "alice@acme.test", "password": PASSWORD}),
    );
    assert_eq!(old.status, 401);
    // The audit log has both.
    let log = admin.get("/api/audit?action=password_link_made").json();
    assert_eq!(log["total"], 1);
}

#[test]
fn bad_input_taken_emails_unknown_tokens_and_other_organizations() {
    let Desk {
        server,
        mut admin,
        ids,
        ..
    } = desk();
    let r = admin.post_json(
        "/api/users",
        &json!({"name": "", "email": "nope", "role": "boss", "tier": 9}),
    );
    assert_eq!(r.status, 422);
    let f = &r.json()["error"]["fields"];
    assert!(f["name"].is_string() && f["email"].is_string() && f["role"].is_string());
    let r = admin.post_json(
        "/api/users",
        &json!({"name": "Al", "email": "alice@acme.test", "role": "requester"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["email"].is_string());
    let r = admin.post_json(
        "/api/users",
        &json!({"name": "Req", "email": "req@acme.test", "role": "requester", "tier": 1}),
    );
    assert_eq!(r.status, 422, "requesters have no tier");
    let r = server.client().post_json(
        "/api/password-links/check",
        &json!({"token": "0".repeat(64)}),
    );
    assert_eq!(r.status, 404);
    let (mut other, _) = other_org(&server, &mut admin);
    let r = other.post_json(
        &format!("/api/users/{}/password-link", ids.alice),
        &json!({}),
    );
    assert_eq!(r.status, 404);
}

#[test]
fn the_users_list_pages_and_searches() {
    let Desk {
        server: _server,
        mut admin,
        ..
    } = desk();
    let all = admin.get("/api/users").json();
    assert_eq!(all["total"], 5);
    let p2 = admin.get("/api/users?per_page=2&page=2").json();
    assert_eq!(p2["users"].as_array().unwrap().len(), 2);
    assert_eq!(
        (p2["page"].as_i64(), p2["total"].as_i64()),
        (Some(2), Some(5))
    );
    assert_ne!(
        p2["users"][0]["id"],
        admin.get("/api/users?per_page=2&page=1").json()["users"][0]["id"]
    );
    let found = admin.get("/api/users?q=tess").json();
    assert_eq!(found["total"], 1);
    let r = admin.get("/api/users?per_page=0");
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["per_page"].is_string());
}
