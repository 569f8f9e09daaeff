//! Categories and their questions: all the SQL for the questionnaire.
//!
//! Every function is scoped to the acting user's organization, except
//! [`seed_defaults`], which runs while an organization is being created.
//! Replacing a category's questions keeps the ids that are given (so answers
//! already given stay linked), deletes unanswered questions that were left out,
//! and retires answered ones (`active = 0`) so old tickets still show them.

use super::row::At;
use super::StoreError;
use crate::domain::category::{CategoryDraft, Question, QuestionKind};
use crate::domain::defaults::default_categories;
use crate::domain::ticket::Priority;
use crate::domain::Actor;
use crate::domain::OrgId;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

/// A category as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub guidance: String,
    pub default_priority: &'static str,
    pub active: bool,
    pub position: i64,
    pub questions: Vec<QuestionView>,
}

/// A question as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub id: i64,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    pub options: Vec<String>,
}

impl From<&Question> for QuestionView {
    fn from(q: &Question) -> QuestionView {
        QuestionView {
            id: q.id,
            label: q.label.clone(),
            kind: q.kind.as_str(),
            required: q.required,
            options: q.options.clone(),
        }
    }
}

/// What `DELETE /api/categories/:id` did.
pub enum Removed {
    Deleted,
    /// Tickets use it, so it was deactivated instead.
    Deactivated(Category),
}

fn category_row(r: &Row) -> rusqlite::Result<Category> {
    let id: i64 = r.get(0)?;
    let rank: i64 = r.get(3)?;
    Ok(Category {
        id,
        name: r.get(1)?,
        guidance: r.get(2)?,
        default_priority: At::new("categories", id)
            .some("default_priority", rank, Priority::from_rank(rank))?
            .as_str(),
        active: r.get(4)?,
        position: r.get(5)?,
        questions: Vec::new(),
    })
}

const CATEGORY_COLUMNS: &str = "id, name, guidance, default_priority, active, position";

/// The active questions of a category, in order.
pub fn questions(conn: &Connection, category_id: i64) -> Result<Vec<Question>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, label, kind, required, options FROM questions
         WHERE category_id = ?1 AND active = 1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([category_id], |r| {
        let id: i64 = r.get(0)?;
        let at = At::new("questions", id);
        let kind: String = r.get(2)?;
        let options: String = r.get(4)?;
        Ok(Question {
            id,
            label: r.get(1)?,
            kind: at.check("kind", QuestionKind::try_from(kind.as_str()))?,
            required: r.get(3)?,
            options: at.check("options", serde_json::from_str(&options))?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn with_questions(conn: &Connection, mut c: Category) -> Result<Category, StoreError> {
    c.questions = questions(conn, c.id)?
        .iter()
        .map(QuestionView::from)
        .collect();
    Ok(c)
}

/// The organization's categories in form order; inactive ones only when asked.
pub fn list(
    conn: &Connection,
    actor: &Actor,
    include_inactive: bool,
) -> Result<Vec<Category>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CATEGORY_COLUMNS} FROM categories
         WHERE org_id = ?1 AND (active = 1 OR ?2) ORDER BY position, id"
    ))?;
    let cats = stmt
        .query_map(params![actor.org_id.0, include_inactive], category_row)?
        .collect::<Result<Vec<_>, _>>()?;
    cats.into_iter().map(|c| with_questions(conn, c)).collect()
}

/// One category of the actor's organization.
pub fn get(conn: &Connection, actor: &Actor, id: i64) -> Result<Option<Category>, StoreError> {
    let c = conn
        .prepare_cached(&format!(
            "SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = ?1 AND org_id = ?2"
        ))?
        .query_row(params![id, actor.org_id.0], category_row)
        .optional()?;
    c.map(|c| with_questions(conn, c)).transpose()
}

fn insert(
    conn: &Connection,
    org_id: OrgId,
    draft: &CategoryDraft,
    now: i64,
) -> Result<i64, StoreError> {
    let position: i64 = conn.query_row(
        "SELECT COALESCE(MAX(position), -1) + 1 FROM categories WHERE org_id = ?1",
        [org_id.0],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO categories (org_id, name, guidance, default_priority, active, position,
                                 created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![
            org_id.0,
            draft.name,
            draft.guidance,
            draft.default_priority.rank(),
            draft.active,
            position,
            now
        ],
    )?;
    let id = conn.last_insert_rowid();
    replace_questions(conn, id, draft)?;
    Ok(id)
}

/// Creates a category in the actor's organization.
pub fn create(
    conn: &Connection,
    actor: &Actor,
    draft: &CategoryDraft,
    now: i64,
) -> Result<Category, StoreError> {
    let id = insert(conn, actor.org_id, draft, now)?;
    get(conn, actor, id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Seeds the default categories into a new organization (no actor yet: the
/// organization is being created in this transaction).
pub fn seed_defaults(conn: &Connection, org_id: OrgId, now: i64) -> Result<(), StoreError> {
    for draft in default_categories() {
        insert(conn, org_id, &draft, now)?;
    }
    Ok(())
}

/// Overwrites a category with `draft`; `None` when it is not the actor's.
pub fn update(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    draft: &CategoryDraft,
    now: i64,
) -> Result<Option<Category>, StoreError> {
    let changed = conn.execute(
        "UPDATE categories SET name = ?1, guidance = ?2, default_priority = ?3, active = ?4,
                updated_at = ?5
         WHERE id = ?6 AND org_id = ?7",
        params![
            draft.name,
            draft.guidance,
            draft.default_priority.rank(),
            draft.active,
            now,
            id,
            actor.org_id.0
        ],
    )?;
    if changed == 0 {
        return Ok(None);
    }
    replace_questions(conn, id, draft)?;
    get(conn, actor, id)
}

/// Makes the category's active questions exactly `draft.questions`, in order.
fn replace_questions(
    conn: &Connection,
    category_id: i64,
    draft: &CategoryDraft,
) -> Result<(), StoreError> {
    let existing: Vec<i64> = conn
        .prepare("SELECT id FROM questions WHERE category_id = ?1 AND active = 1")?
        .query_map([category_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let kept: Vec<i64> = draft
        .questions
        .iter()
        .filter_map(|q| q.id)
        .filter(|id| existing.contains(id))
        .collect();
    for old in existing.iter().filter(|id| !kept.contains(id)) {
        let answered: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM answers WHERE question_id = ?1)",
            [old],
            |r| r.get(0),
        )?;
        if answered {
            conn.execute("UPDATE questions SET active = 0 WHERE id = ?1", [old])?;
        } else {
            conn.execute("DELETE FROM questions WHERE id = ?1", [old])?;
        }
    }
    for (position, q) in draft.questions.iter().enumerate() {
        let options = serde_json::to_string(&q.options).unwrap_or_else(|_| "[]".into());
        match q.id.filter(|id| kept.contains(id)) {
            Some(qid) => conn.execute(
                "UPDATE questions SET label = ?1, kind = ?2, required = ?3, options = ?4,
                        position = ?5 WHERE id = ?6",
                params![
                    q.label,
                    q.kind.as_str(),
                    q.required,
                    options,
                    position as i64,
                    qid
                ],
            )?,
            None => conn.execute(
                "INSERT INTO questions (category_id, label, kind, required, options, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    category_id,
                    q.label,
                    q.kind.as_str(),
                    q.required,
                    options,
                    position as i64
                ],
            )?,
        };
    }
    Ok(())
}

/// Deletes an unused category, or deactivates one that tickets use.
pub fn remove(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    now: i64,
) -> Result<Option<Removed>, StoreError> {
    if get(conn, actor, id)?.is_none() {
        return Ok(None);
    }
    let in_use: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM tickets WHERE org_id = ?1 AND category_id = ?2)",
        params![actor.org_id.0, id],
        |r| r.get(0),
    )?;
    if in_use {
        conn.execute(
            "UPDATE categories SET active = 0, updated_at = ?1 WHERE id = ?2 AND org_id = ?3",
            params![now, id, actor.org_id.0],
        )?;
        Ok(get(conn, actor, id)?.map(Removed::Deactivated))
    } else {
        conn.execute(
            "DELETE FROM categories WHERE id = ?1 AND org_id = ?2",
            params![id, actor.org_id.0],
        )?;
        Ok(Some(Removed::Deleted))
    }
}
