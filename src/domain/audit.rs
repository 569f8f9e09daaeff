//! The audit log's vocabulary: which actions it records, and the filter an
//! admin reads it with. Parsing the filter here means a bad `action` or an
//! inverted time range is a 422 naming the parameter, never an empty page.

use std::collections::HashMap;

/// Every action the audit log records.
pub const ACTIONS: &[&str] = &[
    "sign_in",
    "sign_in_failed",
    "user_created",
    "password_link_made",
    "user_role_changed",
    "user_tier_changed",
    "user_deactivated",
    "user_reactivated",
    "ticket_deleted",
    "org_renamed",
    "join_code_rotated",
    "token_created",
    "token_revoked",
    "token_used",
    "smtp_changed",
];

/// How long entries are kept unless configured otherwise.
pub const DEFAULT_KEEP_DAYS: u32 = 365;

/// Most rows one page shows; the CSV export takes up to [`EXPORT_MAX`].
pub const PER_PAGE_MAX: i64 = 200;
pub const EXPORT_MAX: i64 = 100_000;

/// An admin's view of the log: every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<&'static str>,
    pub actor_id: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

impl AuditFilter {
    /// Parses query parameters; every problem is returned keyed by parameter.
    pub fn parse(q: &HashMap<String, String>) -> Result<AuditFilter, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut f = AuditFilter {
            page: 1,
            per_page: 50,
            ..AuditFilter::default()
        };
        let get = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
        if let Some(a) = get("action") {
            match ACTIONS.iter().find(|x| **x == a) {
                Some(x) => f.action = Some(x),
                None => problems.push(("action".into(), "Unknown action.".into())),
            }
        }
        let mut int = |k: &str, min: i64, max: i64| -> Option<i64> {
            let raw = get(k)?;
            match raw.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Some(n),
                _ => {
                    problems.push((k.to_string(), format!("Use a number from {min} to {max}.")));
                    None
                }
            }
        };
        f.actor_id = int("actor", 1, i64::MAX);
        f.from = int("from", 0, i64::MAX);
        f.to = int("to", 0, i64::MAX);
        f.page = int("page", 1, 1_000_000).unwrap_or(1);
        f.per_page = int("per_page", 1, PER_PAGE_MAX).unwrap_or(50);
        if let (Some(from), Some(to)) = (f.from, f.to) {
            if from > to {
                problems.push(("to".into(), "The end is before the start.".into()));
            }
        }
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_filter_parses_and_bad_parameters_are_named() {
        let f =
            AuditFilter::parse(&q(&[("action", "sign_in"), ("from", "5"), ("to", "9")])).unwrap();
        assert_eq!(f.action, Some("sign_in"));
        assert_eq!(
            (f.from, f.to, f.page, f.per_page),
            (Some(5), Some(9), 1, 50)
        );
        let bad = AuditFilter::parse(&q(&[
            ("action", "drop"),
            ("from", "9"),
            ("to", "5"),
            ("per_page", "0"),
        ]))
        .unwrap_err();
        let keys: Vec<&str> = bad.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["action", "per_page", "to"]);
    }
}
