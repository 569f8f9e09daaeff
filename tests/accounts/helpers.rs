//! Shortcuts the account tests share: a set-up instance, registered people, a
//! second organization, and a direct look at the database.

use crate::support::{Client, TestServer};
use serde_json::{json, Value};

pub use crate::support::PASSWORD;
pub const ADMIN_EMAIL: &str = "admin@acme.test";

/// Runs first-run setup; returns the signed-in admin and the join code.
pub fn set_up(server: &TestServer) -> (Client, String) {
    crate::support::first_run_setup(server, ADMIN_EMAIL)
}

/// Registers a requester with the join code; returns the signed-in client and user.
pub fn register(server: &TestServer, code: &str, email: &str) -> (Client, Value) {
    let mut c = server.client();
    let resp = c.post_json(
        "/api/auth/register",
        &json!({"join_code": code, "name": email.split('@').next().unwrap(), "email": email, "password": PASSWORD}),
    );
    assert_eq!(resp.status, 201, "{}", resp.text());
    (c, resp.json()["user"].clone())
}

/// Signs in a fresh client.
pub fn sign_in(server: &TestServer, email: &str, password: &str) -> (Client, u16) {
    let mut c = server.client();
    let resp = c.post_json(
        "/api/auth/login",
        &json!({"email": email, "password": password}),
    );
    (c, resp.status)
}

/// Makes a user an agent (or any role) as the admin.
pub fn set_role(admin: &mut Client, id: i64, role: &str) {
    let resp = admin.patch_json(&format!("/api/users/{id}"), &json!({"role": role}));
    assert_eq!(resp.status, 200, "{}", resp.text());
}

/// A second organization made by the first admin; returns its signed-in admin,
/// a requester in it, and the requester's user JSON.
pub fn other_org(server: &TestServer, admin: &mut Client) -> (Client, Client, Value) {
    let resp = admin.post_json(
        "/api/organizations",
        &json!({"name": "Globex", "admin": {"name": "Gus", "email": "gus@globex.test", "password": PASSWORD}}),
    );
    assert_eq!(resp.status, 201, "{}", resp.text());
    let code = resp.json()["organization"]["join_code"]
        .as_str()
        .unwrap()
        .to_string();
    let (other_admin, status) = sign_in(server, "gus@globex.test", PASSWORD);
    assert_eq!(status, 200);
    let (requester, user) = register(server, &code, "rita@globex.test");
    (other_admin, requester, user)
}

/// A direct connection to the test server's database.
pub fn db(server: &TestServer) -> rusqlite::Connection {
    rusqlite::Connection::open(server.data_dir.0.join("helpdesk.db")).unwrap()
}

pub fn session_cookie(c: &Client) -> String {
    c.cookies
        .iter()
        .find(|(n, _)| n == "hd_session")
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
