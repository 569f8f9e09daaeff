//! Turning a request path into the relative file path of an asset, or refusing it.
//!
//! This is the first line of defence for `--public-dir` (the second is the
//! canonical-prefix check in `disk.rs`), and it runs for embedded assets too, so
//! both sources accept exactly the same URLs.
//!
//! # Security
//!
//! The path is percent-decoded once, with [`percent_decode`], and then checked
//! *after* decoding, so `%2e%2e`, `..%2f`, `%2E%2e%2F` and `%5c` cannot slip past
//! a check on the raw text. A decoded path is refused when:
//!
//! - any segment is `.` or `..` (a browser never sends these; it resolves them
//!   first), or starts with `.` at all, so dotfiles such as `.env` or `.git/`
//!   in a development folder are never served;
//! - it contains a backslash, which Windows treats as a separator;
//! - it contains NUL or any other control character, which some file APIs
//!   truncate at;
//! - it contains `:`, which Windows reads as a drive or stream name;
//! - it does not decode (a broken escape or bytes that are not UTF-8).
//!
//! Empty segments (`//`) are dropped, so the result never starts with `/` and
//! can only be joined *under* a folder, never replace it.

use crate::http::url::percent_decode;

/// A request path that is safe to look up: non-empty segments, each a plain name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafePath {
    segments: Vec<String>,
}

/// Why a path was refused. Both answer 404 to the client; the log says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// A broken `%` escape or decoded bytes that are not UTF-8.
    BadEscape,
    /// A segment, character or sequence that could leave the folder.
    Unsafe,
}

impl SafePath {
    /// Decodes and checks a request path (without its query string).
    pub fn parse(raw: &str) -> Result<SafePath, Refused> {
        let decoded = percent_decode(raw).ok_or(Refused::BadEscape)?;
        if decoded
            .chars()
            .any(|c| c == '\\' || c == ':' || c.is_control())
        {
            return Err(Refused::Unsafe);
        }
        let mut segments = Vec::new();
        for segment in decoded.split('/') {
            if segment.is_empty() {
                continue;
            }
            if segment.starts_with('.') {
                return Err(Refused::Unsafe);
            }
            segments.push(segment.to_string());
        }
        Ok(SafePath { segments })
    }

    /// The path `index.html`, which `/` means.
    pub fn index() -> SafePath {
        SafePath {
            segments: vec!["index.html".to_string()],
        }
    }

    /// True for `/` (no segments at all).
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The segments, each a plain file or folder name.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The canonical URL form, `/css/app.css`, as the embedded table is keyed.
    pub fn url(&self) -> String {
        let mut url = String::new();
        for s in &self.segments {
            url.push('/');
            url.push_str(s);
        }
        if url.is_empty() {
            url.push('/');
        }
        url
    }

    /// Whether the last segment names a file (has an extension). Paths without
    /// one belong to the web app and fall back to `index.html`; a missing
    /// `/js/app.js` must stay a 404 so a broken script tag fails loudly.
    pub fn has_extension(&self) -> bool {
        self.segments
            .last()
            .is_some_and(|last| last.rfind('.').is_some_and(|i| i > 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(raw: &str) -> Result<String, Refused> {
        SafePath::parse(raw).map(|p| p.url())
    }

    #[test]
    fn plain_paths_pass_and_empty_segments_are_dropped() {
        assert_eq!(url("/"), Ok("/".into()));
        assert_eq!(url("/css/app.css"), Ok("/css/app.css".into()));
        assert_eq!(url("//css///app.css"), Ok("/css/app.css".into()));
        assert_eq!(url("/tickets/42"), Ok("/tickets/42".into()));
        assert_eq!(url("/a%20b.css"), Ok("/a b.css".into()));
        assert!(SafePath::parse("/").is_ok_and(|p| p.is_root()));
    }

    #[test]
    fn dot_dot_segments_are_refused() {
        for raw in [
            "/..",
            "/../secret",
            "/css/../../secret",
            "/css/..",
            "/./index.html",
        ] {
            assert_eq!(url(raw), Err(Refused::Unsafe), "{raw}");
        }
    }

    #[test]
    fn percent_encoded_dot_dot_is_refused() {
        for raw in [
            "/%2e%2e/secret",
            "/%2E%2e/secret",
            "/%2e%2E%2fsecret",
            "/..%2fsecret",
            "/..%2Fsecret",
            "/.%2e/secret",
            "/css%2f%2e%2e%2f%2e%2e%2fsecret",
        ] {
            assert_eq!(url(raw), Err(Refused::Unsafe), "{raw}");
        }
    }

    #[test]
    fn backslash_is_refused() {
        for raw in [
            "/..\\secret",
            "/css\\app.css",
            "/..%5csecret",
            "/%5C..%5Csecret",
        ] {
            assert_eq!(url(raw), Err(Refused::Unsafe), "{raw}");
        }
    }

    #[test]
    fn nul_byte_is_refused() {
        for raw in ["/index.html%00.js", "/%00", "/secret%00/x", "/a%0d%0ab"] {
            assert_eq!(url(raw), Err(Refused::Unsafe), "{raw}");
        }
    }

    #[test]
    fn dotfiles_and_drive_names_are_refused() {
        assert_eq!(url("/.env"), Err(Refused::Unsafe));
        assert_eq!(url("/.git/config"), Err(Refused::Unsafe));
        assert_eq!(url("/C:/Windows/win.ini"), Err(Refused::Unsafe));
        assert_eq!(url("/index.html%3a%3a$DATA"), Err(Refused::Unsafe));
    }

    #[test]
    fn broken_escapes_are_refused() {
        assert_eq!(url("/%"), Err(Refused::BadEscape));
        assert_eq!(url("/%zz"), Err(Refused::BadEscape));
        assert_eq!(url("/%ff"), Err(Refused::BadEscape));
    }

    #[test]
    fn only_last_segments_with_an_extension_are_files() {
        let ext = |raw: &str| SafePath::parse(raw).is_ok_and(|p| p.has_extension());
        assert!(ext("/js/app.js"));
        assert!(ext("/nope.js"));
        assert!(!ext("/tickets/42"));
        assert!(!ext("/v1.0/tickets"));
        assert!(!ext("/"));
    }
}
