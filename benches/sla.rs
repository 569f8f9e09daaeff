//! SLA and queue benchmarks on real SQLite files: the recompute through the
//! store, the queue through the real server.
//!
//! 1. **Recompute after a target change**: seed-demo with `TICKETS` (100,000)
//!    tickets, all made open with running clocks, then time one admin target
//!    change: `sla_settings::set_targets` reads every open ticket, settles and
//!    retargets both clocks and writes them back with their indexed instants, in
//!    one `BEGIN IMMEDIATE` transaction including the commit. Bound: 2 s.
//!    The urgent and normal targets change (alternating between two sets, so a
//!    kept database moves the same tickets every run); low and high stay, and
//!    their tickets are read but not written. Prints the thread's time on a
//!    CPU and waiting for one beside the wall time: on a shared machine the
//!    wall clock also counts other processes' turns. `RECOMPUTE_DIR` keeps the
//!    seeded database for the next run.
//! 2. **The queue** (`GET /api/tickets` through the real server, signed in as
//!    an agent, `CLIENTS` (2) keep-alive clients, `SECS` (3) seconds each): on
//!    the database in `QUEUE_DIR` (fill it once with `cargo run --release --
//!    seed-demo --tickets 1000000 --data-dir DIR`), every tab, SLA filter and
//!    sort of the queue that reads many rows, and the queue's own search `q`;
//!    prints p50 and p99. Bounds: p99 10 ms (issue 13), 20 ms with `q` (issue
//!    14). Skipped when `QUEUE_DIR` is not set.
//!
//! The process exits 1 when a bound is missed.
//! Run: `cargo bench --bench sla` (env `TICKETS`, `RECOMPUTE_DIR`, `QUEUE_DIR`,
//! `CLIENTS`, `SECS`).

use helpdesk::domain::sla_targets::SlaTargets;
use helpdesk::domain::ticket::Priority;
use helpdesk::domain::{Actor, OrgId, Role, UserId};
use helpdesk::store::{demo, now_ms, sla_clocks, sla_settings, Db, StoreError};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{env, measure, serve, sign_in_as, Conn};

mod support;

/// This thread's time on a CPU so far and its time waiting for one (runnable
/// but not running), from the kernel's scheduler statistics: on a shared
/// machine the wall clock also counts other processes' turns.
fn cpu_time() -> Option<(Duration, Duration)> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    let (on, waiting) = (fields.next()??, fields.next()??);
    Some((Duration::from_nanos(on), Duration::from_nanos(waiting)))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().next().unwrap_or("?").to_string())
        .unwrap_or_else(|_| "?".into())
}

fn recompute(tickets: usize) -> bool {
    // RECOMPUTE_DIR keeps the seeded database for the next run (seeding takes
    // minutes; the recompute is the same work every time).
    let kept = std::env::var("RECOMPUTE_DIR").ok();
    let dir = kept
        .clone()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("helpdesk-bench-sla-{}", std::process::id()))
        });
    let db = Db::open(&dir, false).expect("open");
    let now = now_ms();
    let seeded: Option<i64> = db
        .read(|c| {
            c.query_row(
                "SELECT MAX(o.id) FROM organizations o WHERE o.name = ?1
                 AND (SELECT COUNT(*) FROM tickets t WHERE t.org_id = o.id) = ?2",
                rusqlite::params![demo::ORG_NAME, tickets as i64],
                |r| r.get(0),
            )
            .map_err(StoreError::from)
        })
        .expect("look for a kept database");
    let org_id = match seeded {
        Some(org) => org,
        None => seed(&db, tickets, now),
    };
    let admin = Actor::person(UserId(0), OrgId(org_id), Role::Admin, None);
    // Urgent and normal targets change (a kept database gets the other of two
    // sets each run, so every run moves the same tickets); low and high stay.
    let current = db
        .read(|c| sla_settings::get(c, OrgId(org_id)))
        .expect("settings");
    let urgent = if current.targets.target(Priority::Urgent).first_response == 30 {
        json!({"first_response": 45, "resolution": 300})
    } else {
        json!({"first_response": 30, "resolution": 180})
    };
    let targets = SlaTargets::parse(
        &current.targets,
        &json!({"urgent": urgent, "normal": {"first_response": urgent["resolution"]}}),
    )
    .expect("targets");
    let (t, cpu) = (Instant::now(), cpu_time());
    let n = db
        .write(|tx| sla_settings::set_targets(tx, &admin, &targets, None, now_ms()))
        .expect("recompute");
    let took = t.elapsed();
    let cpu = cpu
        .zip(cpu_time())
        .map(|((a, aw), (b, bw))| (b - a, bw - aw));
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    println!(
        "recompute due times after a target change: {n} open tickets in {:.0} ms ({:.1} µs each; on CPU {} ms, waiting for a CPU {} ms; load average {})  bound 2000 ms",
        took.as_secs_f64() * 1000.0,
        took.as_secs_f64() * 1e6 / n.max(1) as f64,
        cpu.map_or("?".into(), |c| ms(c.0)),
        cpu.map_or("?".into(), |c| ms(c.1)),
        load_average(),
    );
    n == tickets && took < Duration::from_secs(2)
}

/// Seeds `tickets` demo tickets, all open with running clocks; the org's id.
fn seed(db: &Db, tickets: usize, now: i64) -> i64 {
    let t = Instant::now();
    let summary = db
        .write(|tx| {
            let s = demo::seed(
                tx,
                tickets,
                "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                now,
            )?;
            // Every ticket open, with clocks running since it was created.
            tx.execute(
                "UPDATE tickets SET status = 'open', sla_first = NULL, sla_resolution = NULL,
                        sla_fired = 0 WHERE org_id = ?1",
                [s.org_id],
            )?;
            sla_clocks::backfill(tx, OrgId(s.org_id), now)?;
            Ok::<_, StoreError>(s)
        })
        .expect("seed");
    println!(
        "seeded {tickets} open tickets in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    summary.org_id
}

/// The queue scenarios: what a tab, filter or sort sends, and the p99 bound.
const QUEUE: &[(&str, &str, f64)] = &[
    (
        "open, due first",
        "status=new,open,in_progress,on_hold&sort=due&dir=asc",
        10.0,
    ),
    ("all, due first", "sort=due&dir=asc", 10.0),
    (
        "open, due last first",
        "status=new,open,in_progress,on_hold&sort=due&dir=desc",
        10.0,
    ),
    (
        "open, due first, page 40",
        "status=new,open,in_progress,on_hold&sort=due&dir=asc&page=40",
        10.0,
    ),
    (
        "mine, open, due first",
        "status=new,open,in_progress,on_hold&assignee=me&sort=due&dir=asc",
        10.0,
    ),
    (
        "unassigned, open, due first",
        "status=new,open,in_progress,on_hold&assignee=none&sort=due&dir=asc",
        10.0,
    ),
    ("breached, due first", "sla=breached&sort=due&dir=asc", 10.0),
    ("at risk, due first", "sla=at_risk&sort=due&dir=asc", 10.0),
    (
        "open, priority low first",
        "status=new,open,in_progress,on_hold&sort=priority&dir=asc",
        10.0,
    ),
    (
        "open, updated (the default)",
        "status=new,open,in_progress,on_hold",
        10.0,
    ),
    ("q=printer", "q=printer", 20.0),
    (
        "q=printer, open, due first",
        "q=printer&status=new,open,in_progress,on_hold&sort=due&dir=asc",
        20.0,
    ),
];

/// The index of the scenario each client thread runs (`measure` takes a plain fn).
static SCENARIO: AtomicUsize = AtomicUsize::new(0);

fn queue_page(c: &mut Conn, _i: u64) -> u16 {
    let (_, query, _) = QUEUE[SCENARIO.load(Ordering::Relaxed)];
    c.send("GET", &format!("/api/tickets?{query}"), "").0
}

/// `GET /api/tickets` through the real server, signed in as an agent, `clients`
/// keep-alive clients, `secs` seconds per scenario.
fn queue(dir: &str, clients: usize, secs: u64) -> bool {
    let dir = std::path::Path::new(dir);
    let tickets: i64 = Db::open(dir, false)
        .expect("open")
        .read(|c| {
            c.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
                .map_err(StoreError::from)
        })
        .expect("a seed-demo database");
    let (addr, handle, thread) = serve(dir, false);
    let agent = sign_in_as(addr, "agent1@demo.test");
    println!(
        "queue, {tickets} tickets, agent, {clients} keep-alive clients, {secs} s each (load average {}):",
        load_average()
    );
    let mut ok = true;
    for (i, (name, query, bound)) in QUEUE.iter().enumerate() {
        let (status, _, body) =
            Conn::new(addr, &agent).send("GET", &format!("/api/tickets?{query}"), "");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        println!(
            "  {name}: {status}, {} rows, total {}{}",
            v["tickets"].as_array().map_or(0, Vec::len),
            v["total"],
            if v["total_capped"] == true { "+" } else { "" }
        );
        SCENARIO.store(i, Ordering::Relaxed);
        let p99 = measure(
            &format!("  {name}"),
            addr,
            &agent,
            clients,
            secs,
            queue_page,
        );
        println!("    bound p99 {bound} ms");
        ok &= p99 < *bound;
    }
    handle.shutdown();
    thread.join().ok();
    ok
}

fn main() {
    let mut ok = recompute(env("TICKETS", 100_000));
    match std::env::var("QUEUE_DIR") {
        Ok(dir) => ok &= queue(&dir, env("CLIENTS", 2), env("SECS", 3) as u64),
        Err(_) => {
            println!("queue at 1,000,000 tickets: skipped (set QUEUE_DIR to a seed-demo data dir)")
        }
    }
    if !ok {
        std::process::exit(1);
    }
}
