//! A real SMTP server for these tests: `tests/notify/smtp_sink.py` (Python's
//! aiosmtpd), started and stopped by the test. Without python3 and aiosmtpd the
//! tests fail with a message saying how to install it; they never pass silently.

use crate::support::TempDir;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// A free port on loopback (bound and released; nothing else here takes ports
/// between that and the sink binding it).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().unwrap().port()
}

/// One message as the relay received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// A header's value (first one), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// Header names, lower-case, in order.
    pub fn header_names(&self) -> Vec<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        head.lines()
            .filter(|l| !l.starts_with([' ', '\t']))
            .filter_map(|l| l.split_once(':').map(|(n, _)| n.to_ascii_lowercase()))
            .collect()
    }

    /// The body with quoted-printable soft breaks and `=XX` escapes undone,
    /// enough to search it for words.
    pub fn text(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let mut out = Vec::new();
        let bytes = joined.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

pub struct SmtpSink {
    child: Child,
    _stdin: ChildStdin,
    dir: TempDir,
    pub port: u16,
}

impl SmtpSink {
    /// Starts the sink on `port`, or panics saying what is missing.
    pub fn start(port: u16) -> SmtpSink {
        SmtpSink::start_with(port, None)
    }

    /// The sink speaking TLS from the first byte with a self-signed certificate
    /// for `localhost`, which no relay client should trust.
    pub fn start_tls_self_signed(port: u16) -> SmtpSink {
        let pair = helpdesk::tls::self_signed(&["localhost".to_string()]).expect("a certificate");
        SmtpSink::start_with(port, Some((pair.cert_pem, pair.key_pem)))
    }

    fn start_with(port: u16, tls: Option<(String, String)>) -> SmtpSink {
        let check = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output();
        match check {
            Ok(o) if o.status.success() => {}
            _ => panic!(
                "these tests need a real SMTP server: python3 with aiosmtpd \
                 (`python3 -m pip install aiosmtpd`; .ci/run installs it)"
            ),
        }
        let dir = TempDir::new("smtp");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/notify/smtp_sink.py");
        let mut command = Command::new("python3");
        command.arg(script).arg(port.to_string()).arg(&dir.0);
        if let Some((cert, key)) = tls {
            // Beside the messages: `messages()` reads only `.json` files.
            let (c, k) = (dir.0.join("cert.pem"), dir.0.join("key.pem"));
            std::fs::write(&c, cert).unwrap();
            std::fs::write(&k, key).unwrap();
            command.arg(c).arg(k);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 smtp_sink.py");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read from the sink");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        SmtpSink {
            child,
            _stdin: stdin,
            dir,
            port,
        }
    }

    /// Every message received so far, in arrival order.
    pub fn messages(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir.0)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .map(|p| {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                Mail {
                    to: v["to"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap().to_string())
                        .collect(),
                    data: v["data"].as_str().unwrap().to_string(),
                }
            })
            .collect()
    }

    /// The messages to `addr`.
    pub fn to(&self, addr: &str) -> Vec<Mail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(addr)))
            .collect()
    }

    /// Waits (bounded) until at least `n` messages arrived. The relay has
    /// acknowledged a message before the mail thread's pass ends, and the sink
    /// writes it before acknowledging, so this rarely waits at all.
    pub fn wait_for(&self, n: usize) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
