//! Attachments over real TCP: upload, the rules on names, types, sizes and
//! sites, storage by content, permissions on the way out, and the half-way
//! disconnect.

use crate::helpers::*;
use crate::support::{
    first_run_setup, raw_connect, read_until_close, spawn_app_with, Client, TestResponse,
    TestServer,
};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The first bytes of a PNG: enough for the type check.
fn png(tag: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    bytes.resize(4096, 7);
    bytes
}

fn percent(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Uploads like the web app: the file as the body, the custom header.
fn upload(c: &mut Client, n: i64, name: &str, bytes: &[u8]) -> TestResponse {
    upload_to(
        c,
        &format!("/api/tickets/{n}/attachments?name={}", percent(name)),
        bytes,
    )
}

fn upload_to(c: &mut Client, path: &str, bytes: &[u8]) -> TestResponse {
    c.request(
        "POST",
        path,
        &[
            ("Content-Type", "application/octet-stream"),
            ("X-Requested-With", "helpdesk"),
        ],
        Some(bytes),
    )
}

/// Every content file stored (not the arrival folder).
fn stored_files(server: &TestServer) -> Vec<PathBuf> {
    let root = server.data_dir.0.join("attachments");
    let mut found = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        if dir.file_name() == "tmp" {
            continue;
        }
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            found.push(f.path());
        }
    }
    found
}

fn temp_files(server: &TestServer) -> usize {
    std::fs::read_dir(server.data_dir.0.join("attachments").join("tmp"))
        .map(|d| d.count())
        .unwrap_or(0)
}

fn attachments_of(c: &mut Client, n: i64) -> Vec<Value> {
    ticket(c, n)["attachments"].as_array().unwrap().clone()
}

/// Waits (up to 10 s) for `done`, for effects that follow a closed socket.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(10), "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_screenshot_is_stored_by_content_and_served_with_safe_headers() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Error on start-up");
    let bytes = png("screenshot");
    let r = upload(&mut d.alice, n, "Screen shot 1.png", &bytes);
    assert_eq!(r.status, 201, "{}", r.text());
    let a = r.json()["attachment"].clone();
    assert_eq!(a["name"], "Screen shot 1.png");
    assert_eq!(a["content_type"], "image/png");
    assert_eq!(a["size"], 4096);
    assert_eq!(a["comment_id"], Value::Null);

    // The other party sees it on the ticket and gets the bytes back.
    let listed = attachments_of(&mut d.agent1, n);
    assert_eq!(listed.len(), 1);
    let url = format!("/api/attachments/{}", a["id"]);
    let r = d.agent1.get(&url);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, bytes);
    assert_eq!(r.header("content-type"), Some("image/png"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("content-security-policy"), Some("sandbox"));
    assert!(r
        .header("content-disposition")
        .unwrap()
        .starts_with("inline;"));
    let tag = r.header("etag").unwrap().to_string();

    // Revalidation and resumption.
    let r = d
        .agent1
        .request("GET", &url, &[("If-None-Match", &tag)], None);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    let r = d
        .agent1
        .request("GET", &url, &[("Range", "bytes=4000-")], None);
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &bytes[4000..]);
    assert_eq!(r.header("content-range"), Some("bytes 4000-4095/4096"));
    let r = d
        .agent1
        .request("GET", &url, &[("Range", "bytes=5000-")], None);
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */4096"));

    // The same bytes again, under another name: a second row, one file.
    let r = upload(&mut d.agent1, n, "again.png", &bytes);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(attachments_of(&mut d.alice, n).len(), 2);
    assert_eq!(stored_files(&d.server).len(), 1);
    assert_eq!(
        temp_files(&d.server),
        0,
        "nothing left in the arrival folder"
    );
}

#[test]
fn files_that_are_not_images_always_download() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Invoice wrong");
    let r = upload(&mut d.alice, n, "invoice.pdf", b"%PDF-1.7\n...");
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["attachment"]["id"].clone();
    let r = d.agent1.get(&format!("/api/attachments/{id}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    let disposition = r.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("invoice.pdf"));
}

#[test]
fn bad_names_types_and_empty_files_are_422_and_leave_nothing() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Bad files");
    let long = format!("{}.png", "a".repeat(300));
    for (name, field) in [
        ("../../etc/passwd.png", "name"),
        ("a\\b.png", "name"),
        ("nul\0.png", "name"),
        ("line\nbreak.png", "name"),
        (long.as_str(), "name"),
        ("", "name"),
        ("setup.exe", "file"),
        ("drawing.svg", "file"),
    ] {
        let r = upload(&mut d.alice, n, name, &png("x"));
        assert_eq!(r.status, 422, "{name:?}: {}", r.text());
        assert!(r.json()["error"]["fields"][field].is_string(), "{name:?}");
    }
    // A page dressed as an image is refused by its first bytes.
    let r = upload(
        &mut d.alice,
        n,
        "cat.png",
        b"<html><script>alert(1)</script>",
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("does not match"), "{}", r.text());
    let r = upload(&mut d.alice, n, "empty.txt", b"");
    assert_eq!(r.status, 422);
    assert!(r.json()["error"]["fields"]["file"].is_string());
    // A comment that is not on this ticket.
    let r = upload_to(
        &mut d.alice,
        &format!("/api/tickets/{n}/attachments?name=a.png&comment=999"),
        &png("x"),
    );
    assert_eq!(r.status, 422, "{}", r.text());

    assert!(attachments_of(&mut d.alice, n).is_empty());
    assert!(stored_files(&d.server).is_empty());
    assert_eq!(temp_files(&d.server), 0);
}

/// A head announcing `len` bytes, sent alone on a raw socket.
fn upload_head(c: &Client, n: i64, len: u64, extra: &str) -> Vec<u8> {
    let cookies: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "POST /api/tickets/{n}/attachments?name=big.png HTTP/1.1\r\nHost: {}\r\n\
         Cookie: {}\r\nX-Requested-With: helpdesk\r\nContent-Type: image/png\r\n{extra}\
         Content-Length: {len}\r\n\r\n",
        c.addr,
        cookies.join("; ")
    )
    .into_bytes()
}

#[test]
fn over_the_limit_is_413_before_a_byte_of_the_body_is_sent() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Huge video");
    // 25 MiB + 1: the head alone is answered.
    let mut s = raw_connect(d.server.addr);
    s.write_all(&upload_head(&d.alice, n, 25 * 1024 * 1024 + 1, ""))
        .unwrap();
    let (answer, _) = read_until_close(&mut s, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // An admin lowers the organization's limit; the web app can read it.
    let r = d
        .admin
        .patch_json("/api/org", &json!({"attachment_limit_bytes": 100_000}));
    assert_eq!(r.status, 200, "{}", r.text());
    let org = d.alice.get("/api/org").json();
    assert_eq!(org["organization"]["attachment_limit_bytes"], 100_000);
    let r = upload(&mut d.alice, n, "big.png", &vec![0x89; 100_001]);
    assert_eq!(r.status, 413);
    // Past the ceiling is refused.
    let r = d
        .admin
        .patch_json("/api/org", &json!({"attachment_limit_bytes": 1u64 << 40}));
    assert_eq!(r.status, 422);

    // Chunked: counted as the chunks arrive.
    let mut s = raw_connect(d.server.addr);
    let mut head = upload_head(&d.alice, n, 0, "Transfer-Encoding: chunked\r\n");
    let at = head
        .windows(17)
        .position(|w| w == b"Content-Length: 0")
        .unwrap();
    head.drain(at..at + 19);
    s.write_all(&head).unwrap();
    s.write_all(b"30000\r\n").unwrap(); // 196,608 bytes announced
    s.write_all(&vec![0x89; 0x30000]).unwrap_or(());
    let (answer, _) = read_until_close(&mut s, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    eventually("no upload file left", || temp_files(&d.server) == 0);
    assert!(attachments_of(&mut d.alice, n).is_empty());
}

#[test]
fn a_client_that_disconnects_half_way_leaves_no_file_and_no_row() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Flaky upload");
    let mut s = raw_connect(d.server.addr);
    s.write_all(&upload_head(&d.alice, n, 1024 * 1024, ""))
        .unwrap();
    s.write_all(&png("half")).unwrap();
    s.write_all(&vec![1; 300 * 1024]).unwrap();
    // The upload is under way: its file exists in the arrival folder.
    eventually("the upload file appears", || temp_files(&d.server) == 1);
    drop(s);
    eventually("the upload file is removed", || temp_files(&d.server) == 0);
    assert!(attachments_of(&mut d.alice, n).is_empty());
    assert!(stored_files(&d.server).is_empty());
}

#[test]
fn two_uploads_of_the_same_bytes_at_once_store_one_file() {
    let d = desk();
    let mut alice = d.alice;
    let n = raise(&mut alice, "Twice");
    let bytes = png("same").repeat(64); // 256 KiB
    let mut second = Client::new(alice.addr);
    second.cookies = alice.cookies.clone();
    let other = bytes.clone();
    let t = std::thread::spawn(move || upload(&mut second, n, "b.png", &other).status);
    let first = upload(&mut alice, n, "a.png", &bytes).status;
    assert_eq!((first, t.join().unwrap()), (201, 201));
    assert_eq!(attachments_of(&mut alice, n).len(), 2);
    let files = stored_files(&d.server);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), bytes);
}

#[test]
fn the_file_goes_with_its_last_reference() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Two copies");
    let bytes = png("shared");
    let mine = upload(&mut d.alice, n, "mine.png", &bytes).json()["attachment"]["id"].clone();
    let theirs = upload(&mut d.agent1, n, "theirs.png", &bytes).json()["attachment"]["id"].clone();
    // A requester cannot remove the help desk's file.
    let r = d.alice.delete(&format!("/api/attachments/{theirs}"));
    assert_eq!(r.status, 403, "{}", r.text());
    let r = d.alice.delete(&format!("/api/attachments/{mine}"));
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(stored_files(&d.server).len(), 1, "still referenced");
    let r = d.agent1.delete(&format!("/api/attachments/{theirs}"));
    assert_eq!(r.status, 204);
    assert!(stored_files(&d.server).is_empty(), "last reference gone");
    assert_eq!(
        d.agent1.get(&format!("/api/attachments/{theirs}")).status,
        404
    );
}

#[test]
fn internal_note_files_never_reach_requesters_and_other_orgs_get_404() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Laptop slow");
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Their disk is failing, see SMART log", "internal": true}),
    );
    let note = r.json()["comment"]["id"].as_i64().unwrap();
    let r = upload_to(
        &mut d.agent1,
        &format!("/api/tickets/{n}/attachments?name=smart.log&comment={note}"),
        b"SMART: reallocated sectors 812\n",
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let secret = r.json()["attachment"]["id"].clone();
    assert_eq!(r.json()["attachment"]["internal"], true);
    let public =
        upload(&mut d.alice, n, "error.png", &png("public")).json()["attachment"]["id"].clone();

    // The requester: not on the ticket, not on the comments, not by id.
    let listed: Vec<Value> = attachments_of(&mut d.alice, n);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], public);
    let comments = d.alice.get(&format!("/api/tickets/{n}/comments")).json();
    assert!(!comments.to_string().contains("smart.log"));
    assert_eq!(
        d.alice.get(&format!("/api/attachments/{secret}")).status,
        404
    );
    // Staff see the note's file, listed under the note.
    let comments = d.agent2.get(&format!("/api/tickets/{n}/comments")).json();
    let on_note = &comments["comments"][0]["attachments"];
    assert_eq!(on_note[0]["id"], secret);
    assert_eq!(
        d.agent2.get(&format!("/api/attachments/{secret}")).status,
        200
    );

    // Another requester of the same organization, and another organization.
    assert_eq!(d.bob.get(&format!("/api/attachments/{public}")).status, 404);
    let (mut gus, mut gina) = other_org(&d.server, &mut d.admin);
    assert_eq!(gus.get(&format!("/api/attachments/{public}")).status, 404);
    assert_eq!(gina.get(&format!("/api/attachments/{public}")).status, 404);
    assert_eq!(
        gus.delete(&format!("/api/attachments/{public}")).status,
        404
    );
    // Nor can they upload to it (answered before the body is read).
    assert_eq!(upload(&mut gus, n, "x.png", &png("x")).status, 404);
    // A requester cannot bind a file to someone else's reply.
    let r = d.agent1.post_json(
        &format!("/api/tickets/{n}/comments"),
        &json!({"body": "Try a restart", "internal": false}),
    );
    let reply = r.json()["comment"]["id"].as_i64().unwrap();
    let r = upload_to(
        &mut d.alice,
        &format!("/api/tickets/{n}/attachments?name=a.png&comment={reply}"),
        &png("x"),
    );
    assert_eq!(r.status, 403, "{}", r.text());
}

#[test]
fn a_cross_site_upload_is_refused_though_the_body_is_not_json() {
    let mut d = desk();
    let n = raise(&mut d.alice, "CSRF");
    let path = format!("/api/tickets/{n}/attachments?name=a.txt");
    // What a cross-site form can send: a text/plain body, no custom header.
    let r = d.alice.request(
        "POST",
        &path,
        &[("Content-Type", "text/plain")],
        Some(b"hello"),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(r.error_code(), "csrf_rejected");
    // A browser says where a request comes from; another site is refused even
    // with the header (it could only have sent it after a preflight we refuse).
    let r = d.alice.request(
        "POST",
        &path,
        &[
            ("X-Requested-With", "helpdesk"),
            ("Sec-Fetch-Site", "cross-site"),
            ("Origin", "http://evil.example"),
        ],
        Some(b"hello"),
    );
    assert_eq!(r.status, 403);
    // Not signed in: 401, before the body.
    let mut stranger = d.server.client();
    assert_eq!(upload(&mut stranger, n, "a.txt", b"hello").status, 401);
    assert!(attachments_of(&mut d.alice, n).is_empty());
    assert_eq!(temp_files(&d.server), 0);
}

/// A desk with only its admin, on a server with short upload windows.
fn quick_desk(window_secs: u64) -> (TestServer, Client, i64) {
    let server = spawn_app_with(|c| {
        c.limits.upload_window = Duration::from_secs(window_secs);
        c.limits.upload_min_bytes = 1000;
        c.limits.body_timeout = Duration::from_secs(1);
    });
    let (mut admin, _) = first_run_setup(&server, "ada@acme.test");
    let n = raise(&mut admin, "Slow line");
    (server, admin, n)
}

#[test]
fn a_slow_but_moving_upload_finishes_past_the_body_deadline() {
    let (server, admin, n) = quick_desk(2);
    let mut s = raw_connect(server.addr);
    let body = png("slow"); // 4096 bytes in 4 pieces, 0.7 s apart: 2.1 s in all
    s.write_all(&upload_head(&admin, n, body.len() as u64, ""))
        .unwrap();
    for piece in body.chunks(1024) {
        std::thread::sleep(Duration::from_millis(700));
        s.write_all(piece).unwrap();
    }
    let mut reader = std::io::BufReader::new(s);
    let r = crate::support::read_response(&mut reader, false).expect("an answer");
    assert_eq!(r.status, 201, "{}", r.text());
}

#[test]
fn a_stalled_upload_is_cut_off_with_408_and_leaves_nothing() {
    let (server, admin, n) = quick_desk(1);
    let mut s = raw_connect(server.addr);
    s.write_all(&upload_head(&admin, n, 100_000, "")).unwrap();
    s.write_all(&png("stall")).unwrap();
    let (answer, closed) = read_until_close(&mut s, Duration::from_secs(10));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(closed);
    eventually("the upload file is removed", || temp_files(&server) == 0);
}

#[test]
fn a_backup_carries_the_attachments_its_database_names() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Backup me");
    let kept = png("kept");
    upload(&mut d.alice, n, "kept.png", &kept);
    let gone = upload(&mut d.alice, n, "gone.png", &png("gone")).json()["attachment"]["id"].clone();
    d.alice.delete(&format!("/api/attachments/{gone}"));

    let data = &d.server.data_dir.0;
    let dest = data.join("backup").join("copy.db");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let report = helpdesk::store::backup::backup_all(
        &data.join("helpdesk.db"),
        &data.join("attachments"),
        &dest,
    )
    .unwrap();
    assert_eq!((report.files, report.missing), (1, 0));
    let folder = helpdesk::store::backup::attachments_dir(&dest);
    let copied: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .flat_map(|d| {
            std::fs::read_dir(d.path())
                .unwrap()
                .flatten()
                .map(|f| f.path())
        })
        .collect();
    assert_eq!(copied.len(), 1);
    assert_eq!(std::fs::read(&copied[0]).unwrap(), kept);
    assert!(Path::new(&dest).exists());
}

#[test]
fn downloads_that_never_read_hold_no_worker() {
    // A write deadline far beyond the client's 30 s read timeout: if stalled
    // downloads held workers, the last request below would get no answer at all.
    let server = spawn_app_with(|c| c.limits.write_timeout = Duration::from_secs(300));
    let (mut admin, _) = first_run_setup(&server, "ada@acme.test");
    let n = raise(&mut admin, "Big log");
    let mut bytes = b"log line\n".repeat(512 * 1024); // 4.5 MiB, far past any socket buffer
    bytes.truncate(4 * 1024 * 1024);
    let r = upload(&mut admin, n, "big.log", &bytes);
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["attachment"]["id"].clone();
    let cookie: Vec<String> = admin
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // Twice as many downloads as workers, none of them reading.
    let stalled: Vec<_> = (0..8)
        .map(|_| {
            let mut s = raw_connect(server.addr);
            let req = format!(
                "GET /api/attachments/{id} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n",
                server.addr,
                cookie.join("; ")
            );
            s.write_all(req.as_bytes()).unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Everyone else is still served, the file included.
    let r = admin.get(&format!("/api/attachments/{id}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), bytes.len());
    assert_eq!(r.body, bytes);
    drop(stalled);
}

#[test]
fn a_chunked_upload_after_100_continue_is_stored_whole() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Chunked");
    let bytes = png("chunked");
    let mut s = raw_connect(d.server.addr);
    let mut head = upload_head(
        &d.alice,
        n,
        0,
        "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n",
    );
    let at = head
        .windows(17)
        .position(|w| w == b"Content-Length: 0")
        .unwrap();
    head.drain(at..at + 19);
    s.write_all(&head).unwrap();
    let mut reader = std::io::BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 100"), "{line}");
    std::io::BufRead::read_line(&mut reader, &mut line).unwrap(); // the blank line
    for piece in bytes.chunks(1500) {
        s.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
            .unwrap();
        s.write_all(piece).unwrap();
        s.write_all(b"\r\n").unwrap();
    }
    s.write_all(b"0\r\n\r\n").unwrap();
    let r = crate::support::read_response(&mut reader, false).expect("an answer");
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["attachment"]["id"].clone();
    let r = d.agent1.get(&format!("/api/attachments/{id}"));
    assert_eq!(r.body, bytes);
    // HEAD: the same headers and length, no body.
    let r = d
        .agent1
        .request("HEAD", &format!("/api/attachments/{id}"), &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("4096"));
    assert!(r.body.is_empty());
    assert_eq!(
        d.agent1.get("/healthz").status,
        200,
        "the connection is still in step"
    );
}

#[test]
fn reseeding_the_demo_drops_its_files_and_the_next_start_removes_them() {
    use crate::support::{test_config, TempDir};
    use helpdesk::store::{demo, Db, StoreError};
    let dir = TempDir::new("demo-files");
    let db = Db::open(&dir.0, false).unwrap();
    let seed = |db: &Db| db.write(|tx| demo::seed(tx, 5, "$argon2id$demo", 1_763_800_000_000));
    seed(&db).unwrap();
    let sha = "ab".repeat(32);
    db.write(|tx| {
        tx.execute(
            "INSERT INTO attachments (org_id, ticket_id, uploader_id, name, content_type, size,
                                      sha256, created_at)
             SELECT org_id, id, requester_id, 'a.png', 'image/png', 3, ?1, 0 FROM tickets LIMIT 1",
            [&sha],
        )?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let file = dir.0.join("attachments").join("ab").join(&sha);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"abc").unwrap();
    seed(&db).expect("a demo with attachments can be reset");
    assert!(
        file.exists(),
        "removed at the next start, not under a running server"
    );
    let _app = helpdesk::api::App::new(test_config(&dir)).unwrap();
    assert!(!file.exists());
}

#[test]
fn withdrawing_a_ticket_removes_its_files_with_it() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Sent by mistake");
    let id =
        upload(&mut d.alice, n, "oops.png", &png("withdrawn")).json()["attachment"]["id"].clone();
    assert_eq!(stored_files(&d.server).len(), 1);
    let r = d.alice.delete(&format!("/api/tickets/{n}"));
    assert_eq!(r.status, 204, "{}", r.text());
    assert!(
        stored_files(&d.server).is_empty(),
        "the file went with its ticket"
    );
    assert_eq!(d.alice.get(&format!("/api/attachments/{id}")).status, 404);
}
