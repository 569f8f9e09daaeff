//! Merging duplicates and linking related tickets.

use crate::helpers::{desk, other_org, raise, ticket, Desk};
use serde_json::json;

#[test]
fn merging_moves_conversation_tasks_and_watchers_and_tells_the_requester() {
    let Desk {
        server: _server,
        mut alice,
        mut bob,
        mut agent1,
        ids,
        ..
    } = desk();
    let keep = raise(&mut alice, "Wi-Fi down on floor 2");
    let dup = raise(&mut bob, "No wifi floor two");
    agent1.post_json(
        &format!("/api/tickets/{dup}/comments"),
        &json!({"body": "Checking the access point"}),
    );
    agent1.post_json(
        &format!("/api/tickets/{dup}/tasks"),
        &json!({"title": "Reboot AP"}),
    );
    agent1.post_json(
        &format!("/api/tickets/{dup}/watchers"),
        &json!({"user_id": ids.agent2}),
    );

    let r = agent1.post_json(
        &format!("/api/tickets/{dup}/merge"),
        &json!({ "into": keep }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["number"], keep);

    let old = ticket(&mut bob, dup);
    assert_eq!(old["status"], "closed");
    assert_eq!(old["merged_into"], keep);
    let told = bob.get(&format!("/api/tickets/{dup}/comments")).json();
    assert!(told.to_string().contains(&format!("merged into #{keep}")));
    // Bob now watches the ticket that carries on, and can read it.
    let kept = ticket(&mut bob, keep);
    let watchers: Vec<i64> = kept["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert!(watchers.contains(&ids.bob) && watchers.contains(&ids.agent2));
    let convo = agent1.get(&format!("/api/tickets/{keep}/comments")).json();
    assert!(convo.to_string().contains("Checking the access point"));
    let tasks = agent1.get(&format!("/api/tickets/{keep}/tasks")).json();
    assert_eq!(tasks["tasks"][0]["title"], "Reboot AP");
    // Merging the closed duplicate again is a conflict.
    let again = agent1.post_json(
        &format!("/api/tickets/{dup}/merge"),
        &json!({ "into": keep }),
    );
    assert_eq!(again.status, 409);
}

#[test]
fn merging_into_itself_nowhere_or_another_organization_names_the_field() {
    let Desk {
        server,
        mut admin,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let a = raise(&mut alice, "A");
    for into in [json!(a), json!(9999), json!(null)] {
        let r = agent1.post_json(&format!("/api/tickets/{a}/merge"), &json!({ "into": into }));
        assert_eq!(r.status, 422, "{into}: {}", r.text());
        assert!(r.json()["error"]["fields"]["into"].is_string());
    }
    let (_other_admin, mut gina) = other_org(&server, &mut admin);
    let theirs = raise(&mut gina, "Theirs");
    let r = agent1.post_json(
        &format!("/api/tickets/{a}/merge"),
        &json!({ "into": theirs + 100 }),
    );
    assert_eq!(r.status, 422, "another organization's ticket is no ticket");
    assert_eq!(
        alice
            .post_json(&format!("/api/tickets/{a}/merge"), &json!({"into": a + 1}))
            .status,
        403
    );
}

#[test]
fn links_go_both_ways_and_are_for_staff() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let a = raise(&mut alice, "Printer offline");
    let b = raise(&mut alice, "Print server slow");
    let r = agent1.post_json(&format!("/api/tickets/{a}/links"), &json!({ "number": b }));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["links"][0]["number"], b);
    assert_eq!(ticket(&mut agent1, b)["links"][0]["number"], a);
    assert_eq!(ticket(&mut alice, a)["links"], json!([]));
    let r = agent1.post_json(&format!("/api/tickets/{a}/links"), &json!({ "number": a }));
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["number"].is_string());
    assert_eq!(
        agent1.delete(&format!("/api/tickets/{b}/links/{a}")).status,
        204
    );
    assert_eq!(ticket(&mut agent1, a)["links"], json!([]));
}
