//! Reports benchmark through the real server: the dashboard's summary for a year
//! of 1,000,000 tickets (issue 17: p99 under 200 ms), and the daily backlog series
//! and a 30-day summary beside it. One client, requests one after another, as a
//! manager opening the dashboard would; signed in as the demo admin (who sees
//! every agent's row, the widest answer).
//!
//! Run: `cargo bench --bench reports`. Seeding a million tickets takes minutes, so
//! build the data once and reuse it:
//!
//! ```text
//! cargo run --release -- seed-demo --tickets 1000000 --days 365 --data-dir /tmp/reports-1m
//! DATA_DIR=/tmp/reports-1m cargo bench --bench reports
//! ```
//!
//! Without `DATA_DIR` it seeds `TICKETS` (default 1,000,000) over 365 days into a
//! temporary folder first. `RUNS` (default 40) requests per scenario.
//!
//! Opening an older database migrates it and builds the reports' rollup once
//! (the time is printed). `SLA_BACKFILL=1` then gives tickets without SLA
//! clocks their clocks (as seed-demo does), so a database seeded before SLAs
//! existed has durations to summarise.

mod support;

use helpdesk::domain::calendar::{day_of, format_date};
use helpdesk::store::{demo, now_ms, Db, StoreError};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use support::{env, serve, sign_in_as, Conn};

fn measure(name: &str, conn: &mut Conn, path: &str, runs: usize) {
    // The first answer warms SQLite's page cache; it is reported, not counted.
    let t = Instant::now();
    let (status, _, body) = conn.send("GET", path, "");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    let cold = t.elapsed();
    let mut lat: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let (status, _, _) = conn.send("GET", path, "");
            assert_eq!(status, 200);
            t.elapsed()
        })
        .collect();
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |p: f64| ms(lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1]);
    println!(
        "{name:<44} first {:>7.1} ms   p50 {:>7.1} ms   p99 {:>7.1} ms   max {:>7.1} ms  ({runs} runs)",
        ms(cold),
        pct(0.50),
        pct(0.99),
        ms(lat[lat.len() - 1]),
    );
}

fn main() {
    let runs = env("RUNS", 40);
    let dir = match std::env::var("DATA_DIR") {
        Ok(d) => PathBuf::from(d),
        Err(_) => {
            let tickets = env("TICKETS", 1_000_000);
            let dir = std::env::temp_dir().join(format!("helpdesk-reports-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let db = Db::open(&dir, false).expect("db");
            let password = helpdesk::domain::Password::try_from(demo::PASSWORD).expect("password");
            let phc = helpdesk::auth::password::hash(&password).expect("hash");
            let t = Instant::now();
            db.write(|tx| demo::seed_over(tx, tickets, 365, &phc, now_ms()))
                .map_err(|e: StoreError| e)
                .expect("seed");
            println!(
                "seeded {tickets} tickets over 365 days in {:.0} s",
                t.elapsed().as_secs_f64()
            );
            dir
        }
    };
    let t = Instant::now();
    let db = Db::open(&dir, false).expect("open and migrate");
    println!(
        "opened (migrations and rollup sync) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    if std::env::var("SLA_BACKFILL").is_ok_and(|v| v == "1") {
        let t = Instant::now();
        let n = db
            .write(|tx| -> Result<usize, StoreError> {
                let orgs: Vec<i64> = tx
                    .prepare("SELECT id FROM organizations")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                let mut n = 0;
                for org in orgs {
                    n += helpdesk::store::sla_clocks::backfill(
                        tx,
                        helpdesk::domain::OrgId(org),
                        now_ms(),
                    )?;
                }
                Ok(n)
            })
            .expect("SLA backfill");
        println!(
            "gave {n} tickets SLA clocks in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    drop(db);
    let (addr, handle, thread) = serve(&dir, false);
    let mut conn = Conn::new(addr, &sign_in_as(addr, "admin@demo.test"));

    let count: i64 = Db::open(&dir, false)
        .expect("db")
        .read(|c| {
            Ok::<_, StoreError>(c.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))?)
        })
        .expect("count");
    let today = day_of(now_ms());
    let year = format!(
        "from={}&to={}",
        format_date(today - 364),
        format_date(today)
    );
    let month = format!("from={}&to={}", format_date(today - 29), format_date(today));
    println!(
        "{count} tickets; {} cores; one client, {runs} requests per scenario after one warm-up",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    measure(
        "summary, last 365 days",
        &mut conn,
        &format!("/api/reports/summary?{year}"),
        runs,
    );
    measure(
        "summary, last 365 days, priority=high",
        &mut conn,
        &format!("/api/reports/summary?{year}&priority=high"),
        runs,
    );
    let (agent, category): (i64, i64) = Db::open(&dir, false)
        .expect("db")
        .read(|c| {
            Ok::<_, StoreError>(c.query_row(
                "SELECT assignee_id, category_id FROM tickets WHERE assignee_id IS NOT NULL
                 LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .expect("an assigned ticket");
    measure(
        "summary, 365 days, agent+category+priority",
        &mut conn,
        &format!("/api/reports/summary?{year}&agent={agent}&category={category}&priority=normal"),
        runs,
    );
    measure(
        "summary, last 30 days",
        &mut conn,
        &format!("/api/reports/summary?{month}"),
        runs,
    );
    measure(
        "series backlog, last 365 days",
        &mut conn,
        &format!("/api/reports/series?metric=backlog&{year}"),
        runs,
    );
    handle.shutdown();
    thread.join().expect("server thread");
}
