//! Static assets over real TCP: the embedded `public/`, and `--public-dir` with
//! every way out of the folder we know of.

#[path = "../support/mod.rs"]
mod support;

mod public_dir;

use support::*;

fn index_html() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/index.html"))
        .expect("public/index.html")
}

#[test]
fn root_serves_the_embedded_index_html() {
    let app = spawn_app();
    let resp = app.client().get("/");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, index_html());
    assert_eq!(
        resp.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(resp.header("cache-control"), Some("no-cache"));
    let etag = resp.header("etag").expect("an ETag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    assert_eq!(etag.len(), 34, "32 hex digits, quoted: {etag}");
}

#[test]
fn index_html_by_name_is_the_same_file() {
    let app = spawn_app();
    let mut client = app.client();
    let root = client.get("/");
    let named = client.get("/index.html");
    assert_eq!(named.status, 200);
    assert_eq!(named.body, root.body);
    assert_eq!(named.header("etag"), root.header("etag"));
}

#[test]
fn matching_if_none_match_gets_304_with_the_etag_and_no_body() {
    let app = spawn_app();
    let mut client = app.client();
    let etag = client.get("/").header("etag").expect("ETag").to_string();
    let resp = client.request("GET", "/", &[("If-None-Match", &etag)], None);
    assert_eq!(resp.status, 304);
    assert!(resp.body.is_empty());
    assert_eq!(resp.header("etag"), Some(etag.as_str()));
    assert_eq!(resp.header("cache-control"), Some("no-cache"));
    // The connection is still in step: the next request gets its own answer.
    assert_eq!(client.get("/").status, 200);
}

#[test]
fn if_none_match_lists_weak_tags_and_star_also_match() {
    let app = spawn_app();
    let mut client = app.client();
    let etag = client.get("/").header("etag").expect("ETag").to_string();
    for value in [
        format!("\"other\", {etag}"),
        format!("W/{etag}"),
        "*".to_string(),
    ] {
        let resp = client.request("GET", "/", &[("If-None-Match", &value)], None);
        assert_eq!(resp.status, 304, "If-None-Match: {value}");
    }
}

#[test]
fn a_stale_etag_gets_the_full_file() {
    let app = spawn_app();
    let resp = app.client().request(
        "GET",
        "/",
        &[("If-None-Match", "\"00000000000000000000000000000000\"")],
        None,
    );
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, index_html());
}

#[test]
fn app_routes_without_an_extension_fall_back_to_index_html() {
    let app = spawn_app();
    let mut client = app.client();
    for path in ["/tickets/42", "/tickets", "/settings/users/?tab=roles"] {
        let resp = client.get(path);
        assert_eq!(resp.status, 200, "{path}");
        assert_eq!(resp.body, index_html(), "{path}");
        assert_eq!(
            resp.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn missing_files_with_an_extension_are_404_not_html() {
    let app = spawn_app();
    let mut client = app.client();
    for path in ["/nope.js", "/js/missing.js", "/css/missing.css"] {
        let resp = client.get(path);
        assert_eq!(resp.status, 404, "{path}");
        assert_eq!(resp.error_code(), "not_found");
        assert_ne!(
            resp.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn head_gets_the_headers_of_get_and_no_body() {
    let app = spawn_app();
    let mut client = app.client();
    let get = client.get("/");
    let head = client.request("HEAD", "/", &[], None);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(head.header("cache-control"), Some("no-cache"));
    let len = get.body.len().to_string();
    assert_eq!(head.header("content-length"), Some(len.as_str()));
    // Nothing stray followed the head: the connection still answers in order.
    assert_eq!(client.get("/").body, get.body);
}
