//! The server's own figures, for the application's `/metrics`: connections open,
//! parked and streaming, connections waiting in the workers' queue, and workers
//! busy. Read on demand from the structures that already count (the poller's
//! registry, its parked map, the stream hub) plus one atomic the workers move
//! (`busy`), so serving pays two atomic adds per turn.
//!
//! The server stays ignorant of what reads them: [`Server::stats`](super::Server::stats)
//! hands out a [`Stats`] handle and the application decides how to show it.

use super::poller::Parking;
use super::streams::StreamHub;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The counter the workers move.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Workers serving a connection now.
    pub busy: AtomicUsize,
}

/// A handle on a server's figures; cheap to clone, valid while the process runs.
#[derive(Clone)]
pub struct Stats {
    pub(crate) parking: Arc<Parking>,
    pub(crate) hub: StreamHub,
}

/// The figures at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// Accepted and not closed: parked, queued, being served or sending.
    pub open: usize,
    /// Waiting in epoll for bytes or for room to write, holding no thread.
    pub parked: usize,
    /// Event streams owned by the stream hub.
    pub streaming: usize,
    /// Waiting in the workers' queue.
    pub queued: usize,
    /// Workers serving a connection.
    pub busy_workers: usize,
}

impl Stats {
    pub fn snapshot(&self) -> Snapshot {
        let c = self.parking.counters();
        Snapshot {
            open: self.parking.open_connections(),
            parked: self.parking.parked(),
            streaming: self.hub.open_streams(),
            queued: self.parking.queued(),
            busy_workers: c.busy.load(Ordering::Relaxed),
        }
    }
}
