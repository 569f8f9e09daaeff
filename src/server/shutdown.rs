//! Step 6, the end of every request's life: a graceful stop.
//!
//! [`ShutdownHandle::shutdown`] (called from the signal thread in `main.rs`, or by
//! tests) sets one flag and wakes the thread in `Server::run`:
//!
//! 1. that thread stops the listening socket (`Listener::stop`): it leaves the
//!    workers' epoll, and the kernel refuses new clients from then on;
//! 2. the overseer's next sweep (within 100 ms) closes every idle parked
//!    connection, and every event stream in the hub is closed (a stream never
//!    ends by itself, so waiting for it would only waste the grace period);
//! 3. workers finish the requests they hold and answer them with
//!    `Connection: close` (RFC 9112 section 9.6), then close instead of parking;
//!    a response still waiting for a slow reader (`Phase::Sending`) keeps being
//!    sent as the socket drains, and its connection closes when it is out;
//! 4. [`drain`] waits until no connection is left open, or until
//!    `limits.shutdown_grace` has passed, whichever comes first;
//! 5. the overseer thread exits (closing whatever is still parked or queued),
//!    the workers return from `Parking::next_ready`, the pool is joined and
//!    `Server::run` returns.

use super::epoll::Epoll;
use super::poller::Parking;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Stops a running server from another thread (or a signal handler thread).
#[derive(Clone)]
pub struct ShutdownHandle {
    inner: Arc<Inner>,
}

struct Inner {
    stop: AtomicBool,
    /// The epoll instances to wake so their threads notice the flag without waiting for
    /// their next timeout.
    wakers: Vec<Arc<Epoll>>,
}

impl ShutdownHandle {
    pub(crate) fn new(wakers: Vec<Arc<Epoll>>) -> ShutdownHandle {
        ShutdownHandle {
            inner: Arc::new(Inner {
                stop: AtomicBool::new(false),
                wakers,
            }),
        }
    }

    /// Begins a graceful shutdown: stop accepting, close idle connections, finish
    /// requests in flight. Returns at once; `Server::run` returns when it is done.
    pub fn shutdown(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        for epoll in &self.inner.wakers {
            if let Err(e) = epoll.wake_all() {
                log::warn!("could not wake a server thread for shutdown: {e}");
            }
        }
    }

    pub fn is_shutting_down(&self) -> bool {
        // Relaxed would do for a flag, but this is read once per request and
        // SeqCst costs nothing extra on x86 loads.
        self.inner.stop.load(Ordering::SeqCst)
    }
}

/// Waits until every connection is closed or `deadline` passes. Polling a counter
/// every few milliseconds is plenty for something that happens once per process.
pub(crate) fn drain(parking: &Parking, deadline: Option<Instant>) {
    loop {
        let open = parking.open_connections();
        if open == 0 {
            return;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            log::warn!("shutdown grace period over; closing {open} connection(s) still open");
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
