//! Organizations: the tenants. [`create_org`] is the one place an organization
//! comes into being (setup, `POST /api/organizations`, demo seeding), so anything
//! a new organization needs (default categories, SLA targets) is added there.

use super::StoreError;
use crate::domain::org::{slugify, JOIN_CODE_LEN};
use crate::domain::Actor;
use crate::domain::{JoinCode, OrgId, OrgName};
use rusqlite::{Connection, OptionalExtension, Row};

/// An organization. The join code is a secret for its admins; the API decides
/// who sees it.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub join_code: String,
    pub created_at: i64,
    /// The IANA zone an admin set; `None` follows the server's zone.
    pub time_zone: Option<String>,
    /// Automatic assignment on for the organization.
    pub auto_assign: bool,
}

const COLUMNS: &str = "id, name, slug, join_code, created_at, time_zone, auto_assign";

fn from_row(r: &Row) -> rusqlite::Result<Org> {
    Ok(Org {
        id: OrgId(r.get(0)?),
        name: r.get(1)?,
        slug: r.get(2)?,
        join_code: r.get(3)?,
        created_at: r.get(4)?,
        time_zone: r.get(5)?,
        auto_assign: r.get(6)?,
    })
}

fn new_join_code() -> JoinCode {
    use rand::RngCore;
    let mut bytes = [0u8; JOIN_CODE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    JoinCode::from_random(&bytes)
}

/// True once any organization exists (first-run setup is then over for good).
pub fn any_exists(conn: &Connection) -> Result<bool, StoreError> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM organizations)", [], |r| {
            r.get(0)
        })?,
    )
}

/// Creates an organization with a unique slug and a fresh join code. Run inside
/// the write transaction that also creates its first admin.
///
/// Hook: per-organization defaults (ticket categories, ...) are seeded here.
pub fn create_org(conn: &Connection, name: &OrgName, now: i64) -> Result<Org, StoreError> {
    let base = slugify(name.as_str());
    let mut slug = base.clone();
    let mut n = 2;
    while conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM organizations WHERE slug = ?1)",
        [&slug],
        |r| r.get::<_, bool>(0),
    )? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    conn.execute(
        "INSERT INTO organizations (name, slug, join_code, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![name.as_str(), slug, new_join_code().as_str(), now],
    )?;
    let id = OrgId(conn.last_insert_rowid());
    super::categories::seed_defaults(conn, id, now)?;
    super::report_rollup::sync_org(conn, id)?;
    by_id(conn, id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

fn by_id(conn: &Connection, id: OrgId) -> Result<Option<Org>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE id = ?1");
    Ok(conn.query_row(&sql, [id.0], from_row).optional()?)
}

/// The organization that owns a join code (registration, before sign-in).
pub fn by_join_code(conn: &Connection, code: &JoinCode) -> Result<Option<Org>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE join_code = ?1");
    Ok(conn.query_row(&sql, [code.as_str()], from_row).optional()?)
}

/// A user's organization, for sign-in answers (before an actor exists).
pub fn of_user_org(conn: &Connection, id: OrgId) -> Result<Org, StoreError> {
    by_id(conn, id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// The actor's organization.
pub fn get(conn: &Connection, actor: &Actor) -> Result<Org, StoreError> {
    of_user_org(conn, actor.org_id)
}

pub fn rename(conn: &Connection, actor: &Actor, name: &OrgName) -> Result<Org, StoreError> {
    conn.execute(
        "UPDATE organizations SET name = ?2 WHERE id = ?1",
        rusqlite::params![actor.org_id.0, name.as_str()],
    )?;
    get(conn, actor)
}

/// Sets the organization's IANA zone (checked by the caller); `None` follows
/// the server's zone.
pub fn set_time_zone(conn: &Connection, actor: &Actor, tz: Option<&str>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE organizations SET time_zone = ?2 WHERE id = ?1",
        rusqlite::params![actor.org_id.0, tz],
    )?;
    // Reports move to the new zone's local days (a rebuild of the rollup).
    super::report_rollup::sync_org(conn, actor.org_id)?;
    Ok(())
}

/// Replaces the join code; the old one stops working at once.
pub fn rotate_join_code(conn: &Connection, actor: &Actor) -> Result<Org, StoreError> {
    conn.execute(
        "UPDATE organizations SET join_code = ?2 WHERE id = ?1",
        rusqlite::params![actor.org_id.0, new_join_code().as_str()],
    )?;
    get(conn, actor)
}
