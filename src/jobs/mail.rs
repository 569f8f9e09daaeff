//! Sending the e-mail outbox ([`crate::store::mail`]) through each
//! organization's relay, with retries and exponential back-off.
//!
//! It runs on a jobs thread of its own (`Jobs::start_named("mail", ...)`), so a
//! relay that is down and makes each attempt wait for its timeout delays no
//! assignment and no SLA mark. Each pass sends what is due; a failure is
//! recorded on the row (tried again after [`backoff_ms`]) and on the relay's
//! settings in words, for the admin's screen. Once one message to a relay
//! fails, that relay's other messages wait for the next pass instead of each
//! waiting out the same timeout. After [`MAX_ATTEMPTS`] a message is given up.
//! Sent and given-up messages are forgotten after [`KEEP_DAYS`]; once an hour
//! the same pass forgets bell notifications read more than
//! [`READ_NOTIFICATION_DAYS`] ago, and any older than [`NOTIFICATION_DAYS`].

use super::{Job, JobError};
use crate::domain::zone::from_ms;
use crate::domain::OrgId;
use crate::mail::{self, MailError};
use crate::store::mail::{self as outbox, SmtpSettings};
use crate::store::notifications;
use crate::store::Db;
use jiff::Timestamp;
use std::collections::HashMap;

/// Most messages one pass sends; the rest go in the next pass, at once.
pub const BATCH: i64 = 50;
/// Attempts before a message is given up (about 8.5 hours of trying).
pub const MAX_ATTEMPTS: i64 = 10;
/// How long sent and given-up e-mails stay in the outbox.
pub const KEEP_DAYS: i64 = 30;
/// How long a notification stays in the bell after it was read.
pub const READ_NOTIFICATION_DAYS: i64 = 90;
/// How long any notification stays, read or not.
pub const NOTIFICATION_DAYS: i64 = 365;
const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// How long to wait after the `attempts`-th failed attempt: 1, 2, 4 ... minutes,
/// at most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(1, 7) - 1).unwrap_or(0);
    (MINUTE_MS << doublings).min(60 * MINUTE_MS)
}

/// The outbox job; see the module docs.
pub struct MailJob {
    db: Db,
    /// When this job last pruned the notifications (Unix ms): a full scan, so
    /// at most hourly.
    pruned_at: Option<i64>,
}

impl MailJob {
    pub fn new(db: Db) -> MailJob {
        MailJob {
            db,
            pruned_at: None,
        }
    }
}

/// A relay as this pass knows it: its settings, or why it cannot be used.
enum Relay {
    Ready(Box<(SmtpSettings, lettre::SmtpTransport)>),
    Down(String),
}

impl Job for MailJob {
    fn name(&self) -> &'static str {
        "send e-mail"
    }

    fn run(&mut self, now: Timestamp) -> Result<Option<Timestamp>, JobError> {
        let now = now.as_millisecond();
        self.db
            .write(|tx| outbox::prune(tx, now - KEEP_DAYS * DAY_MS))?;
        if self.pruned_at.map_or(true, |at| now - at >= 60 * MINUTE_MS) {
            let (read, all) = (
                now - READ_NOTIFICATION_DAYS * DAY_MS,
                now - NOTIFICATION_DAYS * DAY_MS,
            );
            let gone = self.db.write(|tx| notifications::prune(tx, read, all))?;
            if gone > 0 {
                log::info!("forgot {gone} old notification(s)");
            }
            self.pruned_at = Some(now);
        }
        let due = self.db.read(|c| outbox::due(c, now, BATCH))?;
        let mut relays: HashMap<OrgId, Relay> = HashMap::new();
        for m in &due {
            if let std::collections::hash_map::Entry::Vacant(slot) = relays.entry(m.org) {
                let relay = match self.db.read(|c| outbox::settings(c, m.org))? {
                    None => Relay::Down("No SMTP relay is set.".into()),
                    Some(s) => match mail::transport(&s) {
                        Ok(t) => Relay::Ready(Box::new((s, t))),
                        Err(e) => Relay::Down(e.to_string()),
                    },
                };
                slot.insert(relay);
            }
            let outcome = match relays.get(&m.org) {
                Some(Relay::Ready(ready)) => mail::compose(m, &ready.0.sender, now)
                    .and_then(|msg| mail::send(&ready.1, &msg))
                    .map_err(|e| {
                        let relay_fault = !matches!(e, MailError::Address(_));
                        (e.to_string(), relay_fault)
                    }),
                Some(Relay::Down(why)) => Err((why.clone(), false)),
                None => continue,
            };
            match outcome {
                Ok(()) => self.db.write(|tx| {
                    outbox::mark_sent(tx, m.id, now)?;
                    outbox::note_relay(tx, m.org, None, now)
                })?,
                Err((why, relay_fault)) => {
                    let attempts = m.attempts + 1;
                    let retry = (attempts < MAX_ATTEMPTS).then(|| now + backoff_ms(attempts));
                    log::warn!(
                        "e-mail {} to organization {}'s relay failed (attempt {attempts}): {why}",
                        m.id,
                        m.org.0
                    );
                    self.db.write(|tx| {
                        outbox::mark_failed(tx, m.id, &why, retry, now)?;
                        outbox::note_relay(tx, m.org, Some(&why), now)
                    })?;
                    if relay_fault {
                        relays.insert(m.org, Relay::Down(why));
                    }
                }
            }
        }
        if due.len() as i64 >= BATCH {
            return Ok(Some(from_ms(now)));
        }
        Ok(self.db.read(outbox::next_due)?.map(from_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_a_minute_up_to_an_hour() {
        assert_eq!(backoff_ms(1), MINUTE_MS);
        assert_eq!(backoff_ms(2), 2 * MINUTE_MS);
        assert_eq!(backoff_ms(3), 4 * MINUTE_MS);
        assert_eq!(backoff_ms(7), 60 * MINUTE_MS);
        assert_eq!(backoff_ms(100), 60 * MINUTE_MS);
    }
}
