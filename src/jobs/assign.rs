//! The automatic assignment engine: the same code runs inside a request (a ticket
//! is filed, escalated or moved to another category; someone switches to
//! Available) and on the jobs thread ([`AssignJob`]: a shift starts, time off
//! ends, anything nudged). It reads the staff's state from the store, asks the
//! domain's [`choose`] and writes the outcome as the system actor under
//! [`RULE`], all in the caller's transaction.
//!
//! Only waiting tickets are touched ([`EngineTicket::is_waiting`]): a ticket a
//! person assigned or unassigned is never changed here.

use super::{Job, JobError};
use crate::domain::assignment::{choose, Decision};
use crate::domain::availability::StaffState;
use crate::domain::{Actor, OrgId, UserId};
use crate::store::assignment::{self, EngineTicket};
use crate::store::{schedules, Db, StoreError};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::Connection;

/// The rule's name in history ("Help desk (automatic assignment)").
pub const RULE: &str = "automatic assignment";
/// Most waiting tickets one organization gets decided in one pass, so a pass
/// holds the write lock for milliseconds, not seconds; the rest wait a pass.
pub const BATCH: usize = 500;

/// Decides ticket `ticket_id` of `org` now, if it is waiting; `None` when the
/// engine must leave it alone (assigned, decided by hand, closed, or automatic
/// assignment is off). A ticket that must wait has the reason kept and, with
/// `record_wait`, written to its history.
pub fn decide(
    conn: &Connection,
    org: OrgId,
    ticket_id: i64,
    now: Timestamp,
    server_zone: &TimeZone,
    record_wait: bool,
) -> Result<Option<Decision>, StoreError> {
    let actor = Actor::system(org, RULE);
    let Some(t) = assignment::engine_ticket(conn, &actor, ticket_id)? else {
        return Ok(None);
    };
    if !t.is_waiting() {
        return Ok(None);
    }
    let tz = schedules::org_scheduling(conn, &actor)?.zone(server_zone);
    let staff = schedules::staff_states(conn, &actor, now.as_millisecond())?;
    let d = choose(t.tier, Some(t.category_id), &staff, &tz, now);
    apply(conn, &actor, &t, &d, record_wait, now.as_millisecond())?;
    Ok(Some(d))
}

/// Looks again at a ticket whose tier or category just changed: an automatic
/// assignee who no longer fits (tier below the ticket's, or not taking its
/// category) is released, and a waiting ticket is decided. A person's
/// assignment is left alone.
pub fn reconsider(
    conn: &Connection,
    org: OrgId,
    ticket_id: i64,
    now: Timestamp,
    server_zone: &TimeZone,
) -> Result<Option<Decision>, StoreError> {
    let actor = Actor::system(org, RULE);
    let Some(t) = assignment::engine_ticket(conn, &actor, ticket_id)? else {
        return Ok(None);
    };
    if let (Some(user), Some("automatic")) = (t.assignee_id, t.kind.as_deref()) {
        let staff = schedules::staff_states(conn, &actor, now.as_millisecond())?;
        let fits = staff
            .iter()
            .find(|s| s.id.0 == user)
            .is_some_and(|s| s.tier >= t.tier && s.takes(Some(t.category_id)));
        if fits || !t.open || !t.auto_on {
            return Ok(None);
        }
        let why = "The ticket moved where its assignee does not work.";
        assignment::release_automatic(conn, &actor, &t, why, now.as_millisecond())?;
    }
    decide(conn, org, ticket_id, now, server_zone, true)
}

fn apply(
    conn: &Connection,
    actor: &Actor,
    t: &EngineTicket,
    d: &Decision,
    record_wait: bool,
    now: i64,
) -> Result<(), StoreError> {
    match d.chosen {
        Some(user) => assignment::assign_automatically(conn, actor, t, user.0, &d.reason, now),
        None => assignment::note_waiting(conn, actor, t, &d.reason, record_wait, now),
    }
}

/// Told, after its commit, of the tickets a pass assigned in an organization:
/// `(ticket id, assignee)` and the pass's time (Unix ms). The API publishes
/// them live and notifies each assignee.
pub type OnAssigned = Box<dyn FnMut(OrgId, &[(i64, UserId)], i64) + Send>;

/// What a pass over one organization did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    /// Tickets assigned.
    pub assigned: usize,
    /// Which: `(ticket id, assignee)`.
    pub tickets: Vec<(i64, UserId)>,
    /// Tickets still waiting among those looked at.
    pub waiting: usize,
    /// The next instant someone may become available (a shift starts, time off
    /// ends), when the pass should run again.
    pub next_change: Option<Timestamp>,
}

/// Assigns `org`'s waiting tickets, most urgent and oldest first, while anyone
/// is available. Each choice counts the tickets given out before it in the same
/// pass, so the load spreads as it would one ticket at a time.
pub fn assign_waiting(
    conn: &Connection,
    org: OrgId,
    now: Timestamp,
    server_zone: &TimeZone,
) -> Result<Pass, StoreError> {
    let actor = Actor::system(org, RULE);
    let tz = schedules::org_scheduling(conn, &actor)?.zone(server_zone);
    let mut staff = schedules::staff_states(conn, &actor, now.as_millisecond())?;
    let mut pass = Pass {
        next_change: next_change(&staff, &tz, now),
        ..Pass::default()
    };
    for t in assignment::waiting(conn, &actor, BATCH)? {
        if !staff
            .iter()
            .any(|s| s.availability(&tz, now).is_available())
        {
            pass.waiting += 1;
            continue;
        }
        let d = choose(t.tier, Some(t.category_id), &staff, &tz, now);
        match d.chosen {
            Some(user) => {
                assignment::assign_automatically(
                    conn,
                    &actor,
                    &t,
                    user.0,
                    &d.reason,
                    now.as_millisecond(),
                )?;
                if let Some(s) = staff.iter_mut().find(|s| s.id == user) {
                    s.open_tickets += 1;
                    s.last_assigned_at = Some(now);
                }
                pass.assigned += 1;
                pass.tickets.push((t.id, user));
            }
            None => pass.waiting += 1,
        }
    }
    Ok(pass)
}

/// The earliest instant after `now` when anyone's availability may change by
/// the clock alone (a shift starts or ends, time off starts or ends): when the
/// pass should run again. Switching to Available and resolving tickets are
/// requests, which nudge the jobs thread instead.
pub fn next_change(staff: &[StaffState], tz: &TimeZone, now: Timestamp) -> Option<Timestamp> {
    staff.iter().filter_map(|s| s.next_change(tz, now)).min()
}

/// The jobs-thread side: every organization with waiting tickets gets a pass;
/// the job runs again at the earliest next change among them.
pub struct AssignJob {
    db: Db,
    server_zone: TimeZone,
    on_assigned: OnAssigned,
}

impl AssignJob {
    pub fn new(db: Db, server_zone: TimeZone, on_assigned: OnAssigned) -> AssignJob {
        AssignJob {
            db,
            server_zone,
            on_assigned,
        }
    }
}

impl Job for AssignJob {
    fn name(&self) -> &'static str {
        "assign waiting tickets"
    }

    fn run(&mut self, now: Timestamp) -> Result<Option<Timestamp>, JobError> {
        let orgs = self.db.read(assignment::orgs_with_waiting)?;
        let mut next: Option<Timestamp> = None;
        for org in orgs {
            // Most nudges find nobody available (a desk at night, or one without
            // schedules): a read says so without taking the write lock.
            let (anyone, change) = self.db.read(|c| {
                let actor = Actor::system(org, RULE);
                let tz = schedules::org_scheduling(c, &actor)?.zone(&self.server_zone);
                let staff = schedules::staff_states(c, &actor, now.as_millisecond())?;
                let anyone = staff
                    .iter()
                    .any(|s| s.availability(&tz, now).is_available());
                Ok::<_, StoreError>((anyone, next_change(&staff, &tz, now)))
            })?;
            if !anyone {
                next = [next, change].into_iter().flatten().min();
                continue;
            }
            let pass: Pass = self
                .db
                .write(|tx| assign_waiting(tx, org, now, &self.server_zone))?;
            if pass.assigned > 0 {
                (self.on_assigned)(org, &pass.tickets, now.as_millisecond());
                log::info!(
                    "automatic assignment: organization {} got {} ticket(s) assigned, {} wait",
                    org.0,
                    pass.assigned,
                    pass.waiting
                );
            }
            // A full batch leaves more behind: come back at once.
            let again = (pass.assigned + pass.waiting >= BATCH && pass.assigned > 0).then_some(now);
            next = [next, pass.next_change, again].into_iter().flatten().min();
        }
        Ok(next)
    }
}
