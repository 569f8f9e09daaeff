//! A row that does not parse is an error (500, logged with its table and row),
//! never a value silently changed into a default the viewer then acts on.

use crate::helpers::{desk, raise};
use helpdesk::store::{Db, StoreError};

fn corrupt(db: &Db, sql: &str, n: i64) {
    db.write(|tx| {
        // The schema's CHECKs would refuse these values; a damaged or hand-edited
        // file does not ask them.
        tx.pragma_update(None, "ignore_check_constraints", true)?;
        tx.execute(sql, [n])?;
        tx.pragma_update(None, "ignore_check_constraints", false)?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
}

#[test]
fn a_ticket_with_an_unknown_status_answers_500_not_a_guessed_status() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Screen flickers");
    let db = Db::open(&d.server.data_dir.0, false).unwrap();
    corrupt(
        &db,
        "UPDATE tickets SET status = 'bogus' WHERE number = ?1",
        n,
    );
    for path in [format!("/api/tickets/{n}"), "/api/tickets".to_string()] {
        let r = d.agent1.get(&path);
        assert_eq!(r.status, 500, "{path}: {}", r.text());
        assert_eq!(r.error_code(), "internal");
        assert!(!r.text().contains("bogus"), "detail stays in the log");
    }
}

#[test]
fn an_answer_that_is_not_json_answers_500() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Keyboard sticky");
    let db = Db::open(&d.server.data_dir.0, false).unwrap();
    db.write(|tx| {
        tx.execute(
            "INSERT OR REPLACE INTO answers (ticket_id, question_id, value)
             SELECT t.id, q.id, 'not json' FROM tickets t
             JOIN categories c ON c.org_id = t.org_id
             JOIN questions q ON q.category_id = c.id WHERE t.number = ?1 LIMIT 1",
            [n],
        )?;
        Ok::<_, StoreError>(())
    })
    .unwrap();
    let r = d.alice.get(&format!("/api/tickets/{n}"));
    assert_eq!(r.status, 500, "{}", r.text());
}
