//! The replay log of one organization: its event ids and the last events, so a
//! browser that reconnects with `Last-Event-ID` gets what it missed.
//!
//! Ids are strictly increasing per organization. They start at a number the
//! caller gives (the server passes the start time in milliseconds), so ids from
//! before a restart are always older than the oldest event kept now and answer
//! "resync" instead of being mistaken for recent ones. Only the last `capacity`
//! events are kept: memory is bounded however long the server runs; a browser
//! that was away longer is told to reload its data.

use super::event::{Audience, Viewer};
use std::collections::VecDeque;
use std::sync::Arc;

/// One stored event: enough to filter and resend it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: u64,
    pub audience: Audience,
    pub frame: Arc<[u8]>,
}

/// What a reconnecting browser is owed.
#[derive(Debug, PartialEq, Eq)]
pub enum Replay {
    /// These frames, oldest first (possibly none): nothing was lost.
    Frames(Vec<Arc<[u8]>>),
    /// Events were dropped from the log since then (or the id is from another
    /// run, or from the future): the page must reload its data.
    Resync,
}

#[derive(Debug)]
pub struct Log {
    next_id: u64,
    capacity: usize,
    events: VecDeque<Stored>,
}

impl Log {
    pub fn new(first_id: u64, capacity: usize) -> Log {
        Log {
            next_id: first_id.max(1),
            capacity: capacity.max(1),
            events: VecDeque::new(),
        }
    }

    /// The id the next event gets.
    pub fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Keeps an event for replay, dropping the oldest when full.
    pub fn push(&mut self, stored: Stored) {
        if self.events.len() == self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(stored);
    }

    /// What `viewer` missed after `last_seen`. Every id after `last_seen` must
    /// still be in the log, or the answer is [`Replay::Resync`].
    pub fn since(&self, last_seen: u64, viewer: &Viewer) -> Replay {
        // The first id still held (or the next one, when nothing is held).
        let oldest = self.events.front().map_or(self.next_id, |e| e.id);
        if last_seen >= self.next_id || last_seen + 1 < oldest {
            return Replay::Resync;
        }
        Replay::Frames(
            self.events
                .iter()
                .filter(|e| e.id > last_seen && e.audience.admits(viewer))
                .map(|e| Arc::clone(&e.frame))
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrgId, UserId};

    fn viewer(staff: bool) -> Viewer {
        Viewer {
            user: UserId(5),
            org: OrgId(1),
            staff,
            session: "s".into(),
        }
    }

    fn log_with(first: u64, capacity: usize, audiences: &[Audience]) -> Log {
        let mut log = Log::new(first, capacity);
        for a in audiences {
            let id = log.take_id();
            log.push(Stored {
                id,
                audience: a.clone(),
                frame: Arc::from(id.to_string().into_bytes()),
            });
        }
        log
    }

    fn ids(r: Replay) -> Vec<String> {
        match r {
            Replay::Frames(f) => f
                .iter()
                .map(|b| String::from_utf8(b.to_vec()).unwrap())
                .collect(),
            Replay::Resync => vec!["resync".into()],
        }
    }

    #[test]
    fn a_reconnect_gets_exactly_the_events_after_its_last_id() {
        let log = log_with(100, 10, &[Audience::Org, Audience::Org, Audience::Org]);
        assert_eq!(ids(log.since(100, &viewer(true))), ["101", "102"]);
        assert_eq!(ids(log.since(102, &viewer(true))), Vec::<String>::new());
    }

    #[test]
    fn replay_is_filtered_like_live_delivery() {
        let log = log_with(1, 10, &[Audience::Staff, Audience::Org, Audience::Staff]);
        assert_eq!(ids(log.since(0, &viewer(false))), ["2"]);
        assert_eq!(ids(log.since(0, &viewer(true))), ["1", "2", "3"]);
    }

    #[test]
    fn a_gap_older_than_the_log_asks_for_a_resync() {
        let log = log_with(1, 2, &[Audience::Org, Audience::Org, Audience::Org]);
        // Held: 2 and 3. Having seen 1, nothing is missing; having seen 0, 1 is.
        assert_eq!(ids(log.since(1, &viewer(true))), ["2", "3"]);
        assert_eq!(ids(log.since(0, &viewer(true))), ["resync"]);
    }

    #[test]
    fn ids_from_another_run_or_from_the_future_ask_for_a_resync() {
        let log = log_with(1_000, 10, &[Audience::Org]);
        assert_eq!(ids(log.since(5, &viewer(true))), ["resync"]);
        assert_eq!(ids(log.since(1_001, &viewer(true))), ["resync"]);
        // Right up to date on an empty log is fine.
        let empty = Log::new(50, 10);
        assert_eq!(ids(empty.since(49, &viewer(true))), Vec::<String>::new());
    }
}
