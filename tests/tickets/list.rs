//! The ticket list: filters, search, sort, pagination and requester visibility.

use crate::helpers::*;
use serde_json::{json, Value};

fn numbers(v: &Value) -> Vec<i64> {
    v["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect()
}

#[test]
fn filters_sort_and_pages_work_together() {
    let mut d = desk();
    for i in 1..=7 {
        raise(&mut d.alice, &format!("Alice ticket {i}"));
    }
    raise(&mut d.bob, "Bob keyboard sticky");
    move_to(&mut d.agent1, 2, "open");
    move_to(&mut d.agent1, 3, "in_progress");
    d.agent1
        .patch_json("/api/tickets/3", &json!({"priority": "high"}));
    d.agent1.post_json(
        "/api/tickets/3/assign",
        &json!({"assignee_id": d.ids.agent1}),
    );
    d.agent1
        .post_json("/api/tickets/4/escalate", &json!({"reason": "hard"}));
    d.agent1.post_json(
        "/api/tickets/5/comments",
        &json!({"body": "Replaced the toner cartridge"}),
    );

    let all = d
        .agent1
        .get("/api/tickets?per_page=3&sort=number&dir=asc")
        .json();
    assert_eq!(
        (all["total"].clone(), numbers(&all)),
        (json!(8), vec![1, 2, 3])
    );
    let page3 = d
        .agent1
        .get("/api/tickets?per_page=3&page=3&sort=number&dir=asc")
        .json();
    assert_eq!(numbers(&page3), [7, 8]);
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?sort=number").json())[0],
        8,
        "desc by default"
    );
    assert_eq!(
        numbers(
            &d.agent1
                .get("/api/tickets?status=open,in_progress&sort=number&dir=asc")
                .json()
        ),
        [2, 3, 5],
        "the public reply on #5 opened it"
    );
    assert_eq!(
        numbers(
            &d.agent1
                .get("/api/tickets?status=open&status=new&sort=number&dir=asc")
                .json()
        ),
        [1, 2, 4, 5, 6, 7, 8]
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?priority=high").json()),
        [3]
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?assignee=me").json()),
        [3]
    );
    assert_eq!(
        d.agent1.get("/api/tickets?assignee=none").json()["total"],
        7
    );
    assert_eq!(
        numbers(
            &d.agent1
                .get(&format!("/api/tickets?assignee={}", d.ids.agent1))
                .json()
        ),
        [3]
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?escalated=true").json()),
        [4]
    );
    assert_eq!(
        numbers(
            &d.agent1
                .get(&format!("/api/tickets?requester={}", d.ids.bob))
                .json()
        ),
        [8]
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?q=toner").json()),
        [5],
        "conversation is searched"
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?q=keyb").json()),
        [8],
        "words match as prefixes"
    );
    let cat = category(&mut d.agent1, "Other")["id"].clone();
    assert_eq!(
        d.agent1.get(&format!("/api/tickets?category={cat}")).json()["total"],
        8
    );
    assert_eq!(
        d.agent1
            .get("/api/tickets?created_from=1&created_to=2")
            .json()["total"],
        0
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets?sort=priority").json())[0],
        3
    );
    assert_eq!(
        numbers(&d.agent1.get("/api/tickets").json())[0],
        5,
        "latest activity first"
    );
    let row = &d.agent1.get("/api/tickets?q=toner").json()["tickets"][0];
    assert_eq!(row["last_reply"]["excerpt"], "Replaced the toner cartridge");
    assert_eq!(d.agent1.get("/api/tickets?per_page=101").status, 422);
    assert_eq!(d.agent1.get("/api/tickets?status=done").status, 422);
}

#[test]
fn requesters_list_only_their_own_and_watched_tickets() {
    let mut d = desk();
    raise(&mut d.alice, "A1");
    raise(&mut d.alice, "A2");
    let b = raise(&mut d.bob, "B1");
    assert_eq!(d.alice.get("/api/tickets").json()["total"], 2);
    assert_eq!(numbers(&d.bob.get("/api/tickets").json()), [b]);
    d.agent1
        .post_json("/api/tickets/1/watchers", &json!({"user_id": d.ids.bob}));
    assert_eq!(
        d.bob.get("/api/tickets?sort=number&dir=asc").json()["total"],
        2
    );
    assert_eq!(d.agent1.get("/api/tickets").json()["total"], 3);
}

#[test]
fn internal_notes_are_searchable_by_staff_only() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Laptop slow");
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "suspect cryptominer", "internal": true}),
    );
    assert_eq!(
        d.agent1.get("/api/tickets?q=cryptominer").json()["total"],
        1
    );
    assert_eq!(d.alice.get("/api/tickets?q=cryptominer").json()["total"], 0);
}

#[test]
fn without_a_status_filter_every_status_is_listed() {
    let mut d = desk();
    for status in ["open", "in_progress", "on_hold", "resolved", "closed"] {
        let n = raise(&mut d.alice, &format!("Ticket to be {status}"));
        assert_eq!(move_to(&mut d.agent1, n, status).status, 200, "{status}");
    }
    raise(&mut d.alice, "Still new");
    let statuses: Vec<Value> = d.agent1.get("/api/tickets?sort=number&dir=asc").json()["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [
            "open",
            "in_progress",
            "on_hold",
            "resolved",
            "closed",
            "new"
        ]
    );
    assert_eq!(
        d.alice.get("/api/tickets").json()["total"],
        6,
        "requesters too"
    );
}

#[test]
fn per_page_outside_one_to_a_hundred_is_refused_not_clamped() {
    let mut d = desk();
    for bad in ["0", "101", "-5", "ten"] {
        let r = d.agent1.get(&format!("/api/tickets?per_page={bad}"));
        assert_eq!(r.status, 422, "per_page={bad}");
        assert!(r.json()["error"]["fields"]["per_page"].is_string());
    }
    let r = d.agent1.get("/api/tickets?per_page=100");
    assert_eq!(r.json()["per_page"], 100);
    assert_eq!(d.agent1.get("/api/tickets?page=0").status, 422);
}

#[test]
fn empty_lists_are_empty_arrays_never_null() {
    let mut d = desk();
    let none = d.agent1.get("/api/tickets").json();
    assert_eq!(
        (none["tickets"].clone(), none["total"].clone()),
        (json!([]), json!(0))
    );
    let n = raise(&mut d.alice, "Quiet ticket");
    let past_the_end = d.agent1.get("/api/tickets?page=9").json();
    assert_eq!(
        (
            past_the_end["tickets"].clone(),
            past_the_end["total"].clone()
        ),
        (json!([]), json!(1))
    );
    let t = ticket(&mut d.alice, n);
    assert_eq!(
        (t["answers"].clone(), t["watchers"].clone()),
        (json!([]), json!([]))
    );
    for (path, key) in [
        (format!("/api/tickets/{n}/comments"), "comments"),
        (format!("/api/tickets/{n}/tasks"), "tasks"),
        ("/api/tickets?q=nothing-like-this".to_string(), "tickets"),
        ("/api/people?q=nobody-by-this-name".to_string(), "people"),
        ("/api/users?q=nobody-by-this-name".to_string(), "users"),
    ] {
        let client = if key == "users" {
            &mut d.admin
        } else {
            &mut d.agent1
        };
        let r = client.get(&path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert_eq!(r.json()[key], json!([]), "{path}");
    }
    let cats = d.admin.get("/api/categories").json()["categories"].clone();
    for c in cats.as_array().unwrap() {
        d.admin.delete(&format!("/api/categories/{}", c["id"]));
    }
    assert_eq!(
        d.bob.get("/api/categories").json()["categories"],
        json!([]),
        "every category removed or deactivated"
    );
}
