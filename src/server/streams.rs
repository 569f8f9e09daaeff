//! Long-lived streams (server-sent events) without a thread each: the stream hub.
//!
//! A handler that wants to push events to a client calls [`StreamHub::open`],
//! keeps the [`StreamId`] it gets, and returns the [`Response`] it gets. The
//! worker sends that response's head like any other (`write.rs`, never waiting
//! for the client), then hands the socket over (`exchange.rs`) and forgets the
//! connection. From then on the hub owns the socket:
//!
//! ```text
//!  handler ─ open() ─▶ (StreamId, Response)        any thread ─ send(id, frame) ─┐
//!                            │ head written by a worker      broadcast(ids, frame)│
//!                            ▼                                close(id)           ▼
//!  worker ─ hand-off ─▶ hub thread: its own epoll; per stream a bounded queue of
//!                       frames; writes as sockets turn writable; heartbeat
//!                       comments; evicts slow consumers ─▶ on_close(id) callback
//! ```
//!
//! - **One thread, its own poller.** Sockets stay non-blocking. `send` only
//!   queues the frame and wakes the hub thread, which writes what each socket
//!   takes and asks epoll to say when it takes more. A stream never holds a
//!   worker, and a publisher never waits for a client.
//! - **Shared frames.** A frame is an `Arc<[u8]>`: one event broadcast to a
//!   thousand streams is encoded once and queued a thousand times by reference.
//! - **Bounded outboxes, slow-consumer eviction.** Each stream may have at most
//!   `limits.stream_outbox_bytes` queued and unsent. A frame that would go past
//!   that closes the stream instead (the client has stopped reading, and the
//!   alternative is memory that grows for as long as it does not read). A stream
//!   whose queued bytes have not moved for `limits.write_timeout` is closed too,
//!   so a client that stops reading a quiet stream does not linger either.
//! - **Heartbeat.** Every `limits.stream_heartbeat` (15 s) each stream gets a
//!   comment line (`:`), which browsers ignore, so proxies and idle timers see
//!   traffic and a vanished client is noticed at the next write.
//! - **A cap of its own.** At most `limits.max_streams` streams are open (counted
//!   from `open`, before the hand-off); beyond that `open` answers 503 with
//!   `Retry-After`, and the client's `EventSource` retries later.
//! - **Closing.** A stream closes when the client goes away (seen as end of
//!   input or a failed write), when it is evicted, when the application calls
//!   [`StreamHub::close`], and at shutdown, when every stream is closed at once
//!   rather than waited for (a stream never ends by itself). Every close, for
//!   any reason, is reported once to the [`StreamHub::on_close`] callback, so
//!   the application can drop its subscription.
//!
//! The wire format of the frames is `http::sse`; the hub adds the response head
//! fields (`Content-Type: text/event-stream`, `Cache-Control: no-store`,
//! `X-Accel-Buffering: no`, so a proxy in front does not buffer the stream), a
//! `retry:` line first, and the heartbeats.

use crate::config::Limits;
use crate::http::{sse, Response, Status, StreamSocket};
use polling::{Event, Events, Poller};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How often the hub thread checks for stalled streams when nothing happens.
const SWEEP_INTERVAL: Duration = Duration::from_millis(100);
/// The most a client may send us per wake-up on a stream before we stop reading
/// it for this round (an event stream's client has nothing to say).
const DISCARD_PER_EVENT: usize = 64 * 1024;

/// One open stream, as the application knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(usize);

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stream-{}", self.0)
    }
}

/// A frame: bytes written to the stream as they are. Shared, so a broadcast is
/// not copied per stream.
pub type Frame = Arc<[u8]>;

type OnClose = Arc<dyn Fn(StreamId) + Send + Sync>;

/// The handle to the hub: cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct StreamHub {
    inner: Arc<Inner>,
}

struct Inner {
    poller: Arc<Poller>,
    max_streams: usize,
    outbox_bytes: usize,
    heartbeat: Duration,
    stall: Duration,
    state: Mutex<State>,
    next_id: AtomicUsize,
    stopping: AtomicBool,
    on_close: Mutex<Option<OnClose>>,
}

#[derive(Default)]
struct State {
    streams: HashMap<usize, Stream>,
    /// Streams with frames queued since the hub thread last wrote.
    dirty: Vec<usize>,
}

struct Stream {
    /// `None` from `open` until the worker has sent the head and hands it over.
    socket: Option<Socket>,
    queue: VecDeque<Frame>,
    /// Bytes of the front frame already written.
    front_sent: usize,
    /// Bytes queued and not yet written.
    queued: usize,
    /// Since when queued bytes have been waiting without any moving.
    waiting_since: Option<Instant>,
    dirty: bool,
}

/// A socket registered with the hub's poller; deregistered before it closes, as
/// `Poller::add` requires.
/// Plain TCP or TLS (`server::Transport`): the hub writes plaintext either way.
struct Socket {
    stream: Box<dyn StreamSocket>,
    poller: Arc<Poller>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = self.poller.delete(self.stream.as_fd());
    }
}

impl StreamHub {
    /// A hub with the stream limits in `limits`. Its thread runs inside
    /// `Server::run`; a hub made before the server (so the application can hold
    /// a clone) is given to it with `Server::with_stream_hub`.
    pub fn new(limits: &Limits) -> io::Result<StreamHub> {
        Ok(StreamHub {
            inner: Arc::new(Inner {
                poller: Arc::new(Poller::new()?),
                max_streams: limits.max_streams,
                outbox_bytes: limits.stream_outbox_bytes,
                heartbeat: limits.stream_heartbeat.max(Duration::from_millis(10)),
                stall: limits.write_timeout,
                state: Mutex::new(State::default()),
                next_id: AtomicUsize::new(1),
                stopping: AtomicBool::new(false),
                on_close: Mutex::new(None),
            }),
        })
    }

    /// Opens a server-sent events stream for the request being handled: returns
    /// its id and the response the handler must return. Frames sent to the id
    /// from now on are queued and written once the head is out. Over the cap,
    /// or while shutting down, returns the 503 to answer instead.
    pub fn open(&self) -> Result<(StreamId, Response), Response> {
        let mut state = self.inner.lock();
        if self.is_stopping() || state.streams.len() >= self.inner.max_streams {
            drop(state);
            log::warn!("stream limit reached; answered 503");
            return Err(Response::error(
                Status::SERVICE_UNAVAILABLE,
                "busy",
                "Too many open event streams. Try again in a moment.",
            )
            .with_header("Retry-After", "5"));
        }
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let retry: Frame = sse::retry(sse::DEFAULT_RETRY_MS).into();
        let mut stream = Stream {
            socket: None,
            queue: VecDeque::new(),
            front_sent: 0,
            queued: 0,
            waiting_since: None,
            dirty: false,
        };
        stream.queued = retry.len();
        stream.queue.push_back(retry);
        state.streams.insert(id, stream);
        drop(state);

        let reservation = Reservation {
            hub: self.clone(),
            id: StreamId(id),
            handed_over: false,
        };
        let response = Response::stream("text/event-stream", move |socket| {
            let mut reservation = reservation;
            reservation.handed_over = true;
            reservation.hub.adopt(reservation.id, socket);
        })
        .with_header("X-Accel-Buffering", "no");
        Ok((StreamId(id), response))
    }

    /// Queues `frame` (usually `sse::Event::encode()`) for one stream. Returns
    /// false when the stream is closed, or was just closed because the frame
    /// would overflow its outbox (reported to `on_close` like any close).
    pub fn send(&self, id: StreamId, frame: impl Into<Frame>) -> bool {
        self.broadcast(&[id], frame) == 1
    }

    /// Queues one frame for many streams, shared rather than copied. Returns how
    /// many streams took it.
    pub fn broadcast(&self, ids: &[StreamId], frame: impl Into<Frame>) -> usize {
        let frame = frame.into();
        let mut closed = Vec::new();
        let mut state = self.inner.lock();
        let queued = ids
            .iter()
            .filter(|id| self.inner.enqueue(&mut state, id.0, &frame, &mut closed))
            .count();
        drop(state);
        if queued > 0 {
            self.inner.wake();
        }
        self.inner.report(closed);
        queued
    }

    /// Closes a stream now, dropping what it had queued.
    pub fn close(&self, id: StreamId) {
        let removed = self.inner.lock().streams.remove(&id.0);
        if removed.is_some() {
            drop(removed);
            self.inner.report(vec![id]);
        }
    }

    /// Sets the function called (once per stream, on the hub's thread or on the
    /// thread that caused it) whenever a stream closes for any reason. It must
    /// not block; it may call the hub.
    pub fn on_close(&self, callback: impl Fn(StreamId) + Send + Sync + 'static) {
        *self
            .inner
            .on_close
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(callback));
    }

    /// Streams open now (including those whose head is still being sent).
    pub fn open_streams(&self) -> usize {
        self.inner.lock().streams.len()
    }

    fn is_stopping(&self) -> bool {
        self.inner.stopping.load(Ordering::SeqCst)
    }

    /// The worker sent the head: from here the hub owns the socket.
    fn adopt(&self, id: StreamId, socket: Box<dyn StreamSocket>) {
        let mut state = self.inner.lock();
        let Some(stream) = state.streams.get_mut(&id.0) else {
            return; // closed meanwhile (by the application, or shutdown)
        };
        // SAFETY: `Socket`'s `Drop` deletes it from this poller before the
        // socket closes.
        let registered = unsafe {
            self.inner
                .poller
                .add(&socket.as_fd(), Event::readable(id.0))
        };
        if let Err(e) = registered {
            log::warn!("could not hand a stream to the hub: {e}");
            state.streams.remove(&id.0);
            drop(state);
            self.inner.report(vec![id]);
            return;
        }
        stream.socket = Some(Socket {
            stream: socket,
            poller: Arc::clone(&self.inner.poller),
        });
        // The stall clock starts now: the head may have waited on a slow reader.
        stream.waiting_since = Some(Instant::now());
        if !stream.dirty {
            stream.dirty = true;
            state.dirty.push(id.0);
        }
        drop(state);
        self.inner.wake();
    }

    /// Closes every stream (reporting each) and tells the hub thread to exit.
    pub(crate) fn shutdown(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
        let all: Vec<(usize, Stream)> = self.inner.lock().streams.drain().collect();
        let ids = all.iter().map(|(id, _)| StreamId(*id)).collect();
        drop(all);
        self.inner.report(ids);
        self.inner.wake();
    }

    /// The hub thread's loop; returns after [`StreamHub::shutdown`].
    pub(crate) fn run(&self) {
        let inner = &self.inner;
        let heartbeat: Frame = sse::comment("").into();
        let mut events = Events::new();
        let mut next_beat = Instant::now() + inner.heartbeat;
        loop {
            events.clear();
            let timeout = next_beat
                .saturating_duration_since(Instant::now())
                .min(SWEEP_INTERVAL);
            if let Err(e) = inner.poller.wait(&mut events, Some(timeout)) {
                if e.kind() != io::ErrorKind::Interrupted {
                    log::error!("stream hub wait failed: {e}");
                    std::thread::sleep(SWEEP_INTERVAL);
                }
            }
            if self.is_stopping() {
                return;
            }
            let mut closed = Vec::new();
            let mut state = inner.lock();
            let mut ready: Vec<usize> = std::mem::take(&mut state.dirty);
            for ev in events.iter() {
                if ev.readable && !inner.discard_input(&mut state, ev.key) {
                    state.streams.remove(&ev.key);
                    closed.push(StreamId(ev.key));
                    continue;
                }
                ready.push(ev.key);
            }
            let now = Instant::now();
            if now >= next_beat {
                next_beat = now + inner.heartbeat;
                let ids: Vec<usize> = state.streams.keys().copied().collect();
                for id in ids {
                    inner.enqueue(&mut state, id, &heartbeat, &mut closed);
                }
                ready.append(&mut state.dirty);
            }
            for id in ready {
                inner.flush(&mut state, id, &mut closed);
            }
            inner.evict_stalled(&mut state, now, &mut closed);
            drop(state);
            inner.report(closed);
        }
    }
}

impl Inner {
    /// A poisoned lock only means a publisher panicked while holding it; the
    /// map is still a valid map.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wake(&self) {
        if let Err(e) = self.poller.notify() {
            log::warn!("could not wake the stream hub: {e}");
        }
    }

    /// Queues a frame, or evicts the stream when the frame would overflow its
    /// outbox. False when the stream is closed (now or before).
    fn enqueue(
        &self,
        state: &mut State,
        id: usize,
        frame: &Frame,
        closed: &mut Vec<StreamId>,
    ) -> bool {
        let Some(stream) = state.streams.get_mut(&id) else {
            return false;
        };
        if stream.queued + frame.len() > self.outbox_bytes {
            log::info!("stream {id}: the client stopped reading; closed");
            state.streams.remove(&id);
            closed.push(StreamId(id));
            return false;
        }
        if stream.queued == 0 {
            stream.waiting_since = Some(Instant::now());
        }
        stream.queued += frame.len();
        stream.queue.push_back(Arc::clone(frame));
        if !stream.dirty {
            stream.dirty = true;
            state.dirty.push(id);
        }
        true
    }

    /// Writes what the socket takes and re-arms it: readable always (to notice
    /// the client leaving), writable while frames wait.
    fn flush(&self, state: &mut State, id: usize, closed: &mut Vec<StreamId>) {
        let Some(stream) = state.streams.get_mut(&id) else {
            return;
        };
        stream.dirty = false;
        let Some(socket) = stream.socket.as_mut() else {
            return; // the head is still on its way
        };
        let mut failed = false;
        while let Some(front) = stream.queue.front() {
            match socket.stream.write(&front[stream.front_sent..]) {
                Ok(0) => failed = true,
                Ok(n) => {
                    stream.front_sent += n;
                    stream.queued -= n;
                    stream.waiting_since = Some(Instant::now());
                    if stream.front_sent == front.len() {
                        stream.queue.pop_front();
                        stream.front_sent = 0;
                    }
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => {
                    log::debug!("stream {id}: client went away: {e}");
                    failed = true;
                }
            }
            break;
        }
        // Over TLS, what the socket did not take waits encrypted in the session.
        let mut encrypted_waiting = false;
        if !failed {
            match socket.stream.flush() {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => encrypted_waiting = true,
                Err(_) => failed = true,
            }
        }
        if stream.queued == 0 && !encrypted_waiting {
            stream.waiting_since = None;
        }
        let mut interest = Event::readable(id);
        interest.writable = stream.queued > 0 || encrypted_waiting;
        if !failed && self.poller.modify(socket.stream.as_fd(), interest).is_err() {
            failed = true;
        }
        if failed {
            state.streams.remove(&id);
            closed.push(StreamId(id));
        }
    }

    /// Reads and drops what the client sent. False when it closed (or failed).
    fn discard_input(&self, state: &mut State, id: usize) -> bool {
        let Some(socket) = state.streams.get_mut(&id).and_then(|s| s.socket.as_mut()) else {
            return true;
        };
        let mut scratch = [0u8; 4096];
        let mut total = 0;
        while total < DISCARD_PER_EVENT {
            match socket.stream.read(&mut scratch) {
                Ok(0) => return false,
                Ok(n) => total += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(_) => return false,
            }
        }
        true
    }

    /// Closes streams whose queued bytes have not moved for the write timeout.
    fn evict_stalled(&self, state: &mut State, now: Instant, closed: &mut Vec<StreamId>) {
        let stalled: Vec<usize> = state
            .streams
            .iter()
            .filter(|(_, s)| {
                s.socket.is_some()
                    && s.waiting_since
                        .is_some_and(|t| now.saturating_duration_since(t) >= self.stall)
            })
            .map(|(&id, _)| id)
            .collect();
        for id in stalled {
            log::info!("stream {id}: nothing read for the write timeout; closed");
            state.streams.remove(&id);
            closed.push(StreamId(id));
        }
    }

    /// Tells the application which streams closed; outside the hub's lock, so
    /// the callback may call the hub. A panicking callback is logged, not fatal.
    fn report(&self, closed: Vec<StreamId>) {
        if closed.is_empty() {
            return;
        }
        let callback = self
            .on_close
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(callback) = callback else {
            return;
        };
        for id in closed {
            if catch_unwind(AssertUnwindSafe(|| callback(id))).is_err() {
                log::error!("the stream close callback panicked for {id}");
            }
        }
    }
}

/// A stream slot between `open` and the hand-off. If the response is dropped
/// unsent (the client went away, or the request was `HEAD`), the slot is freed
/// and the close reported, so no stream is left open without a socket.
struct Reservation {
    hub: StreamHub,
    id: StreamId,
    handed_over: bool,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.handed_over {
            self.hub.close(self.id);
        }
    }
}
