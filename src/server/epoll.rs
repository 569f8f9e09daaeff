//! The whole of epoll the server uses, in one page: an instance, one-shot
//! registrations keyed by connection id, a wait that is one system call, and a
//! wake-up for shutdown.
//!
//! The `polling` crate (which the stream hub still uses) is portable and
//! general, and it pays for that on every wait: it arms a timer descriptor for
//! the timeout and re-arms its own notification descriptor, five system calls
//! where `epoll_wait` is one. A worker waits once per keep-alive request, so on
//! this path those calls were a large share of the server's own work. This
//! module calls the kernel through `rustix` (safe wrappers, no `unsafe` here)
//! and does nothing else.
//!
//! Registrations are *one-shot* (`EPOLLONESHOT`): after one event the socket is
//! silent until [`Epoll::rearm`], so two threads never own a connection at once.
//! They are also level-triggered: re-arming a socket whose bytes are already
//! waiting reports it at once, which is what lets a worker park a connection
//! without first reading until the socket says "would block" (`serve.rs`).
//!
//! A closed socket leaves the epoll set by itself (the kernel drops an entry
//! when the last descriptor of its socket closes), so closing a connection
//! costs no `epoll_ctl`. Only a socket that lives on in a duplicate (a stream
//! handed to the hub) is deleted explicitly ([`Epoll::delete`]).

use rustix::buffer::spare_capacity;
use rustix::event::epoll::{self, CreateFlags, EventData, EventFlags};
use rustix::event::{eventfd, EventfdFlags};
use rustix::fd::{AsFd, OwnedFd};
use std::io;
use std::time::Duration;

/// The key the wake-up descriptor reports with; connection ids start at 1 and
/// never reach it.
const WAKE: u64 = u64::MAX;

/// What a parked socket waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    /// Bytes to read (a request, or the client closing).
    Read,
    /// Room in the send buffer (a response waits in the outbox).
    Write,
    /// Either (a TLS handshake may need both).
    Both,
}

impl Interest {
    fn flags(self) -> EventFlags {
        let wanted = match self {
            Interest::Read => EventFlags::IN | EventFlags::RDHUP,
            Interest::Write => EventFlags::OUT,
            Interest::Both => EventFlags::IN | EventFlags::RDHUP | EventFlags::OUT,
        };
        wanted | EventFlags::ONESHOT
    }
}

/// The key [`Epoll::nudge`]'s descriptor reports with.
const NUDGE: u64 = u64::MAX - 1;

/// An epoll instance with an eventfd registered in it for [`Epoll::wake_all`],
/// and another for [`Epoll::nudge`].
pub(crate) struct Epoll {
    fd: OwnedFd,
    wake: OwnedFd,
    nudge: OwnedFd,
}

impl Epoll {
    pub fn new() -> io::Result<Epoll> {
        let fd = epoll::create(CreateFlags::CLOEXEC)?;
        let wake = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        // Level-triggered and never read: once woken, every wait returns at
        // once, which is what shutdown wants from every thread waiting here.
        epoll::add(&fd, &wake, EventData::new_u64(WAKE), EventFlags::IN)?;
        // Never read either, but one-shot: each nudge re-arms it, and it is
        // reported to one waiter.
        let nudge = eventfd(1, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        epoll::add(&fd, &nudge, EventData::new_u64(NUDGE), EventFlags::empty())?;
        Ok(Epoll { fd, wake, nudge })
    }

    /// Registers a new socket under `key`, armed for `interest`.
    pub fn add(&self, socket: impl AsFd, key: usize, interest: Interest) -> io::Result<()> {
        epoll::add(&self.fd, socket, data(key), interest.flags())?;
        Ok(())
    }

    /// Re-arms a registered socket after its one event.
    pub fn rearm(&self, socket: impl AsFd, key: usize, interest: Interest) -> io::Result<()> {
        epoll::modify(&self.fd, socket, data(key), interest.flags())?;
        Ok(())
    }

    /// Removes a socket that outlives its registration in a duplicate.
    pub fn delete(&self, socket: impl AsFd) -> io::Result<()> {
        epoll::delete(&self.fd, socket)?;
        Ok(())
    }

    /// Waits up to `timeout` (`None`: until something happens) and fills
    /// `ready` with the keys of the sockets that became ready, at most its
    /// capacity. Returns `false` once [`Epoll::wake_all`] was called. One
    /// system call.
    pub fn wait(&self, ready: &mut Ready, timeout: Option<Duration>) -> io::Result<bool> {
        ready.raw.clear();
        ready.keys.clear();
        let timeout = timeout.map(|t| rustix::time::Timespec {
            tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(t.subsec_nanos()),
        });
        match epoll::wait(&self.fd, spare_capacity(&mut ready.raw), timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(true),
            Err(e) => return Err(e.into()),
        }
        let mut awake = true;
        for event in &ready.raw {
            match event.data.u64() {
                WAKE => awake = false,
                NUDGE => {}
                key => ready.keys.extend(usize::try_from(key).ok()),
            }
        }
        Ok(awake)
    }

    /// Wakes one thread waiting here (if any is), which returns with no keys;
    /// one system call.
    pub fn nudge(&self) -> io::Result<()> {
        let flags = EventFlags::IN | EventFlags::ONESHOT;
        epoll::modify(&self.fd, &self.nudge, EventData::new_u64(NUDGE), flags)?;
        Ok(())
    }

    /// Wakes every thread waiting here, now and from now on (shutdown).
    pub fn wake_all(&self) -> io::Result<()> {
        rustix::io::write(&self.wake, &1u64.to_ne_bytes())?;
        Ok(())
    }
}

/// The keys one [`Epoll::wait`] reported, in buffers a thread keeps between
/// waits.
pub(crate) struct Ready {
    raw: Vec<epoll::Event>,
    keys: Vec<usize>,
}

impl Ready {
    /// Room for `batch` events per wait.
    pub fn with_capacity(batch: usize) -> Ready {
        Ready {
            raw: Vec::with_capacity(batch.max(1)),
            keys: Vec::with_capacity(batch.max(1)),
        }
    }

    pub fn keys(&self) -> &[usize] {
        &self.keys
    }
}

fn data(key: usize) -> EventData {
    EventData::new_u64(key as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    fn ready(epoll: &Epoll, timeout_ms: u64) -> (bool, Vec<usize>) {
        let mut ready = Ready::with_capacity(8);
        let timeout = Some(Duration::from_millis(timeout_ms));
        let awake = epoll.wait(&mut ready, timeout).unwrap();
        (awake, ready.keys().to_vec())
    }

    #[test]
    fn a_nudge_wakes_one_wait_with_no_keys() {
        let epoll = Epoll::new().unwrap();
        assert_eq!(ready(&epoll, 0), (true, vec![]));
        epoll.nudge().unwrap();
        let mut raw = Ready::with_capacity(8);
        epoll.wait(&mut raw, Some(Duration::ZERO)).unwrap();
        assert_eq!(
            (raw.raw.len(), raw.keys().len()),
            (1, 0),
            "one event, no key"
        );
        epoll.wait(&mut raw, Some(Duration::ZERO)).unwrap();
        assert_eq!(raw.raw.len(), 0, "reported once per nudge");
    }

    #[test]
    fn a_one_shot_socket_reports_once_until_rearmed_and_again_at_once_if_bytes_wait() {
        let epoll = Epoll::new().unwrap();
        let (mut client, server) = pair();
        epoll.add(&server, 7, Interest::Read).unwrap();
        assert_eq!(ready(&epoll, 0).1, Vec::<usize>::new(), "nothing sent yet");
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(ready(&epoll, 1000).1, vec![7]);
        assert_eq!(
            ready(&epoll, 0).1,
            Vec::<usize>::new(),
            "one shot: silent now"
        );
        // Nobody read the bytes: re-arming reports them at once (level-triggered).
        epoll.rearm(&server, 7, Interest::Read).unwrap();
        assert_eq!(ready(&epoll, 1000).1, vec![7]);
    }

    #[test]
    fn wake_all_wakes_every_wait_from_then_on() {
        let epoll = Epoll::new().unwrap();
        assert!(ready(&epoll, 0).0, "not woken yet");
        epoll.wake_all().unwrap();
        assert!(!ready(&epoll, 1000).0);
        assert!(!ready(&epoll, 1000).0, "still woken for the next waiter");
    }

    #[test]
    fn a_closed_socket_leaves_the_set_by_itself() {
        let epoll = Epoll::new().unwrap();
        let (mut client, server) = pair();
        epoll.add(&server, 3, Interest::Read).unwrap();
        drop(server);
        client.write_all(b"late bytes").ok();
        assert_eq!(ready(&epoll, 50).1, Vec::<usize>::new());
    }
}
