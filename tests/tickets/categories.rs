//! Categories: the defaults of a new organization, admin management, and
//! deactivation of categories in use.

use crate::helpers::*;
use serde_json::json;

#[test]
fn a_new_organization_starts_with_the_default_categories() {
    let mut d = desk();
    let list = d.alice.get("/api/categories").json();
    let names: Vec<_> = list["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Account and access",
            "Hardware repair",
            "Software",
            "Network and Wi-Fi",
            "E-mail",
            "Printing",
            "Other"
        ]
    );
    let hw = category(&mut d.alice, "Hardware repair");
    assert!(!hw["guidance"].as_str().unwrap().is_empty());
    question(&hw, "Asset tag");
}

#[test]
fn admins_manage_categories_and_others_may_not() {
    let mut d = desk();
    let body = json!({"name": "Phones", "guidance": "Desk phones and mobiles", "default_priority": "low",
                      "questions": [{"label": "Number", "kind": "text", "required": true},
                                    {"label": "Model", "kind": "choice", "options": ["A", "B"]}]});
    assert_eq!(d.agent1.post_json("/api/categories", &body).status, 403);
    assert_eq!(d.alice.post_json("/api/categories", &body).status, 403);
    let r = d.admin.post_json("/api/categories", &body);
    assert_eq!(r.status, 201, "{}", r.text());
    let cat = r.json()["category"].clone();
    let id = cat["id"].as_i64().unwrap();
    let number_q = cat["questions"][0]["id"].clone();
    let r = d.admin.patch_json(
        &format!("/api/categories/{id}"),
        &json!({"questions": [
        {"id": number_q, "label": "Phone number", "kind": "text", "required": true},
        {"label": "Broken?", "kind": "yes_no"}]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let cat = r.json()["category"].clone();
    assert_eq!(
        cat["questions"][0]["id"], number_q,
        "a kept question keeps its id"
    );
    assert_eq!(cat["questions"][0]["label"], "Phone number");
    assert_eq!(cat["questions"][1]["kind"], "yes_no");
    assert_eq!(cat["name"], "Phones", "other fields stay");
    let r = d.admin.patch_json(
        &format!("/api/categories/{id}"),
        &json!({"questions": [{"label": "", "kind": "x"}]}),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["questions.0.kind"].is_string());
    assert_eq!(
        d.admin.delete(&format!("/api/categories/{id}")).status,
        204,
        "unused: deleted"
    );
    assert_eq!(d.admin.delete(&format!("/api/categories/{id}")).status, 404);
}

#[test]
fn a_category_in_use_is_deactivated_and_its_tickets_keep_their_answers() {
    let mut d = desk();
    let sw = category(&mut d.alice, "Software");
    let (app, work) = (
        question(&sw, "Which application?"),
        question(&sw, "Can you still work?"),
    );
    let r = d.alice.post_json(
        "/api/tickets",
        &json!({"category_id": sw["id"], "title": "Excel crash",
        "description": "On save", "answers": {app: "Excel", work: true}}),
    );
    let n = r.json()["ticket"]["number"].as_i64().unwrap();
    let id = sw["id"].as_i64().unwrap();
    d.admin
        .patch_json(&format!("/api/categories/{id}"), &json!({"questions": []}));
    let r = d.admin.delete(&format!("/api/categories/{id}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["category"]["active"], false);
    let names: Vec<String> = d.alice.get("/api/categories").json()["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!names.contains(&"Software".to_string()));
    assert_eq!(
        d.admin.get("/api/categories?all=1").json()["categories"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let t = ticket(&mut d.alice, n);
    assert_eq!(t["answers"][0]["label"], "Which application?");
    assert_eq!(t["answers"][0]["value"], "Excel");
    let r = d.alice.post_json(
        "/api/tickets",
        &json!({"category_id": id, "title": "t", "description": "d"}),
    );
    assert_eq!(r.status, 422, "an inactive category takes no new tickets");
}
