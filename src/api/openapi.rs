//! `GET /api/openapi.json`: the OpenAPI 3.1 document describing every route.
//!
//! The document is a hand-written JSON file embedded at build time, sorted by
//! path. A test (`tests/accounts/openapi.rs`) fails when it and the router
//! disagree on any path or method.

use super::{ApiError, State};
use crate::http::{Request, Response, Status};

/// The document, as shipped.
pub const DOCUMENT: &str = include_str!("openapi.json");

pub fn document(_state: &State, _req: &Request) -> Result<Response, ApiError> {
    Ok(
        Response::bytes(Status::OK, "application/json", DOCUMENT.as_bytes().to_vec())
            .with_header("Cache-Control", "no-cache"),
    )
}
