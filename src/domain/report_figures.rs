//! The arithmetic of reports, without a database: the median and 90th
//! percentile of durations read from a histogram, the share of SLA promises
//! kept, per-day series with the empty days filled in, the backlog walked
//! forward from its starting count, and the reopen rate.
//!
//! Durations are business time (the SLA clocks' time inside the desk's hours)
//! and arrive as a histogram from the rollup, not one value per ticket: a year
//! of a million tickets is a few thousand buckets. Buckets are 2 % wide (see
//! migration 013); a percentile is the mean of the values in the bucket that
//! holds its rank, so it lies in the same bucket as the exact value: within 2 %
//! of it, and exact when that bucket's values are all equal.

use serde::Serialize;

/// How many, and the median and 90th percentile, of a set of durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DurationStats {
    pub count: i64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// One bucket of a duration histogram: how many values, and their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub count: i64,
    pub sum_ms: i64,
}

/// The nearest-rank percentile `p` (0 < p <= 100) of a histogram whose buckets
/// are in increasing order: the mean of the bucket holding the smallest value
/// with at least p% of the values at or below it. `None` for no values.
pub fn percentile(buckets: &[Bucket], p: i64) -> Option<i64> {
    let n: i64 = buckets.iter().map(|b| b.count.max(0)).sum();
    if n == 0 {
        return None;
    }
    let rank = (n * p + 99).div_euclid(100).clamp(1, n);
    let mut seen = 0;
    for b in buckets.iter().filter(|b| b.count > 0) {
        seen += b.count;
        if seen >= rank {
            return Some((b.sum_ms as f64 / b.count as f64).round() as i64);
        }
    }
    None
}

/// Count, median and 90th percentile of a histogram (buckets in order).
pub fn durations(buckets: &[Bucket]) -> DurationStats {
    DurationStats {
        count: buckets.iter().map(|b| b.count.max(0)).sum(),
        median_ms: percentile(buckets, 50),
        p90_ms: percentile(buckets, 90),
    }
}

/// How one kind of SLA promise went: clocks that stopped in the range, and how
/// many of them within their target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SlaShare {
    pub done: i64,
    pub met: i64,
    /// `met / done`, four decimals; `None` when nothing stopped.
    pub met_share: Option<f64>,
}

impl SlaShare {
    pub fn new(done: i64, met: i64) -> SlaShare {
        SlaShare {
            done,
            met,
            met_share: share(met, done),
        }
    }
}

/// `part / whole` to four decimals; `None` for an empty whole.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Reopens per resolution in the range (0.25 = one reopen for every four
/// resolutions); `None` when nothing was resolved.
pub fn reopen_rate(reopened: i64, resolved: i64) -> Option<f64> {
    share(reopened, resolved)
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

    fn one_each(values: &[i64]) -> Vec<Bucket> {
        values
            .iter()
            .map(|&v| Bucket {
                count: 1,
                sum_ms: v,
            })
            .collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let b = one_each(&[10, 20, 30, 40, 50]);
        assert_eq!(percentile(&b, 50), Some(30));
        assert_eq!(percentile(&b, 90), Some(50));
        // 2 of 4 values are at or below 2: that is the median by nearest rank.
        let b = one_each(&[1, 2, 3, 4]);
        assert_eq!(percentile(&b, 50), Some(2));
        assert_eq!(percentile(&b, 90), Some(4));
        assert_eq!(percentile(&one_each(&[7]), 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn a_bucket_reads_as_the_mean_of_its_values() {
        // Ten values: 3 near 1 s, 6 near 2 s, 1 near 60 s.
        let b = [
            Bucket {
                count: 3,
                sum_ms: 3_030,
            },
            Bucket {
                count: 6,
                sum_ms: 12_060,
            },
            Bucket {
                count: 1,
                sum_ms: 60_000,
            },
        ];
        assert_eq!(
            durations(&b),
            DurationStats {
                count: 10,
                median_ms: Some(2_010),
                p90_ms: Some(2_010)
            }
        );
        assert_eq!(percentile(&b, 100), Some(60_000));
    }

    #[test]
    fn sla_shares_are_met_per_done() {
        assert_eq!(SlaShare::new(3, 2).met_share, Some(0.6667));
        assert_eq!(SlaShare::new(0, 0).met_share, None);
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
