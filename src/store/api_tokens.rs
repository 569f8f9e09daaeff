//! Personal API tokens: one row per token, keyed by the SHA-256 of its secret
//! (which `auth::bearer` computes; the secret itself is never stored).
//!
//! [`find`] runs before anyone is known (it is how a bearer request finds its
//! person), so it takes a hash. Everything else takes the acting [`Actor`]: a
//! person lists and revokes their own tokens; an admin lists and revokes any in
//! their organization, never beyond it.

use super::row::At;
use super::StoreError;
use crate::domain::{Actor, OrgId, Role, Tier, UserId};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// What a token may do: read only (GET and HEAD), or read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

/// A token as the bearer guard needs it, with its owner's powers.
#[derive(Debug, Clone)]
pub struct TokenAuth {
    pub id: i64,
    pub user_id: UserId,
    pub org_id: OrgId,
    pub role: Role,
    pub tier: Option<Tier>,
    pub scope: Scope,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    pub last_used_at: Option<i64>,
}

/// A token as its owner (or an admin) sees it: never the secret.
#[derive(Debug, Clone, Serialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub user: super::tickets::Named,
}

/// The token with this hash and its owner, if the owner is still active.
/// Revoked and expired tokens are returned too: the guard tells them apart.
pub fn find(conn: &Connection, hash: &str) -> Result<Option<TokenAuth>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT t.id, t.user_id, u.org_id, u.role, u.tier, t.scope, t.expires_at,
                    t.revoked_at IS NOT NULL, t.last_used_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ?1 AND u.active = 1",
        )?
        .query_row([hash], |r| {
            let id: i64 = r.get(0)?;
            let at = At::new("api_tokens", id);
            let scope: String = r.get(5)?;
            Ok(TokenAuth {
                id,
                user_id: UserId(r.get(1)?),
                org_id: OrgId(r.get(2)?),
                role: super::users::role_col(r, 3, at)?,
                tier: super::users::tier_col(r, 4, at)?,
                scope: at.some("scope", scope.clone(), Scope::parse(&scope))?,
                expires_at: r.get(6)?,
                revoked: r.get(7)?,
                last_used_at: r.get(8)?,
            })
        })
        .optional()?)
}

/// A new token's fields.
pub struct NewToken<'a> {
    pub name: &'a str,
    pub hash: &'a str,
    pub scope: Scope,
    pub expires_at: Option<i64>,
}

/// Stores a token for the acting person and returns it as listed.
pub fn create(
    conn: &Connection,
    actor: &Actor,
    t: &NewToken<'_>,
    now: i64,
) -> Result<TokenRow, StoreError> {
    conn.execute(
        "INSERT INTO api_tokens (org_id, user_id, name, token_hash, scope, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            actor.org_id.0,
            super::person(actor),
            t.name,
            t.hash,
            t.scope.as_str(),
            now,
            t.expires_at
        ],
    )?;
    let id = conn.last_insert_rowid();
    get(conn, actor, id, true)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

const COLUMNS: &str = "t.id, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at,
                       t.revoked_at, u.id, u.name";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRow> {
    let id: i64 = r.get(0)?;
    let scope: String = r.get(2)?;
    Ok(TokenRow {
        id,
        name: r.get(1)?,
        scope: At::new("api_tokens", id).some("scope", scope.clone(), Scope::parse(&scope))?,
        created_at: r.get(3)?,
        expires_at: r.get(4)?,
        last_used_at: r.get(5)?,
        revoked_at: r.get(6)?,
        user: super::tickets::Named {
            id: r.get(7)?,
            name: r.get(8)?,
        },
    })
}

/// The token `id` if the actor may manage it: their own (`own_only`), or for an
/// admin anyone's in the organization.
pub fn get(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    own_only: bool,
) -> Result<Option<TokenRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.id = ?1 AND t.org_id = ?2 AND (?3 = 0 OR t.user_id = ?4)"
    );
    Ok(conn
        .query_row(
            &sql,
            params![id, actor.org_id.0, own_only, super::person(actor)],
            from_row,
        )
        .optional()?)
}

/// The actor's own tokens (`own_only`), or every token of the organization,
/// newest first.
pub fn list(conn: &Connection, actor: &Actor, own_only: bool) -> Result<Vec<TokenRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.org_id = ?1 AND (?2 = 0 OR t.user_id = ?3) ORDER BY t.id DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![actor.org_id.0, own_only, super::person(actor)],
        from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes token `id` (already checked with [`get`]); revoking twice keeps the
/// first time.
pub fn revoke(conn: &Connection, actor: &Actor, id: i64, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND org_id = ?2",
        params![id, actor.org_id.0, now],
    )?;
    Ok(())
}

/// Records a use of token `id` at `now` (the guard throttles how often).
pub fn touch(conn: &Connection, id: i64, now: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}
