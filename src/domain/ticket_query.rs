//! The ticket list's query string, parsed: filters, sort and page
//! (`GET /api/tickets?status=open,on_hold&assignee=me&sort=created&dir=asc&page=2`).
//! Unknown parameters are ignored; bad values are reported per parameter.

use super::ticket::{Priority, Status};

pub const DEFAULT_PER_PAGE: i64 = 25;
pub const MAX_PER_PAGE: i64 = 100;

/// Whose tickets: a person, the viewer, or nobody's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    User(i64),
    Me,
    Nobody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Updated,
    Created,
    Priority,
    Number,
    /// The earliest SLA due time; tickets without one come last either way.
    Due,
}

/// Tickets by SLA state (`sla=breached` or `sla=at_risk`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaFilter {
    /// A running clock past its due time, or a breach already recorded.
    Breached,
    /// A running clock at 80 % or more, none past due.
    AtRisk,
}

/// A parsed list query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub category: Option<i64>,
    pub assignee: Option<AssigneeFilter>,
    pub requester: Option<i64>,
    pub escalated: Option<bool>,
    pub q: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    pub sla: Option<SlaFilter>,
    pub sort: SortKey,
    pub ascending: bool,
    pub page: i64,
    pub per_page: i64,
}

impl Default for ListQuery {
    fn default() -> ListQuery {
        ListQuery {
            statuses: Vec::new(),
            priorities: Vec::new(),
            category: None,
            assignee: None,
            requester: None,
            escalated: None,
            q: None,
            created_from: None,
            created_to: None,
            sla: None,
            sort: SortKey::Updated,
            ascending: false,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

fn id(v: &str) -> Result<i64, String> {
    v.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "Use a positive whole number.".to_string())
}

fn ms(v: &str) -> Result<i64, String> {
    v.parse::<i64>()
        .map_err(|_| "Use a time in Unix milliseconds.".to_string())
}

impl ListQuery {
    /// Parses decoded query pairs; errors are `(parameter, message)`.
    pub fn parse(pairs: &[(String, String)]) -> Result<ListQuery, Vec<(String, String)>> {
        let mut q = ListQuery::default();
        let mut errors = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let result: Result<(), String> = (|| {
                match key.as_str() {
                    "status" => {
                        for s in value.split(',').filter(|s| !s.is_empty()) {
                            q.statuses.push(Status::try_from(s)?);
                        }
                    }
                    "priority" => {
                        for s in value.split(',').filter(|s| !s.is_empty()) {
                            q.priorities.push(Priority::try_from(s)?);
                        }
                    }
                    "category" => q.category = Some(id(value)?),
                    "assignee" => {
                        q.assignee = Some(match value {
                            "me" => AssigneeFilter::Me,
                            "none" => AssigneeFilter::Nobody,
                            v => AssigneeFilter::User(id(v)?),
                        })
                    }
                    "requester" => q.requester = Some(id(value)?),
                    "escalated" => {
                        q.escalated = Some(match value {
                            "true" | "1" => true,
                            "false" | "0" => false,
                            _ => return Err("Use true or false.".into()),
                        })
                    }
                    "q" => q.q = Some(value.chars().take(200).collect()),
                    "created_from" => q.created_from = Some(ms(value)?),
                    "created_to" => q.created_to = Some(ms(value)?),
                    "sort" => {
                        q.sort = match value {
                            "updated" => SortKey::Updated,
                            "created" => SortKey::Created,
                            "priority" => SortKey::Priority,
                            "number" => SortKey::Number,
                            "due" => SortKey::Due,
                            _ => {
                                return Err(
                                    "Sort by updated, created, priority, number or due.".into()
                                )
                            }
                        }
                    }
                    "dir" => {
                        q.ascending = match value {
                            "asc" => true,
                            "desc" => false,
                            _ => return Err("Use asc or desc.".into()),
                        }
                    }
                    "sla" => {
                        q.sla = Some(match value {
                            "breached" => SlaFilter::Breached,
                            "at_risk" => SlaFilter::AtRisk,
                            _ => return Err("Use breached or at_risk.".into()),
                        })
                    }
                    "page" => q.page = id(value)?,
                    "per_page" => {
                        q.per_page = id(value)
                            .ok()
                            .filter(|n| *n <= MAX_PER_PAGE)
                            .ok_or_else(|| format!("Use 1 to {MAX_PER_PAGE}."))?
                    }
                    _ => {}
                }
                Ok(())
            })();
            if let Err(e) = result {
                errors.push((key.clone(), e));
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[(&str, &str)]) -> Result<ListQuery, Vec<(String, String)>> {
        let pairs: Vec<_> = s
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ListQuery::parse(&pairs)
    }

    #[test]
    fn no_parameters_means_newest_activity_first_25_a_page() {
        let q = parse(&[]).unwrap();
        assert_eq!(q, ListQuery::default());
        assert_eq!(q.offset(), 0);
    }

    #[test]
    fn statuses_may_repeat_or_be_comma_separated() {
        let q = parse(&[("status", "open,on_hold"), ("status", "new")]).unwrap();
        assert_eq!(q.statuses, [Status::Open, Status::OnHold, Status::New]);
    }

    #[test]
    fn every_filter_and_the_sort_parse() {
        let q = parse(&[
            ("assignee", "me"),
            ("priority", "high"),
            ("escalated", "true"),
            ("sort", "created"),
            ("dir", "asc"),
            ("page", "3"),
            ("per_page", "10"),
            ("q", "vpn"),
            ("created_from", "1000"),
            ("sla", "at_risk"),
        ])
        .unwrap();
        assert_eq!(q.assignee, Some(AssigneeFilter::Me));
        assert_eq!(q.priorities, [Priority::High]);
        assert_eq!(q.escalated, Some(true));
        assert_eq!(q.sla, Some(SlaFilter::AtRisk));
        assert_eq!(parse(&[("sort", "due")]).unwrap().sort, SortKey::Due);
        assert_eq!((q.sort, q.ascending), (SortKey::Created, true));
        assert_eq!(q.offset(), 20);
        assert_eq!(
            parse(&[("assignee", "none")]).unwrap().assignee,
            Some(AssigneeFilter::Nobody)
        );
    }

    #[test]
    fn bad_values_are_named_by_parameter() {
        let errors = parse(&[
            ("status", "done"),
            ("per_page", "500"),
            ("page", "0"),
            ("sla", "late"),
        ])
        .unwrap_err();
        let keys: Vec<_> = errors.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["status", "per_page", "page", "sla"]);
    }
}
