//! Password hashing with Argon2id: the hashing itself, into memory the caller
//! lends. [`super::hasher::Hasher`] decides when a request may hash and owns the
//! memory; this file only turns passwords into PHC strings and checks them.
//!
//! # Security
//! - Argon2id with the `argon2` crate's defaults, which are OWASP's minimum
//!   (19 MiB memory, 2 iterations, 1 lane), a random 128-bit salt per password,
//!   stored as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) so parameters
//!   can be raised later and old hashes still verify: [`verify_in`] reads the
//!   algorithm, version and parameters from the stored string.
//! - A check compares digests in constant time.
//! - Hashing into caller-provided blocks (`hash_password_into_with_memory`)
//!   instead of the crate's own 19 MiB allocation per call is what keeps
//!   memory bounded: the allocator keeps freed big blocks per thread, so
//!   allocating per hash grew the process by 19 MiB for every worker that ever
//!   hashed.

use crate::domain::Password;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// 1 KiB Argon2 blocks one hash with our parameters needs (19,456: 19 MiB).
pub const BLOCKS: usize = Params::DEFAULT_M_COST as usize;

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

impl From<argon2::Error> for HashError {
    fn from(e: argon2::Error) -> HashError {
        HashError::Failed(e.to_string())
    }
}

impl From<argon2::password_hash::Error> for HashError {
    fn from(e: argon2::password_hash::Error) -> HashError {
        HashError::Failed(e.to_string())
    }
}

/// Fresh memory for one hash. Allocated once per hashing slot and reused.
pub fn new_blocks() -> Vec<Block> {
    vec![Block::new(); BLOCKS]
}

/// The PHC string for a new password, outside any server (`seed-demo`, tests):
/// allocates its own memory.
pub fn hash(password: &Password) -> Result<String, HashError> {
    hash_in(password, &mut new_blocks())
}

/// The PHC string for a new password, computed in `memory`.
pub fn hash_in(password: &Password, memory: &mut [Block]) -> Result<String, HashError> {
    let mut raw_salt = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw_salt);
    let salt = SaltString::encode_b64(&raw_salt)?;
    let params = Params::default();
    let mut digest = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.as_str().as_bytes(),
            &raw_salt,
            &mut digest,
            memory,
        )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&digest)?),
    };
    Ok(phc.to_string())
}

/// Whether `candidate` matches the stored PHC string, checked outside any
/// server: allocates its own memory.
pub fn verify(candidate: &str, phc: &str) -> Result<bool, HashError> {
    verify_in(candidate, phc, &mut new_blocks())
}

/// Whether `candidate` matches the stored PHC string, computed in `memory` (or,
/// for a stored hash with more memory than ours, in a one-off allocation). A
/// candidate over the length ceiling never matches (and is not hashed).
pub fn verify_in(candidate: &str, phc: &str, memory: &mut [Block]) -> Result<bool, HashError> {
    if candidate.len() > crate::domain::account::PASSWORD_MAX_BYTES {
        return Ok(false);
    }
    let Some(stored) = Stored::parse(phc) else {
        log::error!("a stored password hash is not an Argon2 PHC string");
        return Ok(false);
    };
    let mut digest = vec![0u8; stored.digest.len()];
    let argon = Argon2::new(stored.algorithm, stored.version, stored.params.clone());
    let pwd = candidate.as_bytes();
    let needed = stored.params.block_count();
    match memory.get_mut(..needed) {
        Some(m) => argon.hash_password_into_with_memory(pwd, &stored.salt, &mut digest, m)?,
        None => argon.hash_password_into_with_memory(
            pwd,
            &stored.salt,
            &mut digest,
            vec![Block::new(); needed],
        )?,
    }
    Ok(super::constant_time_eq(&digest, &stored.digest))
}

/// A parsed PHC string: what to hash with and what to compare against.
struct Stored {
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Vec<u8>,
    digest: Vec<u8>,
}

impl Stored {
    fn parse(phc: &str) -> Option<Stored> {
        let parsed = PasswordHash::new(phc).ok()?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed).ok()?;
        let mut buf = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut buf).ok()?.to_vec();
        let digest = parsed.hash?.as_bytes().to_vec();
        Some(Stored {
            algorithm,
            version,
            params,
            salt,
            digest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier};

    #[test]
    fn a_hash_is_argon2id_with_owasp_parameters_and_verifies_only_its_password() {
        let p = Password::try_from("correct horse battery").unwrap();
        let mut memory = new_blocks();
        let phc = hash_in(&p, &mut memory).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_in("correct horse battery", &phc, &mut memory).unwrap());
        assert!(!verify_in("correct horse batterY", &phc, &mut memory).unwrap());
        assert_ne!(
            phc,
            hash_in(&p, &mut memory).unwrap(),
            "each hash has its own salt"
        );
    }

    #[test]
    fn hashes_made_by_the_crate_itself_verify_and_ours_verify_with_the_crate() {
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(verify("correct horse battery", &theirs).unwrap());
        let p = Password::try_from("correct horse battery").unwrap();
        let ours = hash(&p).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
    }

    #[test]
    fn stored_hashes_with_other_parameters_still_verify() {
        let params = Params::new(8 * 1024, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let mut small = vec![Block::new(); 16];
        assert!(verify_in("correct horse battery", &phc, &mut small).unwrap());
    }

    #[test]
    fn oversized_candidates_and_garbage_hashes_never_match() {
        let mut memory = new_blocks();
        assert!(!verify_in(&"x".repeat(2000), "$argon2id$whatever", &mut memory).unwrap());
        assert!(!verify_in("anything at all", "not a phc string", &mut memory).unwrap());
    }
}
