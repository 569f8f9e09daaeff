//! "Chat with IT now": a first message files a ticket in one call, with the
//! category's questions waived.

use crate::helpers::{category, desk};
use crate::stream::open;
use serde_json::json;

#[test]
fn a_chat_files_a_ticket_titled_by_its_first_words_and_staff_hear_of_it() {
    let mut d = desk();
    let mut agent = open(&d.agent1);
    agent.next("ready");
    // "Hardware repair" has required questions; a chat does not ask them.
    let cat = category(&mut d.alice, "Hardware repair");
    let r = d.alice.post_json(
        "/api/chats",
        &json!({"category_id": cat["id"], "message": "My screen flickers\nsince this morning"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let t = r.json()["ticket"].clone();
    assert_eq!(t["title"], "My screen flickers");
    assert_eq!(t["description"], "My screen flickers\nsince this morning");
    assert_eq!(t["status"], "new");
    let ev = agent.next("ticket.created");
    assert_eq!(ev.json()["number"], t["number"]);
}

#[test]
fn a_chat_needs_a_message_and_an_active_category() {
    let mut d = desk();
    let cat = category(&mut d.alice, "Other");
    let r = d.alice.post_json(
        "/api/chats",
        &json!({"category_id": cat["id"], "message": "  "}),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["message"].is_string());
    let r = d.alice.post_json(
        "/api/chats",
        &json!({"category_id": 9999, "message": "Help"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["category_id"].is_string());
}
