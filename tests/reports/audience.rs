//! Who sees reports: requesters nothing (404, as if reports did not exist),
//! agents the team's figures and their own, admins everyone's; and never another
//! organization's.

use crate::fixture::{fixture, RANGE};
use crate::helpers::other_org;

const ROUTES: [&str; 6] = [
    "/api/reports/summary",
    "/api/reports/series?metric=created",
    "/api/reports/summary.csv",
    "/api/reports/series.csv?metric=backlog",
    "/api/reports/breakdown.csv?by=category",
    "/api/tickets.csv",
];

#[test]
fn requesters_get_404_on_every_report_route_and_strangers_401() {
    let mut f = fixture();
    for route in ROUTES {
        let r = f.desk.alice.get(route);
        assert_eq!(r.status, 404, "{route}: {}", r.text());
        let r = f.desk.server.client().get(route);
        assert_eq!(r.status, 401, "{route}: {}", r.text());
        let r = f.desk.agent1.get(route);
        assert_eq!(r.status, 200, "{route}: {}", r.text());
    }
}

#[test]
fn agents_see_their_own_load_and_the_teams_but_not_a_colleagues() {
    let mut f = fixture();
    let (tom, tess) = (f.desk.ids.agent1, f.desk.ids.agent2);
    let s = f
        .desk
        .agent2
        .get(&format!("/api/reports/summary?{RANGE}"))
        .json();
    // Tess has nothing open: her own row is absent, Tom's is not shown to her,
    // and the team's totals are the same as the admin's.
    assert_eq!(s["open_by_agent"].as_array().unwrap().len(), 0);
    assert_eq!(s["open_total"], 2);
    assert_eq!(s["created"], 4);
    let r = f
        .desk
        .agent2
        .get(&format!("/api/reports/summary?{RANGE}&agent={tom}"));
    assert_eq!(r.status, 403, "{}", r.text());
    let r = f
        .desk
        .agent2
        .get(&format!("/api/reports/summary?{RANGE}&agent={tess}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let me = f
        .desk
        .agent1
        .get(&format!("/api/reports/summary?{RANGE}&agent=me"))
        .json();
    assert_eq!(me["created"], 2, "agent=me is Tom's own tickets");
    let s = f
        .desk
        .admin
        .get(&format!("/api/reports/summary?{RANGE}&agent={tess}"));
    assert_eq!(s.status, 200);
    assert_eq!(s.json()["created"], 1);
}

#[test]
fn another_organizations_admin_sees_none_of_these_tickets() {
    let mut f = fixture();
    let (mut gus, _) = other_org(&f.desk.server, &mut f.desk.admin);
    let s = gus.get(&format!("/api/reports/summary?{RANGE}")).json();
    assert_eq!(s["created"], 0);
    assert_eq!(s["resolved"], 0);
    assert_eq!(s["open_total"], 0);
    let tom = f.desk.ids.agent1;
    let r = gus.get(&format!("/api/reports/summary?{RANGE}&agent={tom}"));
    assert_eq!(r.status, 422, "another desk's agent is unknown here");
    let csv = gus.get("/api/tickets.csv").text();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
}
