//! What a write tells the open browsers: [`News`] about one ticket, gathered
//! inside the write transaction and published with [`State::tell`] after it
//! commits.
//!
//! A handler that changes a ticket does, inside `db.write`:
//! `let mut news = News::about(tx, &actor, &t)?; news.updated(&["status"]);` and returns
//! `news` beside its answer; after the commit it calls `state.tell(news)`. If the
//! transaction rolls back, `news` is dropped unpublished, so no browser ever
//! hears of a change that did not happen.
//!
//! # Security
//! The audience is decided here, with the API's own read rules:
//! [`News::about`] reads the ticket's readers (its requester and watchers) in the
//! same transaction, so the event reaches exactly the people who may read the
//! ticket as of the commit; an internal note is addressed to staff only
//! ([`Audience::Staff`]), so a requester never learns of its existence. The live
//! hub then filters per subscriber with [`Audience::admits`](crate::live::Audience::admits).
//!
//! # Notifications
//! The same news feeds the bell and e-mail: [`State::tell`] turns it into a
//! [`Notice`] (a reply, a status move, a new assignee, a new ticket waiting)
//! by comparing the ticket as the handler read it with the ticket after the
//! commit, and hands it to [`Notifier::deliver`](super::notify::Notifier::deliver).

use super::notify::{reply_excerpt, Notice};
use super::{ApiError, State};
use crate::domain::notify::{recipients, Happening};
use crate::domain::ticket::{Status as TicketStatus, TicketNumber};
use crate::domain::{Actor, OrgId, UserId};
use crate::live::{Audience, Event};
use crate::store::attachments::Attachment;
use crate::store::comments::Comment;
use crate::store::tickets::{self, TicketRef};
use rusqlite::Connection;
use serde_json::{json, Value};

/// Events about one ticket, waiting for their transaction to commit.
#[must_use = "publish it with State::tell after the commit"]
pub struct News {
    org: OrgId,
    number: TicketNumber,
    readers: Audience,
    events: Vec<Event>,
    // What notifications need: the ticket as the handler read it, who acted,
    // and the replies written.
    ticket_id: i64,
    actor: Option<UserId>,
    before_status: TicketStatus,
    before_assignee: Option<i64>,
    created: bool,
    replies: Vec<(bool, String)>,
}

impl News {
    /// News about `t`, addressed to staff and its readers as they are now in
    /// this transaction. Call it after changing who watches, so a new watcher
    /// hears of it; before removing one, so the removed person does too.
    ///
    /// `t` is the ticket as the handler read it before changing it: what
    /// differs after the commit (status, assignee) is what people are told of.
    pub fn about(conn: &Connection, actor: &Actor, t: &TicketRef) -> Result<News, ApiError> {
        Ok(News {
            org: actor.org_id,
            number: t.number,
            readers: Audience::Ticket {
                readers: tickets::readers(conn, t.id)?,
            },
            events: Vec::new(),
            ticket_id: t.id,
            actor: actor.user_id(),
            before_status: t.status,
            before_assignee: t.assignee_id,
            created: false,
            replies: Vec::new(),
        })
    }

    fn push(&mut self, name: &'static str, audience: Audience, data: Value) {
        self.events.push(Event::new(self.org, name, audience, data));
    }

    /// `ticket.created`: the queue gains a row, the requester's home too.
    pub fn created(&mut self, t: &TicketRef) {
        let data = json!({
            "number": t.number.0,
            "title": t.title,
            "status": t.status.as_str(),
            "priority": t.priority.as_str(),
        });
        self.push("ticket.created", self.readers.clone(), data);
        self.created = true;
        self.before_assignee = None;
    }

    /// `ticket.updated` naming what changed; pages fetch the ticket again.
    pub fn updated(&mut self, changes: &[&str]) {
        if changes.is_empty() {
            return;
        }
        let data = json!({ "number": self.number.0, "changes": changes });
        self.push("ticket.updated", self.readers.clone(), data);
    }

    /// `comment.created`: a reply for staff and readers, an internal note for
    /// staff only.
    pub fn comment(&mut self, comment: &Comment) {
        let audience = if comment.internal {
            Audience::Staff
        } else {
            self.readers.clone()
        };
        // Shaped as the comments list shapes it, so a Markdown reply arrives with its HTML.
        let data =
            json!({ "number": self.number.0, "comment": super::comments::shape(comment.clone()) });
        self.push("comment.created", audience, data);
        self.replies
            .push((comment.internal, reply_excerpt(&comment.body)));
    }

    /// `comment.updated`: a reply became an internal note. Readers hear it too,
    /// so their open pages drop the message they were shown.
    pub fn comment_internal(&mut self, id: i64) {
        let data = json!({ "number": self.number.0, "id": id, "internal": true });
        self.push("comment.updated", self.readers.clone(), data);
    }

    /// `attachment.added`: a file on the ticket or one of its replies; a file on
    /// an internal note is for staff only, like the note.
    pub fn attachment_added(&mut self, a: &Attachment) {
        let data = json!({ "number": self.number.0, "attachment": a });
        self.push("attachment.added", self.about_file(a), data);
    }

    /// `attachment.removed`: the same audience as its `attachment.added`.
    pub fn attachment_removed(&mut self, a: &Attachment) {
        let data = json!({ "number": self.number.0, "id": a.id });
        self.push("attachment.removed", self.about_file(a), data);
    }

    fn about_file(&self, a: &Attachment) -> Audience {
        if a.internal {
            Audience::Staff
        } else {
            self.readers.clone()
        }
    }

    /// `task.changed`: the checklist changed; pages fetch it again.
    pub fn tasks(&mut self) {
        let data = json!({ "number": self.number.0 });
        self.push("task.changed", self.readers.clone(), data);
    }

    /// Who may hear of this ticket (for ephemeral signals such as typing).
    pub fn audience(&self) -> &Audience {
        &self.readers
    }
}

impl State {
    /// Publishes what a committed write gathered, then records and announces
    /// the notifications it makes. Call only after the commit.
    pub fn tell(&self, news: News) {
        self.tell_all([news]);
    }

    /// [`State::tell`] for several tickets changed in one transaction (a bulk
    /// change, a merge): their notifications share one write transaction.
    pub fn tell_all(&self, all: impl IntoIterator<Item = News>) {
        let notices: Vec<Notice> = all
            .into_iter()
            .filter_map(|news| self.publish_news(news))
            .collect();
        self.notifier.deliver_all(&notices, self.now_ms());
    }

    /// Publishes the live events of `news` and answers what notifications it
    /// makes, if anyone is to be told.
    fn publish_news(&self, news: News) -> Option<Notice> {
        let notable = news.created
            || !news.replies.is_empty()
            || news.events.iter().any(|e| e.name == "ticket.updated");
        let org = news.org;
        for event in news.events {
            self.live.publish(event);
        }
        if !notable {
            return None;
        }
        let after = self
            .db
            .read(|c| crate::store::notifications::ticket_facts(c, org, news.ticket_id));
        let after = match after {
            Ok(Some(t)) => t,
            Ok(None) => return None,
            Err(e) => {
                log::error!("notifications: cannot read ticket {}: {e}", news.ticket_id);
                return None;
            }
        };
        let mut items = Vec::new();
        for (internal, text) in news.replies {
            items.push((Happening::Reply { internal }, text));
        }
        let resolved = after.status == TicketStatus::Resolved.as_str();
        // A reply that moves the status by itself (a staff reply opens a new
        // ticket) is told as the reply alone; a resolution is always told.
        let by_reply = !items.is_empty() && !resolved;
        if after.status != news.before_status.as_str() && !news.created && !by_reply {
            let label = after.status.replace('_', " ");
            items.push((Happening::Status { resolved }, label));
        }
        if let Some(to) = after.people.assignee {
            if Some(to.0) != news.before_assignee {
                items.push((Happening::Assigned { to }, String::new()));
            }
        } else if news.created {
            items.push((Happening::Waiting, String::new()));
        } else if news.before_assignee.is_some() && is_open(&after.status) {
            // Escalation past its assignee's tier, a move to a category they do
            // not take, or a person's unassignment: the ticket waits again.
            let detail = "left the ticket without an agent: it waits for one.".to_string();
            items.push((Happening::Waiting, detail));
        }
        // Most changes tell someone; the rest need no write transaction at all.
        let anyone = items
            .iter()
            .any(|(what, _)| !recipients(what, &after.people, news.actor).is_empty());
        anyone.then_some(Notice {
            org,
            ticket_id: news.ticket_id,
            actor: news.actor,
            items,
        })
    }
}

/// A ticket someone still has to work on (not resolved or closed).
fn is_open(status: &str) -> bool {
    status != TicketStatus::Resolved.as_str() && status != TicketStatus::Closed.as_str()
}
