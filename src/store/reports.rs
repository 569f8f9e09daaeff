//! The reports' reads: tickets created per day by category and priority, status
//! events per day, first-response and resolution times, the backlog's starting
//! count, and open tickets per assignee, for one organization, one range and
//! the dashboard's filters.
//!
//! Everything but the open-ticket counts comes from `tickets.created_at` and
//! `report_events` (migration 004): a narrow copy of the history's status moves
//! and first staff replies, kept by triggers on `history`, so a figure for a past
//! range is what happened then, not what the tickets look like now. Filters apply
//! to a ticket's current category, priority and assignee.
//!
//! Every query is scoped by [`Scope::org_id`], which the API takes from the
//! acting user. Filters are bound parameters; only fixed fragments are spliced.

use super::StoreError;
use crate::domain::calendar::DAY_MS;
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection};

/// Which tickets a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub org_id: i64,
    /// Start of the range, Unix milliseconds (inclusive).
    pub from_ms: i64,
    /// End of the range, Unix milliseconds (exclusive).
    pub to_ms: i64,
    pub category: Option<i64>,
    pub priority: Option<i64>,
    pub assignee: Option<i64>,
}

impl Scope {
    fn filtered(&self) -> bool {
        self.category.is_some() || self.priority.is_some() || self.assignee.is_some()
    }

    /// ` AND t.category_id = ? ...` for the filters that are set, with their values.
    fn filters(&self, sql: &mut String, args: &mut Vec<Sql>) {
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
    }

    /// `FROM report_events e [JOIN tickets t] WHERE e.org_id = ? AND <filters>`:
    /// the join only when a filter needs the ticket's current values.
    fn events(&self) -> (String, Vec<Sql>) {
        let mut sql = String::from("FROM report_events e");
        if self.filtered() {
            sql.push_str(" JOIN tickets t ON t.id = e.ticket_id");
        }
        sql.push_str(" WHERE e.org_id = ?");
        let mut args = vec![Sql::Integer(self.org_id)];
        self.filters(&mut sql, &mut args);
        (sql, args)
    }

    /// `FROM tickets t WHERE t.org_id = ? AND <filters>`.
    fn tickets(&self) -> (String, Vec<Sql>) {
        let mut sql = String::from("FROM tickets t WHERE t.org_id = ?");
        let mut args = vec![Sql::Integer(self.org_id)];
        self.filters(&mut sql, &mut args);
        (sql, args)
    }
}

/// Tickets created in one category at one priority rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatedCount {
    pub category_id: i64,
    pub priority: i64,
    pub count: i64,
}

/// Tickets created per UTC day of the range, `(day, count)` for days with any.
pub fn created_per_day(conn: &Connection, s: &Scope) -> Result<Vec<(i64, i64)>, StoreError> {
    let (from, mut args) = s.tickets();
    let sql = format!(
        "SELECT t.created_at / {DAY_MS}, COUNT(*) {from}
         AND t.created_at >= ? AND t.created_at < ? GROUP BY 1"
    );
    args.extend([Sql::Integer(s.from_ms), Sql::Integer(s.to_ms)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Tickets created in the range by category and priority, without the days: the
/// summary's breakdowns (a few dozen groups, so no large sort).
pub fn created_totals(conn: &Connection, s: &Scope) -> Result<Vec<CreatedCount>, StoreError> {
    let (from, mut args) = s.tickets();
    let sql = format!(
        "SELECT t.category_id, t.priority, COUNT(*) {from}
         AND t.created_at >= ? AND t.created_at < ? GROUP BY 1, 2"
    );
    args.extend([Sql::Integer(s.from_ms), Sql::Integer(s.to_ms)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok(CreatedCount {
            category_id: r.get(0)?,
            priority: r.get(1)?,
            count: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Resolves, closes and reopens in the whole range, with their change to the
/// backlog (`day` is the range's first day).
pub fn status_totals(conn: &Connection, s: &Scope) -> Result<DayEvents, StoreError> {
    let (from, mut args) = s.events();
    let sql = format!(
        "SELECT e.kind, COUNT(*), COALESCE(SUM(e.delta), 0) {from}
         AND e.kind IN ('resolved', 'closed', 'reopened') AND e.at >= ? AND e.at < ?
         GROUP BY 1"
    );
    args.extend([Sql::Integer(s.from_ms), Sql::Integer(s.to_ms)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut total = DayEvents {
        day: s.from_ms / DAY_MS,
        ..DayEvents::default()
    };
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let (count, change): (i64, i64) = (r.get(1)?, r.get(2)?);
        match kind.as_str() {
            "resolved" => total.resolved += count,
            "closed" => total.closed += count,
            _ => total.reopened += count,
        }
        total.backlog_change += change;
    }
    Ok(total)
}

/// Status events of one UTC day: how many of each kind, and their change to the
/// backlog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayEvents {
    pub day: i64,
    pub resolved: i64,
    pub closed: i64,
    pub reopened: i64,
    pub backlog_change: i64,
}

/// Resolves, closes and reopens in the range, per day, in day order.
pub fn status_events(conn: &Connection, s: &Scope) -> Result<Vec<DayEvents>, StoreError> {
    let (from, mut args) = s.events();
    let sql = format!(
        "SELECT e.at / {DAY_MS}, e.kind, COUNT(*), SUM(e.delta) {from}
         AND e.kind IN ('resolved', 'closed', 'reopened') AND e.at >= ? AND e.at < ?
         GROUP BY 1, 2 ORDER BY 1"
    );
    args.extend([Sql::Integer(s.from_ms), Sql::Integer(s.to_ms)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut days: Vec<DayEvents> = Vec::new();
    while let Some(r) = rows.next()? {
        let day: i64 = r.get(0)?;
        let kind: String = r.get(1)?;
        let (count, change): (i64, i64) = (r.get(2)?, r.get(3)?);
        if days.last().map_or(true, |d| d.day != day) {
            days.push(DayEvents {
                day,
                ..DayEvents::default()
            });
        }
        if let Some(d) = days.last_mut() {
            match kind.as_str() {
                "resolved" => d.resolved += count,
                "closed" => d.closed += count,
                _ => d.reopened += count,
            }
            d.backlog_change += change;
        }
    }
    Ok(days)
}

/// What a duration is measured to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// The first public reply by staff.
    FirstResponse,
    /// A move to resolved.
    Resolution,
}

/// `(ticket created_at, milestone at)` for every milestone reached in the range.
pub fn milestones(
    conn: &Connection,
    s: &Scope,
    m: Milestone,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let kind = match m {
        Milestone::FirstResponse => "response",
        Milestone::Resolution => "resolved",
    };
    let (from, mut args) = s.events();
    let sql = format!("SELECT e.created_at, e.at {from} AND e.kind = ? AND e.at >= ? AND e.at < ?");
    args.extend([
        Sql::Text(kind.into()),
        Sql::Integer(s.from_ms),
        Sql::Integer(s.to_ms),
    ]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, r.get(1)?));
    }
    Ok(out)
}

/// The backlog when the range starts: tickets created before it, less those
/// finished before it, plus those reopened before it.
pub fn backlog_at_start(conn: &Connection, s: &Scope) -> Result<i64, StoreError> {
    let (from, mut args) = s.tickets();
    args.push(Sql::Integer(s.from_ms));
    let created: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) {from} AND t.created_at < ?"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    let (from, mut args) = s.events();
    args.push(Sql::Integer(s.from_ms));
    let change: i64 = conn
        .prepare_cached(&format!(
            "SELECT COALESCE(SUM(e.delta), 0) {from}
             AND e.kind IN ('resolved', 'closed', 'reopened') AND e.at < ?"
        ))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    Ok(created + change)
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
