//! `GET /api/people`: the staff's people picker. Staff find active people of
//! their own organization by name or e-mail; requesters are refused.

use crate::helpers::*;
use crate::support::{spawn_app, Client};
use serde_json::{json, Value};

fn people(c: &mut Client, q: &str) -> Vec<Value> {
    let resp = c.get(&format!("/api/people?q={q}"));
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()["people"].as_array().unwrap().clone()
}

fn emails(list: &[Value]) -> Vec<&str> {
    list.iter().map(|p| p["email"].as_str().unwrap()).collect()
}

#[test]
fn staff_find_active_people_by_name_or_email_sorted_by_name() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let (_, zoe) = register(&server, &code, "zoe.mason@acme.test");
    register(&server, &code, "mason.adams@acme.test");
    register(&server, &code, "pat@acme.test");
    let (_, gone) = register(&server, &code, "masonry@acme.test");
    let resp = admin.patch_json(
        &format!("/api/users/{}", gone["id"]),
        &json!({"active": false}),
    );
    assert_eq!(resp.status, 200, "{}", resp.text());
    let (_, agent) = register(&server, &code, "agnes@acme.test");
    set_role(&mut admin, agent["id"].as_i64().unwrap(), "agent");
    let (mut agnes, status) = sign_in(&server, "agnes@acme.test", PASSWORD);
    assert_eq!(status, 200);

    let found = people(&mut agnes, "MASON");
    assert_eq!(
        emails(&found),
        ["mason.adams@acme.test", "zoe.mason@acme.test"],
        "case-insensitive, by name, deactivated people left out"
    );
    assert_eq!(
        found[1],
        json!({"id": zoe["id"], "name": "zoe.mason", "email": "zoe.mason@acme.test",
               "role": "requester"}),
        "just enough to pick someone"
    );
    assert_eq!(emails(&people(&mut agnes, "pat%40acme")), ["pat@acme.test"]);
    assert_eq!(people(&mut agnes, "%25").len(), 0, "% is literal");
    assert_eq!(
        people(&mut admin, "").len(),
        5,
        "admins too; no q lists everyone active"
    );
}

#[test]
fn the_picker_answers_at_most_twenty_people() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    for i in 0..21 {
        register(&server, &code, &format!("user{i:02}@acme.test"));
    }
    let list = people(&mut admin, "user");
    assert_eq!(list.len(), 20);
    assert_eq!(list[0]["email"], "user00@acme.test");
}

#[test]
fn another_organizations_people_never_appear() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let (mut gus, _, _) = other_org(&server, &mut admin);
    assert_eq!(emails(&people(&mut admin, "globex")), Vec::<&str>::new());
    assert_eq!(emails(&people(&mut admin, "")), [ADMIN_EMAIL]);
    assert_eq!(
        emails(&people(&mut gus, "")),
        ["gus@globex.test", "rita@globex.test"]
    );
}

#[test]
fn requesters_are_refused_and_strangers_must_sign_in() {
    let server = spawn_app();
    let (_, code) = set_up(&server);
    let (mut requester, _) = register(&server, &code, "req@acme.test");
    assert_eq!(requester.get("/api/people?q=a").status, 403);
    assert_eq!(server.client().get("/api/people").status, 401);
}
