//! Canned replies: shared ones are the admins', personal ones their owner's;
//! placeholders are filled in for the ticket they are inserted into.

use crate::helpers::{desk, raise, Desk};
use serde_json::json;

#[test]
fn shared_and_personal_replies_with_placeholders_filled_per_ticket() {
    let Desk {
        server: _server,
        mut admin,
        mut agent1,
        mut agent2,
        mut alice,
        ..
    } = desk();
    let r = admin.post_json(
        "/api/canned-replies",
        &json!({"title": "Password reset", "shared": true,
                "body": "Hi {{requester.name}}, your password for ticket #{{ticket.number}} is reset. {{agent.name}}"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = agent1.post_json(
        "/api/canned-replies",
        &json!({"title": "My sign-off", "body": "Cheers, {{agent.name}}"}),
    );
    assert_eq!(r.status, 201);
    let mine = r.json()["reply"]["id"].as_i64().unwrap();

    let titles = |c: &mut crate::support::Client| -> Vec<String> {
        c.get("/api/canned-replies").json()["replies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&mut agent1), ["My sign-off", "Password reset"]);
    assert_eq!(
        titles(&mut agent2),
        ["Password reset"],
        "personal stays personal"
    );

    let n = raise(&mut alice, "Locked out");
    let filled = agent1
        .get(&format!("/api/tickets/{n}/canned-replies"))
        .json();
    let reset = filled["replies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Password reset")
        .unwrap()
        .clone();
    assert_eq!(
        reset["body"],
        format!("Hi Alice Requester, your password for ticket #{n} is reset. Tom Tier-One")
    );

    // Others cannot change what is not theirs.
    assert_eq!(
        agent2.delete(&format!("/api/canned-replies/{mine}")).status,
        404
    );
    let shared = reset["id"].as_i64().unwrap();
    let r = agent1.patch_json(
        &format!("/api/canned-replies/{shared}"),
        &json!({"title": "Mine now"}),
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        agent1.delete(&format!("/api/canned-replies/{mine}")).status,
        204
    );
}

#[test]
fn agents_cannot_share_requesters_cannot_use_and_bad_input_names_the_field() {
    let Desk {
        server: _server,
        mut agent1,
        mut alice,
        ..
    } = desk();
    let r = agent1.post_json(
        "/api/canned-replies",
        &json!({"title": "T", "body": "B", "shared": true}),
    );
    assert_eq!(r.status, 403);
    let r = agent1.post_json("/api/canned-replies", &json!({"title": "", "body": " "}));
    assert_eq!(r.status, 422);
    let f = &r.json()["error"]["fields"];
    assert!(f["title"].is_string() && f["body"].is_string());
    assert_eq!(alice.get("/api/canned-replies").status, 403);
    let n = raise(&mut alice, "Hi");
    assert_eq!(
        alice
            .get(&format!("/api/tickets/{n}/canned-replies"))
            .status,
        403
    );
}
