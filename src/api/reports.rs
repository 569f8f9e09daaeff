//! `/api/reports/...`: the dashboard's figures, as JSON and as CSV.
//!
//! - `GET /api/reports/summary` the headline figures and breakdowns of a range;
//! - `GET /api/reports/series?metric=created|resolved|reopened|backlog` one
//!   value per day;
//! - `GET /api/reports/summary.csv`, `series.csv`, `breakdown.csv?by=` the same
//!   figures as files (built from the same functions, so they cannot differ).
//!
//! # Security
//! Reports are for staff: a requester gets 404 on every route, as if reports did
//! not exist. Admins see every agent's figures; an agent sees the team's and
//! their own, so per-agent rows and the `agent` filter name only themselves
//! (another agent's id is a 403). Every read is scoped to the actor's
//! organization through [`Scope::org_id`]. No person's name goes into a file
//! name; names in CSV cells pass through formula neutralisation ([`super::csv`]).

use super::csv::{Cell, Csv};
use super::guard::require_user;
use super::{ApiError, FieldErrors, State};
use crate::domain::calendar::{day_of, format_date};
use crate::domain::report::{AgentFilter, DayRange, ReportQuery};
use crate::domain::report_figures::{self, DurationStats, Elapsed, WallClock};
use crate::domain::ticket::Priority;
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::store::now_ms;
use crate::store::reports::{self, Milestone, Scope};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

/// The per-day figures `series` knows.
pub const METRICS: [&str; 4] = ["created", "resolved", "reopened", "backlog"];

/// A report request, checked: who asks, for which range and tickets.
struct Ask {
    actor: Actor,
    query: ReportQuery,
    scope: Scope,
}

fn problems(list: Vec<(String, String)>) -> ApiError {
    ApiError::Validation(list.into_iter().collect::<FieldErrors>())
}

/// The staff member asking and their checked query; 404 for anyone else.
fn ask(state: &State, req: &Request, extra: &[&str]) -> Result<Ask, ApiError> {
    let actor = require_user(state, req)?;
    if !actor.is_staff() {
        return Err(ApiError::NotFound);
    }
    let query = ReportQuery::parse(&req.query(), extra, day_of(now_ms())).map_err(problems)?;
    let me = actor.user_id().map(|u| u.0);
    let assignee = match query.agent {
        None => None,
        Some(AgentFilter::Me) => me,
        Some(AgentFilter::User(id)) if actor.is_admin() || Some(id) == me => Some(id),
        Some(AgentFilter::User(_)) => {
            return Err(ApiError::Forbidden(
                "Agents see the team's figures and their own; an admin sees each agent's.".into(),
            ))
        }
    };
    let org = actor.org_id.0;
    state.db.read(|c| -> Result<(), ApiError> {
        if let Some(cat) = query.category {
            if !reports::category_names(c, org)?
                .iter()
                .any(|(id, _)| *id == cat)
            {
                return Err(ApiError::field("category", "No such category."));
            }
        }
        if let Some(id) = assignee {
            if reports::staff_name(c, org, id)?.is_none() {
                return Err(ApiError::field("agent", "No such agent."));
            }
        }
        Ok(())
    })?;
    let scope = Scope {
        org_id: org,
        from_ms: query.range.from_ms(),
        to_ms: query.range.to_ms(),
        category: query.category,
        priority: query.priority.map(Priority::rank),
        assignee,
    };
    Ok(Ask {
        actor,
        query,
        scope,
    })
}

#[derive(Serialize)]
struct CategoryCount {
    id: i64,
    name: String,
    count: i64,
}

#[derive(Serialize)]
struct PriorityCount {
    priority: &'static str,
    count: i64,
}

#[derive(Serialize)]
struct AgentLoad {
    id: i64,
    name: String,
    open: i64,
}

/// The dashboard's headline figures for a range.
#[derive(Serialize)]
struct Summary {
    from: String,
    to: String,
    /// How durations are counted: `wall_clock` until business hours exist.
    time_basis: &'static str,
    created: i64,
    resolved: i64,
    closed: i64,
    reopened: i64,
    reopen_rate: Option<f64>,
    backlog_start: i64,
    backlog_end: i64,
    first_response: DurationStats,
    resolution: DurationStats,
    /// The share of tickets that met their SLA: `null` until SLA targets exist.
    sla_met_share: Option<f64>,
    /// Tickets a suggested article answered: `null` until the knowledge base exists.
    deflections: Option<i64>,
    by_category: Vec<CategoryCount>,
    by_priority: Vec<PriorityCount>,
    /// Open tickets now per assignee: everyone for admins, only themselves for agents.
    open_by_agent: Vec<AgentLoad>,
    open_unassigned: i64,
    open_total: i64,
}

fn summary_of(c: &Connection, ask: &Ask) -> Result<Summary, ApiError> {
    let s = &ask.scope;
    let clock: &dyn Elapsed = &WallClock;
    let created = reports::created_totals(c, s)?;
    let events = reports::status_totals(c, s)?;
    let start = reports::backlog_at_start(c, s)?;
    let first = reports::milestones(c, s, Milestone::FirstResponse)?;
    let resolution = reports::milestones(c, s, Milestone::Resolution)?;
    let open = reports::open_by_assignee(c, s)?;
    let names = reports::category_names(c, s.org_id)?;

    let total: i64 = created.iter().map(|r| r.count).sum();
    let (resolved, closed, reopened) = (events.resolved, events.closed, events.reopened);
    let by_category = names
        .into_iter()
        .map(|(id, name)| CategoryCount {
            count: created
                .iter()
                .filter(|r| r.category_id == id)
                .map(|r| r.count)
                .sum(),
            id,
            name,
        })
        .filter(|c| c.count > 0 || ask.scope.category.map_or(true, |want| want == c.id))
        .collect();
    let by_priority = Priority::ALL
        .iter()
        .map(|p| PriorityCount {
            priority: p.as_str(),
            count: created
                .iter()
                .filter(|r| r.priority == p.rank())
                .map(|r| r.count)
                .sum(),
        })
        .collect();
    let me = ask.actor.user_id().map(|u| u.0);
    let open_total = open.iter().map(|o| o.open).sum();
    let open_unassigned = open
        .iter()
        .filter(|o| o.assignee.is_none())
        .map(|o| o.open)
        .sum();
    let open_by_agent = open
        .into_iter()
        .filter_map(|o| {
            o.assignee.map(|(id, name)| AgentLoad {
                id,
                name,
                open: o.open,
            })
        })
        .filter(|a| ask.actor.is_admin() || Some(a.id) == me)
        .collect();
    Ok(Summary {
        from: ask.query.range.from_date(),
        to: ask.query.range.to_date(),
        time_basis: clock.basis(),
        created: total,
        resolved,
        closed,
        reopened,
        reopen_rate: report_figures::reopen_rate(reopened, resolved),
        backlog_start: start,
        backlog_end: start + total + events.backlog_change,
        first_response: report_figures::durations(&first, clock),
        resolution: report_figures::durations(&resolution, clock),
        sla_met_share: None,
        deflections: None,
        by_category,
        by_priority,
        open_by_agent,
        open_unassigned,
        open_total,
    })
}

/// The metric named by `metric`, or a 422 naming it.
fn metric(ask: &Ask) -> Result<&'static str, ApiError> {
    let given = ask.query.extra("metric").unwrap_or("");
    METRICS
        .iter()
        .copied()
        .find(|m| *m == given)
        .ok_or_else(|| ApiError::field("metric", format!("Use one of: {}.", METRICS.join(", "))))
}

/// One value per day of the range for `metric`.
fn series_of(c: &Connection, ask: &Ask, metric: &str) -> Result<Vec<(i64, i64)>, ApiError> {
    let s = &ask.scope;
    let DayRange { first, last } = ask.query.range;
    let created = || reports::created_per_day(c, s);
    let events = || reports::status_events(c, s);
    let pick = |f: fn(&reports::DayEvents) -> i64| -> Result<Vec<(i64, i64)>, ApiError> {
        Ok(events()?.iter().map(|d| (d.day, f(d))).collect())
    };
    Ok(match metric {
        "created" => report_figures::fill_days(first, last, &created()?),
        "resolved" => report_figures::fill_days(first, last, &pick(|d| d.resolved)?),
        "reopened" => report_figures::fill_days(first, last, &pick(|d| d.reopened)?),
        _ => {
            let start = reports::backlog_at_start(c, s)?;
            let changes = pick(|d| d.backlog_change)?;
            report_figures::backlog(first, last, start, &created()?, &changes)
        }
    })
}

/// `GET /api/reports/summary`
pub fn summary(state: &State, req: &Request) -> Result<Response, ApiError> {
    let ask = ask(state, req, &[])?;
    let summary = state.db.read(|c| summary_of(c, &ask))?;
    Ok(Response::json(Status::OK, &summary))
}

/// `GET /api/reports/series`
pub fn series(state: &State, req: &Request) -> Result<Response, ApiError> {
    let ask = ask(state, req, &["metric"])?;
    let metric = metric(&ask)?;
    let points = state.db.read(|c| series_of(c, &ask, metric))?;
    let points: Vec<_> = points
        .into_iter()
        .map(|(day, value)| json!({"date": format_date(day), "value": value}))
        .collect();
    Ok(Response::json(
        Status::OK,
        &json!({"metric": metric, "from": ask.query.range.from_date(),
                "to": ask.query.range.to_date(), "points": points}),
    ))
}

fn file_name(what: &str, range: &DayRange) -> String {
    format!(
        "helpdesk-{what}-{}-to-{}.csv",
        range.from_date(),
        range.to_date()
    )
}

fn duration_rows(csv: &mut Csv, name: &str, d: &DurationStats) {
    csv.row([
        Cell::from(format!("{name}_count")),
        Cell::Int(d.count as i64),
    ]);
    csv.row([Cell::from(format!("{name}_median_ms")), d.median_ms.into()]);
    csv.row([Cell::from(format!("{name}_p90_ms")), d.p90_ms.into()]);
}

/// `GET /api/reports/summary.csv`: the headline figures as `figure,value` rows.
pub fn summary_csv(state: &State, req: &Request) -> Result<Response, ApiError> {
    let ask = ask(state, req, &[])?;
    let s = state.db.read(|c| summary_of(c, &ask))?;
    let mut csv = Csv::new(&["figure", "value"]);
    csv.row([Cell::from("from"), Cell::from(s.from.as_str())]);
    csv.row([Cell::from("to"), Cell::from(s.to.as_str())]);
    csv.row([Cell::from("time_basis"), Cell::from(s.time_basis)]);
    for (name, v) in [
        ("created", s.created),
        ("resolved", s.resolved),
        ("closed", s.closed),
        ("reopened", s.reopened),
        ("backlog_start", s.backlog_start),
        ("backlog_end", s.backlog_end),
        ("open_total", s.open_total),
        ("open_unassigned", s.open_unassigned),
    ] {
        csv.row([Cell::from(name), Cell::Int(v)]);
    }
    csv.row([
        Cell::from("reopen_rate"),
        s.reopen_rate.map_or(Cell::Empty, Cell::Float),
    ]);
    duration_rows(&mut csv, "first_response", &s.first_response);
    duration_rows(&mut csv, "resolution", &s.resolution);
    csv.row([Cell::from("sla_met_share"), Cell::Empty]);
    csv.row([Cell::from("deflections"), Cell::Empty]);
    Ok(csv.into_response(&file_name("summary", &ask.query.range)))
}

/// `GET /api/reports/series.csv?metric=`: `date,<metric>` per day.
pub fn series_csv(state: &State, req: &Request) -> Result<Response, ApiError> {
    let ask = ask(state, req, &["metric"])?;
    let metric = metric(&ask)?;
    let points = state.db.read(|c| series_of(c, &ask, metric))?;
    let mut csv = Csv::new(&["date", metric]);
    for (day, value) in points {
        csv.row([Cell::from(format_date(day)), Cell::Int(value)]);
    }
    Ok(csv.into_response(&file_name(metric, &ask.query.range)))
}

/// `GET /api/reports/breakdown.csv?by=category|priority|agent`.
pub fn breakdown_csv(state: &State, req: &Request) -> Result<Response, ApiError> {
    let ask = ask(state, req, &["by"])?;
    let by = ask.query.extra("by").unwrap_or("").to_string();
    let s = state.db.read(|c| summary_of(c, &ask))?;
    let csv = match by.as_str() {
        "category" => {
            let mut csv = Csv::new(&["category", "created"]);
            for c in s.by_category {
                csv.row([Cell::from(c.name), Cell::Int(c.count)]);
            }
            csv
        }
        "priority" => {
            let mut csv = Csv::new(&["priority", "created"]);
            for p in s.by_priority {
                csv.row([Cell::from(p.priority), Cell::Int(p.count)]);
            }
            csv
        }
        "agent" => {
            let mut csv = Csv::new(&["agent", "open"]);
            for a in s.open_by_agent {
                csv.row([Cell::from(a.name), Cell::Int(a.open)]);
            }
            csv.row([Cell::from("(unassigned)"), Cell::Int(s.open_unassigned)]);
            csv
        }
        _ => {
            return Err(ApiError::field(
                "by",
                "Use one of: category, priority, agent.",
            ))
        }
    };
    Ok(csv.into_response(&file_name(&format!("by-{by}"), &ask.query.range)))
}
