//! Security: password hashing, session tokens, cookies, CSRF checks and sign-in
//! throttling, and the guards endpoints call first ([`guard`]).
//!
//! A request's way through here: `api::App` runs [`csrf::check`] on every
//! state-changing request before dispatch; the endpoint then calls a guard (through
//! `api::guard`), which reads the `hd_session` cookie, looks up the SHA-256 of the
//! token, checks expiry and returns the domain [`Actor`](crate::domain::Actor)
//! that every store function takes. A script sends a personal API token instead
//! (`Authorization: Bearer`, see [`bearer`]), which the same guards accept.
//!
//! This module knows the database (sessions live there) but not HTTP answers:
//! it refuses with its own [`AuthError`], which `api/` maps to a response in one
//! `From`. It never imports `api/`.

pub mod bearer;
pub mod csrf;
pub mod error;
pub mod guard;
pub mod hasher;
pub mod password;
pub mod rate;
pub mod semaphore;
pub mod session;
pub mod throttle;

pub use error::AuthError;
pub use guard::{SessionPolicy, SignedIn};
pub use session::{SessionHash, SessionToken};

/// Lowercase hex of some bytes (tokens and digests).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Compares secrets in time that depends only on their lengths, so a network
/// timer cannot learn how many leading characters of a guess were right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The stored form of a random secret (a one-time link's token): its SHA-256 in
/// hex. A fast hash is enough for 256 random bits: there is nothing to guess.
pub fn digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(secret.as_bytes()))
}

/// 256 bits from the operating system's CSPRNG, as 64 hex characters.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}
