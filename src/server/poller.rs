//! Step 2 of a request's life: waiting for bytes without holding a thread, and
//! the way a ready connection reaches a worker.
//!
//! A connection with nothing to do (a keep-alive client between requests, a head
//! or body that has not fully arrived, a client being closed) is *parked*: its
//! socket is registered with epoll (`epoll.rs`, one system call per wait) and the
//! [`Connection`] itself sits in a map keyed by a connection id. Parking costs a
//! file descriptor and a small struct; thousands of idle clients cost no threads.
//!
//! # Leaders and followers
//! The workers wait for readiness themselves (the leader/follower pattern):
//! up to one idle worker per core, the *leaders*, sleep in `epoll_wait`; the
//! other idle workers, the *followers*, sleep on a condition variable. When
//! epoll reports sockets (up to [`LEADER_BATCH`] at once), the leader takes
//! their connections out of the map, puts them at the back of the *ready
//! queue* and serves the oldest ready connection itself. A keep-alive request
//! whose bytes arrive while a worker is leading therefore goes from the kernel
//! to the worker that serves it without passing between threads; before, every
//! such request went through a poller thread, which woke a worker (two thread
//! wake-ups per request). When epoll reports the listening socket, the leader
//! accepts instead (`listener.rs`) and serves from the queue after.
//!
//! Who wakes whom is where the speed is. A worker that finishes a connection
//! takes the oldest queued one, or leads if fewer than one worker per core
//! does, or sleeps as a follower. Nobody wakes a follower just because the
//! queue is not empty: on two cores, waking a third thread for every queued
//! connection cost a system call (and often a context switch) per request,
//! for a thread with no core to run on. So under load the busy workers drain
//! the queue between them and then lead, finding in `epoll_wait` the events
//! that piled up meanwhile, without sleeping. A leader wakes a follower (one
//! at a time, [`Parking::offer_lead`]) only when it took the last ready
//! connection and no other worker leads, so that someone is always waiting in
//! epoll while the load is light. (Waking one more worker for every batch
//! that left connections queued was tried: it brought back a quarter of a
//! context switch per request and did not shorten the tail.)
//!
//! The cost of not waking is a connection queued behind a worker stuck in a
//! slow handler (a sign-in hashing a password, a big export) while the other
//! workers sleep. The overseer (below) looks for that every
//! [`WATCH_INTERVAL`] while any worker is busy: it wakes a follower, or, when
//! every idle worker sleeps in `epoll_wait`, nudges one awake
//! ([`Parking::watch`]). Such a connection waits a few milliseconds at most
//! (up to [`SWEEP_INTERVAL`] if the server was idle a moment before).
//!
//! A connection whose response did not fit in the socket (`Phase::Sending`,
//! see `write.rs`) is parked the same way, but with *writable* interest, and
//! comes back through the ready queue like a readable one. A worker never waits
//! for a slow reader.
//!
//! Registrations are *oneshot*: after one event the socket stays silent until it
//! is re-armed, so two threads never own a connection at once. Whoever parks a
//! connection inserts it into the map *before* re-arming it (under the same lock),
//! so an event can never arrive for a connection the map does not hold yet.
//!
//! # A full queue
//! The ready queue holds at most `limits.queue_capacity` connections besides
//! the one the leader keeps. Beyond that a client gets `503 Service
//! Unavailable` with `Retry-After` (RFC 9110 sections 15.6.4 and 10.2.3) instead
//! of the queue growing; a connection mid-response (`Phase::Sending`) or with
//! requests already buffered is never refused (that would cut an answer in
//! half) and always joins the queue. When every worker is busy nobody leads, so
//! the *overseer* thread (below) takes the lead for a moment every
//! [`SWEEP_INTERVAL`]: it queues what is ready, and refuses what does not fit,
//! so clients are told "busy" even while every worker is stuck in a handler.
//!
//! # Requeued connections
//! Workers hand some connections back without parking them: a connection whose
//! turn ended (see `serve.rs`) with requests still in its own buffer. epoll only
//! reports new bytes on the socket, so parked, such a connection could wait
//! forever for an event about bytes we already hold. [`Parking::requeue`] puts it
//! at the back of the ready queue instead.
//!
//! # Deadlines
//! The overseer thread also sweeps the map every [`SWEEP_INTERVAL`] for passed
//! deadlines (see `connection.rs`): a half-sent head or body gets `408 Request
//! Timeout` (RFC 9110 section 15.5.9), an idle keep-alive connection is simply
//! closed (RFC 9112 section 9.5 lets a server close idle connections at any
//! time), and so is a connection whose response stopped moving (its write
//! deadline passed: the client is not reading, so a 408 would not reach it
//! either). After a sweep it re-arms the listening socket if accepting failed
//! for want of file descriptors (`listener.rs`), by which time closed
//! connections may have freed some.

use super::connection::{Connection, Phase};
use super::epoll::{Epoll, Interest, Ready as Events};
use super::stats::Counters;
use super::{write, Context};
use crate::http::Response;
use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The key the listening socket is registered under in the workers' epoll;
/// connection ids start at 1.
pub(crate) const LISTENER: usize = 0;
/// How often deadlines are checked, so a deadline is enforced within this much;
/// also how soon a client is refused while every worker is busy.
const SWEEP_INTERVAL: Duration = Duration::from_millis(100);
/// The most a closing connection may send us per wake-up before we give up on it.
const DISCARD_PER_EVENT: usize = 64 * 1024;
/// How often the overseer looks for connections queued behind busy workers
/// while a follower sleeps (see [`Parking::watch`]).
const WATCH_INTERVAL: Duration = Duration::from_millis(5);
/// The most events a leader takes from one `epoll_wait`. Taking a few at once
/// saves system calls under load; taking many would queue connections behind a
/// leader that is about to serve one of them while others sleep.
const LEADER_BATCH: usize = 8;

/// The epoll instance and the count of open connections; every [`Connection`]
/// holds one so that dropping it deregisters its socket and updates the count.
pub(crate) struct Registry {
    pub epoll: Arc<Epoll>,
    open: AtomicUsize,
}

impl Registry {
    pub fn opened(&self) {
        self.open.fetch_add(1, Ordering::SeqCst);
    }

    pub fn closed(&self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Parked connections (the shared map plus the epoll registrations) and the
/// ready queue the workers take them from.
pub(crate) struct Parking {
    registry: Arc<Registry>,
    parked: Mutex<HashMap<usize, Connection>>,
    ready: Mutex<Ready>,
    /// Followers wait here for a ready connection or for the lead.
    followers: Condvar,
    capacity: usize,
    /// How many workers may wait in epoll at once: one per core.
    max_leaders: usize,
    next_id: AtomicUsize,
    finished: AtomicBool,
    /// Queue depth and busy workers, for `Server::stats`.
    counters: Counters,
}

/// Who is waiting for what; one lock, so the lead is never lost.
struct Ready {
    /// Connections to serve, oldest first: reported by epoll, or requeued.
    queue: VecDeque<Connection>,
    /// Threads in `epoll_wait` (or about to be), at most `max_leaders`.
    leaders: usize,
    /// A follower was woken to take the lead and has not taken it yet.
    promoted: bool,
    /// Workers asleep on `followers`.
    idle: usize,
}

/// What a worker is given to do next.
pub(crate) enum Work {
    /// Serve this connection for one turn.
    Serve(Connection),
    /// The listening socket is ready: accept what is waiting (`listener.rs`).
    Accept,
}

/// Who is asking for connections: a worker serves one at once; the overseer
/// only sorts them into the queue.
#[derive(Clone, Copy, PartialEq)]
enum Taker {
    Worker,
    Overseer,
}

impl Parking {
    /// `capacity`: how many ready connections may wait for a worker before new
    /// ones are answered 503.
    /// `max_leaders`: how many workers may wait in epoll at once.
    pub fn new(capacity: usize, max_leaders: usize) -> io::Result<Parking> {
        Ok(Parking {
            registry: Arc::new(Registry {
                epoll: Arc::new(Epoll::new()?),
                open: AtomicUsize::new(0),
            }),
            parked: Mutex::new(HashMap::new()),
            ready: Mutex::new(Ready {
                queue: VecDeque::new(),
                leaders: 0,
                promoted: false,
                idle: 0,
            }),
            followers: Condvar::new(),
            capacity: capacity.max(1),
            max_leaders: max_leaders.max(1),
            next_id: AtomicUsize::new(1),
            finished: AtomicBool::new(false),
            counters: Counters::default(),
        })
    }

    pub fn registry(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    pub fn next_id(&self) -> usize {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Connections accepted and not yet closed (parked, queued or being served).
    pub fn open_connections(&self) -> usize {
        self.registry.open.load(Ordering::SeqCst)
    }

    /// Connections parked in epoll now.
    pub fn parked(&self) -> usize {
        self.lock().len()
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Ready connections waiting for a worker now.
    pub fn queued(&self) -> usize {
        self.lock_ready().queue.len()
    }

    /// A poisoned lock only means a thread panicked while holding it; the map is
    /// still a valid map, so serving goes on.
    fn lock(&self) -> MutexGuard<'_, HashMap<usize, Connection>> {
        self.parked.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_ready(&self) -> MutexGuard<'_, Ready> {
        self.ready.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues connections a worker accepted a moment ago, to be served at
    /// once: a client usually sends its request right after connecting, so
    /// reading straight away saves registering the socket and a wait in
    /// epoll. Past the queue's capacity they are parked instead, and meet the
    /// full queue (503) only when their request arrives, as before.
    pub fn enqueue_accepted(&self, accepted: &mut Vec<Connection>) {
        let overflow = {
            let mut ready = self.lock_ready();
            let room = self.capacity.saturating_sub(ready.queue.len());
            let overflow = accepted.split_off(room.min(accepted.len()));
            ready.queue.extend(accepted.drain(..));
            overflow
        };
        for conn in overflow {
            self.park(conn);
        }
    }

    /// Parks a connection a worker is done with for now (registering its
    /// socket with epoll the first time).
    pub fn park(&self, conn: Connection) {
        let id = conn.id;
        // Over TLS, handshake records may be waiting for the socket too.
        let interest = if conn.is_sending() {
            Interest::Write
        } else if conn.stream.wants_write() {
            Interest::Both
        } else {
            Interest::Read
        };
        let first = !conn.registered;
        let mut map = self.lock();
        map.insert(id, conn);
        let Some(conn) = map.get_mut(&id) else {
            return;
        };
        conn.registered = true;
        let stream = conn.stream.socket();
        let armed = if first {
            self.registry.epoll.add(stream, id, interest)
        } else {
            self.registry.epoll.rearm(stream, id, interest)
        };
        if let Err(e) = armed {
            let conn = map.remove(&id);
            drop(map);
            log::debug!("could not park a connection: {e}");
            drop(conn);
        }
    }

    /// Puts a connection with requests already buffered at the back of the
    /// ready queue (see the module docs). After [`Parking::finish`] nobody
    /// would serve it any more, so it is closed.
    pub fn requeue(&self, conn: Connection) {
        let mut ready = self.lock_ready();
        // Checked under the lock the workers leave under, so a connection is
        // never left behind in a queue nobody reads.
        if self.is_finished() {
            drop(ready);
            drop(conn);
            return;
        }
        ready.queue.push_back(conn);
        self.wake_for_queue(&ready);
    }

    /// The lead was given up: if a follower sleeps, wake one to take it, so
    /// that some thread waits in epoll. One wake-up at a time: the woken
    /// follower leads rather than serving what is queued, and a worker that
    /// comes back for work first takes the lead itself (`next_ready`).
    fn offer_lead(&self, ready: &mut Ready) {
        if ready.leaders == 0 && !ready.promoted && ready.idle > 0 {
            ready.promoted = true;
            self.followers.notify_one();
        }
    }

    /// Connections wait in the queue: wake a sleeping follower to serve one.
    /// Only for connections nobody else will come back for soon: a requeued
    /// one, or what the overseer finds still waiting ([`Parking::watch`]).
    fn wake_for_queue(&self, ready: &Ready) {
        if !ready.queue.is_empty() && ready.idle > 0 {
            self.followers.notify_one();
        }
    }

    /// The next connection for a worker to serve, waiting for one as leader or
    /// follower; `None` once the server has finished.
    ///
    /// A worker coming back from a connection serves the oldest queued one,
    /// else leads if fewer than `max_leaders` do, else sleeps as a follower. Busy workers do
    /// not wake each other for what is queued: on two cores, waking a third
    /// thread for every queued connection cost a system call and often a
    /// context switch per request, and a worker that finishes takes the next
    /// one anyway. A worker stuck in a slow handler is covered by the
    /// overseer, which wakes a follower for connections still queued.
    pub fn next_ready(&self, events: &mut Events) -> Option<Work> {
        let mut ready = self.lock_ready();
        let mut woken = false;
        loop {
            if self.is_finished() && ready.queue.is_empty() {
                return None;
            }
            if woken && ready.promoted && ready.leaders > 0 {
                ready.promoted = false; // someone took the lead meanwhile
            }
            let promoted = woken && ready.promoted && !self.is_finished();
            if !promoted {
                if let Some(conn) = ready.queue.pop_front() {
                    return Some(Work::Serve(conn));
                }
            }
            if ready.leaders < self.max_leaders && !self.is_finished() {
                ready.leaders += 1;
                ready.promoted = false;
                drop(ready);
                if let Some(work) = self.lead(events, None, Taker::Worker) {
                    return Some(work);
                }
                ready = self.lock_ready();
                woken = false;
                continue;
            }
            ready.idle += 1;
            ready = self
                .followers
                .wait(ready)
                .unwrap_or_else(|e| e.into_inner());
            ready.idle -= 1;
            woken = true;
        }
    }

    /// One turn as leader: waits in epoll, takes the reported connections out of
    /// the map and queues them (refusing what does not fit), and gives up the
    /// lead. A worker gets the oldest ready connection back to serve itself,
    /// or, when the listening socket was reported, the job of accepting.
    fn lead(&self, events: &mut Events, timeout: Option<Duration>, who: Taker) -> Option<Work> {
        if let Err(e) = self.registry.epoll.wait(events, timeout) {
            log::error!("epoll wait failed: {e}");
            std::thread::sleep(SWEEP_INTERVAL);
        }
        // `wait` says when shutdown woke it; `is_finished` tells the callers.
        let accept = events.keys().contains(&LISTENER);
        let mut reported: Vec<Connection> = {
            let mut map = self.lock();
            // A key the map lacks was closed by a sweep after the event fired.
            events
                .keys()
                .iter()
                .filter_map(|key| map.remove(key))
                .collect()
        };
        let (closing, reported): (Vec<Connection>, Vec<Connection>) = reported
            .drain(..)
            .partition(|conn| matches!(conn.phase, Phase::Closing));
        for conn in closing {
            discard_input(conn, self);
        }
        let mut refused = Vec::new();
        let mine = {
            let mut ready = self.lock_ready();
            // The leader's own connection does not count against the queue.
            let room = self.capacity + usize::from(who == Taker::Worker);
            for conn in reported {
                if ready.queue.len() >= room && !conn.is_sending() && conn.buf.is_empty() {
                    refused.push(conn);
                } else {
                    ready.queue.push_back(conn);
                }
            }
            let mine = match who {
                Taker::Worker if accept => Some(Work::Accept),
                Taker::Worker => ready.queue.pop_front().map(Work::Serve),
                Taker::Overseer if accept => Some(Work::Accept),
                Taker::Overseer => None,
            };
            // Under the same lock as the queue: a follower woken here sees both.
            ready.leaders -= 1;
            // A batch of one: load is light, and another worker should wait
            // in epoll while this one serves. A bigger batch: the workers are
            // busy, and whichever comes back first (the queue empty) leads,
            // finding the events that piled up meanwhile without sleeping.
            if ready.queue.is_empty() {
                self.offer_lead(&mut ready);
            }
            mine
        };
        for conn in refused {
            reject_busy(conn, self);
        }
        mine
    }

    /// Tells the workers and the overseer to stop; whatever is still parked or
    /// queued is closed by the overseer as it exits.
    pub fn finish(&self) {
        {
            let _ready = self.lock_ready();
            self.finished.store(true, Ordering::SeqCst);
            self.followers.notify_all();
        }
        if let Err(e) = self.registry.epoll.wake_all() {
            log::warn!("could not wake the leader: {e}");
        }
    }

    /// The overseer's look at the queue: connections waiting while a
    /// follower sleeps get that follower; while no follower sleeps, a worker
    /// asleep in `epoll_wait` (that leader found nothing to do when it
    /// started waiting) is nudged awake to take them.
    fn watch(&self) {
        let mut ready = self.lock_ready();
        if !ready.queue.is_empty() && ready.idle == 0 && ready.leaders > 0 {
            drop(ready);
            if let Err(e) = self.registry.epoll.nudge() {
                log::warn!("could not nudge a waiting worker: {e}");
            }
            return;
        }
        self.wake_for_queue(&ready);
        self.offer_lead(&mut ready);
    }

    fn is_finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }
}

/// Makes the events buffer a worker keeps for its turns as leader.
pub(crate) fn leader_events() -> Events {
    Events::with_capacity(LEADER_BATCH)
}

/// The overseer thread's loop; returns after [`Parking::finish`]. Every
/// [`SWEEP_INTERVAL`] it closes connections whose deadline passed and, if no
/// worker is free to lead, looks at epoll itself so that clients are queued or
/// refused while every worker is busy.
pub(crate) fn oversee(ctx: &Context) {
    let parking = &ctx.parking;
    let mut events = Events::with_capacity(64);
    let mut last_sweep = Instant::now();
    while !parking.is_finished() {
        // While any worker is busy, look at the queue often: a connection
        // queued behind a worker stuck in a slow handler gets a follower.
        let busy = parking.counters.busy.load(Ordering::Relaxed) > 0;
        std::thread::sleep(if busy { WATCH_INTERVAL } else { SWEEP_INTERVAL });
        parking.watch();
        if last_sweep.elapsed() < SWEEP_INTERVAL {
            continue;
        }
        last_sweep = Instant::now();
        let take_lead = {
            let mut ready = parking.lock_ready();
            let free = ready.leaders == 0 && ready.idle == 0;
            if free {
                ready.leaders += 1;
                ready.promoted = false;
            }
            free
        };
        if take_lead {
            let work = parking.lead(&mut events, Some(Duration::ZERO), Taker::Overseer);
            if let Some(Work::Accept) = work {
                ctx.listener.accept_ready(ctx);
            }
        }
        let stopping = ctx.shutdown.is_shutting_down();
        sweep(parking, Instant::now(), stopping);
        ctx.listener.resume(ctx);
    }
    let all: Vec<Connection> = parking.lock().drain().map(|(_, c)| c).collect();
    drop(all);
    let queued: Vec<Connection> = parking.lock_ready().queue.drain(..).collect();
    drop(queued);
}

/// Closes connections whose deadline passed, answering 408 where a request had
/// started; while stopping, also closes every connection between requests.
fn sweep(parking: &Parking, now: Instant, stopping: bool) {
    let expired: Vec<Connection> = {
        let mut map = parking.lock();
        let keys: Vec<usize> = map
            .iter()
            .filter(|(_, c)| now >= c.deadline || (stopping && c.is_between_requests()))
            .map(|(&id, _)| id)
            .collect();
        keys.iter().filter_map(|id| map.remove(id)).collect()
    };
    for mut conn in expired {
        if now >= conn.deadline && conn.has_started_request() {
            log::info!("{}: request not received in time; answered 408", conn.peer);
            write::best_effort(&mut conn.stream, Response::request_timeout(), &[]);
        }
        // Dropping closes the socket.
    }
}

/// The workers are all busy and the queue is full: say so and close, rather than
/// let the queue (and every client's wait) grow without bound.
fn reject_busy(mut conn: Connection, parking: &Parking) {
    log::warn!(
        "{}: all workers busy and the queue is full; answered 503",
        conn.peer
    );
    write::best_effort(&mut conn.stream, Response::service_unavailable(), &[]);
    conn.start_closing();
    parking.park(conn);
}

/// A connection we answered and half-closed: read and drop whatever the client
/// still sends, so that closing does not turn into a TCP reset that could destroy
/// our final response before the client reads it (RFC 9112 section 9.6).
fn discard_input(mut conn: Connection, parking: &Parking) {
    let mut scratch = [0u8; 4096];
    let mut total = 0;
    loop {
        match conn.stream.read(&mut scratch) {
            Ok(0) => return, // the client closed too: done
            Ok(n) => {
                total += n;
                if total >= DISCARD_PER_EVENT {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
    parking.park(conn);
}
