//! A battery of malformed bodies sent, as an admin, to every POST and PATCH route
//! in the router table. Whatever the body, the answer is a response (never a
//! dropped connection), never a 5xx, and every error has the documented shape
//! `{"error": {"code": "...", "message": "..."}}`. Bodies that are not a JSON
//! object at all must be refused with a 4xx.

use crate::desk::desk;
use crate::support::TestResponse;
use helpdesk::http::Method;

/// Bodies that are not a JSON object: each must be a 4xx.
fn not_objects() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = [
        "null",
        "[]",
        "[{}]",
        "1",
        "-1e999",
        "\"text\"",
        "true",
        "{",
        "{\"a\":",
        "[[[[",
        "{\"name\": \"x\",}",
        "\u{feff}{}",
        "{'name': 'single quotes'}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    bodies.push(vec![0xff, 0xfe, b'{', b'}']);
    // Deeper than serde_json's recursion limit (128).
    bodies.push(format!("{}{}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes());
    bodies
}

const FIELDS: [&str; 30] = [
    "title",
    "description",
    "body",
    "name",
    "email",
    "phone",
    "password",
    "current_password",
    "new_password",
    "join_code",
    "token",
    "role",
    "tier",
    "active",
    "category_id",
    "priority",
    "answers",
    "contact",
    "status",
    "resolution",
    "assignee_id",
    "reason",
    "user_id",
    "internal",
    "done",
    "position",
    "questions",
    "guidance",
    "default_priority",
    "organization",
];

/// JSON objects whose fields have the wrong types or hostile values: never a 5xx.
fn odd_objects() -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    let huge = "x".repeat(300_000);
    let values = [
        serde_json::json!(null),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!(true),
        serde_json::json!(-1),
        serde_json::json!(i64::MAX),
        serde_json::json!(i64::MIN),
        serde_json::json!(u64::MAX),
        serde_json::json!(1.5),
        serde_json::json!("9223372036854775808"),
        serde_json::json!(""),
        serde_json::json!("\u{0}\u{202e}\r\nSet-Cookie: x=1"),
        serde_json::json!("😀 ünïcødé ☃ \u{200b}"),
        serde_json::json!(huge),
        serde_json::json!([{"id": "x", "kind": 5, "options": [null, {}, []]}]),
        serde_json::json!({"cause": [], "steps": null, "name": 1, "email": {}}),
    ];
    bodies.push(b"{}".to_vec());
    // Nesting far past serde_json's recursion limit, under a known and an unknown key.
    for key in ["title", "zz"] {
        let deep = format!(
            "{{\"{key}\": {}1{}}}",
            "{\"a\":".repeat(5_000),
            "}".repeat(5_000)
        );
        bodies.push(deep.into_bytes());
    }
    // A lone surrogate escape and invalid UTF-8 inside a string value.
    for f in FIELDS {
        bodies.push(format!("{{\"{f}\": \"\\ud800\"}}").into_bytes());
    }
    bodies.push(b"{\"name\": \"\xc3\x28\", \"title\": \"\xff\"}".to_vec());
    for v in values {
        let mut obj = serde_json::Map::new();
        for f in FIELDS {
            obj.insert(f.to_string(), v.clone());
        }
        bodies.push(serde_json::Value::Object(obj).to_string().into_bytes());
    }
    // Each field alone with a wrong type, so one bad field cannot hide another.
    for f in FIELDS {
        for v in [serde_json::json!([1]), serde_json::json!({"x": null})] {
            bodies.push(serde_json::json!({ f: v }).to_string().into_bytes());
        }
    }
    bodies
}

fn assert_error_shape(resp: &TestResponse, what: &str) {
    assert!(resp.status < 500, "{what}: {} {}", resp.status, resp.text());
    if resp.status >= 400 {
        let body: serde_json::Value = serde_json::from_slice(&resp.body)
            .unwrap_or_else(|e| panic!("{what}: error body is not JSON ({e}): {}", resp.text()));
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{what}: {}",
            resp.text()
        );
    }
}

#[test]
fn malformed_bodies_on_every_write_route_get_a_4xx_json_error_never_a_500() {
    let mut d = desk();
    let router = helpdesk::api::routes();
    let mut routes: Vec<(Method, String)> = router
        .routes()
        .filter(|(m, _)| matches!(m, Method::Post | Method::Patch))
        .map(|(m, pattern)| {
            let path = pattern
                .replace(":number", &d.ticket.to_string())
                .replace("/api/users/:id", &format!("/api/users/{}", d.requester_id))
                .replace(
                    "/api/categories/:id",
                    &format!("/api/categories/{}", d.category_id),
                )
                .replace(":id", &d.task_id.to_string());
            (m, path)
        })
        .collect();
    // Signing out would end the admin's session for the routes after it.
    routes.sort_by_key(|(_, path)| path == "/api/auth/logout");
    assert!(routes.len() >= 15, "the router table has the write routes");
    let odd = odd_objects();
    for (method, path) in &routes {
        for body in not_objects() {
            let what = format!(
                "{} {path} {:?}",
                method.as_str(),
                String::from_utf8_lossy(&body[..body.len().min(40)])
            );
            let resp = d.admin.request(
                method.as_str(),
                path,
                &[("Content-Type", "application/json")],
                Some(&body),
            );
            assert_error_shape(&resp, &what);
            if path != "/api/auth/logout" && path != "/api/org/join-code" {
                // Those two read no body at all.
                assert!(
                    resp.status >= 400,
                    "{what}: {} {}",
                    resp.status,
                    resp.text()
                );
            }
        }
        for body in &odd {
            let what = format!(
                "{} {path} {:?}",
                method.as_str(),
                String::from_utf8_lossy(&body[..body.len().min(60)])
            );
            let resp = d.admin.request(
                method.as_str(),
                path,
                &[("Content-Type", "application/json")],
                Some(body),
            );
            assert_error_shape(&resp, &what);
        }
        if path != "/api/auth/logout" {
            let me = d.admin.get("/api/me");
            assert_eq!(me.status, 200, "still signed in after {path}");
        }
    }
}
