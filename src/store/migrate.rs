//! Schema migrations: numbered SQL files in `store/migrations/`, embedded in the
//! binary and applied in order at start-up. `PRAGMA user_version` records the last
//! one applied, so a newer binary upgrades an older database, and a database newer
//! than this binary is refused rather than misread.
//!
//! To add a migration, append a [`Migration`] to [`MIGRATIONS`] with the next
//! number. Never edit one that has shipped.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// One schema step.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order; `version` is its position counted from 1.
pub static MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts",
        sql: include_str!("migrations/001_accounts.sql"),
    },
    Migration {
        version: 2,
        name: "tickets",
        sql: include_str!("migrations/002_tickets.sql"),
    },
    Migration {
        version: 3,
        name: "history_actor_label",
        sql: include_str!("migrations/003_history_actor_label.sql"),
    },
    Migration {
        version: 4,
        name: "schedules",
        sql: include_str!("migrations/004_schedules.sql"),
    },
    Migration {
        version: 5,
        name: "report_events",
        sql: include_str!("migrations/005_report_events.sql"),
    },
    Migration {
        version: 6,
        name: "sla",
        sql: include_str!("migrations/006_sla.sql"),
    },
    Migration {
        version: 7,
        name: "articles",
        sql: include_str!("migrations/007_articles.sql"),
    },
    Migration {
        version: 8,
        name: "attachments",
        sql: include_str!("migrations/008_attachments.sql"),
    },
    // Day-one administration (issue 19).
    Migration {
        version: 9,
        name: "dayone",
        sql: include_str!("migrations/009_dayone.sql"),
    },
    // The staff calendar (issue 12).
    Migration {
        version: 10,
        name: "calendar",
        sql: include_str!("migrations/010_calendar.sql"),
    },
    // Search at a million tickets (issue 14).
    Migration {
        version: 11,
        name: "search",
        sql: include_str!("migrations/011_search.sql"),
    },
    // Notifications and e-mail (issue 16).
    Migration {
        version: 12,
        name: "notify",
        sql: include_str!("migrations/012_notify.sql"),
    },
    // Reports' rollup (issue 17).
    Migration {
        version: 13,
        name: "report_rollup",
        sql: include_str!("migrations/013_report_rollup.sql"),
    },
    // Indexes for the queue's sorts at a million tickets (issues 13 and 14).
    Migration {
        version: 14,
        name: "queue",
        sql: include_str!("migrations/014_queue.sql"),
    },
    // The "at risk" filter reads its index alone (issue 13).
    Migration {
        version: 15,
        name: "at_risk",
        sql: include_str!("migrations/015_at_risk.sql"),
    },
];

/// The schema version this binary writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The schema version recorded in the database.
pub fn current(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database up to [`latest`].
pub fn apply(conn: &mut Connection) -> Result<u32, StoreError> {
    migrate_to(conn, latest())
}

/// Applies migrations up to `target` (tests use this to build an older schema).
///
/// Each migration runs in its own `BEGIN IMMEDIATE` transaction that also bumps
/// `user_version`, so a crash leaves the database at a whole version, and two
/// processes starting at once cannot both apply the same step.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32, StoreError> {
    let known = latest();
    let found = current(conn)?;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version <= target) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the lock: another process may have migrated meanwhile.
        if current(&tx)? >= m.version {
            continue;
        }
        tx.execute_batch(m.sql)?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
        log::info!("database migrated to schema {} ({})", m.version, m.name);
    }
    current(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "migration {}", m.name);
        }
    }

    #[test]
    fn an_empty_database_is_brought_to_the_latest_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(apply(&mut conn).unwrap(), latest());
        assert_eq!(
            apply(&mut conn).unwrap(),
            latest(),
            "applying twice is a no-op"
        );
    }

    #[test]
    fn a_newer_database_is_refused_with_a_clear_message() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1)
            .unwrap();
        let err = apply(&mut conn).unwrap_err();
        assert!(err.to_string().contains("written by a newer helpdesk"));
    }
}
