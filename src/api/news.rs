//! What a write tells the open browsers: [`News`] about one ticket, gathered
//! inside the write transaction and published with [`State::tell`] after it
//! commits.
//!
//! A handler that changes a ticket does, inside `db.write`:
//! `let mut news = News::about(tx, actor.org_id, &t)?; news.updated(&["status"]);` and returns
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

use super::{ApiError, State};
use crate::domain::ticket::TicketNumber;
use crate::domain::OrgId;
use crate::live::{Audience, Event};
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
}

impl News {
    /// News about `t`, addressed to staff and its readers as they are now in
    /// this transaction. Call it after changing who watches, so a new watcher
    /// hears of it; before removing one, so the removed person does too.
    pub fn about(conn: &Connection, org: OrgId, t: &TicketRef) -> Result<News, ApiError> {
        Ok(News {
            org,
            number: t.number,
            readers: Audience::Ticket {
                readers: tickets::readers(conn, t.id)?,
            },
            events: Vec::new(),
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
        let data = json!({ "number": self.number.0, "comment": comment });
        self.push("comment.created", audience, data);
    }

    /// `comment.updated`: a reply became an internal note. Readers hear it too,
    /// so their open pages drop the message they were shown.
    pub fn comment_internal(&mut self, id: i64) {
        let data = json!({ "number": self.number.0, "id": id, "internal": true });
        self.push("comment.updated", self.readers.clone(), data);
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
    /// Publishes what a committed write gathered. Call only after the commit.
    pub fn tell(&self, news: News) {
        for event in news.events {
            self.live.publish(event);
        }
    }
}
