//! Helpers for the ticket tests: an organization set up through the real API
//! (admin via first-run setup, requesters via the join code, agents promoted by the
//! admin), and short ways to raise and move tickets.

use crate::support::{first_run_setup, spawn_app, spawn_app_at, Client, TestResponse, TestServer};
use helpdesk::jobs::{Jobs, ManualClock};
use serde_json::{json, Value};
use std::sync::Arc;

pub use crate::support::PASSWORD;

/// A desk: the server, an admin, two agents (tier 1 and tier 2), two requesters.
#[allow(dead_code)]
pub struct Desk {
    pub server: TestServer,
    pub admin: Client,
    pub agent1: Client,
    pub agent2: Client,
    pub alice: Client,
    pub bob: Client,
    pub join_code: String,
    pub ids: Ids,
}

#[allow(dead_code)]
#[derive(Clone, Copy)]
pub struct Ids {
    pub admin: i64,
    pub agent1: i64,
    pub agent2: i64,
    pub alice: i64,
    pub bob: i64,
}

pub fn signed_in_id(resp: &TestResponse) -> i64 {
    assert!(
        resp.status == 200 || resp.status == 201,
        "{} {}",
        resp.status,
        resp.text()
    );
    resp.json()["user"]["id"].as_i64().unwrap()
}

/// Registers a requester with the join code.
pub fn register(server: &TestServer, join_code: &str, name: &str, email: &str) -> (Client, i64) {
    let mut c = server.client();
    let r = c.post_json(
        "/api/auth/register",
        &json!({"join_code": join_code, "name": name, "email": email, "password": PASSWORD}),
    );
    let id = signed_in_id(&r);
    (c, id)
}

/// Registers someone and has the admin make them an agent of `tier`.
pub fn agent(
    server: &TestServer,
    admin: &mut Client,
    join_code: &str,
    name: &str,
    email: &str,
    tier: i64,
) -> (Client, i64) {
    let (mut c, id) = register(server, join_code, name, email);
    let r = admin.patch_json(
        &format!("/api/users/{id}"),
        &json!({"role": "agent", "tier": tier}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Sign in again so the session carries the new role.
    let r = c.post_json(
        "/api/auth/login",
        &json!({"email": email, "password": PASSWORD}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    (c, id)
}

pub fn desk() -> Desk {
    desk_on(spawn_app())
}

/// A desk whose clock stands at `start` until the test moves it, and the
/// handle on its jobs thread.
pub fn desk_at(start: &str) -> (Desk, Arc<ManualClock>, Jobs) {
    let clock = Arc::new(ManualClock::new(
        start.parse().expect("an RFC 3339 instant"),
    ));
    let (server, jobs) = spawn_app_at(Arc::clone(&clock));
    (desk_on(server), clock, jobs)
}

/// [`desk_at`] with the handle on the mail thread too (live streams work).
#[allow(dead_code)]
pub fn desk_with_mail(start: &str) -> (Desk, Arc<ManualClock>, Jobs, Jobs) {
    let clock = Arc::new(ManualClock::new(
        start.parse().expect("an RFC 3339 instant"),
    ));
    let (server, jobs, mail) = crate::support::spawn_app_with_mail(Arc::clone(&clock));
    (desk_on(server), clock, jobs, mail)
}

fn desk_on(server: TestServer) -> Desk {
    let (mut admin, join_code) = first_run_setup(&server, "ada@acme.test");
    let admin_id = admin.get("/api/me").json()["user"]["id"].as_i64().unwrap();
    let (agent1, a1) = agent(
        &server,
        &mut admin,
        &join_code,
        "Tom Tier-One",
        "tom@acme.test",
        1,
    );
    let (agent2, a2) = agent(
        &server,
        &mut admin,
        &join_code,
        "Tess Tier-Two",
        "tess@acme.test",
        2,
    );
    let (alice, alice_id) = register(&server, &join_code, "Alice Requester", "alice@acme.test");
    let (bob, bob_id) = register(&server, &join_code, "Bob Requester", "bob@acme.test");
    Desk {
        server,
        admin,
        agent1,
        agent2,
        alice,
        bob,
        join_code,
        ids: Ids {
            admin: admin_id,
            agent1: a1,
            agent2: a2,
            alice: alice_id,
            bob: bob_id,
        },
    }
}

/// A second organization on the same server, with its own admin and requester.
pub fn other_org(server: &TestServer, admin: &mut Client) -> (Client, Client) {
    let mut other_admin = server.client();
    let r = admin.post_json(
        "/api/organizations",
        &json!({"name": "Globex", "admin": {"name": "Gus Admin", "email": "gus@globex.test",
                                            "password": PASSWORD}}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = other_admin.post_json(
        "/api/auth/login",
        &json!({"email": "gus@globex.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let code = other_admin.get("/api/org").json()["organization"]["join_code"]
        .as_str()
        .unwrap()
        .to_string();
    let (requester, _) = register(server, &code, "Gina Globex", "gina@globex.test");
    (other_admin, requester)
}

/// The id of a category by name.
pub fn category(c: &mut Client, name: &str) -> Value {
    let list = c.get("/api/categories").json();
    list["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no category {name}"))
}

/// The question id of `label` in a category.
pub fn question(cat: &Value, label: &str) -> String {
    cat["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["label"] == label)
        .map(|q| q["id"].to_string())
        .unwrap_or_else(|| panic!("no question {label}"))
}

/// Raises an "Other" ticket (no questions) and returns its number.
pub fn raise(c: &mut Client, title: &str) -> i64 {
    let cat = category(c, "Other");
    let r = c.post_json(
        "/api/tickets",
        &json!({"category_id": cat["id"], "title": title, "description": "Please help.",
                "priority": "normal", "answers": {}}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["ticket"]["number"].as_i64().unwrap()
}

pub fn move_to(c: &mut Client, number: i64, status: &str) -> TestResponse {
    let mut body = json!({ "status": status });
    if status == "resolved" {
        body["resolution"] = json!({"cause": "Cache corrupt", "steps": "Cleared the cache"});
    }
    c.post_json(&format!("/api/tickets/{number}/status"), &body)
}

pub fn ticket(c: &mut Client, number: i64) -> Value {
    let r = c.get(&format!("/api/tickets/{number}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["ticket"].clone()
}
