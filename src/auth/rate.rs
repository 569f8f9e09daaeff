//! Rate limits on attempts, successful or not: sign-ins per account and per
//! address, and organizations created per address.
//!
//! [`super::throttle`] slows *failed* sign-ins. That leaves a script with one
//! valid password free to sign in as fast as the server hashes, spending the
//! machine on Argon2; and with `--open-signup`, free to create organizations in
//! a loop. A [`RateLimit`] counts every attempt that would hash, before it hashes.
//!
//! # Security
//! Each key (an account's e-mail, or a client address counted like
//! [`super::throttle`] does: IPv4, or the IPv6 /64) has a token bucket: `burst`
//! attempts at once, then one more every `every`. An empty bucket answers
//! "retry after N seconds" (429) without hashing. Limits are generous enough
//! that a person never meets them: ten sign-ins in a row to one account, an
//! office of people signing in behind one address at the start of the day.
//! State lives in memory; a restart forgives everyone.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept at most; full ones (which equal a fresh bucket) are pruned first.
pub const MAX_ENTRIES: usize = 100_000;

/// Sign-ins to one account: 10 at once, then one every 6 seconds (10 a minute).
pub const ACCOUNT_SIGN_INS: (u32, Duration) = (10, Duration::from_secs(6));
/// Sign-ins from one address, any accounts: 60 at once, then 2 a second.
pub const ADDRESS_SIGN_INS: (u32, Duration) = (60, Duration::from_millis(500));
/// Organizations created from one address: 3 at once, then one every 10 minutes.
pub const ADDRESS_ORGS: (u32, Duration) = (3, Duration::from_secs(600));

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: u32,
    /// When `tokens` was last brought up to date.
    refilled: Instant,
}

/// One token bucket per key.
pub struct RateLimit<K> {
    burst: u32,
    every: Duration,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: std::hash::Hash + Eq + Clone> RateLimit<K> {
    /// `burst` attempts at once, then one every `every`.
    pub fn new((burst, every): (u32, Duration)) -> RateLimit<K> {
        RateLimit {
            burst,
            every,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt for `key` at `now`, or `Err(seconds until the next)`.
    pub fn take(&self, key: &K, now: Instant) -> Result<(), u64> {
        self.take_all(&[key], now)
    }

    /// Takes one attempt from each key's bucket, or from none when any is empty.
    pub fn take_all(&self, keys: &[&K], now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_ENTRIES {
            buckets.retain(|_, b| self.refill(*b, now).tokens < self.burst);
            if buckets.len() >= MAX_ENTRIES {
                buckets.clear();
            }
        }
        let mut wait = Duration::ZERO;
        for key in keys {
            let b = buckets.get(*key).map_or(
                Bucket {
                    tokens: self.burst,
                    refilled: now,
                },
                |b| self.refill(*b, now),
            );
            if b.tokens == 0 {
                wait = wait.max((b.refilled + self.every).saturating_duration_since(now));
            }
            buckets.insert((*key).clone(), b);
        }
        if !wait.is_zero() {
            // Round up: "retry after 0 seconds" would invite an instant retry.
            return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        }
        for key in keys {
            if let Some(b) = buckets.get_mut(*key) {
                b.tokens -= 1;
            }
        }
        Ok(())
    }

    /// The bucket with the tokens earned since it was last refilled.
    fn refill(&self, b: Bucket, now: Instant) -> Bucket {
        let every = self.every.as_nanos().max(1);
        let earned = now.saturating_duration_since(b.refilled).as_nanos() / every;
        let earned = u32::try_from(earned).unwrap_or(u32::MAX);
        if b.tokens.saturating_add(earned) >= self.burst {
            return Bucket {
                tokens: self.burst,
                refilled: now,
            };
        }
        Bucket {
            tokens: b.tokens + earned,
            refilled: b.refilled + self.every * earned,
        }
    }
}

/// What a sign-in attempt is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    Account(String),
    Address(IpAddr),
}

/// Sign-in attempts, per account and per address.
pub struct SignInRate {
    accounts: RateLimit<Who>,
    addresses: RateLimit<Who>,
}

impl Default for SignInRate {
    fn default() -> SignInRate {
        SignInRate {
            accounts: RateLimit::new(ACCOUNT_SIGN_INS),
            addresses: RateLimit::new(ADDRESS_SIGN_INS),
        }
    }
}

impl SignInRate {
    /// Counts a sign-in to `account` from `ip` at `now`, or `Err(seconds)`.
    /// An attempt refused by one limit is not counted by the other.
    pub fn take(&self, account: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let address = Who::Address(super::throttle::client(ip));
        self.addresses.take(&address, now)?;
        self.accounts
            .take(&Who::Account(account.to_string()), now)
            .inspect_err(|_| self.addresses.give_back(&address))
    }
}

impl SignInRate {
    /// Returns the attempt [`SignInRate::take`] counted, for a sign-in that
    /// was then turned away without hashing (the hasher was busy): the person
    /// retrying should not be punished for the server being full.
    pub fn give_back(&self, account: &str, ip: IpAddr) {
        self.addresses
            .give_back(&Who::Address(super::throttle::client(ip)));
        self.accounts.give_back(&Who::Account(account.to_string()));
    }
}

impl<K: std::hash::Hash + Eq + Clone> RateLimit<K> {
    /// Returns an attempt taken for a request that was then refused elsewhere.
    fn give_back(&self, key: &K) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = buckets.get_mut(key) {
            b.tokens = (b.tokens + 1).min(self.burst);
        }
    }
}

/// Organizations created per client address.
pub struct OrgCreationRate(RateLimit<IpAddr>);

impl Default for OrgCreationRate {
    fn default() -> OrgCreationRate {
        OrgCreationRate(RateLimit::new(ADDRESS_ORGS))
    }
}

impl OrgCreationRate {
    /// Counts one creation from `ip` at `now`, or `Err(seconds)`.
    pub fn take(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        self.0.take(&super::throttle::client(ip), now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));

    #[test]
    fn a_burst_is_allowed_then_one_per_interval() {
        let limit = RateLimit::new((3, Duration::from_secs(10)));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limit.take(&"k", t0).is_ok());
        }
        assert_eq!(limit.take(&"k", t0), Err(10));
        assert_eq!(limit.take(&"k", t0 + Duration::from_millis(9_500)), Err(1));
        assert!(limit.take(&"k", t0 + Duration::from_secs(10)).is_ok());
        assert!(limit.take(&"k", t0 + Duration::from_secs(11)).is_err());
        assert!(limit.take(&"other", t0).is_ok(), "keys are independent");
    }

    #[test]
    fn a_quiet_key_earns_back_its_whole_burst_and_no_more() {
        let limit = RateLimit::new((2, Duration::from_secs(1)));
        let t0 = Instant::now();
        assert!(limit.take(&"k", t0).is_ok());
        assert!(limit.take(&"k", t0).is_ok());
        let later = t0 + Duration::from_secs(3600);
        assert!(limit.take(&"k", later).is_ok());
        assert!(limit.take(&"k", later).is_ok());
        assert!(limit.take(&"k", later).is_err());
    }

    #[test]
    fn one_address_signing_in_to_many_accounts_is_limited_too() {
        let rate = SignInRate::default();
        let now = Instant::now();
        for i in 0..ADDRESS_SIGN_INS.0 {
            assert!(rate.take(&format!("user{i}@x"), HOME, now).is_ok());
        }
        assert!(rate.take("fresh@x", HOME, now).is_err());
        let elsewhere: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(rate.take("fresh@x", elsewhere, now).is_ok());
    }

    #[test]
    fn an_account_refused_does_not_use_up_the_address() {
        let rate = SignInRate::default();
        let now = Instant::now();
        for _ in 0..ACCOUNT_SIGN_INS.0 {
            assert!(rate.take("a@x", HOME, now).is_ok());
        }
        for _ in 0..100 {
            assert!(rate.take("a@x", HOME, now).is_err());
        }
        assert!(
            rate.take("b@x", HOME, now).is_ok(),
            "colleagues still sign in"
        );
    }

    #[test]
    fn organizations_from_one_address_are_limited() {
        let rate = OrgCreationRate::default();
        let now = Instant::now();
        for _ in 0..ADDRESS_ORGS.0 {
            assert!(rate.take(HOME, now).is_ok());
        }
        assert!(rate.take(HOME, now).is_err());
    }
}
