//! Comments, internal notes, tasks, watchers and what requesters may see.

use crate::helpers::*;
use serde_json::json;

#[test]
fn requesters_neither_see_nor_write_internal_notes_nor_their_history() {
    let mut d = desk();
    let n = raise(&mut d.alice, "VPN");
    let url = format!("/api/tickets/{n}/comments");
    assert_eq!(
        d.agent1
            .post_json(&url, &json!({"body": "Looking now", "internal": false}))
            .status,
        201
    );
    assert_eq!(
        d.agent1
            .post_json(
                &url,
                &json!({"body": "User on old client", "internal": true})
            )
            .status,
        201
    );
    assert_eq!(
        d.alice
            .post_json(&url, &json!({"body": "sneaky", "internal": true}))
            .status,
        403
    );
    assert_eq!(
        d.alice.post_json(&url, &json!({"body": "Thanks!"})).status,
        201
    );
    let theirs = d.alice.get(&url).json()["comments"].clone();
    let bodies: Vec<_> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Looking now", "Thanks!"]);
    assert_eq!(
        d.agent1.get(&url).json()["comments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let history = d.alice.get(&format!("/api/tickets/{n}/history")).json()["history"].to_string();
    assert!(!history.contains("internal_note") && !history.contains("old client"));
    let staff_history =
        d.agent1.get(&format!("/api/tickets/{n}/history")).json()["history"].to_string();
    assert!(staff_history.contains("internal_note"));
}

#[test]
fn a_requester_reply_moves_an_on_hold_ticket_back_to_open() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Need licence");
    assert_eq!(move_to(&mut d.agent1, n, "on_hold").status, 200);
    d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Here is the order number"}),
    );
    assert_eq!(ticket(&mut d.agent1, n)["status"], "open");
    assert_eq!(
        d.alice
            .post_json(&format!("/api/tickets/{n}/comments"), &json!({"body": " "}))
            .status,
        422
    );
}

#[test]
fn tasks_are_added_renamed_ticked_reordered_and_deleted() {
    let mut d = desk();
    let n = raise(&mut d.alice, "New starter");
    let url = format!("/api/tickets/{n}/tasks");
    let ids: Vec<i64> = ["Create account", "Order laptop", "Set up phone"]
        .iter()
        .map(|t| {
            let r = d.agent1.post_json(&url, &json!({"title": t}));
            assert_eq!(r.status, 201, "{}", r.text());
            r.json()["task"]["id"].as_i64().unwrap()
        })
        .collect();
    let r = d.alice.patch_json(
        &format!("{url}/{}", ids[0]),
        &json!({"done": true, "title": "Create AD account"}),
    );
    assert_eq!(r.status, 200, "the owner manages tasks too");
    assert_eq!(r.json()["task"]["done"], true);
    let r = d
        .agent1
        .patch_json(&format!("{url}/{}", ids[2]), &json!({"position": 0}));
    assert_eq!(r.json()["task"]["position"], 0);
    let titles = |d: &mut Desk| -> Vec<String> {
        d.alice.get(&url).json()["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        titles(&mut d),
        ["Set up phone", "Create AD account", "Order laptop"]
    );
    assert_eq!(d.agent1.delete(&format!("{url}/{}", ids[0])).status, 204);
    assert_eq!(titles(&mut d), ["Set up phone", "Order laptop"]);
    let positions: Vec<i64> = d.alice.get(&url).json()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1]);
    assert_eq!(
        d.agent1
            .patch_json(&format!("{url}/999999"), &json!({"done": true}))
            .status,
        404
    );
}

#[test]
fn watchers_see_the_ticket_and_requesters_only_add_or_remove_themselves() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Shared drive");
    let url = format!("/api/tickets/{n}/watchers");
    assert_eq!(
        d.bob.get(&format!("/api/tickets/{n}")).status,
        404,
        "not his ticket yet"
    );
    assert_eq!(
        d.alice
            .post_json(&url, &json!({"user_id": d.ids.bob}))
            .status,
        403
    );
    let r = d.agent1.post_json(&url, &json!({"user_id": d.ids.bob}));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["watchers"][0]["id"], d.ids.bob);
    assert_eq!(ticket(&mut d.bob, n)["can"]["edit"], false);
    assert_eq!(
        d.bob.get("/api/tickets").json()["total"],
        1,
        "watched tickets are listed"
    );
    assert_eq!(
        d.bob
            .post_json(&format!("/api/tickets/{n}/tasks"), &json!({"title": "x"}))
            .status,
        403
    );
    assert_eq!(d.bob.delete(&format!("{url}/{}", d.ids.alice)).status, 403);
    assert_eq!(d.bob.delete(&format!("{url}/{}", d.ids.bob)).status, 204);
    assert_eq!(d.bob.get(&format!("/api/tickets/{n}")).status, 404);
    assert_eq!(
        d.agent1.post_json(&url, &json!({"user_id": 999999})).status,
        422
    );
}
