//! Sign-in throttling: failed attempts slow further attempts, per account and
//! per client address, with exponential back-off.
//!
//! # Security
//! Three counters, each with its own allowance of free failures before back-off:
//! - (e-mail, address): strict ([`PAIR_FREE`]). This is what stops one machine
//!   guessing one account's password.
//! - e-mail alone: looser ([`EMAIL_FREE`]), so guessing from many addresses is
//!   slowed too, and capped low ([`EMAIL_MAX_DELAY`]) so an attacker hammering
//!   someone's e-mail from elsewhere delays the real owner by at most a minute,
//!   never locks them out.
//! - address alone: loosest ([`ADDRESS_FREE`]), against one machine spraying
//!   many accounts. Offices share one address behind NAT, hence generous.
//!
//! The address is the socket's peer, never a header such as `X-Forwarded-For`
//! (there is no proxy in front of us to vouch for one), and an IPv6 client is
//! counted by its /64 (see `client`).
//!
//! Once over its allowance, a counter blocks for `2^(failures - free)` seconds,
//! capped. A success clears the (e-mail, address) and e-mail counters, not the
//! address one (or a valid account would reset a sprayer's counter). Counters
//! are forgotten after [`FORGET_AFTER`] without failures. State lives in memory:
//! a restart forgives everyone, which is acceptable for a LAN help desk.
//! While blocked, the password is not even checked, so blocked guesses teach
//! the attacker nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const PAIR_FREE: u32 = 5;
pub const PAIR_MAX_DELAY: Duration = Duration::from_secs(300);
pub const EMAIL_FREE: u32 = 20;
pub const EMAIL_MAX_DELAY: Duration = Duration::from_secs(60);
pub const ADDRESS_FREE: u32 = 50;
pub const ADDRESS_MAX_DELAY: Duration = Duration::from_secs(300);
pub const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Counters kept at most; stale ones are pruned first when this is reached.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Email(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    failures: u32,
    last_failure: Instant,
    blocked_until: Instant,
}

/// Failure counters for one kind of attempt (sign-in, registration).
#[derive(Default)]
pub struct Throttle {
    counters: Mutex<HashMap<Key, Counter>>,
}

/// The part of a client address that identifies one client.
///
/// # Security
/// One IPv6 host can use any address of its /64 (privacy extensions hand them
/// out freely), so counting per full address would give an attacker a fresh
/// counter per guess. IPv6 clients are counted by /64, like rate limiters in
/// front of most services; an IPv4-mapped address counts as its IPv4 address.
pub(crate) fn client(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

fn keys(email: Option<&str>, ip: IpAddr) -> Vec<(Key, u32, Duration)> {
    let ip = client(ip);
    let mut keys = vec![(Key::Address(ip), ADDRESS_FREE, ADDRESS_MAX_DELAY)];
    if let Some(e) = email {
        keys.push((Key::Pair(e.to_string(), ip), PAIR_FREE, PAIR_MAX_DELAY));
        keys.push((Key::Email(e.to_string()), EMAIL_FREE, EMAIL_MAX_DELAY));
    }
    keys
}

impl Throttle {
    pub fn new() -> Throttle {
        Throttle::default()
    }

    /// `Err(seconds to wait)` while any counter for this attempt is blocking.
    pub fn check(&self, email: Option<&str>, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        let wait = keys(email, ip)
            .iter()
            .filter_map(|(k, _, _)| counters.get(k))
            .map(|c| c.blocked_until.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if wait.is_zero() {
            Ok(())
        } else {
            // Round up: "retry after 0 seconds" would invite an instant retry.
            Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        }
    }

    /// Records a failed attempt.
    pub fn failed(&self, email: Option<&str>, ip: IpAddr) {
        let now = Instant::now();
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        if counters.len() >= MAX_ENTRIES {
            counters.retain(|_, c| now.duration_since(c.last_failure) < FORGET_AFTER);
            if counters.len() >= MAX_ENTRIES {
                counters.clear();
            }
        }
        for (key, free, cap) in keys(email, ip) {
            let c = counters.entry(key).or_insert(Counter {
                failures: 0,
                last_failure: now,
                blocked_until: now,
            });
            if now.duration_since(c.last_failure) >= FORGET_AFTER {
                c.failures = 0;
            }
            c.failures += 1;
            c.last_failure = now;
            if c.failures > free {
                let exp = (c.failures - free - 1).min(16);
                c.blocked_until = now + Duration::from_secs(1 << exp).min(cap);
            }
        }
    }

    /// Records a success: the account's counters start over.
    pub fn succeeded(&self, email: &str, ip: IpAddr) {
        let ip = client(ip);
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        counters.remove(&Key::Pair(email.to_string(), ip));
        counters.remove(&Key::Email(email.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const ELSEWHERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn an_account_is_slowed_from_one_address_after_the_free_failures() {
        let t = Throttle::new();
        for _ in 0..PAIR_FREE {
            assert!(t.check(Some("a@x"), HOME).is_ok());
            t.failed(Some("a@x"), HOME);
        }
        assert!(
            t.check(Some("a@x"), HOME).is_ok(),
            "the free failures cost nothing"
        );
        t.failed(Some("a@x"), HOME);
        assert_eq!(t.check(Some("a@x"), HOME), Err(1));
        t.failed(Some("a@x"), HOME);
        assert_eq!(t.check(Some("a@x"), HOME), Err(2), "back-off doubles");
    }

    #[test]
    fn the_owner_elsewhere_is_not_locked_out_by_someone_guessing() {
        let t = Throttle::new();
        for _ in 0..PAIR_FREE + 3 {
            t.failed(Some("a@x"), HOME);
        }
        assert!(t.check(Some("a@x"), ELSEWHERE).is_ok());
        assert!(
            t.check(Some("b@x"), HOME).is_ok(),
            "other accounts from there too"
        );
    }

    #[test]
    fn many_failures_on_one_account_wait_at_most_a_minute() {
        let t = Throttle::new();
        for _ in 0..200 {
            t.failed(Some("a@x"), ELSEWHERE);
        }
        let wait = t.check(Some("a@x"), HOME).unwrap_err();
        assert!(wait <= EMAIL_MAX_DELAY.as_secs(), "{wait}");
    }

    #[test]
    fn rotating_ipv6_addresses_inside_one_64_does_not_reset_the_counters() {
        let t = Throttle::new();
        for i in 0..=PAIR_FREE {
            let ip: IpAddr = format!("2001:db8:1:2::{:x}", i + 1).parse().unwrap();
            t.failed(Some("a@x"), ip);
        }
        let fresh: IpAddr = "2001:db8:1:2:dead:beef:0:1".parse().unwrap();
        assert!(
            t.check(Some("a@x"), fresh).is_err(),
            "another address of the same /64 is the same client"
        );
        let neighbour: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(
            t.check(Some("a@x"), neighbour).is_ok(),
            "another /64 is not"
        );
    }

    #[test]
    fn an_ipv4_mapped_address_is_the_same_client_as_its_ipv4_address() {
        let t = Throttle::new();
        for _ in 0..=PAIR_FREE {
            t.failed(Some("a@x"), HOME);
        }
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(t.check(Some("a@x"), mapped).is_err());
    }

    #[test]
    fn a_success_clears_the_account() {
        let t = Throttle::new();
        for _ in 0..PAIR_FREE + 1 {
            t.failed(Some("a@x"), HOME);
        }
        t.succeeded("a@x", HOME);
        assert!(t.check(Some("a@x"), HOME).is_ok());
    }
}
