//! Who has a ticket open right now, and who is typing on it. Neither is ever
//! stored: both live in memory, expire on their own, and a restart forgets them.
//!
//! Pages with a ticket open say so every [`PRESENCE_REFRESH_MS`] and when they
//! close (`POST /api/tickets/N/presence`); a person counts as present until
//! [`PRESENCE_TTL_MS`] after their last word, so a tab that crashed or lost its
//! network disappears by itself. Typing signals are throttled to one per person
//! and ticket every [`TYPING_EVERY_MS`]; browsers show "is typing" for
//! [`TYPING_SHOWN_MS`] after the last signal. "Now" is always an argument.

use crate::domain::{OrgId, UserId};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// How often an open ticket page repeats that it is open.
pub const PRESENCE_REFRESH_MS: i64 = 20_000;
/// How long a person counts as present after their last refresh.
pub const PRESENCE_TTL_MS: i64 = 45_000;
/// At most one typing signal per person and ticket this often.
pub const TYPING_EVERY_MS: i64 = 2_000;
/// How long a browser shows "is typing" after the last signal.
pub const TYPING_SHOWN_MS: i64 = 5_000;

/// A ticket, by its number within its organization.
pub type TicketKey = (OrgId, i64);

/// One person looking at a ticket, as the `presence` event lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Present {
    pub id: UserId,
    pub name: String,
    pub staff: bool,
}

/// Most pages one person may count as open on one ticket; past that the one
/// heard from longest ago is forgotten (memory stays bounded whatever a client says).
pub const TABS_PER_PERSON: usize = 16;

/// One person on one ticket: each of their pages (tabs, the chat window) with
/// its deadline. A person is present while any of their pages is.
struct Person {
    who: Present,
    tabs: HashMap<String, i64>,
}

#[derive(Default)]
struct Inner {
    /// Per ticket: who is present, through which pages, until when.
    present: HashMap<TicketKey, HashMap<UserId, Person>>,
    /// When each person last signalled typing on each ticket.
    typing: HashMap<(TicketKey, UserId), i64>,
}

#[derive(Default)]
pub struct Presence {
    inner: Mutex<Inner>,
}

impl Presence {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `who` has the ticket open in page `tab` at `now`. Returns the new list
    /// when it changed (their first page on it).
    pub fn open(
        &self,
        ticket: TicketKey,
        who: Present,
        tab: &str,
        now: i64,
    ) -> Option<Vec<Present>> {
        let mut inner = self.lock();
        let people = inner.present.entry(ticket).or_default();
        let changed = !people.contains_key(&who.id);
        let person = people.entry(who.id).or_insert_with(|| Person {
            who,
            tabs: HashMap::new(),
        });
        if person.tabs.len() >= TABS_PER_PERSON && !person.tabs.contains_key(tab) {
            if let Some(oldest) = person
                .tabs
                .iter()
                .min_by_key(|(_, t)| **t)
                .map(|(k, _)| k.clone())
            {
                person.tabs.remove(&oldest);
            }
        }
        person.tabs.insert(tab.to_string(), now + PRESENCE_TTL_MS);
        changed.then(|| list(people))
    }

    /// `user` closed page `tab`. Returns the new list when it changed (it was
    /// their last page on the ticket).
    pub fn close(&self, ticket: TicketKey, user: UserId, tab: &str) -> Option<Vec<Present>> {
        let mut inner = self.lock();
        let people = inner.present.get_mut(&ticket)?;
        let person = people.get_mut(&user)?;
        person.tabs.remove(tab);
        if !person.tabs.is_empty() {
            return None;
        }
        people.remove(&user);
        let now = list(people);
        if people.is_empty() {
            inner.present.remove(&ticket);
        }
        Some(now)
    }

    /// Who has the ticket open at `now`.
    pub fn of(&self, ticket: TicketKey, now: i64) -> Vec<Present> {
        let inner = self.lock();
        inner.present.get(&ticket).map_or_else(Vec::new, |people| {
            let mut v: Vec<Present> = people
                .values()
                .filter(|p| p.tabs.values().any(|until| *until > now))
                .map(|p| p.who.clone())
                .collect();
            v.sort_by_key(|p| p.id);
            v
        })
    }

    /// Forgets every page whose time ran out; returns the tickets whose list of
    /// people changed, with their new lists, so they can be announced.
    pub fn expire(&self, now: i64) -> Vec<(TicketKey, Vec<Present>)> {
        let mut inner = self.lock();
        let mut changed = Vec::new();
        inner.present.retain(|ticket, people| {
            let before = people.len();
            people.retain(|_, p| {
                p.tabs.retain(|_, until| *until > now);
                !p.tabs.is_empty()
            });
            if people.len() != before {
                changed.push((*ticket, list(people)));
            }
            !people.is_empty()
        });
        inner.typing.retain(|_, at| now - *at < TYPING_EVERY_MS);
        changed
    }

    /// Whether a typing signal from `user` at `now` should be passed on.
    pub fn typing(&self, ticket: TicketKey, user: UserId, now: i64) -> bool {
        let mut inner = self.lock();
        match inner.typing.get(&(ticket, user)) {
            Some(&at) if now - at < TYPING_EVERY_MS => false,
            _ => {
                inner.typing.insert((ticket, user), now);
                true
            }
        }
    }
}

fn list(people: &HashMap<UserId, Person>) -> Vec<Present> {
    let mut v: Vec<Present> = people.values().map(|p| p.who.clone()).collect();
    v.sort_by_key(|p| p.id);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: TicketKey = (OrgId(1), 9);

    fn alan() -> Present {
        Present {
            id: UserId(3),
            name: "Alan".into(),
            staff: true,
        }
    }

    #[test]
    fn opening_announces_a_change_once_and_refreshing_does_not() {
        let p = Presence::default();
        assert_eq!(p.open(T, alan(), "a", 0), Some(vec![alan()]));
        assert_eq!(p.open(T, alan(), "a", PRESENCE_REFRESH_MS), None);
        assert_eq!(p.of(T, PRESENCE_REFRESH_MS + 1), vec![alan()]);
    }

    #[test]
    fn a_person_who_stops_refreshing_expires() {
        let p = Presence::default();
        p.open(T, alan(), "a", 0);
        assert!(p.expire(PRESENCE_TTL_MS - 1).is_empty());
        assert_eq!(p.expire(PRESENCE_TTL_MS), vec![(T, vec![])]);
        assert!(p.of(T, PRESENCE_TTL_MS).is_empty());
    }

    #[test]
    fn closing_removes_at_once() {
        let p = Presence::default();
        p.open(T, alan(), "a", 0);
        assert_eq!(p.close(T, UserId(3), "a"), Some(vec![]));
        assert_eq!(p.close(T, UserId(3), "a"), None);
    }

    #[test]
    fn a_person_stays_while_any_of_their_pages_is_open() {
        let p = Presence::default();
        assert!(p.open(T, alan(), "ticket page", 0).is_some());
        assert_eq!(p.open(T, alan(), "chat window", 1), None);
        assert_eq!(p.close(T, UserId(3), "ticket page"), None);
        assert_eq!(p.of(T, 2), vec![alan()]);
        assert_eq!(p.close(T, UserId(3), "chat window"), Some(vec![]));
    }

    #[test]
    fn one_person_cannot_grow_the_table_without_bound() {
        let p = Presence::default();
        for i in 0..100 {
            p.open(T, alan(), &format!("tab {i}"), i);
        }
        let inner = p.lock();
        assert_eq!(inner.present[&T][&UserId(3)].tabs.len(), TABS_PER_PERSON);
    }

    #[test]
    fn typing_passes_at_most_once_per_interval() {
        let p = Presence::default();
        assert!(p.typing(T, UserId(3), 0));
        assert!(!p.typing(T, UserId(3), TYPING_EVERY_MS - 1));
        assert!(p.typing(T, UserId(4), 1));
        assert!(p.typing(T, UserId(3), TYPING_EVERY_MS));
    }
}
