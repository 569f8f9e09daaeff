//! The web app's files: `public/` embedded at build time, or read from a folder
//! with `--public-dir` while developing the frontend.
//!
//! A request gets here from [`crate::api::App`] for every `GET` or `HEAD` that is
//! not an API path, and leaves as a [`Response`] the server writes (dropping the
//! body for `HEAD`). The steps, in order:
//!
//! 1. [`SafePath::parse`] decodes the path and refuses anything that could leave
//!    the folder (see *Security*); `/` means `/index.html`.
//! 2. The file is looked up: in the table `build.rs` generated (bytes live in the
//!    binary, ETags computed once at start-up), or on disk (`disk.rs`).
//! 3. A missing path whose last segment has no extension (`/tickets/42`) is the web
//!    app's own URL and gets `index.html`; a missing `/js/missing.js` is a JSON 404,
//!    so a broken script tag fails loudly instead of parsing HTML as JavaScript.
//! 4. The answer carries the media type (`mime.rs`), a strong `ETag` (`etag.rs`)
//!    and `Cache-Control: no-cache`, so browsers keep a copy but revalidate each
//!    time; a matching `If-None-Match` gets `304 Not Modified` with no body.
//!    Without a build step there are no content-hashed file names, so revalidation
//!    is what keeps a deploy from serving yesterday's `app.js`.
//!
//! # Security
//!
//! Embedded assets cannot escape anything: only names in the generated table
//! exist. `--public-dir` reads the file system, so two checks guard it:
//!
//! - [`SafePath`] refuses, after a single percent-decode, `.`/`..` and any other
//!   dot-leading segment (so `%2e%2e`, `..%2f` and dotfiles such as `.env`), a
//!   backslash (raw or `%5c`), NUL or any control character, and `:`.
//! - `disk.rs` canonicalizes the joined path (resolving every symlink) and serves
//!   it only if it lies under the canonical public folder. Symlinks that stay
//!   inside the folder are allowed; ones that point out are a 404.
//!
//! Every refusal is an ordinary 404, the same as a missing file, so a probe
//! learns nothing about what exists outside; the log says what was refused.
//! The named tests live in `safe_path.rs` and `tests/assets/main.rs`.

mod disk;
pub mod etag;
mod mime;
mod safe_path;

use safe_path::SafePath;

use crate::http::{Body, Request, Response, Status};
use std::collections::HashMap;
use std::path::PathBuf;

// `static FILES: &[(&str, &[u8])]`, sorted by URL path; written by build.rs.
include!(concat!(env!("OUT_DIR"), "/public_files.rs"));

/// Where the files come from.
pub struct Assets {
    source: Source,
}

enum Source {
    /// URL path (`/css/app.css`) to bytes in the binary.
    Embedded(HashMap<&'static str, EmbeddedFile>),
    /// A folder read on every request.
    Dir(PathBuf),
}

struct EmbeddedFile {
    bytes: &'static [u8],
    etag: String,
    content_type: &'static str,
}

/// One asset ready to answer with.
struct Found {
    body: Body,
    etag: String,
    content_type: &'static str,
}

impl Assets {
    /// The files embedded by `build.rs`, with their ETags hashed once, here.
    pub fn embedded() -> Assets {
        let files = FILES
            .iter()
            .map(|&(url, bytes)| {
                let file = EmbeddedFile {
                    bytes,
                    etag: etag::for_bytes(bytes),
                    content_type: mime::content_type(url),
                };
                (url, file)
            })
            .collect();
        Assets {
            source: Source::Embedded(files),
        }
    }

    /// Files read from `dir` on every request (`--public-dir`). The folder need
    /// not exist yet; until it does, every path is a 404 and the log says why.
    pub fn from_dir(dir: PathBuf) -> Assets {
        Assets {
            source: Source::Dir(dir),
        }
    }

    /// Answers a `GET` or `HEAD` for a non-API path.
    pub fn serve(&self, request: &Request) -> Response {
        let path = match SafePath::parse(request.path()) {
            Ok(p) if p.is_root() => SafePath::index(),
            Ok(p) => p,
            Err(why) => {
                log::info!("refused asset path {:?}: {why:?}", request.path());
                return not_found();
            }
        };
        let found = match self.find(&path) {
            Some(found) => Some(found),
            None if !path.has_extension() => self.find(&SafePath::index()),
            None => None,
        };
        match found {
            Some(found) => respond(request, found),
            None => not_found(),
        }
    }

    fn find(&self, path: &SafePath) -> Option<Found> {
        match &self.source {
            Source::Embedded(files) => files.get(path.url().as_str()).map(|f| Found {
                body: Body::Static(f.bytes),
                etag: f.etag.clone(),
                content_type: f.content_type,
            }),
            Source::Dir(root) => match disk::read(root, path) {
                Ok(Some(file)) => Some(Found {
                    etag: etag::for_bytes(&file.bytes),
                    body: Body::Bytes(file.bytes),
                    content_type: mime::content_type(&path.url()),
                }),
                Ok(None) => None,
                Err(e) => {
                    log::warn!("reading {} under {}: {e}", path.url(), root.display());
                    None
                }
            },
        }
    }
}

/// 200 with the body, or 304 when the client's copy is current. Both carry the
/// ETag and `Cache-Control` (RFC 9110 section 15.4.5).
fn respond(request: &Request, found: Found) -> Response {
    let current = etag::none_match(request.headers.get_all("if-none-match"), &found.etag);
    let response = if current {
        Response::empty(Status::NOT_MODIFIED)
    } else {
        Response::empty(Status::OK)
            .with_header("Content-Type", found.content_type)
            .with_body(found.body)
    };
    response
        .with_header("ETag", found.etag)
        .with_header("Cache-Control", "no-cache")
}

fn not_found() -> Response {
    Response::error(Status::NOT_FOUND, "not_found", "No such file.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    fn get(assets: &Assets, target: &str) -> Response {
        let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 1));
        assets.serve(&Request::new(Method::Get, target, peer))
    }

    #[test]
    fn embedded_table_is_sorted_and_holds_index_html() {
        let urls: Vec<&str> = FILES.iter().map(|(url, _)| *url).collect();
        let mut sorted = urls.clone();
        sorted.sort();
        assert_eq!(urls, sorted, "build.rs sorts for a reproducible binary");
        assert!(urls.contains(&"/index.html"));
        assert!(urls.iter().all(|u| u.starts_with('/') && !u.contains('\\')));
    }

    #[test]
    fn refused_paths_are_404_and_never_fall_back_to_index_html() {
        let assets = Assets::embedded();
        for target in ["/..", "/%2e%2e", "/tickets/..%2f", "/a%00b", "/%zz"] {
            let resp = get(&assets, target);
            assert_eq!(resp.status, Status::NOT_FOUND, "{target}");
            assert_eq!(resp.headers.get("content-type"), Some("application/json"));
        }
    }

    #[test]
    fn a_missing_public_dir_is_404_not_a_panic() {
        let assets = Assets::from_dir(PathBuf::from("/nonexistent/helpdesk-public"));
        assert_eq!(get(&assets, "/").status, Status::NOT_FOUND);
        assert_eq!(get(&assets, "/tickets/1").status, Status::NOT_FOUND);
    }
}
