//! Each ticket's SLA clocks, stored on its row: started when it is created,
//! moved by its status changes, the first public staff reply, priority and
//! category changes, and a due time set by hand. The other ticket stores call
//! these inside their own transaction, so a change and its effect on the clocks
//! commit together. The rules are [`crate::domain::ticket_sla`].
//!
//! A ticket created before SLAs existed has no clocks (`sla_first IS NULL`);
//! every function here leaves it alone, and [`backfill`] gives it clocks as if
//! they had always run (seed-demo uses it).

use super::row::At;
use super::sla_settings::{self, SlaSettings};
use super::{history, StoreError};
use crate::domain::business_timeline::Timeline;
use crate::domain::sla_targets::SlaKind;
use crate::domain::ticket::{Priority, Status};
use crate::domain::ticket_sla::{clock_from_json, clock_to_json, Columns, Fired, TicketSla};
use crate::domain::zone::{describe_instant, from_ms};
use crate::domain::{Actor, OrgId};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

/// Reads `sla_first`, `sla_resolution`, `sla_fired` from columns `i..i+3`;
/// `None` for a ticket without clocks.
pub(crate) fn load_row(r: &Row, i: usize) -> rusqlite::Result<Option<TicketSla>> {
    let (Some(first), Some(resolution)) = (
        r.get::<_, Option<String>>(i)?,
        r.get::<_, Option<String>>(i + 1)?,
    ) else {
        return Ok(None);
    };
    let clock = |text: &str| {
        serde_json::from_str::<Value>(text)
            .ok()
            .as_ref()
            .and_then(clock_from_json)
            .ok_or("not an SLA clock")
    };
    let at = At::new("tickets", r.get(0)?);
    Ok(Some(TicketSla {
        first_response: at.check("sla_first", clock(&first))?,
        resolution: at.check("sla_resolution", clock(&resolution))?,
        fired: Fired(r.get(i + 2)?),
    }))
}

/// Ticket `id`'s clocks (its id must be column 0 of the row read).
pub fn load(conn: &Connection, id: i64) -> Result<Option<TicketSla>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, sla_first, sla_resolution, sla_fired FROM tickets WHERE id = ?1",
        )?
        .query_row([id], |r| load_row(r, 1))
        .optional()?
        .flatten())
}

/// Writes the clocks and the indexed instants.
pub fn save(
    conn: &Connection,
    id: i64,
    sla: &TicketSla,
    s: &SlaSettings,
) -> Result<(), StoreError> {
    Stored::of(sla, s, None).write(conn, id)
}

/// What [`save`] writes for a ticket: its clocks as stored text, and the
/// indexed instants.
pub(crate) struct Stored {
    pub first: String,
    pub resolution: String,
    pub fired: i64,
    pub cols: Columns,
}

impl Stored {
    /// `timeline`, shared by many tickets being recomputed, sums faster; the
    /// answer is the same.
    pub(crate) fn of(sla: &TicketSla, s: &SlaSettings, timeline: Option<&Timeline>) -> Stored {
        Stored {
            first: clock_to_json(&sla.first_response).to_string(),
            resolution: clock_to_json(&sla.resolution).to_string(),
            fired: sla.fired.0,
            cols: sla.columns_on(&s.calendar, &s.zone, timeline),
        }
    }

    pub(crate) fn write(&self, conn: &Connection, id: i64) -> Result<(), StoreError> {
        conn.prepare_cached(
            "UPDATE tickets SET sla_first = ?2, sla_resolution = ?3, sla_fired = ?4,
                    sla_due_at = ?5, sla_risk_at = ?6, sla_next_at = ?7 WHERE id = ?1",
        )?
        .execute(params![
            id,
            self.first,
            self.resolution,
            self.fired,
            self.cols.due_at,
            self.cols.risk_at,
            self.cols.next_at
        ])?;
        Ok(())
    }
}

/// Loads, changes and saves ticket `id`'s clocks (nothing for a ticket without).
fn update(
    conn: &Connection,
    org: OrgId,
    id: i64,
    change: impl FnOnce(TicketSla, &SlaSettings) -> TicketSla,
) -> Result<(), StoreError> {
    let Some(sla) = load(conn, id)? else {
        return Ok(());
    };
    let s = sla_settings::get(conn, org)?;
    save(conn, id, &change(sla, &s), &s)
}

/// A new ticket's clocks start at `now`.
pub fn start(
    conn: &Connection,
    org: OrgId,
    id: i64,
    priority: Priority,
    category_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    let s = sla_settings::get(conn, org)?;
    let sla = TicketSla::start(s.target(priority, category_id), from_ms(now));
    save(conn, id, &sla, &s)
}

/// The ticket moved to `to`.
pub fn on_status(
    conn: &Connection,
    org: OrgId,
    id: i64,
    to: Status,
    now: i64,
) -> Result<(), StoreError> {
    update(conn, org, id, |sla, s| {
        sla.on_status(&s.calendar, &s.zone, to, from_ms(now))
    })
}

/// Staff replied in public.
pub fn on_staff_reply(conn: &Connection, org: OrgId, id: i64, now: i64) -> Result<(), StoreError> {
    update(conn, org, id, |sla, s| {
        sla.on_staff_reply(&s.calendar, &s.zone, from_ms(now))
    })
}

/// The priority or category changed: new targets, time used kept.
pub fn on_retarget(
    conn: &Connection,
    org: OrgId,
    id: i64,
    priority: Priority,
    category_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    update(conn, org, id, |sla, s| {
        sla.retarget(
            &s.calendar,
            &s.zone,
            s.target(priority, category_id),
            from_ms(now),
        )
    })
}

/// Staff set (or cleared) the resolution due time by hand; recorded in history.
/// False for a ticket without clocks.
pub fn set_resolution_due(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    due: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let Some(sla) = load(conn, id)? else {
        return Ok(false);
    };
    let s = sla_settings::get(conn, actor.org_id)?;
    let old = sla.resolution.due_override.map(|t| t.as_millisecond());
    if old == due {
        return Ok(true);
    }
    save(conn, id, &sla.override_resolution_due(due.map(from_ms)), &s)?;
    let describe = |v: Option<i64>| match v {
        Some(ms) => Value::from(describe_instant(&s.zone, from_ms(now), from_ms(ms))),
        None => Value::Null,
    };
    let entry =
        history::Entry::changed("resolution_due", describe(old), describe(due)).internal(true);
    history::record(conn, id, actor, entry, now)?;
    super::tickets::touch(conn, actor, id, now)?;
    Ok(true)
}

/// Gives clocks to the organization's tickets that have none, as if they had
/// run from creation: stopped at the first public staff reply and at
/// resolution, paused if on hold (since its last change), then fires nothing:
/// marks in the past are marked as fired, so the jobs thread announces only
/// what happens from now on. Returns how many tickets it gave clocks.
pub fn backfill(conn: &Connection, org: OrgId, now: i64) -> Result<usize, StoreError> {
    let s = sla_settings::get(conn, org)?;
    let mut stmt = conn.prepare(
        "SELECT t.id, t.priority, t.category_id, t.status, t.created_at, t.updated_at,
                COALESCE(t.resolved_at, t.closed_at, t.updated_at),
                (SELECT MIN(c.created_at) FROM comments c JOIN users u ON u.id = c.author_id
                 WHERE c.ticket_id = t.id AND c.internal = 0 AND u.role IN ('agent', 'admin'))
         FROM tickets t WHERE t.org_id = ?1 AND t.sla_first IS NULL ORDER BY t.id",
    )?;
    let rows = stmt.query_map([org.0], |r| {
        let id: i64 = r.get(0)?;
        let at = At::new("tickets", id);
        let rank: i64 = r.get(1)?;
        let status: String = r.get(3)?;
        Ok((
            id,
            at.some("priority", rank, Priority::from_rank(rank))?,
            r.get::<_, i64>(2)?,
            at.check("status", Status::try_from(status.as_str()))?,
            [r.get::<_, i64>(4)?, r.get(5)?, r.get(6)?],
            r.get::<_, Option<i64>>(7)?,
        ))
    })?;
    let (cal, tz, now_t) = (&s.calendar, &s.zone, from_ms(now));
    let mut count = 0;
    for row in rows {
        let (id, priority, category_id, status, [created, updated, done], reply) = row?;
        let mut sla = TicketSla::start(s.target(priority, category_id), from_ms(created));
        if let Some(reply) = reply {
            sla = sla.on_staff_reply(cal, tz, from_ms(reply));
        }
        sla = match status {
            Status::Resolved | Status::Closed => sla.on_status(cal, tz, status, from_ms(done)),
            Status::OnHold => sla.on_status(cal, tz, status, from_ms(updated)),
            _ => sla,
        };
        let (sla, _) = sla.fire_due(cal, tz, now_t);
        save(conn, id, &sla, &s)?;
        count += 1;
    }
    Ok(count)
}

/// The word for a clock in history and events.
pub fn kind_label(kind: SlaKind) -> &'static str {
    match kind {
        SlaKind::FirstResponse => "First response",
        SlaKind::Resolution => "Resolution",
    }
}
