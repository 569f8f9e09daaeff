//! One search over tickets, replies, internal notes and articles, and the
//! suggestions shown while a ticket is being typed.
//!
//! # How it stays fast at a million tickets
//! A common word matches a hundred thousand tickets; counting and ranking all of
//! them took hundreds of milliseconds. A person reads the best few and wants to
//! know roughly how many there are. So a ticket search:
//!
//! 1. restricts **inside the index**: the MATCH carries the person's scope tokens
//!    (`o<org>` for staff; `r<id>`/`w<id>`, their own and watched tickets, for a
//!    requester, whose MATCH also leaves out the `notes` column), so filters apply
//!    before anything is counted or ranked and another organization's rows are
//!    never read;
//! 2. reads the newest [`WINDOW`] + 1 matches, rowids only (FTS5 walks its lists
//!    in rowid order and ticket ids grow with time); the count is exact up to
//!    [`WINDOW`] and "1,000+" beyond;
//! 3. ranks that window by **where** the words are, then newest first: all in the
//!    title, in the title and description, with the replies, then (staff) with the
//!    internal notes. Each tier is one more walk over the window's rowid range.
//!    FTS5's `bm25` is not used for tickets: it counts every match in the whole
//!    index to weigh each word (~13 ms for "printer" at a million tickets);
//! 4. builds title highlights and snippets for the shown hits only, in one query.
//!
//! A still-typed last word is searched as the whole words it may complete to
//! ([`search_query::complete`]); see that module for why.
//!
//! Articles are thousands, not millions: they carry scope tokens too (`o<org>`,
//! `o<org>p` when published, `o<org>e` when published for everyone), are ranked by
//! bm25 within the newest [`WINDOW`] matches, and are joined to their rows only once
//! chosen.
//!
//! # Security
//! Snippets come back as [`Part`]s (plain text, and whether it is a hit), never
//! HTML: the browser puts them on the page with `textContent` and marks hits with
//! `<mark>` elements it creates itself. A requester's query never reads the
//! `notes` column: it is left out of the MATCH columns and of the snippets. The
//! rows shown are checked against the organization (and, for articles, the
//! audience) once more when they are read.

use super::articles::VISIBLE;
use super::search::completions;
use super::StoreError;
use crate::domain::article::suggestion_score;
use crate::domain::search_query::{self, complete, Term};
use crate::domain::Actor;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashSet;

/// Matches read from an index per search; the count is exact below it.
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

/// `expr` as the actor may run it, narrowed inside the index: for a requester to
/// their own and watched tickets (the `scope` column's `r<id>` and `w<id>`
/// tokens), for staff to their organization's (`o<id>`).
pub fn scoped(expr: String, actor: &Actor) -> String {
    match (actor.is_staff(), super::person(actor)) {
        (false, Some(id)) => format!("{expr} AND scope : (\"r{id}\" OR \"w{id}\")"),
        _ => format!("{expr} AND scope : \"o{}\"", actor.org_id.0),
    }
}

/// The article index's searched columns.
pub const ARTICLE_COLUMNS: &[&str] = &["title", "body", "tags"];

/// `expr` over articles the actor may read: staff every article of their
/// organization (or only published ones, for suggestions), requesters the
/// published articles for everyone.
pub fn article_scoped(expr: String, actor: &Actor, published_only: bool) -> String {
    let org = actor.org_id.0;
    let token = match (actor.is_staff(), published_only) {
        (true, false) => format!("o{org}"),
        (true, true) => format!("o{org}p"),
        (false, _) => format!("o{org}e"),
    };
    format!("{expr} AND scope : \"{token}\"")
}

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

impl<T> Found<T> {
    fn none() -> Self {
        Found {
            hits: Vec::new(),
            count: 0,
            capped: false,
        }
    }
}

/// `terms` with a still-typed last word replaced by the whole words the ticket
/// index holds that start with it; left to FTS5's prefix query when there are
/// more than [`MAX_COMPLETIONS`](super::search::MAX_COMPLETIONS).
pub fn completed(conn: &Connection, terms: &[Term]) -> Result<Vec<Term>, StoreError> {
    let Some(prefix) = terms.iter().find_map(Term::prefix) else {
        return Ok(terms.to_vec());
    };
    Ok(match completions(conn, prefix)? {
        Some(words) => complete(terms, &words),
        None => terms.to_vec(),
    })
}

/// Which end of a rowid range a walk starts from.
#[derive(Clone, Copy)]
enum From {
    /// Newest first: for a window that stops after `limit` matches.
    Newest,
    /// Oldest first, from the range's low end. FTS5 checks the range only on rows
    /// the whole expression matched, so a walk newest-first for words that never
    /// match below the range reads to the start of the index (16 ms for "account"
    /// in titles at a million tickets); from the low end it reads only what is newer.
    Oldest,
}

/// Rowids matching `expr` within `lo..=hi`, at most `limit`.
fn rowids(
    conn: &Connection,
    table: &str,
    expr: &str,
    (lo, hi): (i64, i64),
    from: From,
    limit: i64,
) -> Result<Vec<i64>, StoreError> {
    let order = match from {
        From::Newest => "DESC",
        From::Oldest => "ASC",
    };
    let sql = format!(
        "SELECT rowid FROM {table} WHERE {table} MATCH ?1 AND rowid BETWEEN ?2 AND ?3
         ORDER BY rowid {order} LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![expr, lo, hi, limit], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A shown ticket's rowid, (number, status, updated_at) and its marked title,
/// description, conversation and notes snippets.
type Shown = (i64, (i64, String, i64), [String; 4]);

/// The ranking tiers of a ticket hit, best first: the columns that must hold every
/// term, and the hit's type.
const TIERS: &[(&[&str], &str)] = &[
    (&["title"], "ticket"),
    (&["title", "description"], "ticket"),
    (&["title", "description", "conversation"], "reply"),
];

/// The best `limit` tickets the actor may see for `terms` (a completed query,
/// see [`completed`]), ranked within the newest [`WINDOW`] matches.
pub fn tickets(
    conn: &Connection,
    actor: &Actor,
    terms: &[Term],
    limit: i64,
) -> Result<Found<TicketHit>, StoreError> {
    let staff = actor.is_staff();
    let columns = ticket_columns(actor);
    let Some(expr) = search_query::expression(terms, columns) else {
        return Ok(Found::none());
    };
    let expr = scoped(expr, actor);
    let everything = (i64::MIN, i64::MAX);
    let mut window = rowids(
        conn,
        "ticket_search",
        &expr,
        everything,
        From::Newest,
        WINDOW + 1,
    )?;
    let capped = window.len() as i64 > WINDOW;
    window.truncate(WINDOW as usize);
    let (Some(&lo), Some(&hi)) = (window.last(), window.first()) else {
        return Ok(Found::none());
    };
    // Notes are the last tier (staff only): a window match in no earlier tier
    // matched with the notes' words.
    let mut tier: Vec<(usize, i64)> = window.iter().map(|&id| (TIERS.len(), id)).collect();
    for (i, (tier_columns, _)) in TIERS.iter().enumerate() {
        if *tier_columns == columns {
            // A requester's last tier is the whole search: every row is in it.
            for t in tier.iter_mut().filter(|t| t.0 > i) {
                t.0 = i;
            }
            break;
        }
        let Some(e) = search_query::expression(terms, tier_columns) else {
            continue;
        };
        let e = scoped(e, actor);
        let found: HashSet<i64> =
            rowids(conn, "ticket_search", &e, (lo, hi), From::Oldest, WINDOW)?
                .into_iter()
                .collect();
        for t in tier.iter_mut().filter(|t| t.0 > i && found.contains(&t.1)) {
            t.0 = i;
        }
    }
    // Best tier first, then newest.
    tier.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    tier.truncate(limit.max(0) as usize);
    let shown: Vec<i64> = tier.iter().map(|t| t.1).collect();
    // The details walk reads only the span of the rows shown.
    let (lo, hi) = (
        shown.iter().copied().min().unwrap_or(lo),
        shown.iter().copied().max().unwrap_or(hi),
    );
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT ticket_search.rowid, t.number, t.status, t.updated_at,
                highlight(ticket_search, 0, '{OPEN}', '{CLOSE}'),
                snippet(ticket_search, 1, '{OPEN}', '{CLOSE}', '…', 16),
                snippet(ticket_search, 2, '{OPEN}', '{CLOSE}', '…', 16),
                CASE WHEN ?4 THEN snippet(ticket_search, 3, '{OPEN}', '{CLOSE}', '…', 16)
                     ELSE '' END
         FROM ticket_search CROSS JOIN tickets t ON t.id = ticket_search.rowid
         WHERE ticket_search MATCH ?1 AND ticket_search.rowid BETWEEN ?2 AND ?3
           AND +ticket_search.rowid IN (SELECT value FROM json_each(?5))
           AND t.org_id = ?6"
    ))?;
    let rows = stmt.query_map(
        params![
            expr,
            lo,
            hi,
            staff,
            serde_json::to_string(&shown).unwrap_or_default(),
            actor.org_id.0
        ],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                (r.get(1)?, r.get(2)?, r.get(3)?),
                [r.get::<_, String>(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            ))
        },
    )?;
    let mut found: Vec<Shown> = rows.collect::<Result<_, _>>()?;
    let mut hits = Vec::with_capacity(found.len());
    for &(t, id) in &tier {
        let Some(at) = found.iter().position(|f| f.0 == id) else {
            continue;
        };
        let (_, (number, status, updated_at), [title, desc, conv, notes]) = found.swap_remove(at);
        let (kind, snippet) = match t {
            0 | 1 => (TIERS[t].1, desc),
            2 => (TIERS[t].1, conv),
            _ => ("note", notes),
        };
        hits.push(TicketHit {
            kind,
            number,
            title: parts(&title),
            status,
            snippet: parts(&snippet),
            updated_at,
        });
    }
    Ok(Found {
        hits,
        count: window.len() as i64,
        capped,
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
        let found = tickets(&conn, &agent, &search_query::parse("printer"), 25).unwrap();
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
        let terms = completed(&conn, &search_query::parse("printe")).unwrap();
        let found = tickets(&conn, &rob, &terms, 25).unwrap();
        assert_eq!((found.count, found.capped), (12, false));
        assert!(found.hits.iter().all(|h| h.number % 100 == 0));
    }

    /// Two organizations. Org 1: agent Ann (1) and requester Rob (2), who filed
    /// tickets 1-4 with "printer" in the title (1), the description (2), a reply (3)
    /// and an internal note (4). Org 2: agent Olga (4), requester Gus (3), ticket 5.
    /// Articles: 1 published for everyone, 2 published for staff, 3 a draft (org 1),
    /// 4 published for everyone in org 2.
    fn small_desk() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO organizations (id, name, slug, join_code, created_at)
                 VALUES (1, 'Acme', 'acme', 'a', 0), (2, 'Globex', 'globex', 'g', 0);
             INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (1, 1, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0),
                        (2, 1, 'Rob', 'rob@x.test', 'requester', 'x', 0, 0),
                        (3, 2, 'Gus', 'gus@x.test', 'requester', 'x', 0, 0),
                        (4, 2, 'Olga', 'olga@x.test', 'agent', 'x', 0, 0);
             INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
                 VALUES (1, 1, 'Other', 0, 0, 0), (2, 2, 'Other', 0, 0, 0);
             INSERT INTO articles (id, org_id, title, body, audience, status, author_id,
                                   created_at, updated_at)
                 VALUES (1, 1, 'Printer offline', 'Restart it', 'everyone', 'published', 1, 0, 0),
                        (2, 1, 'Printer vendor', 'Call them', 'staff', 'published', 1, 0, 0),
                        (3, 1, 'Printer drivers', 'Draft', 'everyone', 'draft', 1, 0, 0),
                        (4, 2, 'Printer Globex', 'Theirs', 'everyone', 'published', 4, 0, 0);",
        )
        .unwrap();
        let tickets = [
            (1, 1, 2, "Printer offline", "Nothing comes out", "", ""),
            (
                2,
                1,
                2,
                "Cannot print",
                "The printer shows an error",
                "",
                "",
            ),
            (
                3,
                1,
                2,
                "Slow laptop",
                "Fan noise",
                "Replaced the printer cable",
                "",
            ),
            (
                4,
                1,
                2,
                "VPN drops",
                "Every hour",
                "",
                "printer vendor secret",
            ),
            (5, 2, 3, "Printer jams", "Paper stuck", "", ""),
        ];
        for (id, org, requester, title, desc, conv, notes) in tickets {
            conn.execute(
                "INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                      description, created_at, updated_at)
                 VALUES (?1, ?2, ?1, ?2, ?3, ?4, ?5, ?1, ?1)",
                params![id, org, requester, title, desc],
            )
            .unwrap();
            search::index_ticket(&conn, id, title, desc, conv, notes).unwrap();
        }
        conn
    }

    fn ann() -> Actor {
        Actor::person(UserId(1), OrgId(1), Role::Agent, None)
    }

    fn rob() -> Actor {
        Actor::person(UserId(2), OrgId(1), Role::Requester, None)
    }

    fn found(conn: &Connection, actor: &Actor, q: &str) -> Vec<(i64, &'static str)> {
        let terms = completed(conn, &search_query::parse(q)).unwrap();
        tickets(conn, actor, &terms, 25)
            .unwrap()
            .hits
            .iter()
            .map(|h| (h.number, h.kind))
            .collect()
    }

    #[test]
    fn title_hits_rank_first_then_description_replies_and_notes() {
        let conn = small_desk();
        assert_eq!(
            found(&conn, &ann(), "printer"),
            vec![(1, "ticket"), (2, "ticket"), (3, "reply"), (4, "note")]
        );
        let terms = completed(&conn, &search_query::parse("printer")).unwrap();
        let hit = &tickets(&conn, &ann(), &terms, 1).unwrap().hits[0];
        assert_eq!(
            hit.title,
            vec![
                Part {
                    text: "Printer".into(),
                    hit: true
                },
                Part {
                    text: " offline".into(),
                    hit: false
                }
            ]
        );
    }

    #[test]
    fn an_internal_notes_words_never_find_a_ticket_for_its_requester() {
        let conn = small_desk();
        assert_eq!(found(&conn, &ann(), "secret"), vec![(4, "note")]);
        assert!(found(&conn, &rob(), "secret").is_empty());
        assert!(found(&conn, &rob(), "vendor secret").is_empty());
        assert_eq!(
            found(&conn, &rob(), "printer"),
            vec![(1, "ticket"), (2, "ticket"), (3, "reply")]
        );
    }

    #[test]
    fn another_organizations_tickets_are_never_candidates() {
        let conn = small_desk();
        let olga = Actor::person(UserId(4), OrgId(2), Role::Agent, None);
        assert_eq!(found(&conn, &olga, "printer"), vec![(5, "ticket")]);
        assert!(found(&conn, &olga, "secret").is_empty());
        let terms = search_query::parse("jams");
        let none = tickets(&conn, &ann(), &terms, 25).unwrap();
        assert_eq!((none.count, none.hits.len()), (0, 0));
    }

    #[test]
    fn a_watcher_finds_the_ticket_and_staff_keep_finding_it_as_watchers_change() {
        let conn = small_desk();
        // Ticket 5 is org 2's; a second org-2 requester watches it, then stops.
        conn.execute_batch(
            "INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (5, 2, 'Wes', 'wes@x.test', 'requester', 'x', 0, 0);
             INSERT INTO watchers (ticket_id, user_id, created_at) VALUES (5, 5, 0);",
        )
        .unwrap();
        let wes = Actor::person(UserId(5), OrgId(2), Role::Requester, None);
        let olga = Actor::person(UserId(4), OrgId(2), Role::Agent, None);
        assert_eq!(found(&conn, &wes, "jams"), vec![(5, "ticket")]);
        assert_eq!(found(&conn, &olga, "jams"), vec![(5, "ticket")]);
        conn.execute("DELETE FROM watchers WHERE user_id = 5", [])
            .unwrap();
        assert!(found(&conn, &wes, "jams").is_empty());
        assert_eq!(
            found(&conn, &olga, "jams"),
            vec![(5, "ticket")],
            "the org token stays"
        );
    }

    #[test]
    fn a_still_typed_word_finds_the_words_it_completes_including_new_ones() {
        let conn = small_desk();
        // "prin" completes to print, printer (and others' words, which scope drops):
        // both titles hold one of them, so the newer ticket comes first.
        assert_eq!(
            found(&conn, &rob(), "prin"),
            vec![(2, "ticket"), (1, "ticket"), (3, "reply")]
        );
        assert!(found(&conn, &rob(), "smud").is_empty());
        search::add_comment(&conn, 3, "Toner smudges everywhere", false).unwrap();
        assert_eq!(found(&conn, &rob(), "smud"), vec![(3, "reply")]);
        // A completed prefix is the same search as FTS5's own prefix query.
        let native = tickets(&conn, &ann(), &search_query::parse("prin"), 25).unwrap();
        let native: Vec<_> = native.hits.iter().map(|h| (h.number, h.kind)).collect();
        assert_eq!(native, found(&conn, &ann(), "prin"));
    }

    #[test]
    fn articles_are_scoped_by_organization_audience_and_status_inside_the_index() {
        let conn = small_desk();
        let ids = |actor: &Actor| -> Vec<i64> {
            let expr = search_query::match_expression("printer", ARTICLE_COLUMNS).unwrap();
            let mut ids: Vec<i64> = articles(&conn, actor, &expr, 25)
                .unwrap()
                .hits
                .iter()
                .map(|h| h.id)
                .collect();
            ids.sort();
            ids
        };
        let suggested = |actor: &Actor| -> Vec<i64> {
            let expr = search_query::suggestion_expression("my printer", ARTICLE_COLUMNS).unwrap();
            let mut ids: Vec<i64> = suggest(&conn, actor, &expr)
                .unwrap()
                .iter()
                .map(|h| h.id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&ann()), vec![1, 2, 3]);
        assert_eq!(ids(&rob()), vec![1]);
        assert_eq!(suggested(&ann()), vec![1, 2], "drafts are never suggested");
        assert_eq!(suggested(&rob()), vec![1]);
        // Publishing the draft and hiding article 1 from requesters move their tokens.
        conn.execute_batch(
            "UPDATE articles SET status = 'published' WHERE id = 3;
             UPDATE articles SET audience = 'staff' WHERE id = 1;",
        )
        .unwrap();
        assert_eq!(ids(&rob()), vec![3]);
        assert_eq!(suggested(&rob()), vec![3]);
        conn.execute("DELETE FROM articles WHERE id = 3", [])
            .unwrap();
        assert!(ids(&rob()).is_empty());
    }

    #[test]
    fn the_search_migration_rebuilds_both_indexes_with_scope_and_the_word_list() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate_to(&mut conn, 9).unwrap();
        conn.execute_batch(
            "INSERT INTO organizations (id, name, slug, join_code, created_at)
                 VALUES (7, 'Acme', 'acme', 'a', 0);
             INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (1, 7, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0);
             INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
                 VALUES (1, 7, 'Other', 0, 0, 0);
             INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                  description, created_at, updated_at)
                 VALUES (1, 7, 1, 1, 1, 'Café printer', 'Jams', 0, 0);
             INSERT INTO ticket_search (rowid, title, description, conversation, notes, scope)
                 VALUES (1, 'Café printer', 'Jams', '', 'secret', 'r1');
             INSERT INTO articles (id, org_id, title, body, audience, status, author_id,
                                   created_at, updated_at)
                 VALUES (1, 7, 'Printer', 'Restart', 'everyone', 'published', 1, 0, 0);",
        )
        .unwrap();
        crate::store::migrate::apply(&mut conn).unwrap();
        let rows = |table: &str, expr: &str| -> i64 {
            conn.query_row(
                &format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1"),
                [expr],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(rows("ticket_search", "printer AND scope : (o7 AND r1)"), 1);
        assert_eq!(
            rows("article_search", "printer AND scope : (o7 AND o7p AND o7e)"),
            1
        );
        let words: Vec<String> = conn
            .prepare("SELECT term FROM search_terms ORDER BY term")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            words,
            vec!["cafe", "jams", "printer", "secret"],
            "no scope tokens"
        );
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
