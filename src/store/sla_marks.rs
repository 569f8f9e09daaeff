//! SLA warnings and breaches, fired by the jobs thread, and the SLA figures
//! reports read.
//!
//! # Exactly once
//! [`fire_due`] reads the tickets whose next mark is due (`sla_next_at <= now`,
//! an index), and in the caller's write transaction records each mark in the
//! history as the system actor and sets its bit in `sla_fired`. The bit and the
//! history entry commit together, so a mark is announced once even if the
//! process stops between two passes, and again never after a restart.
//! Publishing on the live stream happens after the commit, from the list this
//! returns.

use super::sla_clocks::{kind_label, load_row, save};
use super::sla_settings::{self, SlaSettings};
use super::{history, StoreError};
use crate::domain::sla::{Run, SlaState};
use crate::domain::sla_targets::SlaKind;
use crate::domain::ticket_sla::{Mark, TicketSla};
use crate::domain::zone::{describe_instant, from_ms};
use crate::domain::{Actor, OrgId};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// Most tickets one pass handles; the next pass takes the rest at once.
pub const PASS_LIMIT: i64 = 500;

/// A mark just recorded, for the live stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiredMark {
    pub org_id: OrgId,
    pub number: i64,
    pub kind: SlaKind,
    pub mark: Mark,
    /// The clock's due time (Unix ms), when it has one.
    pub due: Option<i64>,
}

impl FiredMark {
    /// The live event's `data`: `{number, kind, due}`.
    pub fn data(&self) -> serde_json::Value {
        serde_json::json!({"number": self.number, "kind": self.kind.as_str(), "due": self.due})
    }
}

/// Records every mark due at `now` (up to [`PASS_LIMIT`] tickets) and answers
/// them in the order they came due. Must run inside a write transaction.
pub fn fire_due(conn: &Connection, now: i64) -> Result<Vec<FiredMark>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sla_first, sla_resolution, sla_fired, org_id, number FROM tickets
         WHERE sla_next_at <= ?1 ORDER BY sla_next_at LIMIT ?2",
    )?;
    let due: Vec<(i64, Option<TicketSla>, i64, i64)> = stmt
        .query_map(params![now, PASS_LIMIT], |r| {
            Ok((r.get(0)?, load_row(r, 1)?, r.get(4)?, r.get(5)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut settings: HashMap<i64, SlaSettings> = HashMap::new();
    let mut out = Vec::new();
    let now_t = from_ms(now);
    for (id, sla, org, number) in due {
        let Some(sla) = sla else { continue };
        let org = OrgId(org);
        let s = match settings.entry(org.0) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(sla_settings::get(conn, org)?),
        };
        let (sla, marks) = sla.fire_due(&s.calendar, &s.zone, now_t);
        let actor = Actor::system(org, "sla");
        for (kind, mark) in marks {
            let clock = match kind {
                SlaKind::FirstResponse => &sla.first_response,
                SlaKind::Resolution => &sla.resolution,
            };
            let due = clock.due(&s.calendar, &s.zone);
            let when = due.map_or(String::new(), |d| describe_instant(&s.zone, now_t, d));
            let detail = match mark {
                Mark::Warning => format!(
                    "{} at risk: 80 % of the time used, due {when}",
                    kind_label(kind)
                ),
                Mark::Breach => format!("{} breached: it was due {when}", kind_label(kind)),
            };
            let mut entry = history::Entry::action(mark.as_str())
                .with_detail(detail)
                .internal(true);
            entry.field = Some(kind.as_str());
            history::record(conn, id, &actor, entry, now)?;
            out.push(FiredMark {
                org_id: org,
                number,
                kind,
                mark,
                due: due.map(|d| d.as_millisecond()),
            });
        }
        // Saving also moves sla_next_at past what just fired.
        save(conn, id, &sla, s)?;
    }
    Ok(out)
}

/// When the next mark of any organization comes due (Unix ms).
pub fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT MIN(sla_next_at) FROM tickets WHERE sla_next_at IS NOT NULL")?
        .query_row([], |r| r.get(0))?)
}

/// How one kind of promise went for the tickets of a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KindFigures {
    /// Clocks that stopped (answered or resolved).
    pub done: i64,
    /// Of those, stopped in time.
    pub met: i64,
    /// `met / done`, or `None` when nothing is done.
    pub met_share: Option<f64>,
    /// Median business minutes used by the clocks that stopped.
    pub median_business_minutes: Option<i64>,
    /// Clocks still running or paused that are already past due.
    pub open_breached: i64,
}

/// SLA figures for the tickets created in `[from, to)` (Unix ms), for reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SlaFigures {
    pub tickets: i64,
    pub first_response: KindFigures,
    pub resolution: KindFigures,
}

/// The share of the organization's tickets that met their SLA and the median
/// business time to first response and to resolution, for tickets created in
/// `[from, to)`, as of `now`.
pub fn figures(
    conn: &Connection,
    actor: &Actor,
    from: i64,
    to: i64,
    now: i64,
) -> Result<SlaFigures, StoreError> {
    let s = sla_settings::get(conn, actor.org_id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, sla_first, sla_resolution, sla_fired FROM tickets
         WHERE org_id = ?1 AND created_at >= ?2 AND created_at < ?3 AND sla_first IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![actor.org_id.0, from, to], |r| load_row(r, 1))?;
    let mut out = SlaFigures::default();
    let mut used: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    let now = from_ms(now);
    for row in rows {
        let Some(sla) = row? else { continue };
        out.tickets += 1;
        for (i, clock, fig) in [
            (0, &sla.first_response, &mut out.first_response),
            (1, &sla.resolution, &mut out.resolution),
        ] {
            let state = clock.state(&s.calendar, &s.zone, now);
            match clock.run {
                Run::Stopped { .. } => {
                    fig.done += 1;
                    fig.met += i64::from(state == SlaState::Met);
                    used[i].push(clock.used_ms);
                }
                _ => fig.open_breached += i64::from(state == SlaState::Breached),
            }
        }
    }
    for (i, fig) in [(0, &mut out.first_response), (1, &mut out.resolution)] {
        fig.met_share = (fig.done > 0).then(|| fig.met as f64 / fig.done as f64);
        let v = &mut used[i];
        v.sort_unstable();
        fig.median_business_minutes = (!v.is_empty()).then(|| v[v.len() / 2] / 60_000);
    }
    Ok(out)
}
