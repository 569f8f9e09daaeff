//! Cross-site request forgery checks, applied by `api::App` to every
//! state-changing request (`POST`, `PATCH`, `PUT`, `DELETE`) before dispatch,
//! sign-in and registration included.
//!
//! # Security
//! A page on another site can make the browser send a form or a "simple" fetch to
//! us with the user's cookie. Three checks stop it:
//! 1. `Sec-Fetch-Site` (sent by every current browser), when present, must be
//!    `same-origin` or `none` (a request the person started themselves); anything
//!    else, `cross-site` and `same-site` included, is refused: 403.
//!    `same-site` is refused on purpose: it means another origin under the same
//!    registrable domain (another host on the office domain, another port of
//!    this host), which we do not trust to act for our users. Our own pages only
//!    ever call us same-origin, so refusing it costs nothing.
//! 2. An `Origin` header, when present, must name this server's `Host`: 403.
//!    (`Origin: null`, from sandboxed frames and some redirects, is refused too.)
//! 3. The body must be declared `application/json`: 415. A cross-site form can
//!    only send `application/x-www-form-urlencoded`, `multipart/form-data` or
//!    `text/plain`; sending JSON cross-site needs a CORS preflight, and the
//!    server sends no CORS headers, so the preflight fails.
//!
//! Uploads (`POST /api/tickets/:number/attachments`) carry the file itself as
//! the body, with the file's own type, so rule 3 cannot apply to them.
//! [`check_upload`] keeps rules 1 and 2 and replaces rule 3 with a custom
//! header, [`UPLOAD_HEADER`]: a cross-site form cannot set any header, and a
//! cross-site `fetch` that sets one must first pass a CORS preflight, which
//! fails here. (A `text/plain` body, which a form *can* send, is exactly why
//! the content type alone would not do.)
//!
//! `SameSite=Lax` on the cookie is a fourth, independent layer.

use super::AuthError;
use crate::http::{Method, Request};

/// True for methods that must not change state (RFC 9110 section 9.2.1).
pub fn is_safe(method: Method) -> bool {
    matches!(method, Method::Get | Method::Head | Method::Options)
}

/// The header an upload must carry (any non-empty value; the web app sends
/// `X-Requested-With: helpdesk`).
pub const UPLOAD_HEADER: &str = "X-Requested-With";

/// Refuses a state-changing request that may come from another site.
pub fn check(req: &Request) -> Result<(), AuthError> {
    if is_safe(req.method) {
        return Ok(());
    }
    check_site(req)?;
    if !is_json(req.header("content-type")) {
        return Err(AuthError::NotJson);
    }
    Ok(())
}

/// Refuses an upload that may come from another site: rules 1 and 2, and the
/// custom header instead of a JSON body (module docs).
pub fn check_upload(req: &Request) -> Result<(), AuthError> {
    check_site(req)?;
    if !req
        .header(UPLOAD_HEADER)
        .is_some_and(|v| !v.trim().is_empty())
    {
        return Err(AuthError::CrossSite);
    }
    Ok(())
}

/// Rules 1 and 2: `Sec-Fetch-Site` and `Origin`, when present.
fn check_site(req: &Request) -> Result<(), AuthError> {
    if let Some(site) = req.header("sec-fetch-site") {
        let site = site.trim();
        if !(site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none")) {
            return Err(AuthError::CrossSite);
        }
    }
    if let Some(origin) = req.header("origin") {
        let host = req.header("host").unwrap_or("");
        if !origin_matches_host(origin, host) {
            return Err(AuthError::CrossSite);
        }
    }
    Ok(())
}

/// `Content-Type: application/json`, with or without parameters such as charset.
fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// `http://HOST` or `https://HOST` where HOST is the request's `Host` (RFC 6454).
fn origin_matches_host(origin: &str, host: &str) -> bool {
    let origin = origin.trim();
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    match authority {
        Some(a) => !host.is_empty() && a.eq_ignore_ascii_case(host.trim()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut r = Request::new(
            Method::Post,
            "/api/auth/login",
            SocketAddr::from(([127, 0, 0, 1], 9)),
        );
        r.headers.append("Host", "desk.lan:8080");
        for (n, v) in headers {
            r.headers.append(*n, *v);
        }
        r
    }

    #[test]
    fn json_from_our_own_pages_passes() {
        assert!(check(&post(&[(
            "Content-Type",
            "application/json; charset=utf-8"
        )]))
        .is_ok());
        assert!(check(&post(&[
            ("Content-Type", "application/json"),
            ("Origin", "http://desk.lan:8080"),
            ("Sec-Fetch-Site", "same-origin"),
        ]))
        .is_ok());
    }

    #[test]
    fn csrf_forms_and_other_sites_are_refused() {
        let form = post(&[("Content-Type", "application/x-www-form-urlencoded")]);
        assert!(matches!(check(&form), Err(AuthError::NotJson)));
        assert!(matches!(check(&post(&[])), Err(AuthError::NotJson)));
        for site in ["cross-site", "same-site", "Same-Site", "bogus", ""] {
            let r = post(&[
                ("Content-Type", "application/json"),
                ("Sec-Fetch-Site", site),
            ]);
            assert!(matches!(check(&r), Err(AuthError::CrossSite)), "{site}");
        }
        for origin in [
            "http://evil.example",
            "null",
            "http://desk.lan:8081",
            "http://desk.lan:8080.evil",
        ] {
            let r = post(&[("Content-Type", "application/json"), ("Origin", origin)]);
            assert!(matches!(check(&r), Err(AuthError::CrossSite)), "{origin}");
        }
    }

    #[test]
    fn same_site_requests_are_refused_but_same_origin_and_user_started_pass() {
        let same_site = post(&[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "same-site"),
        ]);
        assert!(matches!(check(&same_site), Err(AuthError::CrossSite)));
        for site in ["same-origin", "none"] {
            let r = post(&[
                ("Content-Type", "application/json"),
                ("Sec-Fetch-Site", site),
            ]);
            assert!(check(&r).is_ok(), "{site}");
        }
    }

    #[test]
    fn uploads_need_the_custom_header_and_a_same_origin_page() {
        let ours = post(&[
            ("Content-Type", "image/png"),
            ("X-Requested-With", "helpdesk"),
            ("Sec-Fetch-Site", "same-origin"),
        ]);
        assert!(check_upload(&ours).is_ok());
        // What a cross-site form can send: no custom header.
        let form = post(&[
            ("Content-Type", "text/plain"),
            ("Sec-Fetch-Site", "cross-site"),
        ]);
        assert!(matches!(check_upload(&form), Err(AuthError::CrossSite)));
        let headerless = post(&[("Content-Type", "text/plain")]);
        assert!(matches!(
            check_upload(&headerless),
            Err(AuthError::CrossSite)
        ));
        let elsewhere = post(&[
            ("X-Requested-With", "helpdesk"),
            ("Origin", "http://evil.example"),
        ]);
        assert!(matches!(
            check_upload(&elsewhere),
            Err(AuthError::CrossSite)
        ));
    }

    #[test]
    fn reads_are_never_checked() {
        let r = Request::new(
            Method::Get,
            "/api/me",
            SocketAddr::from(([127, 0, 0, 1], 9)),
        );
        assert!(check(&r).is_ok());
    }
}
