//! The ticket list: one query built from a [`ListQuery`], scoped to the actor's
//! organization (and for requesters to their own and watched tickets), sorted,
//! paged, with the total count. Every filter is a bound parameter; only the fixed
//! ORDER BY fragments below are spliced into the SQL.

use super::{search, StoreError};
use crate::domain::ticket::Priority;
use crate::domain::ticket_query::{AssigneeFilter, ListQuery, SortKey};
use crate::domain::Actor;
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection};
use serde_json::{json, Value};

/// One page of the list.
pub struct Page {
    pub rows: Vec<Value>,
    pub total: i64,
}

/// Builds the WHERE clause and its parameters.
fn filters(actor: &Actor, q: &ListQuery) -> (String, Vec<Sql>) {
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
    if let Some(text) = &q.q {
        match search::match_expression(text, actor.is_staff()) {
            Some(expr) => {
                sql.push_str(
                    " AND t.id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)",
                );
                args.push(Sql::Text(expr));
            }
            // Only punctuation: nothing can match.
            None => sql.push_str(" AND 0"),
        }
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
}

fn order_by(q: &ListQuery) -> String {
    let dir = if q.ascending { "ASC" } else { "DESC" };
    match q.sort {
        SortKey::Updated => format!("t.updated_at {dir}, t.id {dir}"),
        SortKey::Created => format!("t.created_at {dir}, t.id {dir}"),
        SortKey::Priority => format!("t.priority {dir}, t.updated_at DESC, t.id DESC"),
        SortKey::Number => format!("t.number {dir}"),
    }
}

/// One page of the tickets the actor may see, as TicketRow values, and the total.
pub fn list(conn: &Connection, actor: &Actor, q: &ListQuery) -> Result<Page, StoreError> {
    let (cond, args) = filters(actor, q);
    // Tickets are never deleted and numbers are allocated densely from 1, so the
    // whole desk's count is its highest number: an index lookup instead of a
    // 100,000-row count on the list's most frequent call.
    let count_sql = if actor.is_staff() && is_unfiltered(q) {
        format!("SELECT COALESCE(MAX(t.number), 0) FROM tickets t WHERE {cond}")
    } else {
        format!("SELECT COUNT(*) FROM tickets t WHERE {cond}")
    };
    let total: i64 = conn
        .prepare_cached(&count_sql)?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    let sql = format!(
        "SELECT t.number, t.title, t.status, t.priority, t.tier, t.escalated,
                c.id, c.name, r.id, r.name, a.id, a.name, t.created_at, t.updated_at,
                lr.body, lr.created_at, lu.id, lu.name
         FROM (SELECT t.* FROM tickets t WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?) t
         JOIN categories c ON c.id = t.category_id
         JOIN users r ON r.id = t.requester_id
         LEFT JOIN users a ON a.id = t.assignee_id
         LEFT JOIN comments lr ON lr.id = (SELECT MAX(id) FROM comments
                                           WHERE ticket_id = t.id AND internal = 0)
         LEFT JOIN users lu ON lu.id = lr.author_id
         ORDER BY {order}",
        order = order_by(q)
    );
    let mut args = args;
    args.push(Sql::Integer(q.per_page));
    args.push(Sql::Integer(q.offset()));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        let assignee = match r.get::<_, Option<i64>>(10)? {
            Some(id) => json!({"id": id, "name": r.get::<_, String>(11)?}),
            None => Value::Null,
        };
        let last_reply = match r.get::<_, Option<String>>(14)? {
            Some(body) => json!({
                "author": {"id": r.get::<_, i64>(16)?, "name": r.get::<_, String>(17)?},
                "excerpt": body.chars().take(140).collect::<String>(),
                "created_at": r.get::<_, i64>(15)?,
            }),
            None => Value::Null,
        };
        Ok(json!({
            "number": r.get::<_, i64>(0)?,
            "title": r.get::<_, String>(1)?,
            "status": r.get::<_, String>(2)?,
            "priority": Priority::from_rank(r.get(3)?).unwrap_or(Priority::Normal).as_str(),
            "tier": r.get::<_, i64>(4)?,
            "escalated": r.get::<_, bool>(5)?,
            "category": {"id": r.get::<_, i64>(6)?, "name": r.get::<_, String>(7)?},
            "requester": {"id": r.get::<_, i64>(8)?, "name": r.get::<_, String>(9)?},
            "assignee": assignee,
            "created_at": r.get::<_, i64>(12)?,
            "updated_at": r.get::<_, i64>(13)?,
            "last_reply": last_reply,
        }))
    })?;
    Ok(Page {
        rows: rows.collect::<Result<_, _>>()?,
        total,
    })
}
