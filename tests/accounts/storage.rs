//! The database file: migrations on start-up and online backups.

use crate::helpers::*;
use crate::support::{spawn_app, test_config, TempDir};
use helpdesk::api::App;
use helpdesk::store::migrate;
use serde_json::json;

fn user_version(path: &std::path::Path) -> u32 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_empty_database_file_is_migrated_to_the_latest_schema_at_start_up() {
    let dir = TempDir::new("empty-db");
    let file = dir.0.join("helpdesk.db");
    std::fs::write(&file, b"").unwrap();
    App::new(test_config(&dir)).unwrap();
    assert_eq!(user_version(&file), migrate::latest());
}

#[test]
fn every_older_schema_is_upgraded_to_the_latest_and_keeps_its_data() {
    for from in 0..migrate::latest() {
        let dir = TempDir::new("old-db");
        let file = dir.0.join("helpdesk.db");
        {
            let mut conn = rusqlite::Connection::open(&file).unwrap();
            migrate::migrate_to(&mut conn, from).unwrap();
            if from >= 1 {
                conn.execute("INSERT INTO organizations (name, slug, join_code, created_at) VALUES ('Old', 'old', 'ABCDEFGHJKMN', 0)", []).unwrap();
            }
        }
        assert_eq!(user_version(&file), from);
        App::new(test_config(&dir)).unwrap();
        assert_eq!(user_version(&file), migrate::latest(), "from schema {from}");
        let orgs: i64 = rusqlite::Connection::open(&file)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM organizations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(orgs, i64::from(from >= 1));
    }
}

#[test]
fn a_database_from_a_newer_helpdesk_is_refused_with_a_clear_message() {
    let dir = TempDir::new("newer-db");
    let file = dir.0.join("helpdesk.db");
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.pragma_update(None, "user_version", migrate::latest() + 1)
        .unwrap();
    drop(conn);
    let err = App::new(test_config(&dir))
        .err()
        .expect("a newer database must be refused");
    assert!(err.contains("written by a newer helpdesk"), "{err}");
    assert!(
        err.contains(&format!("schema {}", migrate::latest() + 1)),
        "{err}"
    );
    assert_eq!(user_version(&file), migrate::latest() + 1, "left untouched");
}

#[test]
fn a_backup_taken_under_write_load_opens_and_passes_the_integrity_check() {
    let server = spawn_app();
    let (_, code) = set_up(&server);
    let addr = server.addr;
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let code = code.clone();
            std::thread::spawn(move || {
                let mut c = crate::support::Client::new(addr);
                for i in 0..8 {
                    c.cookies.clear();
                    let resp = c.post_json_retrying_busy(
                        "/api/auth/register",
                        &json!({"join_code": code, "name": "W", "email": format!("w{t}-{i}@acme.test"), "password": PASSWORD}),
                    );
                    assert_eq!(resp.status, 201);
                    c.patch_json("/api/me", &json!({"phone": format!("{i}")}));
                }
            })
        })
        .collect();
    let out = TempDir::new("backup");
    let mut taken = Vec::new();
    for n in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(150));
        let dest = out.0.join(format!("backup-{n}.db"));
        helpdesk::store::backup::backup_file(&server.data_dir.0.join("helpdesk.db"), &dest)
            .unwrap();
        taken.push(dest);
    }
    for w in writers {
        w.join().unwrap();
    }
    for dest in taken {
        let conn = rusqlite::Connection::open(&dest).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let admins: i64 = conn
            .query_row("SELECT COUNT(*) FROM users WHERE role = 'admin'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(admins, 1);
        assert_eq!(user_version(&dest), migrate::latest());
    }
}

#[test]
fn backing_up_a_missing_database_fails_without_creating_one() {
    let dir = TempDir::new("no-db");
    let src = dir.0.join("helpdesk.db");
    let err = helpdesk::store::backup::backup_file(&src, &dir.0.join("out.db"));
    assert!(err.is_err());
    assert!(!src.exists());
}
