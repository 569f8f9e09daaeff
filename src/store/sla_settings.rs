//! An organization's SLA settings: business hours and holidays, targets per
//! priority, overrides per category, and the time zone they are read in. The
//! clocks that use them are [`super::sla_clocks`].
//!
//! A missing `sla_settings` row means the defaults: Monday to Friday 08:00-17:00,
//! no holidays, and [`SlaTargets::defaults`] for that calendar. Targets stay
//! NULL (following the calendar's business day) until an admin saves them.
//!
//! Changing the hours or the targets recomputes every open ticket's clocks in
//! the same transaction ([`recompute_open`]): time already used is counted
//! with the old settings up to the change, the rest with the new ones.

use super::row::{At, CorruptRow};
use super::sla_clocks::{load_row, Stored};
use super::StoreError;
use crate::domain::business_time::BusinessCalendar;
use crate::domain::business_timeline::Timeline;
use crate::domain::sla::Run;
use crate::domain::sla_targets::{SlaTargets, Target};
use crate::domain::ticket::Priority;
use crate::domain::zone::{from_ms, parse_time_zone, plus_ms};
use crate::domain::{Actor, OrgId};
use jiff::tz::TimeZone;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::HashMap;

/// Everything a clock needs to know about its organization.
#[derive(Debug, Clone)]
pub struct SlaSettings {
    pub calendar: BusinessCalendar,
    pub targets: SlaTargets,
    /// Whether `targets` were saved by an admin (else the calendar's defaults).
    pub targets_saved: bool,
    /// Per category id, the targets that differ (JSON, the [`SlaTargets`] shape).
    pub by_category: HashMap<i64, Value>,
    pub zone: TimeZone,
}

impl SlaSettings {
    /// The targets for a ticket of `priority` in `category_id`.
    pub fn target(&self, priority: Priority, category_id: i64) -> Target {
        match self.by_category.get(&category_id) {
            // Checked when saved; a row that no longer parses over changed
            // organization targets falls back to them rather than stop the desk.
            Some(v) => SlaTargets::parse(&self.targets, v)
                .unwrap_or_else(|_| self.targets.clone())
                .target(priority),
            None => self.targets.target(priority),
        }
    }
}

/// The organization's time zone name as set, `None` for the server's zone: the
/// one place SLA code reads it.
///
/// It is the organization's setting (`organizations.time_zone`, shared with
/// schedules and automatic assignment).
pub fn org_zone_name(conn: &Connection, org: OrgId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT time_zone FROM organizations WHERE id = ?1")?
        .query_row([org.0], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The zone to compute in: the organization's, else the server's configured
/// zone (a setting of the connection, see [`super::Db::with_server_zone`]),
/// else UTC. A stored name the bundled database no longer knows falls back too
/// (and is logged).
pub fn org_zone(conn: &Connection, org: OrgId) -> Result<TimeZone, StoreError> {
    let server: Option<String> = conn
        .prepare_cached("SELECT time_zone FROM temp.server_settings")?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten();
    let server = || match server.as_deref().map(parse_time_zone) {
        Some(Ok(tz)) => tz,
        Some(Err(e)) => {
            log::warn!("server time zone ignored: {e}");
            TimeZone::UTC
        }
        None => TimeZone::UTC,
    };
    Ok(
        match org_zone_name(conn, org)?.as_deref().map(parse_time_zone) {
            Some(Ok(tz)) => tz,
            Some(Err(e)) => {
                log::warn!("organization time zone ignored: {e}");
                server()
            }
            None => server(),
        },
    )
}

fn corrupt(org: OrgId, column: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(CorruptRow {
        table: "sla_settings",
        row: org.0,
        detail: format!("{column}: {e}"),
    })
}

/// The organization's settings (the system actor's too: the jobs thread).
pub fn get(conn: &Connection, org: OrgId) -> Result<SlaSettings, StoreError> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT calendar, targets FROM sla_settings WHERE org_id = ?1")?
        .query_row([org.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (calendar, targets) = match row {
        None => (BusinessCalendar::office(), None),
        Some((cal, targets)) => {
            let v: Value = serde_json::from_str(&cal).map_err(|e| corrupt(org, "calendar", e))?;
            let cal = BusinessCalendar::parse(&v)
                .map_err(|p| corrupt(org, "calendar", p[0].1.clone()))?;
            (cal, targets)
        }
    };
    let defaults = SlaTargets::defaults(&calendar);
    let (targets, targets_saved) = match targets {
        None => (defaults, false),
        Some(t) => {
            let v: Value = serde_json::from_str(&t).map_err(|e| corrupt(org, "targets", e))?;
            let t = SlaTargets::parse(&defaults, &v)
                .map_err(|p| corrupt(org, "targets", p[0].1.clone()))?;
            (t, true)
        }
    };
    let mut by_category = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT category_id, targets FROM sla_category_targets WHERE org_id = ?1",
    )?;
    let rows = stmt.query_map([org.0], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (id, text) = row?;
        let v = serde_json::from_str(&text).map_err(|e| corrupt(org, "category targets", e))?;
        by_category.insert(id, v);
    }
    Ok(SlaSettings {
        calendar,
        targets,
        targets_saved,
        by_category,
        zone: org_zone(conn, org)?,
    })
}

/// Saves new hours and holidays and, when `Some`, the time zone (`Some(None)`:
/// the server's); checked by the API, admin only. Recomputes open tickets.
pub fn set_calendar(
    conn: &Connection,
    actor: &Actor,
    calendar: &BusinessCalendar,
    time_zone: Option<Option<&str>>,
    now: i64,
) -> Result<usize, StoreError> {
    let old = get(conn, actor.org_id)?;
    if let Some(zone) = time_zone {
        conn.prepare_cached("UPDATE organizations SET time_zone = ?2 WHERE id = ?1")?
            .execute(params![actor.org_id.0, zone])?;
    }
    conn.prepare_cached(
        "INSERT INTO sla_settings (org_id, calendar, targets, updated_at)
         VALUES (?1, ?2, NULL, ?3)
         ON CONFLICT (org_id) DO UPDATE SET calendar = ?2, updated_at = ?3",
    )?
    .execute(params![actor.org_id.0, calendar.to_json().to_string(), now])?;
    let new = get(conn, actor.org_id)?;
    recompute_open(conn, actor.org_id, &old, &new, now)
}

/// Saves targets and, when given, replaces the per-category overrides (ids of
/// other organizations' categories are dropped by the join); recomputes.
pub fn set_targets(
    conn: &Connection,
    actor: &Actor,
    targets: &SlaTargets,
    by_category: Option<&[(i64, Value)]>,
    now: i64,
) -> Result<usize, StoreError> {
    let old = get(conn, actor.org_id)?;
    conn.prepare_cached(
        "INSERT INTO sla_settings (org_id, calendar, targets, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (org_id) DO UPDATE SET targets = ?3, updated_at = ?4",
    )?
    .execute(params![
        actor.org_id.0,
        old.calendar.to_json().to_string(),
        targets.to_json().to_string(),
        now
    ])?;
    if let Some(list) = by_category {
        conn.prepare_cached("DELETE FROM sla_category_targets WHERE org_id = ?1")?
            .execute([actor.org_id.0])?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO sla_category_targets (category_id, org_id, targets)
             SELECT id, org_id, ?3 FROM categories WHERE id = ?1 AND org_id = ?2",
        )?;
        for (id, v) in list {
            insert.execute(params![id, actor.org_id.0, v.to_string()])?;
        }
    }
    let new = get(conn, actor.org_id)?;
    recompute_open(conn, actor.org_id, &old, &new, now)
}

/// The per-category overrides with the categories' names, for `GET /api/sla`.
pub fn category_overrides(
    conn: &Connection,
    actor: &Actor,
) -> Result<Vec<(i64, String, Value)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.category_id, c.name, s.targets FROM sla_category_targets s
         JOIN categories c ON c.id = s.category_id
         WHERE s.org_id = ?1 ORDER BY c.position, c.id",
    )?;
    let rows = stmt.query_map([actor.org_id.0], |r| {
        let id: i64 = r.get(0)?;
        let text: String = r.get(2)?;
        let v = At::new("sla_category_targets", id)
            .check("targets", serde_json::from_str::<Value>(&text))?;
        Ok((id, r.get(1)?, v))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every open ticket of the organization (clocks not both stopped) measured
/// again: used time settled at `now` with `old`'s calendar, then targets and
/// hours from `new`. Returns how many tickets it rewrote. One statement reads,
/// one prepared statement writes, inside the caller's transaction.
///
/// The read walks tickets by id: a write moves a ticket in the due-time index,
/// and a scan of that index would meet it again.
pub fn recompute_open(
    conn: &Connection,
    org: OrgId,
    old: &SlaSettings,
    new: &SlaSettings,
    now: i64,
) -> Result<usize, StoreError> {
    // A hundred thousand rows and the indexes they move outgrow SQLite's
    // default 2 MiB page cache, which then reads the same pages from the
    // operating system again and again; for this transaction only, allow 64 MiB
    // (the connection is reused by ordinary requests afterwards).
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    let result = recompute_rows(conn, org, old, new, now);
    conn.pragma_update(None, "cache_size", cache)?;
    result
}

fn recompute_rows(
    conn: &Connection,
    org: OrgId,
    old: &SlaSettings,
    new: &SlaSettings,
    now: i64,
) -> Result<usize, StoreError> {
    let now = from_ms(now);
    let mut stmt = conn.prepare_cached(
        "SELECT id, priority, category_id, sla_first, sla_resolution, sla_fired FROM tickets
         WHERE org_id = ?1 AND sla_first IS NOT NULL AND status NOT IN ('resolved', 'closed')
         ORDER BY id",
    )?;
    let rows = stmt.query_map([org.0], |r| {
        let id: i64 = r.get(0)?;
        let rank: i64 = r.get(1)?;
        let priority = At::new("tickets", id).some("priority", rank, Priority::from_rank(rank))?;
        Ok((id, priority, r.get::<_, i64>(2)?, load_row(r, 3)?))
    })?;
    let same_hours = old.calendar == new.calendar && old.zone == new.zone;
    // Read all first: one timeline then covers every clock's start.
    let rows: Vec<_> = rows.collect::<Result<_, _>>()?;
    let earliest = rows
        .iter()
        .filter_map(|r| r.3.as_ref())
        .flat_map(|s| [s.first_response.run, s.resolution.run])
        .filter_map(|run| match run {
            Run::Running { since } => Some(since),
            _ => None,
        })
        .min()
        .unwrap_or(now)
        .min(now);
    // A year and a half past now covers every default target; a due time
    // beyond it is found by walking.
    let horizon = plus_ms(now, 550 * 86_400_000);
    let timeline = Timeline::new(&new.calendar, &new.zone, earliest, horizon);
    let mut count = 0;
    for (id, priority, category_id, sla) in rows {
        let Some(sla) = sla else { continue };
        count += 1;
        let target = new.target(priority, category_id);
        let moved = if same_hours {
            sla.with_targets(target)
        } else {
            // Settle with the old calendar, then count on with the new one.
            sla.retarget(&old.calendar, &old.zone, target, now)
        };
        // Same hours and the same targets (another priority's changed): its
        // due times are what they were. Skipping it saves the JSON and the
        // write, which moves the row in four indexes.
        if same_hours && moved == sla {
            continue;
        }
        Stored::of(&moved, new, Some(&timeline)).write(conn, id)?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    fn zone_of_new_org(db: &Db) -> String {
        db.write(|tx| {
            tx.execute(
                "INSERT INTO organizations (id, name, slug, join_code, created_at)
                 VALUES (1, 'a', 'a', 'A', 0) ON CONFLICT (id) DO NOTHING",
                [],
            )?;
            let tz = get(tx, OrgId(1))?.zone;
            Ok::<_, StoreError>(crate::domain::zone::zone_name(&tz).to_string())
        })
        .unwrap()
    }

    #[test]
    fn an_organization_without_a_zone_computes_in_the_configured_server_zone() {
        let dir = std::env::temp_dir().join(format!("helpdesk-sla-zone-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = Db::open(&dir, false)
            .unwrap()
            .with_server_zone("America/New_York");
        assert_eq!(zone_of_new_org(&db), "America/New_York");
        // The organization's own zone wins over the server's.
        db.write(|tx| {
            tx.execute("UPDATE organizations SET time_zone = 'Asia/Tokyo'", [])
                .map_err(StoreError::from)
        })
        .unwrap();
        assert_eq!(zone_of_new_org(&db), "Asia/Tokyo");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn without_a_configured_zone_the_store_computes_in_utc_not_the_hosts_zone() {
        let dir = std::env::temp_dir().join(format!("helpdesk-sla-utc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = Db::open(&dir, false).unwrap();
        assert_eq!(zone_of_new_org(&db), "UTC");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
