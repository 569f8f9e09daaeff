//! `--public-dir`: files served from disk, and every escape from the folder refused.
//!
//! Each test builds `root/public/` with a small web app, a secret in `root/`
//! beside it, and symlinks inside `public/` pointing both ways. Traversal targets
//! go over a raw socket so no client library can normalise them first; a refusal
//! may be the server's 400 or our 404, but never 200 and never the secret.

use crate::support::*;
use std::fs;
use std::path::PathBuf;

const SECRET: &str = "TOP-SECRET-do-not-serve";
const INDEX: &str = "<!doctype html><title>dev</title><p>dev index";
const CSS: &str = "body { color: rebeccapurple; }";
const JS: &str = "export const hello = 'world';";

struct Site {
    _root: TempDir,
    public: PathBuf,
    app: TestServer,
}

fn site() -> Site {
    let root = TempDir::new("assets");
    let public = root.0.join("public");
    fs::create_dir_all(public.join("css")).expect("mkdir css");
    fs::create_dir_all(public.join("js")).expect("mkdir js");
    fs::write(public.join("index.html"), INDEX).expect("write index");
    fs::write(public.join("css/app.css"), CSS).expect("write css");
    fs::write(public.join("js/app.js"), JS).expect("write js");
    fs::write(root.0.join("secret.txt"), SECRET).expect("write secret");
    fs::write(public.join(".env"), SECRET).expect("write dotfile");
    std::os::unix::fs::symlink(root.0.join("secret.txt"), public.join("leak.txt"))
        .expect("symlink out");
    std::os::unix::fs::symlink(&root.0, public.join("up")).expect("symlink dir out");
    std::os::unix::fs::symlink(public.join("css/app.css"), public.join("linked.css"))
        .expect("symlink in");
    let dir = public.clone();
    let app = spawn_app_with(|c| c.public_dir = Some(dir));
    Site {
        _root: root,
        public,
        app,
    }
}

/// Sends a raw request target and asserts it was refused without leaking.
fn assert_refused(site: &Site, target: &str) {
    let raw = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let reply = raw_exchange(site.app.addr, raw.as_bytes());
    let status = first_status(&reply);
    assert!(
        status == 404 || status == 400,
        "{target} answered {status}:\n{reply}"
    );
    assert!(!reply.contains(SECRET), "{target} leaked the secret");
    assert!(!reply.contains(INDEX), "{target} fell back to index.html");
}

#[test]
fn files_are_served_from_the_public_dir_with_their_types() {
    let site = site();
    let mut client = site.app.client();
    let index = client.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(index.text(), INDEX);
    let css = client.get("/css/app.css");
    assert_eq!(css.text(), CSS);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("cache-control"), Some("no-cache"));
    let js = client.get("/js/app.js");
    assert_eq!(js.text(), JS);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        client.get("/tickets/7").text(),
        INDEX,
        "app route falls back"
    );
    assert_eq!(client.get("/js/missing.js").status, 404);
    assert_eq!(client.get("/css").text(), INDEX, "a folder is not a file");
}

#[test]
fn edits_on_disk_are_served_with_a_new_etag_without_a_restart() {
    let site = site();
    let mut client = site.app.client();
    let before = client.get("/css/app.css");
    let etag = before.header("etag").expect("ETag").to_string();
    let revalidate = client.request("GET", "/css/app.css", &[("If-None-Match", &etag)], None);
    assert_eq!(revalidate.status, 304);

    fs::write(site.public.join("css/app.css"), "body { color: teal; }").expect("edit");
    let after = client.request("GET", "/css/app.css", &[("If-None-Match", &etag)], None);
    assert_eq!(after.status, 200);
    assert_eq!(after.text(), "body { color: teal; }");
    assert_ne!(after.header("etag"), Some(etag.as_str()));
}

#[test]
fn dot_dot_segments_are_refused() {
    let site = site();
    for target in [
        "/../secret.txt",
        "/css/../../secret.txt",
        "/js/../../secret.txt",
        "/..",
        "/css/../index.html",
    ] {
        assert_refused(&site, target);
    }
}

#[test]
fn percent_encoded_dot_dot_is_refused() {
    let site = site();
    for target in [
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/%2e%2E/secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%2E%2e%2Fsecret.txt",
        "/.%2e/secret.txt",
        "/css/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/css%2f..%2f..%2fsecret.txt",
    ] {
        assert_refused(&site, target);
    }
}

#[test]
fn backslash_is_refused() {
    let site = site();
    for target in [
        "/..\\secret.txt",
        "/css\\..\\..\\secret.txt",
        "/..%5csecret.txt",
        "/..%5Csecret.txt",
        "/%5c..%5csecret.txt",
    ] {
        assert_refused(&site, target);
    }
}

#[test]
fn nul_byte_is_refused() {
    let site = site();
    for target in [
        "/index.html%00.js",
        "/secret.txt%00",
        "/%00../secret.txt",
        "/css/app.css%00",
    ] {
        assert_refused(&site, target);
    }
}

#[test]
fn symlink_out_of_public_dir_is_refused() {
    let site = site();
    // The links name a plain file and a plain folder; only resolving them shows
    // where they go. (`/up/public/index.html` comes back inside and is served.)
    for target in ["/leak.txt", "/up/secret.txt"] {
        assert_refused(&site, target);
    }
}

#[test]
fn symlink_inside_public_dir_is_served() {
    let site = site();
    let resp = site.app.client().get("/linked.css");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), CSS);
    assert_eq!(resp.header("content-type"), Some("text/css; charset=utf-8"));
}

#[test]
fn dotfiles_in_the_public_dir_are_not_served() {
    let site = site();
    assert_refused(&site, "/.env");
    assert_refused(&site, "/%2eenv");
}
