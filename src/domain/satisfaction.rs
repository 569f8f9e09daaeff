//! Satisfaction: when a ticket is resolved its requester may rate it, once, good
//! or bad with an optional comment. Staff see the rating on the ticket; reports
//! read the figure (`store::satisfaction::summary`).

use super::access::Relation;
use super::status::Status;
use super::ticket::bounded_text;
use super::ticket_rules::Refusal;

/// The longest comment a rating may carry.
pub const COMMENT_MAX: usize = 2_000;

/// Good or bad: two choices are answered far more often than five stars, and the
/// figure a desk reports ("92% good") needs nothing finer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    Good,
    Bad,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::Bad => "bad",
        }
    }
}

impl TryFrom<&str> for Rating {
    type Error = String;
    fn try_from(s: &str) -> Result<Rating, String> {
        match s {
            "good" => Ok(Rating::Good),
            "bad" => Ok(Rating::Bad),
            _ => Err("Choose good or bad.".into()),
        }
    }
}

/// An optional comment: trimmed, empty is none, at most [`COMMENT_MAX`] characters.
pub fn comment(raw: Option<&str>) -> Result<Option<String>, String> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => bounded_text(s, COMMENT_MAX, "a comment").map(Some),
    }
}

/// Whether the viewer may rate now: only the requester, only once the ticket is
/// resolved or closed, only once.
pub fn may_rate(relation: Relation, status: Status, already_rated: bool) -> Result<(), Refusal> {
    if relation != Relation::Owner {
        return Err(Refusal::Forbidden(
            "Only the person who asked for help can rate the ticket.".into(),
        ));
    }
    if !matches!(status, Status::Resolved | Status::Closed) {
        return Err(Refusal::Conflict(
            "A ticket can be rated once it is resolved.".into(),
        ));
    }
    if already_rated {
        return Err(Refusal::Conflict(
            "This ticket has already been rated.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_requester_rates_a_resolved_ticket_once() {
        assert!(may_rate(Relation::Owner, Status::Resolved, false).is_ok());
        assert!(may_rate(Relation::Owner, Status::Closed, false).is_ok());
        assert!(matches!(
            may_rate(Relation::Owner, Status::Resolved, true),
            Err(Refusal::Conflict(_))
        ));
        assert!(matches!(
            may_rate(Relation::Owner, Status::Open, false),
            Err(Refusal::Conflict(_))
        ));
        for other in [Relation::Staff, Relation::Watcher] {
            assert!(matches!(
                may_rate(other, Status::Resolved, false),
                Err(Refusal::Forbidden(_))
            ));
        }
    }

    #[test]
    fn ratings_and_comments_parse() {
        assert_eq!(Rating::try_from("good"), Ok(Rating::Good));
        assert!(Rating::try_from("5").is_err());
        assert_eq!(comment(Some("  ")), Ok(None));
        assert_eq!(comment(Some(" Quick! ")), Ok(Some("Quick!".into())));
        assert!(comment(Some(&"x".repeat(COMMENT_MAX + 1))).is_err());
    }
}
