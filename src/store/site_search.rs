//! One search over tickets, replies, internal notes and articles, and the
//! suggestions shown while a ticket is being typed.
//!
//! # How it stays fast at a million tickets
//! A common word matches a hundred thousand tickets; counting and ordering all of
//! them took hundreds of milliseconds. A person reads the best few and wants to
//! know roughly how many there are, so ticket searches read the index newest
//! first (FTS5 walks its doclists in rowid order, ticket ids grow with time) and
//! stop after [`WINDOW`] matches **that the actor may see**: the organization,
//! requester and note filters are in the same WHERE clause as the MATCH, so they
//! apply before ranking and before the cap, never after. Those matches are then
//! ranked by bm25 (or sorted as the queue asks) and the count is exact up to
//! [`WINDOW`], shown as "1,000+" beyond. Articles are thousands, not millions,
//! and are ranked over every match.
//!
//! # Security
//! Snippets come back as [`Part`]s (plain text, and whether it is a hit), never
//! HTML: the browser puts them on the page with `textContent` and marks hits with
//! `<mark>` elements it creates itself. A requester's query never reads the
//! `notes` column: it is left out of the MATCH columns and of the snippets.

use super::articles::VISIBLE;
use super::StoreError;
use crate::domain::article::suggestion_score;
use crate::domain::Actor;
use rusqlite::{params, Connection};
use serde::Serialize;

/// Matches read from the ticket index per search; the count is exact below it.
pub const WINDOW: i64 = 1000;
/// Suggestions shown while typing.
pub const SUGGESTIONS: usize = 5;
/// Candidates re-ranked by popularity before the best [`SUGGESTIONS`] are kept.
const SUGGEST_CANDIDATES: i64 = 50;

/// The ticket index's columns a person may search (notes for staff only).
pub fn ticket_columns(actor: &Actor) -> &'static [&'static str] {
    if actor.is_staff() {
        &["title", "description", "conversation", "notes"]
    } else {
        &["title", "description", "conversation"]
    }
}

/// `expr` as the actor may run it: for a requester, narrowed inside the index to
/// their own and watched tickets (the `scope` column's `r<id>` and `w<id>` tokens),
/// so the walk never visits someone else's match. Staff are filtered by
/// organization in SQL beside the MATCH.
pub fn scoped(expr: String, actor: &Actor) -> String {
    match (actor.is_staff(), super::person(actor)) {
        (false, Some(id)) => format!("{expr} AND scope : (\"r{id}\" OR \"w{id}\")"),
        _ => expr,
    }
}

/// The article index's columns.
pub const ARTICLE_COLUMNS: &[&str] = &["title", "body", "tags"];

// Snippet markers: control characters that never appear in text people type
// (and if one did, it would only shift a highlight; the output is still text).
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';

/// A run of snippet text; `hit` when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub text: String,
    pub hit: bool,
}

/// Splits FTS5 `snippet`/`highlight` output at the markers into parts.
pub fn parts(marked: &str) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    let mut hit = false;
    let mut text = String::new();
    for c in marked.chars() {
        if c == OPEN || c == CLOSE {
            if !text.is_empty() {
                out.push(Part {
                    text: std::mem::take(&mut text),
                    hit,
                });
            }
            hit = c == OPEN;
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push(Part { text, hit });
    }
    out
}

fn has_hit(p: &[Part]) -> bool {
    p.iter().any(|p| p.hit)
}

/// A ticket found by its text, a reply or an internal note.
#[derive(Debug, Clone, Serialize)]
pub struct TicketHit {
    /// "ticket" (title or description), "reply" or "note".
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub number: i64,
    pub title: Vec<Part>,
    pub status: String,
    pub snippet: Vec<Part>,
    pub updated_at: i64,
}

/// An article found by its title, text or tags.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleHit {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: i64,
    pub title: Vec<Part>,
    pub status: String,
    pub audience: String,
    pub snippet: Vec<Part>,
    pub solved_count: i64,
    pub updated_at: i64,
}

/// Hits and how many matched: exact when `capped` is false, else "`count`+".
#[derive(Debug, Clone, Serialize)]
pub struct Found<T> {
    pub hits: Vec<T>,
    pub count: i64,
    pub capped: bool,
}

/// The condition on ticket `t` for the actor: organization, and for requesters
/// their own and watched tickets. `?2` is the organization, `?3` the person.
const TICKET_VISIBLE: &str = "t.org_id = ?2 AND (?4 OR t.requester_id = ?3
    OR t.id IN (SELECT ticket_id FROM watchers WHERE user_id = ?3))";

/// The best `limit` tickets for `expr` (from [`ticket_columns`]), ranked by bm25
/// among the newest [`WINDOW`] visible matches.
pub fn tickets(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
    limit: i64,
) -> Result<Found<TicketHit>, StoreError> {
    let expr = &scoped(expr.to_string(), actor);
    // CROSS JOIN keeps the index as the outer loop, read newest first. The window
    // (at most 1,001 short rows) is ranked here rather than in SQL: a CTE read twice
    // (rows and count) was planned as two walks of the index.
    let sql = format!(
        "SELECT t.id, t.number, t.status, t.updated_at,
                bm25(ticket_search, 10.0, 4.0, 2.0, 2.0, 0.0)
         FROM ticket_search CROSS JOIN tickets t ON t.id = ticket_search.rowid
         WHERE ticket_search MATCH ?1 AND {TICKET_VISIBLE}
         ORDER BY ticket_search.rowid DESC LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows: Vec<(i64, i64, String, i64, f64)> = stmt
        .query_map(
            params![
                expr,
                actor.org_id.0,
                super::person(actor),
                actor.is_staff(),
                WINDOW + 1
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?
        .collect::<Result<_, _>>()?;
    let seen = rows.len() as i64;
    // bm25 is negative: lower is better; ties go to the newer ticket.
    rows.sort_by(|a, b| a.4.total_cmp(&b.4).then(b.0.cmp(&a.0)));
    rows.truncate(limit.max(0) as usize);
    let staff = actor.is_staff();
    let mut hits = Vec::with_capacity(rows.len());
    let mut snip = conn.prepare_cached(&format!(
        "SELECT highlight(ticket_search, 0, '{OPEN}', '{CLOSE}'),
                snippet(ticket_search, 1, '{OPEN}', '{CLOSE}', '…', 16),
                snippet(ticket_search, 2, '{OPEN}', '{CLOSE}', '…', 16),
                CASE WHEN ?3 THEN snippet(ticket_search, 3, '{OPEN}', '{CLOSE}', '…', 16)
                     ELSE '' END
         FROM ticket_search WHERE ticket_search MATCH ?1 AND rowid = ?2"
    ))?;
    for (id, number, status, updated_at, _) in rows {
        let (title, desc, conv, notes): (String, String, String, String) = snip
            .query_row(params![expr, id, staff], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        let (title, desc, conv, notes) = (parts(&title), parts(&desc), parts(&conv), parts(&notes));
        let (kind, snippet) = if has_hit(&desc) || has_hit(&title) {
            ("ticket", desc)
        } else if has_hit(&conv) {
            ("reply", conv)
        } else if staff && has_hit(&notes) {
            ("note", notes)
        } else {
            ("ticket", desc)
        };
        hits.push(TicketHit {
            kind,
            number,
            title,
            status,
            snippet,
            updated_at,
        });
    }
    Ok(Found {
        hits,
        count: seen.min(WINDOW),
        capped: seen > WINDOW,
    })
}

/// Article text is Markdown; its markup characters say nothing in a one-line snippet.
fn without_markup(parts: Vec<Part>) -> Vec<Part> {
    let strip = |text: &str| {
        let inner = text
            .replace(['#', '*', '`', '>'], "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if inner.is_empty() {
            return " ".to_string();
        }
        let lead = if text.starts_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        let trail = if text.ends_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        format!("{lead}{inner}{trail}")
    };
    parts
        .into_iter()
        .map(|p| Part {
            text: strip(&p.text),
            hit: p.hit,
        })
        .collect()
}

fn article_snippets(
    conn: &Connection,
    expr: &str,
    id: i64,
) -> Result<(Vec<Part>, Vec<Part>), StoreError> {
    let (t, b): (String, String) = conn
        .prepare_cached(&format!(
            "SELECT highlight(article_search, 0, '{OPEN}', '{CLOSE}'),
                    snippet(article_search, 1, '{OPEN}', '{CLOSE}', '…', 20)
             FROM article_search WHERE article_search MATCH ?1 AND rowid = ?2"
        ))?
        .query_row(params![expr, id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((parts(&t), without_markup(parts(&b))))
}

/// bm25 weights: a word in the title says most, a tag much, the body least.
const ARTICLE_BM25: &str = "bm25(article_search, 10.0, 1.0, 5.0)";

type Candidate = (i64, String, String, i64, i64, f64);

fn article_candidates(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
    published_only: bool,
    limit: i64,
) -> Result<Vec<Candidate>, StoreError> {
    let sql = format!(
        "SELECT a.id, a.status, a.audience, a.solved_count, a.updated_at, {ARTICLE_BM25}
         FROM article_search JOIN articles a ON a.id = article_search.rowid
         WHERE article_search MATCH ?3 AND {VISIBLE} AND (NOT ?4 OR a.status = 'published')
         ORDER BY 6 LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            actor.org_id.0,
            actor.is_staff(),
            expr,
            published_only,
            limit
        ],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn article_hit(conn: &Connection, expr: &str, c: Candidate) -> Result<ArticleHit, StoreError> {
    let (id, status, audience, solved_count, updated_at, _) = c;
    let (title, snippet) = article_snippets(conn, expr, id)?;
    Ok(ArticleHit {
        kind: "article",
        id,
        title,
        status,
        audience,
        snippet,
        solved_count,
        updated_at,
    })
}

/// Articles the actor may read matching `expr`, best first by bm25. Staff also
/// find drafts; requesters only published articles for everyone.
pub fn articles(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
    limit: i64,
) -> Result<Found<ArticleHit>, StoreError> {
    let all = article_candidates(conn, actor, expr, false, WINDOW + 1)?;
    let count = all.len() as i64;
    let mut hits = Vec::new();
    for c in all.into_iter().take(limit.max(0) as usize) {
        hits.push(article_hit(conn, expr, c)?);
    }
    Ok(Found {
        hits,
        count: count.min(WINDOW),
        capped: count > WINDOW,
    })
}

/// Up to [`SUGGESTIONS`] published articles for what is being typed, ranked by
/// bm25 lifted by how often each solved a problem
/// ([`suggestion_score`](crate::domain::article::suggestion_score)).
pub fn suggest(
    conn: &Connection,
    actor: &Actor,
    expr: &str,
) -> Result<Vec<ArticleHit>, StoreError> {
    let mut candidates = article_candidates(conn, actor, expr, true, SUGGEST_CANDIDATES)?;
    candidates.sort_by(|a, b| suggestion_score(b.5, b.3).total_cmp(&suggestion_score(a.5, a.3)));
    candidates
        .into_iter()
        .take(SUGGESTIONS)
        .map(|c| article_hit(conn, expr, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket_query::ListQuery;
    use crate::domain::{OrgId, Role, UserId};
    use crate::store::{search, ticket_list};

    /// Two organizations. Org 1: an agent (user 1) and a requester (user 2) who filed
    /// every 100th of `n` "printer" tickets. Org 2: `n` newer "printer" tickets.
    fn two_desks(n: i64) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO organizations (id, name, slug, join_code, created_at)
                 VALUES (1, 'Acme', 'acme', 'a', 0), (2, 'Globex', 'globex', 'g', 0);
             INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (1, 1, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0),
                        (2, 1, 'Rob', 'rob@x.test', 'requester', 'x', 0, 0),
                        (3, 2, 'Gus', 'gus@x.test', 'requester', 'x', 0, 0);
             INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
                 VALUES (1, 1, 'Other', 0, 0, 0), (2, 2, 'Other', 0, 0, 0);",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        for id in 1..=2 * n {
            let (org, number) = if id <= n { (1, id) } else { (2, id - n) };
            let requester = match (org, id % 100) {
                (2, _) => 3,
                (_, 0) => 2,
                _ => 1,
            };
            tx.execute(
                "INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                      description, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?2, ?4, 'Printer jams', 'Paper stuck', ?1, ?1)",
                params![id, org, number, requester],
            )
            .unwrap();
            search::index_ticket(&tx, id, "Printer jams", "Paper stuck", "", "").unwrap();
        }
        tx.commit().unwrap();
        conn
    }

    fn q(text: &str) -> ListQuery {
        ListQuery::parse(&[("q".to_string(), text.to_string())]).unwrap()
    }

    #[test]
    fn a_common_word_counts_to_a_thousand_and_says_more_after_filtering_by_org() {
        let conn = two_desks(1_200);
        let agent = Actor::person(UserId(1), OrgId(1), Role::Agent, None);
        let page = ticket_list::list(&conn, &agent, &q("printer"), 0).unwrap();
        assert_eq!(
            (page.total, page.capped, page.rows.len()),
            (1_000, true, 25)
        );
        // Org 2's 1,200 newer matches took no place in org 1's window.
        assert_eq!(page.rows[0].number, 1_200);
        let found = tickets(&conn, &agent, "{title description} : (\"printer\")", 25).unwrap();
        assert_eq!(
            (found.count, found.capped, found.hits.len()),
            (1_000, true, 25)
        );
        assert!(
            found.hits.iter().all(|h| h.number > 200),
            "the newest window"
        );
    }

    #[test]
    fn a_requester_counts_only_their_own_matches_exactly() {
        let conn = two_desks(1_200);
        let rob = Actor::person(UserId(2), OrgId(1), Role::Requester, None);
        let page = ticket_list::list(&conn, &rob, &q("print"), 0).unwrap();
        assert_eq!((page.total, page.capped, page.rows.len()), (12, false, 12));
        let found = tickets(&conn, &rob, "{title} : (\"printer\")", 25).unwrap();
        assert_eq!((found.count, found.capped), (12, false));
        assert!(found.hits.iter().all(|h| h.number % 100 == 0));
    }

    #[test]
    fn marked_snippets_become_plain_parts() {
        let p = parts("the \u{2}printer\u{3} <b>jams</b>");
        assert_eq!(
            p,
            vec![
                Part {
                    text: "the ".into(),
                    hit: false
                },
                Part {
                    text: "printer".into(),
                    hit: true
                },
                Part {
                    text: " <b>jams</b>".into(),
                    hit: false
                },
            ]
        );
        assert!(parts("").is_empty());
    }

    #[test]
    fn article_snippets_lose_their_markdown_but_keep_spacing() {
        let p = without_markup(parts("## Problem Every \u{2}Outlook\u{3} **shows**"));
        let text: String = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Problem Every Outlook shows");
    }
}
