//! Server-sent event streams through the stream hub: the head and framing the
//! HTML standard asks for, heartbeats, slow-consumer eviction, the stream cap,
//! shutdown, and that a stream never holds a worker.

use crate::slow_readers::small_window_connect;
use crate::support::*;
use helpdesk::config::Config;
use helpdesk::http::sse::Event;
use helpdesk::http::{Request, Response, Status};
use helpdesk::server::{Handler, StreamHub, StreamId};
use std::io::{BufReader, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `/events` opens a stream and remembers its id; `/text` answers `hello`.
pub struct StreamHandler {
    pub hub: StreamHub,
    pub opened: Mutex<Vec<StreamId>>,
    closed: Arc<Mutex<Vec<StreamId>>>,
}

impl Handler for StreamHandler {
    fn handle(&self, request: Request) -> Response {
        match request.path() {
            "/events" => match self.hub.open() {
                Ok((id, response)) => {
                    self.opened.lock().unwrap().push(id);
                    response
                }
                Err(busy) => busy,
            },
            _ => Response::text(Status::OK, "hello"),
        }
    }
}

impl StreamHandler {
    fn was_closed(&self, id: StreamId) -> bool {
        self.closed.lock().unwrap().contains(&id)
    }

    /// Waits (up to 10 s) until the hub has reported `id` closed.
    pub fn wait_closed(&self, id: StreamId) {
        let started = Instant::now();
        while !self.was_closed(id) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{id} was never reported closed"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn spawn_stream_server(adjust: impl FnOnce(&mut Config)) -> (TestServer, Arc<StreamHandler>) {
    spawn_stream_server_over(adjust, tls_for_tests())
}

/// The same, over HTTPS when `tls` is given.
pub fn spawn_stream_server_over(
    adjust: impl FnOnce(&mut Config),
    tls: Option<&TestTls>,
) -> (TestServer, Arc<StreamHandler>) {
    let data_dir = TempDir::new("streams");
    let mut config = test_config(&data_dir);
    adjust(&mut config);
    let hub = StreamHub::new(&config.limits).unwrap();
    let closed = Arc::new(Mutex::new(Vec::new()));
    let reported = Arc::clone(&closed);
    hub.on_close(move |id| reported.lock().unwrap().push(id));
    let handler = Arc::new(StreamHandler {
        hub: hub.clone(),
        opened: Mutex::new(Vec::new()),
        closed,
    });
    let server = spawn_server(config, handler.clone(), data_dir, Some(hub), tls);
    (server, handler)
}

const OPEN: &[u8] = b"GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
const RETRY: &str = "retry: 3000\n\n";

/// Opens a stream on `socket`: its head, and the id the handler got.
fn open_on(socket: Wire, handler: &StreamHandler) -> (BufReader<Wire>, TestResponse, StreamId) {
    let mut reader = BufReader::new(socket);
    reader.get_mut().write_all(OPEN).unwrap();
    let head = read_response(&mut reader, true).expect("a stream head");
    let id = *handler.opened.lock().unwrap().last().expect("an id");
    (reader, head, id)
}

fn open_stream(server: &TestServer, handler: &StreamHandler) -> (BufReader<Wire>, StreamId) {
    let (mut reader, head, id) = open_on(server.wire(), handler);
    assert_eq!(head.status, 200);
    assert_eq!(read_exactly(&mut reader, RETRY.len()), RETRY);
    (reader, id)
}

fn read_exactly(reader: &mut BufReader<Wire>, n: usize) -> String {
    let mut bytes = vec![0; n];
    reader.read_exact(&mut bytes).expect("the expected bytes");
    String::from_utf8(bytes).unwrap()
}

#[test]
fn an_event_stream_has_the_standard_head_a_retry_line_and_framed_events() {
    let (server, handler) = spawn_stream_server(|_| {});
    let (mut reader, head, id) = open_on(server.wire(), &handler);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/event-stream"));
    assert_eq!(head.header("cache-control"), Some("no-store"));
    assert_eq!(head.header("x-accel-buffering"), Some("no"));
    assert_eq!(head.header("content-length"), None);

    let event = Event::new("line one\nline two").id("7").event("ticket");
    assert!(handler.hub.send(id, event.encode()));
    assert!(handler.hub.send(id, Event::new("plain").encode()));
    let expected = "retry: 3000\n\n\
                    id: 7\nevent: ticket\ndata: line one\ndata: line two\n\n\
                    data: plain\n\n";
    assert_eq!(read_exactly(&mut reader, expected.len()), expected);
}

#[test]
fn quiet_streams_get_heartbeat_comments() {
    let (server, handler) = spawn_stream_server(|c| {
        c.limits.stream_heartbeat = Duration::from_millis(100);
    });
    let (mut reader, _) = open_stream(&server, &handler);
    assert_eq!(read_exactly(&mut reader, 3), ":\n\n");
    assert_eq!(read_exactly(&mut reader, 3), ":\n\n");
}

#[test]
fn a_client_that_never_reads_is_evicted_while_a_reading_one_gets_everything() {
    const FRAME: usize = 8 * 1024;
    const FRAMES: usize = 1_000;
    // A roomy outbox (an eighth of what is sent) so the reading client survives
    // a scheduler hiccup on a busy machine; the stalled one still overflows it.
    let (server, handler) = spawn_stream_server(|c| {
        c.limits.stream_outbox_bytes = 1024 * 1024;
    });
    let (mut reading, reading_id) = open_stream(&server, &handler);
    let (_stalled, stalled_id, _) = {
        let (reader, head, id) = open_on(
            server.wire_over(small_window_connect(server.addr)),
            &handler,
        );
        assert_eq!(head.status, 200);
        (reader, id, ())
    };
    let drained = std::thread::spawn(move || {
        let mut total = 0;
        let mut chunk = vec![0; 64 * 1024];
        while total < FRAME * FRAMES {
            match reading.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
        (total, reading) // still open: dropping it would close the stream
    });
    // 8 MB in all, more than the kernel buffers of the stalled client hold: its
    // queue must reach the outbox limit, and then the stream is closed.
    let frame: Arc<[u8]> = vec![b'x'; FRAME].into();
    let mut stalled_took = 0;
    for _ in 0..FRAMES {
        let took = handler
            .hub
            .broadcast(&[reading_id, stalled_id], Arc::clone(&frame));
        stalled_took += took.saturating_sub(1);
        std::thread::sleep(Duration::from_millis(1));
    }
    handler.wait_closed(stalled_id);
    assert!(
        stalled_took < FRAMES,
        "the client that never reads was evicted before taking all 8 MB"
    );
    assert!(!handler.hub.send(stalled_id, Event::new("late").encode()));
    let (received, _reading) = drained.join().unwrap();
    assert_eq!(received, FRAME * FRAMES);
    assert!(!handler.was_closed(reading_id));
    assert_eq!(handler.hub.open_streams(), 1);
}

#[test]
fn streams_over_the_cap_get_503_and_a_closed_stream_frees_its_slot() {
    let (server, handler) = spawn_stream_server(|c| c.limits.max_streams = 2);
    let (first, first_id) = open_stream(&server, &handler);
    let (_second, _) = open_stream(&server, &handler);
    let mut third = server.wire();
    third.write_all(OPEN).unwrap();
    let (raw, _) = read_until_close(&mut third, Duration::from_secs(5));
    assert_eq!(first_status(&raw), 503);
    assert!(raw.contains("Retry-After: 5"));

    // The first client goes away; the hub notices and the slot is free again.
    drop(first);
    handler.wait_closed(first_id);
    let (mut again, head, _) = open_on(server.wire(), &handler);
    assert_eq!(head.status, 200);
    assert_eq!(read_exactly(&mut again, RETRY.len()), RETRY);
}

#[test]
fn shutdown_closes_streams_without_waiting_for_them() {
    // The grace period is long; streams must not use it up.
    let (server, handler) = spawn_stream_server(|c| {
        c.limits.shutdown_grace = Duration::from_secs(30);
    });
    let (mut a, a_id) = open_stream(&server, &handler);
    let (mut b, b_id) = open_stream(&server, &handler);
    assert!(server.stop_within(Duration::from_secs(5)));
    for reader in [&mut a, &mut b] {
        let (_, closed) = read_until_close(reader.get_mut(), Duration::from_secs(5));
        assert!(closed, "the stream was closed at shutdown");
    }
    assert!(handler.was_closed(a_id) && handler.was_closed(b_id));
}

#[test]
fn open_streams_hold_no_worker() {
    let (server, handler) = spawn_stream_server(|c| c.workers = 1);
    let mut streams: Vec<(BufReader<Wire>, StreamId)> =
        (0..4).map(|_| open_stream(&server, &handler)).collect();
    // With the only worker free, an ordinary request is answered at once.
    assert_eq!(server.client().get("/text").text(), "hello");

    let ids: Vec<StreamId> = streams.iter().map(|(_, id)| *id).collect();
    let event = Event::new("to everyone").event("notice").encode();
    assert_eq!(handler.hub.broadcast(&ids, event.clone()), 4);
    let expected = String::from_utf8(event).unwrap();
    for (reader, _) in &mut streams {
        assert_eq!(read_exactly(reader, expected.len()), expected);
    }
}

#[test]
fn a_stream_whose_client_stops_reading_is_closed_after_the_write_timeout() {
    // Room in the outbox for the whole frame, so only the stall can close it.
    let (server, handler) = spawn_stream_server(|c| {
        c.limits.stream_outbox_bytes = 16 * 1024 * 1024;
        c.limits.write_timeout = Duration::from_millis(300);
    });
    let (_stalled, head, id) = open_on(
        server.wire_over(small_window_connect(server.addr)),
        &handler,
    );
    assert_eq!(head.status, 200);
    assert!(handler.hub.send(id, vec![b'x'; 8 * 1024 * 1024]));
    handler.wait_closed(id);
    assert_eq!(handler.hub.open_streams(), 0);
}
