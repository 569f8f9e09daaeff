//! `/api/articles...` and `POST /api/tickets/:number/article`: the knowledge base.
//!
//! Staff write, publish, restore and delete; requesters read published articles
//! for everyone (the rules are `domain::article`, the filters are in the store's
//! SQL). An article a requester may not read answers 404, exactly like a missing
//! one. Answers carry the body as Markdown and as sanitised HTML
//! ([`crate::markdown`]), which is the only HTML the web app ever inserts.

use super::guard::{require_staff, require_user};
use super::json::{parse_body, Fields};
use super::tickets::{find, number};
use super::{ApiError, State};
use crate::domain::article::{self, ArticleBody, ArticleStatus, ArticleTitle, Audience, Tags};
use crate::domain::ticket::Status as TicketStatus;
use crate::domain::{search_query, Actor};
use crate::http::{Request, Response, Status};
use crate::store::articles::{self, Article, ArticleFields, ListFilter};
use crate::store::{now_ms, site_search, tickets};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{json, Value};

/// Characters of typed text a suggestion query reads; the rest is ignored
/// (the first lines of a ticket say what it is about).
pub const SUGGEST_QUERY_MAX: usize = 2_000;
const PER_PAGE: i64 = 25;

/// The article as the API shows it to `actor`.
fn shape(actor: &Actor, a: Article) -> Value {
    let html = crate::markdown::to_html(&a.body);
    let mut v = json!(a);
    v["html"] = json!(html);
    v["can"] = json!({ "edit": article::can_write(actor) });
    if !actor.is_staff() {
        // Which ticket an article came from is staff knowledge.
        v["source_ticket"] = Value::Null;
    }
    v
}

/// The summary in lists: everything but the body, with a plain-text excerpt.
fn summary(actor: &Actor, a: Article) -> Value {
    let excerpt: String = a
        .body
        .chars()
        .filter(|c| !matches!(c, '#' | '*' | '_' | '`' | '>'))
        .take(200)
        .collect();
    let mut v = json!(a);
    if let Some(o) = v.as_object_mut() {
        o.remove("body");
        o.insert("excerpt".into(), json!(excerpt.trim()));
        if !actor.is_staff() {
            o.insert("source_ticket".into(), Value::Null);
        }
    }
    v
}

fn id(req: &Request) -> Result<i64, ApiError> {
    req.param("id")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or(ApiError::NotFound)
}

fn load(c: &Connection, actor: &Actor, id: i64) -> Result<Article, ApiError> {
    articles::get(c, actor, id)?.ok_or(ApiError::NotFound)
}

/// `GET /api/articles?status=&category=&page=`
pub fn list(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let mut fields = Fields::new();
    let mut filter = ListFilter {
        limit: PER_PAGE,
        ..ListFilter::default()
    };
    let mut page = 1;
    for (k, v) in req.query() {
        match k.as_str() {
            "status" if !v.is_empty() => filter.status = fields.parse("status", &v),
            "category" if !v.is_empty() => match v.parse() {
                Ok(c) => filter.category = Some(c),
                Err(_) => fields.add("category", "Give a category id."),
            },
            "page" => match v.parse::<i64>() {
                Ok(p) if (1..=10_000).contains(&p) => page = p,
                _ => fields.add("page", "Give a page number from 1."),
            },
            _ => {}
        }
    }
    fields.finish()?;
    filter.offset = (page - 1) * PER_PAGE;
    let (rows, total) = state.db.read(|c| articles::list(c, &actor, &filter))?;
    let list: Vec<Value> = rows.into_iter().map(|a| summary(&actor, a)).collect();
    Ok(Response::json(
        Status::OK,
        &json!({ "articles": list, "total": total, "page": page, "per_page": PER_PAGE }),
    ))
}

/// The editable fields of a request; absent ones keep their current value.
#[derive(Deserialize, Default)]
struct RawArticle {
    title: Option<String>,
    body: Option<String>,
    /// `Some(None)` clears the category.
    #[serde(default, with = "double_option")]
    category_id: Option<Option<i64>>,
    tags: Option<Vec<String>>,
    audience: Option<String>,
    status: Option<String>,
}

/// Tells "absent" from "null" for the category.
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
        Option::<i64>::deserialize(d).map(Some)
    }
}

/// Merges `raw` over `base` and checks every field, naming each bad one (422).
fn fields_from(
    c: &Connection,
    actor: &Actor,
    raw: RawArticle,
    base: ArticleFields,
) -> Result<ArticleFields, ApiError> {
    let mut f = Fields::new();
    let title = f.parse::<ArticleTitle>("title", raw.title.as_deref().unwrap_or(&base.title));
    let body = f.parse::<ArticleBody>("body", raw.body.as_deref().unwrap_or(&base.body));
    let audience = match &raw.audience {
        Some(a) => f.parse::<Audience>("audience", a),
        None => Some(base.audience),
    };
    let status = match &raw.status {
        Some(s) => f.parse::<ArticleStatus>("status", s),
        None => Some(base.status),
    };
    let tags = match &raw.tags {
        Some(t) => Tags::parse(t).map_err(|m| f.add("tags", m)).ok(),
        None => Some(base.tags),
    };
    let category_id = raw.category_id.unwrap_or(base.category_id);
    if let Some(cat) = category_id {
        if !articles::category_in_org(c, actor, cat)? {
            f.add(
                "category_id",
                "Choose one of the organization's categories.",
            );
        }
    }
    let (Some(title), Some(body), Some(audience), Some(status), Some(tags)) =
        (title, body, audience, status, tags)
    else {
        return Err(f.error());
    };
    f.finish()?;
    Ok(ArticleFields {
        title: title.as_str().to_string(),
        body: body.as_str().to_string(),
        category_id,
        tags,
        audience,
        status,
    })
}

fn current_fields(a: &Article) -> Result<ArticleFields, ApiError> {
    Ok(ArticleFields {
        title: a.title.clone(),
        body: a.body.clone(),
        category_id: a.category.as_ref().map(|c| c.id),
        tags: Tags::parse(&a.tags).map_err(ApiError::Internal)?,
        audience: Audience::try_from(a.audience).map_err(ApiError::Internal)?,
        status: ArticleStatus::try_from(a.status).map_err(ApiError::Internal)?,
    })
}

/// `POST /api/articles {title, body, category_id?, tags?, audience?, status?}` (staff).
/// A new article is a draft for staff unless it says otherwise.
pub fn create(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let raw: RawArticle = parse_body(req)?;
    let now = now_ms();
    let article = state.db.write(|tx| {
        let base = ArticleFields {
            title: String::new(),
            body: String::new(),
            category_id: None,
            tags: Tags::default(),
            audience: Audience::Staff,
            status: ArticleStatus::Draft,
        };
        let fields = fields_from(tx, &actor, raw, base)?;
        let id = articles::create(tx, &actor, &fields, None, now)?;
        load(tx, &actor, id)
    })?;
    Ok(Response::json(
        Status::CREATED,
        &json!({ "article": shape(&actor, article) }),
    ))
}

/// `GET /api/articles/:id`
pub fn get(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let id = id(req)?;
    let a = state.db.read(|c| load(c, &actor, id))?;
    Ok(Response::json(
        Status::OK,
        &json!({ "article": shape(&actor, a) }),
    ))
}

/// `PATCH /api/articles/:id` (staff): saves the changed fields as a new revision.
pub fn update(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let id = id(req)?;
    let raw: RawArticle = parse_body(req)?;
    let now = now_ms();
    let a = state.db.write(|tx| {
        let current = load(tx, &actor, id)?;
        let fields = fields_from(tx, &actor, raw, current_fields(&current)?)?;
        articles::save(tx, &actor, id, &fields, None, now)?;
        load(tx, &actor, id)
    })?;
    Ok(Response::json(
        Status::OK,
        &json!({ "article": shape(&actor, a) }),
    ))
}

/// `DELETE /api/articles/:id` (staff).
pub fn delete(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let id = id(req)?;
    let gone = state.db.write(|tx| articles::delete(tx, &actor, id))?;
    if !gone {
        return Err(ApiError::NotFound);
    }
    Ok(Response::empty(Status::NO_CONTENT))
}

/// `GET /api/articles/:id/revisions` (staff): who saved what, when; newest first.
pub fn revisions(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let id = id(req)?;
    let list = state.db.read(|c| {
        load(c, &actor, id)?;
        Ok::<_, ApiError>(articles::revisions(c, id)?)
    })?;
    Ok(Response::json(Status::OK, &json!({ "revisions": list })))
}

/// `POST /api/articles/:id/revisions/:revision/restore` (staff): saves that
/// revision's state again as the newest revision.
pub fn restore(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let id = id(req)?;
    let rev: i64 = req
        .param("revision")
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::NotFound)?;
    let now = now_ms();
    let a = state.db.write(|tx| {
        load(tx, &actor, id)?;
        let mut fields = articles::revision_fields(tx, id, rev)?.ok_or(ApiError::NotFound)?;
        // A category deleted since then is simply cleared.
        if let Some(cat) = fields.category_id {
            if !articles::category_in_org(tx, &actor, cat)? {
                fields.category_id = None;
            }
        }
        articles::save(tx, &actor, id, &fields, Some(rev), now)?;
        load(tx, &actor, id)
    })?;
    Ok(Response::json(
        Status::OK,
        &json!({ "article": shape(&actor, a) }),
    ))
}

/// `GET /api/articles/suggest?q=`: up to five published articles for the text
/// being typed (a new ticket's title and description). Never an error for odd
/// text: no distinctive word means no suggestions.
pub fn suggest(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let q: String = req
        .query()
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.chars().take(SUGGEST_QUERY_MAX).collect())
        .unwrap_or_default();
    let hits = match search_query::suggestion_expression(&q, site_search::ARTICLE_COLUMNS) {
        Some(expr) => state.db.read(|c| site_search::suggest(c, &actor, &expr))?,
        None => Vec::new(),
    };
    Ok(Response::json(Status::OK, &json!({ "articles": hits })))
}

/// `POST /api/articles/:id/solved`: "This solved it". Counts a deflection (no
/// ticket is filed) and lifts the article in later suggestions.
pub fn solved(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let id = id(req)?;
    let now = now_ms();
    let count = state
        .db
        .write(|tx| articles::solved(tx, &actor, id, now))?
        .ok_or(ApiError::NotFound)?;
    Ok(Response::json(
        Status::OK,
        &json!({ "solved_count": count }),
    ))
}

/// `POST /api/tickets/:number/article` (staff): drafts an article from a resolved
/// ticket's title, description and resolution, linked to the ticket. If one was
/// drafted already, answers it (200) instead of making a second.
pub fn from_ticket(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_staff(state, req)?;
    let n = number(req)?;
    let now = now_ms();
    let (created, a) = state.db.write(|tx| {
        let t = find(tx, &actor, n)?;
        if let Some(id) = articles::id_for_ticket(tx, &actor, t.id)? {
            return Ok::<_, ApiError>((false, load(tx, &actor, id)?));
        }
        if !matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed) {
            return Err(ApiError::Conflict(
                "Resolve the ticket first: the article is drafted from its resolution.".into(),
            ));
        }
        let view = tickets::view(tx, &t)?;
        let Some(res) = view.resolution else {
            return Err(ApiError::Conflict(
                "This ticket has no resolution to draft an article from.".into(),
            ));
        };
        let (title, body) = article::draft_from_resolution(
            &t.title,
            &t.description,
            &res.cause,
            res.steps.as_deref().unwrap_or(""),
        );
        let fields = ArticleFields {
            title,
            body,
            category_id: Some(t.category_id),
            tags: Tags::default(),
            audience: Audience::Staff,
            status: ArticleStatus::Draft,
        };
        let id = articles::create(tx, &actor, &fields, Some(t.id), now)?;
        Ok((true, load(tx, &actor, id)?))
    })?;
    let status = if created { Status::CREATED } else { Status::OK };
    Ok(Response::json(
        status,
        &json!({ "article": shape(&actor, a) }),
    ))
}
