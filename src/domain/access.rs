//! What one viewer may do with one ticket: [`Relation`] says how the viewer relates
//! to it (staff, its requester, a watcher) and [`Access`] turns that, with the
//! ticket's status, into the `can` object of the Ticket shape the web app reads.
//! The API computes the relation from the session and consults this before acting.

use super::status::{check_move, Mover, Status};

/// How a viewer relates to a ticket; computed by the API from the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// An agent or admin of the ticket's organization.
    Staff,
    /// The requester who raised it.
    Owner,
    /// A requester watching it.
    Watcher,
}

impl Relation {
    /// Who this viewer is when asking to move the ticket: the one mapping from
    /// relation to [`Mover`].
    pub fn mover(self) -> Mover {
        match self {
            Relation::Staff => Mover::Staff,
            Relation::Owner => Mover::Owner,
            Relation::Watcher => Mover::Other,
        }
    }
}

/// What one viewer may do with one ticket: the `can` object of the Ticket shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// Edit title, description and answers.
    pub edit: bool,
    /// Edit every field (priority, category, contact) — staff only.
    pub edit_all: bool,
    /// Reopen the ticket now.
    pub reopen: bool,
    /// Read and write internal notes.
    pub comment_internal: bool,
}

impl Access {
    /// Staff may do everything; the owner edits until staff first act and reopens
    /// a resolved ticket within the window; a watcher only reads and replies.
    pub fn of(
        relation: Relation,
        status: Status,
        staff_touched: bool,
        resolved_at: Option<i64>,
        now: i64,
    ) -> Access {
        let reopen = check_move(relation.mover(), status, Status::Open, resolved_at, now).is_ok()
            && status == Status::Resolved;
        match relation {
            Relation::Staff => Access {
                edit: status != Status::Closed,
                edit_all: status != Status::Closed,
                reopen,
                comment_internal: true,
            },
            Relation::Owner => Access {
                edit: !staff_touched && status.is_active(),
                edit_all: false,
                reopen,
                comment_internal: false,
            },
            Relation::Watcher => Access {
                edit: false,
                edit_all: false,
                reopen: false,
                comment_internal: false,
            },
        }
    }

    /// Manage tasks on the ticket: staff always, the owner on their own ticket.
    pub fn tasks(relation: Relation) -> bool {
        matches!(relation, Relation::Staff | Relation::Owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_edits_until_staff_first_act() {
        let before = Access::of(Relation::Owner, Status::New, false, None, 0);
        assert!(before.edit && !before.edit_all && !before.comment_internal);
        let after = Access::of(Relation::Owner, Status::Open, true, None, 0);
        assert!(!after.edit);
    }

    #[test]
    fn staff_edit_everything_and_write_internal_notes() {
        let a = Access::of(Relation::Staff, Status::InProgress, true, None, 0);
        assert!(a.edit && a.edit_all && a.comment_internal && !a.reopen);
    }

    #[test]
    fn the_owner_may_reopen_only_a_recently_resolved_ticket() {
        let day = 24 * 3600 * 1000;
        assert!(Access::of(Relation::Owner, Status::Resolved, true, Some(0), day).reopen);
        assert!(!Access::of(Relation::Owner, Status::Resolved, true, Some(0), 15 * day).reopen);
        assert!(!Access::of(Relation::Watcher, Status::Resolved, true, Some(0), day).reopen);
    }

    #[test]
    fn watchers_cannot_manage_tasks() {
        assert!(Access::tasks(Relation::Owner));
        assert!(!Access::tasks(Relation::Watcher));
    }
}
