//! E-mail: the durable outbox. The relay it sends through is
//! [`super::smtp_settings`], re-exported here.
//!
//! # The outbox
//! Every e-mail is first a row ([`enqueue`]), written as soon as what it tells
//! of has committed; the mail job (`jobs/mail.rs`) sends rows whose
//! `send_after` has come and records the outcome ([`mark_sent`],
//! [`mark_failed`]). A row with a `merge_key` (one person, one ticket) waits a
//! few minutes first, and events arriving meanwhile are appended to it instead
//! of making a new e-mail. A row that was tried once is never merged into, so a
//! retry sends exactly what the first attempt tried.

pub use super::smtp_settings::{
    delete_settings, note_relay, save_settings, settings, Security, SmtpSettings,
};
use super::StoreError;
use crate::domain::OrgId;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

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
