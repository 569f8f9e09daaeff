//! `/api/reports/...`: the dashboard's figures, as JSON and as CSV.
//!
//! - `GET /api/reports/summary` the headline figures and breakdowns of a range;
//! - `GET /api/reports/series?metric=created|resolved|reopened|backlog|deflections`
//!   one value per local day of the organization;
//! - `GET /api/reports/summary.csv`, `series.csv`, `breakdown.csv?by=` the same
//!   figures as files (built from the same functions, so they cannot differ).
//!
//! Days are the organization's local days (its zone, read once per request);
//! durations are the SLA clocks' business time. Every figure comes from the
//! rollup `store::reports` reads (see docs/reports.md), never from the tickets
//! of the range one by one, except "open now", which is today's state.
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
use crate::domain::calendar::format_date;
use crate::domain::report::{AgentFilter, DayRange, ReportQuery};
use crate::domain::report_figures::{self, Bucket, DurationStats, SlaShare};
use crate::domain::ticket::Priority;
use crate::domain::zone::{local_day, local_day_start_ms, zone_name};
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::store::reports::{self, BucketRow, By, Milestone, Scope};
use crate::store::{satisfaction, sla_settings};
use jiff::tz::TimeZone;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;

/// The per-day figures `series` knows.
pub const METRICS: [&str; 5] = ["created", "resolved", "reopened", "backlog", "deflections"];

/// A report request, checked: who asks, for which range and tickets, and the
/// organization's zone its days are read in.
struct Ask {
    actor: Actor,
    query: ReportQuery,
    scope: Scope,
    zone: TimeZone,
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
    // Days are the organization's local days, "today" included.
    let zone = state.db.read(|c| sla_settings::org_zone(c, actor.org_id))?;
    let today = local_day(&zone, state.now_ms());
    let query = ReportQuery::parse(&req.query(), extra, today).map_err(problems)?;
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
        first_day: query.range.first,
        last_day: query.range.last,
        category: query.category,
        priority: query.priority.map(Priority::rank),
        assignee,
    };
    Ok(Ask {
        actor,
        query,
        scope,
        zone,
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

/// The SLA promises whose clocks stopped in the range, by kind.
#[derive(Serialize)]
struct SlaKinds {
    first_response: SlaShare,
    resolution: SlaShare,
}

/// Ratings given in the range.
#[derive(Serialize)]
struct Satisfaction {
    good: i64,
    bad: i64,
    good_share: Option<f64>,
}

/// The dashboard's headline figures for a range.
#[derive(Serialize)]
struct Summary {
    from: String,
    to: String,
    /// The zone whose local days the range and the per-day figures use.
    time_zone: String,
    /// How durations are counted: `business_hours` (the SLA clocks' time).
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
    /// Of the SLA clocks (first response and resolution) that stopped in the
    /// range, the share that stopped within their target; `null` for none.
    sla_met_share: Option<f64>,
    sla: SlaKinds,
    /// "This solved it" on an article in the range: the whole desk's figure,
    /// `null` when a ticket filter is set (a deflection has no ticket).
    deflections: Option<i64>,
    /// Ratings in the range; `null` when a ticket filter is set.
    satisfaction: Option<Satisfaction>,
    by_category: Vec<CategoryCount>,
    by_priority: Vec<PriorityCount>,
    /// Open tickets now per assignee: everyone for admins, only themselves for agents.
    open_by_agent: Vec<AgentLoad>,
    open_unassigned: i64,
    open_total: i64,
}

fn histogram(rows: &[BucketRow]) -> Vec<Bucket> {
    rows.iter()
        .map(|r| Bucket {
            count: r.count,
            sum_ms: r.sum_ms,
        })
        .collect()
}

fn sla_share(rows: &[BucketRow]) -> SlaShare {
    SlaShare::new(
        rows.iter().map(|r| r.count).sum(),
        rows.iter().map(|r| r.met).sum(),
    )
}

fn summary_of(c: &Connection, ask: &Ask) -> Result<Summary, ApiError> {
    let s = &ask.scope;
    let days = reports::days(c, s)?;
    let start = reports::backlog_at_start(c, s)?;
    let first = reports::durations(c, s, Milestone::FirstResponse)?;
    let resolution = reports::durations(c, s, Milestone::Resolution)?;
    let open = reports::open_by_assignee(c, s)?;
    let names = reports::category_names(c, s.org_id)?;
    let sum = |f: fn(&reports::DayCounts) -> i64| days.iter().map(f).sum::<i64>();

    let total = sum(|d| d.created);
    let (resolved, closed, reopened) =
        (sum(|d| d.resolved), sum(|d| d.closed), sum(|d| d.reopened));
    // A filtered breakdown counts only the filter's own value.
    let ids: Vec<i64> = match s.category {
        Some(want) => vec![want],
        None => names.iter().map(|(id, _)| *id).collect(),
    };
    let per_category = reports::created_by(c, s, By::Category, &ids)?;
    let by_category = names
        .into_iter()
        .filter_map(|(id, name)| {
            let (_, count) = per_category.iter().find(|(v, _)| *v == id)?;
            Some(CategoryCount {
                id,
                name,
                count: *count,
            })
        })
        .collect();
    let ranks: Vec<i64> = match s.priority {
        Some(want) => vec![want],
        None => Priority::ALL.iter().map(|p| p.rank()).collect(),
    };
    let per_priority = reports::created_by(c, s, By::Priority, &ranks)?;
    let by_priority = Priority::ALL
        .iter()
        .map(|p| PriorityCount {
            priority: p.as_str(),
            count: per_priority
                .iter()
                .find(|(v, _)| *v == p.rank())
                .map_or(0, |(_, n)| *n),
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
    let sla = SlaKinds {
        first_response: sla_share(&first),
        resolution: sla_share(&resolution),
    };
    let satisfaction = if s.filtered() {
        None
    } else {
        let range = ask.query.range;
        let (from, to) = (
            local_day_start_ms(&ask.zone, range.first),
            local_day_start_ms(&ask.zone, range.last + 1),
        );
        let r = satisfaction::summary(c, &ask.actor, from, to)?;
        Some(Satisfaction {
            good: r.good,
            bad: r.bad,
            good_share: report_figures::share(r.good, r.good + r.bad),
        })
    };
    Ok(Summary {
        from: ask.query.range.from_date(),
        to: ask.query.range.to_date(),
        time_zone: zone_name(&ask.zone).to_string(),
        time_basis: "business_hours",
        created: total,
        resolved,
        closed,
        reopened,
        reopen_rate: report_figures::reopen_rate(reopened, resolved),
        backlog_start: start,
        backlog_end: start + total + sum(|d| d.backlog_change),
        first_response: report_figures::durations(&histogram(&first)),
        resolution: report_figures::durations(&histogram(&resolution)),
        sla_met_share: report_figures::share(
            sla.first_response.met + sla.resolution.met,
            sla.first_response.done + sla.resolution.done,
        ),
        sla,
        deflections: (!s.filtered()).then(|| sum(|d| d.deflections)),
        satisfaction,
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
    if metric == "deflections" && s.filtered() {
        return Err(ApiError::field(
            "metric",
            "Deflections are counted for the whole desk: remove the category, agent and priority filters.",
        ));
    }
    let DayRange { first, last } = ask.query.range;
    let days = reports::days(c, s)?;
    let pick = |f: fn(&reports::DayCounts) -> i64| -> Vec<(i64, i64)> {
        days.iter().map(|d| (d.day, f(d))).collect()
    };
    Ok(match metric {
        "created" => report_figures::fill_days(first, last, &pick(|d| d.created)),
        "resolved" => report_figures::fill_days(first, last, &pick(|d| d.resolved)),
        "reopened" => report_figures::fill_days(first, last, &pick(|d| d.reopened)),
        "deflections" => report_figures::fill_days(first, last, &pick(|d| d.deflections)),
        _ => {
            let start = reports::backlog_at_start(c, s)?;
            report_figures::backlog(
                first,
                last,
                start,
                &pick(|d| d.created),
                &pick(|d| d.backlog_change),
            )
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
    csv.row([Cell::from(format!("{name}_count")), Cell::Int(d.count)]);
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
    csv.row([Cell::from("time_zone"), Cell::from(s.time_zone.as_str())]);
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
    let share = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Float);
    csv.row([Cell::from("sla_met_share"), share(s.sla_met_share)]);
    for (name, k) in [
        ("sla_first_response", &s.sla.first_response),
        ("sla_resolution", &s.sla.resolution),
    ] {
        csv.row([Cell::from(format!("{name}_done")), Cell::Int(k.done)]);
        csv.row([Cell::from(format!("{name}_met")), Cell::Int(k.met)]);
        csv.row([Cell::from(format!("{name}_met_share")), share(k.met_share)]);
    }
    csv.row([Cell::from("deflections"), s.deflections.into()]);
    let rated = s.satisfaction.as_ref();
    csv.row([
        Cell::from("satisfaction_good"),
        rated.map(|r| r.good).into(),
    ]);
    csv.row([Cell::from("satisfaction_bad"), rated.map(|r| r.bad).into()]);
    csv.row([
        Cell::from("satisfaction_good_share"),
        share(rated.and_then(|r| r.good_share)),
    ]);
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
