//! `GET /metrics`: the process's figures in the Prometheus text format
//! (version 0.0.4): requests by route pattern and status class, handler latency,
//! database write wait, tickets by status, resident memory and open file
//! descriptors, and (once the server hands them over) its connections and queue.
//!
//! # Security
//! The figures describe the machine, not the help desk's people: labels are
//! route patterns, status classes and ticket statuses, never an organization,
//! a name or an id. Still, an operator's numbers are not for the LAN: without
//! `--metrics-token` only loopback peers are answered; with a token, every
//! caller (loopback too, since a reverse proxy on the same machine makes every
//! client look local) must send `Authorization: Bearer <token>`, compared in
//! constant time.

use super::{ApiError, State};
use crate::http::{Request, Response, Status};
use crate::store::reports;
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// `GET /metrics`
pub fn metrics(state: &State, req: &Request) -> Result<Response, ApiError> {
    allowed(state.config.metrics_token.as_deref(), req)?;
    let mut out = Text::default();
    requests(state, &mut out);
    server(state, &mut out);
    database(state, &mut out)?;
    process(state, &mut out);
    Ok(Response::bytes(
        Status::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        out.0.into_bytes(),
    ))
}

/// Who may read the figures; see the module's security notes.
fn allowed(token: Option<&str>, req: &Request) -> Result<(), ApiError> {
    match token {
        None if req.peer.ip().is_loopback() => Ok(()),
        None => Err(ApiError::Forbidden(
            "Metrics are served to this machine only; set --metrics-token to read them from elsewhere."
                .into(),
        )),
        Some(want) => {
            let given = req
                .header("Authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
                .unwrap_or("");
            if same_secret(given.trim(), want) {
                Ok(())
            } else {
                Err(ApiError::Unauthorized)
            }
        }
    }
}

/// Compares two secrets in time that does not depend on where they differ:
/// both are hashed first, so even their lengths stay hidden.
fn same_secret(given: &str, want: &str) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(want));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The text format being written.
#[derive(Default)]
struct Text(String);

impl Text {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                let v = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n");
                let _ = write!(self.0, "{k}=\"{v}\"");
            }
            self.0.push('}');
        }
        let _ = writeln!(self.0, " {value}");
    }
}

fn requests(state: &State, out: &mut Text) {
    let name = "helpdesk_http_requests_total";
    out.family(
        name,
        "counter",
        "HTTP requests answered, by method, route pattern and status class.",
    );
    for r in state.traffic.routes() {
        out.sample(
            name,
            &[("method", r.method), ("route", r.route), ("code", r.class)],
            r.count as f64,
        );
    }
    let name = "helpdesk_http_request_duration_seconds";
    out.family(
        name,
        "histogram",
        "Time from a request reaching the application to its response being ready.",
    );
    let (buckets, count, sum) = state.traffic.latency();
    for (le, n) in buckets {
        out.sample(
            &format!("{name}_bucket"),
            &[("le", &le.to_string())],
            n as f64,
        );
    }
    out.sample(&format!("{name}_bucket"), &[("le", "+Inf")], count as f64);
    out.sample(&format!("{name}_sum"), &[], sum);
    out.sample(&format!("{name}_count"), &[], count as f64);
}

/// The server's connections and queue, when the app was told of the server.
fn server(state: &State, out: &mut Text) {
    let Some(stats) = state.server.get() else {
        return;
    };
    let s = stats.snapshot();
    for (name, help, value) in [
        (
            "helpdesk_connections_open",
            "Connections accepted and not yet closed.",
            s.open,
        ),
        (
            "helpdesk_connections_parked",
            "Connections waiting in epoll, holding no thread.",
            s.parked,
        ),
        (
            "helpdesk_connections_streaming",
            "Event streams held by the stream hub.",
            s.streaming,
        ),
        (
            "helpdesk_worker_queue_depth",
            "Connections waiting for a worker.",
            s.queued,
        ),
        (
            "helpdesk_workers_busy",
            "Workers serving a connection now.",
            s.busy_workers,
        ),
    ] {
        out.family(name, "gauge", help);
        out.sample(name, &[], value as f64);
    }
}

fn database(state: &State, out: &mut Text) -> Result<(), ApiError> {
    let name = "helpdesk_db_write_wait_seconds";
    out.family(
        name,
        "summary",
        "Time database writes waited for their turn at the write lock.",
    );
    let (writes, waited) = state.db.write_wait().totals();
    out.sample(&format!("{name}_sum"), &[], waited);
    out.sample(&format!("{name}_count"), &[], writes as f64);
    let name = "helpdesk_tickets";
    out.family(
        name,
        "gauge",
        "Tickets by status, every organization together.",
    );
    let counts = state.db.read(reports::status_counts)?;
    for status in [
        "new",
        "open",
        "in_progress",
        "on_hold",
        "resolved",
        "closed",
    ] {
        let n = counts.iter().find(|(s, _)| s == status).map_or(0, |c| c.1);
        out.sample(name, &[("status", status)], n as f64);
    }
    Ok(())
}

fn process(state: &State, out: &mut Text) {
    let name = "helpdesk_uptime_seconds";
    out.family(name, "gauge", "Seconds since the process started.");
    out.sample(name, &[], state.started.elapsed().as_secs_f64().floor());
    // Linux only; elsewhere these families are left out rather than made up.
    if let Some(rss) = resident_bytes() {
        let name = "process_resident_memory_bytes";
        out.family(name, "gauge", "Resident memory size in bytes.");
        out.sample(name, &[], rss as f64);
    }
    if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
        let name = "process_open_fds";
        out.family(name, "gauge", "Open file descriptors.");
        out.sample(name, &[], fds.count() as f64);
    }
}

/// `VmRSS` from `/proc/self/status`, in bytes.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    fn from(ip: &str, auth: Option<&str>) -> Request {
        let mut r = Request::new(
            Method::Get,
            "/metrics",
            format!("{ip}:5000").parse().unwrap(),
        );
        if let Some(a) = auth {
            r.headers.append("Authorization", a);
        }
        r
    }

    #[test]
    fn without_a_token_only_loopback_is_answered() {
        assert!(allowed(None, &from("127.0.0.1", None)).is_ok());
        assert!(allowed(None, &from("[::1]", None)).is_ok());
        assert!(matches!(
            allowed(None, &from("192.168.1.20", None)),
            Err(ApiError::Forbidden(_))
        ));
    }

    #[test]
    fn with_a_token_everyone_must_send_it() {
        let t = Some("s3cret-token");
        assert!(allowed(t, &from("192.168.1.20", Some("Bearer s3cret-token"))).is_ok());
        for auth in [
            None,
            Some("Bearer wrong"),
            Some("s3cret-token"),
            Some("Bearer "),
        ] {
            assert!(matches!(
                allowed(t, &from("127.0.0.1", auth)),
                Err(ApiError::Unauthorized)
            ));
        }
    }

    #[test]
    fn label_values_are_escaped() {
        let mut t = Text::default();
        t.sample("x", &[("route", "a\"b\\c\nd")], 1.0);
        assert_eq!(t.0, "x{route=\"a\\\"b\\\\c\\nd\"} 1\n");
    }
}
