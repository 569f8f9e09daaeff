//! The install story's moving parts: `helpdesk healthcheck` (the container's
//! HEALTHCHECK) and a first run whose setup link is not buried by the access log.

use crate::support::{Client, TempDir};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary on a free port; returns it, its address, and the stdout
/// lines up to and including the setup link's closing line.
fn start(data_dir: &TempDir) -> (Running, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir.0)
        .env_remove("RUST_LOG")
        .env_remove("HELPDESK_ACCESS_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.contains("keep it private");
        lines.push(line);
        if done {
            break;
        }
    }
    let url = lines[0].trim().rsplit(' ').next().unwrap().to_string();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (Running(child), addr, lines)
}

#[test]
fn healthcheck_exits_0_for_a_live_server_and_1_for_none() {
    let dir = TempDir::new("healthcheck");
    let (_server, addr, _) = start(&dir);
    let ok = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["healthcheck", "--addr", &addr])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    // Nothing listens on port 1 of loopback.
    let down = Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .args(["healthcheck", "--addr", "127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(1));
}

#[test]
fn the_setup_link_comes_last_and_requests_do_not_log_by_default() {
    let dir = TempDir::new("firstrun");
    let (mut server, addr, lines) = start(&dir);
    let link = lines
        .iter()
        .find(|l| l.contains("/setup?token="))
        .expect("the setup link is printed");
    assert!(link.contains(&addr), "{link}");
    for _ in 0..3 {
        assert_eq!(
            Client::new(addr.parse().unwrap()).get("/healthz").status,
            200
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = server.0.kill();
    let _ = server.0.wait();
    let mut log = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        !log.contains("GET /healthz"),
        "the access log is quiet unless asked for:\n{log}"
    );
}
