//! `GET /healthz`: a liveness check for monitors and load balancers.

use super::{ApiError, State};
use crate::http::{Request, Response, Status};

pub fn healthz(state: &State, _req: &Request) -> Result<Response, ApiError> {
    Ok(Response::json(
        Status::OK,
        &serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_s": state.started.elapsed().as_secs(),
        }),
    )
    .with_header("Cache-Control", "no-store"))
}
