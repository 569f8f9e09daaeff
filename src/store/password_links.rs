//! One-time links that let a person set their password: an invitation for
//! someone an admin created, or a reset an admin made for someone who forgot
//! theirs (this works without e-mail: the admin hands the link over).
//!
//! Like sessions and API tokens, only the SHA-256 of a link's token is stored.
//! A link is used once, expires, and a new link for the same person replaces
//! the old one.

use super::StoreError;
use crate::domain::{OrgId, UserId};
use rusqlite::{params, Connection, OptionalExtension};

/// A link found by its token's hash.
#[derive(Debug, Clone)]
pub struct LinkRow {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub name: String,
    pub purpose: String,
    pub expires_at: i64,
    pub used: bool,
}

/// Stores a new link for `user`. With `replace_earlier` (an admin making a
/// link to hand over) the person's other links stop working; without it (an
/// anonymous "forgot password", which anyone can ask for anyone's address)
/// they stay, so a stranger cannot cancel an invitation or an admin's reset
/// link. Used and expired links are cleared either way.
pub fn create(
    conn: &Connection,
    user: UserId,
    hash: &str,
    purpose: &str,
    (now, expires_at): (i64, i64),
    replace_earlier: bool,
) -> Result<(), StoreError> {
    if replace_earlier {
        conn.execute("DELETE FROM password_links WHERE user_id = ?1", [user.0])?;
    } else {
        conn.execute(
            "DELETE FROM password_links
             WHERE user_id = ?1 AND (used_at IS NOT NULL OR expires_at <= ?2)",
            params![user.0, now],
        )?;
    }
    conn.execute(
        "INSERT INTO password_links (token_hash, user_id, purpose, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![hash, user.0, purpose, now, expires_at],
    )?;
    Ok(())
}

/// The link with this hash, if its person is active. Runs before anyone is
/// signed in (it is how they get in), so it takes a hash, not an actor.
pub fn find(conn: &Connection, hash: &str) -> Result<Option<LinkRow>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT l.user_id, u.org_id, u.name, l.purpose, l.expires_at, l.used_at IS NOT NULL
             FROM password_links l JOIN users u ON u.id = l.user_id
             WHERE l.token_hash = ?1 AND u.active = 1",
            [hash],
            |r| {
                Ok(LinkRow {
                    user_id: UserId(r.get(0)?),
                    org_id: OrgId(r.get(1)?),
                    name: r.get(2)?,
                    purpose: r.get(3)?,
                    expires_at: r.get(4)?,
                    used: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Marks the link used, and with it every other link of the same person: once
/// a password is set through one, the rest must not work any more.
pub fn mark_used(conn: &Connection, hash: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE password_links SET used_at = ?2
         WHERE used_at IS NULL
           AND user_id = (SELECT user_id FROM password_links WHERE token_hash = ?1)",
        params![hash, now],
    )?;
    Ok(())
}

/// Sets the password of `user` (the link's person) without an actor.
pub fn set_password(
    conn: &Connection,
    user: UserId,
    phc: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
        params![user.0, phc, now],
    )?;
    Ok(())
}
