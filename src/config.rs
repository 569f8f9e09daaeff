//! Configuration: command-line flags over `HELPDESK_*` environment variables over
//! the named defaults below. Every limit and deadline the server enforces lives
//! here, so an operator can see and change all of them in one place.

use crate::http::parse::HeadLimits;
use std::path::PathBuf;
use std::time::Duration;

/// Where the server listens unless told otherwise: every interface, so people on
/// the LAN can reach it.
pub const DEFAULT_ADDR: &str = "0.0.0.0:8080";
pub const DEFAULT_DATA_DIR: &str = "data";
/// Request head, request line to blank line (RFC 9112 leaves the limit to us).
pub const DEFAULT_MAX_HEAD_BYTES: usize = 16 * 1024;
pub const DEFAULT_MAX_HEADERS: usize = 100;
pub const DEFAULT_MAX_URI_BYTES: usize = 8 * 1024;
/// Request bodies; routes that need more (attachments) raise their own limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Attachments an organization accepts unless its admin chooses otherwise.
pub const DEFAULT_ATTACHMENT_LIMIT: usize = 25 * 1024 * 1024;
/// The most an admin may raise the attachment limit to (`--attachment-ceiling`):
/// the operator's bound on how much disk one upload may take.
pub const DEFAULT_ATTACHMENT_CEILING: usize = 100 * 1024 * 1024;
/// A body admitted into a file (an upload) has no whole-body deadline: it must
/// move at least this many bytes every [`DEFAULT_UPLOAD_WINDOW`]. 16 KiB per 10 s
/// (1.6 KB/s) lets a slow but moving upload finish, and cuts off a stalled one.
pub const DEFAULT_UPLOAD_MIN_BYTES: usize = 16 * 1024;
pub const DEFAULT_UPLOAD_WINDOW: Duration = Duration::from_secs(10);
/// The whole head must arrive within this time of its first byte.
pub const DEFAULT_HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// The whole body must arrive within this time of the head.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// An idle keep-alive connection is closed after this long.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// A response waiting for a client to read must move at least
/// [`DEFAULT_MIN_SEND_BYTES`] within this long, or the connection is closed.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The minimum progress per `write_timeout` of a response the client is slow to
/// read: 16 KiB per 10 s is about 1.6 KB/s, slower than any real connection, so
/// only a client that stalls or trickles on purpose holds memory that long.
pub const DEFAULT_MIN_SEND_BYTES: usize = 16 * 1024;
/// Server-sent event streams open at once; beyond this a new one gets 503. Streams
/// do not count against `max_connections` (they are handed off) but each holds a
/// file descriptor.
pub const DEFAULT_MAX_STREAMS: usize = 2_000;
/// Bytes queued and unsent per stream before the client counts as not reading
/// and the stream is closed: room for a burst of events, not for a backlog.
pub const DEFAULT_STREAM_OUTBOX_BYTES: usize = 64 * 1024;
/// A comment line on every stream this often, so proxies see traffic.
pub const DEFAULT_STREAM_HEARTBEAT: Duration = Duration::from_secs(15);
/// How long a graceful shutdown waits for requests in flight.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Ready connections waiting for a worker; beyond this the server answers 503.
pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;
/// Most connections open at once; beyond this new ones are refused with 503.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(12 * 3600);
pub const DEFAULT_SESSION_MAX: Duration = Duration::from_secs(7 * 24 * 3600);

/// Every limit and deadline the HTTP engine enforces.
#[derive(Debug, Clone)]
pub struct Limits {
    pub head: HeadLimits,
    pub max_body_bytes: usize,
    pub head_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub write_timeout: Duration,
    pub min_send_bytes: usize,
    /// Minimum progress of a body admitted into a file: `upload_min_bytes` per
    /// `upload_window` (instead of `body_timeout` for the whole body).
    pub upload_min_bytes: usize,
    pub upload_window: Duration,
    pub max_streams: usize,
    pub stream_outbox_bytes: usize,
    pub stream_heartbeat: Duration,
    pub shutdown_grace: Duration,
    pub queue_capacity: usize,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head: HeadLimits {
                max_head_bytes: DEFAULT_MAX_HEAD_BYTES,
                max_headers: DEFAULT_MAX_HEADERS,
                max_uri_bytes: DEFAULT_MAX_URI_BYTES,
            },
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            head_timeout: DEFAULT_HEAD_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            min_send_bytes: DEFAULT_MIN_SEND_BYTES,
            upload_min_bytes: DEFAULT_UPLOAD_MIN_BYTES,
            upload_window: DEFAULT_UPLOAD_WINDOW,
            max_streams: DEFAULT_MAX_STREAMS,
            stream_outbox_bytes: DEFAULT_STREAM_OUTBOX_BYTES,
            stream_heartbeat: DEFAULT_STREAM_HEARTBEAT,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// The whole configuration of one running instance.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: String,
    pub data_dir: PathBuf,
    /// Worker threads; defaults to twice the cores (workers also wait on SQLite).
    pub workers: usize,
    /// Serve the frontend from this folder instead of the embedded copy.
    pub public_dir: Option<PathBuf>,
    pub limits: Limits,
    /// `synchronous=FULL` (the default) survives power loss; `false` means NORMAL.
    pub sync_full: bool,
    /// A fixed first-run setup token for automated installs.
    pub setup_token: Option<String>,
    /// Anyone may create an organization (otherwise only signed-in admins).
    pub open_signup: bool,
    /// Days the audit log keeps an entry.
    pub audit_days: u32,
    /// Log every request (target `access`). Off by default so the first-run setup
    /// link does not scroll away; `RUST_LOG` overrides either way.
    pub access_log: bool,
    pub session_idle: Duration,
    pub session_max: Duration,
    /// The server's IANA time zone, the default for organizations that set none
    /// (`HELPDESK_TIME_ZONE`, else `TZ`; unset: the host's, else UTC).
    pub time_zone: Option<String>,
    /// A bearer token for `GET /metrics`; without one, only loopback may read it.
    pub metrics_token: Option<String>,
    /// The address people use to reach the help desk (`https://desk.example.com`),
    /// when it differs from what the server can see: behind a proxy or a DNS name.
    /// Allowed as a `Host` and used in links (the setup link, e-mails).
    pub public_url: Option<String>,
    /// The largest attachment limit an admin may set for an organization.
    pub attachment_ceiling: usize,
    /// PEM certificate chain and key: serve HTTPS instead of HTTP.
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// With TLS: also listen here for plain HTTP, only to redirect to HTTPS.
    pub redirect_http: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For`/`-Proto` are believed.
    pub trust_proxy: Vec<crate::http::forwarded::IpNet>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: DEFAULT_ADDR.to_string(),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            workers: default_workers(),
            public_dir: None,
            limits: Limits::default(),
            sync_full: true,
            setup_token: None,
            open_signup: false,
            access_log: false,
            audit_days: crate::domain::audit::DEFAULT_KEEP_DAYS,
            session_idle: DEFAULT_SESSION_IDLE,
            session_max: DEFAULT_SESSION_MAX,
            time_zone: None,
            metrics_token: None,
            public_url: None,
            attachment_ceiling: DEFAULT_ATTACHMENT_CEILING,
            tls_cert: None,
            tls_key: None,
            redirect_http: None,
            trust_proxy: Vec::new(),
        }
    }
}

/// A retention period in days: 1 to 36500.
fn days(v: &str, name: &str) -> Result<u32, String> {
    match v.trim().parse::<u32>() {
        Ok(n) if (1..=36_500).contains(&n) => Ok(n),
        _ => Err(format!("{name} must be a number of days from 1 to 36500")),
    }
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 2
}

pub const HELP: &str = "\
helpdesk: a self-hosted IT help desk in one binary

USAGE:
    helpdesk [serve] [OPTIONS]      run the help desk (the default)
    helpdesk seed-demo [--tickets N] [--days D] [OPTIONS]
                                    create or reset the \"Demo IT\" organization
    helpdesk backup FILE [OPTIONS]  copy the live database to FILE (safe while serving)
    helpdesk healthcheck [--addr ADDR]
                                    exit 0 when the server at ADDR answers /healthz
                                    (for container HEALTHCHECKs: no curl needed)
    helpdesk cert --host NAME [--host NAME...] [--out DIR]
                                    write a self-signed certificate (DIR/helpdesk-cert.pem)
                                    and key (DIR/helpdesk-key.pem) for HTTPS on a LAN, and
                                    say how to make browsers trust it [default DIR .]

OPTIONS (each also read from the environment variable shown):
    --addr ADDR            listen address [HELPDESK_ADDR, default 0.0.0.0:8080]
    --data-dir DIR         database and attachments [HELPDESK_DATA_DIR, default data]
    --workers N            worker threads [HELPDESK_WORKERS, default 2 x cores]
    --metrics-token TOKEN  bearer token for GET /metrics from other machines
                           [HELPDESK_METRICS_TOKEN, default: loopback only]
    --public-dir DIR       serve the frontend from DIR instead of the embedded copy
                           (for frontend development) [HELPDESK_PUBLIC_DIR]
    --max-body-bytes N     request body limit [default 1048576]
    --max-head-bytes N     request head limit [default 16384]
    --max-headers N        header count limit [default 100]
    --max-uri-bytes N      request target limit [default 8192]
    --head-timeout SECS    whole request head deadline [default 10]
    --body-timeout SECS    whole request body deadline [default 30]
    --idle-timeout SECS    idle keep-alive deadline [default 30]
    --write-timeout SECS   a response the client is slow to read must move at least
                           --min-send-bytes within this long, or it is closed [default 10]
    --min-send-bytes N     see --write-timeout [default 16384]
    --upload-min-bytes N   an upload must move at least N bytes every
                           --upload-window SECS, or it is cut off with 408 [default 16384]
    --upload-window SECS   see --upload-min-bytes [default 10]
    --attachment-ceiling N the largest attachment limit an admin may choose
                           (the default limit is 25 MiB) [default 104857600]
    --max-streams N        open event streams before new ones get 503 [default 2000]
    --stream-outbox-bytes N  unsent bytes per event stream before its client counts as
                           not reading and the stream is closed [default 65536]
    --stream-heartbeat SECS  comment line on every event stream this often [default 15]
    --shutdown-grace SECS  graceful shutdown deadline [default 10]
    --queue-capacity N     ready connections waiting for a worker before 503 [default 1024]
    --max-connections N    open connections before new ones get 503 [default 10000]
    --sync-normal          SQLite synchronous=NORMAL instead of FULL: faster commits, but
                           a power cut (not a crash) can lose the last acknowledged
                           writes [HELPDESK_SYNC=normal]
    --open-signup          anyone may create an organization [HELPDESK_OPEN_SIGNUP=1]
    --audit-days N         keep audit log entries this many days [HELPDESK_AUDIT_DAYS,
                           default 365]
    --access-log           log every request (target access) [HELPDESK_ACCESS_LOG=1,
                           default off]
    --session-idle SECS    sign out after this long idle [default 43200]
    --session-max SECS     sign out after this long in all [default 604800]
    --public-url URL       the address people open, such as https://desk.example.com;
                           API requests are answered only for this host, the printed
                           addresses and localhost [HELPDESK_PUBLIC_URL]
    --tls-cert FILE        serve HTTPS with this PEM certificate chain [HELPDESK_TLS_CERT]
    --tls-key FILE         ... and this PEM private key [HELPDESK_TLS_KEY]; with TLS,
                           session cookies are Secure and answers carry
                           Strict-Transport-Security
    --redirect-http ADDR   with TLS: also listen on ADDR (such as 0.0.0.0:80) for plain
                           HTTP and redirect every request to HTTPS [HELPDESK_REDIRECT_HTTP]
    --trust-proxy CIDR,... believe X-Forwarded-For and X-Forwarded-Proto from these
                           reverse proxies only (such as 127.0.0.1 or 10.0.0.0/8): sign-in
                           throttling and the access log then see the real client
                           [HELPDESK_TRUST_PROXY]
    HELPDESK_SETUP_TOKEN   fixed first-run setup token, for automated installs
    HELPDESK_TIME_ZONE     default time zone of organizations that set none
                           (IANA name; else TZ, else the host's, else UTC)
    HELPDESK_METRICS_TOKEN bearer token for GET /metrics (prefer it to the flag:
                           a flag shows in the process list)
    RUST_LOG               log filter, such as debug or helpdesk=info; overrides
                           --access-log [default info, access=warn]
    -h, --help             this text
    -V, --version          the version
";

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    SeedDemo { tickets: usize, days: i64 },
    Backup { file: PathBuf },
    Healthcheck,
    Cert { hosts: Vec<String>, out: PathBuf },
    Help,
    Version,
}

/// Parses flags (after the program name) over the given environment.
pub fn parse_args<I, E>(args: I, env: E) -> Result<(Command, Config), String>
where
    I: IntoIterator<Item = String>,
    E: Fn(&str) -> Option<String>,
{
    let mut config = Config::default();
    apply_env(&mut config, &env)?;
    let mut command = Command::Serve;
    let mut args = args.into_iter().peekable();
    let mut first = true;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok((Command::Help, config)),
            "-V" | "--version" => return Ok((Command::Version, config)),
            "serve" if first => command = Command::Serve,
            "seed-demo" if first => {
                command = Command::SeedDemo {
                    tickets: 600,
                    days: 120,
                }
            }
            "healthcheck" if first => command = Command::Healthcheck,
            "backup" if first => {
                let file = args.next().ok_or("backup needs a FILE to write")?;
                command = Command::Backup {
                    file: PathBuf::from(file),
                };
            }
            "cert" if first => {
                command = Command::Cert {
                    hosts: Vec::new(),
                    out: PathBuf::from("."),
                }
            }
            "--host" | "--out" if !matches!(command, Command::Cert { .. }) => {
                return Err(format!("{flag} goes with cert"));
            }
            "--host" => {
                let host = value(&flag)?;
                if let Command::Cert { hosts, .. } = &mut command {
                    hosts.push(host);
                }
            }
            "--out" => {
                let dir = PathBuf::from(value(&flag)?);
                if let Command::Cert { out, .. } = &mut command {
                    *out = dir;
                }
            }
            "--tickets" => {
                let n = number(&value("--tickets")?, "--tickets")?;
                match &mut command {
                    Command::SeedDemo { tickets, .. } => *tickets = n,
                    _ => return Err("--tickets goes with seed-demo".into()),
                }
            }
            "--days" => {
                let n = positive(&value("--days")?, "--days")?;
                match &mut command {
                    Command::SeedDemo { days, .. } => *days = n as i64,
                    _ => return Err("--days goes with seed-demo".into()),
                }
            }
            "--addr" => config.addr = value("--addr")?,
            "--data-dir" => config.data_dir = PathBuf::from(value("--data-dir")?),
            "--workers" => config.workers = positive(&value("--workers")?, "--workers")?,
            "--public-dir" => config.public_dir = Some(PathBuf::from(value("--public-dir")?)),
            "--metrics-token" => {
                let token = value("--metrics-token")?;
                if token.len() < 16 {
                    return Err("--metrics-token needs at least 16 characters".into());
                }
                config.metrics_token = Some(token);
            }
            "--max-body-bytes" => config.limits.max_body_bytes = positive(&value(&flag)?, &flag)?,
            "--max-head-bytes" => {
                config.limits.head.max_head_bytes = positive(&value(&flag)?, &flag)?
            }
            "--max-headers" => config.limits.head.max_headers = positive(&value(&flag)?, &flag)?,
            "--max-uri-bytes" => {
                config.limits.head.max_uri_bytes = positive(&value(&flag)?, &flag)?
            }
            "--head-timeout" => config.limits.head_timeout = secs(&value(&flag)?, &flag)?,
            "--body-timeout" => config.limits.body_timeout = secs(&value(&flag)?, &flag)?,
            "--idle-timeout" => config.limits.idle_timeout = secs(&value(&flag)?, &flag)?,
            "--write-timeout" => config.limits.write_timeout = secs(&value(&flag)?, &flag)?,
            "--upload-min-bytes" => {
                config.limits.upload_min_bytes = positive(&value(&flag)?, &flag)?
            }
            "--upload-window" => config.limits.upload_window = secs(&value(&flag)?, &flag)?,
            "--attachment-ceiling" => config.attachment_ceiling = positive(&value(&flag)?, &flag)?,
            "--max-streams" => config.limits.max_streams = positive(&value(&flag)?, &flag)?,
            "--stream-outbox-bytes" => {
                config.limits.stream_outbox_bytes = positive(&value(&flag)?, &flag)?
            }
            "--stream-heartbeat" => config.limits.stream_heartbeat = secs(&value(&flag)?, &flag)?,
            "--min-send-bytes" => config.limits.min_send_bytes = positive(&value(&flag)?, &flag)?,
            "--shutdown-grace" => config.limits.shutdown_grace = secs(&value(&flag)?, &flag)?,
            "--queue-capacity" => config.limits.queue_capacity = positive(&value(&flag)?, &flag)?,
            "--max-connections" => config.limits.max_connections = positive(&value(&flag)?, &flag)?,
            "--session-idle" => config.session_idle = secs(&value(&flag)?, &flag)?,
            "--session-max" => config.session_max = secs(&value(&flag)?, &flag)?,
            "--public-url" => config.public_url = Some(public_url(&value(&flag)?)?),
            "--tls-cert" => config.tls_cert = Some(PathBuf::from(value(&flag)?)),
            "--tls-key" => config.tls_key = Some(PathBuf::from(value(&flag)?)),
            "--redirect-http" => config.redirect_http = Some(value(&flag)?),
            "--trust-proxy" => {
                config.trust_proxy = crate::http::forwarded::parse_list(&value(&flag)?)?
            }
            "--sync-normal" => config.sync_full = false,
            "--open-signup" => config.open_signup = true,
            "--access-log" => config.access_log = true,
            "--audit-days" => config.audit_days = days(&value(&flag)?, &flag)?,
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
        first = false;
    }
    if matches!(&command, Command::Cert { hosts, .. } if hosts.is_empty()) {
        return Err("cert needs --host NAME (the name or address people open)".into());
    }
    if config.tls_cert.is_some() != config.tls_key.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    if config.redirect_http.is_some() && config.tls_cert.is_none() {
        return Err("--redirect-http redirects to HTTPS: it needs --tls-cert and --tls-key".into());
    }
    Ok((command, config))
}

fn apply_env(config: &mut Config, env: &impl Fn(&str) -> Option<String>) -> Result<(), String> {
    if let Some(v) = env("HELPDESK_ADDR") {
        config.addr = v;
    }
    if let Some(v) = env("HELPDESK_DATA_DIR") {
        config.data_dir = PathBuf::from(v);
    }
    if let Some(v) = env("HELPDESK_WORKERS") {
        config.workers = positive(&v, "HELPDESK_WORKERS")?;
    }
    if let Some(v) = env("HELPDESK_PUBLIC_DIR") {
        config.public_dir = Some(PathBuf::from(v));
    }
    if let Some(v) = env("HELPDESK_SYNC") {
        config.sync_full = match v.to_ascii_lowercase().as_str() {
            "full" => true,
            "normal" => false,
            _ => return Err("HELPDESK_SYNC must be full or normal".into()),
        };
    }
    if let Some(v) = env("HELPDESK_OPEN_SIGNUP") {
        config.open_signup = matches!(v.as_str(), "1" | "true" | "yes");
    }
    if let Some(v) = env("HELPDESK_AUDIT_DAYS") {
        config.audit_days = days(&v, "HELPDESK_AUDIT_DAYS")?;
    }
    if let Some(v) = env("HELPDESK_ACCESS_LOG") {
        config.access_log = matches!(v.as_str(), "1" | "true" | "yes");
    }
    if let Some(v) = env("HELPDESK_PUBLIC_URL").filter(|v| !v.is_empty()) {
        config.public_url = Some(public_url(&v)?);
    }
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if let Some(v) = set("HELPDESK_TLS_CERT") {
        config.tls_cert = Some(PathBuf::from(v));
    }
    if let Some(v) = set("HELPDESK_TLS_KEY") {
        config.tls_key = Some(PathBuf::from(v));
    }
    if let Some(v) = set("HELPDESK_REDIRECT_HTTP") {
        config.redirect_http = Some(v);
    }
    if let Some(v) = set("HELPDESK_TRUST_PROXY") {
        config.trust_proxy = crate::http::forwarded::parse_list(&v)
            .map_err(|e| format!("HELPDESK_TRUST_PROXY: {e}"))?;
    }
    config.setup_token = env("HELPDESK_SETUP_TOKEN").filter(|t| !t.is_empty());
    config.time_zone = env("HELPDESK_TIME_ZONE")
        .or_else(|| env("TZ").map(|tz| tz.trim_start_matches(':').to_string()))
        .filter(|t| !t.trim().is_empty());
    config.metrics_token = env("HELPDESK_METRICS_TOKEN").filter(|t| !t.is_empty());
    if config.metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
        return Err("HELPDESK_METRICS_TOKEN needs at least 16 characters".into());
    }
    Ok(())
}

/// `http://host[:port]` or `https://...`, without a trailing slash or path.
fn public_url(v: &str) -> Result<String, String> {
    let v = v.trim().trim_end_matches('/');
    let host = v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"));
    match host {
        Some(h) if !h.is_empty() && !h.contains(['/', '?', '#', '@', ' ']) => Ok(v.to_string()),
        _ => Err(format!(
            "--public-url takes http://host[:port] or https://host[:port], not {v:?}"
        )),
    }
}

fn number(v: &str, name: &str) -> Result<usize, String> {
    v.parse()
        .map_err(|_| format!("{name} takes a whole number, not {v:?}"))
}

fn positive(v: &str, name: &str) -> Result<usize, String> {
    match number(v, name)? {
        0 => Err(format!("{name} must be at least 1")),
        n => Ok(n),
    }
}

fn secs(v: &str, name: &str) -> Result<Duration, String> {
    Ok(Duration::from_secs(positive(v, name)? as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn defaults_serve_on_every_interface_with_data_in_data() {
        let (cmd, c) = parse_args(Vec::new(), |_| None).unwrap();
        assert_eq!(cmd, Command::Serve);
        assert_eq!(c.addr, "0.0.0.0:8080");
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert!(c.sync_full);
        assert_eq!(c.limits.head.max_head_bytes, 16 * 1024);
    }

    #[test]
    fn flags_beat_the_environment() {
        let env = |k: &str| (k == "HELPDESK_ADDR").then(|| "127.0.0.1:1".to_string());
        let (_, c) = parse_args(args("--addr 127.0.0.1:2 --workers 3"), env).unwrap();
        assert_eq!(c.addr, "127.0.0.1:2");
        assert_eq!(c.workers, 3);
        let (_, c) = parse_args(args("--head-timeout=5"), env).unwrap();
        assert_eq!(c.addr, "127.0.0.1:1");
        assert_eq!(c.limits.head_timeout, Duration::from_secs(5));
    }

    #[test]
    fn slow_reader_and_stream_limits_have_flags() {
        let (_, c) = parse_args(Vec::new(), |_| None).unwrap();
        assert_eq!(c.limits.min_send_bytes, DEFAULT_MIN_SEND_BYTES);
        assert_eq!(c.limits.max_streams, DEFAULT_MAX_STREAMS);
        let flags = "--min-send-bytes 100 --max-streams 7 --stream-outbox-bytes 4096 \
                     --stream-heartbeat 3";
        let (_, c) = parse_args(args(flags), |_| None).unwrap();
        assert_eq!(c.limits.min_send_bytes, 100);
        assert_eq!(c.limits.max_streams, 7);
        assert_eq!(c.limits.stream_outbox_bytes, 4096);
        assert_eq!(c.limits.stream_heartbeat, Duration::from_secs(3));
        assert!(parse_args(args("--max-streams 0"), |_| None).is_err());
    }

    #[test]
    fn subcommands_and_bad_flags() {
        let (cmd, _) = parse_args(args("seed-demo --tickets 5"), |_| None).unwrap();
        assert_eq!(
            cmd,
            Command::SeedDemo {
                tickets: 5,
                days: 120
            }
        );
        let (cmd, _) = parse_args(args("healthcheck --addr 127.0.0.1:9"), |_| None).unwrap();
        assert_eq!(cmd, Command::Healthcheck);
        let (_, c) = parse_args(args("--access-log"), |_| None).unwrap();
        assert!(c.access_log);
        let (_, c) = parse_args(args(""), |k| {
            (k == "HELPDESK_ACCESS_LOG").then(|| "1".into())
        })
        .unwrap();
        assert!(c.access_log);
        let (cmd, _) = parse_args(args("backup /tmp/x.db"), |_| None).unwrap();
        assert_eq!(
            cmd,
            Command::Backup {
                file: PathBuf::from("/tmp/x.db")
            }
        );
        assert!(parse_args(args("--workers 0"), |_| None).is_err());
        let (_, c) = parse_args(args("--public-url https://desk.example.com/"), |_| None).unwrap();
        assert_eq!(c.public_url.as_deref(), Some("https://desk.example.com"));
        assert!(parse_args(args("--public-url desk.example.com"), |_| None).is_err());
        assert!(parse_args(args("--public-url https://x/path"), |_| None).is_err());
        let env =
            |k: &str| (k == "HELPDESK_PUBLIC_URL").then(|| "http://desk.lan:8080".to_string());
        let (_, c) = parse_args(Vec::new(), env).unwrap();
        assert_eq!(c.public_url.as_deref(), Some("http://desk.lan:8080"));
        assert!(parse_args(args("--bogus"), |_| None).is_err());
    }
}
