//! Reading assets from a folder on disk, for `--public-dir` while the frontend is
//! being developed: edit a file, reload the page, see the change.
//!
//! Each request reads the file and hashes it afresh. That costs a read and a
//! SHA-256 of a few kilobytes, which is nothing next to a person pressing reload,
//! and it can never serve a stale ETag the way an mtime cache could after a
//! same-second edit. Production uses the embedded table instead.
//!
//! # Security
//!
//! [`SafePath`] has already refused `..`, encoded dots, backslashes, NUL and
//! dotfiles. Symlinks are the remaining escape: `public/leak -> /etc/passwd`
//! names a plain segment. So the joined path is canonicalized (every symlink
//! resolved) and served only if it still lies under the canonical public folder.
//! A symlink whose target stays inside the folder (`public/app.css ->
//! css/app.css`) is served: it cannot reach anything the folder does not already
//! publish, and the embedded build follows such links too.

use super::safe_path::SafePath;
use std::fs;
use std::io;
use std::path::Path;

/// A file read from the public folder.
pub struct DiskFile {
    pub bytes: Vec<u8>,
}

/// Reads `path` from under `root`. `Ok(None)` means "no such asset": missing,
/// a folder, or outside the root once symlinks are resolved. `Err` is an I/O
/// failure worth a log line (permissions, a vanished root).
pub fn read(root: &Path, path: &SafePath) -> io::Result<Option<DiskFile>> {
    let root = fs::canonicalize(root)?;
    let mut joined = root.clone();
    for segment in path.segments() {
        joined.push(segment);
    }
    let canonical = match fs::canonicalize(&joined) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !inside(&root, &canonical) {
        log::warn!(
            "refused {}: resolves outside the public folder",
            joined.display()
        );
        return Ok(None);
    }
    if !fs::metadata(&canonical)?.is_file() {
        return Ok(None);
    }
    Ok(Some(DiskFile {
        bytes: fs::read(&canonical)?,
    }))
}

/// Component-wise prefix test, so `/srv/public-old` is not inside `/srv/public`.
fn inside(root: &Path, candidate: &Path) -> bool {
    candidate.starts_with(root) && candidate != root
}
