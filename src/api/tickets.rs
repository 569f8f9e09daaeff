//! `/api/tickets` and `/api/tickets/:number`: raise, list, read and edit tickets.
//!
//! Every handler finds the ticket through [`find`] (the actor's organization; for
//! requesters their own or watched tickets), so another organization's number or
//! another requester's ticket answers 404 and changes nothing. The store returns
//! the ticket as a typed [`TicketView`]; this file composes the API's Ticket shape
//! around it: the viewer's `can` (from [`domain::access::Access`](crate::domain::access::Access))
//! and `next_statuses` (from [`domain::ticket_rules::next_statuses`](crate::domain::ticket_rules::next_statuses)).
//! Input is checked on a plain read before the write transaction starts.

use super::guard::require_user;
use super::json::parse_body;
use super::news::News;
use super::{ApiError, FieldErrors, State};
use crate::domain::access::{Access, Relation};
use crate::domain::answers::parse_answers;
use crate::domain::category::Problems;
use crate::domain::deletion::may_delete;
use crate::domain::satisfaction::may_rate;
use crate::domain::ticket::{Contact, Description, Priority, TicketNumber, Title};
use crate::domain::ticket_query::ListQuery;
use crate::domain::ticket_rules::next_statuses;
use crate::domain::zone::from_ms;
use crate::domain::Actor;
use crate::http::{Request, Response, Status};
use crate::jobs::assign;
use crate::store::satisfaction::{self, RatingRow};
use crate::store::ticket_changes::{self, TicketEdit};
use crate::store::tickets::{self, NewTicket, TicketRef, TicketView};
use crate::store::{
    assignment, attachments, categories, merge, now_ms, sla_clocks, sla_settings, ticket_list,
    time_entries,
};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Turns `(key, message)` problems into a 422.
pub(crate) fn invalid(problems: Problems) -> ApiError {
    ApiError::Validation(problems.into_iter().collect::<FieldErrors>())
}

/// The `:number` path parameter; anything else is "no such ticket".
pub(crate) fn number(req: &Request) -> Result<TicketNumber, ApiError> {
    req.param("number")
        .and_then(|s| TicketNumber::try_from(s).ok())
        .ok_or(ApiError::NotFound)
}

/// The ticket, if the actor may see it; 404 otherwise.
pub(crate) fn find(
    conn: &Connection,
    actor: &Actor,
    n: TicketNumber,
) -> Result<TicketRef, ApiError> {
    tickets::find(conn, actor, n)?.ok_or(ApiError::NotFound)
}

/// What the viewer may do with the ticket: the Ticket shape's `can`.
#[derive(Serialize)]
pub(crate) struct Can {
    edit: bool,
    edit_all: bool,
    reopen: bool,
    comment_internal: bool,
    /// Delete the ticket: an admin (after typing its number), or its requester
    /// withdrawing it before staff act.
    delete: bool,
    /// Rate the ticket now (its requester, once it is resolved, once).
    rate: bool,
}

/// How the ticket's assignment was made: `kind` is `automatic`, `manual` or
/// null (never assigned); `reason` is the engine's last decision in words
/// (staff only: it names other staff and why they were skipped); `waiting` is
/// true while nobody could take it ("waiting for an agent").
#[derive(Serialize)]
pub(crate) struct AssignmentJson {
    kind: Option<String>,
    reason: Option<String>,
    waiting: bool,
}

/// The API's Ticket shape: the stored ticket and the viewer's `can`.
#[derive(Serialize)]
pub(crate) struct TicketJson {
    #[serde(flatten)]
    ticket: TicketView,
    assignment: AssignmentJson,
    can: Can,
    /// The statuses the viewer may move the ticket to now, in workflow order
    /// (the web app offers exactly these).
    next_statuses: Vec<&'static str>,
    /// Every file on the ticket the viewer may see, its replies' included
    /// (each says its `comment_id`).
    attachments: Vec<attachments::Attachment>,
    /// The requester's satisfaction rating, for staff and the requester.
    rating: Option<RatingRow>,
    /// Minutes logged in all; staff only (`null` for requesters).
    time_spent_minutes: Option<i64>,
    /// The ticket this one was merged into, if it was.
    merged_into: Option<i64>,
    /// Related tickets (staff only: their titles are not the requester's).
    links: Vec<merge::Link>,
    /// Due times and state, for staff; null for requesters and for tickets
    /// older than SLAs.
    sla: Option<Value>,
}

/// The Ticket shape with the viewer's `can`, read fresh (after a change too).
pub(crate) fn ticket_json(
    conn: &Connection,
    actor: &Actor,
    n: TicketNumber,
) -> Result<TicketJson, ApiError> {
    let t = find(conn, actor, n)?;
    let ticket = tickets::view(conn, &t)?;
    let now = now_ms();
    let access = Access::of(t.relation, t.status, t.staff_touched, t.resolved_at, now);
    let statuses = next_statuses(t.relation, t.status, t.resolved_at, now);
    let rating = match t.relation {
        Relation::Staff | Relation::Owner => satisfaction::of_ticket(conn, &t)?,
        Relation::Watcher => None,
    };
    let time_spent_minutes = match t.relation {
        Relation::Staff => Some(time_entries::total(conn, &t)?),
        _ => None,
    };
    let rate = may_rate(t.relation, t.status, rating.is_some()).is_ok();
    let merged_into = merge::merged_into(conn, &t)?;
    let links = match t.relation {
        Relation::Staff => merge::links(conn, &t)?,
        _ => Vec::new(),
    };
    let sla = match sla_clocks::load(conn, t.id)? {
        Some(sla) if actor.is_staff() => {
            let s = sla_settings::get(conn, actor.org_id)?;
            Some(sla.to_json(&s.calendar, &s.zone, from_ms(now)))
        }
        _ => None,
    };
    let engine = assignment::engine_ticket(conn, actor, t.id)?;
    let assignment = AssignmentJson {
        waiting: engine.as_ref().is_some_and(|e| e.is_waiting()),
        kind: engine.as_ref().and_then(|e| e.kind.clone()),
        reason: engine
            .and_then(|e| e.reason)
            .filter(|_| t.relation == Relation::Staff),
    };
    Ok(TicketJson {
        sla,
        ticket,
        assignment,
        can: Can {
            edit: access.edit,
            edit_all: access.edit_all,
            reopen: access.reopen,
            comment_internal: access.comment_internal,
            delete: may_delete(actor, t.relation, t.status, t.staff_touched, n.0, Some(n.0))
                .is_ok(),
            rate,
        },
        next_statuses: statuses.into_iter().map(|s| s.as_str()).collect(),
        attachments: attachments::list(conn, actor, &t)?,
        rating,
        time_spent_minutes,
        merged_into,
        links,
    })
}

pub(crate) fn ticket_response(status: Status, ticket: TicketJson) -> Response {
    Response::json(status, &json!({ "ticket": ticket }))
}

/// `GET /api/tickets`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let q = ListQuery::parse(&req.query()).map_err(invalid)?;
    let page = state
        .db
        .read(|c| ticket_list::list(c, &actor, &q, state.now_ms()))?;
    Ok(Response::json(
        Status::OK,
        &json!({"tickets": page.rows, "total": page.total, "total_capped": page.capped,
                "page": q.page, "per_page": q.per_page}),
    ))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct RawContact {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize)]
struct NewTicketBody {
    category_id: Option<i64>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    priority: Option<String>,
    #[serde(default)]
    answers: Map<String, Value>,
    contact: Option<RawContact>,
}

fn parse_contact(raw: RawContact, fallback: &Contact, problems: &mut Problems) -> Option<Contact> {
    let name = raw.name.unwrap_or_else(|| fallback.name.clone());
    let email = raw.email.unwrap_or_else(|| fallback.email.clone());
    let phone = raw.phone.unwrap_or_else(|| fallback.phone.clone());
    Contact::parse(&name, &email, &phone)
        .map_err(|mut p| problems.append(&mut p))
        .ok()
}

/// `POST /api/tickets`
///
/// Everything is read and checked before the write starts (the category, its
/// questions and the profile's contact come from a plain read), so the write
/// lock is held only for the insert.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let body: NewTicketBody = parse_body(req)?;
    let new = state.db.read(|c| check_new_ticket(c, &actor, body))?;
    file(state, &actor, &new)
}

/// Files a checked new ticket as the actor (the form's and a chat's), hands it
/// to automatic assignment, tells the open browsers, and answers 201 with it.
pub(crate) fn file(state: &State, actor: &Actor, new: &NewTicket) -> Result<Response, ApiError> {
    let at = state.clock.now();
    let now = at.as_millisecond();
    let (ticket, news) = state.db.write(|tx| {
        // The category was active when checked; an admin may have retired it since.
        if !categories::get(tx, actor, new.category_id)?.is_some_and(|c| c.active) {
            return Err(ApiError::field("category_id", "Choose a category."));
        }
        let n = tickets::create(tx, actor, new, now)?;
        let id = find(tx, actor, n)?.id;
        assign::decide(tx, actor.org_id, id, at, &state.server_zone, true)?;
        // Read after the decision, so the news names the assignee's readers too.
        let t = find(tx, actor, n)?;
        let mut news = News::about(tx, actor, &t)?;
        news.created(&t);
        Ok::<_, ApiError>((ticket_json(tx, actor, n)?, news))
    })?;
    state.tell(news);
    // The jobs thread plans its next wake-up around waiting tickets and the
    // SLA marks, and the new ticket's clocks may come due before its next pass.
    state.jobs.nudge();
    Ok(ticket_response(Status::CREATED, ticket))
}

/// The new ticket in `body`, every field checked; one 422 names every bad field.
fn check_new_ticket(
    conn: &Connection,
    actor: &Actor,
    body: NewTicketBody,
) -> Result<NewTicket, ApiError> {
    let mut problems = Problems::new();
    let category = match body.category_id {
        Some(id) => categories::get(conn, actor, id)?.filter(|c| c.active),
        None => None,
    };
    if category.is_none() {
        problems.push(("category_id".into(), "Choose a category.".into()));
    }
    let title = Title::try_from(body.title.as_str())
        .map_err(|e| problems.push(("title".into(), e)))
        .ok();
    let description = Description::try_from(body.description.as_str())
        .map_err(|e| problems.push(("description".into(), e)))
        .ok();
    let priority = match &body.priority {
        Some(p) => Priority::try_from(p.as_str())
            .map_err(|e| problems.push(("priority".into(), e)))
            .ok(),
        None => category
            .as_ref()
            .and_then(|c| Priority::try_from(c.default_priority).ok()),
    };
    let answers = match &category {
        Some(c) => parse_answers(&categories::questions(conn, c.id)?, &body.answers)
            .map_err(|mut p| problems.append(&mut p))
            .ok(),
        None => None,
    };
    let profile = tickets::profile_contact(conn, actor)?;
    let contact = parse_contact(body.contact.unwrap_or_default(), &profile, &mut problems);
    let (Some(c), Some(title), Some(description), Some(priority), Some(answers), Some(contact)) =
        (category, title, description, priority, answers, contact)
    else {
        return Err(invalid(problems));
    };
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(NewTicket {
        category_id: c.id,
        title,
        description,
        priority,
        answers,
        contact,
    })
}

/// `GET /api/tickets/:number`
pub fn get(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let ticket = state.db.read(|c| ticket_json(c, &actor, n))?;
    Ok(ticket_response(Status::OK, ticket))
}

#[derive(Deserialize)]
struct EditBody {
    title: Option<String>,
    description: Option<String>,
    answers: Option<Map<String, Value>>,
    priority: Option<String>,
    category_id: Option<i64>,
    contact: Option<RawContact>,
}

/// Whether the viewer may make this edit to `t` now: 409 on a closed ticket for
/// staff, 403 once staff started (for the requester) or for staff-only fields.
fn may_edit(t: &TicketRef, body: &EditBody, now: i64) -> Result<(), ApiError> {
    let can = Access::of(t.relation, t.status, t.staff_touched, t.resolved_at, now);
    if t.relation == Relation::Staff && !can.edit {
        return Err(ApiError::Conflict(
            "A closed ticket cannot be changed.".into(),
        ));
    }
    if !can.edit {
        return Err(ApiError::Forbidden(
            "The help desk has started on this ticket; add a reply instead of editing it.".into(),
        ));
    }
    let staff_only =
        body.priority.is_some() || body.category_id.is_some() || body.contact.is_some();
    if staff_only && !can.edit_all {
        return Err(ApiError::Forbidden(
            "Only the help desk can change priority, category or contact.".into(),
        ));
    }
    Ok(())
}

/// The edit in `body`, checked against ticket `t` as read before the write.
fn check_edit(
    conn: &Connection,
    actor: &Actor,
    t: &TicketRef,
    body: &EditBody,
) -> Result<TicketEdit, ApiError> {
    let mut problems = Problems::new();
    let mut edit = TicketEdit {
        title: body.title.as_deref().and_then(|s| {
            Title::try_from(s)
                .map_err(|e| problems.push(("title".into(), e)))
                .ok()
        }),
        description: body.description.as_deref().and_then(|s| {
            Description::try_from(s)
                .map_err(|e| problems.push(("description".into(), e)))
                .ok()
        }),
        priority: body.priority.as_deref().and_then(|s| {
            Priority::try_from(s)
                .map_err(|e| problems.push(("priority".into(), e)))
                .ok()
        }),
        ..TicketEdit::default()
    };
    let mut category_id = t.category_id;
    if let Some(id) = body.category_id.filter(|id| *id != t.category_id) {
        match categories::get(conn, actor, id)?.filter(|c| c.active) {
            Some(c) => {
                category_id = c.id;
                edit.category_id = Some(c.id);
            }
            None => problems.push(("category_id".into(), "Choose a category.".into())),
        }
    }
    if body.answers.is_some() || edit.category_id.is_some() {
        let raw = body.answers.clone().unwrap_or_default();
        edit.answers = parse_answers(&categories::questions(conn, category_id)?, &raw)
            .map_err(|mut p| problems.append(&mut p))
            .ok();
    }
    if let Some(raw) = &body.contact {
        edit.contact = parse_contact(raw.clone(), &t.contact, &mut problems);
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(edit)
}

/// `PATCH /api/tickets/:number`: the requester edits title, description and
/// answers until staff first act; staff edit every field. The edit is checked
/// against the ticket as read first; the write then re-reads it, asks the same
/// access rule again (the ticket may have moved meanwhile) and applies it.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let n = number(req)?;
    let body: EditBody = parse_body(req)?;
    let (checked_against, edit) = state.db.read(|c| {
        let t = find(c, &actor, n)?;
        may_edit(&t, &body, state.now_ms())?;
        let edit = check_edit(c, &actor, &t, &body)?;
        Ok::<_, ApiError>((t.category_id, edit))
    })?;
    let at = state.clock.now();
    let now = at.as_millisecond();
    let (ticket, retargeted, news) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        may_edit(&t, &body, now)?;
        if t.category_id != checked_against {
            // The answers were checked against the other category's questions.
            return Err(ApiError::Conflict(
                "The ticket's category changed meanwhile; reload it and try again.".into(),
            ));
        }
        ticket_changes::edit(tx, &actor, &t, &edit, now)?;
        let retargeted = edit.priority.is_some() || edit.category_id.is_some();
        let mut fields = edit.fields();
        if edit.category_id.is_some() {
            assign::reconsider(tx, actor.org_id, t.id, at, &state.server_zone)?;
            fields.push("assignee");
        }
        let mut news = News::about(tx, &actor, &t)?;
        news.updated(&fields);
        Ok::<_, ApiError>((ticket_json(tx, &actor, n)?, retargeted, news))
    })?;
    state.tell(news);
    if retargeted {
        // New targets can bring a warning or breach forward, even to now.
        state.jobs.nudge();
    }
    Ok(ticket_response(Status::OK, ticket))
}
