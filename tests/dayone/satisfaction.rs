//! Satisfaction: the requester rates a resolved ticket once; staff see it.

use crate::helpers::{desk, move_to, raise, ticket, Desk};
use serde_json::json;

#[test]
fn the_requester_rates_a_resolved_ticket_once_and_staff_see_it() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let n = raise(&mut alice, "VPN drops");
    let rate = format!("/api/tickets/{n}/rating");
    let r = alice.post_json(&rate, &json!({"rating": "good"}));
    assert_eq!(r.status, 409, "not before it is resolved: {}", r.text());
    assert_eq!(move_to(&mut agent1, n, "resolved").status, 200);
    assert_eq!(ticket(&mut alice, n)["can"]["rate"], true);

    let r = alice.post_json(&rate, &json!({"rating": "good", "comment": " Fixed fast "}));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["ticket"]["rating"]["rating"], "good");
    assert_eq!(r.json()["ticket"]["can"]["rate"], false);

    let again = alice.post_json(&rate, &json!({"rating": "bad"}));
    assert_eq!(again.status, 409, "rating twice");
    let seen = ticket(&mut agent1, n);
    assert_eq!(seen["rating"]["rating"], "good");
    assert_eq!(seen["rating"]["comment"], "Fixed fast");
}

#[test]
fn only_the_requester_rates_and_bad_input_names_the_field() {
    let Desk {
        server: _server,
        mut alice,
        mut agent1,
        ..
    } = desk();
    let n = raise(&mut alice, "Screen flickers");
    move_to(&mut agent1, n, "resolved");
    let rate = format!("/api/tickets/{n}/rating");
    assert_eq!(
        agent1.post_json(&rate, &json!({"rating": "good"})).status,
        403
    );
    let r = alice.post_json(&rate, &json!({"rating": "5 stars"}));
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["rating"].is_string());
}

#[test]
fn the_satisfaction_figure_counts_the_organizations_ratings() {
    let Desk {
        server,
        mut alice,
        mut bob,
        mut agent1,
        ..
    } = desk();
    for (who, rating) in [(&mut alice, "good"), (&mut bob, "bad")] {
        let n = raise(who, "Something");
        move_to(&mut agent1, n, "resolved");
        let r = who.post_json(
            &format!("/api/tickets/{n}/rating"),
            &json!({ "rating": rating }),
        );
        assert_eq!(r.status, 201);
    }
    // The store function reports use.
    let db = helpdesk::store::Db::open(&server.data_dir.0, false).unwrap();
    let org = helpdesk::domain::OrgId(1);
    let actor = helpdesk::domain::Actor::system(org, "reports");
    let s = db
        .read(|c| helpdesk::store::satisfaction::summary(c, &actor, 0, i64::MAX))
        .unwrap();
    assert_eq!((s.good, s.bad), (1, 1));
    let other = helpdesk::domain::Actor::system(helpdesk::domain::OrgId(2), "reports");
    let s = db
        .read(|c| helpdesk::store::satisfaction::summary(c, &other, 0, i64::MAX))
        .unwrap();
    assert_eq!((s.good, s.bad), (0, 0));
}
