//! Accounts that need e-mail: forgot password (never says whether the address
//! exists; one-hour, single-use link) and invitations by e-mail.

use crate::email::{use_relay, PASS, START};
use crate::helpers::desk_with_mail;
use crate::sink::{free_port, SmtpSink};
use crate::support::PASSWORD;
use serde_json::json;
use std::time::Duration;

/// The `token=` of the first link in a message.
fn token_in(text: &str) -> String {
    let at = text.find("token=").expect("a link with a token") + 6;
    text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[test]
fn forgot_password_mails_a_single_use_link_and_answers_the_same_for_unknown_addresses() {
    let sink = SmtpSink::start(free_port());
    let (mut d, _clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);
    let mut anon = d.server.client();
    let known = anon.post_json("/api/auth/forgot", &json!({"email": "Alice@acme.test"}));
    let unknown = anon.post_json("/api/auth/forgot", &json!({"email": "nobody@acme.test"}));
    assert_eq!(known.status, 202);
    assert_eq!(
        (unknown.status, unknown.body.clone()),
        (202, known.body.clone())
    );

    assert!(mail.run_pass(PASS));
    let got = sink.wait_for(1);
    assert_eq!(got.len(), 1, "only the real account gets mail");
    assert_eq!(got[0].to, vec!["alice@acme.test".to_string()]);
    let text = got[0].text();
    assert!(text.contains("/reset?token="), "{text}");
    let token = token_in(&text);

    let new_password = "a-brand-new-password-1";
    let r = anon.post_json(
        "/api/auth/reset",
        &json!({"token": token, "password": new_password}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let again = d.server.client().post_json(
        "/api/auth/reset",
        &json!({"token": token, "password": "another-password-2"}),
    );
    assert_eq!(again.status, 404, "a link works once");
    let r = d.server.client().post_json(
        "/api/auth/login",
        &json!({"email": "alice@acme.test", "password": new_password}),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn a_reset_link_expires_after_an_hour() {
    let sink = SmtpSink::start(free_port());
    let (mut d, clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);
    let mut anon = d.server.client();
    let r = anon.post_json("/api/auth/forgot", &json!({"email": "bob@acme.test"}));
    assert_eq!(r.status, 202);
    assert!(mail.run_pass(PASS));
    let token = token_in(&sink.wait_for(1)[0].text());
    clock.advance(Duration::from_secs(61 * 60));
    let r = anon.post_json(
        "/api/auth/reset",
        &json!({"token": token, "password": "too-late-password-3"}),
    );
    assert_eq!(r.status, 404);
    let r = anon.post_json(
        "/api/auth/login",
        &json!({"email": "bob@acme.test", "password": PASSWORD}),
    );
    assert_eq!(r.status, 200, "the old password still works");
}

#[test]
fn an_invitation_is_mailed_when_a_relay_is_set_and_handed_over_when_not() {
    let (mut d, _clock, _jobs, mail) = desk_with_mail(START);
    let r = d.admin.post_json(
        "/api/invitations",
        &json!({"name": "Nina New", "email": "nina@acme.test", "role": "agent", "tier": 1}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["emailed"], false);
    assert!(r.json()["link"]["path"]
        .as_str()
        .unwrap()
        .contains("token="));

    let sink = SmtpSink::start(free_port());
    use_relay(&mut d.admin, sink.port);
    let r = d.admin.post_json(
        "/api/invitations",
        &json!({"name": "Omar Other", "email": "omar@acme.test", "role": "requester"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["emailed"], true);
    assert!(mail.run_pass(PASS));
    let got = sink.wait_for(1);
    assert_eq!(got[0].to, vec!["omar@acme.test".to_string()]);
    let token = token_in(&got[0].text());
    let mut omar = d.server.client();
    let r = omar.post_json(
        "/api/auth/reset",
        &json!({"token": token, "password": "omars-own-password-4"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(omar.get("/api/me").json()["user"]["name"], "Omar Other");

    assert_eq!(
        d.agent1
            .post_json(
                "/api/invitations",
                &json!({"name": "X", "email": "x@acme.test", "role": "requester"})
            )
            .status,
        403
    );
}

#[test]
fn a_strangers_forgot_password_request_does_not_cancel_a_handed_over_invitation() {
    let (mut d, _clock, _jobs, mail) = desk_with_mail(START);
    let r = d.admin.post_json(
        "/api/invitations",
        &json!({"name": "Nina New", "email": "nina@acme.test", "role": "agent", "tier": 1}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let path = r.json()["link"]["path"].as_str().unwrap().to_string();
    let invitation = token_in(&path);

    // Anyone may ask for a reset of anyone's address.
    let sink = SmtpSink::start(free_port());
    use_relay(&mut d.admin, sink.port);
    let r = d
        .server
        .client()
        .post_json("/api/auth/forgot", &json!({"email": "nina@acme.test"}));
    assert_eq!(r.status, 202);
    assert!(mail.run_pass(PASS));
    let reset = token_in(&sink.wait_for(1)[0].text());
    assert_ne!(reset, invitation);

    let mut nina = d.server.client();
    let r = nina.post_json(
        "/api/auth/reset",
        &json!({"token": invitation, "password": "ninas-own-password-5"}),
    );
    assert_eq!(r.status, 200, "the invitation still works: {}", r.text());
    // Once a password is set through one link, the others are spent too.
    let r = d.server.client().post_json(
        "/api/auth/reset",
        &json!({"token": reset, "password": "someone-elses-choice-6"}),
    );
    assert_eq!(r.status, 404, "{}", r.text());
}
