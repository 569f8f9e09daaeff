//! Sessions: one row per signed-in browser, keyed by the SHA-256 of its token.
//!
//! These functions run before anyone is known to be signed in (they are how we
//! find out), so they take a session hash (the SHA-256 of the token in hex, which
//! `auth::session` computes) or a user id rather than an `Actor`.

use super::row::At;
use super::StoreError;
use crate::domain::{OrgId, Role, Tier, UserId};
use rusqlite::{Connection, OptionalExtension};

/// A live session and what the guard needs to know about its user.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub role: Role,
    pub tier: Option<Tier>,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// The session with this hash, if its user is still active.
pub fn find(conn: &Connection, hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let row = conn
        .query_row(
            "SELECT s.user_id, u.org_id, u.role, u.tier, s.created_at, s.last_seen_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND u.active = 1",
            [hash],
            |r| {
                Ok(SessionRow {
                    user_id: UserId(r.get(0)?),
                    org_id: OrgId(r.get(1)?),
                    role: super::users::role_col(r, 2, At::new("users", r.get(0)?))?,
                    tier: super::users::tier_col(r, 3, At::new("users", r.get(0)?))?,
                    created_at: r.get(4)?,
                    last_seen_at: r.get(5)?,
                })
            },
        )
        .optional()?;
    Ok(row)
}

pub fn create(conn: &Connection, hash: &str, user: UserId, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
        rusqlite::params![hash, user.0, now],
    )?;
    Ok(())
}

pub fn touch(conn: &Connection, hash: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        rusqlite::params![hash, now],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, hash: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash])?;
    Ok(())
}

/// Ends every session of a user (deactivation, role change).
pub fn delete_for_user(conn: &Connection, user: UserId) -> Result<usize, StoreError> {
    Ok(conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user.0])?)
}

/// Ends every session of a user but `keep` (password change).
pub fn delete_others(conn: &Connection, user: UserId, keep: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2",
        rusqlite::params![user.0, keep],
    )?)
}
