//! The ticket search: the newest [`WINDOW`] matches inside the person's scope,
//! ranked by where the words are (see the parent's docs).

use super::parts::{parts, CLOSE, OPEN};
use super::{scoped, ticket_columns, Found, TicketHit, WINDOW};
use crate::domain::search_query::{self, Term};
use crate::domain::Actor;
use crate::store::StoreError;
use rusqlite::{params, Connection};
use std::collections::HashSet;

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
