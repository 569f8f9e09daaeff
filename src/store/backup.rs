//! Online backup: copies a live database to a file through SQLite's backup API
//! while the server keeps serving (`helpdesk backup FILE`).
//!
//! The copy is made in one backup step, which holds a read transaction for its
//! duration: in WAL mode readers never block writers, and a one-step copy is a
//! consistent snapshot that cannot be restarted forever by concurrent writes
//! (which a page-by-page copy would be). The copy is written to `FILE.partial`
//! and renamed into place, so `FILE` is either absent or complete.

use super::StoreError;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Copies the database at `source` into `dest`.
pub fn backup_file(source: &Path, dest: &Path) -> Result<(), StoreError> {
    if !source.exists() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no database at {}", source.display()),
        )));
    }
    // Open without CREATE: backing up a path that is not a database is an error.
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(super::db::BUSY_TIMEOUT)?;
    let partial = partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    {
        let mut out = Connection::open(&partial)?;
        let backup = Backup::new(&src, &mut out)?;
        // -1: every page in one step, a consistent snapshot (see module docs).
        // Busy/Locked only happen while a writer checkpoints; wait and retry.
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
    std::fs::rename(&partial, dest)?;
    Ok(())
}

fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    dest.with_file_name(name)
}
