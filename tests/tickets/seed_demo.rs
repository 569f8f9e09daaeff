//! `seed-demo` produces the promised organization, and the same one every time.

use crate::support::TempDir;
use helpdesk::store::{demo, Db, StoreError};

const NOW: i64 = 1_763_800_000_000;

fn seeded(tickets: usize) -> (TempDir, Db, demo::Summary) {
    let dir = TempDir::new("demo");
    let db = Db::open(&dir.0, false).unwrap();
    let summary = db
        .write(|tx| demo::seed(tx, tickets, "$argon2id$demo", NOW))
        .unwrap();
    (dir, db, summary)
}

fn count(db: &Db, sql: &str) -> i64 {
    db.read(|c| Ok::<_, StoreError>(c.query_row(sql, [], |r| r.get(0))?))
        .unwrap()
}

fn fingerprint(db: &Db) -> Vec<String> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT number || status || priority || tier || title || updated_at ||
                    COALESCE(assignee_id, '-') FROM tickets ORDER BY number",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok::<_, StoreError>(rows.collect::<Result<Vec<String>, _>>()?)
    })
    .unwrap()
}

#[test]
fn seed_demo_creates_the_promised_people_and_tickets_in_every_status_category_and_priority() {
    let (_dir, db, s) = seeded(600);
    assert_eq!(
        (s.admins, s.agents, s.requesters, s.tickets),
        (1, 6, 40, 600)
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users WHERE role = 'admin'"),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(DISTINCT tier) FROM users WHERE role = 'agent'"
        ),
        3
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users WHERE role = 'agent'"),
        6
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM users WHERE role = 'requester'"),
        40
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM tickets"), 600);
    assert_eq!(count(&db, "SELECT COUNT(DISTINCT status) FROM tickets"), 6);
    assert_eq!(
        count(&db, "SELECT COUNT(DISTINCT priority) FROM tickets"),
        4
    );
    assert_eq!(
        count(&db, "SELECT COUNT(DISTINCT category_id) FROM tickets"),
        7
    );
    assert!(count(&db, "SELECT COUNT(*) FROM tickets WHERE escalated = 1") > 0);
    assert!(count(&db, "SELECT COUNT(*) FROM comments WHERE internal = 1") > 0);
    assert!(count(&db, "SELECT COUNT(*) FROM comments WHERE internal = 0") > 600);
    assert!(count(&db, "SELECT COUNT(*) FROM tasks") > 0);
    assert!(count(&db, "SELECT COUNT(*) FROM watchers") > 0);
    assert!(count(&db, "SELECT COUNT(*) FROM history") > 1200);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM tickets WHERE status = 'resolved' AND resolution_cause IS NULL"
        ),
        0
    );
    let day = 24 * 3600 * 1000;
    assert!(count(&db, "SELECT MIN(created_at) FROM tickets") >= NOW - 120 * day);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM ticket_search"),
        600,
        "every ticket is searchable"
    );
}

#[test]
fn seed_demo_is_deterministic_and_resets_the_demo_organization() {
    let (_a, db_a, _) = seeded(200);
    let (_b, db_b, _) = seeded(200);
    assert_eq!(fingerprint(&db_a), fingerprint(&db_b));
    db_a.write(|tx| demo::seed(tx, 50, "$argon2id$demo", NOW))
        .unwrap();
    assert_eq!(
        count(
            &db_a,
            "SELECT COUNT(*) FROM organizations WHERE name = 'Demo IT'"
        ),
        1
    );
    assert_eq!(count(&db_a, "SELECT COUNT(*) FROM tickets"), 50);
}
