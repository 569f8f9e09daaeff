//! Knowledge-base articles and their revisions: all of their SQL.
//!
//! Every read filters by the actor's organization and, for requesters, by
//! audience `everyone` and status `published`, in the WHERE clause, so a
//! staff-only article is simply not there for a requester (the API answers 404).
//! Every save writes a revision row holding the saved state; restoring an old
//! revision saves its state again as a new revision, so nothing is ever lost.
//! The search index (`article_search`) follows by triggers (migration 007).

use super::row::At;
use super::tickets::Named;
use super::StoreError;
use crate::domain::article::{ArticleStatus, Audience, Tags};
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The SQL condition an article row `a` must meet for the actor: `?1` is the
/// organization, `?2` true for staff.
pub(crate) const VISIBLE: &str =
    "a.org_id = ?1 AND (?2 OR (a.audience = 'everyone' AND a.status = 'published'))";

/// The fields a person edits.
#[derive(Debug, Clone)]
pub struct ArticleFields {
    pub title: String,
    pub body: String,
    pub category_id: Option<i64>,
    pub tags: Tags,
    pub audience: Audience,
    pub status: ArticleStatus,
}

/// The ticket an article was drafted from.
#[derive(Debug, Clone, Serialize)]
pub struct TicketLink {
    pub number: i64,
    pub title: String,
}

/// An article as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: Option<Named>,
    pub tags: Vec<String>,
    pub audience: &'static str,
    pub status: &'static str,
    pub author: Named,
    /// Staff only (the API drops it for requesters).
    pub source_ticket: Option<TicketLink>,
    pub solved_count: i64,
    pub revision: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

/// One saved state in an article's history.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub revision: i64,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub audience: String,
    pub status: String,
    pub editor: Named,
    pub restored_from: Option<i64>,
    pub created_at: i64,
}

const SELECT: &str = "SELECT a.id, a.title, a.body, c.id, c.name, a.tags, a.audience, a.status,
        u.id, u.name, t.number, t.title, a.solved_count, a.revision, a.created_at,
        a.updated_at, a.published_at
    FROM articles a
    JOIN users u ON u.id = a.author_id
    LEFT JOIN categories c ON c.id = a.category_id
    LEFT JOIN tickets t ON t.id = a.source_ticket_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Article> {
    let at = At::new("articles", r.get(0)?);
    let audience: String = r.get(6)?;
    let status: String = r.get(7)?;
    let category = match r.get::<_, Option<i64>>(3)? {
        Some(id) => Some(Named {
            id,
            name: r.get(4)?,
        }),
        None => None,
    };
    let source_ticket = match r.get::<_, Option<i64>>(10)? {
        Some(number) => Some(TicketLink {
            number,
            title: r.get(11)?,
        }),
        None => None,
    };
    Ok(Article {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        category,
        tags: Tags::split(&r.get::<_, String>(5)?),
        audience: at
            .check("audience", Audience::try_from(audience.as_str()))?
            .as_str(),
        status: at
            .check("status", ArticleStatus::try_from(status.as_str()))?
            .as_str(),
        author: Named {
            id: r.get(8)?,
            name: r.get(9)?,
        },
        source_ticket,
        solved_count: r.get(12)?,
        revision: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        published_at: r.get(16)?,
    })
}

/// True when the category exists in the actor's organization.
pub fn category_in_org(conn: &Connection, actor: &Actor, id: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM categories WHERE id = ?1 AND org_id = ?2")?
        .query_row(params![id, actor.org_id.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The article, if the actor may read it.
pub fn get(conn: &Connection, actor: &Actor, id: i64) -> Result<Option<Article>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE a.id = ?3 AND {VISIBLE}"))?
        .query_row(params![actor.org_id.0, actor.is_staff(), id], row)
        .optional()?)
}

/// The article drafted from ticket `ticket_id`, if any (staff only: ids only).
pub fn id_for_ticket(
    conn: &Connection,
    actor: &Actor,
    ticket_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM articles WHERE source_ticket_id = ?1 AND org_id = ?2")?
        .query_row(params![ticket_id, actor.org_id.0], |r| r.get(0))
        .optional()?)
}

/// Filters for the article list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<ArticleStatus>,
    pub category: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Articles the actor may read, most recently updated first, and how many there are.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    f: &ListFilter,
) -> Result<(Vec<Article>, i64), StoreError> {
    let cond = format!(
        "{VISIBLE} AND (?3 IS NULL OR a.status = ?3) AND (?4 IS NULL OR a.category_id = ?4)"
    );
    let args = params![
        actor.org_id.0,
        actor.is_staff(),
        f.status.map(ArticleStatus::as_str),
        f.category
    ];
    let total = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM articles a WHERE {cond}"))?
        .query_row(args, |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE {cond} ORDER BY a.updated_at DESC, a.id DESC LIMIT ?5 OFFSET ?6"
    ))?;
    let rows = stmt.query_map(
        params![
            actor.org_id.0,
            actor.is_staff(),
            f.status.map(ArticleStatus::as_str),
            f.category,
            f.limit,
            f.offset
        ],
        row,
    )?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

fn write_revision(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    revision: i64,
    a: &ArticleFields,
    restored_from: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO article_revisions (article_id, revision, title, body, category_id, tags,
                                        audience, status, editor_id, restored_from, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        revision,
        a.title,
        a.body,
        a.category_id,
        a.tags.joined(),
        a.audience.as_str(),
        a.status.as_str(),
        super::person(actor),
        restored_from,
        now
    ])?;
    Ok(())
}

/// Creates an article by the actor (revision 1) and returns its id.
pub fn create(
    conn: &Connection,
    actor: &Actor,
    a: &ArticleFields,
    source_ticket_id: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    let published = (a.status == ArticleStatus::Published).then_some(now);
    conn.prepare_cached(
        "INSERT INTO articles (org_id, title, body, category_id, tags, audience, status,
                               author_id, source_ticket_id, created_at, updated_at, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
    )?
    .execute(params![
        actor.org_id.0,
        a.title,
        a.body,
        a.category_id,
        a.tags.joined(),
        a.audience.as_str(),
        a.status.as_str(),
        super::person(actor),
        source_ticket_id,
        now,
        published
    ])?;
    let id = conn.last_insert_rowid();
    write_revision(conn, actor, id, 1, a, None, now)?;
    Ok(id)
}

/// Saves new fields as the next revision. The caller has checked the actor may
/// write and that the article is in its organization.
pub fn save(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    a: &ArticleFields,
    restored_from: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let revision: i64 = conn
        .prepare_cached(
            "UPDATE articles SET title = ?3, body = ?4, category_id = ?5, tags = ?6,
                 audience = ?7, status = ?8, revision = revision + 1, updated_at = ?9,
                 published_at = CASE WHEN ?8 = 'published' THEN coalesce(published_at, ?9) END
             WHERE id = ?1 AND org_id = ?2 RETURNING revision",
        )?
        .query_row(
            params![
                id,
                actor.org_id.0,
                a.title,
                a.body,
                a.category_id,
                a.tags.joined(),
                a.audience.as_str(),
                a.status.as_str(),
                now
            ],
            |r| r.get(0),
        )?;
    write_revision(conn, actor, id, revision, a, restored_from, now)
}

/// Deletes an article (its revisions and deflections go with it). False when
/// there was none in the actor's organization.
pub fn delete(conn: &Connection, actor: &Actor, id: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM articles WHERE id = ?1 AND org_id = ?2")?
        .execute(params![id, actor.org_id.0])?
        > 0)
}

/// Every revision of an article, newest first. The caller has found the article.
pub fn revisions(conn: &Connection, id: i64) -> Result<Vec<Revision>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.revision, r.title, r.body, r.tags, r.audience, r.status, u.id, u.name,
                r.restored_from, r.created_at
         FROM article_revisions r JOIN users u ON u.id = r.editor_id
         WHERE r.article_id = ?1 ORDER BY r.revision DESC",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Revision {
            revision: r.get(0)?,
            title: r.get(1)?,
            body: r.get(2)?,
            tags: Tags::split(&r.get::<_, String>(3)?),
            audience: r.get(4)?,
            status: r.get(5)?,
            editor: Named {
                id: r.get(6)?,
                name: r.get(7)?,
            },
            restored_from: r.get(8)?,
            created_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The fields saved in `revision`, if the article has it.
pub fn revision_fields(
    conn: &Connection,
    id: i64,
    revision: i64,
) -> Result<Option<ArticleFields>, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT title, body, category_id, tags, audience, status
             FROM article_revisions WHERE article_id = ?1 AND revision = ?2",
        )?
        .query_row(params![id, revision], |r| {
            let at = At::new("article_revisions", id);
            let audience: String = r.get(4)?;
            let status: String = r.get(5)?;
            Ok(ArticleFields {
                title: r.get(0)?,
                body: r.get(1)?,
                category_id: r.get(2)?,
                tags: at.check("tags", Tags::parse(&Tags::split(&r.get::<_, String>(3)?)))?,
                audience: at.check("audience", Audience::try_from(audience.as_str()))?,
                status: at.check("status", ArticleStatus::try_from(status.as_str()))?,
            })
        })
        .optional()?;
    Ok(found)
}

/// Counts "This solved it" on a published article the actor may read; returns
/// the new count, or `None` when there is no such article for the actor.
pub fn solved(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let count: Option<i64> = conn
        .prepare_cached(&format!(
            "UPDATE articles AS a SET solved_count = solved_count + 1
             WHERE a.id = ?3 AND a.status = 'published' AND {VISIBLE}
             RETURNING solved_count"
        ))?
        .query_row(params![actor.org_id.0, actor.is_staff(), id], |r| r.get(0))
        .optional()?;
    if count.is_some() {
        conn.prepare_cached(
            "INSERT INTO deflections (org_id, article_id, user_id, created_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![actor.org_id.0, id, super::person(actor), now])?;
    }
    Ok(count)
}
