//! The dashboard's figures on the fixture, each worked out by hand from the
//! table in `fixture.rs`.

use crate::fixture::{fixture, HOUR, RANGE};
use serde_json::{json, Value};

fn values(series: &Value) -> Vec<(String, i64)> {
    series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["date"].as_str().unwrap().to_string(),
                p["value"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn days(v: [i64; 3]) -> Vec<(String, i64)> {
    ["2026-03-02", "2026-03-03", "2026-03-04"]
        .iter()
        .zip(v)
        .map(|(d, n)| (d.to_string(), n))
        .collect()
}

#[test]
fn the_summary_of_a_past_range_is_what_happened_in_it() {
    let mut f = fixture();
    let r = f.desk.admin.get(&format!("/api/reports/summary?{RANGE}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let s = r.json();
    assert_eq!(s["from"], "2026-03-02");
    assert_eq!(s["to"], "2026-03-04");
    assert_eq!(s["time_basis"], "business_hours");
    assert_eq!(s["time_zone"], "UTC");
    // T1..T4 were raised in the range; T5 the day before.
    assert_eq!(s["created"], 4);
    // T5 and T1 on D0, T2 on D1 and again on D2.
    assert_eq!(s["resolved"], 4);
    assert_eq!(s["reopened"], 1);
    assert_eq!(s["reopen_rate"], 0.25);
    // T5 was waiting when the range began; T3 and T4 are at its end.
    assert_eq!(s["backlog_start"], 1);
    assert_eq!(s["backlog_end"], 2);
    // First staff replies in the range, in business hours (08:00-17:00 on
    // weekdays): 30 min (T1), 1 h (T2), 2 h (T3 from 08:00; the requester's reply
    // and T4's internal note do not count; T5's came before the range).
    assert_eq!(
        s["first_response"],
        json!({"count": 3, "median_ms": HOUR, "p90_ms": 2 * HOUR})
    );
    // Resolutions in the range: T5 4 h (Sunday counts nothing, then Monday
    // 08:00-12:00), T1 4 h, T2 9 h (Monday 10-17, Tuesday 8-10) and, after the
    // reopen resumed its clock, 12 h (3 h more on Wednesday).
    assert_eq!(
        s["resolution"],
        json!({"count": 4, "median_ms": 4 * HOUR, "p90_ms": 12 * HOUR})
    );
    // Every target was met (normal: 8 h / 27 h, high: 4 h / 9 h, low: 18 h).
    assert_eq!(s["sla_met_share"], 1.0);
    assert_eq!(
        s["sla"],
        json!({"first_response": {"done": 3, "met": 3, "met_share": 1.0},
               "resolution": {"done": 4, "met": 4, "met_share": 1.0}})
    );
    // No article solved anything and nobody rated in the range.
    assert_eq!(s["deflections"], 0);
    assert_eq!(
        s["satisfaction"],
        json!({"good": 0, "bad": 0, "good_share": null})
    );
    let by_category: Vec<(String, i64)> = s["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect();
    // Every category, in the form's order, the empty ones too (a bar of 0).
    assert_eq!(by_category.len(), 7);
    let count = |name: &str| by_category.iter().find(|c| c.0 == name).map(|c| c.1);
    assert_eq!((count("Software"), count("Printing")), (Some(2), Some(2)));
    assert_eq!(by_category.iter().map(|c| c.1).sum::<i64>(), 4);
    assert_eq!(
        s["by_priority"],
        json!([{"priority": "low", "count": 1}, {"priority": "normal", "count": 1},
               {"priority": "high", "count": 1}, {"priority": "urgent", "count": 1}])
    );
    // Today's load: T3 (Tom) and T4 (nobody).
    assert_eq!(s["open_total"], 2);
    assert_eq!(s["open_unassigned"], 1);
    assert_eq!(
        s["open_by_agent"],
        json!([{"id": f.desk.ids.agent1, "name": "Tom Tier-One", "open": 1}])
    );
}

#[test]
fn series_give_one_value_per_day_and_the_backlog_walks_from_its_start() {
    let mut f = fixture();
    let mut series = |metric: &str| {
        let r = f
            .desk
            .agent1
            .get(&format!("/api/reports/series?metric={metric}&{RANGE}"));
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["metric"], metric);
        values(&r.json())
    };
    assert_eq!(series("created"), days([2, 1, 1]));
    assert_eq!(series("resolved"), days([2, 1, 1]));
    assert_eq!(series("reopened"), days([0, 0, 1]));
    assert_eq!(series("backlog"), days([1, 1, 2]));
}

#[test]
fn filters_narrow_every_figure_to_the_matching_tickets() {
    let mut f = fixture();
    let tom = f.desk.ids.agent1;
    let s = f
        .desk
        .admin
        .get(&format!("/api/reports/summary?{RANGE}&agent={tom}"))
        .json();
    // Tom's tickets: T1 (resolved D0 13:00 after 4 h) and T3 (open).
    assert_eq!(s["created"], 2);
    assert_eq!(s["resolved"], 1);
    assert_eq!(s["backlog_start"], 0);
    assert_eq!(s["backlog_end"], 1);
    assert_eq!(s["resolution"]["median_ms"], 4 * HOUR);
    assert_eq!(s["first_response"]["count"], 2);
    // A deflection or a rating has no ticket to filter by.
    assert!(s["deflections"].is_null());
    assert!(s["satisfaction"].is_null());

    let s = f
        .desk
        .admin
        .get(&format!(
            "/api/reports/summary?{RANGE}&category={}&priority=urgent",
            f.printing
        ))
        .json();
    assert_eq!(s["created"], 1, "only T4");
    assert_eq!(s["resolved"], 0);
    assert!(s["reopen_rate"].is_null());
    assert_eq!(s["first_response"]["count"], 0);
    assert!(s["first_response"]["median_ms"].is_null());

    let s = f
        .desk
        .admin
        .get(&format!(
            "/api/reports/summary?{RANGE}&category={}",
            f.software
        ))
        .json();
    // T5 is a Software ticket: it starts the backlog and is resolved on D0.
    assert_eq!(
        (s["created"].as_i64(), s["backlog_start"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(s["resolved"], 2);
}

#[test]
fn a_range_before_anything_happened_is_all_zeros() {
    let mut f = fixture();
    let s = f
        .desk
        .admin
        .get("/api/reports/summary?from=2025-01-01&to=2025-01-31")
        .json();
    assert_eq!(
        (s["created"].as_i64(), s["resolved"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(s["backlog_end"], 0);
    let r = f
        .desk
        .admin
        .get("/api/reports/series?metric=backlog&from=2025-01-01&to=2025-01-31");
    let points = r.json()["points"].as_array().unwrap().clone();
    assert_eq!(points.len(), 31);
    assert!(points.iter().all(|p| p["value"] == 0));
}

#[test]
fn bad_ranges_metrics_and_filters_are_422s_naming_the_parameter() {
    let mut f = fixture();
    let a = &mut f.desk.admin;
    for (query, field) in [
        ("/api/reports/summary?from=2023-01-01&to=2025-06-30", "to"),
        ("/api/reports/summary?from=2025-02-01&to=2025-01-01", "from"),
        ("/api/reports/summary?from=2025-02-30", "from"),
        ("/api/reports/series?metric=happiness", "metric"),
        ("/api/reports/series", "metric"),
        ("/api/reports/summary?team=blue", "team"),
        ("/api/reports/summary?priority=soon", "priority"),
        ("/api/reports/summary?category=999999", "category"),
        ("/api/reports/summary?agent=999999", "agent"),
        ("/api/reports/breakdown.csv?by=mood", "by"),
        ("/api/reports/series.csv?metric=nope", "metric"),
    ] {
        let r = a.get(query);
        assert_eq!(r.status, 422, "{query}: {}", r.text());
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{query} names {field}: {}",
            r.text()
        );
    }
}
