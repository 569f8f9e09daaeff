//! Organizations are walled off: another organization's ids answer 404, like
//! missing ones, and nothing changes.

use crate::helpers::*;
use crate::support::{spawn_app, spawn_app_with};
use serde_json::json;

#[test]
fn admins_create_organizations_with_their_own_admin_and_join_code() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let (mut gus, _, _) = other_org(&server, &mut admin);
    let theirs = gus.get("/api/org").json()["organization"].clone();
    assert_eq!(theirs["slug"], "globex");
    assert_ne!(theirs["join_code"], code.as_str());
    assert_eq!(
        admin.get("/api/me").json()["user"]["email"],
        ADMIN_EMAIL,
        "the creator keeps their session"
    );
}

#[test]
fn anyone_may_create_an_organization_only_with_open_signup() {
    let body = json!({"name": "Initech", "admin": {"name": "Bill", "email": "bill@initech.test", "password": PASSWORD}});
    let closed = spawn_app();
    set_up(&closed);
    assert_eq!(
        closed
            .client()
            .post_json("/api/organizations", &body)
            .status,
        401
    );
    let open = spawn_app_with(|c| c.open_signup = true);
    let mut c = open.client();
    assert_eq!(c.post_json("/api/organizations", &body).status, 201);
    assert_eq!(
        c.get("/api/me").json()["user"]["role"],
        "admin",
        "the creator is signed in"
    );
}

#[test]
fn another_organizations_user_id_is_404_and_nothing_changes() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let (_, _, rita) = other_org(&server, &mut admin);
    let path = format!("/api/users/{}", rita["id"]);
    for body in [
        json!({"role": "admin"}),
        json!({"active": false}),
        json!({"role": "agent", "tier": 2}),
    ] {
        let resp = admin.patch_json(&path, &body);
        assert_eq!(resp.status, 404, "{}", resp.text());
        assert_eq!(resp.error_code(), "not_found");
    }
    let missing = admin.patch_json("/api/users/999999", &json!({"role": "admin"}));
    assert_eq!(
        missing.body,
        admin.patch_json(&path, &json!({"role": "admin"})).body,
        "indistinguishable"
    );
    let (role, active): (String, bool) = db(&server)
        .query_row(
            "SELECT role, active FROM users WHERE id = ?1",
            [rita["id"].as_i64().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((role.as_str(), active), ("requester", true));
    assert_eq!(
        sign_in(&server, "rita@globex.test", PASSWORD).1,
        200,
        "her sessions were not touched"
    );
}

#[test]
fn lists_show_only_the_callers_organization() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let (mut gus, _, _) = other_org(&server, &mut admin);
    let emails: Vec<String> = gus.get("/api/users").json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(emails, ["gus@globex.test", "rita@globex.test"]);
    assert_eq!(
        gus.get("/api/agents").json()["agents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        gus.get("/api/users?q=acme").json()["users"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn non_numeric_ids_are_404() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    assert_eq!(
        admin
            .patch_json("/api/users/abc", &json!({"role": "agent"}))
            .status,
        404
    );
    assert_eq!(
        admin
            .patch_json("/api/users/-1", &json!({"role": "agent"}))
            .status,
        404
    );
}
