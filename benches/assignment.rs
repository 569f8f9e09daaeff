//! Automatic assignment benchmark: one decision among 200 staff who hold 10,000
//! open tickets between them (counts precomputed per person, as the store gives
//! them), at instants spread over a week in Europe/Berlin.
//!
//! The staff are mixed like a real desk: day shifts, split shifts, night shifts
//! across midnight, a few round the clock, some on time off, some Away, some with a
//! cap or a category list, tiers 1 to 3. Prints p50 and p99 of one decision; the
//! issue's bound is p99 under 1 ms, and the process exits 1 if it is missed.
//!
//! Run: `cargo bench --bench assignment` (env `DECISIONS=5000`, `STAFF=200`).

use helpdesk::domain::assignment::choose;
use helpdesk::domain::availability::{StaffSettings, StaffState};
use helpdesk::domain::time_off::TimeOff;
use helpdesk::domain::zone::{parse_time_zone, plus_ms};
use helpdesk::domain::{Tier, UserId};
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

fn main() {
    let (decisions, count) = (env("DECISIONS", 5000), env("STAFF", 200));
    let tz = parse_time_zone("Europe/Berlin").unwrap();
    let start: Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
    let mut rng = Lcg(42);
    let people = staff(count, 10_000, start, &mut rng);
    let mut latencies_us = Vec::with_capacity(decisions);
    let (mut assigned, mut reason_bytes) = (0usize, 0usize);
    for _ in 0..decisions {
        let now = plus_ms(start, rng.next(7 * 86_400_000) as i64);
        let tier = Tier::try_from(1 + rng.next(3) as i64).unwrap();
        let category = Some(1 + rng.next(12) as i64);
        let t = Instant::now();
        let d = choose(tier, category, &people, &tz, now);
        latencies_us.push(t.elapsed().as_secs_f64() * 1e6);
        if t.elapsed().as_micros() > 2000 {
            eprintln!("slow {now} {:?}", t.elapsed());
        }
        assigned += d.chosen.is_some() as usize;
        reason_bytes += d.reason.len();
    }
    latencies_us.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies_us[((latencies_us.len() - 1) as f64 * p) as usize];
    let (p50, p99) = (pct(0.50), pct(0.99));
    println!(
        "assignment: {decisions} decisions among {count} staff holding 10000 open tickets: \
         p50 {p50:.1} us, p99 {p99:.1} us, max {:.1} us ({assigned} assigned, {} waited, \
         {} bytes of reasons on average)",
        latencies_us[latencies_us.len() - 1],
        decisions - assigned,
        reason_bytes / decisions.max(1),
    );
    if p99 >= 1000.0 {
        eprintln!("assignment: p99 {p99:.1} us is over the 1 ms bound");
        std::process::exit(1);
    }
}
