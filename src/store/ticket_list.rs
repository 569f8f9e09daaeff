//! The ticket list: one query built from a [`ListQuery`], scoped to the actor's
//! organization (and for requesters to their own and watched tickets), sorted,
//! paged, with the total count. Every filter is a bound parameter; only the fixed
//! ORDER BY fragments below are spliced into the SQL.
//!
//! # How it stays fast at a million tickets
//! Every sort the queue offers reads an index in order and stops after the page
//! (EXPLAIN QUERY PLAN shows no temporary B-tree for them; see the tests). The
//! total is exact up to [`COUNT_CAP`] and "1,000+" beyond (`capped`): counting a
//! quarter of a million open tickets for a figure nobody reads exactly was most
//! of a page's time. An unfiltered staff list still has its exact count for free
//! (the highest ticket number).
//!
//! With a search `q`, the candidates are the newest [`WINDOW`] tickets that match
//! and pass every other filter (read from the full-text index newest first, see
//! `store::site_search`); the page is sorted and cut from them, and the total is
//! exact up to the window and "1,000+" beyond it. Ordering all of a common
//! word's 100,000 matches at a million tickets took 300-660 ms; this takes a few.

use super::row::At;
use super::site_search::{completed, scoped, ticket_columns, WINDOW};
use super::tickets::Named;
use super::StoreError;
use crate::domain::search_query;
use crate::domain::ticket::{Priority, Status};
use crate::domain::ticket_query::{AssigneeFilter, ListQuery, SlaFilter, SortKey};
use crate::domain::ticket_sla::Fired;
use crate::domain::Actor;
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection};
use serde::Serialize;

/// The most tickets a list counts; beyond it the total is "1,000+".
pub const COUNT_CAP: i64 = WINDOW;

/// One page of the list.
pub struct Page {
    pub rows: Vec<TicketRow>,
    /// Exact, unless `capped`: then more than this many matched (the queue
    /// shows "1,000+").
    pub total: i64,
    pub capped: bool,
}

/// One ticket in the list.
#[derive(Debug, Clone, Serialize)]
pub struct TicketRow {
    pub number: i64,
    pub title: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub tier: i64,
    pub escalated: bool,
    pub category: Named,
    pub requester: Named,
    pub assignee: Option<Named>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_reply: Option<LastReply>,
    /// The SLA cue: `null` for a ticket without running clocks or marks.
    pub sla: Option<RowSla>,
}

/// A listed ticket's SLA, from the indexed columns (no clock arithmetic).
#[derive(Debug, Clone, Serialize)]
pub struct RowSla {
    /// `on_track`, `at_risk` or `breached`.
    pub state: &'static str,
    /// The earliest due time of a running clock.
    pub due: Option<i64>,
    /// A running clock is past its due time (the queue says "Overdue").
    pub overdue: bool,
}

fn row_sla(due: Option<i64>, risk: Option<i64>, fired: i64, now: i64) -> Option<RowSla> {
    let overdue = due.is_some_and(|d| d <= now);
    let state = if overdue || fired & Fired::BREACHES != 0 {
        "breached"
    } else if risk.is_some_and(|r| r <= now) {
        "at_risk"
    } else if due.is_some() {
        "on_track"
    } else {
        return None;
    };
    Some(RowSla {
        state,
        due,
        overdue,
    })
}

/// The latest public reply on a listed ticket.
#[derive(Debug, Clone, Serialize)]
pub struct LastReply {
    pub author: Named,
    pub excerpt: String,
    pub created_at: i64,
}

/// Builds the WHERE clause and its parameters.
fn filters(actor: &Actor, q: &ListQuery, now: i64) -> (String, Vec<Sql>) {
    let mut sql = String::from("t.org_id = ?");
    let mut args = vec![Sql::Integer(actor.org_id.0)];
    if !actor.is_staff() {
        sql.push_str(
            " AND (t.requester_id = ? OR t.id IN (SELECT ticket_id FROM watchers WHERE user_id = ?))",
        );
        args.push(Sql::from(super::person(actor)));
        args.push(Sql::from(super::person(actor)));
    }
    if !q.statuses.is_empty() {
        let marks = vec!["?"; q.statuses.len()].join(",");
        sql.push_str(&format!(" AND t.status IN ({marks})"));
        args.extend(q.statuses.iter().map(|s| Sql::Text(s.as_str().into())));
    }
    if !q.priorities.is_empty() {
        let marks = vec!["?"; q.priorities.len()].join(",");
        sql.push_str(&format!(" AND t.priority IN ({marks})"));
        args.extend(q.priorities.iter().map(|p| Sql::Integer(p.rank())));
    }
    if let Some(c) = q.category {
        sql.push_str(" AND t.category_id = ?");
        args.push(Sql::Integer(c));
    }
    match q.assignee {
        Some(AssigneeFilter::User(id)) => {
            sql.push_str(" AND t.assignee_id = ?");
            args.push(Sql::Integer(id));
        }
        Some(AssigneeFilter::Me) => {
            sql.push_str(" AND t.assignee_id = ?");
            args.push(Sql::from(super::person(actor)));
        }
        Some(AssigneeFilter::Nobody) => sql.push_str(" AND t.assignee_id IS NULL"),
        None => {}
    }
    if let Some(r) = q.requester {
        sql.push_str(" AND t.requester_id = ?");
        args.push(Sql::Integer(r));
    }
    if let Some(e) = q.escalated {
        sql.push_str(" AND t.escalated = ?");
        args.push(Sql::Integer(e as i64));
    }
    if let Some(from) = q.created_from {
        sql.push_str(" AND t.created_at >= ?");
        args.push(Sql::Integer(from));
    }
    if let Some(to) = q.created_to {
        sql.push_str(" AND t.created_at <= ?");
        args.push(Sql::Integer(to));
    }
    match q.sla {
        Some(SlaFilter::Breached) => {
            sql.push_str(" AND (t.sla_due_at <= ? OR (t.sla_fired & ?) != 0)");
            args.push(Sql::Integer(now));
            args.push(Sql::Integer(Fired::BREACHES));
        }
        Some(SlaFilter::AtRisk) => {
            sql.push_str(" AND t.sla_risk_at <= ? AND t.sla_due_at > ? AND (t.sla_fired & ?) = 0");
            args.extend([Sql::Integer(now), Sql::Integer(now)]);
            args.push(Sql::Integer(Fired::BREACHES));
        }
        None => {}
    }
    (sql, args)
}

fn is_unfiltered(q: &ListQuery) -> bool {
    q.statuses.is_empty()
        && q.priorities.is_empty()
        && q.category.is_none()
        && q.assignee.is_none()
        && q.requester.is_none()
        && q.escalated.is_none()
        && q.q.is_none()
        && q.created_from.is_none()
        && q.created_to.is_none()
        && q.sla.is_none()
}

/// Each order is one an index holds, ties broken by id in the index's own
/// order (its rowid, ascending), so a page never sorts: see migration
/// `014_queue` and the test `every_sort_and_filter_of_the_queue_reads_an_index_in_order`.
fn order_by(q: &ListQuery) -> &'static str {
    // At-risk tickets all have a due time, and their index (migration
    // `015_at_risk`) holds them by due time, then its other columns: ordered
    // by all of those, a page walks it and stops after 25 matches instead of
    // sorting every match. Ties in due time then go by the at-risk instant.
    if q.sla == Some(SlaFilter::AtRisk) && q.sort == SortKey::Due {
        return if q.ascending {
            "t.sla_due_at ASC, t.sla_risk_at ASC, t.sla_fired ASC, t.id ASC"
        } else {
            "t.sla_due_at DESC, t.sla_risk_at DESC, t.sla_fired DESC, t.id DESC"
        };
    }
    match (q.sort, q.ascending) {
        (SortKey::Updated, true) => "t.updated_at ASC, t.id ASC",
        (SortKey::Updated, false) => "t.updated_at DESC, t.id DESC",
        (SortKey::Created, true) => "t.created_at ASC, t.id ASC",
        (SortKey::Created, false) => "t.created_at DESC, t.id DESC",
        // Within a priority, the most recently updated first either way.
        (SortKey::Priority, true) => "t.priority ASC, t.updated_at DESC, t.id ASC",
        (SortKey::Priority, false) => "t.priority DESC, t.updated_at DESC, t.id DESC",
        (SortKey::Number, true) => "t.number ASC",
        (SortKey::Number, false) => "t.number DESC",
        // Tickets without a due time last, either way.
        (SortKey::Due, true) => "t.sla_due_at IS NULL, t.sla_due_at ASC, t.id ASC",
        (SortKey::Due, false) => "t.sla_due_at IS NULL, t.sla_due_at DESC, t.id ASC",
    }
}

/// Whether a ticket of the actor's organization was ever deleted (its number
/// floor, set by `ticket_delete`, is above zero).
fn any_deleted(conn: &Connection, actor: &Actor) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT ticket_number_floor > 0 FROM organizations WHERE id = ?1")?
        .query_row([actor.org_id.0], |r| r.get(0))?)
}

/// One page of the tickets the actor may see, and the total.
/// `now` (Unix ms) decides which tickets are at risk or breached.
pub fn list(conn: &Connection, actor: &Actor, q: &ListQuery, now: i64) -> Result<Page, StoreError> {
    let (cond, mut args) = filters(actor, q, now);
    // `counted`: the total and whether it was capped, when known before the page
    // is read. With `q` the count
    // comes with the page (a window function over the at most 1,001 candidates).
    let (source, counted) = match &q.q {
        None => {
            // Numbers are allocated densely from 1, so until an admin deletes a
            // ticket (which raises the organization's number floor) the whole
            // desk's count is its highest number: an index lookup instead of a
            // 100,000-row count on the list's most frequent call. After a
            // deletion the rows are counted.
            // Otherwise at most [`COUNT_CAP`] + 1 rows are counted: the open
            // tickets of a large desk are a quarter of a million, and counting
            // them all took most of a sorted page's 76 ms; a person reads
            // "1,000+" as well as the exact figure. Breached tickets are
            // counted in the page's order, so the count walks the index the
            // page walks: left to choose, SQLite took any index on the
            // organization and read the whole desk to find 1,001 of them
            // (126 ms). Other filters count faster through the index SQLite
            // picks (status and assignee are in covering indexes; at risk in
            // its range of running clocks, unsorted).
            let unfiltered = actor.is_staff() && is_unfiltered(q) && !any_deleted(conn, actor)?;
            let count_sql = if unfiltered {
                format!("SELECT COALESCE(MAX(t.number), 0) FROM tickets t WHERE {cond}")
            } else {
                let order = match q.sla {
                    Some(SlaFilter::Breached) => format!("ORDER BY {}", order_by(q)),
                    _ => String::new(),
                };
                format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM tickets t WHERE {cond} {order} LIMIT {})",
                    COUNT_CAP + 1
                )
            };
            let total: i64 = conn
                .prepare_cached(&count_sql)?
                .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
            (
                format!("SELECT t.* FROM tickets t WHERE {cond}"),
                Some((total, !unfiltered && total > COUNT_CAP)),
            )
        }
        Some(text) => {
            // The still-typed last word is searched as the whole words it
            // completes to (`site_search::completed`): an FTS5 prefix query
            // copies every matching ticket before the first row comes back.
            let terms = completed(conn, &search_query::parse(text))?;
            let Some(expr) = search_query::expression(&terms, ticket_columns(actor)) else {
                // Only punctuation or quotes: nothing can match.
                return Ok(Page {
                    rows: Vec::new(),
                    total: 0,
                    capped: false,
                });
            };
            args.insert(0, Sql::Text(scoped(expr, actor)));
            args.push(Sql::Integer(WINDOW + 1));
            // CROSS JOIN keeps the index as the outer loop, read newest first,
            // stopping once the window is full.
            let window = format!(
                "SELECT t.id, t.number, t.title, t.status, t.priority, t.tier, t.escalated,
                        t.category_id, t.requester_id, t.assignee_id, t.created_at, t.updated_at,
                        t.sla_due_at, t.sla_risk_at, t.sla_fired
                 FROM ticket_search s CROSS JOIN tickets t ON t.id = s.rowid
                 WHERE ticket_search MATCH ? AND {cond} ORDER BY s.rowid DESC LIMIT ?"
            );
            (window, None)
        }
    };
    let seen = if counted.is_some() {
        "0"
    } else {
        "COUNT(*) OVER ()"
    };
    let sql = format!(
        "SELECT t.number, t.title, t.status, t.priority, t.tier, t.escalated,
                c.id, c.name, r.id, r.name, a.id, a.name, t.created_at, t.updated_at,
                lr.body, lr.created_at, lu.id, lu.name, t.id, t.seen,
                t.sla_due_at, t.sla_risk_at, t.sla_fired
         FROM (SELECT t.*, {seen} AS seen FROM ({source}) t
               ORDER BY {order} LIMIT ? OFFSET ?) t
         JOIN categories c ON c.id = t.category_id
         JOIN users r ON r.id = t.requester_id
         LEFT JOIN users a ON a.id = t.assignee_id
         LEFT JOIN comments lr ON lr.id = (SELECT MAX(id) FROM comments
                                           WHERE ticket_id = t.id AND internal = 0)
         LEFT JOIN users lu ON lu.id = lr.author_id
         ORDER BY {order}",
        order = order_by(q)
    );
    let window_args = args.clone();
    args.push(Sql::Integer(q.per_page));
    args.push(Sql::Integer(q.offset()));
    let mut seen_max = 0i64;
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        let at = At::new("tickets", r.get(18)?);
        let status: String = r.get(2)?;
        let rank: i64 = r.get(3)?;
        let named = |id: usize, name: usize| -> rusqlite::Result<Named> {
            Ok(Named {
                id: r.get(id)?,
                name: r.get(name)?,
            })
        };
        let assignee = match r.get::<_, Option<i64>>(10)? {
            Some(_) => Some(named(10, 11)?),
            None => None,
        };
        let last_reply = match r.get::<_, Option<String>>(14)? {
            Some(body) => Some(LastReply {
                author: named(16, 17)?,
                excerpt: body.chars().take(140).collect(),
                created_at: r.get(15)?,
            }),
            None => None,
        };
        let seen: i64 = r.get(19)?;
        let row = TicketRow {
            number: r.get(0)?,
            title: r.get(1)?,
            status: at
                .check("status", Status::try_from(status.as_str()))?
                .as_str(),
            priority: at
                .some("priority", rank, Priority::from_rank(rank))?
                .as_str(),
            tier: r.get(4)?,
            escalated: r.get(5)?,
            category: named(6, 7)?,
            requester: named(8, 9)?,
            assignee,
            created_at: r.get(12)?,
            updated_at: r.get(13)?,
            last_reply,
            // SLA promises are the help desk's own business.
            sla: match actor.is_staff() {
                true => row_sla(r.get(20)?, r.get(21)?, r.get(22)?, now),
                false => None,
            },
        };
        Ok((row, seen))
    })?;
    let mut page = Vec::new();
    for row in rows {
        let (row, seen) = row?;
        seen_max = seen_max.max(seen);
        page.push(row);
    }
    let (total, capped) = match counted {
        Some((_, true)) => (COUNT_CAP, true),
        Some((total, false)) => (total, false),
        None => {
            // A page past the end has no row to carry the count: count alone.
            if page.is_empty() && q.offset() > 0 {
                seen_max = conn
                    .prepare_cached(&format!("SELECT COUNT(*) FROM ({source})"))?
                    .query_row(params_from_iter(window_args.iter()), |r| r.get(0))?;
            }
            (seen_max.min(WINDOW), seen_max > WINDOW)
        }
    };
    Ok(Page {
        rows: page,
        total,
        capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket_query::{AssigneeFilter, SlaFilter};
    use crate::domain::{OrgId, Role, UserId};
    use crate::store::Db;

    /// Org 1: an agent (user 1), a requester (user 2) who filed every 100th of
    /// `n` open tickets, the rest filed by the agent.
    fn desk(n: i64) -> rusqlite::Connection {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::migrate::apply(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO organizations (id, name, slug, join_code, created_at)
                 VALUES (1, 'Acme', 'acme', 'a', 0);
             INSERT INTO users (id, org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (1, 1, 'Ann', 'ann@x.test', 'agent', 'x', 0, 0),
                        (2, 1, 'Rob', 'rob@x.test', 'requester', 'x', 0, 0);
             INSERT INTO categories (id, org_id, name, position, created_at, updated_at)
                 VALUES (1, 1, 'Other', 0, 0, 0);",
        )
        .unwrap();
        let tx = conn.transaction().unwrap();
        for id in 1..=n {
            tx.execute(
                "INSERT INTO tickets (id, org_id, number, category_id, requester_id, title,
                                      description, status, created_at, updated_at)
                 VALUES (?1, 1, ?1, 1, ?2, 'Laptop', 'Slow', 'open', ?1, ?1)",
                rusqlite::params![id, if id % 100 == 0 { 2 } else { 1 }],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn a_long_queue_counts_to_a_thousand_says_more_and_still_pages_past_it() {
        let conn = desk(1_200);
        let agent = Actor::person(UserId(1), OrgId(1), Role::Agent, None);
        let open = |page| ListQuery {
            statuses: vec![Status::Open],
            page,
            ..ListQuery::default()
        };
        let first = list(&conn, &agent, &open(1), 0).unwrap();
        assert_eq!(
            (first.total, first.capped, first.rows.len()),
            (1_000, true, 25)
        );
        assert_eq!(first.rows[0].number, 1_200, "newest first");
        // Page 41 starts at the 1,001st ticket: the cap is on counting, not on reading.
        let past = list(&conn, &agent, &open(41), 0).unwrap();
        assert_eq!((past.total, past.capped), (1_000, true));
        assert_eq!(past.rows.first().map(|r| r.number), Some(200));
        let end = list(&conn, &agent, &open(49), 0).unwrap();
        assert_eq!((end.rows.len(), end.capped), (0, true));
        // The whole desk, unfiltered, keeps its exact count; so does a short list.
        let all = list(&conn, &agent, &ListQuery::default(), 0).unwrap();
        assert_eq!((all.total, all.capped), (1_200, false));
        let rob = Actor::person(UserId(2), OrgId(1), Role::Requester, None);
        let own = list(&conn, &rob, &open(1), 0).unwrap();
        assert_eq!((own.total, own.capped, own.rows.len()), (12, false, 12));
    }

    /// Every sort (both ways) crossed with what the queue's tabs and filters
    /// send: without ANALYZE statistics SQLite plans the same at a hundred
    /// tickets as at a million, so an empty database shows the plan the
    /// million-ticket queue gets. A temporary B-tree is a sort of every
    /// matching row for each page (a quarter of a million at that size); a
    /// plain SCAN reads the whole table. "At risk" is the exception by design:
    /// a range of running clocks read from an index, then its few matches sorted.
    #[test]
    fn every_sort_and_filter_of_the_queue_reads_an_index_in_order() {
        let dir = std::env::temp_dir().join(format!("helpdesk-list-plans-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = Db::open(&dir, false).unwrap();
        let agent = Actor::person(UserId(2), OrgId(1), Role::Agent, None);
        let open = vec![
            Status::New,
            Status::Open,
            Status::InProgress,
            Status::OnHold,
        ];
        let sorts = [
            SortKey::Updated,
            SortKey::Created,
            SortKey::Priority,
            SortKey::Number,
            SortKey::Due,
        ];
        let views: [(Option<AssigneeFilter>, Option<bool>); 4] = [
            (None, None),
            (Some(AssigneeFilter::Me), None),
            (Some(AssigneeFilter::Nobody), None),
            (None, Some(true)),
        ];
        let statuses = [open, vec![Status::New], Vec::new()];
        let mut checked = 0;
        let mut sorting = Vec::new();
        db.read(|c| {
            for sort in sorts {
                for ascending in [true, false] {
                    for (assignee, escalated) in &views {
                        for statuses in &statuses {
                            for priorities in [Vec::new(), vec![Priority::Urgent]] {
                                for category in [None, Some(3)] {
                                    for sla in [None, Some(SlaFilter::Breached), Some(SlaFilter::AtRisk)] {
                                        let q = ListQuery {
                                            statuses: statuses.clone(),
                                            priorities: priorities.clone(),
                                            category,
                                            assignee: *assignee,
                                            escalated: *escalated,
                                            sla,
                                            sort,
                                            ascending,
                                            ..ListQuery::default()
                                        };
                                        let (cond, args) = filters(&agent, &q, 0);
                                        let sql = format!(
                                            "EXPLAIN QUERY PLAN SELECT t.* FROM tickets t WHERE {cond}
                                             ORDER BY {} LIMIT 25",
                                            order_by(&q)
                                        );
                                        let mut stmt = c.prepare(&sql)?;
                                        let plan: Vec<String> = stmt
                                            .query_map(params_from_iter(args.iter()), |r| r.get(3))?
                                            .collect::<Result<_, _>>()?;
                                        let full_scan = plan.iter().any(|p| p.starts_with("SCAN t") && !p.contains("INDEX"));
                                        // At risk reads its range of running clocks from an
                                        // index alone, then sorts the few that match.
                                        let at_risk = plan.iter().any(|p| {
                                            p.contains("tickets_org_sla_running (org_id=? AND sla_due_at>?)")
                                        });
                                        let sorts = plan.iter().any(|p| p.contains("TEMP B-TREE"));
                                        assert_eq!(at_risk, sla == Some(SlaFilter::AtRisk), "{plan:?}");
                                        // Sorted by due time, at-risk pages walk that index in order.
                                        if at_risk && sort == SortKey::Due {
                                            assert!(!sorts, "at risk by due time sorts: {plan:?}");
                                        }
                                        if full_scan || (sorts && !at_risk) {
                                            sorting.push(format!("{sort:?} asc={ascending} {cond}: {plan:?}"));
                                        }
                                        checked += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(checked, 5 * 2 * 4 * 3 * 2 * 2 * 3);
        assert!(
            sorting.is_empty(),
            "{} plans sort or scan:\n{}",
            sorting.len(),
            sorting.join("\n")
        );
    }
}
