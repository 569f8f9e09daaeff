//! `GET /api/search?q=&type=`: one search over tickets, replies, internal notes
//! (staff only) and articles, and `POST /api/markdown`, the editor's preview.
//!
//! The query syntax is `domain::search_query` (every word, "quoted phrases",
//! the last word as a prefix, accents folded); the scoping and the speed are
//! `store::site_search`. A query with no word in it (only operators, quotes or
//! punctuation) is a 400 naming the field, never an FTS5 error.

use super::guard::require_user;
use super::json::parse_body;
use super::{ApiError, State};
use crate::domain::search_query::{self, MAX_TERMS};
use crate::http::{Request, Response, Status};
use crate::store::site_search::{self, ARTICLE_COLUMNS};
use serde::Deserialize;
use serde_json::json;

/// Characters in a search query.
pub const QUERY_MAX: usize = 500;
/// Characters of Markdown the preview renders (an article's limit).
pub const PREVIEW_MAX: usize = crate::domain::article::BODY_MAX;
/// Hits per kind.
const TICKET_HITS: i64 = 25;
const ARTICLE_HITS_BESIDE_TICKETS: i64 = 5;
const ARTICLE_HITS_ALONE: i64 = 25;

/// `GET /api/search?q=&type=all|tickets|articles`
pub fn search(state: &State, req: &Request) -> Result<Response, ApiError> {
    let actor = require_user(state, req)?;
    let mut q = String::new();
    let mut kind = "all".to_string();
    for (k, v) in req.query() {
        match k.as_str() {
            "q" => q = v,
            "type" => kind = v,
            _ => {}
        }
    }
    if q.chars().count() > QUERY_MAX {
        return Err(ApiError::field(
            "q",
            format!("Keep the search under {QUERY_MAX} characters."),
        ));
    }
    if !matches!(kind.as_str(), "all" | "tickets" | "articles") {
        return Err(ApiError::field("type", "Choose all, tickets or articles."));
    }
    let terms = search_query::parse(&q);
    let Some(article_expr) = search_query::expression(&terms, ARTICLE_COLUMNS) else {
        return Err(ApiError::field(
            "q",
            format!("Type at least one word to search for (up to {MAX_TERMS} are used)."),
        ));
    };
    let (tickets, articles) = state.db.read(|c| {
        let tickets = if kind == "articles" {
            None
        } else {
            let terms = site_search::completed(c, &terms)?;
            Some(site_search::tickets(c, &actor, &terms, TICKET_HITS)?)
        };
        let limit = if kind == "all" {
            ARTICLE_HITS_BESIDE_TICKETS
        } else {
            ARTICLE_HITS_ALONE
        };
        let articles = if kind == "tickets" {
            None
        } else {
            Some(site_search::articles(c, &actor, &article_expr, limit)?)
        };
        Ok::<_, ApiError>((tickets, articles))
    })?;
    let mut hits: Vec<serde_json::Value> = Vec::new();
    let mut counts = serde_json::Map::new();
    if let Some(a) = articles {
        counts.insert(
            "articles".into(),
            json!({"count": a.count, "capped": a.capped}),
        );
        hits.extend(a.hits.into_iter().map(|h| json!(h)));
    }
    if let Some(t) = tickets {
        counts.insert(
            "tickets".into(),
            json!({"count": t.count, "capped": t.capped}),
        );
        hits.extend(t.hits.into_iter().map(|h| json!(h)));
    }
    Ok(Response::json(
        Status::OK,
        &json!({ "q": q, "hits": hits, "counts": counts }),
    ))
}

#[derive(Deserialize)]
struct PreviewBody {
    #[serde(default)]
    text: String,
}

/// `POST /api/markdown {text}`: the sanitised HTML the editor's preview shows.
pub fn preview(state: &State, req: &Request) -> Result<Response, ApiError> {
    require_user(state, req)?;
    let body: PreviewBody = parse_body(req)?;
    if body.text.chars().count() > PREVIEW_MAX {
        return Err(ApiError::field(
            "text",
            format!("Keep the text under {PREVIEW_MAX} characters."),
        ));
    }
    Ok(Response::json(
        Status::OK,
        &json!({ "html": crate::markdown::to_html(&body.text) }),
    ))
}
