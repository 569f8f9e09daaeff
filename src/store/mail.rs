//! E-mail: the organization's SMTP relay settings and the durable outbox.
//!
//! # The outbox
//! Every e-mail is first a row ([`enqueue`]), written as soon as what it tells
//! of has committed; the mail job (`jobs/mail.rs`) sends rows whose
//! `send_after` has come and records the outcome ([`mark_sent`],
//! [`mark_failed`]). A row with a `merge_key` (one person, one ticket) waits a
//! few minutes first, and events arriving meanwhile are appended to it instead
//! of making a new e-mail. A row that was tried once is never merged into, so a
//! retry sends exactly what the first attempt tried.
//!
//! # Security
//! The relay's password is stored here (the relay asks for it at every
//! connection) and leaves this module only towards the transport: the API's
//! view of the settings ([`SmtpSettings::public_json`]) says `password_set`.

use super::StoreError;
use crate::domain::OrgId;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection, then STARTTLS (required): port 587.
    StartTls,
    /// TLS from the first byte: port 465.
    Tls,
    /// No encryption: only for a relay on the same machine or a trusted LAN.
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::StartTls => "starttls",
            Security::Tls => "tls",
            Security::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// An organization's relay.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: String,
    pub sender: String,
    pub link_base: String,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

impl SmtpSettings {
    /// What the browser may see: everything but the password.
    pub fn public_json(&self) -> Value {
        json!({
            "host": self.host,
            "port": self.port,
            "security": self.security.as_str(),
            "username": self.username,
            "password_set": !self.password.is_empty(),
            "sender": self.sender,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
        })
    }
}

/// The relay of `org`, if one is set.
pub fn settings(conn: &Connection, org: OrgId) -> Result<Option<SmtpSettings>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT host, port, security, username, password, sender, link_base, last_error,
                    last_error_at
             FROM smtp_settings WHERE org_id = ?1",
        )?
        .query_row([org.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .optional()?;
    let Some((host, port, security, username, password, sender, link_base, last_error, at)) = row
    else {
        return Ok(None);
    };
    let corrupt = || {
        StoreError::Corrupt(super::row::CorruptRow {
            table: "smtp_settings",
            row: org.0,
            detail: "port or security out of range".into(),
        })
    };
    Ok(Some(SmtpSettings {
        host,
        port: u16::try_from(port).map_err(|_| corrupt())?,
        security: Security::parse(&security).ok_or_else(corrupt)?,
        username,
        password,
        sender,
        link_base,
        last_error,
        last_error_at: at,
    }))
}

/// Saves the relay of `org` (replacing the old one; errors are forgotten).
pub fn save_settings(
    conn: &Connection,
    org: OrgId,
    s: &SmtpSettings,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO smtp_settings (org_id, host, port, security, username, password, sender,
                                    link_base, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (org_id) DO UPDATE SET host = ?2, port = ?3, security = ?4, username = ?5,
             password = ?6, sender = ?7, link_base = ?8, updated_at = ?9,
             last_error = NULL, last_error_at = NULL",
        params![
            org.0,
            s.host,
            s.port,
            s.security.as_str(),
            s.username,
            s.password,
            s.sender,
            s.link_base,
            now
        ],
    )?;
    Ok(())
}

/// Removes the relay of `org`: e-mail is off. Waiting rows stay for later.
pub fn delete_settings(conn: &Connection, org: OrgId) -> Result<(), StoreError> {
    conn.execute("DELETE FROM smtp_settings WHERE org_id = ?1", [org.0])?;
    Ok(())
}

/// Records the relay's last failure (or, with `None`, that it worked again).
pub fn note_relay(
    conn: &Connection,
    org: OrgId,
    error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE smtp_settings SET last_error = ?2, last_error_at = CASE WHEN ?2 IS NULL THEN NULL ELSE ?3 END
         WHERE org_id = ?1",
        params![org.0, error, now],
    )?;
    Ok(())
}

/// A new e-mail for [`enqueue`].
pub struct NewMail<'a> {
    pub org: OrgId,
    pub to_addr: &'a str,
    pub to_name: &'a str,
    pub subject: &'a str,
    /// Paragraphs of the body, plain text.
    pub lines: &'a [String],
    pub link: &'a str,
    /// One person and one ticket: later events merge into a waiting row.
    pub merge_key: Option<&'a str>,
    /// The ticket's stable message id, for `In-Reply-To`/`References`.
    pub thread_id: Option<&'a str>,
    pub message_id: &'a str,
    pub now: i64,
    pub send_after: i64,
}

/// Queues an e-mail, or appends its lines to the waiting row with the same
/// merge key. Answers true when it merged.
pub fn enqueue(conn: &Connection, m: &NewMail) -> Result<bool, StoreError> {
    if let Some(key) = m.merge_key {
        let waiting: Option<(i64, String)> = conn
            .prepare_cached(
                "SELECT id, lines FROM mail_outbox
                 WHERE merge_key = ?1 AND sent_at IS NULL AND failed_at IS NULL AND attempts = 0
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((id, lines)) = waiting {
            let mut all: Vec<String> = serde_json::from_str(&lines).unwrap_or_default();
            all.extend(m.lines.iter().cloned());
            conn.execute(
                "UPDATE mail_outbox SET lines = ?2 WHERE id = ?1",
                params![id, json!(all).to_string()],
            )?;
            return Ok(true);
        }
    }
    conn.prepare_cached(
        "INSERT INTO mail_outbox (org_id, to_addr, to_name, subject, lines, link, merge_key,
                                  thread_id, message_id, created_at, send_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        m.org.0,
        m.to_addr,
        m.to_name,
        m.subject,
        json!(m.lines).to_string(),
        m.link,
        m.merge_key,
        m.thread_id,
        m.message_id,
        m.now,
        m.send_after
    ])?;
    Ok(false)
}

/// A queued e-mail, ready to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub org: OrgId,
    pub to_addr: String,
    pub to_name: String,
    pub subject: String,
    pub lines: Vec<String>,
    pub link: String,
    pub thread_id: Option<String>,
    pub message_id: String,
    pub attempts: i64,
}

/// Up to `limit` e-mails due at `now`, oldest first.
pub fn due(conn: &Connection, now: i64, limit: i64) -> Result<Vec<Outgoing>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, org_id, to_addr, to_name, subject, lines, link, thread_id, message_id, attempts
         FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND send_after <= ?1
         ORDER BY send_after, id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now, limit], |r| {
        let lines: String = r.get(5)?;
        Ok(Outgoing {
            id: r.get(0)?,
            org: OrgId(r.get(1)?),
            to_addr: r.get(2)?,
            to_name: r.get(3)?,
            subject: r.get(4)?,
            lines: serde_json::from_str(&lines).unwrap_or_default(),
            link: r.get(6)?,
            thread_id: r.get(7)?,
            message_id: r.get(8)?,
            attempts: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the next waiting e-mail comes due.
pub fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row(
        "SELECT min(send_after) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}

pub fn mark_sent(conn: &Connection, id: i64, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE mail_outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL
         WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Records a failed attempt: try again at `retry_at`, or give up (`None`).
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2,
             send_after = coalesce(?3, send_after),
             failed_at = CASE WHEN ?3 IS NULL THEN ?4 ELSE NULL END
         WHERE id = ?1",
        params![id, error, retry_at, now],
    )?;
    Ok(())
}

/// How many e-mails of `org` wait to be sent.
pub fn waiting(conn: &Connection, org: OrgId) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM mail_outbox WHERE org_id = ?1 AND sent_at IS NULL AND failed_at IS NULL",
        [org.0],
        |r| r.get(0),
    )?)
}

/// Forgets e-mails sent or given up before `before` (Unix ms): their bodies are
/// personal data, and a month is long enough to answer "did it go out?".
pub fn prune(conn: &Connection, before: i64) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "DELETE FROM mail_outbox WHERE coalesce(sent_at, failed_at) < ?1",
        [before],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate::apply(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO organizations (id, name, slug, join_code, created_at) VALUES (1, 'A', 'a', 'J', 0)",
            [],
        )
        .unwrap();
        conn
    }

    fn mail<'a>(lines: &'a [String], key: Option<&'a str>, now: i64) -> NewMail<'a> {
        NewMail {
            org: OrgId(1),
            to_addr: "a@x.test",
            to_name: "A",
            subject: "[#1] T",
            lines,
            link: "",
            merge_key: key,
            thread_id: None,
            message_id: "<m@x.test>",
            now,
            send_after: now + 1000,
        }
    }

    #[test]
    fn a_waiting_email_takes_later_lines_but_one_already_tried_does_not() {
        let c = db();
        let one = ["one".to_string()];
        let two = ["two".to_string()];
        assert!(!enqueue(&c, &mail(&one, Some("u1:t1"), 0)).unwrap());
        assert!(enqueue(&c, &mail(&two, Some("u1:t1"), 10)).unwrap());
        let due = due(&c, 1000, 10).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].lines, vec!["one", "two"]);
        mark_failed(&c, due[0].id, "down", Some(5000), 1000).unwrap();
        assert!(!enqueue(&c, &mail(&two, Some("u1:t1"), 20)).unwrap());
        assert_eq!(waiting(&c, OrgId(1)).unwrap(), 2);
    }

    #[test]
    fn sent_and_given_up_emails_are_forgotten_after_the_keep_time_and_waiting_ones_never() {
        let c = db();
        let l = ["x".to_string()];
        for _ in 0..3 {
            enqueue(&c, &mail(&l, None, 0)).unwrap();
        }
        mark_sent(&c, 1, 100).unwrap();
        mark_failed(&c, 2, "gone", None, 100).unwrap();
        assert_eq!(prune(&c, 100).unwrap(), 0, "not older yet");
        assert_eq!(prune(&c, 101).unwrap(), 2);
        assert_eq!(waiting(&c, OrgId(1)).unwrap(), 1);
    }
}
