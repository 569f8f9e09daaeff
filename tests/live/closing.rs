//! Streams end when the person's access does: sign-out ends that session's
//! streams (not the person's other sessions); a role change ends them all.

use crate::helpers::{desk, raise, PASSWORD};
use crate::stream::open;
use serde_json::json;
use std::time::Duration;

#[test]
fn signing_out_closes_that_sessions_stream_only() {
    let mut d = desk();
    let mut other_session = d.server.client();
    let r = other_session.post_json(
        "/api/auth/login",
        &json!({"email": "alice@acme.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200);
    let mut this = open(&d.alice);
    this.next("ready");
    let mut other = open(&other_session);
    other.next("ready");

    assert_eq!(
        d.alice.post_json("/api/auth/logout", &json!({})).status,
        204
    );
    assert!(
        this.ends_within(Duration::from_secs(5)),
        "the signed-out stream ended"
    );

    raise(&mut other_session, "Still here");
    assert_eq!(other.next("ticket.created").name, "ticket.created");
}

#[test]
fn a_role_change_closes_the_persons_streams() {
    let mut d = desk();
    let mut s = open(&d.agent1);
    s.next("ready");
    let r = d.admin.patch_json(
        &format!("/api/users/{}", d.ids.agent1),
        &json!({"role": "requester"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(s.ends_within(Duration::from_secs(5)));
    // And the old session no longer opens one.
    assert_eq!(open(&d.agent1).status, 401);
}

#[test]
fn a_shutdown_ends_every_stream() {
    let d = desk();
    let mut s = open(&d.agent1);
    s.next("ready");
    assert!(
        d.server.stop_within(Duration::from_secs(10)),
        "the server stopped without waiting for the stream"
    );
    assert!(s.ends_within(Duration::from_secs(5)));
}

#[test]
fn a_password_change_closes_the_other_sessions_streams() {
    let mut d = desk();
    let mut other_session = d.server.client();
    let r = other_session.post_json(
        "/api/auth/login",
        &json!({"email": "alice@acme.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200);
    let mut this = open(&d.alice);
    this.next("ready");
    let mut other = open(&other_session);
    other.next("ready");

    let r = d.alice.post_json(
        "/api/me/password",
        &json!({"current_password": PASSWORD, "new_password": "a brand new passphrase 2026"}),
    );
    assert_eq!(r.status, 204, "{}", r.text());
    assert!(other.ends_within(Duration::from_secs(5)));
    raise(&mut d.alice, "Still mine");
    assert_eq!(this.next("ticket.created").name, "ticket.created");
}
