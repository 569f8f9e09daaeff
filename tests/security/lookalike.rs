//! Look-alike text: names, e-mail addresses and titles are normalized (NFC) and
//! refuse invisible, text-direction and control characters, with a 422 that
//! says which character; e-mail letters come from one alphabet.

use crate::support::{first_run_setup, spawn_app, Client, TestServer, PASSWORD};
use serde_json::{json, Value};

fn register(server: &TestServer, code: &str, name: &str, email: &str) -> (Client, u16, Value) {
    let mut c = server.client();
    let r = c.post_json(
        "/api/auth/register",
        &json!({"join_code": code, "name": name, "email": email, "password": PASSWORD}),
    );
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    };
    (c, r.status, body)
}

#[test]
fn hidden_and_direction_characters_in_sign_up_fields_are_refused_with_a_reason() {
    let server = spawn_app();
    let (_, code) = first_run_setup(&server, "ada@acme.test");
    for (name, email, field, says) in [
        ("Ann", "ann\u{200B}@acme.test", "email", "U+200B"),
        ("Ann", "ann\u{202E}@acme.test", "email", "U+202E"),
        ("Ann\u{202E}nimda", "ann@acme.test", "name", "U+202E"),
        ("A\u{200D}nn", "ann@acme.test", "name", "U+200D"),
    ] {
        let (_, status, body) = register(&server, &code, name, email);
        assert_eq!(status, 422, "{name:?} {email:?}: {body}");
        let message = body["error"]["fields"][field].as_str().unwrap_or_default();
        assert!(message.contains(says), "{field}: {body}");
    }
}

#[test]
fn an_e_mail_mixing_alphabets_is_refused_and_says_so() {
    let server = spawn_app();
    let (_, code) = first_run_setup(&server, "ada@acme.test");
    // "pаypal" with a Cyrillic а.
    let (_, status, body) = register(&server, &code, "Pat", "p\u{430}ypal@acme.test");
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["fields"]["email"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("alphabet"), "{body}");
    let (_, status, _) = register(&server, &code, "Jo", "josé@acme.test");
    assert_eq!(status, 201, "one alphabet with accents is fine");
}

#[test]
fn composed_and_decomposed_forms_are_the_same_person() {
    let server = spawn_app();
    let (_, code) = first_run_setup(&server, "ada@acme.test");
    let (_, status, body) = register(&server, &code, "Zoe", "zo\u{eb}@acme.test");
    assert_eq!(status, 201, "{body}");
    let (_, status, body) = register(&server, &code, "Zoe again", "zoe\u{308}@acme.test");
    assert_eq!(status, 409, "the decomposed ë is the same address: {body}");
    let mut c = server.client();
    let r = c.post_json(
        "/api/auth/login",
        &json!({"email": "zoe\u{308}@acme.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200, "signing in with either form works");
    let (_, status, body) = register(&server, &code, "Jose\u{301}", "jose@acme.test");
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["user"]["name"], "Jos\u{e9}",
        "names are stored composed"
    );
}

#[test]
fn ticket_titles_refuse_nul_and_direction_overrides() {
    let server = spawn_app();
    let (mut admin, _) = first_run_setup(&server, "ada@acme.test");
    let cats = admin.get("/api/categories").json();
    let other = cats["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Other")
        .unwrap()["id"]
        .clone();
    for (title, says) in [("VPN\u{0} down", "U+0000"), ("exe.\u{202E}txt", "U+202E")] {
        let r = admin.post_json(
            "/api/tickets",
            &json!({"category_id": other, "title": title, "description": "x",
                    "priority": "normal", "answers": {}}),
        );
        assert_eq!(r.status, 422, "{}", r.text());
        let message = r.json()["error"]["fields"]["title"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains(says), "{}", r.text());
    }
}
