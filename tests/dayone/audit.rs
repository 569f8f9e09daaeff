//! The audit log: what is recorded, with who, when and from where; filters; the
//! CSV export; admins only; nothing crosses organizations.

use crate::helpers::{desk, other_org, raise, Desk, PASSWORD};
use serde_json::{json, Value};

fn actions(entries: &Value) -> Vec<String> {
    entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sign_ins_access_changes_deletions_settings_and_tokens_are_recorded() {
    let Desk {
        server,
        mut admin,
        mut alice,
        ids,
        ..
    } = desk();
    let mut c = server.client();
    let r = c.post_json(
        "/api/auth/login",
        &json!({"email": "alice@acme.test", "password": "wrong password!!"}),
    );
    assert_eq!(r.status, 401);
    admin.patch_json(
        &format!("/api/users/{}", ids.bob),
        &json!({"active": false}),
    );
    admin.patch_json("/api/org", &json!({"name": "Acme Corp"}));
    let n = raise(&mut alice, "Withdraw me");
    alice.delete(&format!("/api/tickets/{n}"));
    let r = alice.post_json("/api/me/tokens", &json!({"name": "t", "scope": "read"}));
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    let mut script = server.client();
    script
        .extra_headers
        .push(("Authorization".into(), format!("Bearer {secret}")));
    script.get("/api/me");
    script.get("/api/me");

    let log = admin.get("/api/audit?per_page=200").json();
    let seen = actions(&log);
    for expected in [
        "sign_in",
        "sign_in_failed",
        "user_role_changed",
        "user_tier_changed",
        "user_deactivated",
        "org_renamed",
        "ticket_deleted",
        "token_created",
        "token_used",
    ] {
        assert!(
            seen.contains(&expected.to_string()),
            "{expected} in {seen:?}"
        );
    }
    assert_eq!(
        seen.iter().filter(|a| *a == "token_used").count(),
        1,
        "a token's use is logged once a day, not per request"
    );
    let failed = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "sign_in_failed")
        .unwrap();
    assert_eq!(failed["actor"]["name"], "Alice Requester");
    assert_eq!(failed["address"], "127.0.0.1");
    assert!(failed["created_at"].is_i64());
}

#[test]
fn the_log_filters_exports_csv_and_is_for_admins_of_its_own_organization() {
    let Desk {
        server,
        mut admin,
        mut alice,
        mut agent1,
        ..
    } = desk();
    // A name that a spreadsheet would run as a formula.
    alice.patch_json("/api/me", &json!({"name": "=HYPERLINK(\"evil\")"}));
    let r = alice.post_json(
        "/api/auth/login",
        &json!({"email": "alice@acme.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200);

    let only = admin.get("/api/audit?action=sign_in").json();
    assert!(actions(&only).iter().all(|a| a == "sign_in"));
    assert!(only["total"].as_i64().unwrap() >= 1);
    let r = admin.get("/api/audit?action=drop_tables&from=9&to=1");
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["action"].is_string());
    assert!(r.json()["error"]["fields"]["to"].is_string());

    let csv = admin.get("/api/audit.csv?action=sign_in");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert!(text.starts_with("time_utc_ms,action,actor_id,actor,target,detail,address\r\n"));
    assert!(text.contains("\"'=HYPERLINK(\"\"evil\"\")\""), "{text}");

    assert_eq!(agent1.get("/api/audit").status, 403);
    assert_eq!(alice.get("/api/audit.csv").status, 403);
    let (mut other, _) = other_org(&server, &mut admin);
    let theirs = other.get("/api/audit?per_page=200").json();
    assert!(theirs["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["name"] != "Alice Requester"));
}

#[test]
fn entries_older_than_the_kept_period_are_pruned_when_new_ones_are_written() {
    let Desk {
        server, mut admin, ..
    } = desk();
    let db = helpdesk::store::Db::open(&server.data_dir.0, false).unwrap();
    db.write(|tx| {
        tx.execute(
            "INSERT INTO audit_log (org_id, action, created_at) VALUES (1, 'sign_in', 1000)",
            [],
        )
        .map_err(helpdesk::store::StoreError::from)
    })
    .unwrap();
    admin.patch_json("/api/org", &json!({"name": "Acme Two"}));
    let log = admin.get("/api/audit?per_page=200&to=5000").json();
    assert_eq!(
        log["total"], 0,
        "the 1970 entry is past the default 365 days"
    );
}
