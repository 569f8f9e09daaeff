//! Step 4, for large bodies: a request body written to a temporary file as its
//! bytes arrive, instead of being collected in memory.
//!
//! A handler chooses this per request in
//! [`Handler::admit_body`](super::Handler::admit_body) by answering
//! [`Admission::Sink`](super::Admission::Sink) with a directory and a limit.
//! `exchange.rs` then creates a file there (a random name, `create_new`, mode
//! 0600) and, each time the worker has read from the socket, moves the buffered
//! body bytes into it: memory per upload is one read buffer, whatever the size.
//!
//! # Limits and deadlines
//! The limit is checked from `Content-Length` before a byte is read (413, in
//! `exchange.rs`) and, for a chunked body, by the decoder as chunks arrive. An
//! upload has no whole-body deadline (25 MiB over a poor office uplink takes
//! minutes); instead it must move at least `limits.upload_min_bytes` every
//! `limits.upload_window` ([`Sink::record`]), so a slow but moving upload
//! finishes and a stalled one is cut off with 408 by the poller's sweep.
//!
//! # Cleanup
//! A sink removes its file when dropped unfinished, and the finished file
//! belongs to an [`Upload`], which removes it when dropped. A client that
//! disconnects half-way drops its connection, its pending request, the sink and
//! so the file; a handler that refuses the upload drops the request. Only a
//! handler that moves the file away (renames it into storage) keeps the bytes.

use super::connection::after;
use crate::config::Limits;
use crate::http::Upload;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where a route wants its body, and how much of it.
#[derive(Debug, Clone)]
pub struct SinkSpec {
    /// The directory for the temporary file; on the same file system as where
    /// the handler will keep it, so keeping it is a `rename`.
    pub dir: PathBuf,
    /// The most body bytes accepted (413 beyond).
    pub limit: u64,
}

/// A body being written to its temporary file.
pub(crate) struct Sink {
    file: File,
    path: PathBuf,
    /// Set once the file belongs to an [`Upload`]; until then `Drop` removes it.
    handed_over: bool,
    written: u64,
    /// Bytes received since the deadline last moved.
    since_deadline: u64,
    /// Decoded bytes of a chunked body, on their way to the file.
    pub scratch: Vec<u8>,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sink({}, {} written)", self.path.display(), self.written)
    }
}

impl Sink {
    /// Creates a fresh temporary file in `spec.dir` (made if missing).
    pub fn create(spec: &SinkSpec) -> io::Result<Sink> {
        std::fs::create_dir_all(&spec.dir)?;
        let path = temp_name(&spec.dir);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path)?;
        Ok(Sink {
            file,
            path,
            handed_over: false,
            written: 0,
            since_deadline: 0,
            scratch: Vec::new(),
        })
    }

    /// Appends body bytes to the file.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.written += bytes.len() as u64;
        self.since_deadline += bytes.len() as u64;
        Ok(())
    }

    /// Writes out `scratch` (decoded chunked data) and empties it.
    pub fn drain_scratch(&mut self) -> io::Result<()> {
        let bytes = std::mem::take(&mut self.scratch);
        let result = self.write(&bytes);
        self.scratch = bytes;
        self.scratch.clear();
        result
    }

    /// Body bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The minimum-rate rule in the module docs: moves `deadline` one window
    /// ahead each time `upload_min_bytes` arrived since it last moved.
    pub fn record(&mut self, deadline: &mut Instant, limits: &Limits) {
        if self.since_deadline >= limits.upload_min_bytes.max(1) as u64 {
            self.since_deadline = 0;
            *deadline = after(limits.upload_window);
        }
    }

    /// The body is complete: the file, for the handler.
    pub fn finish(mut self) -> io::Result<Upload> {
        self.file.flush()?;
        self.handed_over = true;
        Ok(Upload::new(self.path.clone(), self.written))
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if !self.handed_over {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `DIR/upload-<32 random hex digits>.part`: unguessable, so a name is never
/// reused and nothing else in the directory is ever overwritten.
fn temp_name(dir: &Path) -> PathBuf {
    let n: u128 = rand::random();
    dir.join(format!("upload-{n:032x}.part"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tag: &str) -> SinkSpec {
        let dir = std::env::temp_dir().join(format!("helpdesk-sink-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        SinkSpec { dir, limit: 100 }
    }

    #[test]
    fn a_finished_sink_hands_its_file_to_the_upload() {
        let spec = spec("finish");
        let mut sink = Sink::create(&spec).unwrap();
        sink.write(b"hello ").unwrap();
        sink.scratch.extend_from_slice(b"world");
        sink.drain_scratch().unwrap();
        let upload = sink.finish().unwrap();
        assert_eq!(upload.len(), 11);
        assert_eq!(std::fs::read(upload.path()).unwrap(), b"hello world");
        let path = upload.path().to_path_buf();
        drop(upload);
        assert!(!path.exists(), "dropping the upload removes the file");
        let _ = std::fs::remove_dir_all(spec.dir);
    }

    #[test]
    fn an_abandoned_sink_leaves_no_file() {
        let spec = spec("abandon");
        let mut sink = Sink::create(&spec).unwrap();
        sink.write(b"half a body").unwrap();
        drop(sink);
        assert_eq!(std::fs::read_dir(&spec.dir).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(spec.dir);
    }
}
