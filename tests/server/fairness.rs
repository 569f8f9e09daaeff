//! Fairness: a connection is served for a bounded turn, then goes to the back of
//! the line. Clients that keep their sockets full of pipelined requests must not
//! keep the workers to themselves, and still get every answer, in order.

use crate::support::*;
use crate::{connect, spawn_test_server};
use std::io::{BufReader, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Requests per write while flooding: one big write keeps the socket full.
const FLOOD_BATCH: usize = 1_000;
/// Each flooding connection sends at least this many requests in all.
const FLOOD_AT_LEAST: usize = 5_000;
/// How far the writer may run ahead of the answers: far enough that the socket
/// never runs dry (so an unfair server would never see the end of it), not so
/// far that draining the kernel's buffers makes the test slow.
const FLOOD_AHEAD: usize = 32 * FLOOD_BATCH;

fn target_request(conn: usize, n: usize) -> String {
    format!("GET /target?c={conn}&n={n} HTTP/1.1\r\nHost: x\r\n\r\n")
}

/// One connection flooding the server with pipelined requests from a writer
/// thread while a reader thread drains and checks the answers.
struct Flood {
    writer: JoinHandle<usize>,
    reader: JoinHandle<Result<usize, String>>,
    /// Responses read so far, all correct.
    received: Arc<AtomicUsize>,
}

impl Flood {
    /// Writes batches of pipelined `GET /target?c=..&n=..` until `stop` is set
    /// (and at least [`FLOOD_AT_LEAST`] were sent), then one last request with
    /// `Connection: close`. The reader expects response `n` to echo request `n`.
    fn start(server: &TestServer, conn: usize, stop: Arc<AtomicBool>) -> Flood {
        let (input, mut out) = server.wire().split();
        let received = Arc::new(AtomicUsize::new(0));
        let progress = Arc::clone(&received);
        let writer = std::thread::spawn(move || {
            let mut sent = 0;
            let started = Instant::now();
            // The time bound only matters if the server is unfair or a response
            // is wrong, and the test is failing anyway: it keeps it from hanging.
            let in_time = || started.elapsed() < Duration::from_secs(20);
            while in_time() && (sent < FLOOD_AT_LEAST || !stop.load(Ordering::SeqCst)) {
                while in_time() && sent - progress.load(Ordering::SeqCst) > FLOOD_AHEAD {
                    std::thread::sleep(Duration::from_micros(200));
                }
                let batch: String = (sent..sent + FLOOD_BATCH)
                    .map(|n| target_request(conn, n))
                    .collect();
                if out.write_all(batch.as_bytes()).is_err() {
                    return sent;
                }
                sent += FLOOD_BATCH;
            }
            let last = format!(
                "GET /target?c={conn}&n={sent} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            );
            let _ = out.write_all(last.as_bytes());
            sent + 1
        });
        let counted = Arc::clone(&received);
        let reader = std::thread::spawn(move || {
            let mut input = BufReader::new(input);
            let mut n = 0;
            while let Some(resp) = read_response(&mut input, false) {
                let expected = format!("/target?c={conn}&n={n}");
                if resp.status != 200 || resp.text() != expected {
                    return Err(format!(
                        "response {n} was {} {:?}, expected 200 {expected:?}",
                        resp.status,
                        resp.text()
                    ));
                }
                n += 1;
                counted.store(n, Ordering::SeqCst);
            }
            Ok(n)
        });
        Flood {
            writer,
            reader,
            received,
        }
    }
}

#[test]
fn flooding_pipelined_clients_do_not_starve_a_new_client() {
    let (server, _) = spawn_test_server(|c| c.workers = 2);
    let stop = Arc::new(AtomicBool::new(false));
    // As many flooding connections as workers: without turns, each would hold
    // one worker for as long as it keeps writing.
    let floods: Vec<Flood> = (0..2)
        .map(|conn| Flood::start(&server, conn, Arc::clone(&stop)))
        .collect();
    // Wait until both floods are being served, so both workers are busy.
    let waiting_since = Instant::now();
    while !floods
        .iter()
        .all(|f| f.received.load(Ordering::SeqCst) >= FLOOD_BATCH)
    {
        assert!(
            waiting_since.elapsed() < Duration::from_secs(10),
            "the floods were never served"
        );
        std::thread::sleep(Duration::from_millis(1));
    }

    let mut newcomer = connect(&server);
    newcomer
        .get_mut()
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    newcomer
        .get_mut()
        .write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let answer = read_response(&mut newcomer, false);
    stop.store(true, Ordering::SeqCst);

    let answer = answer.expect("the new client was answered while the floods went on");
    assert_eq!((answer.status, answer.text().as_str()), (200, "hello"));
    for flood in floods {
        let received = flood.reader.join().unwrap().unwrap();
        let sent = flood.writer.join().unwrap();
        assert_eq!(received, sent, "every pipelined request was answered");
    }
}

#[test]
fn pipelined_requests_beyond_one_turn_are_all_answered_in_order() {
    let (server, _) = spawn_test_server(|c| c.workers = 2);
    let mut conn = connect(&server);
    let burst: String = (0..500).map(|n| target_request(0, n)).collect();
    conn.get_mut().write_all(burst.as_bytes()).unwrap();
    for n in 0..500 {
        let resp = read_response(&mut conn, false).expect("a response");
        assert_eq!(resp.status, 200);
        assert_eq!(resp.text(), format!("/target?c=0&n={n}"));
    }
}
