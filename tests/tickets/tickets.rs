//! Raising, reading and editing tickets: the questionnaire, contact defaults and
//! editing rights before and after staff act.

use crate::helpers::*;
use serde_json::json;

#[test]
fn a_requester_raises_a_ticket_with_answers_and_gets_number_one() {
    let mut d = desk();
    let cat = category(&mut d.alice, "Hardware repair");
    let (tag, device, work) = (
        question(&cat, "Asset tag"),
        question(&cat, "Device type"),
        question(&cat, "Can you still work?"),
    );
    let r = d.alice.post_json(
        "/api/tickets",
        &json!({"category_id": cat["id"], "title": "Cracked screen", "description": "Dropped it.",
                "priority": "high", "answers": {tag.clone(): "HD-0042", device: "Laptop", work: false}}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let t = &r.json()["ticket"];
    assert_eq!(t["number"], 1);
    assert_eq!(t["status"], "new");
    assert_eq!(t["tier"], 1);
    assert_eq!(
        t["contact"]["email"], "alice@acme.test",
        "contact defaults to the profile"
    );
    assert_eq!(t["answers"][0]["label"], "Asset tag");
    assert_eq!(t["answers"][0]["value"], "HD-0042");
    assert_eq!(t["answers"][2]["value"], false);
    assert_eq!(
        t["can"],
        json!({"edit": true, "edit_all": false, "reopen": false, "comment_internal": false,
               "delete": true, "rate": false})
    );
    assert_eq!(raise(&mut d.bob, "Second"), 2);
}

#[test]
fn answers_are_checked_per_question_kind() {
    let mut d = desk();
    let cat = category(&mut d.alice, "Hardware repair");
    let (tag, device, work) = (
        question(&cat, "Asset tag"),
        question(&cat, "Device type"),
        question(&cat, "Can you still work?"),
    );
    let r = d.alice.post_json(
        "/api/tickets",
        &json!({"category_id": cat["id"], "title": "Broken", "description": "x",
                "answers": {device.clone(): "Toaster", work.clone(): "yes"}}),
    );
    assert_eq!(r.status, 422);
    let fields = &r.json()["error"]["fields"];
    assert!(
        fields[format!("answers.{tag}")].is_string(),
        "required text missing: {fields}"
    );
    assert!(
        fields[format!("answers.{device}")].is_string(),
        "choice not an option"
    );
    assert!(
        fields[format!("answers.{work}")].is_string(),
        "yes/no must be a boolean"
    );
    assert_eq!(
        d.alice.get("/api/tickets").json()["total"],
        0,
        "nothing was created"
    );
}

#[test]
fn title_description_category_and_priority_are_validated_together() {
    let mut d = desk();
    let r = d.alice.post_json(
        "/api/tickets",
        &json!({"category_id": 9999, "title": " ", "description": "", "priority": "asap",
                "contact": {"email": "not-an-email"}}),
    );
    assert_eq!(r.status, 422);
    let fields = r.json()["error"]["fields"].clone();
    for key in [
        "category_id",
        "title",
        "description",
        "priority",
        "contact.email",
    ] {
        assert!(fields[key].is_string(), "{key} in {fields}");
    }
}

#[test]
fn the_requester_edits_until_staff_first_act_then_staff_edit_everything() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Mouse dead");
    let r = d.alice.patch_json(
        &format!("/api/tickets/{n}"),
        &json!({"title": "Mouse and keyboard dead"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["title"], "Mouse and keyboard dead");
    let r = d
        .alice
        .patch_json(&format!("/api/tickets/{n}"), &json!({"priority": "urgent"}));
    assert_eq!(r.status, 403, "requesters cannot change priority");

    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "On my way."}),
    );
    assert_eq!(r.status, 201);
    assert_eq!(ticket(&mut d.alice, n)["staff_touched"], true);
    assert_eq!(ticket(&mut d.alice, n)["can"]["edit"], false);
    let r = d
        .alice
        .patch_json(&format!("/api/tickets/{n}"), &json!({"title": "Changed"}));
    assert_eq!(r.status, 403);

    let software = category(&mut d.agent1, "Software");
    let (app, work) = (
        question(&software, "Which application?"),
        question(&software, "Can you still work?"),
    );
    let r = d.agent1.patch_json(
        &format!("/api/tickets/{n}"),
        &json!({"priority": "urgent", "category_id": software["id"], "answers": {app: "Excel", work: true},
                "contact": {"phone": "+1 555 0100"}}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let t = &r.json()["ticket"];
    assert_eq!(t["priority"], "urgent");
    assert_eq!(t["category"]["name"], "Software");
    assert_eq!(t["contact"]["phone"], "+1 555 0100");
    assert_eq!(t["title"], "Mouse and keyboard dead");
    let history = d.agent1.get(&format!("/api/tickets/{n}/history")).json()["history"].clone();
    let fields: Vec<_> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["field"].as_str())
        .collect();
    for f in ["title", "priority", "category", "answers", "contact"] {
        assert!(fields.contains(&f), "history records {f}: {fields:?}");
    }
    let title_change = history
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["field"] == "title")
        .unwrap();
    assert_eq!(title_change["old"], "Mouse dead");
    assert_eq!(title_change["new"], "Mouse and keyboard dead");
    assert_eq!(title_change["actor"]["id"], d.ids.alice);
}

#[test]
fn signed_out_visitors_get_401() {
    let d = desk();
    let mut anon = d.server.client();
    assert_eq!(anon.get("/api/tickets").status, 401);
    assert_eq!(anon.get("/api/categories").status, 401);
    assert_eq!(anon.post_json("/api/tickets", &json!({})).status, 401);
}

#[test]
fn many_concurrent_creations_get_distinct_numbers() {
    let mut d = desk();
    let cat = category(&mut d.alice, "Other")["id"].clone();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let addr = d.server.addr;
            let cat = cat.clone();
            std::thread::spawn(move || {
                let mut c = crate::support::Client::new(addr);
                // Eight at once is more than a 4-worker hasher takes: retry on busy.
                let r = c.post_json_retrying_busy("/api/auth/login", &json!({"email": "alice@acme.test", "password": PASSWORD}));
                assert_eq!(r.status, 200, "{}", r.text());
                (0..10)
                    .map(|i| {
                        let r = c.post_json("/api/tickets", &json!({"category_id": cat, "title": format!("T{i}"),
                                                                    "description": "d", "answers": {}}));
                        assert_eq!(r.status, 201, "{}", r.text());
                        r.json()["ticket"]["number"].as_i64().unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut numbers: Vec<i64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=80).collect::<Vec<_>>());
}
