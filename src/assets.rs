//! STAND-IN: the embedded frontend. To be replaced by the real asset server
//! (build-time embedding, ETags, MIME types, traversal-safe `--public-dir`).

use crate::http::{Request, Response, Status};
use std::path::PathBuf;

pub struct Assets {
    _dir: Option<PathBuf>,
}

impl Assets {
    pub fn embedded() -> Assets {
        Assets { _dir: None }
    }

    pub fn from_dir(dir: PathBuf) -> Assets {
        Assets { _dir: Some(dir) }
    }

    pub fn serve(&self, _request: &Request) -> Response {
        Response::html(
            Status::OK,
            "<!doctype html><title>helpdesk</title><p>helpdesk",
        )
    }
}
