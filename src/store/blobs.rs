//! The attachment files: `DATA_DIR/attachments/ab/abcdef…`, one file per
//! distinct content, named by its SHA-256 (two hex digits of fan-out keep any
//! one directory small). The rows that point at them are in `attachments.rs`.
//!
//! # The order of things
//! An upload arrives in `attachments/tmp/` (the server's sink writes it there,
//! on the same file system, so keeping it is a `rename`). Keeping it happens
//! inside the write transaction that inserts its row: [`Blobs::place`] syncs the
//! file and renames it to its hash name (or drops it when that content is
//! already stored), then the transaction commits; if the commit fails, a file
//! that was new is removed again. Removing a row and, when it was the last one
//! for its content, the file, happens in the same way.
//!
//! Both take [`Blobs::lock`] first, around the transaction: without it, an
//! upload could place a file that a concurrent delete of the last old reference
//! then removes, leaving a row without its file. Two uploads of the same bytes
//! at once take turns too, so the content is stored once. The lock is held for
//! a rename and a commit, never while bytes arrive.
//!
//! A crash between rename and commit leaves a file no row names; it costs disk
//! and nothing else (the next upload of the same content reuses it), and
//! [`Blobs::remove_unreferenced`] at the next start removes it.

use super::StoreError;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The folder under the data directory.
pub const DIR: &str = "attachments";
/// Where uploads arrive, inside [`DIR`].
const TEMP: &str = "tmp";

/// The attachment store on disk.
#[derive(Debug)]
pub struct Blobs {
    dir: PathBuf,
    lock: Mutex<()>,
}

/// A SHA-256 digest as 64 lower-case hex digits: the only thing that becomes
/// a file name here, so a stored name can never be a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Accepts exactly 64 lower-case hex digits (a value read back from a row).
    pub fn parse(s: &str) -> Option<Sha256Hex> {
        (s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Sha256Hex(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What reading an upload once tells us: its digest and its first bytes.
pub struct Digested {
    pub sha256: Sha256Hex,
    pub head: Vec<u8>,
}

impl Blobs {
    /// The store under `data_dir`; folders are made when first needed.
    pub fn new(data_dir: &Path) -> Blobs {
        Blobs {
            dir: data_dir.join(DIR),
            lock: Mutex::new(()),
        }
    }

    /// Where the server writes uploads as they arrive.
    pub fn temp_dir(&self) -> PathBuf {
        self.dir.join(TEMP)
    }

    /// The file holding content `sha`.
    pub fn path_of(&self, sha: &Sha256Hex) -> PathBuf {
        self.dir.join(&sha.0[..2]).join(&sha.0)
    }

    /// Serialises placing and removing files with their rows (module docs).
    pub fn lock(&self) -> MutexGuard<'_, ()> {
        // A panic while holding it left no file half-renamed: rename is atomic.
        self.lock.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hashes the file at `path`, reading it once in chunks, and keeps its
    /// first `sniff` bytes for type detection.
    pub fn digest(path: &Path, sniff: usize) -> io::Result<Digested> {
        let mut file = File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut head = Vec::with_capacity(sniff);
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if head.len() < sniff {
                let take = (sniff - head.len()).min(n);
                head.extend_from_slice(&buf[..take]);
            }
            hasher.update(&buf[..n]);
        }
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Digested {
            sha256: Sha256Hex(hex),
            head,
        })
    }

    /// Moves the finished upload at `from` to its content name. `Ok(true)` when
    /// the content is new; `Ok(false)` when it was stored already (then `from`
    /// is left for its owner to drop). Call with [`Blobs::lock`] held.
    pub fn place(&self, from: &Path, sha: &Sha256Hex) -> Result<bool, StoreError> {
        let to = self.path_of(sha);
        if to.exists() {
            return Ok(false);
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // The bytes reach the disk before the name does, so a power cut cannot
        // leave a committed row naming a file of zeros.
        File::open(from)?.sync_all()?;
        std::fs::rename(from, &to)?;
        Ok(true)
    }

    /// Removes the file for content no row names any more. Call with
    /// [`Blobs::lock`] held, after the transaction that removed the last row
    /// committed.
    pub fn remove(&self, sha: &Sha256Hex) {
        let path = self.path_of(sha);
        if let Err(e) = std::fs::remove_file(&path) {
            if e.kind() != io::ErrorKind::NotFound {
                log::warn!("could not remove attachment {}: {e}", path.display());
            }
        }
    }

    /// Removes every content file no row names (left by a crash between rename
    /// and commit, or by `seed-demo` resetting its organization). Run when no
    /// upload can be under way: at start-up, before serving.
    pub fn remove_unreferenced(&self, conn: &rusqlite::Connection) -> Result<usize, StoreError> {
        let mut stmt = conn.prepare("SELECT DISTINCT sha256 FROM attachments")?;
        let named: std::collections::HashSet<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        let mut removed = 0;
        for sha in stored(&self.dir)? {
            if !named.contains(sha.as_str()) {
                self.remove(&sha);
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Removes uploads a crash left in the arrival folder. Run at start-up,
    /// before serving, when no upload can be under way.
    pub fn sweep_temp(&self) {
        let Ok(entries) = std::fs::read_dir(self.temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Every content-named file under `root` (`ab/abcd...`); the arrival folder
/// and anything else are skipped.
pub fn stored(root: &Path) -> Result<Vec<Sha256Hex>, StoreError> {
    let mut found = Vec::new();
    let Ok(dirs) = std::fs::read_dir(root) else {
        return Ok(found);
    };
    for dir in dirs.flatten() {
        if dir.file_name().len() != 2 || !dir.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(dir.path())?.flatten() {
            if let Some(sha) = file.file_name().to_str().and_then(Sha256Hex::parse) {
                found.push(sha);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_64_hex_digits_become_a_file_name() {
        assert!(Sha256Hex::parse(&"ab".repeat(32)).is_some());
        assert!(Sha256Hex::parse("../../etc/passwd").is_none());
        assert!(Sha256Hex::parse(&"AB".repeat(32)).is_none());
        assert!(Sha256Hex::parse(&format!("{}/", "a".repeat(63))).is_none());
    }

    #[test]
    fn the_digest_is_sha256_and_keeps_the_first_bytes() {
        let dir = std::env::temp_dir().join(format!("helpdesk-blobs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("abc");
        std::fs::write(&file, b"abc").unwrap();
        let d = Blobs::digest(&file, 2).unwrap();
        assert_eq!(
            d.sha256.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(d.head, b"ab");
        let _ = std::fs::remove_dir_all(dir);
    }
}
