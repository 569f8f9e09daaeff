//! Roles: what requesters, agents and admins may do, and the last-admin rule.

use crate::helpers::*;
use crate::support::spawn_app;
use serde_json::json;

#[test]
fn a_requester_calling_admin_and_staff_endpoints_gets_403() {
    let server = spawn_app();
    let (_, code) = set_up(&server);
    let (mut r, me) = register(&server, &code, "req@acme.test");
    assert_eq!(r.get("/api/users").status, 403);
    assert_eq!(r.get("/api/agents").status, 403);
    assert_eq!(
        r.patch_json(
            &format!("/api/users/{}", me["id"]),
            &json!({"role": "admin"})
        )
        .status,
        403
    );
    assert_eq!(
        r.patch_json("/api/org", &json!({"name": "Mine now"}))
            .status,
        403
    );
    assert_eq!(r.post_json("/api/org/join-code", &json!({})).status, 403);
    let resp = r.post_json(
        "/api/organizations",
        &json!({"name": "X", "admin": {"name": "X", "email": "x@x.test", "password": PASSWORD}}),
    );
    assert_eq!(resp.status, 403);
    assert_eq!(r.get("/api/me").json()["user"]["role"], "requester");
}

#[test]
fn admins_list_people_by_role_and_search() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    register(&server, &code, "bob@acme.test");
    let (_, carol) = register(&server, &code, "carol@acme.test");
    set_role(&mut admin, carol["id"].as_i64().unwrap(), "agent");
    let all = admin.get("/api/users").json()["users"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(all, 3);
    let agents = admin.get("/api/users?role=agent").json();
    assert_eq!(agents["users"][0]["email"], "carol@acme.test");
    assert_eq!(agents["users"][0]["tier"], 1, "staff get tier 1 by default");
    let found = admin.get("/api/users?q=BOB").json();
    assert_eq!(found["users"].as_array().unwrap().len(), 1);
    assert_eq!(
        admin.get("/api/users?q=%25").json()["users"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "% is literal"
    );
    assert_eq!(admin.get("/api/users?role=boss").status, 422);
}

#[test]
fn staff_see_active_agents_and_admins_for_assignment() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let (mut agent, a) = register(&server, &code, "agnes@acme.test");
    register(&server, &code, "req@acme.test");
    set_role(&mut admin, a["id"].as_i64().unwrap(), "agent");
    let (mut agent2, _) = sign_in(&server, "agnes@acme.test", PASSWORD);
    assert_eq!(
        agent.get("/api/agents").status,
        401,
        "a role change ends old sessions"
    );
    let list = agent2.get("/api/agents").json()["agents"]
        .as_array()
        .unwrap()
        .clone();
    let names: Vec<_> = list
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Ada Admin", "agnes"]);
    assert_eq!(
        agent2.get("/api/users").status,
        403,
        "agents are not admins"
    );
}

#[test]
fn admins_set_tiers_but_requesters_have_none() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let (_, u) = register(&server, &code, "t@acme.test");
    let path = format!("/api/users/{}", u["id"]);
    assert_eq!(admin.patch_json(&path, &json!({"tier": 2})).status, 422);
    let resp = admin.patch_json(&path, &json!({"role": "agent", "tier": 3}));
    assert_eq!(resp.json()["user"]["tier"], 3);
    assert_eq!(admin.patch_json(&path, &json!({"tier": 4})).status, 422);
    let resp = admin.patch_json(&path, &json!({"role": "requester"}));
    assert_eq!(resp.json()["user"]["tier"], serde_json::Value::Null);
}

#[test]
fn deactivating_ends_sessions_and_keeps_the_person_listed() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let (mut r, u) = register(&server, &code, "leaver@acme.test");
    let resp = admin.patch_json(
        &format!("/api/users/{}", u["id"]),
        &json!({"active": false}),
    );
    assert_eq!(resp.json()["user"]["active"], false);
    assert_eq!(r.get("/api/me").status, 401);
    let listed = admin.get("/api/users?q=leaver").json();
    assert_eq!(listed["users"][0]["active"], false);
    admin.patch_json(&format!("/api/users/{}", u["id"]), &json!({"active": true}));
    assert_eq!(sign_in(&server, "leaver@acme.test", PASSWORD).1, 200);
}

#[test]
fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let me = admin.get("/api/me").json()["user"]["id"].as_i64().unwrap();
    let path = format!("/api/users/{me}");
    assert_eq!(
        admin.patch_json(&path, &json!({"role": "agent"})).status,
        409
    );
    assert_eq!(
        admin.patch_json(&path, &json!({"active": false})).status,
        409
    );
    assert_eq!(admin.get("/api/me").json()["user"]["role"], "admin");
    // With a second admin, the first may step down.
    let (_, u) = register(&server, &code, "second@acme.test");
    set_role(&mut admin, u["id"].as_i64().unwrap(), "admin");
    assert_eq!(
        admin.patch_json(&path, &json!({"role": "agent"})).status,
        200
    );
}

#[test]
fn admins_rename_the_organization() {
    let server = spawn_app();
    let (mut admin, _) = set_up(&server);
    let resp = admin.patch_json("/api/org", &json!({"name": "Acme Corporate IT"}));
    assert_eq!(resp.json()["organization"]["name"], "Acme Corporate IT");
    assert_eq!(
        admin.patch_json("/api/org", &json!({"name": "  "})).status,
        422
    );
}

#[test]
fn admins_are_top_tier_when_created_or_promoted_unless_told_otherwise() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    assert_eq!(admin.get("/api/me").json()["user"]["tier"], 3, "setup");
    other_org(&server, &mut admin);
    let (mut gus, _) = sign_in(&server, "gus@globex.test", PASSWORD);
    assert_eq!(
        gus.get("/api/me").json()["user"]["tier"],
        3,
        "POST /api/organizations"
    );

    let (_, u) = register(&server, &code, "una@acme.test");
    let path = format!("/api/users/{}", u["id"]);
    assert_eq!(u["tier"], serde_json::Value::Null, "requesters have none");
    let agent = admin.patch_json(&path, &json!({"role": "agent"})).json();
    assert_eq!(agent["user"]["tier"], 1, "agents start at tier 1");
    let promoted = admin.patch_json(&path, &json!({"role": "admin"})).json();
    assert_eq!(promoted["user"]["tier"], 3, "promotion to admin");
    let kept = admin.patch_json(&path, &json!({"active": true})).json();
    assert_eq!(kept["user"]["tier"], 3, "an unrelated change keeps it");

    let (_, v) = register(&server, &code, "vic@acme.test");
    let path = format!("/api/users/{}", v["id"]);
    let given = admin
        .patch_json(&path, &json!({"role": "admin", "tier": 2}))
        .json();
    assert_eq!(given["user"]["tier"], 2, "a tier given wins");
    assert_eq!(
        admin
            .patch_json(&path, &json!({"role": "agent", "tier": 0}))
            .status,
        422,
        "agents are tier 1..3"
    );
    assert_eq!(
        admin
            .patch_json(&path, &json!({"role": "requester", "tier": 1}))
            .status,
        422,
        "requesters have no tier"
    );
    let demoted = admin
        .patch_json(&path, &json!({"role": "requester"}))
        .json();
    assert_eq!(demoted["user"]["tier"], serde_json::Value::Null);
}
