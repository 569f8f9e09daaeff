//! The arithmetic of reports, without a database: durations and their median and
//! 90th percentile, per-day series with the empty days filled in, the backlog
//! walked forward from its starting count, and the reopen rate.
//!
//! Durations are measured by an [`Elapsed`]: [`WallClock`] today. Issue 13's
//! business-time calendar will be a second `Elapsed` (time inside the desk's
//! hours only), and the figures switch by passing it instead; the store already
//! hands over `(created_at, at)` pairs rather than differences for that reason.

use serde::Serialize;

/// How long something took between two Unix millisecond times.
pub trait Elapsed {
    /// The name reports show for this way of counting (`wall_clock`).
    fn basis(&self) -> &'static str;
    fn between(&self, from_ms: i64, to_ms: i64) -> i64;
}

/// Every hour counts, nights and weekends too.
pub struct WallClock;

impl Elapsed for WallClock {
    fn basis(&self) -> &'static str {
        "wall_clock"
    }

    fn between(&self, from_ms: i64, to_ms: i64) -> i64 {
        (to_ms - from_ms).max(0)
    }
}

/// How many, and the median and 90th percentile, of a set of durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DurationStats {
    pub count: usize,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// The nearest-rank percentile `p` (0 < p <= 100) of `values`: the smallest value
/// with at least p% of the values at or below it. `None` for no values. Reorders
/// `values` (a selection, not a full sort: linear time on a year of tickets).
pub fn percentile(values: &mut [i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len();
    let rank = (n * p as usize).div_ceil(100).clamp(1, n);
    Some(*values.select_nth_unstable(rank - 1).1)
}

/// Durations of `(start, end)` pairs measured by `clock`, summarised.
pub fn durations(pairs: &[(i64, i64)], clock: &dyn Elapsed) -> DurationStats {
    let mut values: Vec<i64> = pairs.iter().map(|&(a, b)| clock.between(a, b)).collect();
    DurationStats {
        count: values.len(),
        median_ms: percentile(&mut values, 50),
        p90_ms: percentile(&mut values, 90),
    }
}

/// Reopens per resolution in the range (0.25 = one reopen for every four
/// resolutions); `None` when nothing was resolved.
pub fn reopen_rate(reopened: i64, resolved: i64) -> Option<f64> {
    (resolved > 0).then(|| (reopened as f64 / resolved as f64 * 10_000.0).round() / 10_000.0)
}

/// A per-day series over `first..=last`: `counts` are `(day, value)` for the days
/// that had any, in any order; the other days are 0.
pub fn fill_days(first: i64, last: i64, counts: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = (first..=last).map(|d| (d, 0)).collect();
    for &(day, n) in counts {
        if (first..=last).contains(&day) {
            out[(day - first) as usize].1 += n;
        }
    }
    out
}

/// The backlog (tickets neither resolved nor closed) at the end of each day:
/// `start` at the beginning of `first`, plus each day's created tickets and its
/// backlog changes (resolves and closes count -1, reopens +1).
pub fn backlog(
    first: i64,
    last: i64,
    start: i64,
    created: &[(i64, i64)],
    changes: &[(i64, i64)],
) -> Vec<(i64, i64)> {
    let created = fill_days(first, last, created);
    let changes = fill_days(first, last, changes);
    let mut level = start;
    created
        .iter()
        .zip(&changes)
        .map(|(&(day, c), &(_, d))| {
            level += c + d;
            (day, level)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut v = vec![50, 10, 40, 20, 30];
        assert_eq!(percentile(&mut v, 50), Some(30));
        assert_eq!(percentile(&mut v, 90), Some(50));
        let mut v = vec![4, 1, 3, 2];
        // 2 of 4 values are at or below 2: that is the median by nearest rank.
        assert_eq!(percentile(&mut v, 50), Some(2));
        assert_eq!(percentile(&mut v, 90), Some(4));
        assert_eq!(percentile(&mut [7], 90), Some(7));
        assert_eq!(percentile(&mut [], 50), None);
    }

    #[test]
    fn wall_clock_durations_count_every_hour_and_never_go_negative() {
        let stats = durations(&[(0, 60), (100, 130), (0, 10)], &WallClock);
        assert_eq!(
            stats,
            DurationStats {
                count: 3,
                median_ms: Some(30),
                p90_ms: Some(60)
            }
        );
        assert_eq!(WallClock.between(10, 5), 0);
    }

    #[test]
    fn the_backlog_walks_forward_from_its_start() {
        // Day 10: 2 created, 1 resolved; day 11 nothing; day 12: 1 reopened.
        let series = backlog(10, 12, 5, &[(10, 2)], &[(10, -1), (12, 1)]);
        assert_eq!(series, vec![(10, 6), (11, 6), (12, 7)]);
    }

    #[test]
    fn series_fill_empty_days_and_ignore_days_outside() {
        assert_eq!(
            fill_days(1, 3, &[(3, 2), (0, 9), (1, 1)]),
            vec![(1, 1), (2, 0), (3, 2)]
        );
    }

    #[test]
    fn the_reopen_rate_is_reopens_per_resolution() {
        assert_eq!(reopen_rate(1, 4), Some(0.25));
        assert_eq!(reopen_rate(0, 0), None);
    }
}
