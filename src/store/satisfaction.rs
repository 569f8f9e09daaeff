//! Satisfaction ratings: one per ticket, written by its requester, read on the
//! ticket and counted for reports.
//!
//! [`summary`] is the figure reports use: good and bad ratings given in the
//! actor's organization within a time range (by when they were given).

use super::history;
use super::tickets::TicketRef;
use super::StoreError;
use crate::domain::satisfaction::Rating;
use crate::domain::Actor;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A ticket's rating as the ticket shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RatingRow {
    pub rating: &'static str,
    pub comment: Option<String>,
    pub created_at: i64,
}

/// The rating of ticket `t`, if it has one.
pub fn of_ticket(conn: &Connection, t: &TicketRef) -> Result<Option<RatingRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT good, comment, created_at FROM ticket_ratings WHERE ticket_id = ?1",
        )?
        .query_row([t.id], |r| {
            let good: bool = r.get(0)?;
            Ok(RatingRow {
                rating: if good { "good" } else { "bad" },
                comment: r.get(1)?,
                created_at: r.get(2)?,
            })
        })
        .optional()?)
}

/// Records the actor's rating of ticket `t` (checked with
/// `domain::satisfaction::may_rate`) and its history entry.
pub fn rate(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    rating: Rating,
    comment: Option<&str>,
    now: i64,
) -> Result<RatingRow, StoreError> {
    conn.execute(
        "INSERT INTO ticket_ratings (ticket_id, org_id, rater_id, good, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            t.id,
            actor.org_id.0,
            super::person(actor),
            rating == Rating::Good,
            comment,
            now
        ],
    )?;
    let entry = history::Entry::action("rated").with_detail(rating.as_str());
    history::record(conn, t.id, actor, entry, now)?;
    Ok(RatingRow {
        rating: rating.as_str(),
        comment: comment.map(str::to_string),
        created_at: now,
    })
}

/// Good and bad ratings given in the actor's organization in `[from, to)` (ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub good: i64,
    pub bad: i64,
}

/// The satisfaction figure for reports.
pub fn summary(
    conn: &Connection,
    actor: &Actor,
    from: i64,
    to: i64,
) -> Result<Summary, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(SUM(good), 0), COALESCE(SUM(1 - good), 0) FROM ticket_ratings
             WHERE org_id = ?1 AND created_at >= ?2 AND created_at < ?3",
        )?
        .query_row(params![actor.org_id.0, from, to], |r| {
            Ok(Summary {
                good: r.get(0)?,
                bad: r.get(1)?,
            })
        })?)
}
