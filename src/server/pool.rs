//! Step 3 of a request's life: a fixed pool of worker threads (the Rust book's
//! `ThreadPool`, chapter 21), each of which asks the parking lot for its next
//! ready connection ([`Parking::next_ready`](super::poller::Parking::next_ready):
//! it waits as a leader in `epoll_wait` or as a follower, see `poller.rs`), or
//! is told to accept new connections (`listener.rs`) when epoll reports the
//! listening socket.
//!
//! A fixed pool bounds memory and database connections; idle connections do not
//! need a thread, and neither does a response waiting for a slow reader (it parks
//! with its connection, see `write.rs`), so the pool can stay small (twice the
//! cores by default, because workers also wait on SQLite). A full ready queue
//! is the signal to answer 503 instead of piling up work no thread will reach in
//! time.
//!
//! Shutdown: after `Parking::finish`, `next_ready` returns `None` once the
//! queue is empty, and the workers return.

use super::poller::{leader_events, Work};
use super::serve::{serve, WorkerState};
use super::Context;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub(crate) struct ThreadPool {
    workers: Vec<Worker>,
}

struct Worker {
    id: usize,
    thread: Option<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `size` workers serving what `ctx.parking` has ready.
    pub fn new(size: usize, ctx: Arc<Context>) -> io::Result<ThreadPool> {
        let mut workers = Vec::with_capacity(size);
        for id in 0..size {
            let ctx = Arc::clone(&ctx);
            let thread = std::thread::Builder::new()
                .name(format!("worker-{id}"))
                .spawn(move || work(id, &ctx))?;
            workers.push(Worker {
                id,
                thread: Some(thread),
            });
        }
        Ok(ThreadPool { workers })
    }

    /// Waits for the workers to finish, up to `deadline`; a worker still stuck in
    /// a handler after that is left to finish on its own (the process is exiting).
    pub fn shutdown(mut self, deadline: Option<Instant>) {
        for worker in &mut self.workers {
            let Some(thread) = worker.thread.take() else {
                continue;
            };
            let in_time = || match deadline {
                Some(d) => Instant::now() < d,
                None => true,
            };
            while !thread.is_finished() && in_time() {
                std::thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                let _ = thread.join();
            } else {
                log::warn!("worker {} is still busy after the grace period", worker.id);
            }
        }
    }
}

impl Drop for ThreadPool {
    /// Joins every worker not already joined by [`ThreadPool::shutdown`].
    fn drop(&mut self) {
        for worker in &mut self.workers {
            if let Some(thread) = worker.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

fn work(id: usize, ctx: &Context) {
    let mut state = WorkerState::new();
    let mut events = leader_events();
    loop {
        let conn = match ctx.parking.next_ready(&mut events) {
            None => return, // finished: shutting down
            Some(Work::Accept) => {
                ctx.listener.accept_ready(ctx);
                continue;
            }
            Some(Work::Serve(conn)) => conn,
        };
        let counters = ctx.parking.counters();
        counters.busy.fetch_add(1, Ordering::Relaxed);
        // Handler panics are caught closer to the handler; this catches our own
        // bugs so that one bad connection cannot shrink the pool.
        if catch_unwind(AssertUnwindSafe(|| serve(conn, ctx, &mut state))).is_err() {
            log::error!("worker {id}: serving a connection panicked; it was closed");
            state = WorkerState::new();
        }
        counters.busy.fetch_sub(1, Ordering::Relaxed);
    }
}
