//! First-run polish that is the server's: demo agents' names do not repeat their tier.

use crate::support::TempDir;
use helpdesk::store::{demo, Db, StoreError};

#[test]
fn demo_agents_names_do_not_repeat_their_tier() {
    let dir = TempDir::new("demo-names");
    let db = Db::open(&dir.0, false).unwrap();
    db.write(|tx| demo::seed(tx, 10, "not-a-real-hash", 1_700_000_000_000))
        .unwrap();
    let names: Vec<String> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT name FROM users WHERE role = 'agent'")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok::<_, StoreError>(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert!(!names.is_empty());
    for name in &names {
        assert!(!name.to_lowercase().contains("tier"), "{name}");
    }
}
