//! E-mail on the wire: turns an outbox row into a MIME message and hands it to
//! the organization's SMTP relay through `lettre` (blocking transport, no async
//! runtime, rustls with the ring provider). Called by the mail job
//! (`jobs/mail.rs`) for the outbox and by `POST /api/settings/smtp/test`.
//!
//! Every message has plain-text and HTML parts (the HTML escaped from the same
//! text), its own `Message-ID`, and, for mail about a ticket, `In-Reply-To` and
//! `References` naming the ticket's stable id, so a mail client shows all mail
//! about one ticket as one thread.
//!
//! # Security
//! Headers are built only through lettre's typed builders, which encode
//! non-ASCII text; names and subjects pass through [`one_line`] first, so a
//! CR/LF typed into a name or a ticket title cannot start a header of its own
//! (tested in `a_title_with_line_breaks_cannot_add_a_header`).

use crate::domain::notify::one_line;
use crate::store::mail::{Outgoing, Security, SmtpSettings};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use std::fmt;
use std::time::{Duration, SystemTime};

/// How long one conversation with the relay may take before it counts as down.
pub const RELAY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why an e-mail was not sent, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailError {
    /// An address or the sender does not parse.
    Address(String),
    /// The relay could not be reached, or the connection broke.
    Connect(String),
    /// The relay did not answer in time.
    Timeout,
    /// TLS failed: most often a certificate the relay presents that is not trusted.
    Tls(String),
    /// The relay answered with an error (it refused the sender, a recipient or
    /// the credentials).
    Refused(String),
}

impl fmt::Display for MailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MailError::Address(m) => write!(f, "Bad address: {m}"),
            MailError::Connect(m) => write!(f, "Could not talk to the relay: {m}"),
            MailError::Timeout => write!(
                f,
                "The relay did not answer within {} seconds.",
                RELAY_TIMEOUT.as_secs()
            ),
            MailError::Tls(m) => write!(
                f,
                "The secure connection failed (is the relay's certificate valid for its name?): {m}"
            ),
            MailError::Refused(m) => write!(f, "The relay refused: {m}"),
        }
    }
}

impl From<lettre::transport::smtp::Error> for MailError {
    fn from(e: lettre::transport::smtp::Error) -> MailError {
        let answered = e.is_permanent() || e.is_transient();
        MailError::classify(full_text(&e), e.is_timeout(), e.is_tls(), answered)
    }
}

impl MailError {
    /// Which failure an error of the transport is, from its flags and words:
    /// `answered` when the relay replied with an SMTP error code.
    fn classify(text: String, timeout: bool, tls: bool, answered: bool) -> MailError {
        if timeout {
            MailError::Timeout
        } else if tls || text.contains("certificate") || text.contains("InvalidCertificate") {
            MailError::Tls(text)
        } else if answered {
            MailError::Refused(text)
        } else if [
            "timed out",
            "WouldBlock",
            "temporarily unavailable",
            "(os error 11)",
        ]
        .iter()
        .any(|t| text.contains(t))
        {
            // A socket read timeout surfaces as EAGAIN ("Resource temporarily
            // unavailable", os error 11; not 111, which is a refused connection).
            MailError::Timeout
        } else {
            MailError::Connect(connect_words(text))
        }
    }
}

/// An error and its causes on one line, each cause once (lettre's messages
/// often repeat their source's).
fn full_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    one_line(&text)
}

/// A connection failure in words an admin can act on, with the detail after.
fn connect_words(text: String) -> String {
    let lower = text.to_ascii_lowercase();
    let hint = if lower.contains("connection refused") {
        "nothing accepts connections at that host and port (is the relay running, and are host and port right?)"
    } else if lower.contains("lookup")
        || lower.contains("resolve")
        || lower.contains("name or service")
    {
        "the host name could not be found"
    } else if lower.contains("unreachable") {
        "the network cannot reach the host"
    } else {
        return text;
    };
    format!("{hint} ({text})")
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The sender's domain, for message ids: `helpdesk.invalid` when it has none.
pub fn domain_of(sender: &str) -> String {
    sender
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').trim().to_ascii_lowercase())
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
        .unwrap_or_else(|| "helpdesk.invalid".into())
}

/// A new unique message id under `domain`.
pub fn new_message_id(domain: &str) -> String {
    format!("<{}@{domain}>", &crate::auth::random_token()[..32])
}

/// The stable id every e-mail about ticket `number` of organization `org`
/// replies to.
pub fn thread_id(org: i64, number: i64, domain: &str) -> String {
    format!("<ticket-{org}-{number}@{domain}>")
}

fn mailbox(name: &str, address: &str) -> Result<Mailbox, MailError> {
    let address = address
        .trim()
        .parse()
        .map_err(|e| MailError::Address(format!("{}: {e}", one_line(address))))?;
    let name = one_line(name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
}

/// Parses the sender setting ("Help desk <it@example.com>" or a bare address).
pub fn sender(s: &str) -> Result<Mailbox, MailError> {
    one_line(s)
        .parse()
        .map_err(|e| MailError::Address(format!("the sender {}: {e}", one_line(s))))
}

/// The MIME message for an outbox row, dated `now` (Unix ms).
pub fn compose(o: &Outgoing, from: &str, now: i64) -> Result<Message, MailError> {
    let mut lines = o.lines.clone();
    if o.thread_id.is_some() {
        lines.push(
            "You receive this because you follow this ticket. Choose what reaches you by \
             e-mail on your profile page."
                .into(),
        );
    }
    let mut text = lines.join("\n\n");
    let mut html = String::from("<!doctype html><html><body>");
    for line in &lines {
        html.push_str(&format!(
            "<p>{}</p>",
            escape_html(line).replace('\n', "<br>")
        ));
    }
    if !o.link.is_empty() {
        text.push_str(&format!("\n\n{}\n", o.link));
        let href = escape_html(&o.link);
        html.push_str(&format!("<p><a href=\"{href}\">{href}</a></p>"));
    }
    html.push_str("</body></html>");
    let date = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(now).unwrap_or(0));
    let mut b = Message::builder()
        .from(sender(from)?)
        .to(mailbox(&o.to_name, &o.to_addr)?)
        .subject(one_line(&o.subject))
        .date(date)
        .message_id(Some(o.message_id.clone()));
    if let Some(thread) = &o.thread_id {
        b = b.in_reply_to(thread.clone()).references(thread.clone());
    }
    b.multipart(
        MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(text),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html),
            ),
    )
    .map_err(|e| MailError::Address(e.to_string()))
}

/// A transport to the relay, with [`RELAY_TIMEOUT`] on every step.
pub fn transport(s: &SmtpSettings) -> Result<SmtpTransport, MailError> {
    let tls = |host: &str| {
        TlsParameters::new(host.to_string()).map_err(|e| MailError::Tls(full_text(&e)))
    };
    let mode = match s.security {
        Security::StartTls => Tls::Required(tls(&s.host)?),
        Security::Tls => Tls::Wrapper(tls(&s.host)?),
        Security::None => Tls::None,
    };
    let mut b = SmtpTransport::builder_dangerous(s.host.as_str())
        .port(s.port)
        .tls(mode)
        .timeout(Some(RELAY_TIMEOUT));
    if !s.username.is_empty() {
        b = b.credentials(Credentials::new(s.username.clone(), s.password.clone()));
    }
    Ok(b.build())
}

/// Sends one message through the relay.
pub fn send(t: &SmtpTransport, m: &Message) -> Result<(), MailError> {
    t.send(m).map(|_| ()).map_err(MailError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgId;

    fn row() -> Outgoing {
        Outgoing {
            id: 1,
            org: OrgId(1),
            to_addr: "alice@acme.test".into(),
            to_name: "Alice\r\nBcc: mallory@evil.test".into(),
            subject: "[#7] Printer\r\nBcc: mallory@evil.test".into(),
            lines: vec!["Tom replied: <b>hi</b>".into()],
            link: "http://desk.test/tickets/7".into(),
            thread_id: Some(thread_id(1, 7, "acme.test")),
            message_id: new_message_id("acme.test"),
            attempts: 0,
        }
    }

    #[test]
    fn a_title_with_line_breaks_cannot_add_a_header() {
        let m = compose(&row(), "Help desk <it@acme.test>", 0).unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        let head = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{head}"
        );
        assert!(head.contains("Printer Bcc: mallory@evil.test") || head.contains("=?utf-8?"));
    }

    #[test]
    fn a_message_threads_on_its_ticket_and_escapes_its_html_part() {
        let m = compose(&row(), "it@acme.test", 0).unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(raw.contains("In-Reply-To: <ticket-1-7@acme.test>"), "{raw}");
        assert!(raw.contains("References: <ticket-1-7@acme.test>"));
        assert!(raw.contains("Message-ID: <"));
        assert!(raw.contains("&lt;b&gt;hi&lt;/b&gt;"));
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
    }

    #[test]
    fn a_refused_connection_is_not_mistaken_for_a_timeout() {
        // "os error 111" (refused) contains "os error 11" (a read timeout's EAGAIN).
        let text = "Connection error: Connection refused (os error 111)".to_string();
        let words = MailError::classify(text, false, false, false).to_string();
        assert!(words.starts_with("Could not talk to the relay"), "{words}");
        assert!(words.contains("nothing accepts connections"), "{words}");
        let eagain = "network error: Resource temporarily unavailable (os error 11)".to_string();
        assert_eq!(
            MailError::classify(eagain, false, false, false),
            MailError::Timeout
        );
    }

    #[test]
    fn message_ids_use_the_senders_domain_or_an_invalid_one() {
        assert_eq!(domain_of("Desk <it@Acme.test>"), "acme.test");
        assert_eq!(domain_of("nobody"), "helpdesk.invalid");
        assert_eq!(domain_of("x@bad domain>"), "helpdesk.invalid");
    }
}
