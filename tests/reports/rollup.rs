//! The rollup behind the figures: the organization's local days (and a change
//! of zone), SLA breaches in business time, figures that follow a ticket to its
//! new assignee, and deflections per day. Each figure is worked out by hand from
//! the fixture's table plus the step each test adds.

use crate::fixture::{actor, fixture, ticket, Step, D0, DAY, HOUR};
use helpdesk::domain::ticket::{Priority, TicketNumber};
use helpdesk::store::{ticket_changes, ticket_delete, tickets, Db, StoreError};
use serde_json::{json, Value};

fn values(r: &crate::support::TestResponse) -> Vec<i64> {
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_i64().unwrap())
        .collect()
}

fn db(f: &crate::fixture::Fixture) -> Db {
    Db::open(&f.desk.server.data_dir.0, false).unwrap()
}

#[test]
fn days_are_the_organizations_local_days_and_move_with_its_zone() {
    let mut f = fixture();
    let created = "/api/reports/series?metric=created&from=2026-03-02&to=2026-03-04";
    assert_eq!(values(&f.desk.admin.get(created)), [2, 1, 1]);

    // Tokyo is UTC+9: T4, raised at 15:00 UTC on D2, was raised at midnight
    // starting D3 there, so it leaves the range; nothing else changes day.
    let r = f
        .desk
        .admin
        .patch_json("/api/org", &json!({"time_zone": "Asia/Tokyo"}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(values(&f.desk.admin.get(created)), [2, 1, 0]);
    let next = "/api/reports/series?metric=created&from=2026-03-03&to=2026-03-05";
    assert_eq!(values(&f.desk.admin.get(next)), [1, 0, 1]);
    let s = f
        .desk
        .admin
        .get("/api/reports/summary?from=2026-03-02&to=2026-03-04")
        .json();
    assert_eq!(s["time_zone"], "Asia/Tokyo");
    assert_eq!(s["created"], 3);

    // A ticket written now, one millisecond before Tokyo's midnight, counts on
    // D2 (the write-time path, not the rebuild).
    let db = db(&f);
    let alice = actor(&db, f.desk.ids.alice);
    ticket(
        &db,
        &alice,
        f.software,
        Priority::Normal,
        D0 + 2 * DAY + 15 * HOUR - 1,
        &[],
    );
    assert_eq!(values(&f.desk.admin.get(created)), [2, 1, 1]);

    // Back to UTC: the days are rebuilt as they were, plus the new ticket.
    let r = f
        .desk
        .admin
        .patch_json("/api/org", &json!({"time_zone": "UTC"}));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(values(&f.desk.admin.get(created)), [2, 1, 2]);
}

#[test]
fn a_reply_past_its_target_is_a_breach_in_the_sla_share() {
    let mut f = fixture();
    let db = db(&f);
    let (alice, tom) = (actor(&db, f.desk.ids.alice), actor(&db, f.desk.ids.agent1));
    // T6, urgent (first response due in 1 business hour), raised Wednesday
    // 09:00, answered at 11:00: 2 h, a breach.
    ticket(
        &db,
        &alice,
        f.printing,
        Priority::Urgent,
        D0 + 2 * DAY + 9 * HOUR,
        &[(D0 + 2 * DAY + 11 * HOUR, Step::Reply(&tom, false))],
    );
    let s = f
        .desk
        .admin
        .get("/api/reports/summary?from=2026-03-02&to=2026-03-04")
        .json();
    // 30 min, 1 h, 2 h, 2 h: the median is the 2nd, the 90th percentile the 4th.
    assert_eq!(
        s["first_response"],
        json!({"count": 4, "median_ms": HOUR, "p90_ms": 2 * HOUR})
    );
    assert_eq!(
        s["sla"]["first_response"],
        json!({"done": 4, "met": 3, "met_share": 0.75})
    );
    // 3 + 4 promises kept of 4 + 4.
    assert_eq!(s["sla_met_share"], 0.875);
    let urgent = f
        .desk
        .admin
        .get("/api/reports/summary?from=2026-03-02&to=2026-03-04&priority=urgent")
        .json();
    assert_eq!(urgent["sla"]["first_response"]["met_share"], 0.0);
    assert_eq!(urgent["first_response"]["median_ms"], 2 * HOUR);
}

#[test]
fn a_reassigned_ticket_takes_its_figures_to_its_new_assignee() {
    let mut f = fixture();
    let (tom, tess) = (f.desk.ids.agent1, f.desk.ids.agent2);
    let db = db(&f);
    let admin = actor(&db, f.desk.ids.admin);
    // T1 (high, resolved after 4 business hours) goes from Tom to Tess.
    db.write(|tx| -> Result<(), StoreError> {
        let t = tickets::find(tx, &admin, TicketNumber(2))?.expect("T1 is ticket 2");
        ticket_changes::assign(tx, &admin, &t, Some(tess), D0 + 3 * DAY)
    })
    .unwrap();
    let range = "from=2026-03-02&to=2026-03-04";
    let mut summary = |q: String| -> Value {
        let r = f
            .desk
            .admin
            .get(&format!("/api/reports/summary?{range}&{q}"));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()
    };
    let s = summary(format!("agent={tom}"));
    assert_eq!(
        (s["created"].as_i64(), s["resolved"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(s["resolution"]["count"], 0);
    // Tess: T1 and T2 created in the range; T5, T1 and T2 (twice) resolved.
    let s = summary(format!("agent={tess}"));
    assert_eq!(
        (s["created"].as_i64(), s["resolved"].as_i64()),
        (Some(2), Some(4))
    );
    // Two filters at once: Tess's high-priority tickets are T1 alone.
    let s = summary(format!("agent={tess}&priority=high"));
    assert_eq!(s["created"], 1);
    assert_eq!(
        s["resolution"],
        json!({"count": 1, "median_ms": 4 * HOUR, "p90_ms": 4 * HOUR})
    );
    let software: Vec<&Value> = s["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["count"] != 0)
        .collect();
    assert_eq!(software.len(), 1);
    assert_eq!(
        (&software[0]["name"], &software[0]["count"]),
        (&json!("Software"), &json!(1))
    );
    // All three: Tess's high-priority Printing tickets: none.
    let s = summary(format!(
        "agent={tess}&priority=high&category={}",
        f.printing
    ));
    assert_eq!(
        (s["created"].as_i64(), s["backlog_end"].as_i64()),
        (Some(0), Some(0))
    );
    // The whole desk's figures did not move.
    let s = summary(String::new());
    assert_eq!(
        (s["created"].as_i64(), s["resolved"].as_i64()),
        (Some(4), Some(4))
    );

    // A deleted ticket leaves every figure: T3 was Tom's last one.
    db.write(|tx| -> Result<(), StoreError> {
        let t = tickets::find(tx, &admin, TicketNumber(4))?.expect("T3 is ticket 4");
        ticket_delete::delete(tx, &admin, &t)
    })
    .unwrap();
    let s = summary(format!("agent={tom}"));
    assert_eq!(
        (s["created"].as_i64(), s["backlog_end"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(s["first_response"]["count"], 0);
    let s = summary(String::new());
    assert_eq!(
        (s["created"].as_i64(), s["backlog_end"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(s["first_response"]["count"], 2);
}

#[test]
fn deflections_are_counted_per_day_for_the_whole_desk() {
    let mut f = fixture();
    let r = f.desk.admin.post_json(
        "/api/articles",
        &json!({"title": "Clear a paper jam", "body": "Open tray 2.",
                "audience": "everyone", "status": "published"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["article"]["id"].as_i64().unwrap();
    for _ in 0..2 {
        let r = f
            .desk
            .alice
            .post_json(&format!("/api/articles/{id}/solved"), &json!({}));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    // The default range is the last 30 days, today (when they were counted) last.
    let s = f.desk.admin.get("/api/reports/summary").json();
    assert_eq!(s["deflections"], 2);
    let days = values(&f.desk.admin.get("/api/reports/series?metric=deflections"));
    assert_eq!(days.len(), 30);
    assert_eq!(days.last(), Some(&2));
    assert_eq!(days.iter().sum::<i64>(), 2);
    // A deflection has no ticket: a ticket filter cannot count it.
    let s = f
        .desk
        .admin
        .get(&format!("/api/reports/summary?category={}", f.printing))
        .json();
    assert!(s["deflections"].is_null());
    let r = f.desk.admin.get(&format!(
        "/api/reports/series?metric=deflections&category={}",
        f.printing
    ));
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["metric"].is_string());
}

#[test]
fn a_rollup_without_its_zone_is_rebuilt_from_the_facts_at_start_up() {
    let mut f = fixture();
    let summary = "/api/reports/summary?from=2026-03-02&to=2026-03-04";
    let before = f.desk.admin.get(summary).json();
    // What migration 013 leaves: facts on UTC days, no offsets, no rollups
    // (here with the days wrong too, to see them put right).
    let file = f.desk.server.data_dir.0.join("helpdesk.db");
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute_batch(
        "DELETE FROM report_zone_offsets; DELETE FROM report_days; DELETE FROM report_times;
         UPDATE report_facts SET day = day + 3;",
    )
    .unwrap();
    drop(conn);
    // Opening the database (as the server does at start-up) rebuilds them.
    drop(db(&f));
    let after = f.desk.admin.get(summary).json();
    assert_eq!(after, before);
    assert_eq!(after["created"], 4);
}

#[test]
fn a_long_range_reads_the_same_durations_from_its_day_blocks() {
    let mut f = fixture();
    let short = f
        .desk
        .admin
        .get("/api/reports/summary?from=2026-03-01&to=2026-03-04")
        .json();
    // Half a year around the fixture is read as 64- and 8-day blocks.
    let long = f
        .desk
        .admin
        .get("/api/reports/summary?from=2026-01-01&to=2026-06-30")
        .json();
    for figure in ["first_response", "resolution", "sla"] {
        assert_eq!(long[figure], short[figure], "{figure}");
    }
    // T5's first response (Sunday, 0 business ms) is in both: 4 in all.
    assert_eq!(long["first_response"]["count"], 4);
    assert_eq!(long["first_response"]["median_ms"], HOUR / 2);
}
