//! Personal API tokens on the wire: `Authorization: Bearer hdt_<64 hex>`.
//!
//! A script sends its token instead of a session cookie. [`authenticate`] finds
//! the token by the SHA-256 of its secret, refuses a revoked or expired one
//! (401), refuses a read-scoped token on a state-changing method (403), records
//! its last use at most once a minute, and hands back the owner's [`Actor`].
//!
//! # Security
//! - The secret is 256 bits from the operating system's CSPRNG, shown once at
//!   creation; only its SHA-256 is stored (a fast hash is enough for a random
//!   256-bit secret: there is nothing to guess).
//! - A bearer request carries no cookie, so a browser on another site cannot
//!   make one for the user: `api::App` skips the CSRF check only for a request
//!   that has a bearer token and no session cookie.
//! - A deactivated owner's tokens stop working with their sessions.

use super::AuthError;
use crate::domain::Actor;
use crate::http::Request;
use crate::store::api_tokens::{self, Scope, TokenAuth};
use crate::store::Db;
use sha2::{Digest, Sha256};

/// What every token starts with, so a leaked one is recognisable (secret
/// scanners, logs) and a session token is never mistaken for one.
pub const PREFIX: &str = "hdt_";

/// How often a token's `last_used_at` is written: a script polling every second
/// should not cost a disk sync per request.
pub const TOUCH_EVERY_MS: i64 = 60_000;

/// A new token: the secret to show once, and the hash to store.
pub struct NewSecret {
    pub secret: String,
    pub hash: String,
}

/// A fresh token secret and its hash.
pub fn generate() -> NewSecret {
    let secret = format!("{PREFIX}{}", super::random_token());
    let hash = hash(&secret);
    NewSecret { secret, hash }
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    super::hex(&Sha256::digest(secret.as_bytes()))
}

/// The `Authorization: Bearer` credential, if the request has one (any shape:
/// a malformed one is still a bearer request and answers 401, never a fall back
/// to cookies).
pub fn credential(req: &Request) -> Option<&str> {
    let value = req.header("authorization")?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(rest.trim())
}

/// True when the request authenticates with a bearer token and no session
/// cookie: the only requests that skip the CSRF check.
pub fn is_bearer_only(req: &Request) -> bool {
    credential(req).is_some() && super::SessionToken::from_request(req).is_none()
}

/// A bearer request's token, checked at `now` (ms), with its owner as the actor.
pub struct Authenticated {
    pub actor: Actor,
    pub token: TokenAuth,
    /// True when this use was recorded (the first in [`TOUCH_EVERY_MS`]); the
    /// audit log notes a token's first use of the day from it.
    pub touched: bool,
}

/// Checks the bearer token of `req` at `now`.
///
/// `NotSignedIn` (401) for an unknown, malformed, revoked or expired token or a
/// deactivated owner; `ReadOnlyToken` (403) for a read token on a method that
/// changes state.
pub fn authenticate(db: &Db, req: &Request, now: i64) -> Result<Authenticated, AuthError> {
    let secret = credential(req).ok_or(AuthError::NotSignedIn)?;
    if !well_formed(secret) {
        return Err(AuthError::NotSignedIn);
    }
    let token = db
        .read(|c| api_tokens::find(c, &hash(secret)))?
        .ok_or(AuthError::NotSignedIn)?;
    if token.revoked || token.expires_at.is_some_and(|at| at <= now) {
        return Err(AuthError::NotSignedIn);
    }
    if token.scope == Scope::Read && !super::csrf::is_safe(req.method) {
        return Err(AuthError::ReadOnlyToken);
    }
    let touched = token
        .last_used_at
        .map_or(true, |at| now - at >= TOUCH_EVERY_MS);
    if touched {
        db.write(|tx| api_tokens::touch(tx, token.id, now))?;
    }
    Ok(Authenticated {
        actor: Actor::person(token.user_id, token.org_id, token.role, token.tier),
        token,
        touched,
    })
}

fn well_formed(secret: &str) -> bool {
    secret
        .strip_prefix(PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_well_formed_and_hashes_to_what_is_stored() {
        let t = generate();
        assert!(well_formed(&t.secret));
        assert_eq!(hash(&t.secret), t.hash);
        assert_ne!(t.secret, generate().secret);
    }

    #[test]
    fn only_the_bearer_scheme_is_a_credential() {
        let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
        let mut req = Request::new(crate::http::Method::Get, "/api/me", peer);
        req.headers.append("Authorization", "Basic abc");
        assert_eq!(credential(&req), None);
        let mut req = Request::new(crate::http::Method::Get, "/api/me", peer);
        req.headers.append("Authorization", "bearer  hdt_x ");
        assert_eq!(credential(&req), Some("hdt_x"));
    }
}
