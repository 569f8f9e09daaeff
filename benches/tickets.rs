//! Ticket API benchmark through the real server: an organization with 100,000
//! tickets (seed-demo), signed in as an agent, N keep-alive client threads.
//!
//! Measures the list's first page, a filtered page, one ticket with its
//! conversation, and ticket creation; prints requests/s, p50 and p99. Creation is
//! measured with `synchronous=FULL` (an fsync per commit, the default) and NORMAL.
//!
//! Run: `cargo bench --bench tickets` (env `TICKETS=100000`, `CLIENTS=4`, `SECS=3`).

mod support;

use helpdesk::store::{demo, now_ms, Db, StoreError};
use std::net::SocketAddr;
use std::time::Instant;
use support::{env, measure, serve, Conn};

fn list_first_page(c: &mut Conn, _: u64) -> u16 {
    c.send("GET", "/api/tickets", "").0
}

fn list_filtered(c: &mut Conn, _: u64) -> u16 {
    c.send(
        "GET",
        "/api/tickets?status=open&priority=high&sort=created",
        "",
    )
    .0
}

fn ticket_with_conversation(c: &mut Conn, i: u64) -> u16 {
    let seeded = SEEDED.load(std::sync::atomic::Ordering::Relaxed).max(1);
    let n = (i.wrapping_mul(2_654_435_761) % seeded) + 1;
    let a = c.send("GET", &format!("/api/tickets/{n}"), "").0;
    let b = c.send("GET", &format!("/api/tickets/{n}/comments"), "").0;
    a.max(b)
}

fn create(c: &mut Conn, i: u64) -> u16 {
    let body = format!(
        r#"{{"category_id": {}, "title": "Bench ticket {i}", "description": "Printer offline again", "answers": {{}}}}"#,
        CATEGORY.with(|c| c.get())
    );
    c.send("POST", "/api/tickets", &body).0
}

thread_local! {
    static CATEGORY: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}
static OTHER_CATEGORY: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
/// How many tickets were seeded, so reads pick numbers that exist.
static SEEDED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn create_wrapped(c: &mut Conn, i: u64) -> u16 {
    CATEGORY.with(|cell| cell.set(OTHER_CATEGORY.load(std::sync::atomic::Ordering::Relaxed)));
    create(c, i)
}

fn sign_in(addr: SocketAddr) -> String {
    support::sign_in_as(addr, "agent1@demo.test")
}

fn main() {
    let tickets = env("TICKETS", 100_000);
    let clients = env("CLIENTS", 4);
    let secs = env("SECS", 3) as u64;
    let dir = std::env::temp_dir().join(format!("helpdesk-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = Db::open(&dir, false).expect("db");
    let password = helpdesk::domain::Password::try_from(demo::PASSWORD).expect("password");
    let phc = helpdesk::auth::password::hash(&password).expect("hash");
    let t = Instant::now();
    let summary = db
        .write(|tx| demo::seed(tx, tickets, &phc, now_ms()))
        .map_err(|e: StoreError| e)
        .expect("seed");
    println!(
        "seeded {} tickets in {:.1}s; {clients} keep-alive clients, {secs}s per scenario, {} cores",
        summary.tickets,
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let other: i64 = db
        .read(|c| {
            Ok::<_, StoreError>(c.query_row(
                "SELECT id FROM categories WHERE org_id = ?1 AND name = 'Other'",
                [summary.org_id],
                |r| r.get(0),
            )?)
        })
        .expect("category");
    OTHER_CATEGORY.store(other, std::sync::atomic::Ordering::Relaxed);
    SEEDED.store(tickets as u64, std::sync::atomic::Ordering::Relaxed);

    for sync_full in [true, false] {
        let mode = if sync_full { "FULL" } else { "NORMAL" };
        let (addr, handle, thread) = serve(&dir, sync_full);
        let cookie = sign_in(addr);
        println!("-- synchronous={mode}");
        if sync_full {
            measure(
                "list, first page",
                addr,
                &cookie,
                clients,
                secs,
                list_first_page,
            );
            measure(
                "list, open+high sorted by created",
                addr,
                &cookie,
                clients,
                secs,
                list_filtered,
            );
            measure(
                "ticket + its conversation (2 req)",
                addr,
                &cookie,
                clients,
                secs,
                ticket_with_conversation,
            );
        }
        measure(
            "create ticket",
            addr,
            &cookie,
            clients,
            secs,
            create_wrapped,
        );
        handle.shutdown();
        thread.join().ok();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
