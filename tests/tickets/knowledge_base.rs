//! The knowledge base, the one search and Markdown replies, through the real API:
//! who reads which article, suggestions, search hits and their isolation, the
//! sanitiser, revisions, and bad input.

use crate::helpers::*;
use crate::support::Client;
use serde_json::{json, Value};

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn write(c: &mut Client, title: &str, body: &str, audience: &str, status: &str) -> i64 {
    let r = c.post_json(
        "/api/articles",
        &json!({"title": title, "body": body, "audience": audience, "status": status,
                "tags": ["kb"]}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["article"]["id"].as_i64().unwrap()
}

fn search(c: &mut Client, q: &str) -> Value {
    let r = c.get(&format!("/api/search?q={}", enc(q)));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn suggest(c: &mut Client, q: &str) -> Vec<String> {
    let r = c.get(&format!("/api/articles/suggest?q={}", enc(q)));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| joined(&a["title"]))
        .collect()
}

/// The text of snippet parts.
fn joined(parts: &Value) -> String {
    parts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect()
}

fn hit_types(v: &Value) -> Vec<(String, String)> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["type"].as_str().unwrap().to_string(), joined(&h["title"])))
        .collect()
}

#[test]
fn requesters_read_only_published_articles_for_everyone_and_other_orgs_nothing() {
    let mut d = desk();
    let internal = write(
        &mut d.agent1,
        "Reset the VPN concentrator",
        "Internal steps",
        "staff",
        "published",
    );
    let draft = write(
        &mut d.agent1,
        "VPN draft for everyone",
        "Not ready",
        "everyone",
        "draft",
    );
    let public = write(
        &mut d.agent1,
        "Connect to the VPN",
        "Open the VPN app",
        "everyone",
        "published",
    );

    let list = d.alice.get("/api/articles").json();
    let ids: Vec<i64> = list["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![public]);
    assert_eq!(
        d.alice.get(&format!("/api/articles/{internal}")).status,
        404
    );
    assert_eq!(d.alice.get(&format!("/api/articles/{draft}")).status, 404);
    let a = d.alice.get(&format!("/api/articles/{public}")).json();
    assert_eq!(a["article"]["can"]["edit"], false);
    assert!(a["article"]["html"]
        .as_str()
        .unwrap()
        .contains("Open the VPN app"));
    assert_eq!(d.agent1.get("/api/articles").json()["total"], 3);

    // Requesters cannot write; suggestions and search keep to what they may read.
    let r = d
        .alice
        .post_json("/api/articles", &json!({"title": "x", "body": "y"}));
    assert_eq!(r.status, 403);
    assert_eq!(
        d.alice
            .patch_json(&format!("/api/articles/{public}"), &json!({"title": "z"}))
            .status,
        403
    );
    assert_eq!(suggest(&mut d.alice, "vpn"), vec!["Connect to the VPN"]);
    let staff = suggest(&mut d.agent1, "vpn");
    assert_eq!(
        staff.len(),
        2,
        "staff see published staff-only articles too: {staff:?}"
    );
    let hits = hit_types(&search(&mut d.alice, "vpn"));
    assert_eq!(
        hits,
        vec![("article".to_string(), "Connect to the VPN".to_string())]
    );
    assert_eq!(
        d.alice
            .post_json(&format!("/api/articles/{internal}/solved"), &json!({}))
            .status,
        404
    );

    // Another organization sees none of it, by id, list, suggestion or search.
    let (mut gus, mut gina) = other_org(&d.server, &mut d.admin);
    for c in [&mut gus, &mut gina] {
        for id in [internal, draft, public] {
            assert_eq!(c.get(&format!("/api/articles/{id}")).status, 404);
            assert_eq!(
                c.post_json(&format!("/api/articles/{id}/solved"), &json!({}))
                    .status,
                404
            );
        }
        assert_eq!(c.get("/api/articles").json()["articles"], json!([]));
        assert!(suggest(c, "vpn").is_empty());
        assert_eq!(search(c, "vpn")["hits"], json!([]));
    }
    assert_eq!(
        gus.patch_json(&format!("/api/articles/{public}"), &json!({"title": "z"}))
            .status,
        404
    );
    assert_eq!(gus.delete(&format!("/api/articles/{public}")).status, 404);
}

#[test]
fn every_save_is_a_revision_and_an_old_one_can_be_restored() {
    let mut d = desk();
    let id = write(
        &mut d.agent1,
        "Printer jams",
        "Open tray 2",
        "everyone",
        "draft",
    );
    let r = d.agent2.patch_json(
        &format!("/api/articles/{id}"),
        &json!({"body": "Open tray 3", "status": "published"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["article"]["published_at"].is_i64());
    d.agent1.patch_json(
        &format!("/api/articles/{id}"),
        &json!({"title": "Printer jams on floor 3"}),
    );
    let revs = d
        .agent1
        .get(&format!("/api/articles/{id}/revisions"))
        .json()["revisions"]
        .clone();
    let summary: Vec<(i64, String, String)> = revs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["revision"].as_i64().unwrap(),
                r["title"].as_str().unwrap().into(),
                r["editor"]["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, "Printer jams on floor 3".into(), "Tom Tier-One".into()),
            (2, "Printer jams".into(), "Tess Tier-Two".into()),
            (1, "Printer jams".into(), "Tom Tier-One".into()),
        ]
    );
    let r = d.agent2.post_json(
        &format!("/api/articles/{id}/revisions/1/restore"),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let a = &r.json()["article"];
    assert_eq!(a["title"], "Printer jams");
    assert_eq!(a["body"], "Open tray 2");
    assert_eq!(a["status"], "draft");
    assert_eq!(a["revision"], 4);
    let revs = d
        .agent1
        .get(&format!("/api/articles/{id}/revisions"))
        .json();
    assert_eq!(revs["revisions"][0]["restored_from"], 1);
    assert_eq!(
        d.agent2
            .post_json(
                &format!("/api/articles/{id}/revisions/9/restore"),
                &json!({})
            )
            .status,
        404
    );
    assert_eq!(
        d.alice.get(&format!("/api/articles/{id}/revisions")).status,
        403
    );
    // The index follows edits and the deletion.
    assert_eq!(hit_types(&search(&mut d.agent1, "tray"))[0].0, "article");
    d.agent1.patch_json(
        &format!("/api/articles/{id}"),
        &json!({"body": "Call the vendor"}),
    );
    assert_eq!(search(&mut d.agent1, "tray")["hits"], json!([]));
    assert_eq!(d.agent1.delete(&format!("/api/articles/{id}")).status, 204);
    assert_eq!(search(&mut d.agent1, "vendor")["hits"], json!([]));
    assert_eq!(d.agent1.get(&format!("/api/articles/{id}")).status, 404);
}

#[test]
fn a_resolved_ticket_is_drafted_into_a_linked_article_once() {
    let mut d = desk();
    let n = raise(&mut d.alice, "VPN drops every hour");
    let r = d
        .agent1
        .post_json(&format!("/api/tickets/{n}/article"), &json!({}));
    assert_eq!(r.status, 409, "not resolved yet: {}", r.text());
    assert_eq!(move_to(&mut d.agent1, n, "resolved").status, 200);
    assert_eq!(
        d.alice
            .post_json(&format!("/api/tickets/{n}/article"), &json!({}))
            .status,
        403
    );
    let r = d
        .agent1
        .post_json(&format!("/api/tickets/{n}/article"), &json!({}));
    assert_eq!(r.status, 201, "{}", r.text());
    let a = r.json()["article"].clone();
    assert_eq!(a["title"], "VPN drops every hour");
    assert_eq!(a["status"], "draft");
    assert_eq!(a["audience"], "staff");
    assert_eq!(a["source_ticket"]["number"], n);
    let body = a["body"].as_str().unwrap();
    assert!(
        body.contains("Cache corrupt") && body.contains("Cleared the cache"),
        "{body}"
    );
    let again = d
        .agent2
        .post_json(&format!("/api/tickets/{n}/article"), &json!({}));
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["article"]["id"], a["id"]);
    // Published for everyone, the requester reads it without the ticket link.
    let id = a["id"].as_i64().unwrap();
    d.agent1.patch_json(
        &format!("/api/articles/{id}"),
        &json!({"audience": "everyone", "status": "published"}),
    );
    let seen = d.bob.get(&format!("/api/articles/{id}")).json();
    assert!(seen["article"]["source_ticket"].is_null());
    assert_eq!(
        suggest(&mut d.bob, "my vpn keeps dropping"),
        vec!["VPN drops every hour"]
    );
}

#[test]
fn suggestions_rank_by_relevance_lifted_by_problems_solved() {
    let mut d = desk();
    let a = write(
        &mut d.agent1,
        "Outlook asks for a password",
        "Outlook prompts again and again",
        "everyone",
        "published",
    );
    let b = write(
        &mut d.agent1,
        "Outlook is slow",
        "Outlook takes a minute to start",
        "everyone",
        "published",
    );
    for i in 0..6 {
        write(
            &mut d.agent1,
            &format!("Other topic {i}"),
            "Printers and scanners",
            "everyone",
            "published",
        );
    }
    let first = suggest(&mut d.alice, "outlook");
    assert_eq!(first.len(), 2);
    let top = if first[0] == "Outlook is slow" { b } else { a };
    let other = if top == a { b } else { a };
    for _ in 0..5 {
        let r = d
            .alice
            .post_json(&format!("/api/articles/{other}/solved"), &json!({}));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = d
        .bob
        .post_json(&format!("/api/articles/{other}/solved"), &json!({}));
    assert_eq!(r.json()["solved_count"], 6);
    let after = suggest(&mut d.alice, "outlook");
    let other_title =
        d.alice.get(&format!("/api/articles/{other}")).json()["article"]["title"].clone();
    assert_eq!(
        after[0],
        other_title.as_str().unwrap(),
        "six solved problems lift an equal match"
    );
    assert!(
        suggest(&mut d.alice, "printers scanners").len() <= 5,
        "never more than five"
    );
    assert_eq!(suggest(&mut d.alice, "printers scanners").len(), 5);
    assert!(
        suggest(&mut d.alice, "\"*( OR )\"").is_empty(),
        "odd text suggests nothing"
    );
}

#[test]
fn one_search_finds_tickets_replies_and_notes_for_staff_only() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Printer on floor three");
    let other = raise(&mut d.bob, "Printer toner empty");
    let c = |body: &str, internal: bool| json!({"body": body, "internal": internal});
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &c("The secretword is in the vault", true),
    );
    d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &c("Try the café printer meanwhile", false),
    );

    let hits = hit_types(&search(&mut d.agent1, "secretword"));
    assert_eq!(
        hits,
        vec![("note".to_string(), "Printer on floor three".to_string())]
    );
    assert_eq!(
        search(&mut d.alice, "secretword")["hits"],
        json!([]),
        "notes never find a ticket for a requester"
    );
    let cafe = search(&mut d.alice, "cafe");
    assert_eq!(
        hit_types(&cafe),
        vec![("reply".to_string(), "Printer on floor three".to_string())]
    );
    let snippet = &cafe["hits"][0]["snippet"];
    let marked: Vec<&str> = snippet
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        marked,
        vec!["café"],
        "accents folded, the hit marked: {snippet}"
    );
    assert!(
        !joined(snippet).contains("secretword"),
        "no note text in a requester's snippet"
    );

    // The last word is a prefix; quoted words are a phrase; others' tickets stay out.
    let mine: Vec<i64> = search(&mut d.alice, "print")["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["number"].as_i64().unwrap())
        .collect();
    assert_eq!(mine, vec![n]);
    assert_eq!(
        search(&mut d.agent1, "print")["counts"]["tickets"]["count"],
        2
    );
    assert_eq!(
        search(&mut d.agent1, "\"floor three\"")["hits"][0]["number"],
        n
    );
    assert_eq!(search(&mut d.agent1, "\"three floor\"")["hits"], json!([]));
    assert_eq!(search(&mut d.bob, "floor")["hits"], json!([]));
    // A watcher finds the ticket too, and loses it when no longer watching.
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/watchers"),
        &json!({"user_id": d.ids.bob}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(search(&mut d.bob, "floor")["hits"][0]["number"], n);
    assert_eq!(d.bob.get("/api/tickets?q=floor").json()["total"], 1);
    let r = d
        .agent1
        .delete(&format!("/api/tickets/{n}/watchers/{}", d.ids.bob));
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(search(&mut d.bob, "floor")["hits"], json!([]));
    let title = &search(&mut d.agent1, "toner")["hits"][0];
    assert_eq!(title["number"], other);
    assert_eq!(title["type"], "ticket");

    // The index follows an edit of the title.
    let r = d.agent1.patch_json(
        &format!("/api/tickets/{other}"),
        &json!({"title": "Scanner broken"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(search(&mut d.agent1, "scanner")["hits"][0]["number"], other);
    assert_eq!(
        search(&mut d.agent1, "\"toner empty\"")["counts"]["tickets"]["count"],
        0
    );

    // The queue's q answers the same words with a count.
    let q = d.agent1.get("/api/tickets?q=print");
    assert_eq!(q.json()["total"], 1);
    assert_eq!(q.json()["total_capped"], false);
}

#[test]
fn bad_input_is_a_clear_error_never_a_server_failure() {
    let mut d = desk();
    let r = d
        .agent1
        .post_json("/api/articles", &json!({"title": "  ", "body": ""}));
    assert_eq!(r.status, 422);
    let f = &r.json()["error"]["fields"];
    assert!(f["title"].is_string() && f["body"].is_string(), "{f}");
    let long = "x".repeat(100_001);
    let r = d
        .agent1
        .post_json("/api/articles", &json!({"title": "t", "body": long}));
    assert_eq!(
        r.json()["error"]["fields"]["body"].as_str().unwrap(),
        "Keep the article's text under 100000 characters."
    );
    let r = d.agent1.post_json("/api/articles", &json!({"title": "t", "body": "b", "audience": "world", "status": "live", "tags": ["two words"]}));
    let f = r.json()["error"]["fields"].clone();
    assert!(
        f["audience"].is_string() && f["status"].is_string() && f["tags"].is_string(),
        "{f}"
    );
    let (mut gus, _) = other_org(&d.server, &mut d.admin);
    let theirs = gus.get("/api/categories").json()["categories"][0]["id"].clone();
    let r = d.agent1.post_json(
        "/api/articles",
        &json!({"title": "t", "body": "b", "category_id": theirs}),
    );
    assert!(
        r.json()["error"]["fields"]["category_id"].is_string(),
        "{}",
        r.text()
    );
    assert_eq!(d.agent1.get("/api/articles/abc").status, 404);
    assert_eq!(d.agent1.get("/api/articles?page=0").status, 422);

    for q in ["", "\"\"", "* ( ) : ^ -", "\"*\""] {
        let r = d.agent1.get(&format!("/api/search?q={}", enc(q)));
        assert_eq!(r.status, 422, "{q:?}: {}", r.text());
        assert!(r.json()["error"]["fields"]["q"].is_string());
    }
    for q in [
        "NEAR(printer",
        "\"unclosed",
        "title:x OR ^y",
        "a AND",
        "printer*\"*",
    ] {
        let r = d.agent1.get(&format!("/api/search?q={}", enc(q)));
        assert_eq!(r.status, 200, "{q:?}: {}", r.text());
        let r = d.agent1.get(&format!("/api/tickets?q={}", enc(q)));
        assert_eq!(r.status, 200, "{q:?}: {}", r.text());
        let r = d.alice.get(&format!("/api/articles/suggest?q={}", enc(q)));
        assert_eq!(r.status, 200, "{q:?}: {}", r.text());
    }
    let r = d.agent1.get(&format!("/api/search?q={}", "a".repeat(501)));
    assert_eq!(r.status, 422);
    assert_eq!(d.agent1.get("/api/search?q=x&type=people").status, 422);
    let r = d
        .agent1
        .post_json("/api/markdown", &json!({"text": "y".repeat(100_001)}));
    assert_eq!(r.status, 422);
    let n = raise(&mut d.alice, "Monitor flickers");
    let r = d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "x", "format": "html"}),
    );
    assert_eq!(r.status, 422);
}

#[test]
fn markdown_is_sanitised_and_plain_replies_stay_plain() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Laptop will not boot");
    let hostile =
        "**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))";
    let r = d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": hostile, "format": "markdown"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let html = r.json()["comment"]["html"].as_str().unwrap().to_string();
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    let tags: Vec<&str> = html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap())
        .collect();
    for t in &tags {
        let t = t.to_lowercase();
        assert!(
            !t.starts_with("script") && !t.contains(" on") && !t.contains("javascript:"),
            "{html}"
        );
    }
    d.alice.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "**not bold**"}),
    );
    let list = d.alice.get(&format!("/api/tickets/{n}/comments")).json()["comments"].clone();
    assert_eq!(list[0]["format"], "markdown");
    assert_eq!(list[1]["format"], "text");
    assert!(
        list[1]["html"].is_null(),
        "a plain reply is shown as written"
    );
    let p = d
        .alice
        .post_json("/api/markdown", &json!({"text": hostile}))
        .json();
    assert_eq!(p["html"].as_str().unwrap(), html);
    let id = write(&mut d.agent1, "Hostile", hostile, "everyone", "published");
    let a = d.alice.get(&format!("/api/articles/{id}")).json();
    assert_eq!(a["article"]["html"].as_str().unwrap(), html);
}
