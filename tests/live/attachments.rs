//! Files tell open pages: `attachment.added` and `attachment.removed`, with the
//! audience of the file's comment (a file on an internal note: staff only).

use crate::helpers::{desk, raise};
use crate::stream::open;
use crate::support::{Client, TestResponse};
use serde_json::json;

fn upload(c: &mut Client, path: &str, bytes: &[u8]) -> TestResponse {
    c.request(
        "POST",
        path,
        &[("X-Requested-With", "helpdesk")],
        Some(bytes),
    )
}

#[test]
fn a_note_file_reaches_staff_only_and_a_reply_file_reaches_the_requester() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Files, live");
    let mut alice = open(&d.alice);
    alice.next("ready");
    let mut staff = open(&d.agent2);
    staff.next("ready");

    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "SMART log attached", "internal": true}),
    );
    let note = r.json()["comment"]["id"].as_i64().unwrap();
    let r = upload(
        &mut d.agent1,
        &format!("/api/tickets/{n}/attachments?name=smart.log&comment={note}"),
        b"reallocated sectors: 812\n",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let ev = staff.next_named("attachment.added");
    assert_eq!(ev.json()["attachment"]["name"], "smart.log");
    assert_eq!(ev.json()["number"], n);

    let r = upload(
        &mut d.alice,
        &format!("/api/tickets/{n}/attachments?name=error.txt"),
        b"Error 0x80070005\n",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["attachment"]["id"].clone();
    // The first file the requester hears of is her own, never the note's.
    let ev = alice.next_named("attachment.added");
    assert_eq!(ev.json()["attachment"]["name"], "error.txt");

    assert_eq!(
        d.alice.delete(&format!("/api/attachments/{id}")).status,
        204
    );
    let ev = staff.next_named("attachment.removed");
    assert_eq!(ev.json()["id"], id);
}
