//! Password hashing with Argon2id.
//!
//! # Security
//! - Argon2id with the `argon2` crate's defaults, which are OWASP's minimum
//!   (19 MiB memory, 2 iterations, 1 lane), a random salt per password, stored as
//!   a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) so parameters can be
//!   raised later and old hashes still verify.
//! - At most [`CONCURRENT_HASHES`] hashes run at once and at most [`MAX_WAITING`]
//!   more wait, each for at most [`HASH_PATIENCE`] (see [`super::semaphore`]);
//!   beyond that the answer is [`HashError::Busy`], sent as 503 with `Retry-After`.
//! - [`verify_unknown`] spends one verification against a fixed dummy hash when
//!   the e-mail is unknown, so the answer takes as long as for a real account.

use super::semaphore::Semaphore;
use crate::domain::Password;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::OnceLock;
use std::time::Duration;

/// Hashes allowed at once: two keeps memory under 40 MiB and leaves workers free.
pub const CONCURRENT_HASHES: usize = 2;

/// Sign-ins allowed to wait for a hashing slot. Each waiter holds a worker thread,
/// so however large a flood, at most `CONCURRENT_HASHES + MAX_WAITING` workers are
/// busy with passwords; a normal morning rush of sign-ins fits easily.
pub const MAX_WAITING: usize = 8;
/// How long a sign-in waits for a hashing slot before it is told to retry.
pub const HASH_PATIENCE: Duration = Duration::from_secs(5);

static PERMITS: Semaphore = Semaphore::new(CONCURRENT_HASHES);

/// Why a password could not be hashed or checked.
#[derive(Debug)]
pub enum HashError {
    /// Too many hashes running and waiting: try again in a moment.
    Busy,
    /// The crate refused (in practice never: it reports parameter errors).
    Failed(String),
}

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HashError::Busy => f.write_str("too many password checks at once"),
            HashError::Failed(why) => write!(f, "password hashing failed: {why}"),
        }
    }
}

impl std::error::Error for HashError {}

/// The PHC string for a new password.
pub fn hash(password: &Password) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let _permit = PERMITS
        .try_acquire(MAX_WAITING, HASH_PATIENCE)
        .ok_or(HashError::Busy)?;
    Argon2::default()
        .hash_password(password.as_str().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Failed(e.to_string()))
}

/// Whether `candidate` matches the stored PHC string. A candidate over the length
/// ceiling never matches (and is not hashed).
pub fn verify(candidate: &str, phc: &str) -> Result<bool, HashError> {
    if candidate.len() > crate::domain::account::PASSWORD_MAX_BYTES {
        return Ok(false);
    }
    let Ok(parsed) = PasswordHash::new(phc) else {
        log::error!("a stored password hash is not a PHC string");
        return Ok(false);
    };
    let _permit = PERMITS
        .try_acquire(MAX_WAITING, HASH_PATIENCE)
        .ok_or(HashError::Busy)?;
    Ok(Argon2::default()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok())
}

/// Spends the same effort as [`verify`] for an account that does not exist.
pub fn verify_unknown(candidate: &str) -> Result<(), HashError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        let random = super::random_token();
        Password::try_from(random.as_str())
            .ok()
            .and_then(|p| hash(&p).ok())
            .unwrap_or_default()
    });
    verify(candidate, dummy).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_with_owasp_parameters_and_verifies_only_its_password() {
        let p = Password::try_from("correct horse battery").unwrap();
        let phc = hash(&p).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc).unwrap());
        assert!(!verify("correct horse batterY", &phc).unwrap());
        assert_ne!(phc, hash(&p).unwrap(), "each hash has its own salt");
    }

    #[test]
    fn oversized_candidates_and_garbage_hashes_never_match() {
        assert!(!verify(&"x".repeat(2000), "$argon2id$whatever").unwrap());
        assert!(!verify("anything at all", "not a phc string").unwrap());
    }
}
