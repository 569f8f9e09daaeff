//! Business-time benchmark: recompute the SLA due time of 100,000 tickets, as the
//! jobs thread must when an admin changes business hours, holidays or targets.
//!
//! Tickets start at instants spread over two months in Europe/Berlin (across the
//! end of DST), with the default Monday-Friday 08:00-17:00 calendar, a holiday
//! season, and each priority's default resolution target (4 hours to 10 days).
//! Prints the total and per-ticket time; the bound is 2 s for all of them, and
//! the process exits 1 if it is missed.
//!
//! Run: `cargo bench --bench business_time` (env `TICKETS=100000`).

use helpdesk::domain::business_time::{add_business_minutes, BusinessCalendar};
use helpdesk::domain::sla_targets::{SlaKind, SlaTargets};
use helpdesk::domain::ticket::Priority;
use helpdesk::domain::zone::{parse_time_zone, plus_ms};
use jiff::Timestamp;
use serde_json::json;
use std::time::Instant;

fn main() {
    let tickets: usize = std::env::var("TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tz = parse_time_zone("Europe/Berlin").unwrap();
    let cal = BusinessCalendar::parse(&json!({"holidays": [
        {"date": "2026-12-24", "name": "Christmas Eve"}, {"date": "2026-12-25", "name": "Christmas Day"},
        {"date": "2026-12-26", "name": "Boxing Day"}, {"date": "2027-01-01", "name": "New Year"}]}))
    .unwrap();
    let targets = SlaTargets::defaults(&cal);
    let start: Timestamp = "2026-10-15T00:00:00Z".parse().unwrap();
    let mut seed = 7u64;
    let inputs: Vec<(Timestamp, i64)> = (0..tickets)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let created = plus_ms(start, ((seed >> 20) % (60 * 86_400_000)) as i64);
            let priority = Priority::ALL[(seed >> 60) as usize % 4];
            (created, targets.minutes(priority, SlaKind::Resolution))
        })
        .collect();
    let t = Instant::now();
    let mut latest = start;
    for (created, minutes) in &inputs {
        latest = latest.max(add_business_minutes(&cal, &tz, *created, *minutes));
    }
    let took = t.elapsed();
    println!(
        "business_time: {tickets} due times in {:.0} ms ({:.2} us each; latest due {latest})",
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e6 / tickets.max(1) as f64
    );
    if took.as_secs_f64() >= 2.0 {
        eprintln!("business_time: over the 2 s bound");
        std::process::exit(1);
    }
}
