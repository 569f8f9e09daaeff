//! Request counters for `/metrics`: requests by method, route pattern and status
//! class, and one latency histogram over all of them.
//!
//! The label is the router's pattern (`/api/tickets/:number`), never the path,
//! so ticket numbers, ids and names cannot end up in a label and the number of
//! series stays fixed: one per route, plus `static` for the web app's files and
//! `unmatched` for API paths no route knows. The table is built once from the
//! route table; after that recording is a hash lookup and atomic adds, no lock.
//!
//! The latency is the handler's: from the request reaching [`super::App`] to its
//! response being ready. Reading and writing the socket are the server's part
//! (see `server::Stats` for connections and the queue).

use crate::http::Method;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Histogram bucket bounds in seconds (`le`), Prometheus style: each bucket
/// counts requests at or under its bound; `+Inf` is the total.
pub const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The route label for the web app's files.
pub const STATIC: &str = "static";
/// The route label for API paths no route matched.
pub const UNMATCHED: &str = "unmatched";

const METHODS: [Method; 7] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Put,
    Method::Patch,
    Method::Delete,
    Method::Options,
];

/// Status classes, as labels: index 0 is `1xx`.
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The counters.
pub struct Traffic {
    /// Route label -> its methods and their row in `labels`.
    index: HashMap<String, Vec<(Method, usize)>>,
    labels: Vec<(Method, String)>,
    /// `labels.len() * 5` counters: route i, class c at `i * 5 + c`.
    counts: Vec<AtomicU64>,
    /// Requests whose time fell in each bucket alone (above the previous
    /// bound): one atomic add per request, where cumulative counters cost one
    /// per bound, contended between cores. [`Traffic::latency`] sums them.
    buckets: [AtomicU64; BUCKETS.len()],
    total: AtomicU64,
    sum_micros: AtomicU64,
}

/// One series of the request counter.
pub struct RouteCount<'a> {
    pub method: &'static str,
    pub route: &'a str,
    pub class: &'static str,
    pub count: u64,
}

impl Traffic {
    /// Counters for every `(method, pattern)` of the route table, plus `static`
    /// (GET and HEAD) and `unmatched` (any method).
    pub fn new<'a>(routes: impl IntoIterator<Item = (Method, &'a str)>) -> Traffic {
        let mut labels: Vec<(Method, String)> = routes
            .into_iter()
            .map(|(m, p)| (m, p.to_string()))
            .collect();
        for m in [Method::Get, Method::Head] {
            labels.push((m, STATIC.to_string()));
        }
        for m in METHODS {
            labels.push((m, UNMATCHED.to_string()));
        }
        let mut index: HashMap<String, Vec<(Method, usize)>> = HashMap::new();
        for (i, (m, route)) in labels.iter().enumerate() {
            index.entry(route.clone()).or_default().push((*m, i));
        }
        Traffic {
            index,
            counts: (0..labels.len() * CLASSES.len())
                .map(|_| AtomicU64::new(0))
                .collect(),
            labels,
            buckets: Default::default(),
            total: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    /// Counts one answered request. A `(method, route)` outside the table (a
    /// static file asked with POST) counts as `unmatched`.
    pub fn record(&self, method: Method, route: &str, status: u16, took: Duration) {
        let row = |route: &str| {
            self.index
                .get(route)?
                .iter()
                .find(|(m, _)| *m == method)
                .map(|(_, i)| *i)
        };
        let i = row(route).or_else(|| row(UNMATCHED));
        let class = usize::from((status / 100).clamp(1, 5)) - 1;
        if let Some(i) = i {
            self.counts[i * CLASSES.len() + class].fetch_add(1, Ordering::Relaxed);
        }
        let secs = took.as_secs_f64();
        // Above the last bound it counts in `+Inf` (the total) only.
        if let Some(b) = BUCKETS.iter().position(|&le| secs <= le) {
            self.buckets[b].fetch_add(1, Ordering::Relaxed);
        }
        self.total.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Every series with a count above zero, in route-table order.
    pub fn routes(&self) -> Vec<RouteCount<'_>> {
        let mut out = Vec::new();
        for (i, (method, route)) in self.labels.iter().enumerate() {
            for (c, class) in CLASSES.iter().enumerate() {
                let count = self.counts[i * CLASSES.len() + c].load(Ordering::Relaxed);
                if count > 0 {
                    out.push(RouteCount {
                        method: method.as_str(),
                        route,
                        class,
                        count,
                    });
                }
            }
        }
        out
    }

    /// `(le, cumulative count)` per bucket, then the total count and the sum in
    /// seconds.
    pub fn latency(&self) -> (Vec<(f64, u64)>, u64, f64) {
        let mut below = 0;
        let buckets = BUCKETS
            .iter()
            .zip(&self.buckets)
            .map(|(le, b)| {
                below += b.load(Ordering::Relaxed);
                (*le, below)
            })
            .collect();
        (
            buckets,
            self.total.load(Ordering::Relaxed),
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_count_under_their_pattern_and_status_class() {
        let t = Traffic::new([(Method::Get, "/api/tickets/:number")]);
        t.record(
            Method::Get,
            "/api/tickets/:number",
            200,
            Duration::from_micros(300),
        );
        t.record(
            Method::Get,
            "/api/tickets/:number",
            404,
            Duration::from_millis(3),
        );
        t.record(Method::Post, "/nowhere", 405, Duration::from_millis(2));
        let routes: Vec<_> = t
            .routes()
            .into_iter()
            .map(|r| (r.method, r.route.to_string(), r.class, r.count))
            .collect();
        assert_eq!(
            routes,
            vec![
                ("GET", "/api/tickets/:number".to_string(), "2xx", 1),
                ("GET", "/api/tickets/:number".to_string(), "4xx", 1),
                ("POST", UNMATCHED.to_string(), "4xx", 1),
            ]
        );
        let (buckets, total, sum) = t.latency();
        assert_eq!(total, 3);
        assert_eq!(buckets[0], (0.0005, 1));
        assert_eq!(buckets[3], (0.005, 3));
        assert!((sum - 0.0053).abs() < 1e-9);
    }
}
