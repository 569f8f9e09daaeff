//! E-mail through a real relay: delivery, merging, threading, retry after the
//! relay was down, nobody mailed about their own action, requesters never mailed
//! an internal note, no header injection through a title.

use crate::helpers::{desk_with_mail, raise, Desk};
use crate::sink::{free_port, SmtpSink};
use crate::support::Client;
use helpdesk::jobs::{Jobs, ManualClock};
use serde_json::json;
use std::time::Duration;

pub const START: &str = "2026-11-30T09:00:00Z";
pub const PASS: Duration = Duration::from_secs(20);

/// Points the desk's relay at 127.0.0.1:`port`, without TLS.
pub fn use_relay(admin: &mut Client, port: u16) {
    let r = admin.send_json(
        "PUT",
        "/api/settings/smtp",
        &json!({"host": "127.0.0.1", "port": port, "security": "none",
                "sender": "Acme IT <desk@acme.test>", "password": "relay-secret"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

pub fn reply(c: &mut Client, n: i64, body: &str, internal: bool) {
    let r = c.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": body, "internal": internal}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
}

fn take(d: &mut Desk, n: i64) {
    let id = d.ids.agent1;
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/assign"),
        &json!({ "assignee_id": id }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Moves past the merge window and runs the mail thread.
pub fn send_due(clock: &ManualClock, mail: &Jobs) {
    clock.advance(Duration::from_secs(4 * 60));
    assert!(mail.run_pass(PASS));
}

#[test]
fn events_on_one_ticket_merge_into_one_threaded_email_with_text_html_and_a_link() {
    let sink = SmtpSink::start(free_port());
    let (mut d, clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);
    let n = raise(&mut d.alice, "Printer jams");
    take(&mut d, n);
    reply(&mut d.agent1, n, "I am on my way with a new drum.", false);
    reply(&mut d.agent1, n, "Drum replaced, please try again.", false);

    // Inside the merge window nothing is sent yet.
    assert!(mail.run_pass(PASS));
    assert!(sink.messages().is_empty(), "sent before the merge window");

    send_due(&clock, &mail);
    let got = sink.wait_for(1);
    let to_alice = sink.to("alice@acme.test");
    assert_eq!(to_alice.len(), 1, "one merged e-mail: {got:?}");
    let m = &to_alice[0];
    let text = m.text();
    assert!(text.contains("I am on my way with a new drum."), "{text}");
    assert!(text.contains("Drum replaced, please try again."));
    assert!(text.contains("changed the status to open"));
    assert!(
        text.contains(&format!("/tickets/{n}")),
        "a link to the ticket"
    );
    assert!(text.contains("text/plain") && text.contains("text/html"));
    assert_eq!(m.header("Subject").unwrap(), format!("[#{n}] Printer jams"));
    assert!(m.header("From").unwrap().contains("desk@acme.test"));
    let thread = m.header("In-Reply-To").expect("In-Reply-To");
    assert!(thread.starts_with("<ticket-") && thread.ends_with("@acme.test>"));
    assert_eq!(m.header("References").as_ref(), Some(&thread));
    let first_id = m.header("Message-ID").expect("Message-ID");

    // Later news on the same ticket is a new e-mail in the same thread.
    reply(&mut d.agent1, n, "Closing the loop: all good?", false);
    send_due(&clock, &mail);
    sink.wait_for(2);
    let to_alice = sink.to("alice@acme.test");
    assert_eq!(to_alice.len(), 2);
    let second = &to_alice[1];
    assert_eq!(second.header("In-Reply-To").as_ref(), Some(&thread));
    assert_ne!(second.header("Message-ID").unwrap(), first_id);

    // The agent wrote all of it and took the ticket: no e-mail to the agent.
    assert!(
        sink.to("tom@acme.test").is_empty(),
        "mailed about own action"
    );
}

#[test]
fn requesters_are_never_mailed_an_internal_note_but_the_assignee_is() {
    let sink = SmtpSink::start(free_port());
    let (mut d, clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);
    let n = raise(&mut d.alice, "VPN drops");
    take(&mut d, n);
    send_due(&clock, &mail);
    sink.wait_for(1);
    let before = sink.to("alice@acme.test").len();

    // Bob watches Alice's ticket too: a requester who watches hears no note.
    let bob = d.ids.bob;
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/watchers"),
        &json!({ "user_id": bob }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    reply(
        &mut d.agent2,
        n,
        "Internal: the firewall rule 42 is suspect.",
        true,
    );
    send_due(&clock, &mail);
    let got = sink.wait_for(before + 1);

    assert_eq!(sink.to("alice@acme.test").len(), before, "{got:?}");
    assert!(sink.to("bob@acme.test").is_empty());
    for m in &got {
        if m.to.iter().any(|t| !t.ends_with("tom@acme.test")) {
            assert!(!m.text().contains("firewall rule 42"), "leaked: {m:?}");
        }
    }
    let tom = sink.to("tom@acme.test");
    assert_eq!(tom.len(), 1, "the assignee hears of the note");
    assert!(tom[0].text().contains("firewall rule 42"));
}

#[test]
fn mail_waits_out_a_relay_that_is_down_and_is_delivered_with_back_off_once_it_is_up() {
    let port = free_port();
    let (mut d, clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, port);
    let n = raise(&mut d.alice, "Monitor flickers");
    reply(&mut d.agent1, n, "Try another cable, please.", false);

    send_due(&clock, &mail); // the relay is down: the attempt fails
    let s = d.admin.get("/api/settings/smtp").json();
    // Alice's reply and the admin's "waiting for an agent".
    assert_eq!(s["waiting"], 2, "{s}");
    let error = s["smtp"]["last_error"]
        .as_str()
        .expect("the failure in words");
    assert!(error.contains("nothing accepts connections"), "{error}");

    let sink = SmtpSink::start(port);
    assert!(mail.run_pass(PASS));
    assert!(sink.messages().is_empty(), "retried before its back-off");

    clock.advance(Duration::from_secs(61));
    assert!(mail.run_pass(PASS));
    let got = sink.wait_for(2);
    assert_eq!(got.len(), 2, "{got:?}");
    let alice = sink.to("alice@acme.test");
    assert_eq!(alice.len(), 1, "nothing lost, nothing twice");
    assert!(alice[0].text().contains("Try another cable, please."));
    let s = d.admin.get("/api/settings/smtp").json();
    assert_eq!(s["waiting"], 0);
    assert!(s["smtp"]["last_error"].is_null(), "{s}");
}

#[test]
fn a_title_cannot_add_headers_or_recipients_to_an_email() {
    let sink = SmtpSink::start(free_port());
    let (mut d, clock, _jobs, mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);
    // Titles refuse CR, LF and control characters; a Unicode line separator
    // must not start a header either.
    let n = raise(
        &mut d.alice,
        "Printer\u{2028}Bcc: mallory@evil.test\u{2029}X-Evil: 1\u{2028}Cc: eve@evil.test",
    );
    reply(&mut d.agent1, n, "Looking into it.", false);
    send_due(&clock, &mail);
    sink.wait_for(2); // Alice's, and the admin's "waiting for an agent"
    let got = sink.to("alice@acme.test");
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.to, vec!["alice@acme.test".to_string()]);
    assert!(m.header("Subject").unwrap().contains("=?utf-8?") || m.data.contains("Printer"));
    let names = m.header_names();
    for bad in ["bcc", "cc", "x-evil"] {
        assert!(!names.contains(&bad.to_string()), "{names:?}");
    }
}

#[test]
fn the_relay_password_is_never_sent_back_and_a_test_reports_failure_in_words() {
    let (mut d, _clock, _jobs, _mail) = desk_with_mail(START);
    use_relay(&mut d.admin, free_port());
    let r = d.admin.get("/api/settings/smtp");
    assert!(!r.text().contains("relay-secret"));
    assert_eq!(r.json()["smtp"]["password_set"], true);

    // Saving without a password keeps the stored one.
    let r = d.admin.send_json(
        "PUT",
        "/api/settings/smtp",
        &json!({"host": "127.0.0.1", "port": 1, "security": "none", "sender": "desk@acme.test"}),
    );
    assert_eq!(r.status, 200);
    assert!(!r.text().contains("relay-secret"));
    assert_eq!(r.json()["smtp"]["password_set"], true);

    let r = d.admin.post_json("/api/settings/smtp/test", &json!({}));
    assert_eq!(r.status, 502, "{}", r.text());
    assert_eq!(r.error_code(), "relay_failed");
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("relay"), "{message}");

    // Staff other than admins cannot read or change it.
    assert_eq!(d.agent1.get("/api/settings/smtp").status, 403);
    let r = d.admin.send_json(
        "PUT",
        "/api/settings/smtp",
        &json!({"host": "127.0.0.1", "security": "sometimes", "sender": "not an address"}),
    );
    assert_eq!(r.status, 422);
    let fields = &r.json()["error"]["fields"];
    assert!(
        fields["security"].is_string() && fields["sender"].is_string(),
        "{fields}"
    );
}

#[test]
fn the_test_button_sends_through_a_working_relay_at_once() {
    let sink = SmtpSink::start(free_port());
    let (mut d, _clock, _jobs, _mail) = desk_with_mail(START);
    use_relay(&mut d.admin, sink.port);
    let r = d.admin.post_json("/api/settings/smtp/test", &json!({}));
    assert_eq!(r.status, 200, "{}", r.text());
    let got = sink.wait_for(1);
    assert_eq!(got[0].to, vec!["ada@acme.test".to_string()]);
    assert!(got[0].text().contains("test e-mail"));
}

#[test]
fn a_relay_with_an_untrusted_certificate_is_refused_and_explained() {
    let sink = SmtpSink::start_tls_self_signed(free_port());
    let (mut d, _clock, _jobs, _mail) = desk_with_mail(START);
    let r = d.admin.send_json(
        "PUT",
        "/api/settings/smtp",
        &json!({"host": "localhost", "port": sink.port, "security": "tls",
                "sender": "desk@acme.test"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = d.admin.post_json("/api/settings/smtp/test", &json!({}));
    assert_eq!(r.status, 502, "{}", r.text());
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("certificate"), "{message}");
    assert!(sink.messages().is_empty(), "nothing was sent over it");
}

#[test]
fn a_relay_that_never_answers_times_out_and_is_explained() {
    // Accepts the connection and says nothing: the relay's greeting never comes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        let held = silent.accept();
        std::thread::sleep(Duration::from_secs(15));
        drop(held);
    });
    let (mut d, _clock, _jobs, _mail) = desk_with_mail(START);
    use_relay(&mut d.admin, port);
    let r = d.admin.post_json("/api/settings/smtp/test", &json!({}));
    assert_eq!(r.status, 502, "{}", r.text());
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("did not answer within"), "{message}");
    let s = d.admin.get("/api/settings/smtp").json();
    assert!(s["smtp"]["last_error"]
        .as_str()
        .unwrap()
        .contains("did not answer"));
    drop(holder); // detached: it ends by itself
}
