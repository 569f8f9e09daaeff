//! The reports' reads: per-day counts, the backlog's starting count and
//! duration histograms from the rollup (migration 013, kept by triggers; see
//! [`super::report_rollup`] for local days), and open tickets per assignee now.
//!
//! The rollup has one row per organization, local day and (category, priority,
//! assignee), with -1 for "any" in each: a [`Scope`]'s filters pick one such
//! key, so a year's figures are one index range of at most a few hundred rows
//! (the histograms a few thousand), whatever the number of tickets. Filters apply
//! to a ticket's current category, priority and assignee (the triggers move a
//! ticket's facts when they change).
//!
//! Every query is scoped by [`Scope::org_id`], which the API takes from the
//! acting user. Every value is a bound parameter.

use super::StoreError;
use rusqlite::types::Value as Sql;
use rusqlite::{params, params_from_iter, Connection};

/// Which tickets a report counts, over which local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub org_id: i64,
    /// First local day of the range (inclusive).
    pub first_day: i64,
    /// Last local day of the range (inclusive).
    pub last_day: i64,
    pub category: Option<i64>,
    pub priority: Option<i64>,
    pub assignee: Option<i64>,
}

impl Scope {
    /// Whether a ticket filter is set (figures without a ticket, such as
    /// deflections, exist only for the whole desk).
    pub fn filtered(&self) -> bool {
        self.category.is_some() || self.priority.is_some() || self.assignee.is_some()
    }

    /// `FROM tickets t WHERE t.org_id = ? AND <filters>`, for today's load
    /// (read from the tickets themselves, not the rollup).
    fn tickets(&self) -> (String, Vec<Sql>) {
        let mut sql = String::from("FROM tickets t WHERE t.org_id = ?");
        let mut args = vec![Sql::Integer(self.org_id)];
        for (column, value) in [
            ("t.category_id", self.category),
            ("t.priority", self.priority),
            ("t.assignee_id", self.assignee),
        ] {
            if let Some(v) = value {
                sql.push_str(&format!(" AND {column} = ?"));
                args.push(Sql::Integer(v));
            }
        }
        (sql, args)
    }

    /// The rollup key: each filter's value, or -1 for any.
    fn key(&self) -> [i64; 3] {
        [
            self.category.unwrap_or(-1),
            self.priority.unwrap_or(-1),
            self.assignee.unwrap_or(-1),
        ]
    }
}

/// The counts of one local day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub day: i64,
    pub created: i64,
    pub resolved: i64,
    pub closed: i64,
    pub reopened: i64,
    /// Resolves and closes count -1, reopens +1 (creations are in `created`).
    pub backlog_change: i64,
    /// "This solved it" on an article (the whole desk only).
    pub deflections: i64,
}

/// The range's days that had anything, in day order.
pub fn days(conn: &Connection, s: &Scope) -> Result<Vec<DayCounts>, StoreError> {
    let [c, p, a] = s.key();
    let mut stmt = conn.prepare_cached(
        "SELECT day, created, resolved, closed, reopened, backlog_change, deflections
         FROM report_days
         WHERE org_id = ?1 AND category_id = ?2 AND priority = ?3 AND assignee_id = ?4
           AND day BETWEEN ?5 AND ?6
         ORDER BY day",
    )?;
    let rows = stmt.query_map(params![s.org_id, c, p, a, s.first_day, s.last_day], |r| {
        Ok(DayCounts {
            day: r.get(0)?,
            created: r.get(1)?,
            resolved: r.get(2)?,
            closed: r.get(3)?,
            reopened: r.get(4)?,
            backlog_change: r.get(5)?,
            deflections: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The backlog when the range starts: tickets created before it, less those
/// finished before it, plus those reopened before it.
pub fn backlog_at_start(conn: &Connection, s: &Scope) -> Result<i64, StoreError> {
    let [c, p, a] = s.key();
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(SUM(created + backlog_change), 0) FROM report_days
             WHERE org_id = ?1 AND category_id = ?2 AND priority = ?3 AND assignee_id = ?4
               AND day < ?5",
        )?
        .query_row(params![s.org_id, c, p, a, s.first_day], |r| r.get(0))?)
}

/// Which way a breakdown splits the created tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Category,
    Priority,
}

/// Tickets created in the range for each of `values` of `by` (the other
/// filters still apply), in the order given.
pub fn created_by(
    conn: &Connection,
    s: &Scope,
    by: By,
    values: &[i64],
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(SUM(created), 0) FROM report_days
         WHERE org_id = ?1 AND category_id = ?2 AND priority = ?3 AND assignee_id = ?4
           AND day BETWEEN ?5 AND ?6",
    )?;
    let [c, p, a] = s.key();
    let mut out = Vec::with_capacity(values.len());
    for &v in values {
        let (c, p) = match by {
            By::Category => (v, p),
            By::Priority => (c, v),
        };
        let n: i64 = stmt.query_row(params![s.org_id, c, p, a, s.first_day, s.last_day], |r| {
            r.get(0)
        })?;
        out.push((v, n));
    }
    Ok(out)
}

/// What a duration is measured to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// The first public reply by staff (the SLA's first-response clock).
    FirstResponse,
    /// A move to resolved (the SLA's resolution clock).
    Resolution,
}

impl Milestone {
    fn kind(self) -> &'static str {
        match self {
            Milestone::FirstResponse => "first_response",
            Milestone::Resolution => "resolution",
        }
    }
}

/// One histogram bucket over the range: how many durations, their sum (ms) and
/// how many met their SLA target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BucketRow {
    pub bucket: i64,
    pub count: i64,
    pub sum_ms: i64,
    pub met: i64,
}

/// The business-time durations of milestone `m` reached in the range, as a
/// histogram in bucket order (buckets with none left out).
pub fn durations(conn: &Connection, s: &Scope, m: Milestone) -> Result<Vec<BucketRow>, StoreError> {
    let [c, p, a] = s.key();
    // Rows come in (start, bucket) order; summing per bucket in Rust avoids a
    // sort of every row the range holds.
    let mut stmt = conn.prepare_cached(
        "SELECT bucket, n, sum_ms, met FROM report_times
         WHERE org_id = ?1 AND category_id = ?2 AND priority = ?3 AND assignee_id = ?4
           AND kind = ?5 AND span = ?6 AND start BETWEEN ?7 AND ?8",
    )?;
    let mut by_bucket: Vec<BucketRow> = Vec::new();
    for piece in cover(s.first_day, s.last_day) {
        let mut rows = stmt.query(params![
            s.org_id,
            c,
            p,
            a,
            m.kind(),
            piece.span,
            piece.first_start,
            piece.last_start
        ])?;
        while let Some(r) = rows.next()? {
            let b: i64 = r.get(0)?;
            let Ok(i) = usize::try_from(b) else { continue };
            if by_bucket.len() <= i {
                by_bucket.resize(i + 1, BucketRow::default());
            }
            let row = &mut by_bucket[i];
            row.bucket = b;
            row.count += r.get::<_, i64>(1)?;
            row.sum_ms += r.get::<_, i64>(2)?;
            row.met += r.get::<_, i64>(3)?;
        }
    }
    Ok(by_bucket.into_iter().filter(|b| b.count > 0).collect())
}

/// Open tickets (not resolved or closed) now, per assignee (`None`: unassigned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCount {
    pub assignee: Option<(i64, String)>,
    pub open: i64,
}

/// Open tickets now, per assignee, most first. The range does not apply: this is
/// today's load.
pub fn open_by_assignee(conn: &Connection, s: &Scope) -> Result<Vec<OpenCount>, StoreError> {
    let (from, args) = s.tickets();
    let sql = format!(
        // Grouped by status first, in the order of `tickets_org_status_assignee`, so
        // the count comes from that index alone (grouping by assignee alone made
        // SQLite walk the assignee index and read every ticket's row).
        "SELECT x.assignee_id, u.name, SUM(x.n) AS n FROM
           (SELECT t.status, t.assignee_id, COUNT(*) AS n {from}
              AND t.status IN ('new', 'open', 'in_progress', 'on_hold')
            GROUP BY t.status, t.assignee_id) x
         LEFT JOIN users u ON u.id = x.assignee_id
         GROUP BY x.assignee_id
         ORDER BY n DESC, u.name"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        let id: Option<i64> = r.get(0)?;
        let name: Option<String> = r.get(1)?;
        Ok(OpenCount {
            assignee: id.map(|id| (id, name.unwrap_or_default())),
            open: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The organization's categories, `(id, name)` in the form's order, retired ones
/// too (old tickets still count under them).
pub fn category_names(conn: &Connection, org_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM categories WHERE org_id = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([org_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The name of staff member `id` of the organization (active or not), if any.
pub fn staff_name(conn: &Connection, org_id: i64, id: i64) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT name FROM users WHERE id = ?1 AND org_id = ?2 AND role IN ('agent', 'admin')",
        )?
        .query_row([id, org_id], |r| r.get(0))
        .optional()?)
}

/// Tickets per status across the whole instance, for `/metrics` (no
/// organization: the operator's view of the process, with no names in it).
pub fn status_counts(conn: &Connection) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT status, COUNT(*) FROM tickets GROUP BY status ORDER BY status")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Block lengths of `report_times`, by span (migration 013's `report_spans`).
const SPANS: [(i64, i64); 3] = [(2, 64), (1, 8), (0, 1)];

/// A run of same-length blocks: `span`, and the first and last block's start day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    span: i64,
    first_start: i64,
    last_start: i64,
}

/// Days `first..=last` as aligned blocks, longest first where they fit: at most
/// five runs (days, 8-day blocks, 64-day blocks, 8-day blocks, days). Blocks
/// start at multiples of their length, as the triggers write them (day numbers
/// before 1970 would not align; reports never ask for those).
fn cover(first: i64, last: i64) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut d = first;
    while d <= last {
        let (span, len) = SPANS
            .iter()
            .copied()
            .find(|&(_, len)| d.rem_euclid(len) == 0 && d + len - 1 <= last)
            .unwrap_or((0, 1));
        match out.last_mut() {
            Some(p) if p.span == span => p.last_start = d,
            _ => out.push(Piece {
                span,
                first_start: d,
                last_start: d,
            }),
        }
        d += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day the pieces cover, in order.
    fn days(pieces: &[Piece]) -> Vec<i64> {
        let len = |span| SPANS.iter().find(|s| s.0 == span).map_or(1, |s| s.1);
        pieces
            .iter()
            .flat_map(|p| {
                (p.first_start..=p.last_start)
                    .step_by(len(p.span) as usize)
                    .flat_map(move |s| s..s + len(p.span))
            })
            .collect()
    }

    #[test]
    fn a_range_is_covered_once_by_aligned_blocks_longest_first() {
        // 2026-03-02 .. a year later: days to the next 8, 8s to the next 64, ...
        let (first, last) = (20_514, 20_878);
        let pieces = cover(first, last);
        assert_eq!(days(&pieces), (first..=last).collect::<Vec<_>>());
        assert!(pieces.len() <= 5, "{pieces:?}");
        assert_eq!(
            pieces.iter().map(|p| p.span).collect::<Vec<_>>(),
            [0, 1, 2, 1, 0]
        );
        for p in &pieces {
            let len = SPANS.iter().find(|s| s.0 == p.span).unwrap().1;
            assert_eq!(p.first_start % len, 0);
        }
        // Short ranges are days; an aligned week-plus is one block and a day.
        assert_eq!(days(&cover(5, 6)), [5, 6]);
        assert_eq!(
            cover(8, 16),
            [
                Piece {
                    span: 1,
                    first_start: 8,
                    last_start: 8
                },
                Piece {
                    span: 0,
                    first_start: 16,
                    last_start: 16
                }
            ]
        );
        assert!(cover(3, 2).is_empty());
    }
}
