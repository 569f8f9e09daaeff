//! Many people registering at once: every one of them lands, though with a
//! small pool some are told "busy" and retry, as a browser would.

use crate::helpers::*;
use crate::support::spawn_app;
use serde_json::json;

#[test]
fn sixteen_threads_registering_five_people_each_lose_nobody() {
    let server = spawn_app();
    let (mut admin, code) = set_up(&server);
    let addr = server.addr;
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let code = code.clone();
            std::thread::spawn(move || {
                let mut c = crate::support::Client::new(addr);
                for i in 0..5 {
                    c.cookies.clear();
                    let resp = c.post_json_retrying_busy(
                        "/api/auth/register",
                        &json!({"join_code": code, "name": format!("P{t}-{i}"),
                                "email": format!("p{t}-{i}@acme.test"), "password": PASSWORD}),
                    );
                    assert_eq!(resp.status, 201, "{}", resp.text());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // The list is paged (50 by default): its total counts everyone.
    let users = admin.get("/api/users?role=requester").json();
    assert_eq!(users["total"], 80);
    let sessions: i64 = db(&server)
        .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sessions, 81);
}
