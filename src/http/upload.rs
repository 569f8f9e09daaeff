//! Request bodies that live in a file, and files that are response bodies.
//!
//! A route that takes large bodies (attachments) has the server write the body
//! into a temporary file as its bytes arrive (`server::sink`), so a 25 MiB upload
//! costs a read buffer, not 25 MiB. The finished file reaches the handler as an
//! [`Upload`] on [`Request::upload`](super::Request::upload); a response can be a
//! [`FileBody`], which the server sends from disk in chunks as the socket takes
//! them (`server::write`).
//!
//! Neither type knows sockets or threads: they are a path with a length, and an
//! open file with a byte range.

use std::fmt;
use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A request body the server wrote to a temporary file.
///
/// The file is removed when the `Upload` is dropped, so a request that fails
/// validation, a handler that returns early, or a panic leaves nothing behind.
/// A handler that keeps the bytes moves the file away first (a `rename`); the
/// removal then finds nothing, which is fine.
pub struct Upload {
    path: PathBuf,
    len: u64,
}

impl Upload {
    /// Takes ownership of the file at `path` (it is removed on drop).
    pub fn new(path: PathBuf, len: u64) -> Upload {
        Upload { path, len }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes in the body.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn open(&self) -> io::Result<File> {
        File::open(&self.path)
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Upload({}, {} bytes)", self.path.display(), self.len)
    }
}

/// A response body read from an open file: `len` bytes starting at `start`
/// (the whole file, or one range of it for a `206`).
pub struct FileBody {
    pub(crate) file: File,
    pub(crate) len: u64,
}

impl FileBody {
    /// The bytes `start .. start + len` of `file`.
    pub fn new(mut file: File, start: u64, len: u64) -> io::Result<FileBody> {
        file.seek(SeekFrom::Start(start))?;
        Ok(FileBody { file, len })
    }

    /// Bytes to send.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for FileBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileBody({} bytes)", self.len)
    }
}
