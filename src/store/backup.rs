//! Online backup: copies a live database to a file through SQLite's backup API
//! while the server keeps serving (`helpdesk backup FILE`).
//!
//! The copy is made in one backup step, which holds a read transaction for its
//! duration: in WAL mode readers never block writers, and a one-step copy is a
//! consistent snapshot that cannot be restarted forever by concurrent writes
//! (which a page-by-page copy would be). The copy is written to `FILE.partial`
//! and renamed into place, so `FILE` is either absent or complete.
//!
//! Attachments ([`backup_attachments`]) go to the folder `FILE.attachments/`,
//! laid out like `data/attachments/` (content-named files never change, so a
//! file copied once is final). They are copied in two passes around the
//! database snapshot: everything stored before it, then whatever the snapshot
//! names that arrived meanwhile; files the snapshot does not name are left
//! out. A file deleted in the instant between snapshot and copy is counted as
//! missing and reported.

use super::blobs::{stored, Sha256Hex};
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

/// What [`backup_attachments`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentCopy {
    /// Files the backup holds (one per distinct content the snapshot names).
    pub files: usize,
    /// Bytes in those files.
    pub bytes: u64,
    /// Named by the snapshot but gone from the data directory.
    pub missing: usize,
}

/// The attachments folder that goes with the database backup `dest`.
pub fn attachments_dir(dest: &Path) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".attachments");
    dest.with_file_name(name)
}

/// Backs up the database at `source` to `dest` and the attachments under
/// `attachments` (the live `data/attachments/`) to [`attachments_dir`]`(dest)`.
pub fn backup_all(
    source: &Path,
    attachments: &Path,
    dest: &Path,
) -> Result<AttachmentCopy, StoreError> {
    let to = attachments_dir(dest);
    // First pass: everything stored now, so the second has little left to do.
    for sha in stored(attachments)? {
        copy_blob(attachments, &to, &sha)?;
    }
    backup_file(source, dest)?;
    let named: Vec<Sha256Hex> = {
        let conn = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut stmt = conn.prepare("SELECT DISTINCT sha256 FROM attachments")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut named = Vec::new();
        for sha in rows {
            named.extend(Sha256Hex::parse(&sha?));
        }
        named
    };
    let mut report = AttachmentCopy::default();
    for sha in &named {
        match copy_blob(attachments, &to, sha)? {
            Some(bytes) => {
                report.files += 1;
                report.bytes += bytes;
            }
            None => report.missing += 1,
        }
    }
    // Files copied in the first pass that the snapshot does not name (deleted
    // between the passes) do not belong in this backup.
    for sha in stored(&to)? {
        if !named.contains(&sha) {
            let _ = std::fs::remove_file(blob_path(&to, &sha));
        }
    }
    Ok(report)
}

fn blob_path(root: &Path, sha: &Sha256Hex) -> PathBuf {
    root.join(&sha.as_str()[..2]).join(sha.as_str())
}

/// Copies one file unless the backup has it already; `None` when the source
/// is gone. Written to `.partial` and renamed, like the database.
fn copy_blob(from: &Path, to: &Path, sha: &Sha256Hex) -> Result<Option<u64>, StoreError> {
    let src = blob_path(from, sha);
    let dst = blob_path(to, sha);
    let Ok(meta) = std::fs::metadata(&src) else {
        return Ok(None);
    };
    if std::fs::metadata(&dst).is_ok_and(|m| m.len() == meta.len()) {
        return Ok(Some(meta.len()));
    }
    if let Some(parent) = dst.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let partial = partial_path(&dst);
    match std::fs::copy(&src, &partial) {
        Ok(bytes) => {
            std::fs::rename(&partial, &dst)?;
            Ok(Some(bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}
