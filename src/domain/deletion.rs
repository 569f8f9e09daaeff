//! Who may delete a ticket, and when.
//!
//! A requester may withdraw their own ticket while the help desk has not touched
//! it (the same window as editing it). An admin may delete any ticket of the
//! organization, but only after confirming by typing its number: deletion cannot
//! be undone, and typing the number is the one confirmation a quick double click
//! cannot give. Agents and watchers may not delete.

use super::access::Relation;
use super::status::Status;
use super::ticket_rules::Refusal;
use super::Actor;

/// How the deletion was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// The requester withdrawing their own untouched ticket.
    Withdrawn,
    /// An admin deleting, confirmed by the typed number.
    ByAdmin,
}

/// Why a deletion cannot go ahead yet (the API names the `confirm` field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteRefusal {
    Refused(Refusal),
    /// An admin's `confirm` is missing or is not the ticket's number.
    Unconfirmed,
}

/// Whether `actor` (related to the ticket by `relation`) may delete ticket
/// `number` now, given the number they typed (`confirm`).
pub fn may_delete(
    actor: &Actor,
    relation: Relation,
    status: Status,
    staff_touched: bool,
    number: i64,
    confirm: Option<i64>,
) -> Result<Deletion, DeleteRefusal> {
    if actor.is_admin() {
        return if confirm == Some(number) {
            Ok(Deletion::ByAdmin)
        } else {
            Err(DeleteRefusal::Unconfirmed)
        };
    }
    match relation {
        Relation::Owner if !staff_touched && status.is_active() => Ok(Deletion::Withdrawn),
        Relation::Owner => Err(DeleteRefusal::Refused(Refusal::Forbidden(
            "The help desk has started on this ticket, so it can no longer be withdrawn; \
             close it or add a reply instead."
                .into(),
        ))),
        _ => Err(DeleteRefusal::Refused(Refusal::Forbidden(
            "Only an admin can delete tickets.".into(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrgId, Role, Tier, UserId};

    fn person(role: Role) -> Actor {
        let tier = role.is_staff().then(|| Tier::try_from(1).unwrap());
        Actor::person(UserId(1), OrgId(1), role, tier)
    }

    #[test]
    fn a_requester_withdraws_an_untouched_ticket_and_nothing_later() {
        let me = person(Role::Requester);
        assert_eq!(
            may_delete(&me, Relation::Owner, Status::New, false, 7, None),
            Ok(Deletion::Withdrawn)
        );
        assert!(may_delete(&me, Relation::Owner, Status::Open, true, 7, None).is_err());
        assert!(may_delete(&me, Relation::Owner, Status::Closed, false, 7, None).is_err());
        assert!(may_delete(&me, Relation::Watcher, Status::New, false, 7, None).is_err());
    }

    #[test]
    fn an_admin_must_type_the_number_and_an_agent_may_not_delete() {
        let admin = person(Role::Admin);
        assert_eq!(
            may_delete(&admin, Relation::Staff, Status::Open, true, 7, Some(7)),
            Ok(Deletion::ByAdmin)
        );
        for wrong in [None, Some(8)] {
            assert_eq!(
                may_delete(&admin, Relation::Staff, Status::Open, true, 7, wrong),
                Err(DeleteRefusal::Unconfirmed)
            );
        }
        let agent = person(Role::Agent);
        assert!(may_delete(&agent, Relation::Staff, Status::New, false, 7, Some(7)).is_err());
    }
}
