//! Step 3 of a request's life: a fixed pool of worker threads fed by a bounded
//! queue (the Rust book's `ThreadPool`, chapter 21, with a bounded channel).
//!
//! The poller pushes ready connections with `try_send`; a full queue is the
//! signal to answer 503 instead of piling up work no thread will reach in time.
//! A fixed pool bounds memory and database connections; idle connections do not
//! need a thread, and neither does a response waiting for a slow reader (it parks
//! with its connection, see `write.rs`), so the pool can stay small (twice the
//! cores by default, because workers also wait on SQLite).
//!
//! Shutdown: when the poller thread exits it drops the only sender, every
//! worker's `recv` fails once the queue is empty, and the workers return.

use super::connection::Connection;
use super::serve::{serve, WorkerState};
use super::Context;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The sending end of the workers' queue.
pub(crate) type Queue = SyncSender<Connection>;

pub(crate) struct ThreadPool {
    workers: Vec<Worker>,
}

struct Worker {
    id: usize,
    thread: Option<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `size` workers sharing a queue of `capacity` connections, and
    /// returns the queue's only sender (for the poller thread), so the queue
    /// closes when the poller is done with it.
    pub fn new(size: usize, capacity: usize, ctx: Arc<Context>) -> io::Result<(ThreadPool, Queue)> {
        let (sender, receiver) = mpsc::sync_channel(capacity);
        let receiver = Arc::new(Mutex::new(receiver));
        let mut workers = Vec::with_capacity(size);
        for id in 0..size {
            let receiver = Arc::clone(&receiver);
            let ctx = Arc::clone(&ctx);
            let thread = std::thread::Builder::new()
                .name(format!("worker-{id}"))
                .spawn(move || work(id, &receiver, &ctx))?;
            workers.push(Worker {
                id,
                thread: Some(thread),
            });
        }
        Ok((ThreadPool { workers }, sender))
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

fn work(id: usize, receiver: &Mutex<Receiver<Connection>>, ctx: &Context) {
    let mut state = WorkerState::new();
    loop {
        // The guard is a temporary: the lock is released before serving.
        let next = receiver.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(conn) = next else {
            return; // the queue is closed: shutting down
        };
        let counters = ctx.parking.counters();
        counters.unqueued();
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
