//! One thing that happened in an organization, and who may hear of it.
//!
//! An [`Event`] is built by the API after its transaction commits. Its
//! [`Audience`] is decided there, with the same rules the API uses to answer a
//! read: an internal note is [`Audience::Staff`], a public reply on a ticket is
//! [`Audience::Ticket`] with the people who may read that ticket at commit time.
//! The hub then asks [`Audience::admits`] for every subscriber, so the filter is
//! applied per person before a byte is queued, never by the browser.
//!
//! Events carry little: what happened and to which ticket, plus the new comment
//! for `comment.created` (so a chat shows it at once). Pages that need more fetch
//! it through the API, which applies its own rules again.

use crate::domain::{OrgId, UserId};
use crate::http::sse;
use serde_json::Value;
use std::sync::Arc;

/// Who may receive an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone signed in to the organization.
    Org,
    /// Agents and admins only: internal notes, staff-side changes.
    Staff,
    /// Staff, and the requesters who may read the ticket (its requester and
    /// watchers at the moment the change committed).
    Ticket { readers: Vec<UserId> },
    /// One person only.
    Person(UserId),
}

/// The person at the other end of a stream, as far as filtering needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user: UserId,
    pub org: OrgId,
    pub staff: bool,
    /// An opaque key of the session the stream was opened with, so signing out
    /// closes that session's streams and no others.
    pub session: String,
}

impl Audience {
    /// Whether `viewer` (already known to be in the event's organization) may
    /// receive an event with this audience.
    pub fn admits(&self, viewer: &Viewer) -> bool {
        match self {
            Audience::Org => true,
            Audience::Staff => viewer.staff,
            Audience::Ticket { readers } => viewer.staff || readers.contains(&viewer.user),
            Audience::Person(user) => *user == viewer.user,
        }
    }
}

/// Something that happened, ready to publish.
#[derive(Debug, Clone)]
pub struct Event {
    pub org: OrgId,
    /// What happened, e.g. `ticket.created`, `comment.created`, `typing`.
    pub name: &'static str,
    pub audience: Audience,
    /// The `data:` of the server-sent event: a JSON object.
    pub data: Value,
}

impl Event {
    pub fn new(org: OrgId, name: &'static str, audience: Audience, data: Value) -> Event {
        Event {
            org,
            name,
            audience,
            data,
        }
    }
}

/// The bytes of one event for the wire, through the server's SSE encoder
/// ([`crate::http::sse`]): an `id:` line when the event is replayable, `event:`,
/// and the JSON as `data:`. Ephemeral signals (typing, presence) carry no id, so
/// a browser's `Last-Event-ID` only ever names events that can be replayed.
pub fn frame(id: Option<u64>, name: &str, data: &Value) -> Arc<[u8]> {
    let mut event = sse::Event::new(data.to_string()).event(name);
    if let Some(id) = id {
        event = event.id(id.to_string());
    }
    Arc::from(event.encode())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn viewer(user: i64, staff: bool) -> Viewer {
        Viewer {
            user: UserId(user),
            org: OrgId(1),
            staff,
            session: format!("s{user}"),
        }
    }

    #[test]
    fn staff_hear_everything_in_their_organization_but_other_peoples_own_events() {
        let agent = viewer(1, true);
        assert!(Audience::Org.admits(&agent));
        assert!(Audience::Staff.admits(&agent));
        assert!(Audience::Ticket { readers: vec![] }.admits(&agent));
        assert!(!Audience::Person(UserId(2)).admits(&agent));
    }

    #[test]
    fn a_requester_hears_only_tickets_they_may_read_and_never_staff_events() {
        let requester = viewer(7, false);
        assert!(!Audience::Staff.admits(&requester));
        assert!(Audience::Ticket {
            readers: vec![UserId(7)]
        }
        .admits(&requester));
        assert!(!Audience::Ticket {
            readers: vec![UserId(8)]
        }
        .admits(&requester));
        assert!(Audience::Person(UserId(7)).admits(&requester));
    }

    #[test]
    fn a_frame_has_id_event_and_data_lines_and_ends_with_a_blank_line() {
        let f = frame(Some(42), "ticket.updated", &json!({"number": 3}));
        assert_eq!(
            std::str::from_utf8(&f).unwrap(),
            "id: 42\nevent: ticket.updated\ndata: {\"number\":3}\n\n"
        );
    }

    #[test]
    fn an_ephemeral_frame_has_no_id_and_newlines_in_text_stay_escaped() {
        let f = frame(None, "typing", &json!({"text": "a\nb"}));
        let s = std::str::from_utf8(&f).unwrap();
        assert!(!s.contains("id:"));
        assert_eq!(s.matches("data: ").count(), 1);
    }
}
