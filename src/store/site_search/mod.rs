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

//!
//! # Files
//! - `mod.rs` (here): the window, the scope each search runs in, what a search
//!   returns, and the completion of a still-typed word;
//! - [`tickets`]: the ticket search and its ranking tiers;
//! - [`articles`]: the article search and the suggestions while typing;
//! - [`parts`]: FTS5's marked snippets turned into plain text parts.

mod articles;
mod parts;
#[cfg(test)]
mod tests;
mod tickets;

pub use articles::{articles, suggest};
pub use parts::{parts, Part};
pub use tickets::tickets;

use super::search::completions;
use super::StoreError;
use crate::domain::search_query::{complete, Term};
use crate::domain::Actor;
use rusqlite::Connection;
use serde::Serialize;

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
