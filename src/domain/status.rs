//! The ticket status workflow: which moves exist, and who may make each.
//!
//! `new -> open -> in_progress -> on_hold -> resolved -> closed`, with the side
//! moves a real desk needs (docs/api.md lists them). Staff make every move the
//! workflow has. A requester may close their own ticket, and reopen it while it is
//! resolved for at most [`REOPEN_WINDOW_MS`]; a closed ticket stays closed.
//!
//! The API asks [`check_move`] before it touches the store; a refused move is a 409,
//! a move the role may not make is a 403.

use std::fmt;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// How long after resolution a requester may still reopen: 14 days.
pub const REOPEN_WINDOW_MS: i64 = 14 * DAY_MS;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    New,
    Open,
    InProgress,
    OnHold,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Open,
        Status::InProgress,
        Status::OnHold,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// The statuses this one may move to, for anyone.
    pub fn moves(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Open, InProgress, OnHold, Resolved, Closed],
            Open => &[InProgress, OnHold, Resolved, Closed],
            InProgress => &[Open, OnHold, Resolved],
            OnHold => &[Open, InProgress, Resolved],
            Resolved => &[Closed, Open],
            Closed => &[],
        }
    }

    pub fn can_move_to(self, to: Status) -> bool {
        self.moves().contains(&to)
    }

    /// Where the ticket goes when staff start work on it (take or assign it, or
    /// reply in public): a `new` ticket becomes `open`, so the queue of untouched
    /// tickets only holds tickets nobody has answered. Other statuses stay put.
    pub fn when_staff_start(self) -> Option<Status> {
        (self == Status::New).then_some(Status::Open)
    }

    /// Still being worked or waiting: not resolved and not closed.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<&str> for Status {
    type Error = String;
    fn try_from(s: &str) -> Result<Status, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!("Unknown status {s:?}; use new, open, in_progress, on_hold, resolved or closed.")
            })
    }
}

/// Who is asking to move a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// An agent or admin of the ticket's organization.
    Staff,
    /// The person who raised the ticket.
    Owner,
    /// Any other requester (a watcher): may not move the ticket.
    Other,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefusal {
    /// The workflow has no such move (409).
    NoSuchMove { from: Status, to: Status },
    /// The move exists, but not for this person (403).
    NotYours,
    /// A requester's reopen window has passed (409).
    ReopenWindowPassed,
}

impl fmt::Display for MoveRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveRefusal::NoSuchMove { from, to } if from == to => {
                write!(f, "The ticket is already {from}.")
            }
            MoveRefusal::NoSuchMove { from, to } => {
                write!(f, "A ticket cannot move from {from} to {to}.")
            }
            MoveRefusal::NotYours => f.write_str("Only the help desk staff can make this move."),
            MoveRefusal::ReopenWindowPassed => write!(
                f,
                "This ticket was resolved more than {} days ago; please open a new ticket.",
                REOPEN_WINDOW_MS / DAY_MS
            ),
        }
    }
}

/// Decides whether `mover` may move a ticket from `from` to `to` at `now`
/// (`resolved_at` is when it was last resolved, in ms).
pub fn check_move(
    mover: Mover,
    from: Status,
    to: Status,
    resolved_at: Option<i64>,
    now: i64,
) -> Result<(), MoveRefusal> {
    if !from.can_move_to(to) {
        return Err(MoveRefusal::NoSuchMove { from, to });
    }
    match mover {
        Mover::Staff => Ok(()),
        Mover::Other => Err(MoveRefusal::NotYours),
        Mover::Owner => match (from, to) {
            (_, Status::Closed) => Ok(()),
            (Status::Resolved, Status::Open) => {
                if within_reopen_window(resolved_at, now) {
                    Ok(())
                } else {
                    Err(MoveRefusal::ReopenWindowPassed)
                }
            }
            _ => Err(MoveRefusal::NotYours),
        },
    }
}

/// True while a resolved ticket may still be reopened by its requester.
pub fn within_reopen_window(resolved_at: Option<i64>, now: i64) -> bool {
    resolved_at.is_some_and(|at| now - at <= REOPEN_WINDOW_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn staff_starting_work_opens_only_a_new_ticket() {
        assert_eq!(New.when_staff_start(), Some(Open));
        for s in [Open, InProgress, OnHold, Resolved, Closed] {
            assert_eq!(s.when_staff_start(), None, "{s}");
        }
        assert!(New.can_move_to(Open));
    }

    const DAY: i64 = 24 * 3600 * 1000;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in Status::ALL {
            assert_eq!(Status::try_from(s.as_str()), Ok(s));
        }
        assert!(Status::try_from("done").is_err());
    }

    #[test]
    fn staff_make_every_move_the_workflow_has_and_no_other() {
        for from in Status::ALL {
            for to in Status::ALL {
                let allowed = check_move(Mover::Staff, from, to, Some(0), 0).is_ok();
                assert_eq!(allowed, from.moves().contains(&to), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn a_closed_ticket_stays_closed() {
        for to in Status::ALL {
            assert!(check_move(Mover::Staff, Closed, to, None, 0).is_err());
        }
    }

    #[test]
    fn a_ticket_cannot_move_to_its_own_status() {
        for s in Status::ALL {
            assert!(!s.can_move_to(s));
        }
    }

    #[test]
    fn in_progress_cannot_be_closed_without_resolving_first() {
        assert_eq!(
            check_move(Mover::Staff, InProgress, Closed, None, 0),
            Err(MoveRefusal::NoSuchMove {
                from: InProgress,
                to: Closed
            })
        );
    }

    #[test]
    fn a_requester_reopens_their_resolved_ticket_within_fourteen_days() {
        assert!(check_move(Mover::Owner, Resolved, Open, Some(0), 14 * DAY).is_ok());
        assert_eq!(
            check_move(Mover::Owner, Resolved, Open, Some(0), 14 * DAY + 1),
            Err(MoveRefusal::ReopenWindowPassed)
        );
    }

    #[test]
    fn staff_reopen_after_the_window_too() {
        assert!(check_move(Mover::Staff, Resolved, Open, Some(0), 100 * DAY).is_ok());
    }

    #[test]
    fn a_requester_may_close_their_own_ticket() {
        assert!(check_move(Mover::Owner, Resolved, Closed, Some(0), 0).is_ok());
        assert!(check_move(Mover::Owner, Open, Closed, None, 0).is_ok());
    }

    #[test]
    fn a_requester_may_not_work_a_ticket() {
        for to in [Open, InProgress, OnHold, Resolved] {
            assert_eq!(
                check_move(Mover::Owner, New, to, None, 0),
                Err(MoveRefusal::NotYours)
            );
        }
    }

    #[test]
    fn a_watcher_moves_nothing() {
        assert_eq!(
            check_move(Mover::Other, Resolved, Closed, Some(0), 0),
            Err(MoveRefusal::NotYours)
        );
    }
}
