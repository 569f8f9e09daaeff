//! The `helpdesk` command: `serve` (the default), `seed-demo`, `backup`,
//! `healthcheck`, `cert`.
//! Exit codes: 0 success, 1 runtime failure, 2 bad command line.

use helpdesk::api::App;
use helpdesk::config::{self, Command, Config};
use helpdesk::server::Server;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let (command, config) =
        match config::parse_args(std::env::args().skip(1), |k| std::env::var(k).ok()) {
            Ok(parsed) => parsed,
            Err(message) => {
                eprintln!("helpdesk: {message}");
                return ExitCode::from(2);
            }
        };
    // The access log is quiet unless asked for, so the first-run setup link stays
    // on screen; RUST_LOG, when set, decides everything.
    let filter = if config.access_log {
        "info"
    } else {
        "info,access=warn"
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(filter)).init();
    let result = match command {
        Command::Help => {
            print!("{}", config::HELP);
            Ok(())
        }
        Command::Version => {
            println!("helpdesk {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Command::Serve => serve(config),
        Command::Backup { file } => backup(&config, &file),
        Command::SeedDemo { tickets, days } => seed_demo(&config, tickets, days),
        Command::Healthcheck => healthcheck(&config),
        Command::Cert { hosts, out } => cert(&hosts, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("helpdesk: {message}");
            ExitCode::from(1)
        }
    }
}

fn serve(config: Config) -> Result<(), String> {
    let addr = config.addr.clone();
    let workers = config.workers;
    let limits = config.limits.clone();
    let public_url = config.public_url.clone();
    // Certificates first: a bad one is a start-up error, before anything listens.
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => {
            Some(helpdesk::tls::server_config(cert, key).map_err(|e| e.to_string())?)
        }
        _ => None,
    };
    let redirect_addr = config.redirect_http.clone();
    let trust_proxy = config.trust_proxy.clone();
    let app = Arc::new(App::new(config)?);
    let setup_token = pending_setup_token(&app)?;
    let hub = app.stream_hub();
    let jobs = app.state().jobs.clone();
    let mut server = Server::bind(&addr, workers, limits.clone(), app.clone())
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?
        .with_stream_hub(hub)
        .with_trusted_proxies(trust_proxy);
    if let Some(tls) = tls {
        server = server.with_tls(tls);
    }
    let local = server.local_addr().map_err(|e| e.to_string())?;
    app.listening_on(local);
    app.watch_server(server.stats());
    let redirect = match redirect_addr {
        Some(raddr) => {
            let handler = Arc::new(helpdesk::tls::RedirectToHttps {
                https_port: local.port(),
            });
            let redirect = Server::bind(&raddr, 1, limits, handler)
                .map_err(|e| format!("cannot listen on {raddr}: {e}"))?;
            let handle = redirect.shutdown_handle();
            let thread = std::thread::Builder::new()
                .name("redirect-http".into())
                .spawn(move || redirect.run())
                .map_err(|e| format!("cannot start the redirect listener: {e}"))?;
            say(&format!("plain HTTP on {raddr} redirects to HTTPS"));
            Some((handle, thread))
        }
        None => None,
    };
    if let Some(url) = &public_url {
        say(&format!("helpdesk is running: open {url}/"));
    }
    let https = server.is_tls();
    for url in helpdesk::server::addresses_to_open(local) {
        say(&format!("helpdesk is running: open {}", scheme(url, https)));
    }
    print_setup_link(setup_token.as_deref(), public_url.as_deref(), local, https);
    let handle = server.shutdown_handle();
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
    ])
    .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    // SIGINT and SIGTERM start a graceful shutdown: `run` returns once requests in
    // flight are done (bounded by the shutdown grace) and we exit 0. A second
    // signal means the operator will not wait: exit at once.
    std::thread::spawn(move || {
        let mut received = signals.forever();
        if let Some(sig) = received.next() {
            log::info!("signal {sig} received: shutting down gracefully");
            handle.shutdown();
        }
        if let Some(sig) = received.next() {
            log::warn!("second signal {sig}: exiting without waiting");
            std::process::exit(1);
        }
    });
    let served = server.run().map_err(|e| format!("server failed: {e}"));
    if let Some((handle, thread)) = redirect {
        handle.shutdown();
        let _ = thread.join();
    }
    // The jobs thread stops with the server: after the last request, before exit.
    jobs.shutdown();
    served?;
    log::info!("stopped");
    Ok(())
}

/// `helpdesk cert --host NAME`: a self-signed certificate and key for a LAN.
fn cert(hosts: &[String], out: &Path) -> Result<(), String> {
    let cert = out.join("helpdesk-cert.pem");
    let key = out.join("helpdesk-key.pem");
    let told = helpdesk::tls::write_self_signed(hosts, &cert, &key).map_err(|e| e.to_string())?;
    println!("{told}");
    Ok(())
}

/// `helpdesk seed-demo [--tickets N] [--days D]`: creates or resets "Demo IT" and prints the sign-ins.
fn seed_demo(config: &Config, tickets: usize, days: i64) -> Result<(), String> {
    use helpdesk::store::{demo, now_ms, Db, StoreError};
    let started = std::time::Instant::now();
    // The demo's clocks are backfilled in the zone the server will compute in.
    let zone = helpdesk::api::server_zone(config.time_zone.as_deref());
    let db = Db::open(&config.data_dir, config.sync_full)
        .map_err(|e| e.to_string())?
        .with_server_zone(helpdesk::domain::zone::zone_name(&zone));
    let password = helpdesk::domain::Password::try_from(demo::PASSWORD)?;
    // Hashed once: every demo account shares the PHC string.
    let phc = helpdesk::auth::password::hash(&password).map_err(|e| e.to_string())?;
    let summary = db
        .write(|tx| demo::seed_over(tx, tickets, days, &phc, now_ms()))
        .map_err(|e: StoreError| e.to_string())?;
    println!(
        "Demo IT ready in {:.1}s: {} admin, {} agents, {} requesters, {} tickets, {} articles.",
        started.elapsed().as_secs_f64(),
        summary.admins,
        summary.agents,
        summary.requesters,
        summary.tickets,
        summary.articles
    );
    println!("Sign in with password {:?} as:", demo::PASSWORD);
    for (email, what) in &summary.sign_ins {
        println!("  {email:<20} {what}");
    }
    Ok(())
}

/// The setup token while the instance has no organization yet (first run).
fn pending_setup_token(app: &App) -> Result<Option<String>, String> {
    let state = app.state();
    let done = state
        .db
        .read(helpdesk::store::orgs::any_exists)
        .map_err(|e| format!("cannot read the database: {e}"))?;
    Ok((!done).then(|| state.setup_token.clone()))
}

/// Prints the one-time setup link. Only someone who can read this console (or
/// who set HELPDESK_SETUP_TOKEN) can claim the instance.
/// The link uses `--public-url` when set: that is the name people's browsers use.
fn print_setup_link(
    token: Option<&str>,
    public_url: Option<&str>,
    local: std::net::SocketAddr,
    https: bool,
) {
    let Some(token) = token else { return };
    let base = match public_url {
        Some(url) => format!("{url}/"),
        None => helpdesk::server::addresses_to_open(local)
            .into_iter()
            .next()
            .map(|url| scheme(url, https))
            .unwrap_or_else(|| format!("http://{local}/")),
    };
    say(&format!(
        "\nFirst run: no organization exists yet. To set up this help desk, open\n    \
         {base}setup?token={token}\n(the link works until setup is done; keep it private)\n"
    ));
}

/// The printed address with `https://` when the server speaks HTTPS.
fn scheme(url: String, https: bool) -> String {
    match url.strip_prefix("http://") {
        Some(rest) if https => format!("https://{rest}"),
        _ => url,
    }
}

/// Prints a line for the person at the console while serving. Unlike `println!`,
/// a closed stdout (`helpdesk | head -1`, a detached service) is not a reason to
/// panic and take the server down; the log still has the details.
fn say(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// `helpdesk backup FILE`: an online copy of the live database.
fn backup(config: &Config, file: &Path) -> Result<(), String> {
    use helpdesk::store::backup;
    let source = config.data_dir.join(helpdesk::store::db::DB_FILE);
    let attachments = config.data_dir.join(helpdesk::store::blobs::DIR);
    let copied = backup::backup_all(&source, &attachments, file)
        .map_err(|e| format!("backup of {} failed: {e}", source.display()))?;
    println!("backed up {} to {}", source.display(), file.display());
    println!(
        "backed up {} attachment files ({} bytes) to {}",
        copied.files,
        copied.bytes,
        backup::attachments_dir(file).display()
    );
    if copied.missing > 0 {
        eprintln!(
            "helpdesk: {} attachment files were deleted while the backup ran and are not in it",
            copied.missing
        );
    }
    Ok(())
}

/// `helpdesk healthcheck`: asks the server at `--addr` (or `HELPDESK_ADDR`) for
/// `/healthz` and succeeds on a 200. Containers run this as their HEALTHCHECK:
/// the image has no curl, and the binary already knows where it listens.
fn healthcheck(config: &Config) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
    use std::time::Duration;
    let listen: SocketAddr = config
        .addr
        .to_socket_addrs()
        .map_err(|e| format!("bad address {}: {e}", config.addr))?
        .next()
        .ok_or_else(|| format!("bad address {}", config.addr))?;
    // A server listening on every interface is asked on loopback.
    let target = match listen {
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], a.port()))
        }
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port()))
        }
        other => other,
    };
    let timeout = Duration::from_secs(5);
    let mut stream = TcpStream::connect_timeout(&target, timeout)
        .map_err(|e| format!("cannot reach {target}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("cannot ask {target}: {e}"))?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .map_err(|e| format!("no answer from {target}: {e}"))?;
    if head.starts_with(b"HTTP/1.1 200") {
        println!("healthy: {target} answered /healthz");
        Ok(())
    } else {
        Err(format!(
            "unhealthy: {target} answered {}",
            String::from_utf8_lossy(&head)
        ))
    }
}
