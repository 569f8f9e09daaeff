//! The live hub: who is listening, and delivering each event to those allowed
//! to hear it.
//!
//! The hub knows people, not sockets. Bytes go out through a [`Sink`], which
//! the server's stream hub implements (it owns the non-blocking sockets, their
//! bounded outboxes and slow-consumer eviction); tests use a recording sink.
//!
//! # Ordering
//! One lock covers the replay logs and the subscriber table, and the sink only
//! queues bytes (it never blocks), so: every subscriber receives an
//! organization's events in id order; a subscriber registered while events are
//! published gets each event exactly once, either in its replay or live; and an
//! event is stored and delivered in one step, after the caller's commit.
//!
//! # Security
//! [`Audience::admits`] is asked per subscriber, for live delivery and for
//! replay alike, and a subscriber only ever hears its own organization.
//! [`LiveHub::close_user`] and [`LiveHub::close_session`] end streams when a
//! person signs out, changes role or is deactivated; the browser reconnects and
//! is then filtered (or refused) by its new rights.

use super::event::{frame, Event, Viewer};
use super::replay::{Log, Replay, Stored};
use crate::domain::{OrgId, UserId};
use serde_json::json;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

/// A stream, as the server's stream hub names it (any small copyable key; the
/// hub keeps its own type so `live/` does not depend on `server/`).
pub trait StreamKey: Copy + Eq + Hash + Send + Sync + 'static {}
impl<K: Copy + Eq + Hash + Send + Sync + 'static> StreamKey for K {}

/// Where the live hub puts bytes: implemented by the server's stream hub.
pub trait Sink<K>: Send + Sync {
    /// Queues `bytes` on a stream without blocking. False when the stream is
    /// gone (closed or evicted); the hub then forgets it.
    fn send(&self, stream: K, bytes: Arc<[u8]>) -> bool;
    /// Queues the same bytes on many streams (one event's fan-out); returns the
    /// streams that refused them. A sink that reports closes by other means (the
    /// server's hub calls back, and [`LiveHub::unsubscribe`] follows) may return
    /// none and queue all in one step.
    fn send_all(&self, streams: &[K], bytes: Arc<[u8]>) -> Vec<K>
    where
        K: Copy,
    {
        streams
            .iter()
            .copied()
            .filter(|&k| !self.send(k, Arc::clone(&bytes)))
            .collect()
    }
    /// Closes a stream.
    fn close(&self, stream: K);
}

/// How many events each organization keeps for replay.
pub const REPLAY_EVENTS: usize = 1024;

pub struct LiveHub<K: StreamKey> {
    sink: Arc<dyn Sink<K>>,
    first_id: u64,
    capacity: usize,
    inner: Mutex<Inner<K>>,
    /// Streams the server closed, forgotten at the next lock. Kept apart because
    /// the server reports a close from inside [`Sink::send`] (an eviction), while
    /// this hub already holds `inner`: taking `inner` there would deadlock.
    gone: Mutex<Vec<K>>,
}

struct Inner<K> {
    logs: HashMap<OrgId, Log>,
    subscribers: HashMap<K, Viewer>,
}

impl<K: StreamKey> LiveHub<K> {
    /// A hub whose event ids start after `first_id` (give it the start time in
    /// milliseconds, so ids keep rising across restarts) and which keeps
    /// `capacity` events per organization for replay.
    pub fn new(sink: Arc<dyn Sink<K>>, first_id: u64, capacity: usize) -> LiveHub<K> {
        LiveHub {
            sink,
            first_id,
            capacity,
            inner: Mutex::new(Inner {
                logs: HashMap::new(),
                subscribers: HashMap::new(),
            }),
            gone: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<K>> {
        // A panic while holding the lock leaves the maps usable.
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let gone = std::mem::take(&mut *self.gone.lock().unwrap_or_else(|e| e.into_inner()));
        for stream in gone {
            inner.subscribers.remove(&stream);
        }
        inner
    }

    /// Registers an open stream for `viewer` and sends it what it missed since
    /// `last_event_id` (or a `resync` event when that cannot be known), or a
    /// `ready` event naming the current id when it had no id.
    pub fn subscribe(&self, stream: K, viewer: Viewer, last_event_id: Option<u64>) {
        let mut inner = self.lock();
        let Inner { logs, subscribers } = &mut *inner;
        let log = logs
            .entry(viewer.org)
            .or_insert_with(|| Log::new(self.first_id, self.capacity));
        let first: Vec<Arc<[u8]>> = match last_event_id.map(|id| log.since(id, &viewer)) {
            Some(Replay::Frames(frames)) => frames,
            Some(Replay::Resync) => vec![frame(None, "resync", &json!({}))],
            None => vec![frame(None, "ready", &json!({}))],
        };
        for bytes in first {
            if !self.sink.send(stream, bytes) {
                return;
            }
        }
        subscribers.insert(stream, viewer);
    }

    /// Forgets a stream the server closed. Never waits for the hub's main lock
    /// (it may be called from inside a send), so it only notes the stream.
    pub fn unsubscribe(&self, stream: K) {
        self.gone
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(stream);
    }

    /// Stores `event` for replay and delivers it to every subscriber of its
    /// organization it admits. Call only after the change has committed.
    /// Returns the event's id.
    pub fn publish(&self, event: Event) -> u64 {
        let mut inner = self.lock();
        let log = inner
            .logs
            .entry(event.org)
            .or_insert_with(|| Log::new(self.first_id, self.capacity));
        let id = log.take_id();
        let bytes = frame(Some(id), event.name, &event.data);
        log.push(Stored {
            id,
            audience: event.audience.clone(),
            frame: Arc::clone(&bytes),
        });
        self.deliver(&mut inner, &event, &bytes);
        id
    }

    /// Delivers an ephemeral signal (typing, presence): not stored, no id.
    pub fn signal(&self, event: Event) {
        let bytes = frame(None, event.name, &event.data);
        let mut inner = self.lock();
        self.deliver(&mut inner, &event, &bytes);
    }

    fn deliver(&self, inner: &mut Inner<K>, event: &Event, bytes: &Arc<[u8]>) {
        let hearing: Vec<K> = inner
            .subscribers
            .iter()
            .filter(|(_, v)| v.org == event.org && event.audience.admits(v))
            .map(|(&k, _)| k)
            .collect();
        if hearing.is_empty() {
            return;
        }
        for gone in self.sink.send_all(&hearing, Arc::clone(bytes)) {
            inner.subscribers.remove(&gone);
        }
    }

    /// Closes every stream of one person (role change, deactivation).
    pub fn close_user(&self, org: OrgId, user: UserId) {
        self.close_where(|v| v.org == org && v.user == user);
    }

    /// Closes a person's streams but those of session `keep` (a password change
    /// ends every other session).
    pub fn close_other_sessions(&self, org: OrgId, user: UserId, keep: &str) {
        self.close_where(|v| v.org == org && v.user == user && v.session != keep);
    }

    /// Closes the streams opened with one session (sign-out).
    pub fn close_session(&self, session: &str) {
        self.close_where(|v| v.session == session);
    }

    fn close_where(&self, matches: impl Fn(&Viewer) -> bool) {
        let closing: Vec<K> = {
            let mut inner = self.lock();
            let keys: Vec<K> = inner
                .subscribers
                .iter()
                .filter(|(_, v)| matches(v))
                .map(|(&k, _)| k)
                .collect();
            for k in &keys {
                inner.subscribers.remove(k);
            }
            keys
        };
        for stream in closing {
            self.sink.close(stream);
        }
    }

    /// Open subscriptions, for metrics and tests.
    pub fn subscribers(&self) -> usize {
        self.lock().subscribers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::event::Audience;
    use super::*;

    /// Records what each stream was sent; streams in `gone` refuse bytes.
    #[derive(Default)]
    struct Recorder {
        sent: Mutex<Vec<(u64, String)>>,
        closed: Mutex<Vec<u64>>,
        gone: Mutex<Vec<u64>>,
    }

    impl Sink<u64> for Recorder {
        fn send(&self, stream: u64, bytes: Arc<[u8]>) -> bool {
            if self.gone.lock().unwrap().contains(&stream) {
                return false;
            }
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            self.sent.lock().unwrap().push((stream, text));
            true
        }
        fn close(&self, stream: u64) {
            self.closed.lock().unwrap().push(stream);
        }
    }

    impl Recorder {
        fn events_of(&self, stream: u64) -> Vec<String> {
            self.sent
                .lock()
                .unwrap()
                .iter()
                .filter(|(s, _)| *s == stream)
                .map(|(_, t)| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("event: "))
                        .unwrap()
                        .to_string()
                })
                .collect()
        }
    }

    fn viewer(org: i64, user: i64, staff: bool) -> Viewer {
        Viewer {
            user: UserId(user),
            org: OrgId(org),
            staff,
            session: format!("session-{user}"),
        }
    }

    fn hub() -> (Arc<Recorder>, LiveHub<u64>) {
        let rec = Arc::new(Recorder::default());
        let hub = LiveHub::new(rec.clone(), 1000, 16);
        (rec, hub)
    }

    fn event(org: i64, name: &'static str, audience: Audience) -> Event {
        Event::new(OrgId(org), name, audience, json!({}))
    }

    #[test]
    fn another_organization_hears_nothing() {
        let (rec, hub) = hub();
        hub.subscribe(1, viewer(1, 10, true), None);
        hub.subscribe(2, viewer(2, 20, true), None);
        hub.publish(event(1, "ticket.created", Audience::Org));
        assert_eq!(rec.events_of(1), ["ready", "ticket.created"]);
        assert_eq!(rec.events_of(2), ["ready"]);
    }

    #[test]
    fn an_internal_note_never_reaches_a_requester_live_or_in_replay() {
        let (rec, hub) = hub();
        hub.subscribe(1, viewer(1, 7, false), None);
        let readers = Audience::Ticket {
            readers: vec![UserId(7)],
        };
        let before = hub.publish(event(1, "comment.created", readers.clone()));
        hub.publish(event(1, "note.created", Audience::Staff));
        hub.publish(event(1, "ticket.updated", readers));
        assert_eq!(
            rec.events_of(1),
            ["ready", "comment.created", "ticket.updated"]
        );
        hub.subscribe(3, viewer(1, 7, false), Some(before));
        assert_eq!(rec.events_of(3), ["ticket.updated"]);
    }

    #[test]
    fn ids_rise_per_organization_from_the_first_id() {
        let (_rec, hub) = hub();
        let a = hub.publish(event(1, "x", Audience::Org));
        let b = hub.publish(event(1, "x", Audience::Org));
        let c = hub.publish(event(2, "x", Audience::Org));
        assert_eq!((a, b, c), (1000, 1001, 1000));
    }

    #[test]
    fn a_stream_the_sink_refuses_is_forgotten() {
        let (rec, hub) = hub();
        hub.subscribe(1, viewer(1, 10, true), None);
        rec.gone.lock().unwrap().push(1);
        hub.publish(event(1, "x", Audience::Org));
        assert_eq!(hub.subscribers(), 0);
    }

    /// Like the server's hub: an eviction inside `send` reports the close at once.
    struct Evicting(std::sync::OnceLock<std::sync::Weak<LiveHub<u64>>>);

    impl Sink<u64> for Evicting {
        fn send(&self, stream: u64, _: Arc<[u8]>) -> bool {
            if let Some(hub) = self.0.get().and_then(|w| w.upgrade()) {
                hub.unsubscribe(stream);
            }
            false
        }
        fn close(&self, _: u64) {}
    }

    #[test]
    fn a_close_reported_from_inside_a_send_neither_deadlocks_nor_lingers() {
        let sink = Arc::new(Evicting(std::sync::OnceLock::new()));
        let hub = Arc::new(LiveHub::new(sink.clone(), 1, 16));
        let _ = sink.0.set(Arc::downgrade(&hub));
        hub.subscribe(1, viewer(1, 10, true), Some(0));
        hub.publish(event(1, "x", Audience::Org));
        assert_eq!(hub.subscribers(), 0);
    }

    #[test]
    fn a_reconnect_older_than_the_replay_log_gets_resync() {
        let (rec, hub) = hub();
        for _ in 0..20 {
            hub.publish(event(1, "x", Audience::Org));
        }
        hub.subscribe(1, viewer(1, 10, true), Some(1000));
        assert_eq!(rec.events_of(1), ["resync"]);
    }

    #[test]
    fn signing_out_closes_that_sessions_streams_only() {
        let (rec, hub) = hub();
        hub.subscribe(1, viewer(1, 10, true), None);
        hub.subscribe(2, viewer(1, 11, true), None);
        hub.close_session("session-10");
        assert_eq!(*rec.closed.lock().unwrap(), [1]);
        hub.close_user(OrgId(1), UserId(11));
        assert_eq!(*rec.closed.lock().unwrap(), [1, 2]);
        assert_eq!(hub.subscribers(), 0);
    }

    #[test]
    fn signals_are_delivered_but_not_replayed() {
        let (rec, hub) = hub();
        let first = hub.publish(event(1, "x", Audience::Org));
        hub.signal(event(1, "typing", Audience::Org));
        hub.subscribe(1, viewer(1, 10, true), Some(first));
        assert!(rec.events_of(1).is_empty());
    }
}
