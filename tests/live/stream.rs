//! A minimal event-stream client: one raw socket reading `text/event-stream`
//! as a browser's EventSource would, with the cookies of a test [`Client`].

use crate::support::Client;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One dispatched event.
#[derive(Debug, Clone, Default)]
pub struct Sse {
    pub id: Option<String>,
    pub name: String,
    pub data: String,
}

impl Sse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {}", self.data))
    }
}

pub struct Stream {
    reader: BufReader<TcpStream>,
    pub status: u16,
    pub head: String,
    /// Everything read after the head, as it came, for framing checks.
    pub raw: String,
}

/// Opens `GET path` with the client's cookies and `extra` headers.
pub fn open_with(client: &Client, path: &str, extra: &[(&str, &str)]) -> Stream {
    let mut s = TcpStream::connect(client.addr).expect("connect");
    let mut req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n",
        client.addr
    );
    if !client.cookies.is_empty() {
        let jar: Vec<String> = client
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        req.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
    }
    for (n, v) in extra {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("write");
    s.set_read_timeout(Some(Duration::from_millis(200))).ok();
    let mut reader = BufReader::new(s);
    let mut head = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {
                head.push_str(&line);
                if line == "\r\n" {
                    break;
                }
            }
            Err(_) if Instant::now() < deadline => continue,
            Err(e) => panic!("no head: {e}"),
        }
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Stream {
        reader,
        status,
        head,
        raw: String::new(),
    }
}

pub fn open(client: &Client) -> Stream {
    open_with(client, "/api/events", &[])
}

impl Stream {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    /// The next event within `limit`, skipping comments and `retry:`; `None` when
    /// nothing came, or the stream ended.
    pub fn next_within(&mut self, limit: Duration) -> Option<Sse> {
        let deadline = Instant::now() + limit;
        let mut ev = Sse::default();
        let mut has_fields = false;
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) if Instant::now() < deadline => continue,
                Err(_) => return None,
            }
            self.raw.push_str(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if has_fields && !ev.name.is_empty() {
                    return Some(ev);
                }
                ev = Sse::default();
                has_fields = false;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => ev.id = Some(value.to_string()),
                "event" => ev.name = value.to_string(),
                "data" => {
                    if !ev.data.is_empty() {
                        ev.data.push('\n');
                    }
                    ev.data.push_str(value);
                }
                _ => continue,
            }
            has_fields = true;
        }
    }

    /// The next event (within 5 s), or a panic naming what was expected.
    pub fn next(&mut self, expecting: &str) -> Sse {
        self.next_within(Duration::from_secs(5))
            .unwrap_or_else(|| panic!("no event; expected {expecting}"))
    }

    /// The next event called `name` (within 5 s), skipping others.
    pub fn next_named(&mut self, name: &str) -> Sse {
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next_within(left) {
                Some(ev) if ev.name == name => return ev,
                Some(_) => continue,
                None => break,
            }
        }
        panic!("no {name} event");
    }

    /// Every event that arrives within `limit`.
    pub fn drain(&mut self, limit: Duration) -> Vec<Sse> {
        let deadline = Instant::now() + limit;
        let mut out = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next_within(left) {
                Some(ev) => out.push(ev),
                None => break,
            }
        }
        out
    }

    /// True when the server closed the stream within `limit`.
    pub fn ends_within(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) if Instant::now() < deadline => continue,
                Err(_) => return false,
            }
        }
    }
}
