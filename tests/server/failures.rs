//! Failure stays small: a panicking handler costs one 500; a full queue or too
//! many connections answer 503; a graceful shutdown finishes what is in flight.

use crate::support::*;
use crate::{connect, send, spawn_test_server, TestHandler};
use std::io::{BufReader, Write};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Sends `GET /slow` on a new connection and waits until it is held at the
/// gate, so a worker is busy with it.
fn hold_a_slow_request(server: &TestServer, handler: &TestHandler) -> BufReader<Wire> {
    let mut conn = connect(server);
    conn.get_mut()
        .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    handler.gate.wait_for_arrivals(1);
    conn
}

#[test]
fn a_panicking_handler_gets_500_and_the_server_keeps_serving() {
    let (server, _) = spawn_test_server(|c| c.workers = 1);
    let mut client = server.client();
    for _ in 0..3 {
        let resp = client.get("/panic");
        assert_eq!(resp.status, 500);
        assert_eq!(resp.error_code(), "internal");
        // The one worker survived: the next request is served.
        assert_eq!(client.get("/text").text(), "hello");
    }
}

#[test]
fn graceful_shutdown_completes_the_request_in_flight() {
    let (server, handler) = spawn_test_server(|_| {});
    let mut idle = connect(&server);
    assert_eq!(
        send(&mut idle, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n").status,
        200
    );
    let mut in_flight = hold_a_slow_request(&server, &handler);

    server.shutdown.shutdown();
    // The idle keep-alive connection is closed without waiting for the slow one.
    let (_, idle_closed) = read_until_close(idle.get_mut(), Duration::from_secs(5));
    assert!(idle_closed);
    handler.gate.open();

    let resp = read_response(&mut in_flight, false).expect("the in-flight response");
    assert_eq!((resp.status, resp.text().as_str()), (200, "slow done"));
    assert_eq!(resp.header("connection"), Some("close"));
    assert!(
        server.stop_within(Duration::from_secs(10)),
        "run() did not return"
    );
}

#[test]
fn a_request_that_arrives_with_a_slow_one_is_not_kept_waiting_behind_it() {
    // Two workers. Both requests are written back to back, so the worker
    // waiting in epoll usually takes both at once: it serves the slow one
    // itself and queues the other, which the second worker (asleep until
    // the overseer looks) must then serve while the first is held.
    let (server, handler) = spawn_test_server(|c| c.workers = 2);
    let mut slow = server.wire();
    let mut quick = BufReader::new(server.wire());
    slow.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    quick
        .get_mut()
        .write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_response(&mut quick, false));
    });
    let resp = rx.recv_timeout(Duration::from_secs(5));
    handler.gate.open();
    let resp = resp
        .expect("the quick request waited for the slow one")
        .unwrap();
    assert_eq!((resp.status, resp.text().as_str()), (200, "hello"));
}

#[test]
fn once_shutdown_begins_new_clients_are_refused_while_a_request_finishes() {
    let (server, handler) = spawn_test_server(|_| {});
    let mut in_flight = hold_a_slow_request(&server, &handler);
    server.shutdown.shutdown();
    // The server is still running (a request is held), but stopped listening.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let refused = loop {
        // A client connecting just as the socket stops may be reset instead.
        match std::net::TcpStream::connect(server.addr) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break true,
            _ if std::time::Instant::now() > deadline => break false,
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    handler.gate.open();
    assert!(
        refused,
        "a new client could still connect after shutdown began"
    );
    let resp = read_response(&mut in_flight, false).expect("the in-flight response");
    assert_eq!(resp.status, 200);
}

#[test]
fn a_full_queue_answers_503_with_retry_after() {
    let (server, handler) = spawn_test_server(|c| {
        c.workers = 1;
        c.limits.queue_capacity = 1;
    });
    // Connected (over TLS: handshakes done) while the worker is free, so what
    // meets the full queue below is a request, not a handshake.
    let mut busy = server.wire();
    let waiting: Vec<BufReader<Wire>> = (0..2).map(|_| BufReader::new(server.wire())).collect();
    busy.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    handler.gate.wait_for_arrivals(1);

    // The one worker is held at the gate. One of these two waits in the queue;
    // the other finds it full and must be answered 503 at once.
    let (tx, rx) = mpsc::channel();
    for mut s in waiting {
        let tx = tx.clone();
        s.get_mut()
            .write_all(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        std::thread::spawn(move || {
            let _ = tx.send(read_response(&mut s, false));
        });
    }
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();
    assert_eq!(first.status, 503);
    assert_eq!(first.header("retry-after"), Some("1"));
    handler.gate.open();
    let second = rx.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();
    assert_eq!(second.status, 200);
}

#[test]
fn connections_beyond_the_limit_get_503() {
    let (server, _) = spawn_test_server(|c| c.limits.max_connections = 2);
    let mut kept: Vec<_> = (0..2).map(|_| connect(&server)).collect();
    for conn in &mut kept {
        assert_eq!(
            send(conn, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n").status,
            200
        );
    }
    if server.is_tls() {
        // Over TLS the server refuses before any handshake (a plain 503 would
        // be noise to a TLS client, and a handshake is the cost being
        // refused): the client's handshake fails on a closed connection.
        match server.try_wire() {
            Ok(_) => panic!("a handshake beyond the limit succeeded"),
            // Closed at once, not left to time out.
            Err(e) => assert!(is_closed(&e), "{e}"),
        }
    } else {
        let raw = raw_exchange(server.addr, b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(first_status(&raw), 503, "{raw}");
    }
    // The clients within the limit are still served.
    for conn in &mut kept {
        assert_eq!(
            send(conn, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n").status,
            200
        );
    }
}

#[test]
fn sigterm_stops_the_binary_gracefully_with_exit_status_0() {
    use std::process::Command;
    let data_dir = TempDir::new("sigterm");
    let (mut child, addr) = start_binary(&data_dir, None);
    let tls = tls_for_tests();
    let mut client = Client::over(addr, tls.map(|t| Arc::clone(&t.client)));
    assert_eq!(client.get("/healthz").status, 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for _ in 0..200 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the server did not exit within 10 s of SIGTERM");
}

#[test]
fn out_of_file_descriptors_the_server_keeps_serving_and_accepts_again_when_some_close() {
    let data_dir = TempDir::new("nofile");
    // Room for 64 descriptors (about 30 go to the database, epoll, threads and
    // logs), then clients to run it out.
    let (mut child, addr) = start_binary(&data_dir, Some(64));
    let tls = tls_for_tests();
    let mut kept = Client::over(addr, tls.map(|t| Arc::clone(&t.client)));
    assert_eq!(kept.get("/healthz").status, 200);

    // More silent connections than descriptors: the kernel completes them all,
    // the server accepts until it runs out.
    let silent: Vec<std::net::TcpStream> = (0..80)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Out of descriptors, the connection it has is still served.
    assert_eq!(kept.get("/healthz").status, 200);

    // Once they close, it accepts again: a new client is answered.
    drop(silent);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let try_fresh = || -> Option<u16> {
        let tcp = std::net::TcpStream::connect(addr).ok()?;
        tcp.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let mut wire = Wire::over(tcp, tls.map(|t| &t.client)).ok()?;
        wire.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .ok()?;
        read_response(&mut BufReader::new(wire), false).map(|r| r.status)
    };
    let answered = loop {
        if try_fresh() == Some(200) {
            break true;
        }
        if std::time::Instant::now() > deadline {
            break false;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        answered,
        "no new client was served after descriptors were freed"
    );
}

/// Starts the real binary on a free port (over HTTPS when the run is), with
/// at most `max_files` open descriptors if given; returns it and its address.
fn start_binary(
    data_dir: &TempDir,
    max_files: Option<u32>,
) -> (std::process::Child, std::net::SocketAddr) {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut command = match max_files {
        None => Command::new(env!("CARGO_BIN_EXE_helpdesk")),
        Some(n) => {
            let mut sh = Command::new("sh");
            sh.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\"")])
                .arg(env!("CARGO_BIN_EXE_helpdesk"));
            sh
        }
    };
    command
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir.0.join("data"));
    let tls = tls_for_tests();
    if let Some(tls) = tls {
        let (cert, key) = (data_dir.0.join("cert.pem"), data_dir.0.join("key.pem"));
        std::fs::write(&cert, &tls.cert_pem).unwrap();
        std::fs::write(&key, &tls.key_pem).unwrap();
        command
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap();
    let scheme = if tls.is_some() { "https://" } else { "http://" };
    let addr = url
        .strip_prefix(scheme)
        .unwrap_or_else(|| panic!("{url} is not {scheme}"))
        .trim_end_matches('/');
    (child, addr.parse().unwrap())
}
