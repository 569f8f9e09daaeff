//! `GET /api/openapi.json`: the OpenAPI 3.1 document describing every route.
//!
//! The document is a hand-written JSON file embedded at build time, sorted by
//! path. A test (`tests/accounts/openapi.rs`) fails when it and the router
//! disagree on any path or method.

use super::{ApiError, State};
use crate::http::{Body, Request, Response, Status};

/// The document, as shipped.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// Served from the binary without a copy: the document is about 100 KB, and a
/// client slow to read keeps its response in memory until it has read it.
pub fn document(_state: &State, _req: &Request) -> Result<Response, ApiError> {
    Ok(Response::empty(Status::OK)
        .with_header("Content-Type", "application/json")
        .with_header("Cache-Control", "no-cache")
        .with_body(Body::Static(DOCUMENT.as_bytes())))
}
