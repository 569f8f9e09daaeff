//! `/metrics`: loopback by default, a bearer token otherwise; labels are route
//! patterns, never ids or names. (`tests/metrics/check.py`, run by `.ci/run`,
//! parses the output with Prometheus's own client library.)

use crate::helpers::{desk, raise};
use crate::support::{spawn_app_with, TestServer};

#[test]
fn metrics_count_requests_by_route_pattern_without_ids_or_names() {
    let mut d = desk();
    let n = raise(&mut d.alice, "Screen flickers");
    for _ in 0..3 {
        assert_eq!(d.alice.get(&format!("/api/tickets/{n}")).status, 200);
    }
    assert_eq!(d.alice.get("/api/tickets/99999").status, 404);
    let r = d.server.client().get("/metrics");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = r.text();
    let line = |prefix: &str| -> Option<f64> {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
    };
    let route = r#"helpdesk_http_requests_total{method="GET",route="/api/tickets/:number""#;
    assert_eq!(
        line(&format!("{route},code=\"2xx\"}}")),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        line(&format!("{route},code=\"4xx\"}}")),
        Some(1.0),
        "{text}"
    );
    assert!(line("helpdesk_http_request_duration_seconds_count").unwrap() >= 5.0);
    assert_eq!(line("helpdesk_tickets{status=\"new\"}"), Some(1.0));
    assert!(line("helpdesk_db_write_wait_seconds_count").unwrap() >= 1.0);
    assert!(line("process_resident_memory_bytes").unwrap() > 0.0);
    assert!(line("process_open_fds").unwrap() > 0.0);
    let path = format!("/api/tickets/{n}\"");
    for private in [path.as_str(), "Screen", "acme", "Alice", "99999"] {
        assert!(!text.contains(private), "{private} in:\n{text}");
    }
}

fn with_token() -> TestServer {
    spawn_app_with(|c| c.metrics_token = Some("metrics-token-0123456789".into()))
}

#[test]
fn a_configured_token_is_required_even_from_loopback() {
    let server = with_token();
    let mut c = server.client();
    assert_eq!(c.get("/metrics").status, 401);
    let r = c.request(
        "GET",
        "/metrics",
        &[("Authorization", "Bearer not-the-token")],
        None,
    );
    assert_eq!(r.status, 401);
    let r = c.request(
        "GET",
        "/metrics",
        &[("Authorization", "Bearer metrics-token-0123456789")],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn the_servers_connections_and_queue_are_gauges() {
    use crate::support::{test_config, TempDir};
    use helpdesk::api::App;
    use helpdesk::server::Server;
    use std::sync::Arc;

    let dir = TempDir::new("metrics-server");
    let config = test_config(&dir);
    let app = Arc::new(App::new(config.clone()).unwrap());
    let server = Server::bind(&config.addr, 2, config.limits.clone(), app.clone()).unwrap();
    let addr = server.local_addr().unwrap();
    app.listening_on(addr);
    app.watch_server(server.stats());
    let shutdown = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.run().unwrap());

    // Three keep-alive clients that have each had an answer and now sit idle.
    let mut idle: Vec<_> = (0..3).map(|_| crate::support::Client::new(addr)).collect();
    for c in &mut idle {
        assert_eq!(c.get("/healthz").status, 200);
    }
    let value = |text: &str, name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
    };
    // A worker parks a connection just after its answer leaves, so give the
    // three a moment to settle (a wait, not a timing assertion).
    let mut text = String::new();
    for _ in 0..100 {
        text = crate::support::Client::new(addr).get("/metrics").text();
        if value(&text, "helpdesk_connections_parked") >= 3.0
            && value(&text, "helpdesk_workers_busy") == 1.0
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(value(&text, "helpdesk_connections_open") >= 4.0, "{text}");
    assert!(value(&text, "helpdesk_connections_parked") >= 3.0, "{text}");
    assert_eq!(value(&text, "helpdesk_connections_streaming"), 0.0);
    assert_eq!(value(&text, "helpdesk_worker_queue_depth"), 0.0);
    // The worker answering /metrics is the busy one.
    assert_eq!(value(&text, "helpdesk_workers_busy"), 1.0, "{text}");
    drop(idle);
    shutdown.shutdown();
    thread.join().unwrap();
}
