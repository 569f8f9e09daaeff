//! `Db`: the handle every request uses to reach SQLite.
//!
//! SQLite connections are not shared between threads. Each worker thread keeps
//! its own connection per database file in a thread-local cache, opened lazily
//! with the pragmas below, so a request never waits for a connection pool.
//!
//! - [`Db::read`] runs a closure on the thread's connection (WAL readers never
//!   block the writer).
//! - [`Db::write`] runs a closure inside `BEGIN IMMEDIATE`: it takes the write lock
//!   up front (so two writers queue on `busy_timeout` instead of failing with
//!   `SQLITE_BUSY` halfway through), commits when the closure returns `Ok` and
//!   rolls back on `Err`, so one request's changes land whole or not at all.
//!
//! # The server's time zone
//! An organization without a zone of its own keeps its business hours in the
//! server's configured zone. Store code sees only a connection, so
//! [`Db::with_server_zone`] makes the zone a setting of every connection, like a
//! pragma: [`Db::connect`] writes it into the connection's own
//! `temp.server_settings` row, and `sla_settings::org_zone` reads it there.
//! Without one the store computes in UTC, never in the host's zone behind the
//! operator's back.

use super::{migrate, StoreError};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The database file inside the data directory.
pub const DB_FILE: &str = "helpdesk.db";
/// How long a writer waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

thread_local! {
    /// This thread's open connections, by database path.
    static CONNECTIONS: RefCell<HashMap<PathBuf, Connection>> = RefCell::new(HashMap::new());
}

/// A database file and how to open it.
#[derive(Debug, Clone)]
pub struct Db {
    path: PathBuf,
    sync_full: bool,
    /// Writers in this process take turns here before `BEGIN IMMEDIATE`. SQLite
    /// would serialise them anyway, but its busy handler does so by sleeping and
    /// retrying (1, 2, 5, 10 ... ms), which turns a queue of writers into tens of
    /// milliseconds of idle waiting; a mutex hands the lock over at once.
    writer: Arc<Mutex<()>>,
    /// How long writers waited for their turn, for `/metrics`.
    write_wait: Arc<WriteWait>,
    /// The server's configured time zone (an IANA name); see the module docs.
    server_zone: Option<Arc<str>>,
}

/// Writes and the total time they waited for the writer's turn (the in-process
/// mutex, then SQLite's lock), for `/metrics`: a desk whose writes queue shows
/// it here before its users feel it.
#[derive(Debug, Default)]
pub struct WriteWait {
    writes: AtomicU64,
    wait_nanos: AtomicU64,
}

impl WriteWait {
    /// `(writes, total seconds waited)` since the process started.
    pub fn totals(&self) -> (u64, f64) {
        (
            self.writes.load(Ordering::Relaxed),
            self.wait_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        )
    }
}

impl Db {
    /// Opens (creating if needed) `data_dir/helpdesk.db` and applies migrations.
    pub fn open(data_dir: &Path, sync_full: bool) -> Result<Db, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        Db::open_file(&data_dir.join(DB_FILE), sync_full)
    }

    /// Opens a database file by path and applies migrations.
    pub fn open_file(path: &Path, sync_full: bool) -> Result<Db, StoreError> {
        let db = Db {
            path: path.to_path_buf(),
            sync_full,
            writer: Arc::new(Mutex::new(())),
            write_wait: Arc::default(),
            server_zone: None,
        };
        let mut conn = db.connect()?;
        migrate::apply(&mut conn)?;
        // Reports count on local days: an organization whose zone's offsets
        // changed while the server was down (or was never synced) is rebuilt now.
        if super::report_rollup::needs_sync(&conn)? {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            super::report_rollup::sync_zones(&tx)?;
            tx.commit()?;
        }
        Ok(db)
    }

    /// The same database, whose connections compute in `zone` (an IANA name)
    /// for organizations without a zone of their own.
    pub fn with_server_zone(mut self, zone: &str) -> Db {
        self.server_zone = Some(zone.into());
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How long writes have waited for their turn.
    pub fn write_wait(&self) -> &WriteWait {
        &self.write_wait
    }

    /// A new connection with our pragmas. Request code uses [`Db::read`] and
    /// [`Db::write`] instead; this is for start-up, backups and tests.
    pub fn connect(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open(&self.path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            log::warn!("SQLite refused WAL mode (got {mode}); continuing");
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // FULL syncs the WAL on every commit: an acknowledged write survives power
        // loss. NORMAL survives a crash of the process but not of the machine.
        let sync = if self.sync_full { "FULL" } else { "NORMAL" };
        conn.pragma_update(None, "synchronous", sync)?;
        // Temporary: this connection's own, never written to the file.
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS server_settings (time_zone TEXT);
             DELETE FROM temp.server_settings;",
        )?;
        conn.execute(
            "INSERT INTO temp.server_settings (time_zone) VALUES (?1)",
            [self.server_zone.as_deref()],
        )?;
        Ok(conn)
    }

    /// Runs `f` on this thread's connection.
    pub fn read<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.with_connection(|conn| f(conn))
    }

    /// Runs `f` inside a `BEGIN IMMEDIATE` transaction: committed on `Ok`,
    /// rolled back on `Err` (and on a panic, when the transaction is dropped).
    pub fn write<T, E>(&self, f: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.with_connection(|conn| {
            // A writer that panicked poisoned nothing we rely on: its transaction
            // was rolled back when dropped.
            let asked = std::time::Instant::now();
            let _turn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let waited = u64::try_from(asked.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.write_wait.writes.fetch_add(1, Ordering::Relaxed);
            self.write_wait
                .wait_nanos
                .fetch_add(waited, Ordering::Relaxed);
            let value = f(&tx)?;
            tx.commit().map_err(StoreError::from)?;
            Ok(value)
        })
    }

    /// Lends out this thread's connection, opening it on first use.
    ///
    /// The connection is taken out of the cache while in use, so a nested call
    /// (a read inside a write) opens a second connection instead of panicking
    /// on a double borrow; and a connection whose closure panicked is dropped,
    /// never reused in an unknown state.
    fn with_connection<T, E>(&self, f: impl FnOnce(&mut Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let cached = CONNECTIONS.with(|c| c.borrow_mut().remove(&self.path));
        let mut conn = match cached {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let result = f(&mut conn);
        CONNECTIONS.with(|c| c.borrow_mut().insert(self.path.clone(), conn));
        result
    }
}

/// The current time as UTC Unix milliseconds, the unit every table stores.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(tag: &str) -> (PathBuf, Db) {
        let dir = std::env::temp_dir().join(format!("helpdesk-db-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = Db::open(&dir, false).unwrap();
        (dir, db)
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let (dir, db) = temp_db("rollback");
        let result: Result<(), StoreError> = db.write(|tx| {
            tx.execute(
                "INSERT INTO organizations (name, slug, join_code, created_at) VALUES ('a','a','A',0)",
                [],
            )?;
            Err(StoreError::Duplicate("pretend".into()))
        });
        assert!(result.is_err());
        let n: i64 = db
            .read(|c| {
                c.query_row("SELECT COUNT(*) FROM organizations", [], |r| r.get(0))
                    .map_err(StoreError::from)
            })
            .unwrap();
        assert_eq!(n, 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn connections_use_wal_and_enforce_foreign_keys() {
        let (dir, db) = temp_db("pragmas");
        let (mode, fk): (String, i64) = db
            .read(|c| {
                let mode = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                let fk = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
                Ok::<_, StoreError>((mode, fk))
            })
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
