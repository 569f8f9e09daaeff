//! The article search (bm25 within the newest [`WINDOW`] matches) and the
//! suggestions shown while a ticket is being typed.

use super::parts::{parts, without_markup, CLOSE, OPEN};
use super::{article_scoped, ArticleHit, Found, SUGGESTIONS, SUGGEST_CANDIDATES, WINDOW};
use crate::domain::article::suggestion_score;
use crate::domain::Actor;
use crate::store::articles::VISIBLE;
use crate::store::StoreError;
use rusqlite::{params, Connection};

/// bm25 weights: a word in the title says most, a tag much, the body least; the
/// scope tokens nothing.
const ARTICLE_BM25: &str = "bm25(article_search, 10.0, 1.0, 5.0, 0.0)";

/// The chosen articles `ids` (best first) as hits, read with their highlights in
/// one walk of `expr` (already scoped) and checked against the actor once more.
fn article_hits(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
    ids: &[i64],
) -> Result<Vec<ArticleHit>, StoreError> {
    let (Some(&lo), Some(&hi)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.status, a.audience, a.solved_count, a.updated_at,
                highlight(article_search, 0, '{OPEN}', '{CLOSE}'),
                snippet(article_search, 1, '{OPEN}', '{CLOSE}', '…', 20)
         FROM article_search CROSS JOIN articles a ON a.id = article_search.rowid
         WHERE article_search MATCH ?3 AND article_search.rowid BETWEEN ?4 AND ?5
           AND +article_search.rowid IN (SELECT value FROM json_each(?6))
           AND {VISIBLE}"
    ))?;
    let rows = stmt.query_map(
        params![
            actor.org_id.0,
            actor.is_staff(),
            expr,
            lo,
            hi,
            serde_json::to_string(ids).unwrap_or_default()
        ],
        |r| {
            Ok(ArticleHit {
                kind: "article",
                id: r.get(0)?,
                status: r.get(1)?,
                audience: r.get(2)?,
                solved_count: r.get(3)?,
                updated_at: r.get(4)?,
                title: parts(&r.get::<_, String>(5)?),
                snippet: without_markup(parts(&r.get::<_, String>(6)?)),
            })
        },
    )?;
    let mut hits: Vec<ArticleHit> = rows.collect::<Result<_, _>>()?;
    hits.sort_by_key(|h| ids.iter().position(|id| *id == h.id));
    Ok(hits)
}

/// Articles the actor may read matching `expr` (from [`ARTICLE_COLUMNS`]), ranked
/// by bm25 within the newest [`WINDOW`] matches. Staff also find drafts;
/// requesters only published articles for everyone.
pub fn articles(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
    limit: i64,
) -> Result<Found<ArticleHit>, StoreError> {
    let expr = article_scoped(expr.to_string(), actor, false);
    let mut rows: Vec<(i64, f64)> = conn
        .prepare_cached(&format!(
            "SELECT rowid, {ARTICLE_BM25} FROM article_search WHERE article_search MATCH ?1
             ORDER BY rowid DESC LIMIT ?2"
        ))?
        .query_map(params![expr, WINDOW + 1], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let count = rows.len() as i64;
    rows.truncate(WINDOW as usize);
    // bm25 is negative: lower is better; ties go to the newer article.
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let ids: Vec<i64> = rows
        .iter()
        .take(limit.max(0) as usize)
        .map(|r| r.0)
        .collect();
    Ok(Found {
        hits: article_hits(conn, actor, &expr, &ids)?,
        count: count.min(WINDOW),
        capped: count > WINDOW,
    })
}

/// Up to [`SUGGESTIONS`] published articles for what is being typed: the best
/// [`SUGGEST_CANDIDATES`] by bm25 among the newest [`WINDOW`] matches (any typed
/// word matches, so common words match thousands), lifted by how often each solved
/// a problem ([`suggestion_score`](crate::domain::article::suggestion_score)).
pub fn suggest(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
) -> Result<Vec<ArticleHit>, StoreError> {
    let expr = article_scoped(expr.to_string(), actor, true);
    let mut candidates: Vec<(i64, f64, i64)> = conn
        .prepare_cached(&format!(
            "SELECT c.id, c.score, a.solved_count
             FROM (SELECT id, score FROM
                     (SELECT rowid AS id, {ARTICLE_BM25} AS score FROM article_search
                      WHERE article_search MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
                   ORDER BY score LIMIT ?3) c
             JOIN articles a ON a.id = c.id"
        ))?
        .query_map(params![expr, WINDOW, SUGGEST_CANDIDATES], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    candidates.sort_by(|a, b| suggestion_score(b.1, b.2).total_cmp(&suggestion_score(a.1, a.2)));
    let ids: Vec<i64> = candidates.iter().take(SUGGESTIONS).map(|c| c.0).collect();
    article_hits(conn, actor, &expr, &ids)
}
