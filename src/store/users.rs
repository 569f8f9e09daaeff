//! Users: every query about people. Functions that serve a signed-in user take
//! the [`Actor`] and only ever see rows of the actor's organization; the few that
//! run before sign-in (registration, login, setup) say so.

use super::row::At;
use super::StoreError;
use crate::domain::Actor;
use crate::domain::{Email, Name, OrgId, Phone, Role, Tier, UserId};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;

/// A person, as the API shows them (never with the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    #[serde(skip)]
    pub org_id: OrgId,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub role: Role,
    pub tier: Option<Tier>,
    pub active: bool,
    pub created_at: i64,
}

const COLUMNS: &str = "id, org_id, name, email, phone, role, tier, active, created_at";

/// Column `i` as a role; `at` names the user row when it is not one.
pub(crate) fn role_col(r: &Row, i: usize, at: At) -> rusqlite::Result<Role> {
    let s: String = r.get(i)?;
    let parsed = Role::parse(&s);
    at.some("role", s, parsed)
}

/// Column `i` as an optional tier; `at` names the user row when it is not one.
pub(crate) fn tier_col(r: &Row, i: usize, at: At) -> rusqlite::Result<Option<Tier>> {
    let n: Option<i64> = r.get(i)?;
    n.map(|n| at.check("tier", Tier::try_from(n))).transpose()
}

fn from_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(r.get(0)?),
        org_id: OrgId(r.get(1)?),
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        role: role_col(r, 5, At::new("users", r.get(0)?))?,
        tier: tier_col(r, 6, At::new("users", r.get(0)?))?,
        active: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// A user about to be created.
pub struct NewUser<'a> {
    pub org_id: OrgId,
    pub name: &'a Name,
    pub email: &'a Email,
    pub role: Role,
    pub password_hash: &'a str,
}

/// Creates a user (registration, setup, a new organization's admin: before any
/// actor exists in that organization). A taken e-mail is `StoreError::Duplicate`.
pub fn insert(conn: &Connection, new: &NewUser, now: i64) -> Result<User, StoreError> {
    let tier = crate::domain::role::tier_for(new.role, None, None, None);
    conn.execute(
        "INSERT INTO users (org_id, name, email, role, tier, password_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        rusqlite::params![
            new.org_id.0,
            new.name.as_str(),
            new.email.as_str(),
            new.role.as_str(),
            tier.map(|t| t.get()),
            new.password_hash,
            now
        ],
    )?;
    by_id(conn, UserId(conn.last_insert_rowid()))?
        .ok_or_else(|| StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Sign-in lookup, before any actor exists: the user and their password hash.
pub fn credentials(conn: &Connection, email: &str) -> Result<Option<(User, String)>, StoreError> {
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = ?1");
    Ok(conn
        .query_row(&sql, [email], |r| Ok((from_row(r)?, r.get(9)?)))
        .optional()?)
}

fn by_id(conn: &Connection, id: UserId) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    Ok(conn.query_row(&sql, [id.0], from_row).optional()?)
}

/// A user of the actor's organization; `None` for missing and foreign ids alike.
pub fn get(conn: &Connection, actor: &Actor, id: UserId) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1 AND org_id = ?2");
    Ok(conn
        .query_row(&sql, [id.0, actor.org_id.0], from_row)
        .optional()?)
}

/// The actor themself.
pub fn me(conn: &Connection, actor: &Actor) -> Result<User, StoreError> {
    let none = || StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows);
    let id = actor.user_id().ok_or_else(none)?;
    get(conn, actor, id)?.ok_or_else(none)
}

/// A page of people and how many match in all.
pub struct UserPage {
    pub rows: Vec<User>,
    pub total: i64,
}

/// People of the actor's organization, optionally by role and a search over
/// name and e-mail, sorted by name; `limit` and `offset` page them.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    role: Option<Role>,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<UserPage, StoreError> {
    let pattern = q.map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
    let filter = "WHERE org_id = ?1 AND (?2 IS NULL OR role = ?2)
           AND (?3 IS NULL OR lower(name) LIKE ?3 ESCAPE '\\' OR email LIKE ?3 ESCAPE '\\')";
    let args = rusqlite::params![actor.org_id.0, role.map(Role::as_str), pattern];
    let total = conn.query_row(&format!("SELECT COUNT(*) FROM users {filter}"), args, |r| {
        r.get(0)
    })?;
    let sql = format!(
        "SELECT {COLUMNS} FROM users {filter} ORDER BY name COLLATE NOCASE, id LIMIT ?4 OFFSET ?5"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![
            actor.org_id.0,
            role.map(Role::as_str),
            pattern,
            limit,
            offset
        ],
        from_row,
    )?;
    Ok(UserPage {
        rows: rows.collect::<Result<_, _>>()?,
        total,
    })
}

/// Active agents and admins of the actor's organization.
pub fn agents(conn: &Connection, actor: &Actor) -> Result<Vec<User>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE org_id = ?1 AND active = 1 AND role IN ('agent', 'admin')
         ORDER BY name COLLATE NOCASE, id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([actor.org_id.0], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Active people of the actor's organization whose name or e-mail contains `q`
/// (case-insensitive; `%` and `_` are literal), sorted by name, at most `limit`:
/// the staff's people picker.
pub fn search_active(
    conn: &Connection,
    actor: &Actor,
    q: Option<&str>,
    limit: usize,
) -> Result<Vec<User>, StoreError> {
    let pattern = q.map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE org_id = ?1 AND active = 1
           AND (?2 IS NULL OR lower(name) LIKE ?2 ESCAPE '\\' OR email LIKE ?2 ESCAPE '\\')
         ORDER BY name COLLATE NOCASE, id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(rusqlite::params![actor.org_id.0, pattern, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Changes the actor's own name and phone.
pub fn update_profile(
    conn: &Connection,
    actor: &Actor,
    name: Option<&Name>,
    phone: Option<&Phone>,
    now: i64,
) -> Result<User, StoreError> {
    conn.execute(
        "UPDATE users SET name = coalesce(?3, name), phone = coalesce(?4, phone), updated_at = ?5
         WHERE id = ?1 AND org_id = ?2",
        rusqlite::params![
            super::person(actor),
            actor.org_id.0,
            name.map(Name::as_str),
            phone.map(Phone::as_str),
            now
        ],
    )?;
    me(conn, actor)
}

/// The actor's own password hash.
pub fn password_hash(conn: &Connection, actor: &Actor) -> Result<String, StoreError> {
    Ok(conn.query_row(
        "SELECT password_hash FROM users WHERE id = ?1 AND org_id = ?2",
        rusqlite::params![super::person(actor), actor.org_id.0],
        |r| r.get(0),
    )?)
}

pub fn set_password_hash(
    conn: &Connection,
    actor: &Actor,
    hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE users SET password_hash = ?3, updated_at = ?4 WHERE id = ?1 AND org_id = ?2",
        rusqlite::params![super::person(actor), actor.org_id.0, hash, now],
    )?;
    Ok(())
}

/// Active admins of the actor's organization other than `except`.
pub fn other_active_admins(
    conn: &Connection,
    actor: &Actor,
    except: UserId,
) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM users WHERE org_id = ?1 AND role = 'admin' AND active = 1 AND id <> ?2",
        [actor.org_id.0, except.0],
        |r| r.get(0),
    )?)
}

/// Sets a user's role, tier and active flag (an admin's change; the caller
/// checked the rules).
pub fn set_access(
    conn: &Connection,
    actor: &Actor,
    id: UserId,
    role: Role,
    tier: Option<Tier>,
    active: bool,
    now: i64,
) -> Result<Option<User>, StoreError> {
    conn.execute(
        "UPDATE users SET role = ?3, tier = ?4, active = ?5, updated_at = ?6 WHERE id = ?1 AND org_id = ?2",
        rusqlite::params![id.0, actor.org_id.0, role.as_str(), tier.map(|t| t.get()), active, now],
    )?;
    get(conn, actor, id)
}

/// Escapes `%`, `_` and `\` so a search for "50%" means the text "50%".
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
