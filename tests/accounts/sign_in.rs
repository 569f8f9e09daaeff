//! Registration, sign-in and throttling.

use crate::helpers::*;
use crate::support::spawn_app;
use serde_json::json;

#[test]
fn a_person_with_the_join_code_registers_as_a_requester_and_is_signed_in() {
    let server = spawn_app();
    let (_, code) = set_up(&server);
    let (mut c, user) = register(&server, &code.to_lowercase(), "Rick@Acme.Test");
    assert_eq!(user["role"], "requester");
    assert_eq!(
        user["email"], "rick@acme.test",
        "e-mails are stored lowercased"
    );
    assert_eq!(user["tier"], serde_json::Value::Null);
    assert_eq!(c.get("/api/me").status, 200);
    assert!(
        c.get("/api/org").json()["organization"]
            .get("join_code")
            .is_none(),
        "requesters never see the code"
    );
}

#[test]
fn registration_with_a_wrong_join_code_is_refused() {
    let server = spawn_app();
    set_up(&server);
    let resp = server.client().post_json(
        "/api/auth/register",
        &json!({"join_code": "ABCDEFGHJKMN", "name": "Eve", "email": "eve@x.test", "password": PASSWORD}),
    );
    assert_eq!(resp.status, 422);
    assert!(resp.json()["error"]["fields"]["join_code"].is_string());
}

#[test]
fn the_old_join_code_stops_working_after_rotation() {
    let server = spawn_app();
    let (mut admin, old) = set_up(&server);
    let resp = admin.post_json("/api/org/join-code", &json!({}));
    let new = resp.json()["organization"]["join_code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    let resp = server.client().post_json(
        "/api/auth/register",
        &json!({"join_code": old, "name": "Late", "email": "late@acme.test", "password": PASSWORD}),
    );
    assert_eq!(resp.status, 422);
    register(&server, &new, "early@acme.test");
}

#[test]
fn an_e_mail_is_unique_in_the_instance_regardless_of_case() {
    let server = spawn_app();
    let (_, code) = set_up(&server);
    register(&server, &code, "sam@acme.test");
    let resp = server.client().post_json(
        "/api/auth/register",
        &json!({"join_code": code, "name": "Sam 2", "email": "SAM@acme.test", "password": PASSWORD}),
    );
    assert_eq!(resp.status, 409);
    assert!(
        !resp.text().contains("exists"),
        "the answer does not say the address exists"
    );
}

#[test]
fn sign_in_answers_the_same_for_an_unknown_e_mail_and_a_wrong_password() {
    let server = spawn_app();
    set_up(&server);
    let mut c = server.client();
    let wrong = c.post_json(
        "/api/auth/login",
        &json!({"email": ADMIN_EMAIL, "password": "wrong password!"}),
    );
    let unknown = c.post_json(
        "/api/auth/login",
        &json!({"email": "nobody@acme.test", "password": "wrong password!"}),
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body, unknown.body);
    assert!(c.cookies.is_empty());
    let (_, status) = sign_in(&server, &ADMIN_EMAIL.to_uppercase(), PASSWORD);
    assert_eq!(status, 200, "e-mail case does not matter at sign-in");
}

#[test]
fn repeated_wrong_passwords_are_throttled_with_retry_after_even_for_the_right_one() {
    let server = spawn_app();
    set_up(&server);
    let mut c = server.client();
    for _ in 0..helpdesk::auth::throttle::PAIR_FREE {
        let resp = c.post_json(
            "/api/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": "not it at all"}),
        );
        assert_eq!(resp.status, 401);
    }
    let resp = c.post_json(
        "/api/auth/login",
        &json!({"email": ADMIN_EMAIL, "password": "not it at all"}),
    );
    assert_eq!(
        resp.status, 401,
        "the failure over the allowance starts the back-off"
    );
    let resp = c.post_json(
        "/api/auth/login",
        &json!({"email": ADMIN_EMAIL, "password": PASSWORD}),
    );
    assert_eq!(resp.status, 429);
    assert_eq!(resp.error_code(), "too_many_requests");
    let wait: u64 = resp.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=300).contains(&wait));
}

#[test]
fn a_deactivated_person_cannot_sign_in() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let (_, user) = register(&server, &code, "gone@acme.test");
    admin.patch_json(
        &format!("/api/users/{}", user["id"]),
        &json!({"active": false}),
    );
    let (_, status) = sign_in(&server, "gone@acme.test", PASSWORD);
    assert_eq!(status, 401);
}

#[test]
fn passwords_are_stored_as_argon2id_phc_strings() {
    let server = spawn_app();
    set_up(&server);
    let hash: String = db(&server)
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!hash.contains(PASSWORD));
}
