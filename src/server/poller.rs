//! Step 2 of a request's life: waiting for bytes without holding a thread.
//!
//! A connection with nothing to do (a keep-alive client between requests, a head
//! or body that has not fully arrived, a client being closed) is *parked*: its
//! socket is registered with epoll (through the `polling` crate) and the
//! [`Connection`] itself sits in a map keyed by a connection id. Parking costs a
//! file descriptor and a small struct; thousands of idle clients cost no threads.
//!
//! The poller thread sleeps in `epoll_wait`. When a parked socket turns readable
//! it takes the connection out of the map and pushes it onto the workers' bounded
//! queue; when that queue is full the client gets `503 Service Unavailable` with
//! `Retry-After` (RFC 9110 sections 15.6.4 and 10.2.3) instead of the queue growing.
//!
//! A connection whose response did not fit in the socket (`Phase::Sending`,
//! see `write.rs`) is parked the same way, but with *writable* interest: epoll
//! reports it when the client has read enough for the kernel to take more, and
//! it goes onto the workers' queue like a readable one. A worker never waits for
//! a slow reader. Such a connection is never refused with a 503 when the queue is
//! full (that would cut its response in half): it waits in the requeue FIFO
//! below, like a connection with requests already buffered.
//!
//! Registrations are *oneshot*: after one event the socket stays silent until it
//! is re-armed, so two threads never own a connection at once. Whoever parks a
//! connection inserts it into the map *before* re-arming it (under the same lock),
//! so an event can never arrive for a connection the map does not hold yet.
//!
//! Workers hand some connections back without parking them: a connection whose
//! turn ended (see `serve.rs`) with requests still in its own buffer. epoll only
//! reports new bytes on the socket, so parked, such a connection could wait
//! forever for an event about bytes we already hold. [`Parking::requeue`] puts it
//! on a FIFO instead and wakes the poller, which pushes it onto the *back* of the
//! workers' queue (the poller stays the queue's only sender, so the queue still
//! closes when the poller exits). If the queue is full it is not refused: it
//! already has requests under way, so it keeps its place and the poller retries
//! every [`RETRY_FULL_QUEUE`] until a worker takes something off the queue.
//!
//! Every [`SWEEP_INTERVAL`] the poller also sweeps the map for passed deadlines
//! (see `connection.rs`): a half-sent head or body gets `408 Request Timeout`
//! (RFC 9110 section 15.5.9), an idle keep-alive connection is simply closed
//! (RFC 9112 section 9.5 lets a server close idle connections at any time), and
//! so is a connection whose response stopped moving (its write deadline passed:
//! the client is not reading, so a 408 would not reach it either).

use super::connection::{Connection, Phase};
use super::pool::Queue;
use super::stats::Counters;
use super::{write, Context};
use crate::http::Response;
use polling::{Event, Events, Poller};
use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::TrySendError;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How often deadlines are checked, so a deadline is enforced within this much.
const SWEEP_INTERVAL: Duration = Duration::from_millis(100);
/// The most a closing connection may send us per wake-up before we give up on it.
const DISCARD_PER_EVENT: usize = 64 * 1024;
/// How soon the poller tries again to queue requeued connections that found the
/// queue full. Short, because these clients have requests waiting; the queue
/// only stays full while every worker is busy, so this is rare.
const RETRY_FULL_QUEUE: Duration = Duration::from_millis(2);

/// The epoll instance and the count of open connections; every [`Connection`]
/// holds one so that dropping it deregisters its socket and updates the count.
pub(crate) struct Registry {
    pub poller: Arc<Poller>,
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

/// Parked connections: the shared map plus the epoll registrations.
pub(crate) struct Parking {
    registry: Arc<Registry>,
    parked: Mutex<HashMap<usize, Connection>>,
    /// Connections whose turn ended with requests buffered, oldest first; the
    /// poller moves them to the back of the workers' queue.
    requeued: Mutex<VecDeque<Connection>>,
    next_id: AtomicUsize,
    finished: AtomicBool,
    /// Queue depth and busy workers, for `Server::stats`.
    counters: Counters,
}

impl Parking {
    pub fn new() -> io::Result<Parking> {
        Ok(Parking {
            registry: Arc::new(Registry {
                poller: Arc::new(Poller::new()?),
                open: AtomicUsize::new(0),
            }),
            parked: Mutex::new(HashMap::new()),
            requeued: Mutex::new(VecDeque::new()),
            next_id: AtomicUsize::new(1),
            finished: AtomicBool::new(false),
            counters: Counters::default(),
        })
    }

    pub fn registry(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    pub fn waker(&self) -> Arc<Poller> {
        Arc::clone(&self.registry.poller)
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

    /// A poisoned lock only means a thread panicked while holding it; the map is
    /// still a valid map, so serving goes on.
    fn lock(&self) -> MutexGuard<'_, HashMap<usize, Connection>> {
        self.parked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parks a connection accepted a moment ago (its first registration).
    pub fn register(&self, conn: Connection) {
        self.insert_and_arm(conn, true);
    }

    /// Parks a connection a worker is done with for now.
    pub fn park(&self, conn: Connection) {
        self.insert_and_arm(conn, false);
    }

    fn insert_and_arm(&self, conn: Connection, first: bool) {
        let id = conn.id;
        let interest = if conn.is_sending() {
            Event::writable(id)
        } else {
            Event::readable(id)
        };
        let mut map = self.lock();
        map.insert(id, conn);
        let Some(stream) = map.get(&id).map(|c| &c.stream) else {
            return;
        };
        let armed = if first {
            // SAFETY: `Connection`'s `Drop` deletes the socket from this poller
            // before the socket is closed, as `Poller::add` requires.
            unsafe { self.registry.poller.add(stream, interest) }
        } else {
            self.registry.poller.modify(stream, interest)
        };
        if let Err(e) = armed {
            let conn = map.remove(&id);
            drop(map);
            log::debug!("could not park a connection: {e}");
            drop(conn);
        }
    }

    /// Sends a connection with requests already buffered to the back of the
    /// workers' queue, through the poller thread (see the module docs). After
    /// [`Parking::finish`] nobody would serve it any more, so it is closed.
    pub fn requeue(&self, conn: Connection) {
        let mut requeued = self.lock_requeued();
        // Checked under the lock the exiting poller drains under, so a
        // connection is never left behind in a list nobody reads.
        if self.is_finished() {
            drop(requeued);
            drop(conn);
            return;
        }
        requeued.push_back(conn);
        drop(requeued);
        if let Err(e) = self.registry.poller.notify() {
            log::warn!("could not wake the poller: {e}");
        }
    }

    fn lock_requeued(&self) -> MutexGuard<'_, VecDeque<Connection>> {
        self.requeued.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the poller thread to stop and close everything still parked.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::SeqCst);
        if let Err(e) = self.registry.poller.notify() {
            log::warn!("could not wake the poller: {e}");
        }
    }

    fn is_finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }
}

/// The poller thread's loop; returns after [`Parking::finish`].
pub(crate) fn run(ctx: &Context, queue: Queue) {
    let parking = &ctx.parking;
    let mut events = Events::new();
    let mut ready: Vec<Connection> = Vec::new();
    let mut next_sweep = Instant::now() + SWEEP_INTERVAL;
    let mut backlog = false;
    loop {
        events.clear();
        let timeout = if backlog {
            RETRY_FULL_QUEUE
        } else {
            SWEEP_INTERVAL
        };
        if let Err(e) = parking.registry.poller.wait(&mut events, Some(timeout)) {
            if e.kind() != io::ErrorKind::Interrupted {
                log::error!("epoll wait failed: {e}");
                std::thread::sleep(SWEEP_INTERVAL);
            }
        }
        if parking.is_finished() {
            break;
        }
        // Requeued connections first: their turn ended before these events came.
        backlog = dispatch_requeued(parking, &queue);
        {
            let mut map = parking.lock();
            // A key the map lacks was closed by a sweep after the event fired.
            ready.extend(events.iter().filter_map(|ev| map.remove(&ev.key)));
        }
        for conn in ready.drain(..) {
            if matches!(conn.phase, Phase::Closing) {
                discard_input(conn, parking);
                continue;
            }
            parking.counters.queueing();
            let sent = queue.try_send(conn);
            if sent.is_err() {
                parking.counters.unqueued();
            }
            match sent {
                Ok(()) => {}
                Err(TrySendError::Full(conn)) if conn.is_sending() => {
                    // Mid-response: keep its place rather than cut it short.
                    parking.lock_requeued().push_back(conn);
                    backlog = true;
                }
                Err(TrySendError::Full(conn)) => reject_busy(conn, parking),
                Err(TrySendError::Disconnected(conn)) => drop(conn),
            }
        }
        let stopping = ctx.shutdown.is_shutting_down();
        let now = Instant::now();
        if stopping || now >= next_sweep {
            sweep(parking, now, stopping);
            next_sweep = now + SWEEP_INTERVAL;
        }
    }
    let all: Vec<Connection> = parking.lock().drain().map(|(_, c)| c).collect();
    drop(all);
    let requeued: Vec<Connection> = parking.lock_requeued().drain(..).collect();
    drop(requeued);
}

/// Moves requeued connections, oldest first, onto the back of the workers'
/// queue. Returns true when the queue filled up with some still waiting.
fn dispatch_requeued(parking: &Parking, queue: &Queue) -> bool {
    let mut requeued = parking.lock_requeued();
    while let Some(conn) = requeued.pop_front() {
        parking.counters.queueing();
        let sent = queue.try_send(conn);
        if sent.is_err() {
            parking.counters.unqueued();
        }
        match sent {
            Ok(()) => {}
            Err(TrySendError::Full(conn)) => {
                requeued.push_front(conn);
                return true;
            }
            Err(TrySendError::Disconnected(conn)) => drop(conn),
        }
    }
    false
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
