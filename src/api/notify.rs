//! Turning what happened into notifications: the bell's rows, the live
//! `notification.created` event that counts the bell up, and the e-mail
//! outbox. Called right after a change commits: by [`State::tell`] for every
//! request that publishes [`News`](super::news::News), and by the jobs thread
//! for automatic assignments and SLA marks.
//!
//! The notifications are written in their own transaction after the change's
//! commit, so a failure here (logged) never undoes or fails the change itself;
//! the price is that a crash between the two commits loses the notification,
//! never the change. Who hears of what is the domain's
//! ([`crate::domain::notify::recipients`]); each person's channels come from
//! their preferences ([`notifications::channels`]).
//!
//! # Merging and threading
//! E-mail about one ticket to one person waits [`MERGE_WINDOW_MS`] in the
//! outbox; what happens meanwhile is appended to the same e-mail. Every e-mail
//! about a ticket names the ticket's stable id in `In-Reply-To`/`References`.

use super::events::StreamKey;
use crate::domain::notify::{excerpt, one_line, recipients, Happening};
use crate::domain::{OrgId, UserId};
use crate::jobs::Jobs;
use crate::live::{Audience, Event, LiveHub};
use crate::mail::{domain_of, new_message_id, thread_id};
use crate::store::mail::{self as outbox, NewMail};
use crate::store::notifications::{self, NewNotification};
use crate::store::{Db, StoreError};
use serde_json::json;
use std::sync::Arc;

/// `notification.created` events to publish after the commit: to whom, and the data.
type Told = Vec<(UserId, serde_json::Value)>;

/// How long an e-mail about a ticket waits for more events to merge with it.
pub const MERGE_WINDOW_MS: i64 = 3 * 60_000;

/// What happened to one ticket, for [`Notifier::deliver`].
#[derive(Debug, Clone)]
pub struct Notice {
    pub org: OrgId,
    pub ticket_id: i64,
    /// Who acted; `None` for the help desk itself.
    pub actor: Option<UserId>,
    /// Each happening with its detail (a reply's excerpt, an SLA mark's words).
    pub items: Vec<(Happening, String)>,
}

/// Everything delivering needs; cheap to clone into the jobs thread.
#[derive(Clone)]
pub struct Notifier {
    pub db: Db,
    pub live: Arc<LiveHub<StreamKey>>,
    /// The mail thread, nudged when e-mail was queued.
    pub mail: Jobs,
    /// `--public-url`: the base of links in e-mail, before the relay's own.
    pub public_url: Option<String>,
}

impl Notifier {
    /// Records and announces `notice`; failures are logged, never returned:
    /// the change it tells of has already committed.
    pub fn deliver(&self, notice: &Notice, now: i64) {
        self.deliver_all(std::slice::from_ref(notice), now);
    }

    /// [`Notifier::deliver`] for several notices in one write transaction.
    pub fn deliver_all(&self, notices: &[Notice], now: i64) {
        if notices.iter().all(|n| n.items.is_empty()) {
            return;
        }
        let recorded = self.db.write(|tx| {
            let mut told = Vec::new();
            let mut queued = false;
            for notice in notices {
                let (t, q) = self.record(tx, notice, now)?;
                told.extend(t.into_iter().map(|(user, data)| (notice.org, user, data)));
                queued |= q;
            }
            Ok::<_, StoreError>((told, queued))
        });
        match recorded {
            Ok((told, queued)) => {
                for (org, user, data) in told {
                    let audience = Audience::Person(user);
                    self.live
                        .publish(Event::new(org, "notification.created", audience, data));
                }
                if queued {
                    self.mail.nudge();
                }
            }
            Err(e) => log::error!("notifications were not recorded: {e}"),
        }
    }

    /// Tickets the jobs thread (or a switch to Available) assigned
    /// automatically: `(ticket id, assignee)`. Their pages hear
    /// `ticket.updated`, and each assignee is told as by a person.
    pub fn assigned(&self, org: OrgId, done: &[(i64, UserId)], now: i64) {
        let mut notices = Vec::new();
        for &(ticket_id, to) in done {
            let found = self.db.read(|c| {
                let number = notifications::ticket_number(c, org, ticket_id)?;
                let readers = crate::store::tickets::readers(c, ticket_id)?;
                Ok::<_, StoreError>((number, readers))
            });
            match found {
                Ok((Some(number), readers)) => {
                    let data = json!({"number": number, "changes": ["assignee", "status"]});
                    let audience = Audience::Ticket { readers };
                    self.live
                        .publish(Event::new(org, "ticket.updated", audience, data));
                }
                Ok((None, _)) => continue,
                Err(e) => {
                    log::error!("automatic assignment of ticket {ticket_id} not announced: {e}");
                    continue;
                }
            }
            notices.push(Notice {
                org,
                ticket_id,
                actor: None,
                items: vec![(Happening::Assigned { to }, String::new())],
            });
        }
        self.deliver_all(&notices, now);
    }

    /// The base of links in e-mail of `org`: `--public-url`, else the address
    /// the admin saved the relay settings from.
    pub fn link_base(&self, relay_base: &str) -> String {
        self.public_url
            .as_deref()
            .unwrap_or(relay_base)
            .trim_end_matches('/')
            .to_string()
    }

    /// Writes the rows of `notice`: answers the live events to publish after
    /// the commit (person and data) and whether e-mail was queued.
    fn record(
        &self,
        tx: &rusqlite::Connection,
        notice: &Notice,
        now: i64,
    ) -> Result<(Told, bool), StoreError> {
        let org = notice.org;
        let Some(t) = notifications::ticket_facts(tx, org, notice.ticket_id)? else {
            return Ok((Vec::new(), false));
        };
        let who = match notice.actor {
            Some(u) => {
                notifications::person(tx, org, u)?.map_or_else(|| "Someone".into(), |p| p.name)
            }
            None => crate::domain::actor::SYSTEM_NAME.to_string(),
        };
        let relay = outbox::settings(tx, org)?;
        let mut told = Vec::new();
        let mut queued = false;
        for (what, detail) in &notice.items {
            let text = describe(what, &who, detail);
            for (user, kind) in recipients(what, &t.people, notice.actor) {
                let channels = notifications::channels(tx, org, Some(user), kind)?;
                if channels.in_app {
                    let id = notifications::add(
                        tx,
                        &NewNotification {
                            org,
                            user,
                            ticket_id: t.id,
                            ticket_number: t.number,
                            kind,
                            text: &text,
                            now,
                        },
                    )?;
                    let unread = notifications::unread(tx, org, user)?;
                    told.push((
                        user,
                        json!({"unread": unread, "notification": {
                            "id": id, "kind": kind.as_str(), "ticket_number": t.number,
                            "ticket_title": t.title, "text": text, "created_at": now,
                            "read": false,
                        }}),
                    ));
                }
                let Some(relay) = relay.as_ref().filter(|_| channels.email) else {
                    continue;
                };
                let Some(person) = notifications::person(tx, org, user)? else {
                    continue;
                };
                let domain = domain_of(&relay.sender);
                let link = format!("{}/tickets/{}", self.link_base(&relay.link_base), t.number);
                let merge_key = format!("u{}:t{}", user.0, t.id);
                let thread = thread_id(org.0, t.number, &domain);
                outbox::enqueue(
                    tx,
                    &NewMail {
                        org,
                        to_addr: &person.email,
                        to_name: &person.name,
                        subject: &format!("[#{}] {}", t.number, one_line(&t.title)),
                        lines: std::slice::from_ref(&text),
                        link: &link,
                        merge_key: Some(&merge_key),
                        thread_id: Some(&thread),
                        message_id: &new_message_id(&domain),
                        now,
                        send_after: now + MERGE_WINDOW_MS,
                    },
                )?;
                queued = true;
            }
        }
        Ok((told, queued))
    }
}

/// One line that says what happened, as the bell and e-mail show it.
fn describe(what: &Happening, who: &str, detail: &str) -> String {
    match what {
        Happening::Reply { internal: false } => format!("{who} replied: {detail}"),
        Happening::Reply { internal: true } => format!("{who} added an internal note: {detail}"),
        Happening::Status { resolved: true } => format!("{who} resolved the ticket."),
        Happening::Status { resolved: false } => format!("{who} changed the status to {detail}."),
        Happening::Assigned { .. } => format!("{who} assigned the ticket to you."),
        Happening::Sla => detail.to_string(),
        Happening::Waiting if detail.is_empty() => {
            format!("{who} filed a ticket that waits for an agent.")
        }
        Happening::Waiting => format!("{who} {detail}"),
    }
}

/// A reply's excerpt for a notification.
pub fn reply_excerpt(body: &str) -> String {
    excerpt(body, 140)
}
