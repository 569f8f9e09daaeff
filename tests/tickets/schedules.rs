//! Schedules, time off and the "Who's on now" board over the API: who may see
//! and change what, and every kind of bad input answering 422 with the field.

use crate::helpers::{desk_at, other_org};
use serde_json::{json, Value};

const MONDAY_10: &str = "2026-11-30T09:00:00Z";

fn fields(r: &crate::support::TestResponse) -> Vec<String> {
    assert_eq!(r.status, 422, "{}", r.text());
    let mut keys: Vec<String> = r.json()["error"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[test]
fn bad_hours_caps_zones_and_time_off_answer_422_naming_the_field() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    let path = format!("/api/users/{}/schedule", d.ids.agent1);
    let cases: [(Value, &str); 6] = [
        (
            json!({"hours": {"mon": [["08:00", "12:00"], ["11:00", "17:00"]]}}),
            "hours.mon.1",
        ),
        (
            json!({"hours": {"tue": [["09:00", "09:00"]]}}),
            "hours.tue.0",
        ),
        (
            json!({"hours": {"wed": [["08:00", "25:00"]]}}),
            "hours.wed.0",
        ),
        (
            json!({"hours": {"thu": [["22:00", "06:00"]], "fri": [["05:00", "09:00"]]}}),
            "hours.fri.0",
        ),
        (json!({"hours": {}, "cap": -1}), "cap"),
        (json!({"hours": {}, "categories": [999_999]}), "categories"),
    ];
    for (body, field) in cases {
        let r = d.admin.send_json("PUT", &path, &body);
        assert_eq!(fields(&r), [field], "{body}");
    }
    let r = d
        .admin
        .patch_json("/api/org", &json!({"time_zone": "Mars/Olympus"}));
    assert_eq!(fields(&r), ["time_zone"]);
    let r = d.admin.post_json(
        &format!("/api/users/{}/time-off", d.ids.agent1),
        &json!({"start": "2026-12-03T09:00", "end": "2026-12-01T09:00"}),
    );
    assert_eq!(fields(&r), ["end"]);
    let r = d
        .agent1
        .send_json("PUT", "/api/me/availability", &json!({"available": "yes"}));
    assert_eq!(fields(&r), ["available"]);
    let requester = format!("/api/users/{}/schedule", d.ids.alice);
    let r = d.admin.send_json("PUT", &requester, &json!({"hours": {}}));
    assert_eq!(fields(&r), ["user"], "a requester cannot have a schedule");
}

#[test]
fn admins_set_anyones_schedule_and_staff_only_their_own() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    let body = json!({"hours": {"sat": [["22:00", "06:00"]]}, "cap": 4});
    let own = format!("/api/users/{}/schedule", d.ids.agent1);
    let r = d.agent1.send_json("PUT", &own, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let s = &r.json()["schedule"];
    assert_eq!(
        s["hours"]["sat"],
        json!([["22:00", "06:00"]]),
        "overnight kept"
    );
    assert_eq!(s["cap"], 4);
    assert_eq!(s["available"], true);
    let theirs = format!("/api/users/{}/schedule", d.ids.agent2);
    assert_eq!(d.agent1.get(&theirs).status, 403);
    assert_eq!(d.agent1.send_json("PUT", &theirs, &body).status, 403);
    assert_eq!(d.admin.get(&own).json()["schedule"]["cap"], 4);
    assert_eq!(d.alice.get(&own).status, 403, "requesters see no schedules");
    assert_eq!(d.alice.get("/api/availability").status, 403);

    let (mut globex_admin, _) = other_org(&d.server, &mut d.admin);
    assert_eq!(globex_admin.get(&own).status, 404);
    assert_eq!(globex_admin.send_json("PUT", &own, &body).status, 404);
    let off = format!("/api/users/{}/time-off", d.ids.agent1);
    assert_eq!(globex_admin.get(&off).status, 404);
}

#[test]
fn time_off_is_listed_in_the_desks_zone_and_removed() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    d.admin
        .patch_json("/api/org", &json!({"time_zone": "Europe/Berlin"}));
    let path = format!("/api/users/{}/time-off", d.ids.agent2);
    let r = d.admin.post_json(
        &path,
        &json!({"start": "2026-12-01T00:00", "end": "2026-12-03T00:00", "reason": "Course"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let t = r.json()["time_off"].clone();
    assert_eq!(t["start_local"], "2026-12-01T00:00");
    assert_eq!(
        t["start"], 1_796_079_600_000_i64,
        "midnight in Berlin is 23:00 UTC"
    );
    let list = d.agent2.get(&path).json();
    assert_eq!(list["time_off"].as_array().unwrap().len(), 1);
    let one = format!("{path}/{}", t["id"]);
    assert_eq!(d.agent1.delete(&one).status, 403, "not Tom's to remove");
    assert_eq!(d.agent2.delete(&one).status, 204);
    assert_eq!(d.agent2.delete(&one).status, 404);
    assert_eq!(d.agent2.get(&path).json()["time_off"], json!([]));
}

#[test]
fn the_board_shows_who_is_on_shift_away_and_off_with_open_tickets() {
    let (mut d, _clock, _jobs) = desk_at(MONDAY_10);
    d.admin
        .patch_json("/api/org", &json!({"time_zone": "Europe/Berlin"}));
    let day = json!([["08:00", "17:00"]]);
    for id in [d.ids.agent1, d.ids.agent2] {
        let r = d.admin.send_json(
            "PUT",
            &format!("/api/users/{id}/schedule"),
            &json!({"hours": {"mon": day}}),
        );
        assert_eq!(r.status, 200);
    }
    d.agent2
        .send_json("PUT", "/api/me/availability", &json!({"available": false}));
    let board = d.agent1.get("/api/availability").json();
    assert_eq!(board["time_zone"], "Europe/Berlin");
    let by_id = |id: i64| {
        board["staff"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap()
    };
    let tom = by_id(d.ids.agent1);
    assert_eq!(tom["state"], "available");
    assert_eq!(tom["text"], "on shift until 17:00");
    assert_eq!(tom["open_tickets"], 0);
    let tess = by_id(d.ids.agent2);
    assert_eq!(
        (tess["state"].as_str(), tess["on_shift"].as_bool()),
        (Some("away"), Some(true))
    );
    assert_eq!(by_id(d.ids.admin)["state"], "off_shift");
    assert!(
        board["staff"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != d.ids.alice),
        "requesters are not staff"
    );
}
