//! What a report asks for: a range of whole local days (the organization's
//! calendar, see `domain::zone::local_day`) and the filters (category,
//! agent, priority), parsed from the query string the dashboard keeps in its URL
//! (`?from=2026-11-01&to=2026-11-30&category=3&agent=me&priority=high`).
//!
//! Parsing is strict, unlike the ticket list's: a report with a typo in a filter
//! would quietly show the whole desk's figures under the filter's name, so an
//! unknown parameter, a range wider than [`MAX_DAYS`], or a bad value is a
//! `(parameter, message)` problem the API answers with 422.
//!
//! "Today" is an argument: the default range is the 30 days ending today.

use super::calendar::{format_date, parse_date};
use super::ticket::Priority;

/// The widest range a report covers: two years (one of them a leap year).
pub const MAX_DAYS: i64 = 731;
/// The range when none is given: the last 30 days, today included.
pub const DEFAULT_DAYS: i64 = 30;

/// Whose tickets (by current assignee).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentFilter {
    Me,
    User(i64),
}

/// An inclusive range of local day numbers (days since 1970-01-01 on the
/// organization's calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub first: i64,
    pub last: i64,
}

impl DayRange {
    pub fn days(&self) -> i64 {
        self.last - self.first + 1
    }

    /// Every day of the range, in order.
    pub fn each(&self) -> impl Iterator<Item = i64> {
        self.first..=self.last
    }

    pub fn from_date(&self) -> String {
        format_date(self.first)
    }

    pub fn to_date(&self) -> String {
        format_date(self.last)
    }
}

/// A parsed report query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    pub range: DayRange,
    pub category: Option<i64>,
    pub agent: Option<AgentFilter>,
    pub priority: Option<Priority>,
    /// The endpoint's own parameters (`metric`, `by`), as given.
    pub extra: Vec<(String, String)>,
}

/// A problem with one parameter: `(name, message)`.
pub type Problem = (String, String);

impl ReportQuery {
    /// Parses decoded query pairs. `extra` names the endpoint's own parameters,
    /// which are collected as given; any other name is refused.
    pub fn parse(
        pairs: &[(String, String)],
        extra: &[&str],
        today: i64,
    ) -> Result<ReportQuery, Vec<Problem>> {
        let mut problems: Vec<Problem> = Vec::new();
        let mut from = None;
        let mut to = None;
        let mut q = ReportQuery {
            range: DayRange {
                first: today,
                last: today,
            },
            category: None,
            agent: None,
            priority: None,
            extra: Vec::new(),
        };
        for (key, value) in pairs {
            let value = value.trim();
            let mut fail = |m: String| problems.push((key.clone(), m));
            match key.as_str() {
                "from" | "to" if value.is_empty() => {}
                "from" => parse_date(value).map_or_else(fail, |d| from = Some(d)),
                "to" => parse_date(value).map_or_else(fail, |d| to = Some(d)),
                "category" | "agent" | "priority" if value.is_empty() => {}
                "category" => id(value).map_or_else(fail, |c| q.category = Some(c)),
                "agent" if value == "me" => q.agent = Some(AgentFilter::Me),
                "agent" => id(value).map_or_else(fail, |a| q.agent = Some(AgentFilter::User(a))),
                "priority" => Priority::try_from(value).map_or_else(
                    |_| fail("Use low, normal, high or urgent.".into()),
                    |p| q.priority = Some(p),
                ),
                k if extra.contains(&k) => q.extra.push((key.clone(), value.to_string())),
                _ => fail("Reports do not know this parameter.".into()),
            }
        }
        let last = to.unwrap_or(today);
        let first = from.unwrap_or(last - (DEFAULT_DAYS - 1));
        if first > last {
            problems.push(("from".into(), "The range starts after it ends.".into()));
        } else if last - first + 1 > MAX_DAYS {
            problems.push((
                "to".into(),
                format!("A report covers at most {MAX_DAYS} days (two years)."),
            ));
        }
        q.range = DayRange { first, last };
        if problems.is_empty() {
            Ok(q)
        } else {
            Err(problems)
        }
    }

    /// The value of the endpoint's own parameter `name`, if given.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn id(v: &str) -> Result<i64, String> {
    v.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "Use a positive whole number.".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: i64 = 20_000;

    fn parse(pairs: &[(&str, &str)]) -> Result<ReportQuery, Vec<Problem>> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ReportQuery::parse(&pairs, &["metric"], TODAY)
    }

    fn names(problems: Vec<Problem>) -> Vec<String> {
        problems.into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn no_parameters_mean_the_last_thirty_days_of_the_whole_desk() {
        let q = parse(&[]).unwrap();
        assert_eq!(q.range.last, TODAY);
        assert_eq!(q.range.days(), 30);
        assert_eq!((q.category, q.agent, q.priority), (None, None, None));
    }

    #[test]
    fn filters_and_the_endpoints_own_parameters_are_read() {
        let q = parse(&[
            ("from", "2024-01-01"),
            ("to", "2024-01-31"),
            ("category", "3"),
            ("agent", "me"),
            ("priority", "high"),
            ("metric", "created"),
        ])
        .unwrap();
        assert_eq!(q.range.from_date(), "2024-01-01");
        assert_eq!(q.range.days(), 31);
        assert_eq!(q.category, Some(3));
        assert_eq!(q.agent, Some(AgentFilter::Me));
        assert_eq!(q.priority, Some(Priority::High));
        assert_eq!(q.extra("metric"), Some("created"));
    }

    #[test]
    fn a_range_wider_than_two_years_names_to() {
        assert!(parse(&[("from", "2022-01-01"), ("to", "2023-12-31")]).is_ok());
        let err = parse(&[("from", "2022-01-01"), ("to", "2024-01-02")]).unwrap_err();
        assert_eq!(names(err), ["to"]);
    }

    #[test]
    fn unknown_parameters_and_bad_values_are_each_named() {
        let err = parse(&[
            ("colour", "red"),
            ("priority", "whenever"),
            ("category", "-1"),
            ("from", "yesterday"),
        ])
        .unwrap_err();
        assert_eq!(names(err), ["colour", "priority", "category", "from"]);
        let err = parse(&[("from", "2024-02-01"), ("to", "2024-01-01")]).unwrap_err();
        assert_eq!(names(err), ["from"]);
    }
}
