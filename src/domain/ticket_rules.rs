//! Who may work a ticket, and how: taking and assigning, replying, escalating,
//! and which status moves a viewer may make next. The API asks these before it
//! opens a write; the store only records what they allowed.

use super::access::Relation;
use super::status::{check_move, Status};
use super::{Actor, Tier, UserId};
use std::fmt;

/// Why a rule refused; the API answers 403 for [`Refusal::Forbidden`] and 409
/// for [`Refusal::Conflict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The move exists, but not for this person (403).
    Forbidden(String),
    /// The ticket's state does not allow it (409).
    Conflict(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Forbidden(m) | Refusal::Conflict(m) => f.write_str(m),
        }
    }
}

/// Staff only; asked after the ticket lookup, so a requester probing another
/// person's ticket gets the same 404 as on every other route.
pub fn staff_only(relation: Relation) -> Result<(), Refusal> {
    match relation {
        Relation::Staff => Ok(()),
        _ => Err(Refusal::Forbidden(
            "This needs an agent or admin account.".into(),
        )),
    }
}

/// Whether `actor` may set a ticket's assignee from `current` to `to`: an agent
/// takes an unassigned ticket or releases their own; re-assigning someone else's
/// ticket is the admin's (or the system's) call.
pub fn may_assign(
    actor: &Actor,
    current: Option<UserId>,
    to: Option<UserId>,
) -> Result<(), Refusal> {
    if actor.is_admin() {
        return Ok(());
    }
    let mine_or_free = current.map_or(true, |a| actor.is(a));
    let allowed = match to {
        Some(id) => actor.is(id) && mine_or_free,
        None => mine_or_free,
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::Forbidden(
            "Agents can take a ticket or release their own; ask an admin to assign others.".into(),
        ))
    }
}

/// An assignee's tier must reach the ticket's: escalation frees an assignee below
/// the new tier, and assignment must not hand the ticket straight back to one.
pub fn assignee_reaches(ticket: Tier, assignee: Tier, name: &str) -> Result<(), Refusal> {
    if assignee.get() < ticket.get() {
        return Err(Refusal::Conflict(format!(
            "This ticket is at tier {}; {name} is tier {}. Assign it to someone at tier {} or above.",
            ticket.get(),
            assignee.get(),
            ticket.get()
        )));
    }
    Ok(())
}

/// The tier an escalation moves an active ticket to (1 -> 2 -> 3).
pub fn escalation(status: Status, tier: Tier) -> Result<Tier, Refusal> {
    if !status.is_active() {
        return Err(Refusal::Conflict(
            "Only an open ticket can be escalated.".into(),
        ));
    }
    tier.next()
        .ok_or_else(|| Refusal::Conflict("The ticket is already at the top tier (3).".into()))
}

/// What a reply does besides adding itself to the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyEffect {
    /// The status the ticket moves to with this reply, if any: a requester's
    /// reply on a ticket waiting for them (on hold) reopens it; a staff member's
    /// public reply on a `new` ticket opens it (an internal note does not: the
    /// requester sees no change).
    pub moves_to: Option<Status>,
}

/// Whether a viewer may reply (or write an internal note) on a ticket in
/// `status`, and what the reply does to the ticket.
pub fn reply(relation: Relation, status: Status, internal: bool) -> Result<ReplyEffect, Refusal> {
    let staff = relation == Relation::Staff;
    if internal && !staff {
        return Err(Refusal::Forbidden(
            "Only the help desk can write internal notes.".into(),
        ));
    }
    if !staff && status == Status::Closed {
        return Err(Refusal::Conflict(
            "This ticket is closed; please open a new ticket.".into(),
        ));
    }
    let moves_to = match (staff, internal) {
        (false, _) => (status == Status::OnHold).then_some(Status::Open),
        (true, false) => status.when_staff_start(),
        (true, true) => None,
    };
    Ok(ReplyEffect { moves_to })
}

/// The statuses this viewer may move the ticket to now, in workflow order:
/// what the web app offers (the ticket's `next_statuses`).
pub fn next_statuses(
    relation: Relation,
    status: Status,
    resolved_at: Option<i64>,
    now: i64,
) -> Vec<Status> {
    status
        .moves()
        .iter()
        .copied()
        .filter(|to| check_move(relation.mover(), status, *to, resolved_at, now).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrgId, Role};

    fn agent(id: i64) -> Actor {
        Actor::person(UserId(id), OrgId(1), Role::Agent, Some(Tier::FIRST))
    }

    #[test]
    fn an_agent_takes_a_free_ticket_or_releases_their_own_but_no_other() {
        let me = agent(1);
        assert!(may_assign(&me, None, Some(UserId(1))).is_ok());
        assert!(may_assign(&me, Some(UserId(1)), None).is_ok());
        assert!(may_assign(&me, Some(UserId(2)), Some(UserId(1))).is_err());
        assert!(may_assign(&me, None, Some(UserId(2))).is_err());
        assert!(may_assign(&me, Some(UserId(2)), None).is_err());
    }

    #[test]
    fn admins_and_the_system_assign_anyone() {
        let admin = Actor::person(UserId(9), OrgId(1), Role::Admin, None);
        assert!(may_assign(&admin, Some(UserId(2)), Some(UserId(3))).is_ok());
        let system = Actor::system(OrgId(1), "automatic assignment");
        assert!(may_assign(&system, None, Some(UserId(3))).is_ok());
    }

    #[test]
    fn an_assignee_below_the_tickets_tier_is_refused() {
        let two = Tier::try_from(2).unwrap();
        assert!(assignee_reaches(two, Tier::FIRST, "Ann").is_err());
        assert!(assignee_reaches(Tier::FIRST, two, "Ann").is_ok());
    }

    #[test]
    fn escalation_climbs_tiers_on_active_tickets_only() {
        assert_eq!(
            escalation(Status::Open, Tier::FIRST),
            Ok(Tier::try_from(2).unwrap())
        );
        assert!(escalation(Status::Resolved, Tier::FIRST).is_err());
        assert!(escalation(Status::Open, Tier::try_from(3).unwrap()).is_err());
    }

    #[test]
    fn replies_reopen_waiting_tickets_and_open_new_ones() {
        let owner = reply(Relation::Owner, Status::OnHold, false).unwrap();
        assert_eq!(owner.moves_to, Some(Status::Open));
        let staff = reply(Relation::Staff, Status::New, false).unwrap();
        assert_eq!(staff.moves_to, Some(Status::Open));
        let note = reply(Relation::Staff, Status::New, true).unwrap();
        assert_eq!(note.moves_to, None);
        assert!(reply(Relation::Owner, Status::Open, true).is_err());
        assert!(reply(Relation::Watcher, Status::Closed, false).is_err());
        assert!(reply(Relation::Staff, Status::Closed, false).is_ok());
    }

    #[test]
    fn the_next_statuses_are_the_moves_this_viewer_may_make() {
        use Status::*;
        assert_eq!(
            next_statuses(Relation::Staff, Open, None, 0),
            vec![InProgress, OnHold, Resolved, Closed]
        );
        assert_eq!(next_statuses(Relation::Owner, Open, None, 0), vec![Closed]);
        assert_eq!(
            next_statuses(Relation::Owner, Resolved, Some(0), 0),
            vec![Closed, Open]
        );
        assert!(next_statuses(Relation::Watcher, Open, None, 0).is_empty());
    }
}
