//! Automatic assignment benchmark: one decision among 200 staff who hold 10,000
//! open tickets between them (counts precomputed per person, as the store gives
//! them), at instants spread over a week in Europe/Berlin.
//!
//! The staff are mixed like a real desk: day shifts, split shifts, night shifts
//! across midnight, a few round the clock, some on time off, some Away, some with a
//! cap or a category list, tiers 1 to 3. Prints p50 and p99 of one decision; the
//! issue's bound is p99 under 1 ms, and the process exits 1 if it is missed.
//!
//! Each decision is timed `REPEAT` times (default 5) and its fastest run counts:
//! the development machine is shared by several compilers, and a decision that
//! was preempted for 10 ms measured the scheduler, not the decision. The single
//! first runs are printed too. A second figure is the whole decision as a request
//! makes it: the staff's state read from SQLite (three queries over 200 staff and
//! 10,000 open tickets) and then the choice.
//!
//! Run: `cargo bench --bench assignment` (env `DECISIONS=5000`, `STAFF=200`, `REPEAT=5`).

use helpdesk::domain::assignment::choose;
use helpdesk::domain::availability::{StaffSettings, StaffState};
use helpdesk::domain::time_off::TimeOff;
use helpdesk::domain::zone::{parse_time_zone, plus_ms};
use helpdesk::domain::{Actor, Name, Tier, UserId};
use helpdesk::store::{schedules, Db, StoreError};
use jiff::Timestamp;
use serde_json::json;
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator, so every run measures the same desk.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn staff(count: usize, open_total: usize, start: Timestamp, rng: &mut Lcg) -> Vec<StaffState> {
    let shapes = [
        json!({"mon": [["08:00","17:00"]], "tue": [["08:00","17:00"]], "wed": [["08:00","17:00"]],
               "thu": [["08:00","17:00"]], "fri": [["08:00","17:00"]]}),
        json!({"mon": [["07:00","11:00"], ["12:00","16:00"]], "wed": [["07:00","11:00"], ["12:00","16:00"]],
               "fri": [["07:00","11:00"], ["12:00","16:00"]], "sat": [["09:00","13:00"]]}),
        json!({"sun": [["22:00","06:00"]], "mon": [["22:00","06:00"]], "tue": [["22:00","06:00"]],
               "wed": [["22:00","06:00"]], "thu": [["22:00","06:00"]]}),
        json!({"mon": [["00:00","24:00"]], "tue": [["00:00","24:00"]], "wed": [["00:00","24:00"]],
               "thu": [["00:00","24:00"]], "fri": [["00:00","24:00"]], "sat": [["00:00","24:00"]],
               "sun": [["00:00","24:00"]]}),
    ];
    let mut people: Vec<StaffState> = (0..count)
        .map(|i| {
            let mut settings = StaffSettings::parse(&json!({"hours": shapes[i % 4]})).unwrap();
            settings.available = rng.next(10) != 0;
            settings.cap = (rng.next(4) == 0).then_some(40 + rng.next(40) as u32);
            if rng.next(3) == 0 {
                settings.categories = (0..3).map(|_| 1 + rng.next(12) as i64).collect();
            }
            let time_off = (0..rng.next(3))
                .map(|_| {
                    let from = plus_ms(start, rng.next(14 * 86_400_000) as i64);
                    TimeOff::new(from, plus_ms(from, 3 * 86_400_000), "Leave").unwrap()
                })
                .collect();
            StaffState {
                id: UserId(i as i64 + 1),
                name: format!("Agent {i}"),
                active: rng.next(50) != 0,
                tier: Tier::try_from(1 + rng.next(3) as i64).unwrap(),
                settings,
                time_off,
                open_tickets: 0,
                last_assigned_at: Some(plus_ms(start, -(rng.next(86_400_000) as i64))),
            }
        })
        .collect();
    for _ in 0..open_total {
        let i = rng.next(count as u64) as usize;
        people[i].open_tickets += 1;
    }
    people
}

/// A fastest-of-`repeat` timing of `f`, in microseconds, and the first run's.
fn time_us<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut best = f64::MAX;
    let mut first = 0.0;
    let mut out = None;
    for i in 0..repeat.max(1) {
        let t = Instant::now();
        let v = f();
        let us = t.elapsed().as_secs_f64() * 1e6;
        if i == 0 {
            first = us;
        }
        best = best.min(us);
        out = Some(v);
    }
    (best, first, out.expect("at least one run"))
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

/// The desk in a fresh database: `people` as staff, their open tickets spread
/// as `people[i].open_tickets` says.
fn database(
    people: &[StaffState],
    now: Timestamp,
) -> Result<(std::path::PathBuf, Db, Actor), StoreError> {
    let dir = std::env::temp_dir().join(format!("helpdesk-bench-assign-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = Db::open(&dir, false)?;
    let ms = now.as_millisecond();
    let actor = db.write(|tx| {
        let name = Name::try_from("Bench IT").map_err(StoreError::Duplicate)?;
        let org = helpdesk::store::orgs::create_org(tx, &name, ms)?;
        let category: i64 =
            tx.query_row("SELECT MIN(id) FROM categories WHERE org_id = ?1", [org.id.0], |r| r.get(0))?;
        let requester = {
            tx.execute(
                "INSERT INTO users (org_id, name, email, role, password_hash, created_at, updated_at)
                 VALUES (?1, 'Rita', 'rita@bench.test', 'requester', 'x', 0, 0)",
                [org.id.0],
            )?;
            tx.last_insert_rowid()
        };
        let mut number = 0;
        for p in people {
            tx.execute(
                "INSERT INTO users (id, org_id, name, email, role, tier, active, password_hash,
                                    created_at, updated_at)
                 VALUES (?1 + 1000, ?2, ?3, ?4, 'agent', ?5, ?6, 'x', 0, 0)",
                rusqlite::params![p.id.0, org.id.0, p.name, format!("a{}@bench.test", p.id.0),
                                  p.tier.get(), p.active],
            )?;
            tx.execute(
                "INSERT INTO staff_schedules (user_id, hours, categories, cap, available, last_assigned_at, updated_at)
                 VALUES (?1 + 1000, ?2, ?3, ?4, ?5, ?6, 0)",
                rusqlite::params![p.id.0, p.settings.hours.to_json().to_string(),
                                  serde_json::Value::from(p.settings.categories.clone()).to_string(),
                                  p.settings.cap, p.settings.available,
                                  p.last_assigned_at.map(|t| t.as_millisecond())],
            )?;
            for t in &p.time_off {
                tx.execute(
                    "INSERT INTO time_off (user_id, starts_at, ends_at, reason, created_at) VALUES (?1 + 1000, ?2, ?3, 'Leave', 0)",
                    rusqlite::params![p.id.0, t.start().as_millisecond(), t.end().as_millisecond()],
                )?;
            }
            for _ in 0..p.open_tickets {
                number += 1;
                tx.execute(
                    "INSERT INTO tickets (org_id, number, category_id, requester_id, assignee_id, title,
                                          description, status, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5 + 1000, 'Bench', 'Bench', 'open', ?6, ?6)",
                    rusqlite::params![org.id.0, number, category, requester, p.id.0, ms],
                )?;
            }
        }
        Ok::<_, StoreError>(Actor::system(org.id, "automatic assignment"))
    })?;
    Ok((dir, db, actor))
}

fn main() {
    let (decisions, count, repeat) = (env("DECISIONS", 5000), env("STAFF", 200), env("REPEAT", 5));
    let tz = parse_time_zone("Europe/Berlin").unwrap();
    let start: Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
    let mut rng = Lcg(42);
    let people = staff(count, 10_000, start, &mut rng);
    let mut best_us = Vec::with_capacity(decisions);
    let mut first_us = Vec::with_capacity(decisions);
    let (mut assigned, mut reason_bytes) = (0usize, 0usize);
    let mut instants = Vec::with_capacity(decisions);
    for _ in 0..decisions {
        let now = plus_ms(start, rng.next(7 * 86_400_000) as i64);
        let tier = Tier::try_from(1 + rng.next(3) as i64).unwrap();
        let category = Some(1 + rng.next(12) as i64);
        instants.push((now, tier, category));
        let (best, first, d) = time_us(repeat, || choose(tier, category, &people, &tz, now));
        best_us.push(best);
        first_us.push(first);
        assigned += d.chosen.is_some() as usize;
        reason_bytes += d.reason.len();
    }
    best_us.sort_by(f64::total_cmp);
    first_us.sort_by(f64::total_cmp);
    let (p50, p99) = (pct(&best_us, 0.50), pct(&best_us, 0.99));
    println!(
        "assignment: {decisions} decisions among {count} staff holding 10000 open tickets: \
         p50 {p50:.1} us, p99 {p99:.1} us, max {:.1} us (fastest of {repeat}; single runs p50 {:.1} us, \
         p99 {:.1} us) ({assigned} assigned, {} waited, {} bytes of reasons on average)",
        best_us[best_us.len() - 1],
        pct(&first_us, 0.50),
        pct(&first_us, 0.99),
        decisions - assigned,
        reason_bytes / decisions.max(1),
    );

    // The same decisions as a request makes them: read the staff from SQLite, then choose.
    let (dir, db, actor) = match database(&people, start) {
        Ok(built) => built,
        Err(e) => {
            eprintln!("assignment: cannot build the bench database: {e}");
            std::process::exit(1);
        }
    };
    let reads = decisions.min(1000);
    let mut with_reads = Vec::with_capacity(reads);
    for (now, tier, category) in instants.iter().take(reads) {
        let (best, _, _) = time_us(repeat, || {
            db.read(|c| {
                let staff = schedules::staff_states(c, &actor, now.as_millisecond())?;
                Ok::<_, StoreError>(choose(*tier, *category, &staff, &tz, *now))
            })
        });
        with_reads.push(best);
    }
    with_reads.sort_by(f64::total_cmp);
    println!(
        "assignment with its SQLite reads: {reads} decisions: p50 {:.1} us, p99 {:.1} us (fastest of {repeat})",
        pct(&with_reads, 0.50),
        pct(&with_reads, 0.99),
    );
    let _ = std::fs::remove_dir_all(dir);
    if p99 >= 1000.0 {
        eprintln!("assignment: p99 {p99:.1} us is over the 1 ms bound");
        std::process::exit(1);
    }
}
