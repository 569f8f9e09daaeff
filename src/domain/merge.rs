//! Merging a duplicate into another ticket, and linking related tickets.
//!
//! Staff merge ticket A into ticket B: A's conversation, tasks and watchers move
//! to B, A is closed with a pointer to B, and A's requester is told where to
//! look (and made a watcher of B so they can). Both must be open work: merging
//! into a closed ticket would hide the conversation where nobody looks.

use super::access::Relation;
use super::status::Status;
use super::ticket_rules::{staff_only, Refusal};

/// Why a merge cannot happen; `Field` is a 422 naming `into`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeRefusal {
    Refused(Refusal),
    Field(String),
}

impl From<Refusal> for MergeRefusal {
    fn from(r: Refusal) -> MergeRefusal {
        MergeRefusal::Refused(r)
    }
}

/// Whether ticket `from` (by number, status, already merged) may be merged into
/// `into` (its number and status, when it exists in the organization).
pub fn may_merge(
    relation: Relation,
    from: (i64, Status, bool),
    into: Option<(i64, Status)>,
) -> Result<(), MergeRefusal> {
    staff_only(relation)?;
    let (from_number, from_status, merged) = from;
    let Some((into_number, into_status)) = into else {
        return Err(MergeRefusal::Field("There is no such ticket.".into()));
    };
    if from_number == into_number {
        return Err(MergeRefusal::Field(
            "A ticket cannot be merged into itself.".into(),
        ));
    }
    if merged || from_status == Status::Closed {
        return Err(MergeRefusal::Refused(Refusal::Conflict(
            "This ticket is closed (or already merged); reopen work on the other ticket instead."
                .into(),
        )));
    }
    if into_status == Status::Closed {
        return Err(MergeRefusal::Field(
            "That ticket is closed; merge into an open one.".into(),
        ));
    }
    Ok(())
}

/// Whether two tickets may be linked: staff, two different tickets.
pub fn may_link(relation: Relation, a: i64, b: Option<i64>) -> Result<(), MergeRefusal> {
    staff_only(relation)?;
    match b {
        None => Err(MergeRefusal::Field("There is no such ticket.".into())),
        Some(b) if b == a => Err(MergeRefusal::Field(
            "A ticket cannot be linked to itself.".into(),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_needs_staff_two_tickets_and_open_work() {
        let open = Status::Open;
        assert!(may_merge(Relation::Staff, (1, open, false), Some((2, open))).is_ok());
        assert!(matches!(
            may_merge(Relation::Owner, (1, open, false), Some((2, open))),
            Err(MergeRefusal::Refused(Refusal::Forbidden(_)))
        ));
        assert!(matches!(
            may_merge(Relation::Staff, (1, open, false), Some((1, open))),
            Err(MergeRefusal::Field(_))
        ));
        assert!(matches!(
            may_merge(Relation::Staff, (1, open, false), None),
            Err(MergeRefusal::Field(_))
        ));
        assert!(matches!(
            may_merge(Relation::Staff, (1, open, true), Some((2, open))),
            Err(MergeRefusal::Refused(Refusal::Conflict(_)))
        ));
        assert!(matches!(
            may_merge(Relation::Staff, (1, open, false), Some((2, Status::Closed))),
            Err(MergeRefusal::Field(_))
        ));
    }

    #[test]
    fn linking_needs_two_different_tickets() {
        assert!(may_link(Relation::Staff, 1, Some(2)).is_ok());
        assert!(may_link(Relation::Staff, 1, Some(1)).is_err());
        assert!(may_link(Relation::Staff, 1, None).is_err());
        assert!(may_link(Relation::Watcher, 1, Some(2)).is_err());
    }
}
