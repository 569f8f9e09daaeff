//! Session tokens and the `hd_session` cookie.
//!
//! # Security
//! - A token is 256 bits from the OS CSPRNG, sent to the browser once in an
//!   `HttpOnly; SameSite=Lax; Path=/` cookie; scripts cannot read it and
//!   cross-site subrequests do not carry it.
//! - The database stores only the token's SHA-256 ([`SessionHash`]): a leaked
//!   backup or disk does not contain usable sessions. SHA-256 without a salt is
//!   enough here because the token is already 256 random bits; a slow hash only
//!   matters for low-entropy secrets like passwords.
//! - Sessions end after [`crate::config::Config::session_idle`] without use and
//!   [`crate::config::Config::session_max`] in all, whichever comes first.

use crate::http::Request;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub const COOKIE_NAME: &str = "hd_session";

/// The raw token, as the browser holds it. Never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// The SHA-256 of a token in hex: the sessions table's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionHash(pub String);

impl SessionToken {
    pub fn generate() -> SessionToken {
        SessionToken(super::random_token())
    }

    /// The token from the request's `Cookie` header, if it has a well-formed one.
    pub fn from_request(req: &Request) -> Option<SessionToken> {
        req.headers
            .get_all("cookie")
            .flat_map(|h| h.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE_NAME)
            .map(|(_, value)| value.trim())
            .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|v| SessionToken(v.to_string()))
    }

    pub fn hash(&self) -> SessionHash {
        SessionHash(super::hex(&Sha256::digest(self.0.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `Set-Cookie` for a new session. `secure` adds `Secure`; pass true once the
/// request came over TLS (the server has no TLS yet, so callers pass false).
pub fn set_cookie(token: &SessionToken, max_age: Duration, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}{}",
        token.0,
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether the request reached us over TLS (or a trusted proxy over TLS): then
/// the session cookie is `Secure`, so a browser never sends it in the clear.
pub fn came_over_tls(req: &Request) -> bool {
    req.secure
}

/// True when a session created at `created` and last used at `last_seen` (ms)
/// is past its idle or absolute lifetime at `now`.
pub fn is_expired(created: i64, last_seen: i64, now: i64, idle: Duration, max: Duration) -> bool {
    now - last_seen > idle.as_millis() as i64 || now - created > max.as_millis() as i64
}

/// Whether to record a use: not on every request (each would be a disk sync),
/// only once the last record is older than half the idle limit or a minute.
pub fn should_touch(last_seen: i64, now: i64, idle: Duration) -> bool {
    let every = (idle.as_millis() as i64 / 2).min(60_000);
    now - last_seen >= every
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn tokens_are_256_bits_and_differ_each_time() {
        let a = SessionToken::generate();
        assert_eq!(a.as_str().len(), 64);
        assert_ne!(a, SessionToken::generate());
        assert_ne!(a.hash().0, a.as_str(), "the stored form is not the token");
    }

    #[test]
    fn the_cookie_is_http_only_same_site_lax_and_site_wide() {
        let c = set_cookie(&SessionToken::generate(), Duration::from_secs(60), false);
        assert!(c.contains("; HttpOnly; SameSite=Lax; Path=/"));
        assert!(!c.contains("Secure"));
        assert!(
            set_cookie(&SessionToken::generate(), Duration::from_secs(60), true)
                .ends_with("; Secure")
        );
    }

    #[test]
    fn the_token_is_read_from_among_other_cookies() {
        let token = SessionToken::generate();
        let mut req = Request::new(
            crate::http::Method::Get,
            "/",
            SocketAddr::from(([127, 0, 0, 1], 1)),
        );
        req.headers.append(
            "Cookie",
            format!("theme=dark; hd_session={}", token.as_str()),
        );
        assert_eq!(SessionToken::from_request(&req), Some(token));
        req.headers.set("Cookie", "hd_session=not-a-token");
        assert_eq!(SessionToken::from_request(&req), None);
    }

    #[test]
    fn sessions_expire_when_idle_or_too_old() {
        let idle = Duration::from_secs(10);
        let max = Duration::from_secs(100);
        assert!(!is_expired(0, 0, 10_000, idle, max));
        assert!(is_expired(0, 0, 10_001, idle, max));
        assert!(is_expired(0, 95_000, 100_001, idle, max));
    }
}
