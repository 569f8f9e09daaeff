//! A small organization built through the real API, for the security tests:
//! an admin (first-run setup), a requester, one ticket with a task on it.

use crate::support::{first_run_setup, spawn_app, Client, TestServer};
use serde_json::json;

pub use crate::support::PASSWORD;

pub struct Desk {
    /// Held so the server lives as long as the desk.
    pub _server: TestServer,
    pub admin: Client,
    pub requester_id: i64,
    pub category_id: i64,
    pub ticket: i64,
    pub task_id: i64,
}

pub fn desk() -> Desk {
    let server = spawn_app();
    let (mut admin, code) = first_run_setup(&server, "ada@acme.test");
    let mut requester = server.client();
    let r = requester.post_json(
        "/api/auth/register",
        &json!({"join_code": code, "name": "Rita Requester", "email": "rita@acme.test",
                "password": PASSWORD}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let requester_id = r.json()["user"]["id"].as_i64().expect("user id");
    let categories = admin.get("/api/categories").json();
    let category_id = categories["categories"]
        .as_array()
        .and_then(|list| list.iter().find(|c| c["name"] == "Other"))
        .and_then(|c| c["id"].as_i64())
        .expect("the Other category");
    let r = admin.post_json(
        "/api/tickets",
        &json!({"category_id": category_id, "title": "Printer jams", "description": "Tray 2.",
                "priority": "normal", "answers": {}}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let ticket = r.json()["ticket"]["number"].as_i64().expect("number");
    let r = admin.post_json(
        &format!("/api/tickets/{ticket}/tasks"),
        &json!({"title": "Open tray 2"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let task_id = r.json()["task"]["id"].as_i64().expect("task id");
    Desk {
        _server: server,
        admin,
        requester_id,
        category_id,
        ticket,
        task_id,
    }
}
