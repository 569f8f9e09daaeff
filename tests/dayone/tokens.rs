//! Personal API tokens: `Authorization: Bearer` on any API route, scoped, expiring,
//! revocable, stored hashed.

use crate::helpers::{desk, raise, Desk};
use crate::support::{Client, TestServer};
use serde_json::{json, Value};

fn make_token(c: &mut Client, name: &str, scope: &str, days: Value) -> (i64, String) {
    let r = c.post_json(
        "/api/me/tokens",
        &json!({"name": name, "scope": scope, "expires_in_days": days}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let body = r.json();
    (
        body["token"]["id"].as_i64().unwrap(),
        body["secret"].as_str().unwrap().to_string(),
    )
}

fn bearer(server: &TestServer, secret: &str) -> Client {
    let mut c = server.client();
    c.extra_headers
        .push(("Authorization".into(), format!("Bearer {secret}")));
    c
}

#[test]
fn a_read_token_reads_as_its_owner_and_may_not_write() {
    let Desk {
        server, mut agent1, ..
    } = desk();
    let (_, secret) = make_token(&mut agent1, "dashboard", "read", json!(30));
    assert!(secret.starts_with("hdt_"));
    let mut script = bearer(&server, &secret);
    let me = script.get("/api/me");
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["user"]["email"], "tom@acme.test");
    assert_eq!(script.get("/api/tickets").status, 200);
    let r = script.post_json("/api/tickets", &json!({"title": "x"}));
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("only read"));
}

#[test]
fn a_write_token_writes_without_csrf_or_cookie() {
    let Desk {
        server, mut alice, ..
    } = desk();
    let n = raise(&mut alice, "Printer jams");
    let (_, secret) = make_token(&mut alice, "script", "write", Value::Null);
    let mut script = bearer(&server, &secret);
    // No Origin, no Sec-Fetch-Site, and a foreign Sec-Fetch-Site: a bearer call
    // is not a browser's, and still passes.
    script
        .extra_headers
        .push(("Sec-Fetch-Site".into(), "cross-site".into()));
    let r = script.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Sent from a script"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(script.cookies.is_empty(), "a bearer call sets no cookie");
}

#[test]
fn a_session_cookie_with_a_bearer_header_still_passes_csrf() {
    let Desk {
        server: _server,
        mut alice,
        ..
    } = desk();
    let n = raise(&mut alice, "Phone broken");
    let (_, secret) = make_token(&mut alice, "script", "write", Value::Null);
    alice
        .extra_headers
        .push(("Authorization".into(), format!("Bearer {secret}")));
    alice
        .extra_headers
        .push(("Sec-Fetch-Site".into(), "cross-site".into()));
    let r = alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "forged"}),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(r.error_code(), "csrf_rejected");
}

#[test]
fn revoked_expired_unknown_and_malformed_tokens_answer_401() {
    let Desk {
        server,
        mut alice,
        mut admin,
        ..
    } = desk();
    let (id, secret) = make_token(&mut alice, "old", "read", json!(1));
    assert_eq!(bearer(&server, &secret).get("/api/me").status, 200);
    assert_eq!(alice.delete(&format!("/api/me/tokens/{id}")).status, 204);
    assert_eq!(bearer(&server, &secret).get("/api/me").status, 401);

    // An admin revokes someone else's.
    let (id2, secret2) = make_token(&mut alice, "other", "read", json!(1));
    let all = admin.get("/api/tokens").json();
    assert!(all["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id2 && t["user"]["name"] == "Alice Requester"));
    assert_eq!(admin.delete(&format!("/api/tokens/{id2}")).status, 204);
    assert_eq!(bearer(&server, &secret2).get("/api/me").status, 401);

    for bad in ["hdt_0000", "nonsense", &format!("hdt_{}", "a".repeat(64))] {
        let r = bearer(&server, bad).get("/api/me");
        assert_eq!(r.status, 401, "{bad}");
    }
}

#[test]
fn an_expired_token_answers_401() {
    let Desk {
        server, mut alice, ..
    } = desk();
    let (id, secret) = make_token(&mut alice, "brief", "read", json!(1));
    // Age the token past its expiry in the database, as a day passing would.
    let db = helpdesk::store::Db::open(&server.data_dir.0, false).unwrap();
    db.write(|tx| {
        tx.execute("UPDATE api_tokens SET expires_at = 1 WHERE id = ?1", [id])
            .map_err(helpdesk::store::StoreError::from)
    })
    .unwrap();
    assert_eq!(bearer(&server, &secret).get("/api/me").status, 401);
}

#[test]
fn tokens_are_stored_hashed_and_last_use_is_shown() {
    let Desk {
        server, mut alice, ..
    } = desk();
    let (id, secret) = make_token(&mut alice, "cron", "read", Value::Null);
    let listed = alice.get("/api/me/tokens").json();
    assert!(listed["tokens"][0]["last_used_at"].is_null());
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once"
    );
    bearer(&server, &secret).get("/api/me");
    let listed = alice.get("/api/me/tokens").json();
    assert_eq!(listed["tokens"][0]["id"], id);
    assert!(listed["tokens"][0]["last_used_at"].is_i64());
    let db = helpdesk::store::Db::open(&server.data_dir.0, false).unwrap();
    let stored: String = db
        .read(|c| {
            c.query_row("SELECT token_hash FROM api_tokens", [], |r| r.get(0))
                .map_err(helpdesk::store::StoreError::from)
        })
        .unwrap();
    assert_ne!(stored, secret);
    assert!(!stored.contains(&secret[4..]));
}

#[test]
fn a_token_cannot_manage_tokens_and_bad_input_names_the_field() {
    let Desk {
        server,
        mut alice,
        mut admin,
        ..
    } = desk();
    let (_, secret) = make_token(&mut alice, "w", "write", Value::Null);
    let r = bearer(&server, &secret)
        .post_json("/api/me/tokens", &json!({"name": "more", "scope": "write"}));
    assert_eq!(r.status, 401, "tokens are made from a signed-in browser");
    let r = alice.post_json(
        "/api/me/tokens",
        &json!({"name": "", "scope": "admin", "expires_in_days": 0}),
    );
    assert_eq!(r.status, 422);
    let f = &r.json()["error"]["fields"];
    assert!(f["name"].is_string() && f["scope"].is_string() && f["expires_in_days"].is_string());
    // Requesters cannot list everyone's; an admin's list never crosses organizations.
    assert_eq!(alice.get("/api/tokens").status, 403);
    let (mut other_admin, _) = crate::helpers::other_org(&server, &mut admin);
    assert_eq!(
        other_admin.get("/api/tokens").json()["tokens"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let mine = alice.get("/api/me/tokens").json()["tokens"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        other_admin.delete(&format!("/api/tokens/{mine}")).status,
        404
    );
}
