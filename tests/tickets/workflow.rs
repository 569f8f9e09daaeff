//! The status workflow, assignment and escalation through the API.

use crate::helpers::*;
use serde_json::json;

const ALL: [&str; 6] = [
    "new",
    "open",
    "in_progress",
    "on_hold",
    "resolved",
    "closed",
];

fn allowed(from: &str) -> &'static [&'static str] {
    match from {
        "new" => &["open", "in_progress", "on_hold", "resolved", "closed"],
        "open" => &["in_progress", "on_hold", "resolved", "closed"],
        "in_progress" => &["open", "on_hold", "resolved"],
        "on_hold" => &["open", "in_progress", "resolved"],
        "resolved" => &["closed", "open"],
        _ => &[],
    }
}

/// Puts a fresh ticket in `status` by a path of allowed moves.
fn ticket_in(d: &mut Desk, status: &str) -> i64 {
    let n = raise(&mut d.alice, &format!("Ticket to {status}"));
    let path: Vec<&str> = match status {
        "new" => vec![],
        "closed" => vec!["resolved", "closed"],
        s => vec![s],
    };
    for s in path {
        let r = move_to(&mut d.agent1, n, s);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    n
}

#[test]
fn staff_make_every_workflow_move_and_are_refused_the_rest_with_409() {
    let mut d = desk();
    for from in ALL {
        for to in ALL {
            let n = ticket_in(&mut d, from);
            let r = move_to(&mut d.agent1, n, to);
            let expected = if allowed(from).contains(&to) {
                200
            } else {
                409
            };
            assert_eq!(r.status, expected, "{from} -> {to}: {}", r.text());
            let now = ticket(&mut d.agent1, n)["status"].clone();
            assert_eq!(now, if expected == 200 { to } else { from });
        }
    }
}

#[test]
fn resolving_without_a_resolution_log_is_refused_and_the_log_is_kept() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Wi-Fi drops");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/status"),
        &json!({"status": "resolved"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["resolution.cause"].is_string());
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/status"),
        &json!({"status": "resolved", "resolution": {"cause": "Old driver", "steps": "Updated driver"}}),
    );
    assert_eq!(r.status, 200);
    let res = &r.json()["ticket"]["resolution"];
    assert_eq!(res["cause"], "Old driver");
    assert_eq!(res["steps"], "Updated driver");
    assert_eq!(res["resolved_by"]["id"], d.ids.agent1);
}

#[test]
fn reopening_keeps_the_earlier_resolution_until_the_next_one_replaces_it() {
    let mut d = desk();
    let n = ticket_in(&mut d, "resolved");
    let first = ticket(&mut d.alice, n)["resolution"].clone();
    assert_eq!(first["cause"], "Cache corrupt");
    assert_eq!(move_to(&mut d.alice, n, "open").status, 200);
    let reopened = ticket(&mut d.alice, n);
    assert_eq!(reopened["status"], "open");
    assert_eq!(
        reopened["resolution"], first,
        "kept as the earlier resolution"
    );

    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/status"),
        &json!({"status": "resolved", "resolution": {"cause": "Bad cable", "steps": "Swapped it"}}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["resolution"]["cause"], "Bad cable");
    let logs: Vec<String> = d.alice.get(&format!("/api/tickets/{n}/history")).json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "status" && h["new"] == "resolved")
        .map(|h| h["detail"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        logs,
        [
            "Cause: Cache corrupt\nSteps: Cleared the cache",
            "Cause: Bad cable\nSteps: Swapped it"
        ],
        "both logs stay in the history"
    );
}

#[test]
fn a_requester_may_reopen_or_close_their_resolved_ticket_but_not_work_it() {
    let mut d = desk();
    let n = ticket_in(&mut d, "resolved");
    assert_eq!(ticket(&mut d.alice, n)["can"]["reopen"], true);
    assert_eq!(move_to(&mut d.alice, n, "in_progress").status, 409);
    assert_eq!(move_to(&mut d.alice, n, "open").status, 200);
    assert_eq!(move_to(&mut d.alice, n, "in_progress").status, 403);
    assert_eq!(move_to(&mut d.alice, n, "closed").status, 200);
    assert_eq!(
        move_to(&mut d.alice, n, "open").status,
        409,
        "a closed ticket stays closed"
    );
    assert_eq!(
        move_to(&mut d.admin, n, "open").status,
        409,
        "for staff too"
    );
}

#[test]
fn an_agent_takes_and_releases_and_an_admin_assigns_anyone() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Printer");
    let url = format!("/api/tickets/{n}/assign");
    let r = d
        .agent1
        .post_json(&url, &json!({"assignee_id": d.ids.agent1}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["ticket"]["assignee"]["id"], d.ids.agent1);
    assert_eq!(
        d.agent2
            .post_json(&url, &json!({"assignee_id": d.ids.agent2}))
            .status,
        403,
        "not another's ticket"
    );
    assert_eq!(
        d.agent1
            .post_json(&url, &json!({"assignee_id": d.ids.agent2}))
            .status,
        403,
        "agents assign only themselves"
    );
    assert_eq!(
        d.agent1
            .post_json(&url, &json!({"assignee_id": null}))
            .status,
        200
    );
    assert_eq!(
        d.admin
            .post_json(&url, &json!({"assignee_id": d.ids.alice}))
            .status,
        422,
        "requesters cannot be assigned"
    );
    let r = d
        .admin
        .post_json(&url, &json!({"assignee_id": d.ids.agent2}));
    assert_eq!(r.json()["ticket"]["assignee"]["id"], d.ids.agent2);
    assert_eq!(
        d.alice
            .post_json(&url, &json!({"assignee_id": d.ids.alice}))
            .status,
        403
    );
    let actions: Vec<String> = d.admin.get(&format!("/api/tickets/{n}/history")).json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"assigned".to_string()) && actions.contains(&"unassigned".to_string())
    );
}

#[test]
fn escalation_climbs_to_tier_three_and_clears_an_assignee_below_it() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Server room alarm");
    let url = format!("/api/tickets/{n}/escalate");
    d.agent1.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({"assignee_id": d.ids.agent1}),
    );
    assert_eq!(
        d.agent1.post_json(&url, &json!({"reason": ""})).status,
        422,
        "a reason is required"
    );
    let r = d
        .agent1
        .post_json(&url, &json!({"reason": "Needs network team"}));
    assert_eq!(r.status, 200);
    let t = &r.json()["ticket"];
    assert_eq!(
        (t["tier"].clone(), t["escalated"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(
        t["assignee"],
        json!(null),
        "a tier-1 assignee is cleared at tier 2"
    );

    d.admin.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({"assignee_id": d.ids.agent2}),
    );
    let r = d.agent2.post_json(&url, &json!({"reason": "Vendor bug"}));
    assert_eq!(r.json()["ticket"]["tier"], 3);
    assert_eq!(r.json()["ticket"]["assignee"], json!(null));
    assert_eq!(
        d.agent2.post_json(&url, &json!({"reason": "More"})).status,
        409,
        "no tier above 3"
    );
    assert_eq!(
        d.alice.post_json(&url, &json!({"reason": "Please"})).status,
        403
    );
}

#[test]
fn an_admin_assignee_at_a_high_enough_tier_is_kept_on_escalation() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Disk full");
    d.admin.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({"assignee_id": d.ids.agent2}),
    );
    let r = d.admin.post_json(
        &format!("/api/tickets/{n}/escalate"),
        &json!({"reason": "Storage"}),
    );
    assert_eq!(
        r.json()["ticket"]["assignee"]["id"],
        d.ids.agent2,
        "tier 2 stays at tier 2"
    );
}

#[test]
fn an_escalated_ticket_cannot_be_handed_back_to_someone_below_its_tier() {
    let mut d = desk();
    let n = raise(&mut d.alice, "VPN drops every hour");
    let assign = format!("/api/tickets/{n}/assign");
    d.agent2.post_json(
        &format!("/api/tickets/{n}/escalate"),
        &json!({"reason": "Tier 2 owns the VPN"}),
    );
    let before = ticket(&mut d.admin, n);

    let r = d
        .admin
        .post_json(&assign, &json!({"assignee_id": d.ids.agent1}));
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("tier 2"));
    let r = d
        .agent1
        .post_json(&assign, &json!({"assignee_id": d.ids.agent1}));
    assert_eq!(r.status, 409, "a tier-1 agent cannot take a tier-2 ticket");
    assert_eq!(ticket(&mut d.admin, n)["assignee"], before["assignee"]);

    let r = d
        .admin
        .post_json(&assign, &json!({"assignee_id": d.ids.agent2}));
    assert_eq!(r.status, 200, "tier 2 is enough: {}", r.text());
    assert_eq!(r.json()["ticket"]["assignee"]["id"], d.ids.agent2);
}

#[test]
fn escalation_reasons_are_for_staff_only() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Laptop screen flickers");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/escalate"),
        &json!({"reason": "Probably the panel cable, tier 2 to order"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let history =
        |c: &mut crate::support::Client| c.get(&format!("/api/tickets/{n}/history")).text();
    assert!(history(&mut d.agent1).contains("panel cable"));
    assert!(
        !history(&mut d.alice).contains("panel cable"),
        "the requester never reads the escalation reason"
    );
    let t = ticket(&mut d.alice, n);
    assert_eq!(
        (t["tier"].clone(), t["escalated"].clone()),
        (json!(2), json!(true)),
        "the requester still sees that the ticket went up a tier"
    );
}

#[test]
fn the_ticket_lists_the_moves_its_viewer_may_make_next() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Wi-Fi drops");
    let staff = ticket(&mut d.agent1, n);
    assert_eq!(
        staff["next_statuses"],
        json!(["open", "in_progress", "on_hold", "resolved", "closed"])
    );
    assert_eq!(ticket(&mut d.alice, n)["next_statuses"], json!(["closed"]));
    // Every offered move is accepted.
    assert_eq!(move_to(&mut d.agent1, n, "on_hold").status, 200);
    let offered = ticket(&mut d.agent1, n)["next_statuses"].clone();
    assert_eq!(offered, json!(["open", "in_progress", "resolved"]));
    assert_eq!(move_to(&mut d.agent1, n, "in_progress").status, 200);
}
