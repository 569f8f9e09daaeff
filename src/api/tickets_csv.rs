//! `GET /api/tickets.csv`: the ticket list with the filters and sort the list
//! screen has in its URL (`status`, `priority`, `category`, `assignee`, `q`,
//! `sort`, ...; see `GET /api/tickets`), every page of it, as a CSV file.
//!
//! Staff only, like every report: a requester gets 404. Ticket titles and names
//! are people's text, so they go through the CSV writer's formula
//! neutralisation. At most [`MAX_ROWS`] rows, so one download cannot hold a
//! worker for long or fill the memory; `X-Truncated: true` says it was cut.

use super::csv::{Cell, Csv};
use super::guard::require_user;
use super::tickets::invalid;
use super::{ApiError, State};
use crate::domain::calendar::{day_of, format_date, format_time};
use crate::domain::ticket_query::ListQuery;
use crate::http::{Request, Response};
use crate::store::{now_ms, ticket_list};

/// The most rows one download holds.
pub const MAX_ROWS: usize = 50_000;
const PAGE: i64 = 500;

/// `GET /api/tickets.csv`
pub fn download(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    if !actor.is_staff() {
        return Err(ApiError::NotFound);
    }
    // The list's own paging does not apply to a download of the whole list.
    let pairs: Vec<(String, String)> = req
        .query()
        .into_iter()
        .filter(|(k, _)| k != "page" && k != "per_page")
        .collect();
    let mut q = ListQuery::parse(&pairs).map_err(invalid)?;
    q.per_page = PAGE;
    let mut csv = Csv::new(&[
        "number",
        "title",
        "status",
        "priority",
        "tier",
        "escalated",
        "category",
        "requester",
        "assignee",
        "created_at",
        "updated_at",
    ]);
    let mut rows = 0;
    let mut truncated = false;
    loop {
        let now = state.now_ms();
        let page = state.db.read(|c| ticket_list::list(c, &actor, &q, now))?;
        let last = (page.rows.len() as i64) < PAGE;
        for t in page.rows {
            if rows == MAX_ROWS {
                truncated = true;
                break;
            }
            rows += 1;
            csv.row([
                Cell::Int(t.number),
                Cell::from(t.title),
                Cell::from(t.status),
                Cell::from(t.priority),
                Cell::Int(t.tier),
                Cell::from(if t.escalated { "yes" } else { "no" }),
                Cell::from(t.category.name),
                Cell::from(t.requester.name),
                Cell::from(t.assignee.map(|a| a.name)),
                Cell::from(format_time(t.created_at)),
                Cell::from(format_time(t.updated_at)),
            ]);
        }
        if last || truncated {
            break;
        }
        q.page += 1;
    }
    let name = format!("helpdesk-tickets-{}.csv", format_date(day_of(now_ms())));
    let response = csv.into_response(&name);
    Ok(if truncated {
        response.with_header("X-Truncated", "true")
    } else {
        response
    })
}
